//! Logs: human-readable lines on stderr (filtered by `RUST_LOG`, warnings
//! only by default for commands) and a daily-rotated file in the data
//! directory. Nothing logged carries a secret: secrets are `Secret` values
//! that print as `***`, and URLs are logged without passwords.

use sr_config::Paths;

use crate::cli::LogFormat;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, fmt};

/// Keep the returned guard alive until exit so the file is flushed.
pub fn init(paths: &Paths, gui: bool, format: LogFormat) -> anyhow::Result<WorkerGuard> {
    let dir = paths.logs_dir();
    std::fs::create_dir_all(&dir)?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("scratchrobin")
        .filename_suffix("log")
        .max_log_files(14)
        .build(&dir)?;
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let default = if gui { "info" } else { "warn" };
    let stderr_filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let file_filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let stderr_layer = match format {
        LogFormat::Text => fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_filter(stderr_filter)
            .boxed(),
        LogFormat::Json => fmt::layer()
            .json()
            .with_current_span(true)
            .with_writer(std::io::stderr)
            .with_filter(stderr_filter)
            .boxed(),
    };
    tracing_subscriber::registry()
        .with(stderr_layer)
        .with(
            fmt::layer()
                .with_writer(file_writer)
                .with_ansi(false)
                .with_filter(file_filter),
        )
        .try_init()?;
    Ok(guard)
}
