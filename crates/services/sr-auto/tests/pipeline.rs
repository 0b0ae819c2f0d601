//! Events through rules, dedup and the outbox into the built-in local
//! tracker, over a real store file. Faults come from a tracker that wraps
//! the local one: it creates the issue and then reports an unknown outcome.

#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use async_trait::async_trait;
use serde_json::{Value, json};
use sr_auto::{AutoIssues, DatabaseEvent, KnownNames, OutboxWorker, parse_rules};
use sr_links::IssueLinkManager;
use sr_model::{
    Attachment, AttachmentUpload, Comment, Issue, IssueDraft, IssueState, IssueUpdate, Label,
    Project, SearchQuery, User,
};
use sr_secrets::Redactor;
use sr_store::{OutboxAction, OutboxStatus, Store};
use sr_templates::Templates;
use sr_tracker::{
    ConnectionReport, IssueTracker, TrackerError, TrackerInfo, TrackerSet, WebhookConfig,
    WebhookRegistration,
};
use sr_tracker_local::LocalTracker;

const DRIFT: &str = include_str!("../../../../config/events/drift.detected.json");

struct Env {
    _dir: tempfile::TempDir,
    store: Store,
    local: Arc<LocalTracker>,
    auto: AutoIssues,
    worker: OutboxWorker,
}

async fn env(rules: Value) -> Env {
    env_with(rules, |local| local).await
}

/// An environment whose one tracker is `wrap` applied to the local tracker.
async fn env_with(
    rules: Value,
    wrap: impl FnOnce(Arc<LocalTracker>) -> Arc<dyn IssueTracker>,
) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .unwrap();
    let local = LocalTracker::new("Local", "default", &store, "test");
    let tracker = wrap(local.clone());
    let links = IssueLinkManager::new(store.clone(), TrackerSet::new(vec![tracker]));
    let templates = Arc::new(Templates::builtin().unwrap());
    let known = KnownNames {
        trackers: vec!["Local".into()],
        templates: templates.names().into_iter().map(str::to_owned).collect(),
        channels: vec!["Slack".into()],
    };
    let set = parse_rules(Path::new("rules.json"), &rules.to_string(), &known).unwrap();
    let auto = AutoIssues::new(links.clone(), set, templates, Redactor::new(&[]).unwrap());
    let worker = OutboxWorker::new(links, "auto-issue");
    Env {
        _dir: dir,
        store,
        local,
        auto,
        worker,
    }
}

fn drift(object: &str) -> DatabaseEvent {
    let mut e: DatabaseEvent = serde_json::from_str(DRIFT).unwrap();
    e.object = Some(object.into());
    e
}

fn rules(max_per_hour: u32) -> Value {
    json!({"auto_issue_rules": [
        {"name": "Drift", "event": "drift.detected", "condition": "drift.severity == 'high'",
         "tracker": "Local", "template": "drift_detection", "max_per_hour": max_per_hour}
    ]})
}

impl Env {
    async fn emit(&self, e: &DatabaseEvent) -> Vec<String> {
        let outcomes = self.auto.handle(e, None).await.unwrap();
        let report = self.worker.run_until_idle().await.unwrap();
        assert!(
            report.failed.is_empty() && report.retry.is_empty(),
            "{report:?}"
        );
        outcomes.into_iter().map(|o| o.action).collect()
    }

