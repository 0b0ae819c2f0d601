//! `scratchrobin serve`: the engine headless, with the webhook listener and
//! the team API (`/api/v1`) on it, until Ctrl-C or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use sr_engine::Engine;

pub async fn run(engine: Arc<Engine>, listen: SocketAddr) -> anyhow::Result<ExitCode> {
    // A headless first run gets the starter rules, as the workbench's does.
    if engine.install_starter_rules().await? {
        tracing::info!(file = %engine.paths().rules_file().display(), "starter auto-issue rules written");
    }
    // The sync first: the API starts syncs on its manager, so that one
    // started by hand joins a scheduled one instead of racing it.
    let sync = sr_engine::EngineSync::start(&engine).await;
    let per_minute = engine
        .listener_config(listen)
        .await?
        .limits
        .api_requests_per_minute;
    let api = sr_api::router(engine.clone(), sync.manager().clone(), per_minute);
    let listener = engine.start_listener_with(listen, api.into()).await?;
    let engine_for_sync = engine;
    // Scripts (and tests) wait for this line to know the port is open.
    println!("listening on {}", listener.local_addr);
    std::io::stdout().flush()?;
    // Other serves and workbenches on a team store: their changes wake us.
    let _changes = engine_for_sync.start_change_feed().await?;
    let outbox = sr_engine::EngineOutbox::start(&engine_for_sync, sr_engine::OUTBOX_INTERVAL);
    let schedule =
        sr_engine::ChannelSchedule::start(&engine_for_sync, sr_engine::SCHEDULE_INTERVAL);
    wait_for_stop().await;
    tracing::info!("stopping");
    schedule.shutdown().await;
    outbox.shutdown().await;
    sync.shutdown().await;
    listener.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                tokio::signal::ctrl_c().await.ok();
            }
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await.ok();
}
