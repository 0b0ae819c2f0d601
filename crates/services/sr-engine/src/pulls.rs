//! Pull and merge requests linked to issues and to the objects their
//! migrations change. A request reported by a webhook (or a poll) is kept
//! when its title, branch or body names a linked issue, or when it changes
//! files matching the migration globs of `CONFIG_DIR/pulls.json`; the SQL
//! those files add is read in the dialect of each connection the tracker's
//! repository migrates, and the request is linked to the tables, views and
//! functions it creates, alters or drops. Every step is idempotent (the
//! store keeps one row per request), so a delivery and a poll of one
//! request may run at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sr_model::{IssueKey, IssueMention, ObjectRef, PullFile, PullRequest, PullState};
/// A stored request with what links it, as the store keeps it.
pub use sr_store::StoredPull;
use sr_store::{PullObject, PullRecord};

use crate::{Engine, EngineError};

/// `CONFIG_DIR/pulls.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullSettings {
    /// Paths of migration files, as globs (`**` crosses folders).
    #[serde(default = "default_globs")]
    pub migration_globs: Vec<String>,
    /// Per tracker name (trackers.json), the connections its repository's
    /// migrations run on. Only these trackers' requests have their files
    /// read.
    #[serde(default)]
    pub connections: BTreeMap<String, Vec<String>>,
    /// Comment on each open linked issue once when a request naming it is
    /// merged (through the comment outbox).
    #[serde(default)]
    pub comment_on_merge: bool,
}

impl Default for PullSettings {
    fn default() -> Self {
        PullSettings {
            migration_globs: default_globs(),
            connections: BTreeMap::new(),
            comment_on_merge: false,
        }
    }
}

fn default_globs() -> Vec<String> {
    [
        "migrations/**/*.sql",
        "db/**/*.sql",
        "**/migrations/**/*.sql",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// Reads pulls.json; the defaults when it is missing.
pub fn load_pull_settings(path: &Path) -> Result<PullSettings, EngineError> {
    let bad = |reason: String| EngineError::PullsConfig {
        path: path.display().to_string(),
        reason,
    };
    let settings: PullSettings = match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => PullSettings::default(),
        Err(e) => return Err(bad(e.to_string())),
    };
    migration_matcher(&settings.migration_globs).map_err(bad)?;
    Ok(settings)
}

fn migration_matcher(globs: &[String]) -> Result<globset::GlobSet, String> {
    let mut set = globset::GlobSetBuilder::new();
    for g in globs {
        let glob = globset::GlobBuilder::new(g)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("migration glob `{g}`: {e}"))?;
        set.add(glob);
    }
    set.build().map_err(|e| e.to_string())
}

impl Engine {
    /// `CONFIG_DIR/pulls.json`.
    pub fn pulls_path(&self) -> PathBuf {
        self.paths().config_dir.join("pulls.json")
    }

