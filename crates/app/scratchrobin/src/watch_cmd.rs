//! `scratchrobin watch`: the team store's changes made by other processes
//! (links, cached issues, auto-issue outbox rows), one line each, as they
//! happen, until Ctrl-C or SIGTERM.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use sr_engine::{Engine, Event};

pub async fn run(engine: &Arc<Engine>, json: bool) -> anyhow::Result<ExitCode> {
    let mut notices = engine.subscribe();
    let Some(_feed) = engine.start_change_feed().await? else {
        anyhow::bail!(
            "watch needs a team store; this one is a SQLite file only this computer writes. \
             Start it with --store postgres://… (or SCRATCHROBIN_STORE)"
        );
    };
    // Scripts (and tests) wait for this line to know the feed is listening.
    eprintln!("watching the store's changes");
    let stop = crate::serve::wait_for_stop();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return Ok(ExitCode::SUCCESS),
            notice = notices.recv() => match notice {
                Ok(Event::StoreChanged(change)) => {
                    let line = if json {
                        serde_json::to_string(&change)?
                    } else {
                        let what = change.object.as_deref().or(change.issue.as_deref()).unwrap_or("");
                        format!("{} {} {what}", change.op, change.table)
                    };
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "{line}")?;
                    out.flush()?;
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    eprintln!("warning: {n} changes were missed; reload what you show");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return Ok(ExitCode::SUCCESS),
            },
        }
    }
}
