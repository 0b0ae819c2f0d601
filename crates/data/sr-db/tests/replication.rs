//! Replication lag seen from both sides of a real streaming pair: a
//! throwaway PostgreSQL primary and a standby made from its base backup.

use std::time::{Duration, Instant};

use sr_db::Database;
use sr_db::health::{self, HealthCheckResult, HealthConfig, Severity};

/// Re-runs the replication check until `found` holds (the standby has to
/// connect and replay first), or fails after a minute.
async fn until(db: &Database, found: impl Fn(&HealthCheckResult) -> bool) -> HealthCheckResult {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let result = health::run_checks(db, &HealthConfig::default())
            .await
            .into_iter()
            .find(|r| r.check == "replication_lag")
            .expect("a replication_lag result");
        if found(&result) {
            return result;
        }
        assert!(Instant::now() < deadline, "never reached: {result:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn postgres_primary_and_standby() {
    let (primary, standby) = tokio::task::spawn_blocking(|| {
        let primary = sr_testkit::PgServer::start().expect("a throwaway primary");
        let standby = sr_testkit::PgStandby::start(&primary).expect("a standby of it");
        (primary, standby)
    })
    .await
    .unwrap();
    let p = Database::connect(&primary.admin_url()).await.unwrap();
    let s = Database::connect(&standby.admin_url()).await.unwrap();
    p.execute_script("CREATE TABLE replayed (id int);\nINSERT INTO replayed VALUES (1);")
        .await
        .unwrap();

    let seen = until(&p, |r| {
        r.evidence["replicas"]
            .as_array()
            .is_some_and(|a| a.len() == 1 && a[0]["state"] == "streaming")
    })
    .await;
    assert_eq!(seen.severity, Severity::Ok, "{seen:#?}");
    assert_eq!(seen.evidence["role"], "primary");
    assert!(
        seen.summary.contains("1 replica(s) attached"),
        "{}",
        seen.summary
    );

    let replaying = until(&s, |r| {
        r.evidence["caught_up"] == true && r.evidence["lag_s"].is_number()
    })
    .await;
    assert_eq!(replaying.severity, Severity::Ok, "{replaying:#?}");
    assert_eq!(replaying.evidence["role"], "standby");
    assert!(replaying.evidence["lag_s"].is_number(), "{replaying:#?}");
    let rows: i64 = match s.pool() {
        sr_db::DbPool::Postgres(pool) => sqlx::query_scalar("SELECT count(*) FROM replayed")
            .fetch_one(pool)
            .await
            .unwrap(),
        other => panic!("not PostgreSQL: {other:?}"),
    };
    assert_eq!(rows, 1, "the standby replayed the insert");

    s.close().await;
    p.close().await;
    tokio::task::spawn_blocking(move || {
        standby.stop();
        primary.stop();
    })
    .await
    .unwrap();
}
