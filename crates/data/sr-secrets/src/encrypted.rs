//! The encrypted secrets file, for machines where no secret service keeps
//! secrets across a reboot (minimal desktops, WSL, servers): one file in
//! the data directory holding every entry, encrypted with a key derived
//! from a passphrase.
//!
//! The primitives are RustCrypto's maintained crates: Argon2id derives the
//! key (parameters and salt stored in the file, so they can be raised
//! later), XChaCha20-Poly1305 seals the entries as one JSON object with a
//! random 192-bit nonce per write (random nonces of that size never
//! collide in practice). Only the envelope below is ours; it is JSON so a
//! future version can be told apart.
//!
//! Two processes may write at once: a write holds an exclusive lock on a
//! sidecar `.lock` file while it reads, changes and atomically replaces the
//! file, so neither loses the other's entry. Readers need no lock because
//! the replacement is a rename.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{Secret, SecretError};

/// The environment variable a process reads the passphrase from (headless
/// use; the workbench asks for it instead when it is not set).
pub const PASSPHRASE_ENV: &str = "SCRATCHROBIN_SECRETS_PASSPHRASE";

/// The shortest passphrase a new file accepts.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

const FORMAT: &str = "scratchrobin-secrets";
const VERSION: u32 = 1;

/// Argon2id parameters for new files: OWASP's recommended minimum
/// (19 MiB, two passes, one lane).
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

/// The file on disk.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    format: String,
    version: u32,
    kdf: Kdf,
    /// Hex.
    nonce: String,
    /// Hex: the sealed JSON object of entries.
    ciphertext: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kdf {
    algorithm: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    /// Hex, 16 random bytes chosen when the file is created.
    salt: String,
}

impl Kdf {
    fn new() -> Result<Kdf, String> {
        Ok(Kdf {
            algorithm: "argon2id".into(),
            memory_kib: MEMORY_KIB,
            iterations: ITERATIONS,
            parallelism: PARALLELISM,
            salt: hex::encode(random::<16>()?),
        })
    }

    /// Binds the parameters to the ciphertext: a file whose parameters
    /// were changed does not open.
    fn associated_data(&self) -> String {
        format!(
            "{FORMAT}/{VERSION}/{}/{}/{}/{}/{}",
            self.algorithm, self.memory_kib, self.iterations, self.parallelism, self.salt
        )
    }

    fn derive(&self, passphrase: &Secret) -> Result<Zeroizing<[u8; 32]>, String> {
        if self.algorithm != "argon2id" {
            return Err(format!("unknown key derivation `{}`", self.algorithm));
        }
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| format!("invalid Argon2 parameters: {e}"))?;
        let salt = hex::decode(&self.salt).map_err(|_| "the salt is not hex".to_owned())?;
        let mut key = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.expose().as_bytes(), &salt, key.as_mut())
            .map_err(|e| format!("key derivation failed: {e}"))?;
        Ok(key)
    }
}

/// Where the passphrase came from, so a wrong one is blamed on the right
/// source.
#[derive(Clone)]
struct Passphrase {
    value: Secret,
    from_env: bool,
}

/// A key derived for one salt, kept so a process derives it once.
struct Derived {
    kdf: Kdf,
    key: Zeroizing<[u8; 32]>,
}

/// The encrypted secrets file at one path. Blocking (file I/O and a
/// deliberately slow key derivation): async callers use a blocking thread.
pub struct EncryptedFile {
    path: PathBuf,
    passphrase: Mutex<Option<Passphrase>>,
    derived: Mutex<Option<Derived>>,
}

impl std::fmt::Debug for EncryptedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptedFile")
            .field("path", &self.path)
            .field("unlocked", &self.is_unlocked())
            .finish()
    }
}

/// What the settings dialog and `secret status` show about the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EncryptedStatus {
    pub path: String,
    pub exists: bool,
    /// A passphrase is known to this process (not yet checked when the
    /// file does not exist: it becomes the file's passphrase).
    pub unlocked: bool,
}

