//! Golden schema-diff cases, as data under `tests/golden/DIALECT/CASE/`:
//! `a.sql` and `b.sql` are loaded into two fresh databases, both are
//! introspected, and the diff must equal `expected.json`. Then the
//! rendered migration is applied to the `a` database and the rollback
//! (`render(diff(b, a))`) to the `b` database; introspecting each again must
//! give no difference from the other side.
//!
//! A line `-- @include PATH` in `a.sql` or `b.sql` stands for the file at
//! PATH (relative to the case's folder): whole published schemas live once
//! under `tests/golden/samples/` (see `SOURCES.md` there) and several cases
//! build on them. `-- @include-client PATH DB` includes a script written for
//! the mysql command-line client and its own database DB, as that client
//! would send it to a database of ours (see [`client_script`]).
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

/// The text of `file` in `case`, with its `-- @include PATH` lines
/// replaced by the files they name.
fn read_sql(case: &Path, file: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(case.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let directive = line.trim();
        if let Some(path) = directive.strip_prefix("-- @include ") {
            let included = std::fs::read_to_string(case.join(path.trim()))
                .map_err(|e| format!("{file}: including {path}: {e}"))?;
            out.push_str(&included);
        } else if let Some(rest) = directive.strip_prefix("-- @include-client ") {
            let (path, db) = rest.trim().rsplit_once(' ').unwrap_or((rest, ""));
            let included = std::fs::read_to_string(case.join(path.trim()))
                .map_err(|e| format!("{file}: including {path}: {e}"))?;
            out.push_str(&client_script(&included, db));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    Ok(out)
}

/// A script for the mysql command-line client as that client sends it:
/// `DELIMITER` lines are the client's own commands (a statement then ends
/// with the delimiter they set, sent as `;`), and so are `source FILE`
/// lines, which load rows from files not kept here and are left out. The
/// script's choice of its own database `db` (`DROP DATABASE`/`SCHEMA`,
/// `CREATE DATABASE`/`SCHEMA`, `USE`) is left out and names qualified with
/// it (`db.`, `` `db`. ``) refer to the test's database instead.
fn client_script(text: &str, db: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut delimiter = ";".to_owned();
    for line in text.lines() {
        let trimmed = line.trim_end();
        if let Some(d) = trimmed
            .get(..10)
            .filter(|p| p.eq_ignore_ascii_case("DELIMITER "))
            .map(|_| trimmed[10..].trim())
        {
            delimiter = d.to_owned();
            continue;
        }
        if own_database(trimmed, db) || is_source(trimmed) {
            continue;
        }
        let line = match trimmed.strip_suffix(delimiter.as_str()) {
            Some(body) if delimiter != ";" => format!("{body};"),
            _ => trimmed.to_owned(),
        };
        if db.is_empty() {
            out.push_str(&line);
        } else {
            out.push_str(
                &line
                    .replace(&format!("`{db}`."), "")
                    .replace(&format!("{db}."), ""),
            );
        }
        out.push('\n');
    }
    out
}

/// Whether `line` is a statement choosing the script's own database `db`:
/// `DROP DATABASE|SCHEMA [IF EXISTS] db`, `CREATE DATABASE|SCHEMA [IF NOT
/// EXISTS] db [options]` or `USE db`, any case, `db` quoted or not.
fn own_database(line: &str, db: &str) -> bool {
    if db.is_empty() {
        return false;
    }
    let lower = line.to_ascii_lowercase().replace('`', "");
    let words: Vec<&str> = lower
        .trim_end_matches(|c: char| c == ';' || c.is_whitespace())
        .split_whitespace()
        .collect();
    let db = db.to_ascii_lowercase();
    let named = |rest: &[&str]| rest.first() == Some(&db.as_str());
    match words.as_slice() {
        ["use", rest @ ..] => named(rest) && rest.len() == 1,
        ["drop", "database" | "schema", "if", "exists", rest @ ..] => named(rest),
        ["drop", "database" | "schema", rest @ ..] => named(rest),
        [
            "create",
            "database" | "schema",
            "if",
            "not",
            "exists",
            rest @ ..,
        ] => named(rest),
        ["create", "database" | "schema", rest @ ..] => named(rest),
        _ => false,
    }
}

/// The client's `source FILE` command (`\. FILE` is the same).
fn is_source(line: &str) -> bool {
    let l = line.trim_start();
    l.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("source "))
        || l.starts_with("\\. ")
}

#[test]
fn client_commands_and_own_database() {
    assert!(own_database(
        "DROP DATABASE IF EXISTS `Chinook`;",
        "Chinook"
    ));
    assert!(own_database(
        "CREATE SCHEMA IF NOT EXISTS `northwind` DEFAULT CHARACTER SET latin1 ;",
        "northwind"
    ));
    assert!(own_database("USE employees;", "employees"));
    assert!(own_database("use employees;", "employees"));
    assert!(!own_database(
        "DROP TABLE IF EXISTS employees;",
        "employees"
    ));
    assert!(!own_database("USE other;", "employees"));
    assert!(is_source("source load_departments.dump ;"));
    assert!(!is_source("SELECT 'source' AS s;"));
    let script = client_script(
        "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END //\nDELIMITER ;\nCREATE TABLE `db`.`t` (a int);\nsource rows.dump ;\n",
        "db",
    );
    assert_eq!(
        script,
        "CREATE PROCEDURE p() BEGIN SELECT 1; END ;\nCREATE TABLE `t` (a int);\n"
    );
}

async fn run_case(dialect: Dialect, case: &Path, tmp: &Path) -> Result<(), String> {
    let read = |f: &str| read_sql(case, f);
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
