//! Channel notifications end to end through the real binary on a
//! PostgreSQL team store, with a process SIGKILLed in the middle of a send
//! (the message committed and posted, the receiver holding its answer):
//!
//! - Slack held: after the restart (`outbox run`) Slack is not posted
//!   again (it cannot drop a repeat) and the feed says why; PagerDuty,
//!   never attempted by the dead process, gets its one trigger.
//! - PagerDuty held on the resolve: after the restart it is sent again
//!   with the same `dedup_key`, which PagerDuty folds into the one
//!   incident, now resolved; Slack has its one resolve message.
//!
//! Throughout: one issue, one Slack message per episode, one incident.

#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use serde_json::{Value, json};
use sr_apimock::channels::{AlertStatus, PagerDuty, SlackWebhook, pagerduty_spec, slack_spec};
use sr_apimock::{MockRequest, MockResponse, MockServer, Responder};
use sr_store::{FeedOutcome, NotificationStatus, Store};

const HOOK_PATH: &str = "/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX";
const ROUTING_KEY: &str = "R0123456789abcdef0123456789ABCDE";

/// A receiver that, while `hold` is set, keeps what it accepted (the
/// inner receiver records it) but answers only after the test is long
/// done, and says on `arrived` that it has the message.
struct Holding<R> {
    inner: R,
    hold: Arc<AtomicBool>,
    arrived: mpsc::Sender<()>,
}

impl<R: Responder> Responder for Holding<R> {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        let answer = self.inner.respond(req)?;
        if self.hold.load(Ordering::SeqCst) && answer.status < 300 {
            self.arrived.send(()).ok();
            return Some(answer.delayed(Duration::from_secs(600)));
        }
        Some(answer)
    }
}

struct Receiver<R> {
    state: R,
    hold: Arc<AtomicBool>,
    arrived: mpsc::Receiver<()>,
    server: MockServer,
}

fn receiver<R: Responder + Clone>(
    rt: &tokio::runtime::Runtime,
    spec: Arc<sr_apimock::Spec>,
    state: R,
) -> Receiver<R> {
    let hold = Arc::new(AtomicBool::new(false));
    let (tx, arrived) = mpsc::channel();
    let responder = Holding {
        inner: state.clone(),
        hold: hold.clone(),
        arrived: tx,
    };
    let server = rt.block_on(MockServer::start(spec, responder)).unwrap();
    Receiver {
        state,
        hold,
        arrived,
        server,
    }
}

