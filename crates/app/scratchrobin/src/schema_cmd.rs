//! `schema snapshot`, `schema diff` and `drift check`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use sr_db::Database;
use sr_db::drift::{self, Baseline};
use sr_engine::Engine;
use sr_schema::{Dialect, Snapshot};

use crate::output;

/// A connection by name (`demo`, a profile), a database URL or an SQLite
/// file.
async fn open(engine: &Engine, conn_or_url: &str) -> anyhow::Result<Arc<Database>> {
    crate::db_target::open_database(engine, conn_or_url).await
}

pub async fn snapshot(
    engine: &Engine,
    db: &str,
    output_file: Option<PathBuf>,
) -> anyhow::Result<()> {
    let database = open(engine, db).await?;
    let json = database.introspect().await?.to_json();
    match output_file {
        Some(path) => {
            std::fs::write(&path, json)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            eprintln!("snapshot written to {}", path.display());
        }
        None => print!("{json}"),
    }
    Ok(())
}

/// One side of a diff: a live database (connection or URL), a snapshot
/// file, or a migrations directory applied to a scratch database of the
/// other side's dialect.
async fn side(
    engine: &Engine,
    arg: &str,
    other: Option<&Database>,
    dialect: Dialect,
) -> anyhow::Result<Snapshot> {
    if let Some(target) = crate::db_target::target(engine, arg).await? {
        let db = crate::db_target::connect(engine, &target).await?;
        return Ok(db.introspect().await?);
    }
    Ok(drift::load_snapshot(&Baseline::from_arg(arg), dialect, other).await?)
}

pub async fn diff(
    engine: &Engine,
    from: &str,
    to: &str,
    sql: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let live = |a: &str| a.contains("://") || !std::path::Path::new(a).exists();
    // A live side fixes the dialect (and the server) migrations run on.
    let server = match (live(from), live(to)) {
        (true, _) => Some(open(engine, from).await?),
        (_, true) => Some(open(engine, to).await?),
        _ => None,
    };
    let dialect = server.as_ref().map_or(Dialect::Sqlite, |d| d.dialect());
    let a = side(engine, from, server.as_deref(), dialect).await?;
    let b = side(engine, to, server.as_deref(), dialect).await?;
    let changes = sr_schema::diff(&a, &b);
    if json {
        println!("{}", changes.to_json());
    } else if sql {
        print!("{}", sr_schema::render(&changes, b.dialect).to_sql());
    } else if changes.is_empty() {
        println!("no differences");
    } else {
        let (added, removed, changed) = changes.counts();
        println!("{added} added, {removed} removed, {changed} changed");
        print!("{}", sr_schema::render(&changes, b.dialect).to_sql());
    }
    Ok(if changes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// Exit 0 without drift, 2 with drift; errors exit 1.
pub async fn drift_check(
    engine: &Engine,
    db: &str,
    baseline: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let target = crate::db_target::target(engine, db).await?;
    let database = open(engine, db).await?;
    // A profile's environment label names the environment in the report.
    let environment = target.map_or_else(|| db.to_owned(), |t| t.label());
    let report = drift::check(&database, &Baseline::from_arg(baseline), &environment).await?;
    if json {
        output::json(&report)?;
    } else {
        print!("{}", report.to_text());
    }
    Ok(if report.drifted {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
