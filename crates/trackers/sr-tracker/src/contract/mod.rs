//! The contract-test kit every adapter's tests run (cargo feature
//! `contract`): one round trip create → get → update → comment → label →
//! search → close → reopen, plus the error cases, against any
//! [`IssueTracker`]. Each step names itself in the failure. [`faults`]:
//! the fault run every adapter drives through its faulty mock. [`factory`]:
//! what every type's factory does with a trackers.json entry.

use std::time::Duration;

use sr_model::{IssueDraft, IssueState, IssueUpdate, Priority, SearchQuery, StateFilter};

use crate::reqwest::Url;
use crate::{ErrorKind, HttpSettings, IssueTracker, RetryPolicy};

pub mod factory;
pub mod faults;

/// A step of the contract that did not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("contract step `{step}` failed: {message}")]
pub struct ContractFailure {
    pub step: &'static str,
    pub message: String,
}

fn fail(step: &'static str, message: impl Into<String>) -> ContractFailure {
    ContractFailure {
        step,
        message: message.into(),
    }
}

fn ensure(
    ok: bool,
    step: &'static str,
    message: impl FnOnce() -> String,
) -> Result<(), ContractFailure> {
    if ok {
        Ok(())
    } else {
        Err(fail(step, message()))
    }
}

/// HTTP settings for an adapter tested against a loopback mock: `timeout`
/// a request, and retries milliseconds apart, so a test serving faults
/// spends its time on them rather than on production back-off.
pub fn loopback_settings(
    provider: &str,
    base_url: &str,
    timeout: Duration,
) -> Result<HttpSettings, ContractFailure> {
    let url = Url::parse(base_url).map_err(|e| fail("settings", format!("{base_url}: {e}")))?;
    let mut s = HttpSettings::new(provider, url);
    s.request_timeout = timeout;
    s.retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    Ok(s)
}

/// Runs the whole contract. `missing_id` is an issue id the tracker does
/// not hold.
pub async fn check_tracker(t: &dyn IssueTracker, missing_id: &str) -> Result<(), ContractFailure> {
    round_trip(t).await?;
    error_cases(t, missing_id).await
}

