//! `scratchrobin secret set|delete|status`: puts a secret where a configuration
//! file can reference it (the OS keyring or the encrypted secrets file),
//! reading the value from standard input so it never shows in a process
//! list or a shell history, and says whether it survives a reboot.

use std::io::BufRead;

use anyhow::Context;
use sr_engine::{Engine, until_reboot_note};
use sr_secrets::{Persistence, Secret, SecretRef};

use crate::cli::SecretCommand;
use crate::output;

pub async fn secret(engine: &Engine, command: SecretCommand) -> anyhow::Result<()> {
    match command {
        SecretCommand::Set { name, encrypted } => {
            if name.trim().is_empty() {
                anyhow::bail!("give the entry a name, such as tracker:gh:auth.token");
            }
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the secret from standard input")?;
            let value = line.trim_end_matches(['\r', '\n']);
            if value.is_empty() {
                anyhow::bail!(
                    "standard input held no secret; pipe it in: printf '%s\\n' \"$TOKEN\" | scratchrobin secret set {name}"
                );
            }
            let reference = if encrypted {
                SecretRef::Encrypted(name.clone())
            } else {
                SecretRef::Keyring(name.clone())
            };
            let lives = store(engine, &reference, Secret::new(value)).await?;
            report_stored(&reference, lives);
        }
        SecretCommand::Delete { name, encrypted } => {
            let reference = if encrypted {
                SecretRef::Encrypted(name.clone())
            } else {
                SecretRef::Keyring(name.clone())
            };
            let resolver = engine.resolver();
            let r = reference.clone();
            tokio::task::spawn_blocking(move || resolver.forget(&r)).await??;
            println!("removed {}", reference.describe());
        }
        SecretCommand::Status { json } => {
            let storage = engine.secret_storage().await;
            if json {
                output::json(&storage)?;
            } else {
                let keyring = match storage.keyring {
                    Persistence::Persistent => "a secret service: kept across reboots",
                    Persistence::UntilReboot => {
                        "the kernel keyring only (no secret service answers): forgotten at reboot"
                    }
                    Persistence::ProcessOnly => "in memory: forgotten when the process ends",
                    Persistence::Unavailable => "none can be used",
                };
                println!("keyring:   {keyring}");
                if let Some(e) = &storage.encrypted {
                    println!(
                        "encrypted: {} ({}, {})",
                        e.path,
                        if e.exists {
                            "exists"
                        } else {
                            "not created yet"
                        },
                        if e.unlocked {
                            "passphrase given"
                        } else {
                            "locked: set SCRATCHROBIN_SECRETS_PASSPHRASE"
                        }
                    );
                }
            }
        }
    }
    Ok(())
}

/// Stores `value` where `reference` points, on a blocking thread (D-Bus,
/// key derivation), and answers how long it lives there.
pub async fn store(
    engine: &Engine,
    reference: &SecretRef,
    value: Secret,
) -> anyhow::Result<Persistence> {
    let resolver = engine.resolver();
    let r = reference.clone();
    Ok(tokio::task::spawn_blocking(move || resolver.store(&r, &value)).await??)
}

/// Says where a secret went, and warns when it will not survive a reboot.
pub fn report_stored(reference: &SecretRef, lives: Persistence) {
    let entry = reference.entry().unwrap_or_default();
    match reference {
        SecretRef::Encrypted(_) => {
            println!(
                "stored `{entry}` in the encrypted secrets file; reference it as {{\"encrypted\": \"{entry}\"}}"
            )
        }
        _ => println!(
            "stored `{entry}` in the keyring; reference it as {{\"keyring\": \"{entry}\"}}"
        ),
    }
    warn_if_forgotten(&format!("the secret `{entry}`"), lives);
}

/// Prints the until-reboot warning on stderr when `lives` says so.
pub fn warn_if_forgotten(what: &str, lives: Persistence) {
    if lives == Persistence::UntilReboot {
        eprintln!("warning: {}", until_reboot_note(what));
    }
}
