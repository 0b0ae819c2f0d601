//! The OS keyring: secret-service (GNOME Keyring, KWallet) first, the Linux
//! kernel keyring (keyutils) when no secret service answers, and the
//! platform stores on macOS and Windows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::{KEYRING_SERVICE, Secret, SecretError};

/// Which store a [`Keyring`] writes to.
#[derive(Debug, Clone)]
pub enum KeyringBackend {
    /// The platform's keyring, with the keyutils fallback on Linux.
    System,
    /// The Linux kernel keyring only (session keyring; lost at logout).
    #[cfg(target_os = "linux")]
    KernelOnly,
    /// A process-local map: for tests of code that stores secrets, and for
    /// headless runs that must not touch a desktop keyring.
    InMemory(Arc<Mutex<HashMap<String, String>>>),
}

#[derive(Debug, Clone)]
pub struct Keyring {
    backend: KeyringBackend,
}

impl Keyring {
    pub fn system() -> Self {
        Keyring {
            backend: KeyringBackend::System,
        }
    }

    #[cfg(target_os = "linux")]
    pub fn kernel_only() -> Self {
        Keyring {
            backend: KeyringBackend::KernelOnly,
        }
    }

    pub fn in_memory() -> Self {
        Keyring {
            backend: KeyringBackend::InMemory(Arc::default()),
        }
    }

    pub fn backend(&self) -> &KeyringBackend {
        &self.backend
    }

    /// Reads an entry. Blocking (D-Bus).
    pub fn get(&self, name: &str) -> Result<Secret, SecretError> {
        match &self.backend {
            KeyringBackend::InMemory(map) => lock(map)
                .get(name)
                .map(|v| Secret::new(v.clone()))
                .ok_or_else(|| SecretError::KeyringMissing(name.to_owned())),
            _ => {
                let mut last = None;
                for entry in self.entries(name)? {
                    match entry.get_password() {
                        Ok(v) => return Ok(Secret::new(v)),
                        Err(keyring::Error::NoEntry) => {}
                        Err(e) => last = Some(e),
                    }
                }
                match last {
                    Some(e) => Err(unavailable(name, e)),
                    None => Err(SecretError::KeyringMissing(name.to_owned())),
                }
            }
        }
    }

    /// Stores an entry in the first store that accepts it. Blocking.
    pub fn set(&self, name: &str, value: &Secret) -> Result<(), SecretError> {
        match &self.backend {
            KeyringBackend::InMemory(map) => {
                lock(map).insert(name.to_owned(), value.expose().to_owned());
                Ok(())
            }
            _ => {
                let mut last = None;
                for entry in self.entries(name)? {
                    match entry.set_password(value.expose()) {
                        Ok(()) => return Ok(()),
                        Err(e) => {
                            tracing::debug!(entry = name, error = %e, "keyring store refused the entry; trying the next");
                            last = Some(e);
                        }
                    }
                }
                Err(unavailable(name, last.unwrap_or(keyring::Error::NoEntry)))
            }
        }
    }

    /// Removes an entry from every store that has it. Removing what is not
    /// there is not an error.
    pub fn delete(&self, name: &str) -> Result<(), SecretError> {
        match &self.backend {
            KeyringBackend::InMemory(map) => {
                lock(map).remove(name);
                Ok(())
            }
            _ => {
                for entry in self.entries(name)? {
                    match entry.delete_credential() {
                        Ok(()) | Err(keyring::Error::NoEntry) => {}
                        Err(e) => {
                            tracing::debug!(entry = name, error = %e, "keyring store could not delete")
                        }
                    }
                }
                Ok(())
            }
        }
    }

    fn entries(&self, name: &str) -> Result<Vec<keyring::Entry>, SecretError> {
        let mut out = Vec::new();
        #[cfg(target_os = "linux")]
        {
            use keyring::keyutils::KeyutilsCredential;
            use keyring::secret_service::SsCredential;
            if matches!(self.backend, KeyringBackend::System) {
                match SsCredential::new_with_target(None, KEYRING_SERVICE, name) {
                    Ok(c) => out.push(keyring::Entry::new_with_credential(Box::new(c))),
                    Err(e) => tracing::debug!(error = %e, "secret service unavailable"),
                }
            }
            let c = KeyutilsCredential::new_with_target(None, KEYRING_SERVICE, name)
                .map_err(|e| unavailable(name, e))?;
            out.push(keyring::Entry::new_with_credential(Box::new(c)));
        }
        #[cfg(not(target_os = "linux"))]
        out.push(keyring::Entry::new(KEYRING_SERVICE, name).map_err(|e| unavailable(name, e))?);
        Ok(out)
    }
}

fn lock(
    map: &Mutex<HashMap<String, String>>,
) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
    // A poisoned map still holds consistent strings; keep using it.
    map.lock().unwrap_or_else(|p| p.into_inner())
}

fn unavailable(name: &str, e: keyring::Error) -> SecretError {
    SecretError::KeyringUnavailable {
        name: name.to_owned(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_round_trip() {
        let k = Keyring::in_memory();
        assert!(matches!(k.get("a"), Err(SecretError::KeyringMissing(_))));
        k.set("a", &Secret::new("v1")).unwrap();
        assert_eq!(k.get("a").unwrap().expose(), "v1");
        k.delete("a").unwrap();
        assert!(k.get("a").is_err());
    }

    /// The real kernel keyring, where the sandbox allows it. Where the
    /// kernel refuses keyctl the error must say so and name the fix.
    #[cfg(target_os = "linux")]
    #[test]
    fn kernel_keyring_round_trip_or_clear_error() {
        let k = Keyring::kernel_only();
        let name = format!("sr-test-{}", std::process::id());
        match k.set(&name, &Secret::new("kernel-value")) {
            Ok(()) => {
                assert_eq!(k.get(&name).unwrap().expose(), "kernel-value");
                k.delete(&name).unwrap();
                assert!(matches!(k.get(&name), Err(SecretError::KeyringMissing(_))));
            }
            Err(e) => assert!(e.to_string().contains("${ENV}"), "{e}"),
        }
    }
}
