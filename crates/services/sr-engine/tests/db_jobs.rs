//! The scheduler's database jobs, run once at a time through their
//! `check_once` (no scheduler, no sleeps) on the demo database with the
//! example rules: a drift files one issue, a second sighting no second
//! issue, a revert resolves it; a missing backup file fails the health
//! check and its return recovers it; a regressed tracked query is filed
//! once; monitoring.json is parsed strictly.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::Path;
use std::sync::Arc;

use sr_engine::{
    ConnectionMonitoring, DatabaseJob, DbCheck, Engine, EngineOptions, EventReport,
    MonitoringConfig, load_monitoring_config,
};
use sr_secrets::{Keyring, Resolver};
use sr_store::{OutboxAction, OutboxIntent};

async fn engine(dir: &Path) -> Arc<Engine> {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    let rules =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../config/auto_issue_rules.example.json");
    std::fs::copy(rules, paths.rules_file()).unwrap();
    let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
    Arc::new(
        Engine::open_with(EngineOptions::new(paths), resolver)
            .await
            .unwrap(),
    )
}

/// Each report's rule outcomes as `(rule, action)`.
fn actions(reports: &[EventReport]) -> Vec<(String, String)> {
    reports
        .iter()
        .flat_map(|r| &r.outcomes)
        .map(|o| (o.rule.clone(), o.action.clone()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

async fn outbox(engine: &Engine, action: OutboxAction) -> Vec<OutboxIntent> {
    let rows = engine.store().outbox(100).await.unwrap();
    rows.into_iter()
        .filter(|i| i.intent.action == action)
        .collect()
}

async fn sql_on(engine: &Engine, connection: &str, text: &str) {
    engine.run_query(1, connection, text, false).await.unwrap();
}

/// Adds profile `name` for `url` to connections.json and reloads.
async fn profile(engine: &Engine, name: &str, url: &str) {
    std::fs::write(
        engine.paths().connections_file(),
        format!(r#"{{"connections": [{{"name": "{name}", "url": "{url}"}}]}}"#),
    )
    .unwrap();
    engine.reload_connections().await;
}

/// A drift on `connection`'s table `orders` files one issue, a second
/// sighting comments, the revert resolves it.
async fn drift_round_trip(engine: &Arc<Engine>, connection: &str) {
    let job = DatabaseJob::new(
        engine.clone(),
        connection,
        DbCheck::Drift,
        ConnectionMonitoring::default(),
    );
    // Without a baseline there is nothing to compare with.
    assert_eq!(actions(&job.check_once().await.unwrap()), vec![]);
    engine.save_baseline(connection).await.unwrap();
    assert_eq!(actions(&job.check_once().await.unwrap()), vec![]);

    sql_on(
        engine,
        connection,
        "ALTER TABLE orders ADD COLUMN note TEXT",
    )
    .await;
    assert_eq!(
        actions(&job.check_once().await.unwrap()),
        pairs(&[("Schema Drift Alert", "create")])
    );
    // A second sighting opens no second issue; the rules comment instead.
    assert_eq!(
        actions(&job.check_once().await.unwrap()),
        pairs(&[("Schema Drift Alert", "comment")])
    );
    let created = outbox(engine, OutboxAction::Create).await;
    assert_eq!(created.len(), 1);
    assert!(
        created[0].intent.body.contains("orders"),
        "{}",
        created[0].intent.body
    );
    assert!(
        created[0].intent.body.contains(connection),
        "the issue names the connection: {}",
        created[0].intent.body
    );

    sql_on(engine, connection, "ALTER TABLE orders DROP COLUMN note").await;
    assert_eq!(
        actions(&job.check_once().await.unwrap()),
        pairs(&[("Schema Drift Resolved", "resolve")])
    );
    assert_eq!(outbox(engine, OutboxAction::Close).await.len(), 1);
    // Clean and already resolved: nothing more.
    assert_eq!(actions(&job.check_once().await.unwrap()), vec![]);
}

#[tokio::test]
async fn drift_is_filed_once_and_resolved_when_reverted() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    drift_round_trip(&engine, "demo").await;
}

#[tokio::test]
async fn drift_on_a_postgres_profile_is_filed_as_on_the_demo() {
    let url = sr_testkit::postgres_db().await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    profile(&engine, "shop", &url).await;
    sql_on(
        &engine,
        "shop",
        "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10, 2))",
    )
    .await;
    drift_round_trip(&engine, "shop").await;
}

#[tokio::test]
async fn drift_on_a_mariadb_profile_is_filed_as_on_the_demo() {
    let url = sr_testkit::mariadb_db().await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    profile(&engine, "crm", &url).await;
    sql_on(
        &engine,
        "crm",
        "CREATE TABLE orders (id bigint PRIMARY KEY, total decimal(10, 2))",
    )
    .await;
    drift_round_trip(&engine, "crm").await;
}

#[tokio::test]
async fn a_missing_backup_fails_health_and_its_return_recovers_it() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let marker = dir.path().join("backup.done");
    let settings = ConnectionMonitoring {
        backup_file: Some(marker.clone()),
        ..ConnectionMonitoring::default()
    };
    let job = DatabaseJob::new(engine.clone(), "demo", DbCheck::Health, settings);
    assert_eq!(
        actions(&job.check_once().await.unwrap()),
        pairs(&[("Health Check Failed", "create")])
    );
    // Still failing the same way: reported once.
    assert_eq!(actions(&job.check_once().await.unwrap()), vec![]);
    let created = outbox(&engine, OutboxAction::Create).await;
    assert_eq!(created.len(), 1);
    assert!(
        created[0].intent.body.contains("backup"),
        "{}",
        created[0].intent.body
    );

    std::fs::write(&marker, "ok").unwrap();
    assert_eq!(
        actions(&job.check_once().await.unwrap()),
        pairs(&[("Health Recovered", "resolve")])
    );
    assert_eq!(outbox(&engine, OutboxAction::Close).await.len(), 1);
    assert_eq!(actions(&job.check_once().await.unwrap()), vec![]);
}

#[tokio::test]
async fn a_regressed_tracked_query_is_filed_once() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let query = "SELECT * FROM orders WHERE id = 1";
    engine.track_query("demo", query).await.unwrap();
    let job = DatabaseJob::new(
        engine.clone(),
        "demo",
        DbCheck::Perf,
        ConnectionMonitoring::default(),
    );
    let save = |median: f64, minutes: i64| {
        let engine = engine.clone();
        async move {
            engine
                .store()
                .save_query_baseline(&sr_store::QueryBaseline {
                    connection: "demo".into(),
                    fingerprint: sr_db::perf::fingerprint(query),
                    sql: query.into(),
                    runs: 10,
                    median_ms: median,
                    p95_ms: median,
                    mad_ms: 0.05,
                    min_ms: median,
                    max_ms: median,
                    plan: "{}".into(),
                    recorded_at: chrono::Utc::now() + chrono::Duration::minutes(minutes),
                })
                .await
                .unwrap();
        }
    };
    save(1.0, 0).await;
    save(1.05, 1).await;
    assert_eq!(actions(&job.check_once().await.unwrap()), vec![]);
    save(9.0, 2).await;
    assert_eq!(
        actions(&job.check_once().await.unwrap()),
        pairs(&[("Performance Regression", "create")])
    );
    assert_eq!(actions(&job.check_once().await.unwrap()), vec![]);
}

fn check_config(text: &str, expected: Result<MonitoringConfig, &str>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("monitoring.json");
    std::fs::write(&path, text).unwrap();
    match (load_monitoring_config(&path), expected) {
        (Ok(got), Ok(want)) => assert_eq!(got, want, "{text}"),
        (Err(e), Err(word)) => assert!(e.to_string().contains(word), "{text}: {e}"),
        (got, want) => panic!("{text}: got {got:?}, expected {want:?}"),
    }
}

#[test]
fn monitoring_config_is_strict() {
    let with = |f: fn(&mut ConnectionMonitoring)| {
        let mut c = ConnectionMonitoring::default();
        f(&mut c);
        MonitoringConfig {
            connections: [("demo".to_owned(), c)].into_iter().collect(),
        }
    };
    check_config("{}", Ok(MonitoringConfig::default()));
    check_config(r#"{"connections": {"demo": {}}}"#, Ok(with(|_| {})));
    check_config(
        r#"{"connections": {"demo": {"drift_minutes": 1, "health_minutes": 0}}}"#,
        Ok(with(|c| {
            c.drift_minutes = 1;
            c.health_minutes = 0;
        })),
    );
    check_config(
        r#"{"connections": {"demo": {"drift_minute": 1}}}"#,
        Err("unknown field `drift_minute`"),
    );
    check_config(r#"{"demo": {}}"#, Err("drift_minutes"));
    check_config(
        r#"{"connections": {"demo": {"drift_minutes": -1}}}"#,
        Err("monitoring.json"),
    );
    let missing = tempfile::tempdir().unwrap();
    assert_eq!(
        load_monitoring_config(&missing.path().join("monitoring.json")).unwrap(),
        MonitoringConfig::default()
    );
}
