//! Where secrets typed by a user can be kept, and for how long: the OS
//! keyring (which, where no secret service answers, is the kernel keyring
//! and forgets at reboot) and the encrypted secrets file of the data
//! directory, which a passphrase unlocks (from
//! `SCRATCHROBIN_SECRETS_PASSPHRASE`, or typed in the workbench).

use serde::Serialize;
use sr_secrets::{EncryptedStatus, Persistence, Resolver, Secret, SecretRef};

use crate::{Engine, EngineError};

/// What Settings and `secret status` show before a secret is entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretStorage {
    /// How long the keyring keeps what is stored in it now.
    pub keyring: Persistence,
    /// The encrypted secrets file, when this engine has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<EncryptedStatus>,
}

impl SecretStorage {
    /// Whether a secret put in the keyring would be lost at reboot, so the
    /// user must be told and offered a persistent choice.
    pub fn keyring_forgets(&self) -> bool {
        !self.keyring.survives_reboot()
    }
}

impl Engine {
    /// Probes the keyring (once per process: D-Bus may be slow to fail)
    /// and reads the encrypted file's state.
    pub async fn secret_storage(&self) -> SecretStorage {
        let resolver = self.resolver();
        tokio::task::spawn_blocking(move || SecretStorage {
            keyring: resolver.keyring().persistence(),
            encrypted: resolver.encrypted().map(|f| f.status()),
        })
        .await
        .unwrap_or(SecretStorage {
            keyring: Persistence::Unavailable,
            encrypted: None,
        })
    }

    /// Unlocks the encrypted secrets file with a passphrase the user typed
    /// (checked against the file, or kept to create it), then builds the
    /// trackers again, since those whose secrets it holds can now be used.
    pub async fn unlock_secrets(&self, passphrase: Secret) -> Result<SecretStorage, EngineError> {
        let resolver = self.resolver();
        tokio::task::spawn_blocking(move || match resolver.encrypted() {
            Some(file) => file.unlock(passphrase),
            None => Err(sr_secrets::SecretError::EncryptedUnusable {
                path: "(none)".into(),
                reason: "this engine was started without an encrypted secrets file".into(),
            }),
        })
        .await
        .map_err(|_| EngineError::Stopped)??;
        self.rebuild_trackers().await;
        Ok(self.secret_storage().await)
    }
}

/// The one sentence that tells a user a secret will not survive a reboot
/// and what to do instead; `what` names the secret ("the token of `gh`").
pub fn until_reboot_note(what: &str) -> String {
    format!(
        "{what} is in the kernel keyring, because no secret service answers here; it is forgotten at reboot or when your last session ends. Keep it across reboots in the encrypted secrets file (`--encrypted`, or \"Encrypted file\" in Settings; passphrase from {}) or reference an environment variable (${{VAR}}) instead",
        sr_secrets::PASSPHRASE_ENV
    )
}

impl Engine {
    /// Of `refs`, the ones whose value is kept only until reboot, as
    /// [`SecretRef::describe`] shows them. Blocking look-ups run on a
    /// blocking thread.
    pub async fn until_reboot(&self, refs: Vec<SecretRef>) -> Vec<String> {
        let resolver = self.resolver();
        tokio::task::spawn_blocking(move || until_reboot(&resolver, &refs))
            .await
            .unwrap_or_default()
    }

    /// [`Engine::until_reboot`] for every secret of the tracker `name`.
    pub async fn tracker_until_reboot(&self, name: &str) -> Vec<String> {
        let refs = self
            .tracker_entries()
            .into_iter()
            .filter(|e| e.name.eq_ignore_ascii_case(name))
            .flat_map(|e| {
                SecretRef::all_in(&e.config)
                    .into_iter()
                    .chain(e.sync.webhook_secret)
            })
            .collect();
        self.until_reboot(refs).await
    }
}

/// Blocking form of [`Engine::until_reboot`].
pub(crate) fn until_reboot(resolver: &Resolver, refs: &[SecretRef]) -> Vec<String> {
    refs.iter()
        .filter(|r| resolver.persistence_of(r) == Some(Persistence::UntilReboot))
        .map(SecretRef::describe)
        .collect()
}
