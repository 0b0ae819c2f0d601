//! The Sync window's commands through the GUI's [`EngineHandle`]: a long
//! manual sync (many pages, many batches) cancelled midway leaves a
//! consistent cache and log (the next full sync finds each issue it wrote
//! unchanged and creates exactly the rest, the cursor did not move, nothing
//! is left running), and its progress reaches the UI throttled; and the
//! throttle itself, as data.

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use sr_apimock::{GitHubRepo, MockServer};
use sr_engine::{
    Answer, Command, EngineHandle, EngineOptions, Event, ProgressThrottle, SyncCommand, SyncEvent,
};
use sr_secrets::{Keyring, Resolver};
use sr_sync::{SyncOperation, SyncStatus};

/// Issues on the server: 40 pages to read, batches of 200 to write.
const ISSUES: usize = 4_000;
const PATIENCE: Duration = Duration::from_secs(120);

/// Waits for the first event `pick` accepts; panics on a failure.
fn next<T>(events: &Receiver<Answer>, mut pick: impl FnMut(Event) -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(Answer {
                event: Event::Failed(f),
                ..
            }) => panic!("{}: {}", f.context, f.message),
            Ok(Answer {
                event: Event::Fatal(m),
                ..
            }) => panic!("engine: {m}"),
            Ok(Answer { event: e, .. }) => {
                if let Some(t) = pick(e) {
                    return t;
                }
            }
            Err(e) => panic!("no event in time: {e}"),
        }
    }
}

fn start(tracker: &str, full: bool) -> Command {
    Command::Sync(SyncCommand::Start {
        tracker: Some(tracker.into()),
        full,
        include_closed: false,
    })
}

/// Waits for the end of a sync, counting the progress events on the way.
fn finished(events: &Receiver<Answer>, progress: &mut usize) -> SyncOperation {
    next(events, |e| match e {
        Event::Sync(SyncEvent::Progress(_)) => {
            *progress += 1;
            None
        }
        Event::Sync(SyncEvent::Finished(op)) => Some(op),
        _ => None,
    })
}

#[test]
fn a_cancelled_manual_sync_leaves_a_consistent_cache_and_the_next_one_finishes() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let repo = GitHubRepo::new("acme", "db").with_token("t");
    for n in 0..ISSUES {
        repo.seed(&format!("issue {n}"), &[], false);
    }
    let server = rt
        .block_on(async {
            let spec = sr_apimock::spec::github().expect("spec");
            MockServer::start(spec, repo).await
        })
        .expect("server");
    let dir = tempfile::tempdir().expect("dir");
    let paths = sr_config::Paths::resolve(
        Some(dir.path().join("config")),
        Some(dir.path().join("data")),
    )
    .expect("paths");
    // `manual`: no scheduled sync gets in the way; the window starts it.
    std::fs::write(
        paths.trackers_file(),
        serde_json::json!({"trackers": [
            {"name": "Local", "type": "local"},
            {"name": "GH", "type": "github", "sync": {"mode": "manual"},
             "config": {"owner": "acme", "repo": "db", "base_url": server.base_url(),
                        "auth": {"type": "personal_token", "token": "${TOKEN}"}}}
        ]})
        .to_string(),
    )
    .expect("trackers.json");
    let store_path = paths.default_store_path();
    let resolver = Arc::new(Resolver::with_env(
        |n| (n == "TOKEN").then(|| "t".to_owned()),
        Keyring::in_memory(),
    ));
    let (engine, events) =
        EngineHandle::spawn_with(EngineOptions::new(paths), resolver, Arc::new(|| {}))
            .expect("engine");
    next(&events, |e| matches!(e, Event::Ready).then_some(()));

    // Started, then cancelled once the first batch is in the cache.
    let began = Instant::now();
    assert!(engine.request(start("GH", false)).is_some());
    let started = next(&events, |e| match e {
        Event::Sync(SyncEvent::Started(list)) => Some(list),
        _ => None,
    });
    assert_eq!(started.len(), 1, "{started:?}");
    assert!(!started[0].joined);
    let mut progress = 0;
    next(&events, |e| match e {
        Event::Sync(SyncEvent::Progress(op)) => {
            progress += 1;
            (op.progress.processed > 0).then_some(())
        }
        _ => None,
    });
    assert!(
        engine
            .request(Command::Sync(SyncCommand::Cancel {
                tracker: "GH".into()
            }))
            .is_some()
    );
    let op = finished(&events, &mut progress);
    let elapsed = began.elapsed();
    assert_eq!(op.status, SyncStatus::Cancelled, "{op:?}");
    assert!(
        op.results.created > 0 && (op.results.created as usize) < ISSUES,
        "{op:?}"
    );
    // At most one progress event per 100 ms, and one more at the start.
    let allowed = (elapsed.as_millis() / 100) as usize + 2;
    assert!(
        progress <= allowed,
        "{progress} progress events in {elapsed:?}"
    );

    // The status the window loads: idle, never synced to the end (the
    // cursor did not move), the cancelled operation listed.
    assert!(
        engine
            .request(Command::Sync(SyncCommand::LoadStatus))
            .is_some()
    );
    let overview = next(&events, |e| match e {
        Event::Sync(SyncEvent::Status(o)) => Some(o),
        _ => None,
    });
    let gh: Vec<_> = overview.trackers.iter().map(|t| &t.tracker).collect();
    assert_eq!(gh, vec!["GH"], "the local tracker is not synced");
    let t = &overview.trackers[0];
    assert_eq!(t.state, sr_engine::SyncState::Idle);
    assert_eq!(t.last_sync, None);
    assert!(t.active.is_none());
    assert_eq!(t.recent.first(), Some(&op));
    assert!(!t.webhook_active, "no webhook is registered");

    // The next sync creates exactly the rest: the cancelled one left whole
    // issues and no duplicates.
    assert!(engine.request(start("GH", true)).is_some());
    let done = finished(&events, &mut progress);
    assert_eq!(done.status, SyncStatus::Completed, "{done:?}");
    assert_eq!(
        done.results.created + op.results.created,
        ISSUES as u64,
        "{done:?}"
    );
    assert_eq!(done.results.skipped, op.results.created, "{done:?}");

    // Once the engine has stopped (its events end), the store says the same.
    drop(engine);
    while events.recv_timeout(PATIENCE).is_ok() {}
    let instance = format!("{}/acme/db", server.addr());
    let (cached, cursor, active, logged) = rt.block_on(async {
        let store = sr_store::Store::open_file(&store_path)
            .await
            .expect("store");
        let cached = store
            .instance_issue_hashes("github", &instance)
            .await
            .expect("cache");
        let state = store.tracker_sync_state("GH").await.expect("state");
        let active = store.active_sync_operation("GH").await.expect("active");
        let logged = store.sync_operations(Some("GH"), 5).await.expect("log");
        store.close().await;
        (cached, state.cursor, active, logged)
    });
    assert_eq!(cached.len(), ISSUES);
    assert!(cursor.is_some());
    assert!(active.is_none(), "{active:?}");
    let logged: Vec<SyncOperation> = logged.iter().map(SyncOperation::from_row).collect();
    assert_eq!(logged, vec![done, op]);
    assert_eq!(server.failures(), Vec::<String>::new());
}

