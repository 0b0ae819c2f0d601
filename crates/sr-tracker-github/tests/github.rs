//! The GitHub adapter against a loopback server that validates every
//! request against GitHub's OpenAPI description: the contract kit, the
//! connection diagnoses, and GitHub's particulars (pull requests in the
//! list, `since`, ETags, labels created when missing, webhooks, retries).

use std::time::Duration;

use serde_json::json;
use sr_apimock::{GitHubRepo, MockResponse, MockServer};
use sr_model::{IssueDraft, IssueState, IssueUpdate, Priority, SearchQuery, StateFilter};
use sr_secrets::Secret;
use sr_tracker::reqwest::Url;
use sr_tracker::{ErrorKind, HttpSettings, IssueTracker, RetryPolicy, WebhookConfig};
use sr_tracker_github::{GitHubConfig, GitHubTracker};

const TOKEN: &str = "ghp_test_token";

struct Fixture {
    server: MockServer,
    repo: GitHubRepo,
    tracker: GitHubTracker,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Every test ends by checking that GitHub would have accepted every request.
        if !std::thread::panicking() {
            assert_eq!(
                self.server.failures(),
                Vec::<String>::new(),
                "requests GitHub would reject"
            );
            assert_eq!(
                self.server.answer_failures(),
                Vec::<String>::new(),
                "answers unlike GitHub's"
            );
        }
    }
}

fn config(base_url: &str) -> GitHubConfig {
    serde_json::from_value(json!({
        "owner": "acme", "repo": "db", "base_url": base_url,
        "auth": {"type": "personal_token", "token": "${GITHUB_TOKEN}"},
        "labels": ["scratchrobin"]
    }))
    .expect("config")
}

fn settings(base_url: &str) -> HttpSettings {
    let mut s = HttpSettings::new("GitHub", Url::parse(base_url).expect("url"));
    s.request_timeout = Duration::from_secs(2);
    s.retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    s
}

fn tracker_for(base_url: &str, token: &str) -> GitHubTracker {
    GitHubTracker::new(
        "GitHub Issues",
        &config(base_url),
        &Secret::new(token),
        Some(settings(base_url)),
    )
    .expect("tracker")
}

async fn fixture_with(repo: GitHubRepo) -> Fixture {
    let spec = sr_apimock::spec::github().expect("GitHub description");
    let server = MockServer::start(spec, repo.clone()).await.expect("server");
    let tracker = tracker_for(server.base_url(), TOKEN);
    Fixture {
        server,
        repo,
        tracker,
    }
}

async fn fixture() -> Fixture {
    fixture_with(GitHubRepo::new("acme", "db").with_token(TOKEN)).await
}

#[tokio::test]
async fn passes_the_contract() {
    let f = fixture().await;
    sr_tracker::contract::check_tracker(&f.tracker, "999999")
        .await
        .expect("contract");
    assert!(f.server.requests().len() > 10);
}

#[tokio::test]
async fn keys_and_instance() {
    let f = fixture().await;
    let port = f.server.addr().port();
    assert_eq!(
        f.tracker.info().instance,
        format!("127.0.0.1:{port}/acme/db")
    );
    let public = tracker_for("https://api.github.com", TOKEN);
    assert_eq!(public.info().instance, "github.com/acme/db");
    assert_eq!(
        public.info().web_url.as_deref(),
        Some("https://github.com/acme/db")
    );
    let issue = f
        .tracker
        .create_issue(&IssueDraft::new("Drift", ""))
        .await
        .expect("create");
    assert_eq!(
        issue.key().to_string(),
        format!("github:127.0.0.1:{port}/acme/db:1")
    );
    assert_eq!(issue.reference.display_key, "#1");
}

