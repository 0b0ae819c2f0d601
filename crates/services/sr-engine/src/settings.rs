//! What the workbench's dialogs need beyond links: a prefilled issue about
//! an object, and the tracker settings (provider types, a connection test
//! of an unsaved entry, saving trackers.json with secrets in the keyring or
//! the encrypted secrets file).

use sr_config::TrackersFile;
use sr_model::{AttachmentUpload, Issue, ObjectKind, ObjectRef, Project, User};
use sr_secrets::{Resolver, Secret, SecretRef};
use sr_templates::{ObjectContext, Templates, draft_title};
use sr_tracker::{ConnectionReport, ProviderInfo, TrackerEntry};

use crate::{Engine, EngineError};

/// A title and a Markdown body for a new issue about an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueDraftText {
    pub title: String,
    pub body: String,
}

/// A secret typed in the settings dialog and where it is to be kept (a
/// keyring or encrypted-file reference, as the entry's `config` has it).
pub type PendingSecret = (SecretRef, Secret);

impl Engine {
    /// The title and body a new issue about `object` starts with: the
    /// `object_context` template over the snapshot, the database's DDL and
    /// (for tables) the row estimate. DDL and row count are best effort: an
    /// object the database cannot describe still gets its snapshot context.
    pub async fn draft_issue(&self, object: &ObjectRef) -> Result<IssueDraftText, EngineError> {
        let snapshot = self.snapshot(&object.connection, false).await?;
        let mut context = ObjectContext::from_snapshot(object, &snapshot);
        let db = self.database(&object.connection).await?;
        match db
            .object_ddl(object.kind, &object.schema, &object.name)
            .await
        {
            Ok(ddl) => context.ddl = ddl.trim_end().to_owned(),
            Err(e) => tracing::debug!(object = %object.key(), error = %e, "no DDL for the draft"),
        }
        if object.kind == ObjectKind::Table {
            context.row_estimate = db.row_estimate(&object.schema, &object.name).await.ok();
        }
        let dir = self.paths().templates_dir();
        let templates = tokio::task::spawn_blocking(move || Templates::load(Some(&dir)))
            .await
            .map_err(|_| EngineError::Stopped)??;
        Ok(IssueDraftText {
            title: draft_title(object),
            body: templates.object_context(&context)?,
        })
    }

    /// The projects of a configured tracker, for the Create Issue dialog.
    pub async fn projects(&self, tracker: &str) -> Result<Vec<Project>, EngineError> {
        Ok(self.links().tracker(tracker)?.projects().await?)
    }

    /// Users of a tracker that can be assigned, matching `query`.
    pub async fn users(
        &self,
        tracker: &str,
        project: Option<&str>,
        query: &str,
    ) -> Result<Vec<User>, EngineError> {
        Ok(self.links().tracker(tracker)?.users(project, query).await?)
    }

    /// Attaches `object`'s DDL, as the database prints it, to `issue` as
    /// `NAME.sql`.
    pub async fn attach_ddl(
        &self,
        tracker: &str,
        issue: &Issue,
        object: &ObjectRef,
    ) -> Result<(), EngineError> {
        let db = self.database(&object.connection).await?;
        let ddl = db
            .object_ddl(object.kind, &object.schema, &object.name)
            .await?;
        let upload = AttachmentUpload {
            filename: format!("{}.sql", object.name),
            content_type: "application/sql".into(),
            description: format!(
                "DDL of {} {}.{}",
                object.kind.label(),
                object.schema,
                object.name
            ),
            bytes: ddl.into_bytes(),
        };
        self.attach_upload(tracker, issue, &upload).await
    }

    /// Attaches `upload` to `issue` as it is.
    pub async fn attach_upload(
        &self,
        tracker: &str,
        issue: &Issue,
        upload: &AttachmentUpload,
    ) -> Result<(), EngineError> {
        self.links()
            .tracker(tracker)?
            .attach_file(&issue.key().id, upload)
            .await?;
        Ok(())
    }

    /// Every tracker type this build can configure.
    pub fn provider_types(&self) -> Vec<ProviderInfo> {
        self.registry().providers()
    }

    /// trackers.json as the engine holds it now.
    pub fn trackers_file(&self) -> TrackersFile {
        TrackersFile {
            trackers: self.tracker_entries(),
        }
    }

    /// Builds `entry` (not yet saved) and tests its connection. `secrets`
    /// are the values typed for its references; they are used for the test
    /// only and written nowhere.
    pub async fn test_tracker(
        &self,
        mut entry: TrackerEntry,
        secrets: Vec<PendingSecret>,
    ) -> Result<ConnectionReport, EngineError> {
        // A disabled tracker can still be tested before it is turned on.
        entry.enabled = true;
        let registry = self.registry().clone();
        let base = self.resolver();
        let tracker = tokio::task::spawn_blocking(move || {
            registry.build(&entry, &Resolver::overlay(&base, secrets))
        })
        .await
        .map_err(|_| EngineError::Stopped)??;
        // test_connection diagnoses on its own; initialize could fail first
        // with a vaguer message.
        Ok(tracker.test_connection().await?)
    }

    /// Stores `secrets` where their references point (keyring or encrypted
    /// file), checks `file` as if it were read from disk, writes
    /// trackers.json atomically and rebuilds the trackers. Entries the
    /// settings dialog made (`tracker:…`) that no entry references any more
    /// are deleted.
    pub async fn save_trackers(
        &self,
        file: TrackersFile,
        secrets: Vec<PendingSecret>,
    ) -> Result<(), EngineError> {
        let path = self.paths().trackers_file();
        let registry = self.registry().clone();
        let resolver = self.resolver();
        let before = stored_refs(&self.tracker_entries());
        tokio::task::spawn_blocking(move || -> Result<(), EngineError> {
            let text = serde_json::to_string_pretty(&file).map_err(|e| {
                EngineError::Settings(format!("the trackers cannot be written as JSON: {e}"))
            })?;
            if let Err(errors) = sr_config::parse_trackers(&path, &text, &registry) {
                let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
                return Err(EngineError::Settings(all.join("; ")));
            }
            for (reference, value) in &secrets {
                let lives = resolver.store(reference, value)?;
                if !lives.survives_reboot() {
                    tracing::warn!(entry = %reference.describe(), ?lives, "a secret was stored where it does not survive a reboot");
                }
            }
            sr_config::save_trackers(&path, &file)?;
            let after = stored_refs(&file.trackers);
            for r in before.iter().filter(|r| {
                r.entry().is_some_and(|n| n.starts_with("tracker:")) && !after.contains(r)
            }) {
                if let Err(e) = resolver.forget(r) {
                    tracing::warn!(entry = %r.describe(), error = %e, "an unused secret entry stays");
                }
            }
            Ok(())
        })
        .await
        .map_err(|_| EngineError::Stopped)??;
        self.reload_trackers().await
    }
}

/// Every keyring and encrypted-file reference of `entries` (provider
/// config and webhook secret).
fn stored_refs(entries: &[TrackerEntry]) -> Vec<SecretRef> {
    entries
        .iter()
        .flat_map(|e| {
            SecretRef::all_in(&e.config)
                .into_iter()
                .chain(e.sync.webhook_secret.clone())
        })
        .filter(|r| r.entry().is_some())
        .collect()
}
