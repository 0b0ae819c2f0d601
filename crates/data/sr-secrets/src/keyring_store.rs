//! The OS keyring: secret-service (GNOME Keyring, KWallet) first, the Linux
//! kernel keyring (keyutils) when no secret service answers, and the
//! platform stores on macOS and Windows.
//!
//! The kernel keyring forgets its entries at reboot and when the user's
//! last session ends, so the keyring tells how long what it stores lives
//! ([`Persistence`]): whoever takes a secret from a user says so when it
//! would not survive a reboot and offers the encrypted file instead.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;

use crate::{KEYRING_SERVICE, Secret, SecretError};

/// Which store a [`Keyring`] writes to.
#[derive(Debug, Clone)]
pub enum KeyringBackend {
    /// The platform's keyring, with the keyutils fallback on Linux.
    System,
    /// The Linux kernel's user keyring only (kept while any of the
    /// user's processes runs).
    #[cfg(target_os = "linux")]
    KernelOnly,
    /// A process-local map: for tests of code that stores secrets, and for
    /// headless runs that must not touch a desktop keyring.
    InMemory(Arc<Mutex<HashMap<String, String>>>),
}

/// How long a secret kept in a store lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Persistence {
    /// Across reboots: a secret service, the macOS or Windows store.
    Persistent,
    /// Until reboot or the end of the user's last session: the Linux
    /// kernel keyring, where no secret service answers.
    UntilReboot,
    /// Only while this process runs (the in-memory keyring of tests).
    ProcessOnly,
    /// Nowhere: no store can be used.
    Unavailable,
}

impl Persistence {
    /// Whether a secret stored there survives a reboot.
    pub fn survives_reboot(self) -> bool {
        self == Persistence::Persistent
    }
}

#[derive(Debug, Clone)]
pub struct Keyring {
    backend: KeyringBackend,
    /// What [`Keyring::persistence`] found, asked once (a D-Bus probe may
    /// take a while to fail).
    probed: Arc<OnceLock<Persistence>>,
}

impl Keyring {
    fn with_backend(backend: KeyringBackend) -> Self {
        Keyring {
            backend,
            probed: Arc::default(),
        }
    }

    pub fn system() -> Self {
        Keyring::with_backend(KeyringBackend::System)
    }

    /// The kernel keyring only: what [`Keyring::system`] amounts to where
    /// no secret service answers.
    #[cfg(target_os = "linux")]
    pub fn kernel_only() -> Self {
        Keyring::with_backend(KeyringBackend::KernelOnly)
    }

    pub fn in_memory() -> Self {
        Keyring::with_backend(KeyringBackend::InMemory(Arc::default()))
    }

    /// How long a secret stored now would live: the first store that
    /// answers decides. Blocking (D-Bus); asked once per keyring.
    pub fn persistence(&self) -> Persistence {
        *self.probed.get_or_init(|| {
            if let KeyringBackend::InMemory(_) = self.backend {
                return Persistence::ProcessOnly;
            }
            for store in self.stores() {
                // Asking for an entry nobody stores tells whether the store
                // answers, without unlocking or changing anything.
                if store.get("scratchrobin-probe").is_ok() {
                    return store.persistence();
                }
            }
            Persistence::Unavailable
        })
    }

    /// How long entry `name` lives where it is kept now, or `None` when no
    /// store has it. Blocking.
    pub fn locate(&self, name: &str) -> Option<Persistence> {
        if let KeyringBackend::InMemory(map) = &self.backend {
            return lock(map)
                .contains_key(name)
                .then_some(Persistence::ProcessOnly);
        }
        self.stores()
            .into_iter()
            .find(|s| matches!(s.get(name), Ok(Some(_))))
            .map(|s| s.persistence())
    }

    pub fn backend(&self) -> &KeyringBackend {
        &self.backend
    }

