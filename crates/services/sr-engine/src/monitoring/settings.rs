//! Each connection's monitoring settings, as the monitoring panel turns
//! checks on and off: `CONFIG_DIR/monitoring.json`, changed under its lock
//! and written atomically, so the CLI, an editor and the workbench never
//! lose each other's edits. The config watch sees the new file and the
//! scheduler starts, stops or re-times the connection's jobs at once.

use std::path::PathBuf;

use crate::{ConnectionMonitoring, DEMO_CONNECTION, Engine, EngineError, MonitoringConfig};

impl Engine {
    /// `CONFIG_DIR/monitoring.json`.
    pub fn monitoring_path(&self) -> PathBuf {
        self.paths().config_dir.join("monitoring.json")
    }

    /// The checks of `connection` as they run: its entry in
    /// monitoring.json; the defaults for the demo database; for any other
    /// connection not named there, every check off (0 minutes), so nothing
    /// is checked (or filed) until a user turns it on.
    pub async fn monitoring_settings(
        &self,
        connection: &str,
    ) -> Result<ConnectionMonitoring, EngineError> {
        let path = self.monitoring_path();
        let config = tokio::task::spawn_blocking(move || crate::load_monitoring_config(&path))
            .await
            .map_err(|e| EngineError::Background(e.to_string()))??;
        Ok(effective(&config, connection))
    }

    /// Writes `settings` as `connection`'s entry of monitoring.json.
    pub async fn save_monitoring_settings(
        &self,
        connection: &str,
        settings: ConnectionMonitoring,
    ) -> Result<(), EngineError> {
        if !self.connection_names().iter().any(|n| n == connection) {
            return Err(crate::connections::unknown_connection(
                connection,
                &self.connection_names(),
            ));
        }
        let path = self.monitoring_path();
        let connection = connection.to_owned();
        tokio::task::spawn_blocking(move || {
            let _lock = sr_config::lock_beside(&path)?;
            let mut config = crate::load_monitoring_config(&path)?;
            config.connections.insert(connection, settings);
            let mut json = serde_json::to_string_pretty(&config)
                .map_err(|e| EngineError::Background(e.to_string()))?;
            json.push('\n');
            sr_config::write_atomically(&path, json.as_bytes(), ".monitoring.")?;
            Ok::<_, EngineError>(())
        })
        .await
        .map_err(|e| EngineError::Background(e.to_string()))?
    }
}

/// The settings that apply to `connection` under `config`.
pub fn effective(config: &MonitoringConfig, connection: &str) -> ConnectionMonitoring {
    match config.connections.get(connection) {
        Some(s) => s.clone(),
        None if connection == DEMO_CONNECTION => ConnectionMonitoring::default(),
        None => ConnectionMonitoring::off(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_demo_is_watched_unless_named() {
        let mut config = MonitoringConfig::default();
        assert_eq!(effective(&config, "demo"), ConnectionMonitoring::default());
        assert_eq!(effective(&config, "shop"), ConnectionMonitoring::off());
        let shop = ConnectionMonitoring {
            drift_minutes: 1,
            ..ConnectionMonitoring::off()
        };
        config.connections.insert("shop".into(), shop.clone());
        assert_eq!(effective(&config, "shop"), shop);
    }
}