    async fn issues(&self) -> Vec<Issue> {
        self.local
            .search_issues(&SearchQuery::default())
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn fifty_sightings_make_one_issue_and_a_comment_trail() {
    let env = env(rules(10)).await;
    let e = drift("main.orders");
    let mut actions = Vec::new();
    for _ in 0..50 {
        actions.extend(env.emit(&e).await);
    }
    assert_eq!(actions.iter().filter(|a| *a == "create").count(), 1);
    assert_eq!(actions.iter().filter(|a| *a == "comment").count(), 49);
    let issues = env.issues().await;
    assert_eq!(issues.len(), 1);
    let comments = env
        .local
        .comments(&issues[0].reference.key.id)
        .await
        .unwrap();
    assert_eq!(comments.len(), 49);
    assert!(
        comments[48].body.contains("(occurrence 50)"),
        "{}",
        comments[48].body
    );
}

#[tokio::test]
async fn a_condition_that_does_not_hold_files_nothing() {
    let env = env(rules(10)).await;
    let mut e = drift("main.orders");
    e.data["drift"]["severity"] = json!("low");
    assert_eq!(env.emit(&e).await, ["no_match"]);
    assert!(env.issues().await.is_empty());
}

#[tokio::test]
async fn a_rule_with_file_issue_false_files_nothing() {
    let env = env(json!({"auto_issue_rules": [
        {"name": "Drift", "event": "drift.detected", "tracker": "Local",
         "template": "drift_detection", "notify": ["Slack"], "file_issue": false}
    ]}))
    .await;
    assert_eq!(env.emit(&drift("main.orders")).await, ["no_issue"]);
    assert!(env.issues().await.is_empty());
}

#[tokio::test]
async fn creates_over_the_hourly_limit_fold_into_one_summary_comment() {
    let env = env(rules(2)).await;
    // Four different objects are four fingerprints; the rule allows two
    // issues an hour. Nothing is sent until the end, so the two extra
    // alerts share one pending summary.
    for t in ["a", "b", "c", "d"] {
        env.auto
            .handle(&drift(&format!("main.{t}")), None)
            .await
            .unwrap();
    }
    let report = env.worker.run_until_idle().await.unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    let issues = env.issues().await;
    assert_eq!(issues.len(), 2);
    let rows = env.store.outbox(100).await.unwrap();
    let summaries: Vec<_> = rows
        .iter()
        .filter(|r| r.intent.purpose == "summary")
        .collect();
    assert_eq!(summaries.len(), 1, "{rows:#?}");
    let body = &summaries[0].intent.body;
    assert!(
        body.contains("demo:main.c") && body.contains("demo:main.d"),
        "{body}"
    );
    assert_eq!(summaries[0].status, OutboxStatus::Done);
}

#[tokio::test]
async fn a_dead_workers_claim_is_taken_over_and_the_issue_made_once() {
    let env = env(rules(10)).await;
    env.auto.handle(&drift("main.orders"), None).await.unwrap();
    // A worker on this host whose process is gone claimed the create.
    let dead = format!("{}:{}:1", sr_store::lease::host(), u32::MAX);
    let claimed = env
        .store
        .claim_intents(
            &dead,
            10,
            &sr_store::Takeover::work(std::time::Duration::from_secs(600)).judging(|_| false),
        )
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    let report = env.worker.run_until_idle().await.unwrap();
    assert_eq!(report.done.len(), 1, "{report:?}");
    assert_eq!(env.issues().await.len(), 1);
    let row = env
        .store
        .outbox_intent(claimed[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.intent.action, row.status, row.attempts),
        (OutboxAction::Create, OutboxStatus::Done, 2)
    );
}

/// The local tracker, except that the first create reports an unknown
/// outcome after creating (the answer was lost).
struct LosingTracker {
    inner: Arc<LocalTracker>,
    lose_next: AtomicBool,
    /// Creates refused with a transient network error first.
    refuse: AtomicUsize,
}

#[async_trait]
impl IssueTracker for LosingTracker {
    fn info(&self) -> &TrackerInfo {
        self.inner.info()
    }
    async fn initialize(&self) -> sr_tracker::Result<()> {
        self.inner.initialize().await
    }
    async fn test_connection(&self) -> sr_tracker::Result<ConnectionReport> {
        self.inner.test_connection().await
    }
    async fn create_issue(&self, draft: &IssueDraft) -> sr_tracker::Result<Issue> {
        if self
            .refuse
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(TrackerError::Network {
                url: "http://127.0.0.1:9/".into(),
                detail: "connection reset before the request was sent".into(),
            });
        }
        let issue = self.inner.create_issue(draft).await?;
        if self.lose_next.swap(false, Ordering::SeqCst) {
            return Err(TrackerError::UnknownOutcome {
                provider: "local".into(),
                operation: "create issue".into(),
            });
        }
        Ok(issue)
    }
    async fn update_issue(&self, id: &str, u: &IssueUpdate) -> sr_tracker::Result<Issue> {
        self.inner.update_issue(id, u).await
    }
    async fn delete_issue(&self, id: &str) -> sr_tracker::Result<()> {
        self.inner.delete_issue(id).await
    }
    async fn get_issue(&self, id: &str) -> sr_tracker::Result<Option<Issue>> {
        self.inner.get_issue(id).await
    }
    async fn search_issues(&self, q: &SearchQuery) -> sr_tracker::Result<Vec<Issue>> {
        self.inner.search_issues(q).await
    }
    async fn add_comment(&self, id: &str, text: &str) -> sr_tracker::Result<Comment> {
        self.inner.add_comment(id, text).await
    }
    async fn comments(&self, id: &str) -> sr_tracker::Result<Vec<Comment>> {
        self.inner.comments(id).await
    }
    async fn attach_file(&self, id: &str, f: &AttachmentUpload) -> sr_tracker::Result<Attachment> {
        self.inner.attach_file(id, f).await
    }
    async fn projects(&self) -> sr_tracker::Result<Vec<Project>> {
        self.inner.projects().await
    }
    async fn labels(&self, p: Option<&str>) -> sr_tracker::Result<Vec<Label>> {
        self.inner.labels(p).await
    }
    async fn users(&self, p: Option<&str>, q: &str) -> sr_tracker::Result<Vec<User>> {
        self.inner.users(p, q).await
    }
    async fn register_webhook(&self, c: &WebhookConfig) -> sr_tracker::Result<WebhookRegistration> {
        self.inner.register_webhook(c).await
    }
    async fn unregister_webhook(&self, id: &str) -> sr_tracker::Result<()> {
        self.inner.unregister_webhook(id).await
    }
}

#[tokio::test]
async fn an_unknown_outcome_is_resolved_by_the_fingerprint_label() {
    let env = env_with(rules(10), |inner| {
        Arc::new(LosingTracker {
            inner,
            lose_next: AtomicBool::new(true),
            refuse: AtomicUsize::new(0),
        })
    })
    .await;
    let e = drift("main.orders");
    assert_eq!(env.emit(&e).await, ["create"]);
    assert_eq!(
        env.issues().await.len(),
        1,
        "found by its label, not created again"
    );
    assert_eq!(env.emit(&e).await, ["comment"]);
    assert_eq!(env.issues().await.len(), 1);
    let audit = env.store.audit_log(10).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.detail.contains("after an unknown outcome")),
        "{audit:#?}"
    );
    let fp = sr_auto::fingerprint("Drift", "demo", Some("main.orders"), &e.data);
    let state = env.store.auto_issue(&fp).await.unwrap().unwrap();
    assert_eq!(state.occurrences, 2);
    assert!(state.issue_key.is_some());
    let closed = IssueUpdate {
        state: Some(IssueState::Done),
        ..IssueUpdate::default()
    };
    env.local
        .update_issue(&env.issues().await[0].reference.key.id, &closed)
        .await
        .unwrap();
    assert_eq!(env.emit(&e).await, ["reopen"]);
    assert_eq!(
        env.issues().await[0].reference.status.state,
        IssueState::Open
    );
}