async fn round_trip(t: &dyn IssueTracker) -> Result<(), ContractFailure> {
    t.initialize()
        .await
        .map_err(|e| fail("initialize", e.to_string()))?;
    let word = format!("contract{}", fastrand::u32(100_000..999_999));
    let mut draft = IssueDraft::new(
        format!("Orders table {word}"),
        "The `orders` table drifted.",
    );
    draft.labels = vec!["contract".into()];
    draft.priority = Some(Priority::P2);
    let created = t
        .create_issue(&draft)
        .await
        .map_err(|e| fail("create", e.to_string()))?;
    let r = &created.reference;
    ensure(r.title == draft.title, "create", || {
        format!("title {:?}, sent {:?}", r.title, draft.title)
    })?;
    ensure(created.body == draft.body, "create", || {
        format!("body {:?}", created.body)
    })?;
    ensure(r.status.state == IssueState::Open, "create", || {
        format!("state {:?}", r.status.state)
    })?;
    ensure(r.labels.contains(&"contract".to_owned()), "create", || {
        format!("labels {:?}", r.labels)
    })?;
    ensure(r.priority == Some(Priority::P2), "create", || {
        format!("priority {:?}", r.priority)
    })?;
    ensure(
        r.key.provider == t.info().provider && r.key.instance == t.info().instance,
        "create",
        || {
            format!(
                "key {} does not belong to {}:{}",
                r.key,
                t.info().provider,
                t.info().instance
            )
        },
    )?;
    let id = r.key.id.clone();

    let got = t
        .get_issue(&id)
        .await
        .map_err(|e| fail("get", e.to_string()))?;
    let got = got.ok_or_else(|| fail("get", format!("issue {id} just created is not found")))?;
    ensure(got.content_hash() == created.content_hash(), "get", || {
        format!("read back differs from created:\n{got:?}\n{created:?}")
    })?;

    let update = IssueUpdate {
        title: Some(format!("Orders table drifted {word}")),
        body: Some("Now with details.".into()),
        ..IssueUpdate::default()
    };
    let updated = t
        .update_issue(&id, &update)
        .await
        .map_err(|e| fail("update", e.to_string()))?;
    ensure(
        Some(&updated.reference.title) == update.title.as_ref(),
        "update",
        || format!("title {:?}", updated.reference.title),
    )?;
    let got = t
        .get_issue(&id)
        .await
        .map_err(|e| fail("update", e.to_string()))?;
    ensure(
        got.as_ref().map(|g| g.body.as_str()) == Some("Now with details."),
        "update",
        || format!("read back {got:?}"),
    )?;

    let comment = t
        .add_comment(&id, "Seen on staging too.")
        .await
        .map_err(|e| fail("comment", e.to_string()))?;
    ensure(comment.body == "Seen on staging too.", "comment", || {
        format!("body {:?}", comment.body)
    })?;
    let comments = t
        .comments(&id)
        .await
        .map_err(|e| fail("comment", e.to_string()))?;
    ensure(
        comments
            .iter()
            .any(|c| c.id == comment.id && c.body == comment.body),
        "comment",
        || format!("comments {comments:?}"),
    )?;

    let labels = vec!["contract".to_owned(), "db".to_owned()];
    let labelled = t
        .update_issue(
            &id,
            &IssueUpdate {
                labels: Some(labels.clone()),
                ..IssueUpdate::default()
            },
        )
        .await
        .map_err(|e| fail("label", e.to_string()))?;
    let mut got_labels = labelled.reference.labels.clone();
    got_labels.sort();
    ensure(got_labels == labels, "label", || {
        format!("labels {got_labels:?}")
    })?;
    ensure(
        labelled.reference.priority == Some(Priority::P2),
        "label",
        || "relabelling lost the priority".into(),
    )?;

    let by_label = t
        .issues_by_label("db")
        .await
        .map_err(|e| fail("search", e.to_string()))?;
    ensure(by_label.iter().any(|i| i.key().id == id), "search", || {
        format!("label `db` does not find {id}")
    })?;
    let by_text = t
        .search_issues(&SearchQuery::text(word.clone()))
        .await
        .map_err(|e| fail("search", e.to_string()))?;
    ensure(by_text.iter().any(|i| i.key().id == id), "search", || {
        format!("text `{word}` does not find {id}")
    })?;

    let close = IssueUpdate {
        state: Some(IssueState::Done),
        resolution: Some("completed".into()),
        ..IssueUpdate::default()
    };
    let closed = t
        .update_issue(&id, &close)
        .await
        .map_err(|e| fail("close", e.to_string()))?;
    ensure(
        closed.reference.status.state == IssueState::Done,
        "close",
        || format!("state {:?}", closed.reference.status),
    )?;
    let open_only = SearchQuery {
        text: word.clone(),
        state: StateFilter::Open,
        ..SearchQuery::default()
    };
    let found = t
        .search_issues(&open_only)
        .await
        .map_err(|e| fail("close", e.to_string()))?;
    ensure(!found.iter().any(|i| i.key().id == id), "close", || {
        "a closed issue is found among open ones".into()
    })?;
    let closed_only = SearchQuery {
        labels: vec!["db".into()],
        state: StateFilter::Closed,
        ..SearchQuery::default()
    };
    let found = t
        .search_issues(&closed_only)
        .await
        .map_err(|e| fail("close", e.to_string()))?;
    ensure(found.iter().any(|i| i.key().id == id), "close", || {
        "the closed issue is not found among closed ones".into()
    })?;

    let reopen = IssueUpdate {
        state: Some(IssueState::Open),
        ..IssueUpdate::default()
    };
    let reopened = t
        .update_issue(&id, &reopen)
        .await
        .map_err(|e| fail("reopen", e.to_string()))?;
    ensure(
        reopened.reference.status.state == IssueState::Open,
        "reopen",
        || format!("state {:?}", reopened.reference.status),
    )?;
    let got = t
        .get_issue(&id)
        .await
        .map_err(|e| fail("reopen", e.to_string()))?;
    ensure(
        got.is_some_and(|g| g.reference.status.state == IssueState::Open),
        "reopen",
        || "read back is not open".into(),
    )?;
    Ok(())
}

async fn error_cases(t: &dyn IssueTracker, missing_id: &str) -> Result<(), ContractFailure> {
    let got = t
        .get_issue(missing_id)
        .await
        .map_err(|e| fail("missing issue", e.to_string()))?;
    ensure(got.is_none(), "missing issue", || {
        format!("get_issue({missing_id}) found {got:?}")
    })?;
    let kind = |r: Result<_, crate::TrackerError>| r.err().map(|e| e.kind());
    let update = IssueUpdate {
        title: Some("x".into()),
        ..IssueUpdate::default()
    };
    let k = kind(t.update_issue(missing_id, &update).await.map(|_| ()));
    ensure(k == Some(ErrorKind::NotFound), "missing issue", || {
        format!("update of a missing issue gave {k:?}, want NotFound")
    })?;
    let k = kind(t.add_comment(missing_id, "hello").await.map(|_| ()));
    ensure(k == Some(ErrorKind::NotFound), "missing issue", || {
        format!("comment on a missing issue gave {k:?}, want NotFound")
    })?;
    let k = kind(t.comments(missing_id).await.map(|_| ()));
    ensure(k == Some(ErrorKind::NotFound), "missing issue", || {
        format!("listing comments of a missing issue gave {k:?}, want NotFound")
    })?;
    let k = kind(
        t.update_issue(
            missing_id,
            &IssueUpdate {
                state: Some(IssueState::Done),
                ..IssueUpdate::default()
            },
        )
        .await
        .map(|_| ()),
    );
    ensure(k == Some(ErrorKind::NotFound), "missing issue", || {
        format!("closing a missing issue gave {k:?}, want NotFound")
    })?;
    let k = kind(
        t.create_issue(&IssueDraft::new("  ", "no title"))
            .await
            .map(|_| ()),
    );
    ensure(k == Some(ErrorKind::Validation), "empty title", || {
        format!("creating without a title gave {k:?}, want Validation")
    })?;
    Ok(())
}