#[tokio::test]
async fn labels_are_created_when_missing_and_mapped_fields_become_labels() {
    let f = fixture().await;
    let mut draft = IssueDraft::new("Drift", "body");
    draft.labels = vec!["db".into()];
    draft.priority = Some(Priority::P1);
    draft.assignees = vec!["hubot".into()];
    let issue = f.tracker.create_issue(&draft).await.expect("create");
    let mut names = f.repo.label_names();
    names.sort();
    assert_eq!(names, ["db", "priority: high", "scratchrobin"]);
    assert_eq!(issue.reference.labels, ["db", "scratchrobin"]);
    assert_eq!(issue.reference.priority, Some(Priority::P1));
    assert_eq!(issue.reference.assignee.as_deref(), Some("hubot"));
    // Creating a second issue with the same labels lists them once and creates none.
    let before = f.server.requests().len();
    f.tracker.create_issue(&draft).await.expect("create");
    let ops: Vec<_> = f.server.requests()[before..]
        .iter()
        .filter_map(|r| r.operation_id.clone())
        .collect();
    assert_eq!(ops, ["issues/create"]);
    // In progress is a label; closing with a reason sends state_reason.
    let id = issue.key().id.clone();
    let moved = f
        .tracker
        .update_issue(
            &id,
            &IssueUpdate {
                state: Some(IssueState::InProgress),
                ..Default::default()
            },
        )
        .await
        .expect("update");
    assert_eq!(moved.reference.status.state, IssueState::InProgress);
    let closed = f
        .tracker
        .update_issue(
            &id,
            &IssueUpdate {
                state: Some(IssueState::Done),
                resolution: Some("won't do".into()),
                ..Default::default()
            },
        )
        .await
        .expect("close");
    assert_eq!(
        closed.reference.status.resolution.as_deref(),
        Some("not_planned")
    );
    let unassigned = f
        .tracker
        .update_issue(
            &id,
            &IssueUpdate {
                assignee: Some(None),
                ..Default::default()
            },
        )
        .await
        .expect("unassign");
    assert_eq!(unassigned.reference.assignee, None);
}

#[tokio::test]
async fn lists_leave_out_pull_requests_and_follow_pages() {
    let f = fixture().await;
    for n in 0..250 {
        f.repo.seed(&format!("seeded {n}"), &["bulk"], n % 5 == 0);
    }
    let all = SearchQuery {
        state: StateFilter::All,
        limit: 10_000,
        ..SearchQuery::default()
    };
    let issues = f.tracker.search_issues(&all).await.expect("list");
    assert_eq!(issues.len(), 200);
    let pages: Vec<_> = f
        .server
        .requests()
        .into_iter()
        .filter(|r| r.operation_id.as_deref() == Some("issues/list-for-repo"))
        .collect();
    assert_eq!(pages.len(), 3, "250 issues at 100 per page");
    assert!(
        pages
            .iter()
            .all(|p| p.query.contains(&("per_page".into(), "100".into())))
    );
    // The limit stops paging early.
    let few = f
        .tracker
        .search_issues(&SearchQuery {
            limit: 5,
            ..all.clone()
        })
        .await
        .expect("list");
    assert_eq!(few.len(), 5);
    // A pull request is not an issue.
    assert_eq!(f.tracker.get_issue("1").await.expect("get"), None);
    assert!(f.tracker.get_issue("2").await.expect("get").is_some());
}

#[tokio::test]
async fn since_reads_only_what_changed() {
    let f = fixture().await;
    let first = f
        .tracker
        .create_issue(&IssueDraft::new("old", ""))
        .await
        .expect("create");
    let second = f
        .tracker
        .create_issue(&IssueDraft::new("new", ""))
        .await
        .expect("create");
    let since = SearchQuery {
        updated_since: Some(second.reference.updated_at),
        ..SearchQuery::default()
    };
    let changed = f.tracker.search_issues(&since).await.expect("list");
    let ids: Vec<_> = changed.iter().map(|i| i.key().id.clone()).collect();
    assert_eq!(ids, [second.key().id.clone()]);
    assert_ne!(first.key(), second.key());
    let last = f.server.requests().pop().expect("request");
    assert!(last.query.iter().any(|(k, _)| k == "since"), "{last:?}");
}