    /// Keeps a reported request if it names a linked issue or changes
    /// migration files, with its links; what was done, for the delivery
    /// log.
    pub(crate) async fn intake_pull(&self, pull: PullRequest) -> Result<&'static str, EngineError> {
        let path = self.pulls_path();
        let settings = tokio::task::spawn_blocking(move || load_pull_settings(&path))
            .await
            .map_err(|e| EngineError::Background(e.to_string()))??;
        let issues = self.mentioned_issues(&pull).await?;
        let connections = settings
            .connections
            .get(&pull.tracker)
            .cloned()
            .unwrap_or_default();
        let mut migrations = Vec::new();
        if !connections.is_empty() {
            let matcher = migration_matcher(&settings.migration_globs).map_err(|reason| {
                EngineError::PullsConfig {
                    path: self.pulls_path().display().to_string(),
                    reason,
                }
            })?;
            let tracker = self.links().tracker(&pull.tracker)?;
            let files = match tracker.pull_files(pull.number).await {
                Ok(files) => files,
                // A provider whose files are not read yet (GitLab): the
                // request is still kept for the issues it names.
                Err(e) if e.kind() == sr_tracker::ErrorKind::Unsupported => {
                    tracing::warn!(tracker = %pull.tracker, error = %e, "pull request files not read");
                    Vec::new()
                }
                Err(e) => return Err(e.into()),
            };
            migrations = files
                .into_iter()
                .filter(|f| f.status != "removed" && matcher.is_match(&f.path))
                .collect();
        }
        let known = self
            .store()
            .pull(&pull.tracker, &pull.repo, pull.number)
            .await?
            .is_some();
        if issues.is_empty() && migrations.is_empty() && !known {
            return Ok("pull request ignored");
        }
        let mut objects = Vec::new();
        for connection in &connections {
            for file in &migrations {
                objects.extend(self.objects_changed(connection, file).await?);
            }
        }
        let keys: Vec<String> = issues.iter().map(|(k, _)| k.clone()).collect();
        let id = self
            .store()
            .record_pull(&PullRecord {
                pull: &pull,
                migrations: !migrations.is_empty(),
                issues: &keys,
                objects: &objects,
            })
            .await?;
        if pull.state == PullState::Merged && settings.comment_on_merge {
            self.comment_merged(id, &pull).await?;
        }
        for o in &objects {
            self.notify(crate::Event::StoreChanged(sr_store::StoreChange {
                table: "pull_requests".into(),
                op: "UPDATE".into(),
                object: Some(o.object.key()),
                issue: None,
                rows: None,
            }));
        }
        Ok("pull request kept")
    }

    /// The requests that change an object, newest first.
    pub async fn pulls_for_object(
        &self,
        object: &ObjectRef,
    ) -> Result<Vec<StoredPull>, EngineError> {
        Ok(self.store().pulls_for_object(&object.key()).await?)
    }

    /// Linked issues the request names, with whether each is open.
    async fn mentioned_issues(
        &self,
        pull: &PullRequest,
    ) -> Result<Vec<(String, bool)>, EngineError> {
        let mut out: Vec<(String, bool)> = Vec::new();
        for mention in pull.issue_refs() {
            let (display, repo) = match &mention {
                IssueMention::Keyed(k) => (k.clone(), None),
                IssueMention::Number(n) => (format!("#{n}"), Some(pull.repo.clone())),
                IssueMention::Qualified { repo, number } => {
                    (format!("#{number}"), Some(repo.clone()))
                }
            };
            for (key, open) in self.store().linked_issues_named(&display).await? {
                // `#12` means an issue of that repository's own tracker.
                if let Some(repo) = &repo {
                    let Ok(parsed) = key.parse::<IssueKey>() else {
                        continue;
                    };
                    let suffix = format!("/{}", repo.to_lowercase());
                    if !parsed.instance.to_lowercase().ends_with(&suffix) {
                        continue;
                    }
                }
                if !out.iter().any(|(k, _)| *k == key) {
                    out.push((key, open));
                }
            }
        }
        Ok(out)
    }

    /// The objects of `connection` that `file`'s added SQL changes: an
    /// object that exists is named as the live schema has it, one the
    /// script creates as the script names it. SQL that does not parse is
    /// logged and links nothing (retrying would not change it).
    async fn objects_changed(
        &self,
        connection: &str,
        file: &PullFile,
    ) -> Result<Vec<PullObject>, EngineError> {
        let snapshot = self.snapshot(connection, false).await?;
        let changes = match sr_schema::changed_objects(&file.added_text(), snapshot.dialect) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(file = %file.path, connection, error = %e, "migration file not read");
                return Ok(Vec::new());
            }
        };
        let mut out: Vec<PullObject> = Vec::new();
        for c in changes {
            let schema = c
                .schema
                .clone()
                .or_else(|| snapshot.dialect.default_schema().map(str::to_owned))
                .unwrap_or_else(|| snapshot.database.clone());
            let found = snapshot
                .find(Some(&schema), &c.name)
                .into_iter()
                .find(|m| m.kind == c.kind);
            let object = match found {
                Some(m) => m.to_object_ref(connection),
                None => ObjectRef::new(
                    connection,
                    c.kind,
                    snapshot.database.clone(),
                    schema,
                    c.name,
                ),
            };
            let entry = PullObject {
                object,
                action: c.action.as_str().to_owned(),
                file: file.path.clone(),
            };
            // The last statement on an object says what the request does.
            out.retain(|o| o.object.key() != entry.object.key());
            out.push(entry);
        }
        Ok(out)
    }

    /// Queues "merged" on each open issue the request names, once each.
    async fn comment_merged(&self, id: i64, pull: &PullRequest) -> Result<(), EngineError> {
        let stored = self
            .store()
            .pull(&pull.tracker, &pull.repo, pull.number)
            .await?;
        let Some(stored) = stored else { return Ok(()) };
        for key in &stored.issues {
            let open =
                match key.parse::<IssueKey>() {
                    Ok(k) => self.store().issue(&k).await?.is_some_and(|c| {
                        c.issue.reference.status.state != sr_model::IssueState::Done
                    }),
                    Err(_) => false,
                };
            if !open {
                continue;
            }
            let body = format!(
                "Pull request {} ({}) was merged: \"{}\".",
                pull.display_key(),
                pull.url,
                pull.title
            );
            if self
                .store()
                .queue_merge_comment(id, key, self.actor(), &body)
                .await?
            {
                tracing::info!(issue = %key, pull = %pull.display_key(), "merge comment queued");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_globs_match_migration_folders_only() {
        let m = migration_matcher(&PullSettings::default().migration_globs).expect("globs");
        assert!(m.is_match("migrations/0042.sql"));
        assert!(m.is_match("db/migrate/20240101_orders.sql"));
        assert!(m.is_match("services/shop/migrations/v2/0001.sql"));
        assert!(!m.is_match("src/queries/orders.sql"));
        assert!(!m.is_match("migrations/README.md"));
    }

    #[test]
    fn settings_are_strict_and_globs_checked() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("pulls.json");
        assert_eq!(
            load_pull_settings(&path).expect("missing"),
            PullSettings::default()
        );
        std::fs::write(&path, r#"{"migration_glob": []}"#).expect("write");
        let e = load_pull_settings(&path).expect_err("unknown field");
        assert!(e.to_string().contains("migration_glob"), "{e}");
        std::fs::write(&path, r#"{"migration_globs": ["migrations/[.sql"]}"#).expect("write");
        let e = load_pull_settings(&path).expect_err("bad glob");
        assert!(e.to_string().contains("migrations/[.sql"), "{e}");
    }
}