#[tokio::test]
async fn after_the_reopen_window_a_new_issue_names_the_old_one() {
    let rules = json!({"auto_issue_rules": [
        {"name": "Drift", "event": "drift.detected", "tracker": "Local",
         "template": "drift_detection", "reopen_window_hours": 0}
    ]});
    let env = env(rules).await;
    let e = drift("main.orders");
    assert_eq!(env.emit(&e).await, ["create"]);
    let old = env.issues().await[0].reference.key.clone();
    let closed = IssueUpdate {
        state: Some(IssueState::Done),
        resolution: Some("completed".into()),
        ..IssueUpdate::default()
    };
    env.local.update_issue(&old.id, &closed).await.unwrap();
    // A window of zero hours never reopens.
    assert_eq!(env.emit(&e).await, ["create"]);
    let issues = env.issues().await;
    assert_eq!(issues.len(), 2);
    let new = issues.iter().find(|i| i.reference.key != old).unwrap();
    assert!(
        new.body.contains(&format!("filed before as {old}")),
        "{}",
        new.body
    );
    let fp = sr_auto::fingerprint("Drift", "demo", Some("main.orders"), &e.data);
    let state = env.store.auto_issue(&fp).await.unwrap().unwrap();
    assert_eq!(state.previous_issue_key, Some(old.to_string()));
    assert_eq!(state.issue_key, Some(new.reference.key.to_string()));
    assert_eq!(state.occurrences, 1);
}