#[tokio::test]
async fn unchanged_issue_is_read_with_an_etag() {
    let f = fixture().await;
    let created = f
        .tracker
        .create_issue(&IssueDraft::new("Drift", ""))
        .await
        .expect("create");
    let id = created.key().id.clone();
    let a = f.tracker.get_issue(&id).await.expect("get").expect("issue");
    let remaining = f
        .tracker
        .rate_budget()
        .and_then(|b| b.remaining)
        .expect("budget");
    let b = f.tracker.get_issue(&id).await.expect("get").expect("issue");
    assert_eq!(a, b);
    let last = f.server.requests().pop().expect("request");
    assert_eq!(last.status, 304);
    assert!(last.if_none_match.is_some());
    assert_eq!(
        f.tracker.rate_budget().and_then(|b| b.remaining),
        Some(remaining),
        "a 304 costs nothing"
    );
    // After an update the cached copy is not used.
    f.tracker
        .update_issue(
            &id,
            &IssueUpdate {
                title: Some("Drift 2".into()),
                ..Default::default()
            },
        )
        .await
        .expect("update");
    let c = f.tracker.get_issue(&id).await.expect("get").expect("issue");
    assert_eq!(c.reference.title, "Drift 2");
}

#[tokio::test]
async fn webhooks_register_and_unregister() {
    let f = fixture().await;
    let config = WebhookConfig {
        url: "https://hooks.example.com/github".into(),
        secret: "s3cret".into(),
        events: vec![],
    };
    let reg = f.tracker.register_webhook(&config).await.expect("register");
    assert_eq!(reg.url, config.url);
    assert_eq!(f.repo.hook_urls(), vec![config.url.clone()]);
    f.tracker
        .unregister_webhook(&reg.id)
        .await
        .expect("unregister");
    assert!(f.repo.hook_urls().is_empty());
    let again = f
        .tracker
        .unregister_webhook(&reg.id)
        .await
        .expect_err("gone");
    assert_eq!(again.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn lists_projects_labels_and_users() {
    let f = fixture().await;
    f.tracker
        .create_issue(&IssueDraft {
            labels: vec!["db".into()],
            ..IssueDraft::new("x", "")
        })
        .await
        .expect("create");
    let projects = f.tracker.projects().await.expect("projects");
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0].id, "acme/db");
    let labels: Vec<_> = f
        .tracker
        .labels(None)
        .await
        .expect("labels")
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert!(labels.contains(&"db".to_owned()), "{labels:?}");
    let users: Vec<_> = f
        .tracker
        .users(None, "HUB")
        .await
        .expect("users")
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(users, ["hubot"]);
    let unsupported = f.tracker.delete_issue("1").await.expect_err("no delete");
    assert_eq!(unsupported.kind(), ErrorKind::Unsupported);
}

/// `test_connection` against each failure: the error kind, and a word the
/// message must contain.
async fn diagnose(f: &Fixture) -> (ErrorKind, String) {
    let e = f.tracker.test_connection().await.expect_err("must fail");
    (e.kind(), e.to_string())
}

#[tokio::test]
async fn connection_diagnoses_are_distinct() {
    let f = fixture().await;
    let report = f.tracker.test_connection().await.expect("connects");
    assert_eq!(report.user.as_deref(), Some("octocat"));
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.contains("acme/db is visible")),
        "{:?}",
        report.checks
    );

    // 401: a wrong token.
    let e = tracker_for(f.server.base_url(), "wrong")
        .test_connection()
        .await
        .expect_err("401");
    assert_eq!(e.kind(), ErrorKind::Unauthorized, "{e}");

    // 403: the token lacks the `repo` scope.
    f.server.push_fault(
        "repos/get",
        MockResponse::json(
            403,
            &json!({"message": "Resource not accessible by integration"}),
        )
        .header("x-oauth-scopes", "read:user")
        .header("x-accepted-oauth-scopes", "repo"),
    );
    let (kind, msg) = diagnose(&f).await;
    assert_eq!(kind, ErrorKind::Forbidden, "{msg}");
    assert!(msg.contains("add the `repo` scope"), "{msg}");

    // 404: no such repository (or not visible).
    let missing = GitHubTracker::new(
        "x",
        &GitHubConfig {
            repo: "nope".into(),
            ..config(f.server.base_url())
        },
        &Secret::new(TOKEN),
        Some(settings(f.server.base_url())),
    )
    .expect("tracker");
    let e = missing.test_connection().await.expect_err("404");
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("repository acme/nope"), "{e}");

    // Refused: nothing listens on the port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let closed = tracker_for(&format!("http://127.0.0.1:{port}"), TOKEN);
    let e = closed.test_connection().await.expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Refused, "{e}");

    // TLS: an https URL for a server that speaks plain HTTP.
    let tls = tracker_for(&f.server.base_url().replace("http://", "https://"), TOKEN);
    let e = tls.test_connection().await.expect_err("tls");
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
}

