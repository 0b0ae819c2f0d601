//! The `scratchrobin` binary: with no subcommand it opens the workbench;
//! subcommands give the same engine to scripts and headless servers.

mod auto_cmd;
mod cli;
mod commands;
mod comment_cmd;
mod connection_cmd;
mod db_target;
mod health_cmd;
mod logging;
mod output;
mod query_cmd;
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
            tracing::debug!(error = %format!("{e:#}"), "command failed");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
