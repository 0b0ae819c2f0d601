//! `events emit` and `outbox list|run`: auto-issue rules from the command
//! line, for testing a rule set against example events (`rules` is
//! `rules_cmd.rs`). Both send the channel notifications the rules commit
//! after the tracker calls.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use sr_auto::{OutboxWorker, WorkReport};
use sr_engine::Engine;
use sr_engine::NotifyReport;

use crate::output;

/// Set to `after-commit` (the outbox rows are committed, nothing is sent)
/// or `after-send` (the tracker call succeeded, its outcome is not yet
/// recorded), the process says so on stderr and waits there to be killed;
/// it aborts if standard input closes first. For the outbox's crash tests.
const CRASH_ENV: &str = "SCRATCHROBIN_CRASH_AT";

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Feed one event file through the rules and send what they ask for.
    Emit {
        file: PathBuf,
        /// The rules file (default: CONFIG_DIR/auto_issue_rules.json).
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Tracker calls auto-issue rules committed, newest first.
    List {
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Send what is still pending (after a crash or a tracker outage):
    /// tracker calls, then channel notifications (held ones whose time
    /// came are decided again first).
    Run {
        #[arg(long)]
        json: bool,
    },
}

fn crash_point(at: &str) -> bool {
    std::env::var(CRASH_ENV).is_ok_and(|v| v == at)
}

/// Announces the crash point and blocks until killed.
fn wait_to_be_killed(at: &str) -> ! {
    eprintln!("{CRASH_ENV}={at}: waiting to be killed");
    let mut line = String::new();
    // Whatever arrives (or EOF), the process ends here without cleanup.
    std::io::stdin().read_line(&mut line).ok();
    std::process::abort()
}

fn worker(engine: &Engine) -> OutboxWorker {
    let w = engine.outbox_worker();
    if crash_point("after-send") {
        w.after_send(|_| wait_to_be_killed("after-send"))
    } else {
        w
    }
}

pub async fn events_cmd(engine: &Engine, command: EventsCommand) -> anyhow::Result<ExitCode> {
    let EventsCommand::Emit {
        file,
        rules: rules_file,
        json,
    } = command;
    let event = sr_auto::load_event(&file)?;
    let path = rules_file.unwrap_or_else(|| engine.paths().rules_file());
    let outcomes = engine.enqueue_event(&event, Some(&path)).await?;
    if outcomes.is_empty() {
        eprintln!(
            "warning: no rule in {} is about {}; nothing was filed",
            path.display(),
            event.event.as_str()
        );
    }
    if crash_point("after-commit") {
        wait_to_be_killed("after-commit");
    }
    let report = worker(engine).run_until_idle().await?;
    let notify = engine.send_notifications().await?;
    if json {
        output::json(
            &serde_json::json!({"outcomes": outcomes, "outbox": report, "notify": notify}),
        )?;
    } else {
        for o in &outcomes {
            let intents: Vec<String> = o.intents.iter().map(|i| format!("#{i}")).collect();
            let mut line = format!("{:<28} {:<18} {}", o.rule, o.action, intents.join(" "));
            if let Some(n) = &o.note {
                line.push_str(&format!("  ({n})"));
            }
            println!("{line}");
        }
        print_report(&report);
        print_notify(&notify);
    }
    // A condition that could not be evaluated is a broken rule set: say so
    // in the exit status too, so scripts testing rules notice.
    if outcomes.iter().any(|o| o.action == "error") {
        return Ok(ExitCode::FAILURE);
    }
    Ok(exit(&report, &notify))
}

fn print_report(report: &WorkReport) {
    println!(
        "outbox: {} sent, {} failed, {} waiting",
        report.done.len(),
        report.failed.len(),
        report.retry.len()
    );
    for (id, e) in report.failed.iter().chain(&report.retry) {
        eprintln!("outbox #{id}: {e}");
    }
}

fn print_notify(report: &NotifyReport) {
    println!(
        "notifications: {} sent, {} failed, {} waiting",
        report.sent.len(),
        report.failed.len(),
        report.retry.len()
    );
}

fn exit(report: &WorkReport, notify: &NotifyReport) -> ExitCode {
    if report.failed.is_empty()
        && report.retry.is_empty()
        && notify.failed.is_empty()
        && notify.retry.is_empty()
    {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

pub async fn outbox_cmd(engine: &Engine, command: OutboxCommand) -> anyhow::Result<ExitCode> {
    match command {
        OutboxCommand::List { limit, json } => {
            let rows = engine.outbox(limit).await?;
            if json {
                output::json(&rows)?;
            } else if rows.is_empty() {
                println!("the outbox is empty");
            } else {
                for r in &rows {
                    let i = &r.intent;
                    println!(
                        "#{:<5} {} {:<8} {:<8} {:<10} {:<24} {}  {}",
                        r.id,
                        r.created_at.format("%Y-%m-%d %H:%M:%S"),
                        r.status.as_str(),
                        i.action.as_str(),
                        i.purpose,
                        i.rule,
                        sr_auto::fingerprint_label(&i.fingerprint),
                        i.issue_key.as_deref().unwrap_or("-"),
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        OutboxCommand::Run { json } => {
            let report = worker(engine).run_until_idle().await?;
            // Held channel alerts whose time came, then every committed
            // notification, as serve's outbox loop does.
            engine.notify_due(chrono::Utc::now()).await?;
            let notify = engine.send_notifications().await?;
            if json {
                let mut out = serde_json::to_value(&report)?;
                out["notify"] = serde_json::to_value(&notify)?;
                output::json(&out)?;
            } else {
                print_report(&report);
                print_notify(&notify);
            }
            Ok(exit(&report, &notify))
        }
    }
}
