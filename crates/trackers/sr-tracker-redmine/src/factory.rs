//! Redmine as a tracker type: its settings fields and how a tracker is
//! built from its configuration. Redmine sends no webhooks, so the type
//! declares none and is polled; the kit's [`ConfigFactory`] does the rest.

use std::sync::Arc;

use sr_secrets::Secret;
use sr_tracker::kit::{Adapter, ConfigFactory, fields};
use sr_tracker::{ConfigField, IssueTracker, ProviderInfo, Result};

use crate::{KIND, RedmineConfig, RedmineTracker};

/// Registered by the engine: `type: "redmine"`.
pub type RedmineFactory = ConfigFactory<Redmine>;

/// Redmine, as the kit's [`Adapter`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Redmine;

impl Adapter for Redmine {
    type Config = RedmineConfig;
    type Mapping = ();

    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            kind: KIND,
            display_name: "Redmine",
            fields: vec![
                fields::base_url(
                    "Redmine URL",
                    true,
                    "Your Redmine's address, with its sub-path if it has one (https://redmine.example.com).",
                ),
                ConfigField::text(
                    "project",
                    "Project",
                    true,
                    false,
                    "The project's identifier (as in /projects/db) or numeric id.",
                ),
                fields::personal_token(
                    "`personal_token`: the API access key of your Redmine account (My account → API access key); REST must be enabled in Administration → Settings → API.",
                ),
                fields::token("Your API access key (My account → Show API access key)."),
                ConfigField::text(
                    "labels_field",
                    "Labels field",
                    false,
                    false,
                    "The issue custom field (Text, used as a filter) that holds labels; `Labels` unless set.",
                ),
                ConfigField::text(
                    "text_formatting",
                    "Text formatting",
                    false,
                    false,
                    "`textile`, `markdown` or `none`, as the server formats text; detected from the server when left empty.",
                ),
                fields::labels(),
            ],
        }
    }

    fn build(
        &self,
        name: &str,
        config: &RedmineConfig,
        key: &Secret,
    ) -> Result<Arc<dyn IssueTracker>> {
        Ok(Arc::new(RedmineTracker::new(name, config, key, None)?))
    }

    fn mapping(&self, _config: Option<&RedmineConfig>) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sr_tracker::TrackerFactory;
    use sr_tracker::contract::factory;

    #[test]
    fn builds_from_an_entry_and_has_no_webhooks() {
        let f = RedmineFactory::default();
        assert!(f.webhook().is_none(), "Redmine is polled");
        let config = json!({
            "base_url": "https://redmine.example.com", "project": "db",
            "auth": {"type": "personal_token", "token": "${REDMINE_KEY}"}
        });
        factory::check_build(
            &f,
            config.clone(),
            "REDMINE_KEY",
            Some("0123abcd"),
            Ok("redmine.example.com/db"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let dir = tempfile::tempdir().expect("dir");
        factory::check_common(&f, config, "REDMINE_KEY", dir.path())
            .unwrap_or_else(|e| panic!("{e}"));
    }
}
