//! `scratchrobin tracker login NAME`: signs a GitHub tracker in through
//! GitHub's OAuth device flow. It prints the code and the page to enter it
//! on, waits while GitHub says the sign-in is pending, keeps the token in
//! the OS keyring (or, with `--encrypted`, the encrypted secrets file) and
//! writes only the reference into trackers.json (atomically, through the
//! engine's settings save), warning when the keyring forgets at reboot.

use std::process::ExitCode;

use anyhow::{Context, bail};
use serde_json::json;
use sr_engine::Engine;
use sr_secrets::SecretRef;
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
    encrypted: bool,
) -> anyhow::Result<ExitCode> {
    let mut file = engine.trackers_file();
    let Some(entry) = file.trackers.iter_mut().find(|e| e.name == name) else {
        let names: Vec<String> = engine
            .tracker_entries()
            .into_iter()
            .map(|e| e.name)
            .collect();
        return Err(sr_tracker::TrackerError::not_configured(name, names).into());
    };
    if entry.kind != sr_tracker_github::KIND {
        bail!(
            "tracker `{name}` is a {} tracker; `tracker login` signs in to GitHub only (other trackers take a token in trackers.json or the settings dialog)",
            entry.kind
        );
    }
    // Said before the sign-in, so the user can stop and choose again.
    let storage = engine.secret_storage().await;
    if !encrypted && storage.keyring_forgets() {
        eprintln!(
            "warning: {}",
            sr_engine::until_reboot_note("the token this sign-in gets")
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
    let entry_name = keyring_name(name);
    let reference = if encrypted {
        SecretRef::Encrypted(entry_name.clone())
    } else {
        SecretRef::Keyring(entry_name.clone())
    };
    entry.config["auth"] = json!({"type": "personal_token", "token": reference});
    engine
        .save_trackers(file, vec![(reference.clone(), token)])
        .await
        .with_context(|| format!("saving the sign-in of tracker `{name}`"))?;
    let place = if encrypted {
        "the encrypted secrets file"
    } else {
        "the keyring"
    };
    println!("{name}: signed in; the token is kept in {place} as `{entry_name}`");
    Ok(ExitCode::SUCCESS)
}
