//! YouTrack as a tracker type: its settings fields and how a tracker is
//! built from its configuration. It declares no webhooks: YouTrack has no
//! standard signed delivery, so the engine polls. The kit's
//! [`ConfigFactory`] does the rest.

use std::sync::Arc;

use sr_secrets::Secret;
use sr_tracker::kit::{Adapter, ConfigFactory, fields};
use sr_tracker::{ConfigField, IssueTracker, ProviderInfo, Result};

use crate::{KIND, Mapping, YouTrackConfig, YouTrackTracker};

/// Registered by the engine: `type: "youtrack"`.
pub type YouTrackFactory = ConfigFactory<YouTrack>;

/// YouTrack Cloud and Server, as the kit's [`Adapter`].
#[derive(Debug, Clone, Copy, Default)]
pub struct YouTrack;

impl Adapter for YouTrack {
    type Config = YouTrackConfig;
    type Mapping = Mapping;

    fn info(&self) -> ProviderInfo {
        let field = ConfigField::text;
        ProviderInfo {
            kind: KIND,
            display_name: "YouTrack",
            fields: vec![
                fields::base_url(
                    "Instance URL",
                    true,
                    "https://acme.youtrack.cloud, or https://HOST/youtrack for YouTrack Server.",
                ),
                field(
                    "project",
                    "Project",
                    true,
                    false,
                    "The project's short name (DB in issue ids DB-12).",
                ),
                field(
                    "issue_type",
                    "Issue type",
                    false,
                    false,
                    "The Type of new issues; the project's default unless set.",
                ),
                ConfigField::choice(
                    "auth.type",
                    "Sign-in",
                    &["permanent_token"],
                    "permanent_token",
                    "A permanent token (Profile, Account Security, New token) with the YouTrack scope.",
                ),
                fields::token("The permanent token (perm:…)."),
                fields::labels(),
            ],
        }
    }

    fn build(
        &self,
        name: &str,
        config: &YouTrackConfig,
        token: &Secret,
    ) -> Result<Arc<dyn IssueTracker>> {
        Ok(Arc::new(YouTrackTracker::new(name, config, token, None)?))
    }

    fn mapping(&self, config: Option<&YouTrackConfig>) -> Mapping {
        config.map_or_else(Mapping::default, Mapping::from_config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_tracker::contract::factory;

    #[test]
    fn does_what_every_type_does() {
        let dir = tempfile::tempdir().expect("dir");
        let config = serde_json::json!({"base_url": "https://acme.youtrack.cloud", "project": "DB",
            "auth": {"type": "permanent_token", "token": "${YT_TOKEN}"}});
        factory::check_common(&YouTrackFactory::default(), config, "YT_TOKEN", dir.path())
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn builds_from_entries() {
        let auth = serde_json::json!({"type": "permanent_token", "token": "${YT_TOKEN}"});
        factory::check_builds(
            &YouTrackFactory::default(),
            "YT_TOKEN",
            vec![
                (serde_json::json!({"base_url": "https://acme.youtrack.cloud", "project": "DB", "auth": auth}), Some("perm:abc"), Ok("acme.youtrack.cloud/DB")),
                (serde_json::json!({"base_url": "http://127.0.0.1:8080/youtrack", "project": "DB", "auth": auth}), Some("perm:abc"), Ok("127.0.0.1:8080/DB")),
                (serde_json::json!({"base_url": "https://acme.youtrack.cloud", "project": "DB 2", "auth": auth}), Some("t"), Err("is not a project short name")),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}
