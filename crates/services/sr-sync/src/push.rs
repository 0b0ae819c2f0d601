//! Two-way sync of title, state, labels, assignee and priority: edits made
//! in the workbench ([`record_edit`]) wait in the store until a sync pushes
//! them. Before pushing, the issue is read from the tracker; a field that
//! changed there too since the edit's base value is a conflict, resolved by
//! the tracker's policy for that field and listed in the operation's
//! results. The tracker's answer to the push goes into the cache, so the
//! pull that follows sees no change (our own pushes are not pulled back).
//!
//! An edit stays pending until the tracker holds its value or it lost a
//! conflict, so a push that fails or whose answer is lost is sent again by
//! the next sync, and no edit is lost.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sr_model::{Issue, IssueKey, IssueState, IssueUpdate, Priority, Timestamp};
use sr_store::{LocalEdit, Store};
use sr_tracker::IssueTracker;

use crate::SyncError;
use crate::operation::{IssueError, SyncResults};

pub use sr_tracker::{ConflictPolicies, ConflictPolicy, SyncField as Field};

/// The field's value in an issue, as an edit stores it.
pub fn field_value(field: Field, issue: &Issue) -> String {
    let r = &issue.reference;
    match field {
        Field::Title => r.title.clone(),
        Field::State => r.status.state.as_str().to_owned(),
        Field::Labels => {
            let mut l = r.labels.clone();
            l.sort();
            serde_json::to_string(&l).unwrap_or_default()
        }
        Field::Assignee => r.assignee.clone().unwrap_or_default(),
        Field::Priority => r
            .priority
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
    }
}

/// Sets the field in an update from a stored value.
fn apply_field(field: Field, value: &str, update: &mut IssueUpdate) -> Result<(), String> {
    match field {
        Field::Title => update.title = Some(value.to_owned()),
        Field::State => update.state = Some(value.parse::<IssueState>()?),
        Field::Labels => {
            update.labels = Some(serde_json::from_str(value).map_err(|e| format!("labels: {e}"))?);
        }
        Field::Assignee => {
            update.assignee = Some((!value.is_empty()).then(|| value.to_owned()));
        }
        Field::Priority => {
            if !value.is_empty() {
                update.priority = Some(value.parse::<Priority>()?);
            }
        }
    }
    Ok(())
}

/// A field changed on both sides, and how it was settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub issue: String,
    pub field: Field,
    pub base: String,
    pub local: String,
    pub remote: String,
    pub policy: ConflictPolicy,
    /// `local` or `remote`.
    pub winner: String,
}

/// Records a workbench edit of one field for the next sync to push; the
/// base is the field's value in the cache now.
pub async fn record_edit(
    store: &Store,
    key: &IssueKey,
    field: Field,
    value: &str,
) -> Result<(), SyncError> {
    let name = key.to_string();
    let cached = store
        .issue(key)
        .await
        .map_err(SyncError::store(&name))?
        .ok_or_else(|| SyncError::NotCached { key: name.clone() })?;
    let base = field_value(field, &cached.issue);
    store
        .record_local_edit(&name, field.as_str(), value, &base)
        .await
        .map_err(SyncError::store(&name))?;
    Ok(())
}

/// Decides one field: `Some(true)` push the local value, `Some(false)` keep
/// the remote one (a lost conflict), `None` nothing to do (already there).
pub fn decide(
    base: &str,
    local: &str,
    remote: &str,
    policy: ConflictPolicy,
    edited_at: Timestamp,
    remote_updated_at: Timestamp,
) -> Option<bool> {
    if remote == local {
        return None;
    }
    if remote == base {
        return Some(true);
    }
    Some(match policy {
        ConflictPolicy::LocalWins => true,
        ConflictPolicy::RemoteWins => false,
        ConflictPolicy::LastWriterWins => edited_at > remote_updated_at,
    })
}

/// The edits of one tracker's issues waiting to be pushed.
pub(crate) async fn pending(
    store: &Store,
    tracker: &dyn IssueTracker,
) -> Result<Vec<LocalEdit>, SyncError> {
    let info = tracker.info();
    let prefix = format!("{}:{}:", info.provider, info.instance);
    store
        .pending_local_edits(&prefix)
        .await
        .map_err(SyncError::store(&info.name))
}

