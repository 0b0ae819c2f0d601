//! Golden schema-diff cases, as data under `tests/golden/DIALECT/CASE/`:
//! `a.sql` and `b.sql` are loaded into two fresh databases, both are
//! introspected, and the diff must equal `expected.json`. Then the
//! rendered migration is applied to the `a` database and the rollback
//! (`render(diff(b, a))`) to the `b` database; introspecting each again must
//! give no difference from the other side.
//!
//! `SR_GOLDEN_BLESS=1` writes the diffs it finds into `expected.json`
//! (review them before committing); `SR_GOLDEN_CASE=NAME` runs one case.

use std::path::{Path, PathBuf};

use sr_db::Database;
use sr_schema::{Dialect, Snapshot, diff, render};

#[tokio::test]
async fn sqlite_golden_cases() {
    run_dialect(Dialect::Sqlite, "sqlite").await;
}

#[tokio::test]
async fn postgres_golden_cases() {
    run_dialect(Dialect::Postgres, "postgres").await;
}

#[tokio::test]
async fn mariadb_golden_cases() {
    run_dialect(Dialect::MySql, "mariadb").await;
}

async fn run_dialect(dialect: Dialect, folder: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(folder);
    let only = std::env::var("SR_GOLDEN_CASE").ok();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("the golden folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("a.sql").exists())
        .filter(|p| only.as_deref().is_none_or(|o| p.ends_with(o)))
        .collect();
    cases.sort();
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(e) = run_case(dialect, case, tmp.path()).await {
            failures.push(format!("== {}\n{e}", case.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {folder} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

async fn fresh(dialect: Dialect, dir: &Path, name: &str) -> Database {
    let url = match dialect {
        Dialect::Sqlite => {
            let path = dir.join(format!("{name}.db"));
            std::fs::remove_file(&path).ok();
            format!("sqlite://{}?mode=rwc", path.display())
        }
        Dialect::Postgres => sr_testkit::postgres_db().await,
        Dialect::MySql => sr_testkit::mariadb_db().await,
    };
    Database::connect(&url)
        .await
        .expect("connect to a fresh database")
}

async fn load(
    dialect: Dialect,
    dir: &Path,
    name: &str,
    sql: &str,
) -> Result<(Database, Snapshot), String> {
    let db = fresh(dialect, dir, name).await;
    if !sql.trim().is_empty() {
        db.execute_script(sql)
            .await
            .map_err(|e| format!("loading {name}.sql: {e}"))?;
    }
    let snap = db
        .introspect()
        .await
        .map_err(|e| format!("introspecting {name}: {e}"))?;
    Ok((db, snap))
}

async fn run_case(dialect: Dialect, case: &Path, tmp: &Path) -> Result<(), String> {
    let read = |f: &str| std::fs::read_to_string(case.join(f)).map_err(|e| format!("{f}: {e}"));
    let (db_a, snap_a) = load(dialect, tmp, "a", &read("a.sql")?).await?;
    let (db_b, snap_b) = load(dialect, tmp, "b", &read("b.sql")?).await?;

    let forward = diff(&snap_a, &snap_b);
    // A MySQL schema is the (throwaway) database itself: name it `DB`.
    let actual = match dialect {
        Dialect::MySql => forward.to_json().replace(&snap_a.database, "DB"),
        _ => forward.to_json(),
    };
    let expected_path = case.join("expected.json");
    if std::env::var_os("SR_GOLDEN_BLESS").is_some() {
        std::fs::write(&expected_path, &actual).map_err(|e| e.to_string())?;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).ok();
    if parse(&expected).is_none() || parse(&expected) != parse(&actual) {
        return Err(format!(
            "the diff differs from expected.json; it is:\n{actual}"
        ));
    }

    let up = render(&forward, dialect);
    apply_and_check(&db_a, &up, &snap_b, "migration").await?;
    let back = render(&diff(&snap_b, &snap_a), dialect);
    apply_and_check(&db_b, &back, &snap_a, "rollback").await?;
    db_a.close().await;
    db_b.close().await;
    Ok(())
}

async fn apply_and_check(
    db: &Database,
    script: &sr_schema::MigrationScript,
    target: &Snapshot,
    what: &str,
) -> Result<(), String> {
    db.apply(script).await.map_err(|e| {
        format!(
            "applying the {what} failed: {e}\n-- {what}:\n{}",
            script.to_sql()
        )
    })?;
    let after = db.introspect().await.map_err(|e| e.to_string())?;
    let rest = diff(&after, target);
    if rest.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "after the {what} the database still differs:\n{}\n-- {what}:\n{}",
            rest.to_json(),
            script.to_sql()
        ))
    }
}
