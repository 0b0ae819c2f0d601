//! `scratchrobin channel list|test NAME`: the notification channels of
//! channels.json, and a real test message through one of them (the same
//! engine call as Settings → Notification Channels' "Send test message"),
//! printing the service's answer or the error with its cause and fix.

use std::process::ExitCode;

use anyhow::bail;
use clap::Subcommand;
use sr_engine::Engine;

use crate::output;

#[derive(Debug, Subcommand)]
pub enum ChannelCommand {
    /// List the channels of channels.json.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Send a test message through a channel and print the answer.
    Test {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

pub async fn channel(engine: &Engine, command: ChannelCommand) -> anyhow::Result<ExitCode> {
    let file = engine.channels_file().await?;
    match command {
        ChannelCommand::List { json } => {
            if json {
                let list: Vec<serde_json::Value> = file
                    .channels
                    .iter()
                    .map(|c| serde_json::json!({"name": c.name, "type": c.kind, "enabled": c.enabled}))
                    .collect();
                output::json(&list)?;
            } else if file.channels.is_empty() {
                println!(
                    "no channels; add them in Tools → Notification Channels… or channels.json"
                );
            } else {
                for c in &file.channels {
                    let state = if c.enabled { "enabled" } else { "disabled" };
                    println!("{:<24} {:<10} {state}", c.name, c.kind);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ChannelCommand::Test { name, json } => {
            let Some(entry) = file.find(&name).cloned() else {
                let names: Vec<&str> = file.channels.iter().map(|c| c.name.as_str()).collect();
                let known = if names.is_empty() {
                    "none are configured".to_owned()
                } else {
                    names.join(", ")
                };
                let guess = sr_config::closest(&name, names.iter().copied())
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                bail!("no channel named `{name}` in channels.json; {guess}known channels: {known}");
            };
            let result = engine.test_channel(entry, Vec::new()).await;
            let ok = result.is_ok();
            if json {
                let value = match &result {
                    Ok(d) => {
                        serde_json::json!({"channel": name, "ok": true, "status": d.status, "answer": d.detail})
                    }
                    Err(e) => {
                        serde_json::json!({"channel": name, "ok": false, "error": e.to_string()})
                    }
                };
                output::json(&value)?;
            } else {
                match &result {
                    Ok(d) => println!(
                        "{name}: sent; the service answered {} {}",
                        d.status, d.detail
                    ),
                    Err(e) => eprintln!("{name}: {e}"),
                }
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
