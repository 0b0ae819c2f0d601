//! Where ScratchRobin keeps its files: the platform's config and data
//! directories (or the ones given with `--config-dir` / `--data-dir`), and
//! the name of each file inside them.

use std::path::{Path, PathBuf};

use crate::error::{ConfigError, ConfigErrorKind};

/// The two directories everything else is found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// The platform directories (on Linux `~/.config/scratchrobin` and
    /// `~/.local/share/scratchrobin`), each replaced by its override when one
    /// is given. Both directories are created if they do not exist.
    pub fn resolve(
        config_override: Option<PathBuf>,
        data_override: Option<PathBuf>,
    ) -> Result<Paths, ConfigError> {
        let (config, data) = platform_dirs().unzip();
        let paths = Paths {
            config_dir: choose(config_override, config, "config-dir")?,
            data_dir: choose(data_override, data, "data-dir")?,
        };
        ensure_dir(&paths.config_dir)?;
        ensure_dir(&paths.data_dir)?;
        Ok(paths)
    }

    /// `config_dir/trackers.json`.
    pub fn trackers_file(&self) -> PathBuf {
        self.config_dir.join("trackers.json")
    }

    /// `config_dir/channels.json`, the notification channels.
    pub fn channels_file(&self) -> PathBuf {
        self.config_dir.join("channels.json")
    }

    /// `config_dir/auto_issue_rules.json`.
    pub fn rules_file(&self) -> PathBuf {
        self.config_dir.join("auto_issue_rules.json")
    }

    /// `config_dir/templates`, the user's own issue templates.
    pub fn templates_dir(&self) -> PathBuf {
        self.config_dir.join("templates")
    }

    /// `config_dir/connections.json`.
    pub fn connections_file(&self) -> PathBuf {
        self.config_dir.join("connections.json")
    }

    /// `data_dir/scratchrobin.db`, the store when no URL is given.
    /// The encrypted secrets file (`{"encrypted": NAME}` references).
    pub fn secrets_file(&self) -> PathBuf {
        self.data_dir.join("secrets.enc")
    }

    pub fn default_store_path(&self) -> PathBuf {
        self.data_dir.join("scratchrobin.db")
    }

    /// `data_dir/logs`.
    pub fn logs_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// `data_dir/demo.db`, the bundled demo database.
    pub fn demo_db_path(&self) -> PathBuf {
        self.data_dir.join("demo.db")
    }
}

/// The override made absolute, else the platform's directory.
fn choose(
    given: Option<PathBuf>,
    platform: Option<PathBuf>,
    flag: &str,
) -> Result<PathBuf, ConfigError> {
    match (given, platform) {
        (Some(dir), _) => Ok(std::path::absolute(&dir).unwrap_or(dir)),
        (None, Some(dir)) => Ok(dir),
        (None, None) => Err(ConfigError {
            kind: ConfigErrorKind::NoPlatformDir,
            file: None,
            line: None,
            column: None,
            message: format!(
                "no home directory is known, so there is no default {flag}; pass --{flag} DIR"
            ),
        }),
    }
}

/// The platform's config and data directories for ScratchRobin, without
/// creating them; `None` when the platform knows no home directory.
pub fn platform_dirs() -> Option<(PathBuf, PathBuf)> {
    let dirs = directories::ProjectDirs::from("org", "ScratchRobin", "scratchrobin")?;
    Some((
        dirs.config_dir().to_path_buf(),
        dirs.data_dir().to_path_buf(),
    ))
}

/// Creates `dir` and its parents if needed; for the subdirectories
/// ([`Paths::logs_dir`], [`Paths::templates_dir`]) when they are first used.
pub fn ensure_dir(dir: &Path) -> Result<(), ConfigError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        ConfigError::io(
            dir,
            "create the directory",
            &e,
            "check the permissions of its parent, or pass another directory",
        )
    })
}