/// Offers operations at the given milliseconds; what is sent then, and
/// what a tick at each offer's time releases, as `P id processed` / `F id`.
fn check(offers: &[(u64, &str, &str, u64)], tick_at: &[u64], expected: &[&str]) {
    let zero = Instant::now();
    let mut throttle = ProgressThrottle::new(Duration::from_millis(100));
    let mut sent = Vec::new();
    let show = |e: SyncEvent| match e {
        SyncEvent::Progress(op) => format!("P {} {}", op.id, op.progress.processed),
        SyncEvent::Finished(op) => format!("F {}", op.id),
        other => format!("{other:?}"),
    };
    let mut ticks = tick_at.iter().peekable();
    for &(ms, id, status, processed) in offers {
        let now = zero + Duration::from_millis(ms);
        while let Some(t) = ticks.next_if(|t| **t <= ms) {
            sent.extend(
                throttle
                    .due(zero + Duration::from_millis(*t))
                    .into_iter()
                    .map(show),
            );
        }
        let json = serde_json::json!({
            "id": id, "tracker": "GH", "kind": "full", "origin": "manual",
            "requested_by": "ann", "include_closed": false, "status": status,
            "progress": {"current": processed, "total": 10, "processed": processed, "stage": "updating"},
            "results": {}, "started_at": null, "completed_at": null,
            "created_at": "2026-11-22T09:00:00Z", "updated_at": "2026-11-22T09:00:00Z"
        });
        let op: SyncOperation = serde_json::from_value(json).expect("operation");
        sent.extend(throttle.offer(op, now).map(show));
    }
    for t in ticks {
        sent.extend(
            throttle
                .due(zero + Duration::from_millis(*t))
                .into_iter()
                .map(show),
        );
    }
    assert_eq!(sent, expected, "{offers:?} ticks {tick_at:?}");
}

#[test]
fn progress_is_throttled_per_operation() {
    // The first report goes at once; the next ones within 100 ms wait.
    check(
        &[(0, "a", "in_progress", 1), (10, "a", "in_progress", 2)],
        &[],
        &["P a 1"],
    );
    // A tick after the interval releases the latest held report only.
    check(
        &[
            (0, "a", "in_progress", 1),
            (10, "a", "in_progress", 2),
            (20, "a", "in_progress", 3),
        ],
        &[50, 100],
        &["P a 1", "P a 3"],
    );
    // A report after the interval goes at once.
    check(
        &[(0, "a", "in_progress", 1), (150, "a", "in_progress", 2)],
        &[],
        &["P a 1", "P a 2"],
    );
    // The end goes at once and drops what was held.
    check(
        &[
            (0, "a", "in_progress", 1),
            (10, "a", "in_progress", 2),
            (20, "a", "completed", 10),
        ],
        &[200],
        &["P a 1", "F a"],
    );
    check(&[(0, "a", "cancelled", 1)], &[], &["F a"]);
    // Operations are throttled each on its own.
    check(
        &[
            (0, "a", "in_progress", 1),
            (10, "b", "in_progress", 1),
            (20, "a", "in_progress", 2),
            (30, "b", "in_progress", 2),
        ],
        &[120],
        &["P a 1", "P b 1", "P a 2", "P b 2"],
    );
}
