//! `scratchrobin tracker login NAME`: signs a tracker in through the
//! sign-in its type offers (the adapter's [`sr_tracker::LoginFlow`], an
//! OAuth device flow). It prints the code and the page to enter it on,
//! waits while the provider says the sign-in is pending, keeps the token
//! in the OS keyring (or, with `--encrypted`, the encrypted secrets file)
//! and writes only the reference into trackers.json (atomically, through
//! the engine's settings save), warning when the keyring forgets at reboot.

use std::process::ExitCode;

use anyhow::{Context, bail};
use sr_engine::Engine;
use sr_secrets::SecretRef;

/// The keyring entry a tracker's token lives in; the settings dialog names
/// its entries the same way, so either can replace the other's.
pub fn keyring_name(tracker: &str) -> String {
    format!("tracker:{tracker}:auth.token")
}

pub async fn login(
    engine: &Engine,
    name: &str,
    client_id: Option<String>,
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
    let registry = engine.registry();
    let Some(flow) = registry.factory(&entry.kind).and_then(|f| f.login()) else {
        let with_login: Vec<&str> = registry
            .kinds()
            .filter(|k| registry.factory(k).is_some_and(|f| f.login().is_some()))
            .collect();
        bail!(
            "tracker `{name}` is a {} tracker, which has no sign-in here; `tracker login` signs in trackers of type {} only (other trackers take a token in trackers.json or the settings dialog)",
            entry.kind,
            with_login.join(", ")
        );
    };
    let client_id = match client_id {
        Some(id) => id,
        None => std::env::var(flow.client_id_env()).map_err(|_| {
            anyhow::anyhow!(
                "`tracker login` needs the client id of the OAuth app to sign in through: pass --client-id or set {}",
                flow.client_id_env()
            )
        })?,
    };
    // Said before the sign-in, so the user can stop and choose again.
    let storage = engine.secret_storage().await;
    if !encrypted && storage.keyring_forgets() {
        eprintln!(
            "warning: {}",
            sr_engine::until_reboot_note("the token this sign-in gets")
        );
    }
    let scopes: Vec<&str> = if scopes.is_empty() {
        flow.default_scopes().to_vec()
    } else {
        scopes.iter().map(String::as_str).collect()
    };
    let login = flow.start(name, &entry.config, &client_id, &scopes).await?;
    println!(
        "Open {} and enter the code {} (it expires in {} minutes).",
        login.verification_uri,
        login.user_code,
        login.expires_in.as_secs().div_ceil(60)
    );
    let token = login.token.await?;
    let entry_name = keyring_name(name);
    let reference = if encrypted {
        SecretRef::Encrypted(entry_name.clone())
    } else {
        SecretRef::Keyring(entry_name.clone())
    };
    flow.store_token(&mut entry.config, reference.clone());
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
