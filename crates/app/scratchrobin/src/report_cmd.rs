//! `scratchrobin report traceability`: the engine's traceability report,
//! as text or JSON. `scratchrobin report weekly [--send CHANNEL]
//! [--json]`: the weekly report of the past seven days, previewed as text
//! (the Markdown the channels get) or JSON, or sent to a channel of
//! channels.json now through the notification outbox (`serve` sends it on
//! each channel's own schedule).

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
    /// The past seven days per connection: drift, regressions, health,
    /// auto-issues filed and closed, open issues.
    Weekly {
        /// Send it to this channel of channels.json now.
        #[arg(long)]
        send: Option<String>,
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
        ReportCommand::Weekly { send, json } => weekly(engine, send, json).await?,
    }
    Ok(())
}

async fn weekly(engine: &Engine, send: Option<String>, json: bool) -> anyhow::Result<()> {
    if let Some(channel) = send {
        let sent = engine.send_weekly_report(&channel).await?;
        if json {
            output::json(&sent)?;
        } else if sent.sent.is_empty() {
            // The notification feed says why (refused, unreachable).
            anyhow::bail!(
                "the weekly report was committed for {channel} but not sent ({} failed, {} to retry); `serve` sends what is retried, see the notification feed",
                sent.failed.len(),
                sent.retry.len()
            );
        } else {
            println!("weekly report sent to {channel}");
        }
        return Ok(());
    }
    let report = engine.weekly_report(chrono::Utc::now()).await?;
    if json {
        output::json(&report)?;
    } else {
        let n = sr_engine::weekly_notification(&report, "preview");
        println!("{}\n\n{}", n.title, n.body.trim_end());
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