#[tokio::test]
async fn a_tracker_outage_keeps_the_create_queued_for_the_next_run() {
    let env = env_with(rules(10), |inner| {
        Arc::new(LosingTracker {
            inner,
            lose_next: AtomicBool::new(false),
            refuse: AtomicUsize::new(3),
        })
    })
    .await;
    env.auto.handle(&drift("main.orders"), None).await.unwrap();
    // One run tries twice, then leaves the create queued.
    let report = env.worker.run_until_idle().await.unwrap();
    assert!(
        report.done.is_empty() && report.failed.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.retry.len(), 1, "{report:?}");
    let row = env.store.outbox(10).await.unwrap().remove(0);
    assert_eq!((row.status, row.attempts), (OutboxStatus::Pending, 2));
    assert!(
        row.last_error
            .unwrap_or_default()
            .contains("connection reset")
    );
    assert!(env.issues().await.is_empty());
    // The next run: one more refusal, then the tracker is back.
    let report = env.worker.run_until_idle().await.unwrap();
    assert_eq!(report.done.len(), 1, "{report:?}");
    assert_eq!(env.issues().await.len(), 1);
}

fn event(text: &str) -> DatabaseEvent {
    serde_json::from_str(text).unwrap()
}

#[tokio::test]
async fn secrets_never_reach_the_issue_and_rows_only_when_the_rule_says() {
    let rules = json!({"auto_issue_rules": [
        {"name": "Health", "event": "health.failed", "tracker": "Local", "template": "health_check"},
        {"name": "Rows out", "event": "test.failed", "tracker": "Local", "template": "test_failure"},
        {"name": "Rows in", "event": "test.failed", "tracker": "Local", "template": "test_failure",
         "include_rows": true}
    ]});
    let env = env(rules).await;
    env.emit(&event(include_str!(
        "../../../../config/events/health.failed.json"
    )))
    .await;
    env.emit(&event(include_str!(
        "../../../../config/events/test.failed.json"
    )))
    .await;
    let issues = env.issues().await;
    assert_eq!(issues.len(), 3);
    for i in &issues {
        assert!(!i.body.contains("s3cret-pw"), "{}", i.body);
    }
    let with_rows = issues.iter().filter(|i| i.body.contains("1017")).count();
    assert_eq!(with_rows, 1, "only the rule with include_rows shows rows");
}

/// The repository's example rules against its example events: every
/// alert kind files one issue, and each resolution closes its alert's.
#[tokio::test]
async fn the_example_rules_file_every_example_event() {
    let rules: Value = serde_json::from_str(include_str!(
        "../../../../config/auto_issue_rules.example.json"
    ))
    .unwrap();
    let env = env(rules).await;
    let mut filed = Vec::new();
    for (kind, text) in sr_templates::samples::EVENT_SAMPLES {
        let actions = env.emit(&event(text)).await;
        filed.push(format!("{kind}: {}", actions.join(",")));
    }
    assert_eq!(
        filed,
        [
            "drift.detected: create",
            "drift.resolved: resolve",
            "performance.regression: create",
            "health.failed: create",
            "health.recovered: resolve",
            "migration.proposed: create",
            "migration.applied: create",
            "migration.rolled_back: create",
            "test.failed: create",
            "design.submitted: create",
            "decision.recorded: create",
            "note.promoted: create",
        ]
    );
    let issues = env.issues().await;
    assert_eq!(issues.len(), 10);
    let closed = issues
        .iter()
        .filter(|i| i.reference.status.state == IssueState::Done)
        .count();
    assert_eq!(closed, 2, "the drift and the health alert were resolved");
    for i in &issues {
        assert!(!i.body.contains("could not render"), "{}", i.body);
        assert!(!i.reference.title.is_empty());
    }
}
