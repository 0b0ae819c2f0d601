//! `scratchrobin report traceability`: the engine's traceability report,
//! as text or JSON.

use sr_engine::Engine;
use sr_engine::traceability::{ResolveStats, Share, TimeStats, Traceability};

use crate::output;

#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// Per connection and schema: the share of objects and of schema
    /// changes with linked issues, the time from a change's issue to its
    /// migration, the mean time to resolve drift, regression and health
    /// auto-issues.
    Traceability {
        /// Only this connection.
        #[arg(long)]
        connection: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(engine: &Engine, command: ReportCommand) -> anyhow::Result<()> {
    match command {
        ReportCommand::Traceability { connection, json } => {
            let report = engine.traceability(connection.as_deref()).await?;
            if json {
                output::json(&report)?;
                return Ok(());
            }
            for c in &report.connections {
                println!("{}", c.connection);
                if let Some(e) = &c.objects_error {
                    println!("  objects not counted: {e}");
                }
                print_figures("  ", &c.figures);
                for s in &c.schemas {
                    println!("  schema {}", s.schema);
                    print_figures("    ", &s.figures);
                }
            }
        }
    }
    Ok(())
}

fn print_figures(indent: &str, f: &Traceability) {
    if let Some(o) = &f.objects {
        println!("{indent}objects with issues      {}", share(o));
    }
    let c = &f.schema_changes;
    println!(
        "{indent}changes with issues      {} (drift {}, migrations {}, merged PRs {})",
        share(&c.total),
        share(&c.drift),
        share(&c.migrations),
        share(&c.merged_prs)
    );
    println!(
        "{indent}issue to migration       {}",
        times(&f.issue_to_migration)
    );
    let r = &f.resolve;
    println!(
        "{indent}time to resolve          drift {}; regression {}; health {}",
        resolve(&r.drift),
        resolve(&r.regression),
        resolve(&r.health)
    );
}

fn share(s: &Share) -> String {
    match s.share {
        Some(p) => format!("{}/{} ({:.1}%)", s.linked, s.total, p * 100.0),
        None => "0/0".to_owned(),
    }
}

fn times(t: &TimeStats) -> String {
    match (t.mean_hours, t.median_hours) {
        (Some(mean), Some(median)) => {
            format!(
                "{} migrations, mean {mean:.1} h, median {median:.1} h",
                t.count
            )
        }
        _ => "no migration with an issue before it".to_owned(),
    }
}

fn resolve(r: &ResolveStats) -> String {
    match r.mean_hours {
        Some(mean) => format!("{}/{} resolved, mean {mean:.1} h", r.resolved, r.filed),
        None => format!("0/{} resolved", r.filed),
    }
}
