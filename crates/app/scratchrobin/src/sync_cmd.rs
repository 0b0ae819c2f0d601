//! `scratchrobin sync run|status`: a manual sync of one tracker with a
//! progress bar on a terminal (Ctrl-C cancels it, leaving the cache
//! consistent), and every tracker's sync state.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Subcommand;
use sr_engine::Engine;
use sr_sync::{
    SchedulerOptions, SyncManager, SyncOperation, SyncRequest, SyncStatus, TrackerSyncStatus,
    tracker_sync_statuses,
};

use crate::output;

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Sync one tracker's issues into the cache now. Exits 0 when the sync
    /// completed, 1 when it failed, 130 when it was cancelled (Ctrl-C).
    Run {
        /// The tracker's name in trackers.json.
        tracker: String,
        /// Read every issue and find deleted or moved ones, not only what
        /// changed since the last sync.
        #[arg(long)]
        full: bool,
        /// Also add closed issues the cache does not hold yet.
        #[arg(long)]
        include_closed: bool,
        #[arg(long)]
        json: bool,
    },
    /// Each tracker's sync state: health, last error, cursor, webhook
    /// health, poll interval, running and last operation.
    Status {
        #[arg(long)]
        json: bool,
    },
}

pub async fn sync_cmd(engine: &Engine, command: SyncCommand) -> anyhow::Result<ExitCode> {
    let manager = engine.sync_manager();
    match command {
        SyncCommand::Run {
            tracker,
            full,
            include_closed,
            json,
        } => {
            let mut request = SyncRequest::manual(&tracker, engine.actor());
            if full {
                request = request.full();
            }
            if include_closed {
                request = request.with_closed();
            }
            let op = run(&manager, request, !json && std::io::stderr().is_terminal()).await?;
            if json {
                output::json(&op)?;
            } else {
                println!("{}", summary(&op));
            }
            Ok(match op.status {
                SyncStatus::Completed => ExitCode::SUCCESS,
                SyncStatus::Cancelled => ExitCode::from(130),
                _ => ExitCode::FAILURE,
            })
        }
        SyncCommand::Status { json } => {
            let statuses = tracker_sync_statuses(
                &manager,
                &engine.tracker_entries(),
                &SchedulerOptions::default(),
            )
            .await?;
            if json {
                output::json(&statuses)?;
            } else if statuses.is_empty() {
                println!("no enabled trackers; add one in trackers.json or the settings dialog");
            } else {
                for s in &statuses {
                    println!("{}", status_lines(s));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Starts the sync and follows it to its end, drawing progress when asked.
async fn run(
    manager: &SyncManager,
    request: SyncRequest,
    bar: bool,
) -> anyhow::Result<SyncOperation> {
    let handle = manager.start(request)?;
    let mut watch = handle.watch();
    let mut cancelled = false;
    loop {
        if bar {
            draw(&watch.borrow_and_update());
        }
        if !watch.borrow().status.is_active() {
            break;
        }
        tokio::select! {
            changed = watch.changed() => if changed.is_err() { break },
            _ = tokio::signal::ctrl_c(), if !cancelled => {
                cancelled = true;
                handle.cancel();
            }
        }
    }
    if bar {
        eprintln!();
    }
    Ok(handle.finished().await)
}

/// One line redrawn in place: `[#####-----] 120/300 creating`.
fn draw(op: &SyncOperation) {
    let p = &op.progress;
    let width = 30u64;
    let filled = (p.processed * width).checked_div(p.total).unwrap_or(0);
    let filled = usize::try_from(filled.min(width)).unwrap_or(0);
    let stage = serde_json::to_value(p.stage)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut err = std::io::stderr();
    write!(
        err,
        "\r{} [{}{}] {}/{} {:<12}",
        op.tracker,
        "#".repeat(filled),
        "-".repeat(30 - filled),
        p.processed,
        p.total,
        stage
    )
    .ok();
    err.flush().ok();
}

fn summary(op: &SyncOperation) -> String {
    let r = &op.results;
    let took = match (op.started_at, op.completed_at) {
        (Some(a), Some(b)) => format!(" in {:.1} s", (b - a).num_milliseconds() as f64 / 1000.0),
        _ => String::new(),
    };
    let status = serde_json::to_value(op.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut line = format!(
        "{}: {status}{took}: {} created, {} updated, {} skipped, {} failed",
        op.tracker, r.created, r.updated, r.skipped, r.failed
    );
    if r.removed + r.moved > 0 {
        line.push_str(&format!(", {} removed, {} moved", r.removed, r.moved));
    }
    if r.pushed > 0 {
        line.push_str(&format!(", {} pushed", r.pushed));
    }
    if r.comments_sent + r.comments_received > 0 {
        line.push_str(&format!(
            "; comments: {} sent, {} received",
            r.comments_sent, r.comments_received
        ));
    }
    if let Some(e) = &op.error
        && op.status == SyncStatus::Failed
    {
        line.push_str(&format!("\nerror: {e}"));
    }
    for c in &r.conflicts {
        line.push_str(&format!(
            "\n  conflict on {} {}: workbench `{}`, tracker `{}` (was `{}`); {} won by {}",
            c.issue,
            c.field.as_str(),
            c.local,
            c.remote,
            c.base,
            c.winner,
            serde_json::to_value(c.policy)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        ));
    }
    for e in &r.errors {
        line.push_str(&format!(
            "\n  issue {}: {}",
            e.issue_id.as_deref().unwrap_or("?"),
            e.error
        ));
    }
    line
}

fn status_lines(s: &TrackerSyncStatus) -> String {
    let time = |t: Option<sr_model::Timestamp>| {
        t.map_or_else(
            || "never".to_owned(),
            |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        )
    };
    let mut out = format!(
        "{}: {} — last success {}, polled every {} min\n  {}",
        s.tracker,
        s.health,
        time(s.last_success),
        s.poll_every_minutes,
        s.webhook_summary
    );
    if let Some(by) = &s.polled_by {
        out.push_str(&format!(
            "\n  scheduled polls: last by {by}, next due {}",
            time(s.next_poll)
        ));
    }
    if let Some(e) = &s.last_error {
        out.push_str(&format!("\n  last error: {e}"));
    }
    if let Some(a) = &s.active {
        out.push_str(&format!(
            "\n  syncing now: {}/{} ({:?})",
            a.progress.processed, a.progress.total, a.progress.stage
        ));
    }
    if let Some(l) = &s.last {
        out.push_str(&format!(
            "\n  last sync: {}",
            summary(l).replace('\n', "\n  ")
        ));
    }
    out
}
