//! The `scratchrobin` binary: with no subcommand it opens the workbench;
//! subcommands give the same engine to scripts and headless servers.

mod api_cmd;
mod auto_cmd;
mod channel_cmd;
mod cli;
mod commands;
mod comment_cmd;
mod connection_cmd;
mod connection_ssh;
mod db_target;
mod export_cmd;
mod health_cmd;
mod logging;
mod output;
mod query_cmd;
mod report_cmd;
mod rules_cmd;
mod schema_cmd;
mod secret_cmd;
mod serve;
mod sync_cmd;
mod tracker_cmd;
mod watch_cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    let paths = match sr_config::Paths::resolve(args.config_dir.clone(), args.data_dir.clone()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let gui = args.command.is_none();
    let _log_guard = match logging::init(&paths, gui, args.log_format) {
        Ok(g) => Some(g),
        Err(e) => {
            eprintln!("warning: file logging is off: {e}");
            None
        }
    };
    match commands::run(args, paths) {
        Ok(code) => code,
        Err(e) => {
            let text = error_text(&e);
            tracing::debug!(error = %text, "command failed");
            eprintln!("error: {text}");
            ExitCode::FAILURE
        }
    }
}

/// The error and the causes its own words do not already say: our errors
/// mostly quote their source, and anyhow's `{:#}` would repeat it.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    /// clap checks its definitions only when a command is parsed: every
    /// subcommand, at once (a clash of argument names panics there).
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        crate::cli::Args::command().debug_assert();
    }

    #[derive(Debug, thiserror::Error)]
    #[error("inner")]
    struct Inner;

    #[derive(Debug, thiserror::Error)]
    #[error("outer: {0}")]
    struct Quoting(#[source] Inner);

    #[test]
    fn causes_are_said_once() {
        let quoted = anyhow::Error::new(Quoting(Inner));
        assert_eq!(super::error_text(&quoted), "outer: inner");
        let wrapped = anyhow::Error::new(Inner).context("while reading");
        assert_eq!(super::error_text(&wrapped), "while reading: inner");
    }
}