impl EncryptedFile {
    /// The file at `path`, locked until a passphrase is given.
    pub fn new(path: impl Into<PathBuf>) -> EncryptedFile {
        EncryptedFile {
            path: path.into(),
            passphrase: Mutex::new(None),
            derived: Mutex::new(None),
        }
    }

    /// The file at `path`, with the passphrase from [`PASSPHRASE_ENV`] when
    /// `env` has it.
    pub fn from_env(path: impl Into<PathBuf>, env: impl Fn(&str) -> Option<String>) -> Self {
        let file = EncryptedFile::new(path);
        if let Some(p) = env(PASSPHRASE_ENV).filter(|p| !p.is_empty()) {
            *lock(&file.passphrase) = Some(Passphrase {
                value: Secret::new(p),
                from_env: true,
            });
        }
        file
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    pub fn is_unlocked(&self) -> bool {
        lock(&self.passphrase).is_some()
    }

    pub fn status(&self) -> EncryptedStatus {
        EncryptedStatus {
            path: self.path.display().to_string(),
            exists: self.exists(),
            unlocked: self.is_unlocked(),
        }
    }

    /// Takes a passphrase typed by the user: checked against the file when
    /// it exists, else kept to create it (then it must be long enough).
    pub fn unlock(&self, passphrase: Secret) -> Result<(), SecretError> {
        let candidate = Passphrase {
            value: passphrase,
            from_env: false,
        };
        match self.read()? {
            Some(envelope) => {
                let key = envelope
                    .kdf
                    .derive(&candidate.value)
                    .map_err(|r| self.unusable(r))?;
                open(&envelope, &key).map_err(|_| SecretError::EncryptedPassphrase {
                    path: self.display(),
                    from_env: false,
                })?;
                *lock(&self.derived) = Some(Derived {
                    kdf: envelope.kdf,
                    key,
                });
            }
            None => {
                if candidate.value.expose().chars().count() < MIN_PASSPHRASE_CHARS {
                    return Err(self.unusable(format!(
                        "a new file needs a passphrase of at least {MIN_PASSPHRASE_CHARS} characters"
                    )));
                }
                *lock(&self.derived) = None;
            }
        }
        *lock(&self.passphrase) = Some(candidate);
        Ok(())
    }

    /// Reads entry `name`.
    pub fn get(&self, name: &str) -> Result<Secret, SecretError> {
        let Some(envelope) = self.read()? else {
            return Err(self.missing(name));
        };
        let entries = self.decrypt(&envelope, name)?;
        entries
            .get(name)
            .map(|v| Secret::new(v.clone()))
            .ok_or_else(|| self.missing(name))
    }

    /// Stores entry `name`, creating the file when needed.
    pub fn set(&self, name: &str, value: &Secret) -> Result<(), SecretError> {
        self.update(name, |entries| {
            entries.insert(name.to_owned(), value.expose().to_owned());
        })
    }

    /// Removes entry `name`; removing what is not there is not an error.
    pub fn delete(&self, name: &str) -> Result<(), SecretError> {
        if !self.exists() {
            return Ok(());
        }
        self.update(name, |entries| {
            entries.remove(name);
        })
    }

    /// The names of the entries (never the values).
    pub fn names(&self) -> Result<Vec<String>, SecretError> {
        match self.read()? {
            None => Ok(Vec::new()),
            Some(envelope) => Ok(self.decrypt(&envelope, "")?.into_keys().collect()),
        }
    }

    /// Read, change and replace the file under the write lock.
    fn update(
        &self,
        name: &str,
        change: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> Result<(), SecretError> {
        if !self.is_unlocked() {
            return Err(SecretError::EncryptedLocked {
                name: name.to_owned(),
                path: self.display(),
            });
        }
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| self.unusable(e.to_string()))?;
        let lock_file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.path.with_extension("lock"))
            .map_err(|e| self.unusable(format!("cannot open its lock file: {e}")))?;
        lock_file
            .lock()
            .map_err(|e| self.unusable(format!("cannot lock it: {e}")))?;
        let (mut entries, kdf) = match self.read()? {
            Some(envelope) => {
                let entries = self.decrypt(&envelope, name)?;
                (entries, envelope.kdf)
            }
            None => (BTreeMap::new(), Kdf::new().map_err(|r| self.unusable(r))?),
        };
        change(&mut entries);
        let key = self.key(&kdf)?;
        let envelope = seal(&kdf, &key, &entries).map_err(|r| self.unusable(r))?;
        let text =
            serde_json::to_vec_pretty(&envelope).map_err(|e| self.unusable(e.to_string()))?;
        // tempfile creates the file readable by its owner only.
        let mut tmp =
            tempfile::NamedTempFile::new_in(dir).map_err(|e| self.unusable(e.to_string()))?;
        tmp.write_all(&text)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| self.unusable(e.to_string()))?;
        tmp.persist(&self.path)
            .map_err(|e| self.unusable(e.to_string()))?;
        // The lock is released when `lock_file` is dropped.
        Ok(())
    }

    fn read(&self) -> Result<Option<Envelope>, SecretError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.unusable(e.to_string())),
        };
        let envelope: Envelope = serde_json::from_slice(&bytes)
            .map_err(|e| self.unusable(format!("it is not a secrets file ({e})")))?;
        if envelope.format != FORMAT || envelope.version != VERSION {
            return Err(self.unusable(format!(
                "it is `{}` version {}, this build reads `{FORMAT}` version {VERSION}",
                envelope.format, envelope.version
            )));
        }
        Ok(Some(envelope))
    }

    fn decrypt(
        &self,
        envelope: &Envelope,
        name: &str,
    ) -> Result<BTreeMap<String, String>, SecretError> {
        let from_env = match &*lock(&self.passphrase) {
            Some(p) => p.from_env,
            None => {
                return Err(SecretError::EncryptedLocked {
                    name: name.to_owned(),
                    path: self.display(),
                });
            }
        };
        let key = self.key(&envelope.kdf)?;
        open(envelope, &key).map_err(|_| SecretError::EncryptedPassphrase {
            path: self.display(),
            from_env,
        })
    }

    /// The key for `kdf`: derived once per salt and passphrase.
    fn key(&self, kdf: &Kdf) -> Result<Zeroizing<[u8; 32]>, SecretError> {
        let mut derived = lock(&self.derived);
        if let Some(d) = &*derived
            && d.kdf == *kdf
        {
            return Ok(d.key.clone());
        }
        let passphrase =
            lock(&self.passphrase)
                .clone()
                .ok_or_else(|| SecretError::EncryptedLocked {
                    name: String::new(),
                    path: self.display(),
                })?;
        let key = kdf
            .derive(&passphrase.value)
            .map_err(|r| self.unusable(r))?;
        *derived = Some(Derived {
            kdf: kdf.clone(),
            key: key.clone(),
        });
        Ok(key)
    }

    fn display(&self) -> String {
        self.path.display().to_string()
    }

    fn unusable(&self, reason: impl Into<String>) -> SecretError {
        SecretError::EncryptedUnusable {
            path: self.display(),
            reason: reason.into(),
        }
    }

    fn missing(&self, name: &str) -> SecretError {
        SecretError::EncryptedMissing {
            name: name.to_owned(),
            path: self.display(),
        }
    }
}

