//! Replacing a file atomically: a temporary file in the same directory is
//! written, flushed to disk, then renamed over the target, so a reader
//! sees the old file or the new one, never half of one.

use std::io::Write;
use std::path::Path;

use crate::error::ConfigError;

/// Writes `bytes` to `path` atomically, keeping the old file's
/// permissions. `prefix` names the temporary file (`.connections.`).
pub fn write_atomically(path: &Path, bytes: &[u8], prefix: &str) -> Result<(), ConfigError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let io = |action: &str, e: &std::io::Error| {
        ConfigError::io(
            path,
            action,
            e,
            "check the directory's permissions and free space",
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| io("create its directory", &e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| io("create a temporary file", &e))?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(|e| io("keep the file's permissions", &e))?;
    }
    tmp.write_all(bytes)
        .map_err(|e| io("write a temporary file", &e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| io("flush a temporary file", &e))?;
    tmp.persist(path)
        .map_err(|e| io("replace the file", &e.error))?;
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io("flush its directory", &e))?;
    Ok(())
}

/// An exclusive lock on `PATH.lock`, held until the guard is dropped, for
/// read-modify-write of `path` by several processes. The lock file stays
/// (removing it would race with the next locker); the OS releases the lock
/// when the process ends, however it ends.
pub fn lock_beside(path: &Path) -> Result<std::fs::File, ConfigError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let lock_path = std::path::PathBuf::from(name);
    if let Some(dir) = lock_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            ConfigError::io(
                path,
                "create its directory",
                &e,
                "check the directory's permissions",
            )
        })?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| {
            ConfigError::io(
                &lock_path,
                "open the lock file",
                &e,
                "check the directory's permissions",
            )
        })?;
    file.lock().map_err(|e| {
        ConfigError::io(&lock_path, "lock", &e, "check the directory's permissions")
    })?;
    Ok(file)
}