#[tokio::test]
async fn retries_reads_but_never_resends_a_create_after_an_unknown_outcome() {
    let f = fixture().await;
    // A 503 burst then success: the read goes through.
    f.tracker
        .create_issue(&IssueDraft::new("x", ""))
        .await
        .expect("create");
    f.server.push_fault("issues/get", MockResponse::empty(503));
    f.server.push_fault("issues/get", MockResponse::empty(502));
    assert!(
        f.tracker
            .get_issue("1")
            .await
            .expect("get after retries")
            .is_some()
    );
    // A gateway timeout on a create: not sent again, the caller is told.
    f.server
        .push_fault("issues/create", MockResponse::empty(504));
    let before = f.repo.issue_count();
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("y", ""))
        .await
        .expect_err("unknown");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    let creates = f
        .server
        .requests()
        .iter()
        .filter(|r| r.operation_id.as_deref() == Some("issues/create"))
        .count();
    assert_eq!(creates, 2, "the failed create was sent once");
    assert_eq!(f.repo.issue_count(), before);
    // A response slower than the timeout, on a create: unknown outcome too.
    f.server.push_fault(
        "issues/create",
        MockResponse::json(201, &json!({})).delayed(Duration::from_secs(3)),
    );
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("z", ""))
        .await
        .expect_err("timeout");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    // A reset mid-body: a read is sent again and succeeds; a create is not.
    f.server.push_fault(
        "issues/get",
        MockResponse::json(200, &json!({"number": 1, "title": "a long enough body"}))
            .reset_after(10),
    );
    assert!(
        f.tracker
            .get_issue("1")
            .await
            .expect("read after a reset")
            .is_some()
    );
    f.server.push_fault(
        "issues/create",
        MockResponse::json(201, &json!({"number": 9, "title": "a long enough body"}))
            .reset_after(10),
    );
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("w", ""))
        .await
        .expect_err("reset");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    // Truncated JSON is reported, not panicked on.
    f.server.push_fault(
        "issues/get",
        MockResponse {
            body: b"{\"number\": 1, \"tit".to_vec(),
            ..MockResponse::json(200, &json!({}))
        },
    );
    let e = f.tracker.get_issue("1").await.expect_err("truncated");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");
    // Rate limited with a long Retry-After: reported with its reset time.
    f.server.push_fault(
        "issues/get",
        MockResponse::json(429, &json!({"message": "slow down"})).header("retry-after", "3600"),
    );
    let e = f.tracker.get_issue("1").await.expect_err("limited");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert!(e.to_string().contains("resets at"), "{e}");
}

#[tokio::test]
async fn an_exhausted_budget_holds_requests_back() {
    let f = fixture().await;
    f.tracker
        .create_issue(&IssueDraft::new("x", ""))
        .await
        .expect("create");
    let reset = (chrono::Utc::now().timestamp() + 3600).to_string();
    f.server.push_fault(
        "issues/get",
        MockResponse::json(
            403,
            &json!({"message": "API rate limit exceeded for user ID 1."}),
        )
        .header("x-ratelimit-remaining", "0")
        .header("x-ratelimit-limit", "5000")
        .header("x-ratelimit-reset", reset.clone()),
    );
    let e = f.tracker.get_issue("1").await.expect_err("limited");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    let budget = f.tracker.rate_budget().expect("budget");
    assert_eq!(
        (
            budget.remaining,
            budget.reset_at.map(|t| t.timestamp().to_string())
        ),
        (Some(0), Some(reset))
    );
    // Until the reset nothing more is sent.
    let sent = f.server.requests().len();
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("y", ""))
        .await
        .expect_err("held back");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert_eq!(f.server.requests().len(), sent);
}

#[tokio::test]
async fn server_side_validation_errors_carry_the_fields() {
    let f = fixture().await;
    let mut draft = IssueDraft::new("x", "");
    draft.assignees = vec!["stranger".into()];
    let e = f.tracker.create_issue(&draft).await.expect_err("422");
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(
        e.to_string(),
        "GitHub rejected the request: assignees: invalid"
    );
}
