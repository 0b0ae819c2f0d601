//! `scratchrobin tracker login NAME`: signs a GitHub tracker in through
//! GitHub's OAuth device flow. It prints the code and the page to enter it
//! on, waits while GitHub says the sign-in is pending, keeps the token in
//! the OS keyring and writes only the keyring reference into
//! trackers.json (atomically, through the engine's settings save).

use std::process::ExitCode;

use anyhow::{Context, bail};
use serde_json::json;
use sr_engine::Engine;
use sr_tracker_github::device_flow;

/// The keyring entry a tracker's token lives in; the settings dialog names
/// its entries the same way, so either can replace the other's.
pub fn keyring_name(tracker: &str) -> String {
    format!("tracker:{tracker}:auth.token")
}

pub async fn login(
    engine: &Engine,
    name: &str,
    client_id: &str,
    scopes: &[String],
) -> anyhow::Result<ExitCode> {
    let mut file = engine.trackers_file();
    let Some(entry) = file.trackers.iter_mut().find(|e| e.name == name) else {
        let names: Vec<String> = engine
            .tracker_entries()
            .into_iter()
            .map(|e| e.name)
            .collect();
        bail!(
            "no tracker is named `{name}`; configured: {}",
            names.join(", ")
        );
    };
    if entry.kind != sr_tracker_github::KIND {
        bail!(
            "tracker `{name}` is a {} tracker; `tracker login` signs in to GitHub only (other trackers take a token in trackers.json or the settings dialog)",
            entry.kind
        );
    }
    let base = entry
        .config
        .get("base_url")
        .and_then(serde_json::Value::as_str)
        .unwrap_or(sr_tracker_github::DEFAULT_BASE_URL);
    let api = sr_tracker::reqwest::Url::parse(base)
        .with_context(|| format!("tracker `{name}`: config.base_url `{base}` is not a URL"))?;
    let web = device_flow::web_root(&api);
    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let code = device_flow::start(&web, client_id, &scopes).await?;
    println!(
        "Open {} and enter the code {} (it expires in {} minutes).",
        code.verification_uri,
        code.user_code,
        code.expires_in.div_ceil(60)
    );
    let token = device_flow::wait_for_token(&web, client_id, &code).await?;
    let keyring = keyring_name(name);
    entry.config["auth"] = json!({"type": "personal_token", "token": {"keyring": keyring.clone()}});
    engine
        .save_trackers(file, vec![(keyring.clone(), token)])
        .await
        .with_context(|| format!("saving the sign-in of tracker `{name}`"))?;
    println!("{name}: signed in; the token is kept in the keyring as `{keyring}`");
    Ok(ExitCode::SUCCESS)
}