fn seal(kdf: &Kdf, key: &[u8; 32], entries: &BTreeMap<String, String>) -> Result<Envelope, String> {
    let plain = Zeroizing::new(serde_json::to_vec(entries).map_err(|e| e.to_string())?);
    let nonce = random::<24>()?;
    let aad = kdf.associated_data();
    let ciphertext = XChaCha20Poly1305::new(key.into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plain,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| "encryption failed".to_owned())?;
    Ok(Envelope {
        format: FORMAT.into(),
        version: VERSION,
        kdf: kdf.clone(),
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ciphertext),
    })
}

/// The entries, or `Err` when the key (the passphrase) is wrong or the
/// file was changed.
fn open(envelope: &Envelope, key: &[u8; 32]) -> Result<BTreeMap<String, String>, ()> {
    let nonce = hex::decode(&envelope.nonce).map_err(|_| ())?;
    let ciphertext = hex::decode(&envelope.ciphertext).map_err(|_| ())?;
    if nonce.len() != 24 {
        return Err(());
    }
    let aad = envelope.kdf.associated_data();
    let plain = Zeroizing::new(
        XChaCha20Poly1305::new(key.into())
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| ())?,
    );
    serde_json::from_slice(&plain).map_err(|_| ())
}

fn random<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| format!("the system random generator failed: {e}"))?;
    Ok(bytes)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock still holds a consistent value; keep using it.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unlocked(path: &Path, passphrase: &str) -> EncryptedFile {
        let file = EncryptedFile::new(path);
        file.unlock(Secret::new(passphrase)).unwrap();
        file
    }

    #[test]
    fn entries_survive_a_new_instance_and_never_appear_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/secrets.enc");
        let file = unlocked(&path, "correct horse battery");
        file.set("tracker:gh:auth.token", &Secret::new("ghp_secret_value"))
            .unwrap();
        file.set("connection/shop", &Secret::new("pg-password"))
            .unwrap();
        file.delete("connection/shop").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("ghp_secret_value") && !text.contains("tracker:gh"));

        let again = EncryptedFile::from_env(&path, |n| {
            (n == PASSPHRASE_ENV).then(|| "correct horse battery".to_owned())
        });
        assert_eq!(
            again.get("tracker:gh:auth.token").unwrap().expose(),
            "ghp_secret_value"
        );
        assert_eq!(again.names().unwrap(), vec!["tracker:gh:auth.token"]);
        assert!(matches!(
            again.get("connection/shop"),
            Err(SecretError::EncryptedMissing { .. })
        ));
    }

    #[test]
    fn each_failure_names_its_cause() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.enc");
        let locked = EncryptedFile::new(&path);
        assert_eq!(
            locked.set("a", &Secret::new("v")).unwrap_err().code(),
            "encrypted_locked"
        );
        let short = locked.unlock(Secret::new("short")).unwrap_err();
        assert!(
            short.to_string().contains("at least 8 characters"),
            "{short}"
        );
        unlocked(&path, "the right passphrase")
            .set("a", &Secret::new("value"))
            .unwrap();
        let wrong = EncryptedFile::new(&path)
            .unlock(Secret::new("a wrong passphrase"))
            .unwrap_err();
        assert_eq!(wrong.code(), "encrypted_passphrase");
        let from_env =
            EncryptedFile::from_env(&path, |_| Some("a wrong passphrase".into())).get("a");
        assert!(
            from_env
                .unwrap_err()
                .to_string()
                .contains(&format!("in {PASSPHRASE_ENV}"))
        );
        assert_eq!(
            EncryptedFile::new(&path).get("a").unwrap_err().code(),
            "encrypted_locked"
        );
        std::fs::write(&path, "{}").unwrap();
        assert_eq!(
            EncryptedFile::from_env(&path, |_| Some("x".into()))
                .get("a")
                .unwrap_err()
                .code(),
            "encrypted_unusable"
        );
    }

    /// Two writers at once, each from its own instance (as two processes
    /// would be): both entries are kept.
    #[test]
    fn concurrent_writers_keep_every_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.enc");
        unlocked(&path, "shared passphrase")
            .set("first", &Secret::new("1"))
            .unwrap();
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let file = unlocked(&path, "shared passphrase");
                    for j in 0..3 {
                        file.set(&format!("w{i}-{j}"), &Secret::new(format!("{i}{j}")))
                            .unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let names = unlocked(&path, "shared passphrase").names().unwrap();
        assert_eq!(names.len(), 13, "{names:?}");
    }
}
