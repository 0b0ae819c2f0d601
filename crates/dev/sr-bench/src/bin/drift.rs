//! `cargo xtask bench drift`: two PostgreSQL databases of 2,000 tables (10
//! columns, 2 indexes and 1 foreign key each), the second with 50 scattered
//! changes. Times our path — introspecting both at once (as `drift check`
//! with a live baseline does), the diff and its migration script — then
//! migra on the same pair, and prints one line; then the same for a pair of
//! 20,000 tables, to show how the cost grows:
//!
//! `{"bench":"drift","tables":2000,"runs":5,"snapshot_s":…,"catalog_s":…,"model_s":…,"diff_s":…,"render_s":…,"total_s":…,"migra_s":…,"migra_over_ours":…}`
//!
//! `snapshot_s` is the wall time of connecting to both and the two
//! introspections together; `catalog_s` and `model_s` split it as the two
//! spent it (the catalog phase, its queries on several connections at
//! once, and decoding and building the model, summed over both, so they
//! can add up to more than the wall time). Each catalog query's own time
//! goes to standard error. `total_s` = `snapshot_s` + `diff_s` +
//! `render_s`. Each side runs `runs` times (`SR_BENCH_DRIFT_RUNS`; 5 for
//! the small pair, migra at most 3, 1 for the large pair), each run on
//! new connections, and the medians are compared; the line shows the
//! split of our median run.
//!
//! migra is the program in `SR_BENCH_MIGRA` (xtask installs it into a
//! virtual environment under the target directory); `migra_s` is `null`
//! when it cannot run, and the reason goes to standard error. migra's time
//! is the whole process, Python's start-up included, as a user sees it.
//! `SR_BENCH_DRIFT_TABLES` (comma-separated, `2000,20000` by default) picks
//! the sizes.

use std::process::Command;
use std::time::Instant;

use sr_bench::round3;
use sr_db::{Database, IntrospectTiming};
use sr_schema::{Dialect, diff, render};

const CHANGES: usize = 50;

/// One table: 10 columns, a foreign key to the table before it (the first
/// to itself), and two indexes besides the primary key.
fn table_sql(i: usize) -> String {
    let parent = i.saturating_sub(1);
    format!(
        "CREATE TABLE t{i:04} (
            id bigint PRIMARY KEY,
            parent_id bigint REFERENCES t{parent:04} (id) ON DELETE SET NULL,
            name text NOT NULL,
            code varchar(32),
            qty integer NOT NULL DEFAULT 0,
            price numeric(12, 2),
            active boolean NOT NULL DEFAULT true,
            created_at timestamptz NOT NULL DEFAULT now(),
            note text,
            payload jsonb
        );
        CREATE INDEX t{i:04}_parent ON t{i:04} (parent_id);
        CREATE INDEX t{i:04}_code_qty ON t{i:04} (code, qty);\n"
    )
}

/// The `n`-th of the scattered changes, on table `i`: ten kinds in turn.
fn change_sql(n: usize, i: usize) -> String {
    let t = format!("t{i:04}");
    match n % 10 {
        0 => format!("ALTER TABLE {t} ADD COLUMN extra integer;"),
        1 => format!("ALTER TABLE {t} DROP COLUMN note;"),
        2 => format!("ALTER TABLE {t} ALTER COLUMN qty TYPE bigint;"),
        3 => format!("ALTER TABLE {t} ALTER COLUMN code SET NOT NULL;"),
        4 => format!("DROP INDEX {t}_code_qty;"),
        5 => format!("CREATE INDEX {t}_name ON {t} (name);"),
        6 => format!("ALTER TABLE {t} ALTER COLUMN qty SET DEFAULT 1;"),
        7 => format!("ALTER TABLE {t} ADD CONSTRAINT {t}_qty_check CHECK (qty >= 0);"),
        8 => format!("ALTER TABLE {t} DROP CONSTRAINT {t}_parent_id_fkey;"),
        _ => format!("COMMENT ON TABLE {t} IS 'changed';"),
    }
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("drift bench: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let sizes: Vec<usize> = std::env::var("SR_BENCH_DRIFT_TABLES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![2_000, 20_000]);
    for tables in sizes {
        run_size(tables).await?;
    }
    Ok(())
}