    /// Reads an entry. Blocking (D-Bus).
    pub fn get(&self, name: &str) -> Result<Secret, SecretError> {
        if let KeyringBackend::InMemory(map) = &self.backend {
            return lock(map)
                .get(name)
                .map(|v| Secret::new(v.clone()))
                .ok_or_else(|| SecretError::KeyringMissing(name.to_owned()));
        }
        let stores = self.stores();
        let mut problems = Vec::new();
        for store in &stores {
            match store.get(name) {
                Ok(Some(v)) => return Ok(Secret::new(v)),
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
        }
        if problems.len() == stores.len() {
            // No store could even be asked.
            return Err(SecretError::KeyringUnavailable {
                name: name.to_owned(),
                reason: problems.join("; "),
            });
        }
        Err(SecretError::KeyringMissing(name.to_owned()))
    }

    /// Stores an entry in the first store that accepts it and answers how
    /// long it lives there. Blocking.
    pub fn set(&self, name: &str, value: &Secret) -> Result<Persistence, SecretError> {
        if let KeyringBackend::InMemory(map) = &self.backend {
            lock(map).insert(name.to_owned(), value.expose().to_owned());
            return Ok(Persistence::ProcessOnly);
        }
        let mut reasons = Vec::new();
        for store in self.stores() {
            match store.set(name, value.expose()) {
                Ok(()) => return Ok(store.persistence()),
                Err(e) => {
                    tracing::debug!(entry = name, error = %e, "keyring store refused the entry; trying the next");
                    reasons.push(e);
                }
            }
        }
        Err(SecretError::KeyringUnavailable {
            name: name.to_owned(),
            reason: reasons.join("; "),
        })
    }

    /// Removes an entry from every store that has it. Removing what is not
    /// there is not an error.
    pub fn delete(&self, name: &str) -> Result<(), SecretError> {
        if let KeyringBackend::InMemory(map) = &self.backend {
            lock(map).remove(name);
            return Ok(());
        }
        for store in self.stores() {
            if let Err(e) = store.delete(name) {
                tracing::debug!(entry = name, error = %e, "keyring store could not delete");
            }
        }
        Ok(())
    }

    fn stores(&self) -> Vec<Store> {
        match self.backend {
            KeyringBackend::InMemory(_) => Vec::new(),
            #[cfg(target_os = "linux")]
            KeyringBackend::KernelOnly => vec![Store::Kernel],
            #[cfg(target_os = "linux")]
            KeyringBackend::System => vec![Store::Platform, Store::Kernel],
            #[cfg(not(target_os = "linux"))]
            KeyringBackend::System => vec![Store::Platform],
        }
    }
}

/// One place secrets can be kept.
enum Store {
    /// The keyring crate's platform store (secret-service on Linux).
    Platform,
    #[cfg(target_os = "linux")]
    Kernel,
}

impl Store {
    fn persistence(&self) -> Persistence {
        match self {
            Store::Platform => Persistence::Persistent,
            #[cfg(target_os = "linux")]
            Store::Kernel => Persistence::UntilReboot,
        }
    }

    fn get(&self, name: &str) -> Result<Option<String>, String> {
        match self {
            Store::Platform => match platform_entry(name)?.get_password() {
                Ok(v) => Ok(Some(v)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e.to_string()),
            },
            #[cfg(target_os = "linux")]
            Store::Kernel => kernel::get(name),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), String> {
        match self {
            Store::Platform => platform_entry(name)?
                .set_password(value)
                .map_err(|e| e.to_string()),
            #[cfg(target_os = "linux")]
            Store::Kernel => kernel::set(name, value),
        }
    }

    fn delete(&self, name: &str) -> Result<(), String> {
        match self {
            Store::Platform => match platform_entry(name)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(e.to_string()),
            },
            #[cfg(target_os = "linux")]
            Store::Kernel => kernel::delete(name),
        }
    }
}

fn platform_entry(name: &str) -> Result<keyring::Entry, String> {
    #[cfg(target_os = "linux")]
    {
        let c = keyring::secret_service::SsCredential::new_with_target(None, KEYRING_SERVICE, name)
            .map_err(|e| e.to_string())?;
        Ok(keyring::Entry::new_with_credential(Box::new(c)))
    }
    #[cfg(not(target_os = "linux"))]
    keyring::Entry::new(KEYRING_SERVICE, name).map_err(|e| e.to_string())
}

/// The kernel's per-user keyring, through keyutils.
#[cfg(target_os = "linux")]
mod kernel {
    use linux_keyutils::{KeyError, KeyRing, KeyRingIdentifier};

