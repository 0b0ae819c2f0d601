//! Loading a PostgreSQL connection's schema through the GUI's handle: the
//! schemas are listed first, then each schema's object names come as
//! their own event, then the full snapshot, whose schemas they match. A
//! snapshot already held answers at once; a refresh streams again; a
//! connection that cannot open fails with its cause.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use sr_engine::{Answer, Command, EngineHandle, EngineOptions, Event};
use sr_engine::{SchemaCommand, SchemaEvent};
use sr_schema::SchemaOutline;
use sr_secrets::{Keyring, Resolver};

/// What one load sent, until its snapshot (or its failure).
#[derive(Debug, Default)]
struct Load {
    names: Option<(String, Vec<String>)>,
    outlines: Vec<SchemaOutline>,
    snapshot: Option<Arc<sr_schema::Snapshot>>,
    failed: Option<String>,
    /// The order the kinds came in: `n` names, `o` an outline, `s` the
    /// snapshot.
    order: String,
}

fn load(events: &Receiver<Answer>, connection: &str) -> Load {
    let mut out = Load::default();
    loop {
        match events.recv_timeout(Duration::from_secs(60)).unwrap().event {
            Event::Schema(SchemaEvent::Names {
                connection: c,
                database,
                schemas,
            }) if c == connection => {
                out.names = Some((database, schemas));
                out.order.push('n');
            }
            Event::Schema(SchemaEvent::Outline {
                connection: c,
                outline,
            }) if c == connection => {
                out.outlines.push((*outline).clone());
                out.order.push('o');
            }
            Event::Schema(SchemaEvent::Snapshot {
                connection: c,
                snapshot,
            }) if c == connection => {
                out.snapshot = Some(snapshot);
                out.order.push('s');
                return out;
            }
            Event::Failed(f) if f.context.contains(connection) => {
                out.failed = Some(f.message);
                return out;
            }
            _ => {}
        }
    }
}

#[test]
fn a_postgres_schema_streams_its_tree_before_its_snapshot() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = rt.block_on(async {
        let url = sr_testkit::postgres_db().await;
        let db = sr_db::Database::connect(&url).await.unwrap();
        db.execute_script(
            "CREATE SCHEMA sales; CREATE SCHEMA inventory;
             CREATE TABLE sales.invoices (id integer PRIMARY KEY, total bigint);
             CREATE INDEX invoices_total ON sales.invoices (total);
             CREATE VIEW sales.big AS SELECT id FROM sales.invoices WHERE total > 100;
             CREATE TABLE inventory.items (id integer PRIMARY KEY);",
        )
        .await
        .unwrap();
        db.close().await;
        url
    });
    let closed = sr_testkit::free_port();
    let dir = tempfile::tempdir().unwrap();
    let paths = sr_config::Paths::resolve(
        Some(dir.path().join("config")),
        Some(dir.path().join("data")),
    )
    .unwrap();
    std::fs::create_dir_all(&paths.config_dir).unwrap();
    std::fs::write(
        paths.connections_file(),
        serde_json::json!({"connections": [
            {"name": "shop", "url": url},
            {"name": "gone", "url": format!("postgres://app@127.0.0.1:{closed}/x")},
        ]})
        .to_string(),
    )
    .unwrap();
    let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
    let (handle, events) =
        EngineHandle::spawn_with(EngineOptions::new(paths), resolver, Arc::new(|| {})).unwrap();
    let shop = || {
        Command::Schema(SchemaCommand::Load {
            connection: "shop".into(),
            refresh: false,
        })
    };

    handle.request(shop());
    let first = load(&events, "shop");
    assert_eq!(first.failed, None);
    let (database, names) = first.names.clone().unwrap();
    let snapshot = first.snapshot.clone().unwrap();
    assert_eq!(database, snapshot.database);
    assert_eq!(names, ["inventory", "public", "sales"]);
    // Names first, one outline per schema, the snapshot last.
    assert_eq!(first.order, "nooos");
    let mut outlines = first.outlines.clone();
    outlines.sort_by(|a, b| a.name.cmp(&b.name));
    let expected: Vec<SchemaOutline> = snapshot.schemas.iter().map(SchemaOutline::of).collect();
    assert_eq!(outlines, expected);
    let sales = outlines.iter().find(|o| o.name == "sales").unwrap();
    assert_eq!(sales.tables, ["invoices"]);
    assert_eq!(sales.indexes[0].name, "invoices_total");

    // Held: the snapshot at once. Refreshed: streamed again.
    handle.request(shop());
    assert_eq!(load(&events, "shop").order, "s");
    handle.request(Command::Schema(SchemaCommand::Load {
        connection: "shop".into(),
        refresh: true,
    }));
    assert_eq!(load(&events, "shop").order, "nooos");

    // A server that is not there: the failure names the cause.
    handle.request(Command::Schema(SchemaCommand::Load {
        connection: "gone".into(),
        refresh: false,
    }));
    let gone = load(&events, "gone");
    assert_eq!(gone.order, "");
    let message = gone.failed.unwrap();
    assert!(message.contains("refused"), "{message}");
}
