//! Azure DevOps Boards as a tracker type: its settings fields, how a
//! tracker is built from its configuration, and how its service hooks are
//! verified and parsed. The kit's [`ConfigFactory`] does the rest.

use std::sync::Arc;

use sr_secrets::Secret;
use sr_tracker::kit::{Adapter, ConfigFactory, Webhooks, fields};
use sr_tracker::{ConfigField, IssueTracker, ProviderInfo, Result};

use crate::{AzureConfig, AzureTracker, KIND, Mapping};

/// Registered by the engine: `type: "azure_devops"`.
pub type AzureFactory = ConfigFactory<Azure>;

/// Azure DevOps Services and Server, as the kit's [`Adapter`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Azure;

impl Adapter for Azure {
    type Config = AzureConfig;
    type Mapping = Mapping;

    fn info(&self) -> ProviderInfo {
        let field = ConfigField::text;
        ProviderInfo {
            kind: KIND,
            display_name: "Azure DevOps Boards",
            fields: vec![
                fields::base_url(
                    "Service URL",
                    false,
                    "https://dev.azure.com unless set; https://HOST/tfs for Azure DevOps Server.",
                ),
                field(
                    "organization",
                    "Organization",
                    true,
                    false,
                    "The organization (acme in dev.azure.com/acme), or the collection on Azure DevOps Server.",
                ),
                field(
                    "project",
                    "Project",
                    true,
                    false,
                    "The project work items live in.",
                ),
                field(
                    "work_item_type",
                    "Work item type",
                    false,
                    false,
                    "The type of new work items; `Task` unless set.",
                ),
                field(
                    "area_path",
                    "Area path",
                    false,
                    false,
                    "Where new work items go and searches look (PROJECT\\Area); the project unless set.",
                ),
                field(
                    "iteration_path",
                    "Iteration path",
                    false,
                    false,
                    "The iteration new work items get (PROJECT\\Sprint 1).",
                ),
                ConfigField::choice(
                    "auth.type",
                    "Sign-in",
                    &["personal_token", "bearer"],
                    "personal_token",
                    "`personal_token`: a personal access token with Work Items (Read & write); `bearer`: a Microsoft Entra ID access token.",
                ),
                fields::token("The personal access token, or the Microsoft Entra ID token."),
                fields::labels(),
            ],
        }
    }

    fn build(
        &self,
        name: &str,
        config: &AzureConfig,
        token: &Secret,
    ) -> Result<Arc<dyn IssueTracker>> {
        Ok(Arc::new(AzureTracker::new(name, config, token, None)?))
    }

    const WEBHOOKS: Option<Webhooks<Mapping>> = Some(Webhooks {
        spec: crate::webhook::WEBHOOK,
        parse: crate::webhook::parse,
    });

    fn mapping(&self, config: Option<&AzureConfig>) -> Mapping {
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
        // Bearer: a personal token goes into the header base64-encoded,
        // so any characters pass.
        let config = serde_json::json!({"organization": "acme", "project": "DB",
            "auth": {"type": "bearer", "token": "${AZURE_PAT}"}});
        factory::check_common(&AzureFactory::default(), config, "AZURE_PAT", dir.path())
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn builds_from_entries() {
        let pat = serde_json::json!({"type": "personal_token", "token": "${AZURE_PAT}"});
        factory::check_builds(
            &AzureFactory::default(),
            "AZURE_PAT",
            vec![
                (serde_json::json!({"organization": "acme", "project": "DB", "auth": pat}), Some("t0ken"), Ok("dev.azure.com/acme/DB")),
                (serde_json::json!({"base_url": "http://127.0.0.1:8080/tfs", "organization": "DefaultCollection",
                    "project": "DB", "auth": {"type": "bearer", "token": "${AZURE_PAT}"}}), Some("eyJ0"), Ok("127.0.0.1:8080/DefaultCollection/DB")),
                (serde_json::json!({"organization": "acme/DB", "project": "DB", "auth": pat}), Some("t"), Err("is not an organization name")),
                (serde_json::json!({"organization": "acme", "project": "DB", "area_path": "Other\\Backend", "auth": pat}), Some("t"), Err("is not under project DB")),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}