async fn run_size(tables: usize) -> Result<(), String> {
    let url_a = sr_testkit::try_postgres_db()
        .await
        .map_err(|e| e.to_string())?;
    let url_b = sr_testkit::try_postgres_db()
        .await
        .map_err(|e| e.to_string())?;
    let a = Database::connect(&url_a).await.map_err(|e| e.to_string())?;
    let b = Database::connect(&url_b).await.map_err(|e| e.to_string())?;

    let started = Instant::now();
    // In batches: one script of 2,000 tables holds more locks in its one
    // transaction than a default server's lock table has room for.
    for start in (0..tables).step_by(100) {
        let batch: String = (start..(start + 100).min(tables)).map(table_sql).collect();
        let (ra, rb) = tokio::join!(a.execute_script(&batch), b.execute_script(&batch));
        ra.and(rb).map_err(|e| e.to_string())?;
    }
    let step = (tables / CHANGES).max(1);
    let changes: String = (0..CHANGES.min(tables))
        .map(|n| change_sql(n, (n * step + step / 2).min(tables - 1)))
        .collect::<Vec<_>>()
        .join("\n");
    b.execute_script(&changes)
        .await
        .map_err(|e| e.to_string())?;
    for db in [&a, &b] {
        db.execute_script("ANALYZE")
            .await
            .map_err(|e| e.to_string())?;
    }
    eprintln!(
        "drift bench: {tables} tables in two databases, {CHANGES} changes, built in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // The two databases are built; every timed run below opens its own
    // connections, as a user's `drift check` does.
    a.close().await;
    b.close().await;

    // Our path, `runs` times: both snapshots at once (as `drift check`
    // reads a live baseline and the database), then the diff and its
    // migration script. The run with the median total is reported.
    let runs = runs_for(tables);
    let mut ours = Vec::with_capacity(runs);
    for _ in 0..runs {
        ours.push(our_run(&url_a, &url_b).await?);
    }
    ours.sort_by(|x, y| x.total_s.total_cmp(&y.total_s));
    let mid = &ours[ours.len() / 2];
    for (side, per) in [("a", &mid.per_query_a), ("b", &mid.per_query_b)] {
        eprintln!("drift bench: catalog queries of {side} (ms): {per}");
    }
    eprintln!(
        "drift bench: ours found {} added, {} removed, {} changed; {} lines of migration SQL; \
         {runs} runs, total_s from {:.3} to {:.3}",
        mid.counts.0,
        mid.counts.1,
        mid.counts.2,
        mid.script_lines,
        ours[0].total_s,
        ours[ours.len() - 1].total_s,
    );

    let mut migras: Vec<f64> = (0..runs.min(3))
        .filter_map(|_| migra(&url_a, &url_b))
        .collect();
    migras.sort_by(f64::total_cmp);
    let migra_s = migras.get(migras.len() / 2).copied();
    let line = format!(
        "{{\"bench\":\"drift\",\"tables\":{tables},\"runs\":{runs},\"snapshot_s\":{},\"catalog_s\":{},\"model_s\":{},\"diff_s\":{},\"render_s\":{},\"total_s\":{},\"migra_s\":{},\"migra_over_ours\":{}}}",
        round3(mid.snapshot_s),
        round3(mid.catalog_s),
        round3(mid.model_s),
        round3(mid.diff_s),
        round3(mid.render_s),
        round3(mid.total_s),
        migra_s.map_or("null".into(), |m| round3(m).to_string()),
        migra_s.map_or("null".into(), |m| format!("{:.1}", m / mid.total_s)),
    );
    println!("{line}");
    Ok(())
}

/// How many times each side runs at `tables`: one sample of a quarter
/// second moves with any hiccup of a shared machine, so the small pair is
/// timed five times (migra three) and the medians compared; the large
/// pair, whose runs take minutes, once.
fn runs_for(tables: usize) -> usize {
    std::env::var("SR_BENCH_DRIFT_RUNS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n: &usize| *n > 0)
        .unwrap_or(if tables <= 5_000 { 5 } else { 1 })
}

/// One timed run of our path and its split.
struct OurRun {
    snapshot_s: f64,
    catalog_s: f64,
    model_s: f64,
    diff_s: f64,
    render_s: f64,
    total_s: f64,
    per_query_a: String,
    per_query_b: String,
    counts: (usize, usize, usize),
    script_lines: usize,
}

async fn our_run(url_a: &str, url_b: &str) -> Result<OurRun, String> {
    let t0 = Instant::now();
    let (a, b) = tokio::join!(Database::connect(url_a), Database::connect(url_b));
    let (a, b) = (a.map_err(|e| e.to_string())?, b.map_err(|e| e.to_string())?);
    let (snap_a, snap_b) = tokio::join!(a.introspect_timed(), b.introspect_timed());
    let (snap_a, time_a) = snap_a.map_err(|e| e.to_string())?;
    let (snap_b, time_b) = snap_b.map_err(|e| e.to_string())?;
    let snapshot_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let changes = diff(&snap_a, &snap_b);
    let diff_s = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let script = render(&changes, Dialect::Postgres).to_sql();
    let render_s = t2.elapsed().as_secs_f64();
    a.close().await;
    b.close().await;
    if changes.is_empty() {
        return Err("the diff found no changes; the bench is broken".into());
    }
    let per_query = |t: &IntrospectTiming| {
        let mut per = t.per_query.clone();
        per.sort_by_key(|p| std::cmp::Reverse(p.1));
        per.iter()
            .map(|(label, d)| format!("{label} {:.0}", d.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok(OurRun {
        snapshot_s,
        catalog_s: (time_a.queries + time_b.queries).as_secs_f64(),
        model_s: (time_a.build + time_b.build).as_secs_f64(),
        diff_s,
        render_s,
        total_s: snapshot_s + diff_s + render_s,
        per_query_a: per_query(&time_a),
        per_query_b: per_query(&time_b),
        counts: changes.counts(),
        script_lines: script.lines().count(),
    })
}

/// Seconds migra takes to diff `a` against `b`, or `None` (with the reason
/// on standard error) when it cannot run.
fn migra(a: &str, b: &str) -> Option<f64> {
    let Some(program) = std::env::var_os("SR_BENCH_MIGRA") else {
        eprintln!("drift bench: SR_BENCH_MIGRA is not set; run through `cargo xtask bench drift`");
        return None;
    };
    // psycopg2 wants the postgresql:// scheme.
    let pg = |u: &str| u.replacen("postgres://", "postgresql://", 1);
    let t = Instant::now();
    let out = Command::new(&program)
        .args(["--unsafe", &pg(a), &pg(b)])
        .output();
    let secs = t.elapsed().as_secs_f64();
    match out {
        // migra exits 2 when it found differences, 0 when there were none.
        Ok(o) if o.status.code() == Some(2) => {
            let text = String::from_utf8_lossy(&o.stdout);
            eprintln!(
                "drift bench: migra wrote {} lines of migration SQL",
                text.lines().filter(|l| !l.trim().is_empty()).count()
            );
            Some(secs)
        }
        Ok(o) => {
            eprintln!(
                "drift bench: migra exited {} without a diff: {}",
                o.status,
                String::from_utf8_lossy(&o.stderr).trim()
            );
            None
        }
        Err(e) => {
            eprintln!(
                "drift bench: cannot run {}: {e}",
                std::path::Path::new(&program).display()
            );
            None
        }
    }
}
