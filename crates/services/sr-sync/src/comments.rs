//! Comments both ways. A comment written in the workbench is kept in the
//! store first (nothing is lost if the tracker is down) and sent by
//! [`send_pending`], right away by the engine and again by every sync
//! until the tracker holds it. Each send is claimed in the store, so two
//! processes never send one comment at once, and counted before it goes
//! out: a comment whose earlier send may have reached the tracker (a
//! timeout, a process killed mid-request) is looked for among the issue's
//! comments before it is sent again, so it is never posted twice.
//!
//! The other way, a sync reads the comments of the issues the workbench
//! follows (linked ones, and ones whose comments were read before) that
//! changed since their comments were last read, a bounded number per
//! sync; [`refresh`] reads one issue's comments on demand.

use std::collections::HashSet;

use chrono::Duration;
use sr_model::{Comment, Issue, IssueKey, Timestamp};
use sr_store::{CachedComment, Store};
use sr_tracker::{ErrorKind, IssueTracker, TrackerError};

use crate::SyncError;
use crate::operation::{IssueError, SyncResults};

/// Issues whose comments one sync reads at most; the rest wait for the next.
pub const READS_PER_SYNC: usize = 50;

/// How long a send holds its claim: longer than a tracker request with its
/// retries can take.
const CLAIM: Duration = Duration::minutes(5);

/// Sends the tracker's pending workbench comments (of one issue, or all).
/// A failed send is recorded on the comment, counted in `results` and
/// tried again next time; only a store failure is an error.
pub async fn send_pending(
    store: &Store,
    tracker: &dyn IssueTracker,
    issue: Option<&IssueKey>,
    results: &mut SyncResults,
) -> Result<(), SyncError> {
    let info = tracker.info();
    let name = info.name.as_str();
    let prefix = match issue {
        Some(key) => key.to_string(),
        None => format!("{}:{}:", info.provider, info.instance),
    };
    let pending = store
        .pending_comments(&prefix)
        .await
        .map_err(SyncError::store(name))?;
    for c in pending {
        if issue.is_some_and(|k| k.to_string() != c.issue_key) {
            continue;
        }
        let until = chrono::Utc::now() + CLAIM;
        if !store
            .claim_comment_send(c.id, until)
            .await
            .map_err(SyncError::store(name))?
        {
            continue;
        }
        let error = match send_one(store, tracker, &c).await {
            Ok(remote) => {
                store
                    .mark_comment_sent(c.id, &remote)
                    .await
                    .map_err(SyncError::store(name))?;
                results.comments_sent += 1;
                continue;
            }
            Err(SendError::Refused(e)) => {
                let error = e.to_string();
                store
                    .mark_comment_rejected(c.id, &error)
                    .await
                    .map_err(SyncError::store(name))?;
                format!("comment refused, not sent again (take it back to keep its text): {error}")
            }
            Err(SendError::Failed(error)) => {
                store
                    .mark_comment_failed(c.id, &error)
                    .await
                    .map_err(SyncError::store(name))?;
                format!("comment not sent (it is kept and sent again): {error}")
            }
        };
        results.failed += 1;
        results.errors.push(IssueError {
            issue_id: Some(c.issue_key.clone()),
            error,
        });
    }
    Ok(())
}

enum SendError {
    /// The tracker will never take it: the issue is gone, or it rejected
    /// the text.
    Refused(TrackerError),
    /// Worth trying again (unreachable, rate limited, an unknown outcome,
    /// credentials or access that can be fixed).
    Failed(String),
}

impl From<TrackerError> for SendError {
    fn from(e: TrackerError) -> Self {
        match e.kind() {
            ErrorKind::NotFound
            | ErrorKind::Gone
            | ErrorKind::Validation
            | ErrorKind::Unsupported => SendError::Refused(e),
            _ => SendError::Failed(e.to_string()),
        }
    }
}

/// Sends one claimed comment, unless an earlier attempt already got it to
/// the tracker; returns the tracker's copy.
async fn send_one(
    store: &Store,
    tracker: &dyn IssueTracker,
    c: &CachedComment,
) -> Result<Comment, SendError> {
    let key: IssueKey = c
        .issue_key
        .parse()
        .map_err(|e| SendError::Failed(format!("{e}")))?;
    // `c` was read before this send's claim counted it: any attempt
    // counted is an earlier send, which may have arrived.
    if c.attempts > 0 {
        let remote = tracker.comments(&key.id).await?;
        let known = known_ids(store, &c.issue_key)
            .await
            .map_err(SendError::Failed)?;
        if let Some(found) = find_copy(c, &remote, &known) {
            return Ok(found.clone());
        }
    }
    Ok(tracker.add_comment(&key.id, &c.body).await?)
}

/// The tracker ids of an issue's comments the cache already has.
async fn known_ids(store: &Store, issue_key: &str) -> Result<HashSet<String>, String> {
    Ok(store
        .issue_comments(issue_key)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|c| c.remote_id)
        .collect())
}

/// A comment among `remote`, not yet cached as another one, that is the
/// tracker's copy of `pending`: the same words, made no earlier than the
/// issue's last change before the pending one was written (both on the
/// tracker's clock, so a skewed local clock does not matter).
fn find_copy<'a>(
    pending: &CachedComment,
    remote: &'a [Comment],
    known: &HashSet<String>,
) -> Option<&'a Comment> {
    let words = words(&pending.body);
    let after = pending.written_after.map(|t| t - Duration::seconds(1));
    remote.iter().find(|r| {
        !known.contains(&r.id)
            && after.is_none_or(|a| r.created_at >= a)
            && self::words(&r.body) == words
    })
}

