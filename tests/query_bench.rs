//! `scratchrobin query bench` end to end: the real binary on a real SQLite
//! file. A baseline is saved while the query uses its index; after the
//! table grows a hundredfold and loses the index the bench exits 2 and its
//! JSON says why; a bad file exits 1.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use sr_db::Database;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .args(args)
        .env_remove("SCRATCHROBIN_STORE")
        .output()
        .expect("run scratchrobin")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn items(rows: u32) -> String {
    format!(
        "DROP TABLE IF EXISTS items;
         CREATE TABLE items (id integer PRIMARY KEY, k integer NOT NULL, pad text NOT NULL);
         WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {rows})
         INSERT INTO items SELECT n, n, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' FROM g;"
    )
}

#[tokio::test]
async fn a_saved_baseline_then_a_hundredfold_table_without_its_index_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let url = format!("sqlite://{}?mode=rwc", dir.join("shop.db").display());
    let db = Database::connect(&url).await.unwrap();
    db.execute_script(&items(2_000)).await.unwrap();
    db.execute_script("CREATE INDEX items_k ON items (k)")
        .await
        .unwrap();
    let sql = dir.join("lookup.sql");
    std::fs::write(&sql, "SELECT pad FROM items WHERE k = 1234;\n").unwrap();
    let sql = sql.to_str().unwrap();

    let first = run(
        dir,
        &[
            "query",
            "bench",
            "--db",
            &url,
            "--sql",
            sql,
            "--json",
            "--save-baseline",
        ],
    );
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first = json(&first);
    assert_eq!(first["baseline"], Value::Null);
    assert_eq!(first["baseline_saved"], true);
    assert_eq!(first["runs"].as_array().unwrap().len(), 10);
    assert_eq!(first["plan"]["index_scans"][0], "items_k");
    assert_eq!(first["normalized"], "select pad from items where k = ?");
    for key in ["median_ms", "p95_ms"] {
        assert!(first[key].as_f64().unwrap() > 0.0, "{key}: {first}");
    }
    assert!(first["spread"]["mad_ms"].is_f64());

    db.execute_script(&items(200_000)).await.unwrap();
    db.close().await;
    let second = run(
        dir,
        &[
            "query", "bench", "--db", &url, "--sql", sql, "--json", "--runs", "5",
        ],
    );
    let text = String::from_utf8_lossy(&second.stderr).into_owned();
    assert_eq!(second.status.code(), Some(2), "{text}");
    let second = json(&second);
    assert_eq!(second["runs"].as_array().unwrap().len(), 5);
    assert_eq!(second["plan"]["seq_scans"][0], "items");
    assert_eq!(second["baseline"]["verdict"], "regressed", "{second}");
    assert_eq!(second["fingerprint"], first["fingerprint"]);
    assert!(second["baseline"]["change"].as_f64().unwrap() > 0.2);
    // The threshold is the user's: at a millionfold nothing regresses.
    let lenient = run(
        dir,
        &[
            "query",
            "bench",
            "--db",
            &url,
            "--sql",
            sql,
            "--threshold",
            "100000000",
        ],
    );
    assert_eq!(lenient.status.code(), Some(0));
    let out = String::from_utf8_lossy(&lenient.stdout);
    assert!(out.contains("against the baseline of"), "{out}");
    assert!(out.contains("sequential scans items"), "{out}");
}

#[test]
fn errors_exit_1_and_say_what_to_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "query",
                "bench",
                "--db",
                "demo",
                "--sql",
                "/nonexistent/q.sql",
            ],
            "cannot read the SQL file",
        ),
        (
            &[
                "query",
                "bench",
                "--db",
                "nowhere",
                "--sql",
                "/nonexistent/q.sql",
            ],
            "cannot read the SQL file",
        ),
        (
            &[
                "query",
                "bench",
                "--db",
                "demo",
                "--sql",
                "/dev/null",
                "--runs",
                "0",
            ],
            "--runs 0",
        ),
    ];
    for (args, says) in cases {
        let out = run(dir, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let ddl = dir.join("ddl.sql");
    std::fs::write(&ddl, "DROP TABLE orders").unwrap();
    let out = run(
        dir,
        &[
            "query",
            "bench",
            "--db",
            "demo",
            "--sql",
            ddl.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("DDL"), "{err}");
    let unknown = run(
        dir,
        &[
            "query",
            "bench",
            "--db",
            "nowhere",
            "--sql",
            ddl.to_str().unwrap(),
        ],
    );
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("neither a connection"));
}
