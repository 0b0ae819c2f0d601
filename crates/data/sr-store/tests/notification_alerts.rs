//! The alerts table on both engines: an alert marked due is found by the
//! scan at its time and not before; a clear finds only the firing alerts
//! of its connection, kind, object and finding, marks them due, and a
//! second clear finds nothing; a due mark for a firing alert does not
//! overwrite a clear that came meanwhile.

use chrono::{Duration, Utc};
use sr_store::{AlertSource, NotificationAlert, Store};

async fn on_both<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sqlite = Store::open_file(&dir.path().join("store.db"))
        .await
        .expect("open a SQLite store");
    body(sqlite.clone()).await;
    sqlite.close().await;
    let pg = Store::open(&sr_testkit::postgres_db().await)
        .await
        .expect("open a PostgreSQL store");
    body(pg.clone()).await;
    pg.close().await;
}

fn alert(channel: &str, fp: &str, object: &str, finding: &str) -> NotificationAlert {
    NotificationAlert {
        channel: channel.into(),
        fingerprint: fp.into(),
        rule: "Drift".into(),
        connection: "shop".into(),
        object: object.into(),
        event: "health.failed".into(),
        finding: finding.into(),
        firing: true,
        notification: "{}".into(),
        due_at: None,
    }
}

#[tokio::test]
async fn due_alerts_and_clears() {
    on_both(|store| async move {
        let now = Utc::now();
        let mut a = alert("slack", "fp1", "main", "locks");
        a.due_at = Some(now + Duration::seconds(30));
        store.put_notification_alert(&a).await.expect("put");
        store
            .put_notification_alert(&alert("slack", "fp2", "main", "bloat"))
            .await
            .expect("put");
        store
            .put_notification_alert(&alert("pd", "fp1", "main", "locks"))
            .await
            .expect("put");
        assert!(
            store
                .due_notification_alerts(now, 10)
                .await
                .expect("due")
                .is_empty()
        );
        let due = store
            .due_notification_alerts(now + Duration::seconds(31), 10)
            .await
            .expect("due");
        assert_eq!(due.len(), 1);
        assert_eq!(
            (due[0].channel.as_str(), due[0].fingerprint.as_str()),
            ("slack", "fp1")
        );

        // Clear the locks check only: both channels' fp1, not fp2.
        let source = AlertSource {
            connection: "shop",
            event: "health.failed",
            object: Some("main"),
            finding: Some("locks"),
        };
        let cleared = store
            .clear_notification_alerts(&source, now)
            .await
            .expect("clear");
        let mut names: Vec<_> = cleared
            .iter()
            .map(|c| (c.channel.clone(), c.fingerprint.clone(), c.firing))
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![
                ("pd".into(), "fp1".into(), false),
                ("slack".into(), "fp1".into(), false)
            ]
        );
        assert!(
            store
                .clear_notification_alerts(&source, now)
                .await
                .expect("clear")
                .is_empty()
        );
        // A late due mark of the firing alert leaves the clear's alone.
        assert!(
            !store
                .set_notification_alert_due("slack", "fp1", true, None)
                .await
                .expect("due")
        );
        assert_eq!(
            store
                .due_notification_alerts(now, 10)
                .await
                .expect("due")
                .len(),
            2
        );
        assert!(
            store
                .set_notification_alert_due("slack", "fp1", false, None)
                .await
                .expect("due")
        );
        let left = store
            .notification_alert("slack", "fp1")
            .await
            .expect("read")
            .expect("there");
        assert_eq!((left.firing, left.due_at), (false, None));
        // Another connection, or any finding of the kind.
        let other = AlertSource {
            connection: "other",
            ..source.clone()
        };
        assert!(
            store
                .clear_notification_alerts(&other, now)
                .await
                .expect("clear")
                .is_empty()
        );
        let any = AlertSource {
            object: None,
            finding: None,
            ..source
        };
        let rest = store
            .clear_notification_alerts(&any, now)
            .await
            .expect("clear");
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].fingerprint, "fp2");
    })
    .await;
}