    use crate::KEYRING_SERVICE;

    fn ring() -> Result<KeyRing, String> {
        KeyRing::from_special_id(KeyRingIdentifier::User, true)
            .map_err(|e| format!("kernel keyring: {e:?}"))
    }

    fn description(name: &str) -> String {
        format!("{KEYRING_SERVICE}:{name}")
    }

    pub(super) fn get(name: &str) -> Result<Option<String>, String> {
        match ring()?.search(&description(name)) {
            Ok(key) => {
                let bytes = key
                    .read_to_vec()
                    .map_err(|e| format!("kernel keyring: {e:?}"))?;
                String::from_utf8(bytes)
                    .map(Some)
                    .map_err(|_| "kernel keyring: the entry is not text".into())
            }
            Err(KeyError::KeyDoesNotExist) => Ok(None),
            Err(e) => Err(format!("kernel keyring: {e:?}")),
        }
    }

    pub(super) fn set(name: &str, value: &str) -> Result<(), String> {
        ring()?
            .add_key(&description(name), value)
            .map(|_| ())
            .map_err(|e| format!("kernel keyring: {e:?}"))
    }

    pub(super) fn delete(name: &str) -> Result<(), String> {
        let ring = ring()?;
        match ring.search(&description(name)) {
            // Unlinking makes it unfindable at once; invalidating frees it.
            Ok(key) => {
                ring.unlink_key(key)
                    .map_err(|e| format!("kernel keyring: {e:?}"))?;
                key.invalidate()
                    .map_err(|e| format!("kernel keyring: {e:?}"))
            }
            Err(KeyError::KeyDoesNotExist) => Ok(()),
            Err(e) => Err(format!("kernel keyring: {e:?}")),
        }
    }
}

fn lock(
    map: &Mutex<HashMap<String, String>>,
) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
    // A poisoned map still holds consistent strings; keep using it.
    map.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_round_trip() {
        let k = Keyring::in_memory();
        assert_eq!(k.persistence(), Persistence::ProcessOnly);
        assert!(matches!(k.get("a"), Err(SecretError::KeyringMissing(_))));
        k.set("a", &Secret::new("v1")).unwrap();
        assert_eq!(k.get("a").unwrap().expose(), "v1");
        k.delete("a").unwrap();
        assert!(k.get("a").is_err());
    }

    /// The real kernel keyring, shared by every process of the user.
    #[cfg(target_os = "linux")]
    #[test]
    fn kernel_keyring_round_trip() {
        let k = Keyring::kernel_only();
        assert_eq!(k.persistence(), Persistence::UntilReboot);
        let name = format!("sr-test-{}", std::process::id());
        assert_eq!(
            k.set(&name, &Secret::new("kernel-value")).unwrap(),
            Persistence::UntilReboot
        );
        assert_eq!(k.locate(&name), Some(Persistence::UntilReboot));
        assert_eq!(k.get(&name).unwrap().expose(), "kernel-value");
        // The system keyring finds it too, through its fallback.
        assert_eq!(
            Keyring::system().get(&name).unwrap().expose(),
            "kernel-value"
        );
        k.delete(&name).unwrap();
        assert!(matches!(k.get(&name), Err(SecretError::KeyringMissing(_))));
    }
}