/// The text's words, lowercased: trackers re-render Markdown (Jira turns
/// it into its document format and back), so only the words are compared.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The followed issues whose comments may have changed since they were
/// last read, at most [`READS_PER_SYNC`], each with the `updated_at` to
/// record for the read: first those among `fetched` that the tracker
/// changed since (a new comment moves `updated_at` but not the content
/// hash, so the cache alone cannot tell), then those the cache knows are
/// due (linked but never read, or a read that failed).
pub(crate) async fn due(
    store: &Store,
    tracker: &dyn IssueTracker,
    fetched: &[Issue],
) -> Result<Vec<(String, Timestamp)>, SyncError> {
    let info = tracker.info();
    let name = info.name.as_str();
    let follows = store
        .comment_follows(&info.provider, &info.instance)
        .await
        .map_err(SyncError::store(name))?;
    let mut due: Vec<(String, Timestamp)> = Vec::new();
    let mut listed = HashSet::new();
    if !follows.is_empty() {
        for issue in fetched {
            let key = issue.key().to_string();
            let updated = issue.reference.updated_at;
            if let Some(read) = follows.get(&key)
                && read.is_none_or(|r| r < updated)
                && listed.insert(key.clone())
            {
                due.push((key, updated));
            }
        }
    }
    due.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    due.truncate(READS_PER_SYNC);
    if due.len() < READS_PER_SYNC {
        let cached = store
            .comments_due(&info.provider, &info.instance, READS_PER_SYNC)
            .await
            .map_err(SyncError::store(name))?;
        for (key, updated) in cached {
            if due.len() < READS_PER_SYNC && listed.insert(key.clone()) {
                due.push((key, updated));
            }
        }
    }
    Ok(due)
}

/// Reads the comments of the [`due`] issues. A failed read is counted and
/// tried again by the next sync.
pub(crate) async fn pull(
    store: &Store,
    tracker: &dyn IssueTracker,
    due: Vec<(String, Timestamp)>,
    results: &mut SyncResults,
) -> Result<(), SyncError> {
    let name = tracker.info().name.as_str();
    for (key, updated) in due {
        let Ok(parsed) = key.parse::<IssueKey>() else {
            continue;
        };
        match read(store, tracker, &parsed, updated).await {
            Ok(changed) => results.comments_received += changed,
            Err(ReadError::Store(e)) => return Err(SyncError::store(name)(e)),
            Err(ReadError::Tracker(e)) => {
                store
                    .comment_read_failed(&key)
                    .await
                    .map_err(SyncError::store(name))?;
                results.failed += 1;
                results.errors.push(IssueError {
                    issue_id: Some(parsed.id.clone()),
                    error: format!("comments not read: {e}"),
                });
            }
        }
    }
    Ok(())
}

/// Reads one issue's comments now and returns the cache's list (pending
/// workbench comments included), oldest first.
pub async fn refresh(
    store: &Store,
    tracker: &dyn IssueTracker,
    key: &IssueKey,
) -> Result<Vec<CachedComment>, SyncError> {
    let name = tracker.info().name.as_str();
    let text = key.to_string();
    let updated = store
        .issue(key)
        .await
        .map_err(SyncError::store(name))?
        .map(|c| c.issue.reference.updated_at)
        .unwrap_or_default();
    match read(store, tracker, key, updated).await {
        Ok(_) => {}
        Err(ReadError::Store(e)) => return Err(SyncError::store(name)(e)),
        Err(ReadError::Tracker(e)) => return Err(SyncError::tracker(name)(e)),
    }
    store
        .issue_comments(&text)
        .await
        .map_err(SyncError::store(name))
}

enum ReadError {
    Store(sr_store::StoreError),
    Tracker(sr_tracker::TrackerError),
}

/// Reads an issue's comments into the cache, first taking the tracker's
/// copy of any pending comment whose send may have arrived; returns how
/// many cached comments were added, changed or removed.
async fn read(
    store: &Store,
    tracker: &dyn IssueTracker,
    key: &IssueKey,
    issue_updated: Timestamp,
) -> Result<u64, ReadError> {
    let text = key.to_string();
    let remote = tracker
        .comments(&key.id)
        .await
        .map_err(ReadError::Tracker)?;
    let cached = store
        .issue_comments(&text)
        .await
        .map_err(ReadError::Store)?;
    let mut known: HashSet<String> = cached.iter().filter_map(|c| c.remote_id.clone()).collect();
    for pending in cached.iter().filter(|c| c.pending && c.attempts > 0) {
        if let Some(copy) = find_copy(pending, &remote, &known) {
            store
                .mark_comment_sent(pending.id, copy)
                .await
                .map_err(ReadError::Store)?;
            known.insert(copy.id.clone());
        }
    }
    let changes = store
        .replace_remote_comments(&text, &remote, issue_updated)
        .await
        .map_err(ReadError::Store)?;
    Ok(changes.total())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_ignore_markup_case_and_spacing() {
        assert_eq!(
            words("**Please** add an `index` on\n\n* orders(id)"),
            words("please add an index on orders ( id )")
        );
        assert_ne!(words("add an index"), words("drop an index"));
    }
}
