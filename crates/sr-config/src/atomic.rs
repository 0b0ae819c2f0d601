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