struct Setup {
    dir: tempfile::TempDir,
    store_url: String,
    slack_url: String,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

fn command(s: &Setup, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_scratchrobin"));
    c.arg("--data-dir")
        .arg(s.dir.path().join("data"))
        .arg("--config-dir")
        .arg(s.dir.path().join("config"))
        .arg("--store")
        .arg(&s.store_url)
        .args(args)
        .env("SLACK_WEBHOOK_URL", &s.slack_url)
        .env("PD_ROUTING_KEY", ROUTING_KEY)
        .env_remove("SCRATCHROBIN_CRASH_AT")
        .env("RUST_LOG", "info");
    c
}

fn run(s: &Setup, args: &[&str]) -> Output {
    command(s, args).output().unwrap()
}

/// Runs `args` until `arrived` says the held receiver has the message,
/// then SIGKILLs the process.
fn killed_mid_send(s: &Setup, args: &[&str], arrived: &mpsc::Receiver<()>) {
    let mut child = command(s, args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let got = arrived.recv_timeout(Duration::from_secs(120));
    // Child::kill is SIGKILL on Unix: no cleanup, no answer recorded.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    got.expect("the held receiver never got the message");
    assert!(!status.success(), "{status:?}");
}

fn event(s: &Setup, kind: &str) -> String {
    let target = s.dir.path().join(format!("{kind}.json"));
    std::fs::copy(
        repo_root().join(format!("config/events/{kind}.json")),
        &target,
    )
    .unwrap();
    target.display().to_string()
}

fn outbox(s: &Setup) -> Vec<Value> {
    let out = run(s, &["outbox", "list", "--json", "--limit", "1000"]);
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_sender_killed_mid_send_leaves_one_message_one_incident_one_issue() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let slack = receiver(&rt, slack_spec().unwrap(), SlackWebhook::new());
    let pd = receiver(&rt, pagerduty_spec().unwrap(), PagerDuty::new());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    let grouping =
        json!({"group_wait_seconds": 0, "repeat_interval_minutes": 240, "send_resolved": true});
    std::fs::write(
        config.join("channels.json"),
        json!({"channels": [
            {"name": "ops-slack", "type": "slack",
             "config": {"webhook_url": "${SLACK_WEBHOOK_URL}"}, "grouping": grouping},
            {"name": "oncall", "type": "pagerduty",
             "config": {"routing_key": "${PD_ROUTING_KEY}",
                        "url": format!("{}/v2/enqueue", pd.server.base_url())},
             "grouping": grouping},
        ]})
        .to_string(),
    )
    .unwrap();
    std::fs::write(
        config.join("auto_issue_rules.json"),
        json!({"auto_issue_rules": [
            {"name": "Drift", "event": "drift.detected", "tracker": "Local",
             "template": "drift_detection", "notify": ["ops-slack", "oncall"]},
            {"name": "Drift Resolved", "event": "drift.resolved", "tracker": "Local",
             "template": "drift_detection", "close_on_resolve": true},
        ]})
        .to_string(),
    )
    .unwrap();
    let s = Setup {
        dir,
        store_url: rt.block_on(sr_testkit::postgres_db()),
        slack_url: format!("{}{HOOK_PATH}", slack.server.base_url()),
    };
    let store = rt.block_on(Store::open(&s.store_url)).unwrap();

    // The drift: the issue is filed, then Slack gets the trigger and holds
    // its answer; the process dies before it records the outcome.
    let drift = event(&s, "drift.detected");
    slack.hold.store(true, Ordering::SeqCst);
    killed_mid_send(&s, &["events", "emit", &drift], &slack.arrived);
    slack.hold.store(false, Ordering::SeqCst);
    assert_eq!(slack.state.messages().len(), 1);
    assert!(pd.state.events().is_empty(), "PagerDuty was not reached");

    let restart = run(&s, &["outbox", "run"]);
    let stdout = String::from_utf8_lossy(&restart.stdout);
    assert!(
        stdout.contains("notifications: 1 sent, 1 failed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&restart.stderr)
    );
    assert_eq!(slack.state.messages().len(), 1, "Slack is not posted again");
    assert_eq!(pd.state.count("trigger"), 1);
    let rows = outbox(&s);
    let creates: Vec<&Value> = rows.iter().filter(|r| r["action"] == "create").collect();
    assert_eq!(creates.len(), 1, "{rows:#?}");
    assert_eq!(creates[0]["status"], "done");
    let alerts = pd.state.alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        alerts[0].dedup_key,
        creates[0]["fingerprint"].as_str().unwrap()
    );
    let messages = rt.block_on(store.notification_outbox(10)).unwrap();
    let slack_row = messages.iter().find(|m| m.channel == "ops-slack").unwrap();
    assert_eq!(slack_row.status, NotificationStatus::Failed);
    let feed = rt.block_on(store.notification_feed(100)).unwrap();
    assert!(
        feed.iter().any(|f| f.channel == "ops-slack"
            && f.outcome == FeedOutcome::Failed
            && f.reason.contains("not sent again (at most once)")),
        "the feed says why Slack was not posted again: {feed:#?}"
    );

    // Healed: Slack's resolve goes out, PagerDuty gets the resolve and
    // holds its answer; the process dies.
    let resolved = event(&s, "drift.resolved");
    pd.hold.store(true, Ordering::SeqCst);
    killed_mid_send(&s, &["events", "emit", &resolved], &pd.arrived);
    pd.hold.store(false, Ordering::SeqCst);
    assert_eq!(slack.state.messages().len(), 2, "the resolve message");
    assert_eq!(pd.state.count("resolve"), 1);

    let restart = run(&s, &["outbox", "run"]);
    let stdout = String::from_utf8_lossy(&restart.stdout);
    assert!(
        restart.status.success() && stdout.contains("notifications: 1 sent, 0 failed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&restart.stderr)
    );
    // Sent again with the same dedup_key: still the one incident.
    assert_eq!(pd.state.count("resolve"), 2);
    let alerts = pd.state.alerts();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].status, AlertStatus::Resolved);
    assert_eq!((alerts[0].triggers, pd.state.count("trigger")), (1, 1));
    assert_eq!(slack.state.messages().len(), 2);
    let rows = outbox(&s);
    assert_eq!(
        rows.iter().filter(|r| r["action"] == "create").count(),
        1,
        "still one issue"
    );
    // Nothing left to send by anyone.
    let again = run(&s, &["outbox", "run"]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("notifications: 0 sent, 0 failed"),
        "{again:?}"
    );
    assert_eq!(
        (slack.state.messages().len(), pd.state.events().len()),
        (2, 3)
    );
    assert!(slack.server.failures().is_empty() && pd.server.failures().is_empty());
}