/// Pushes pending edits. Failures are counted per issue and leave the
/// edits pending; only a store failure ends the sync.
pub(crate) async fn push(
    store: &Store,
    tracker: &dyn IssueTracker,
    policies: &ConflictPolicies,
    edits: Vec<LocalEdit>,
    results: &mut SyncResults,
) -> Result<(), SyncError> {
    let name = tracker.info().name.clone();
    let mut by_issue: BTreeMap<String, Vec<LocalEdit>> = BTreeMap::new();
    for e in edits {
        by_issue.entry(e.issue_key.clone()).or_default().push(e);
    }
    for (key, edits) in by_issue {
        match push_issue(tracker, policies, &key, &edits, results).await {
            Ok(Some(issue)) => {
                store
                    .upsert_issues(std::slice::from_ref(&issue))
                    .await
                    .map_err(SyncError::store(&name))?;
                let ids: Vec<i64> = edits.iter().map(|e| e.id).collect();
                store
                    .mark_local_edits_pushed(&ids)
                    .await
                    .map_err(SyncError::store(&name))?;
            }
            Ok(None) => {}
            Err(error) => {
                results.failed += 1;
                results.errors.push(IssueError {
                    issue_id: Some(key.clone()),
                    error,
                });
            }
        }
    }
    Ok(())
}

/// Settles and sends one issue's edits; returns the issue as the tracker
/// holds it afterwards, or `None` when the issue is gone (edits stay).
async fn push_issue(
    tracker: &dyn IssueTracker,
    policies: &ConflictPolicies,
    key: &str,
    edits: &[LocalEdit],
    results: &mut SyncResults,
) -> Result<Option<Issue>, String> {
    let parsed: IssueKey = key.parse().map_err(|e| format!("{e}"))?;
    let Some(remote) = tracker
        .get_issue(&parsed.id)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Err(format!(
            "{key} is gone from the tracker; its edits stay pending"
        ));
    };
    // The first edit's base and the last edit's value, per field.
    let mut fields: HashMap<Field, (&LocalEdit, &LocalEdit)> = HashMap::new();
    for e in edits {
        let Some(f) = Field::parse(&e.field) else {
            continue;
        };
        fields.entry(f).and_modify(|v| v.1 = e).or_insert((e, e));
    }
    let mut update = IssueUpdate::default();
    let mut sorted: Vec<_> = fields.into_iter().collect();
    sorted.sort_by_key(|(f, _)| *f);
    for (field, (first, last)) in sorted {
        let remote_value = field_value(field, &remote);
        let policy = policies.for_field(field);
        let push = decide(
            &first.base,
            &last.value,
            &remote_value,
            policy,
            last.edited_at,
            remote.reference.updated_at,
        );
        if remote_value != first.base && remote_value != last.value {
            results.conflicts.push(Conflict {
                issue: key.to_owned(),
                field,
                base: first.base.clone(),
                local: last.value.clone(),
                remote: remote_value,
                policy,
                winner: if push == Some(true) {
                    "local"
                } else {
                    "remote"
                }
                .into(),
            });
        }
        if push == Some(true) {
            apply_field(field, &last.value, &mut update)?;
        }
    }
    if update.is_empty() {
        return Ok(Some(remote));
    }
    let pushed = tracker
        .update_issue(&parsed.id, &update)
        .await
        .map_err(|e| e.to_string())?;
    results.pushed += 1;
    Ok(Some(pushed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default()
    }

    /// (base, local, remote, policy, edited at, remote updated at) → decision.
    fn check(input: (&str, &str, &str, ConflictPolicy, i64, i64), expected: Option<bool>) {
        let (base, local, remote, policy, edited, updated) = input;
        assert_eq!(
            decide(base, local, remote, policy, at(edited), at(updated)),
            expected,
            "{input:?}"
        );
    }

    #[test]
    fn decisions() {
        use ConflictPolicy::*;
        // Only we changed it: push.
        check(("a", "b", "a", RemoteWins, 1, 2), Some(true));
        // The tracker already has our value: nothing to do.
        check(("a", "b", "b", RemoteWins, 1, 2), None);
        // Both changed: the policy decides.
        check(("a", "b", "c", RemoteWins, 5, 2), Some(false));
        check(("a", "b", "c", LocalWins, 1, 2), Some(true));
        check(("a", "b", "c", LastWriterWins, 3, 2), Some(true));
        check(("a", "b", "c", LastWriterWins, 1, 2), Some(false));
        // A tie goes to the tracker.
        check(("a", "b", "c", LastWriterWins, 2, 2), Some(false));
    }

    #[test]
    fn policies_per_field_fall_back_to_the_default() {
        let p: ConflictPolicies =
            serde_json::from_str(r#"{"fields": {"title": "local_wins", "state": "remote_wins"}}"#)
                .expect("policies");
        assert_eq!(p.for_field(Field::Title), ConflictPolicy::LocalWins);
        assert_eq!(p.for_field(Field::State), ConflictPolicy::RemoteWins);
        assert_eq!(p.for_field(Field::Labels), ConflictPolicy::LastWriterWins);
    }
}
