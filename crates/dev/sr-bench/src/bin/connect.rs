//! `cargo xtask bench connect`: how soon a large PostgreSQL database shows
//! its tree. A database of 5,000 tables in 20 schemas (6 columns, a
//! foreign key and an index each) is added as a profile of
//! connections.json; then, as the workbench does when the connection is
//! expanded, the engine opens it through its registry, reads the schema
//! and the explorer's rows are built. Three cold runs (the connection
//! closed between them); one line:
//!
//! `{"bench":"connect","tables":5000,"schemas":20,"tree_ms":…,"tree_ms_max":…,"open_ms":…,"introspect_ms":…,"rows_ms":…}`
//!
//! `tree_ms` is the median from "open" to rows ready. `SR_BENCH_CONNECT_TABLES`
//! scales the run down for a quick check.

use std::sync::Arc;
use std::time::Instant;

use sr_bench::round3;
use sr_engine::{Engine, EngineOptions};
use sr_secrets::{Keyring, Resolver};

const SCHEMAS: usize = 20;
const RUNS: usize = 3;

fn schema_sql(s: usize, tables: usize) -> String {
    let mut sql = format!("CREATE SCHEMA app{s:02};\n");
    for t in 0..tables {
        let parent = t.saturating_sub(1);
        sql += &format!(
            "CREATE TABLE app{s:02}.t{t:04} (
                id bigint PRIMARY KEY,
                parent_id bigint REFERENCES app{s:02}.t{parent:04} (id),
                name text NOT NULL,
                qty integer NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT now(),
                note text
            );
            CREATE INDEX t{t:04}_name ON app{s:02}.t{t:04} (name);\n"
        );
    }
    sql
}

fn millis(since: Instant) -> f64 {
    round3(since.elapsed().as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tables: usize = std::env::var("SR_BENCH_CONNECT_TABLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let per_schema = tables.div_ceil(SCHEMAS);
    let url = sr_testkit::postgres_db().await;
    {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&url).await?;
        for s in 0..SCHEMAS {
            sqlx::raw_sql(&schema_sql(s, per_schema))
                .execute(&mut conn)
                .await?;
        }
        sqlx::raw_sql("ANALYZE").execute(&mut conn).await?;
    }
    let dir = tempfile::tempdir()?;
    let paths = sr_config::Paths::resolve(
        Some(dir.path().join("config")),
        Some(dir.path().join("data")),
    )?;
    std::fs::create_dir_all(&paths.config_dir)?;
    std::fs::write(
        paths.connections_file(),
        format!(r#"{{"connections": [{{"name": "big", "url": "{url}"}}]}}"#),
    )?;
    let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
    let engine = Engine::open_with(EngineOptions::new(paths), resolver).await?;
    let (mut tree, mut open, mut introspect, mut rows) = (vec![], vec![], vec![], vec![]);
    let mut shown = 0;
    for _ in 0..RUNS {
        engine.close_connections(&["big".to_owned()]).await;
        let start = Instant::now();
        let db = engine.database("big").await?;
        open.push(millis(start));
        let t = Instant::now();
        let snapshot = engine.snapshot("big", false).await?;
        introspect.push(millis(t));
        let t = Instant::now();
        let explorer = sr_ui::model::explorer::explorer_tree("big", &snapshot, "");
        rows.push(millis(t));
        tree.push(millis(start));
        shown = explorer.iter().map(|s| s.total()).sum::<usize>();
        drop(db);
    }
    let max = tree.iter().copied().fold(0.0, f64::max);
    println!(
        "{}",
        serde_json::json!({
            "bench": "connect",
            "tables": SCHEMAS * per_schema,
            "schemas": SCHEMAS,
            "objects_shown": shown,
            "tree_ms": median(tree),
            "tree_ms_max": max,
            "open_ms": median(open),
            "introspect_ms": median(introspect),
            "rows_ms": median(rows),
        })
    );
    Ok(())
}
