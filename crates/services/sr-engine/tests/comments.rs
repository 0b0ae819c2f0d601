//! Comments through the GUI's [`EngineHandle`] on the built-in local
//! tracker: a new comment is shown pending at once, then sent; an empty
//! one and one on an issue the cache does not hold are refused, naming
//! the fix; a refresh reads the tracker's list.

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use sr_engine::{Answer, Command, EngineHandle, EngineOptions, Event, IssueComments};
use sr_engine::{IssueCommand, IssueEvent};
use sr_model::{IssueDraft, IssueKey};
use sr_secrets::{Keyring, Resolver};

const PATIENCE: Duration = Duration::from_secs(60);

/// The next event `pick` accepts, or the first failure's message.
fn next<T>(
    events: &Receiver<Answer>,
    mut pick: impl FnMut(Event) -> Option<T>,
) -> Result<T, String> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left).map(|a| a.event) {
            Ok(Event::Failed(f)) => return Err(format!("{}: {}", f.context, f.message)),
            Ok(Event::Fatal(m)) => panic!("engine: {m}"),
            Ok(e) => {
                if let Some(t) = pick(e) {
                    return Ok(t);
                }
            }
            Err(e) => panic!("no event in time: {e}"),
        }
    }
}

/// Options for an engine in `dir` acting as "ann", with only the local
/// tracker, and a resolver with no secrets.
fn setup(dir: &std::path::Path) -> (EngineOptions, Arc<Resolver>) {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).expect("paths");
    let mut options = EngineOptions::new(paths);
    options.actor = "ann".into();
    (
        options,
        Arc::new(Resolver::with_env(|_| None, Keyring::in_memory())),
    )
}

fn comments(events: &Receiver<Answer>) -> Result<IssueComments, String> {
    next(events, |e| match e {
        Event::Issues(IssueEvent::Comments(c)) => Some(c),
        _ => None,
    })
}

#[test]
fn a_comment_shows_pending_at_once_then_sent() {
    let dir = tempfile::tempdir().expect("dir");
    let (options, resolver) = setup(dir.path());
    let (engine, events) =
        EngineHandle::spawn_with(options, resolver, Arc::new(|| {})).expect("engine");
    next(&events, |e| matches!(e, Event::Ready).then_some(())).expect("ready");
    assert!(
        engine
            .request(Command::Issues(IssueCommand::Create {
                request: 1,
                tracker: "Local".into(),
                object: None,
                draft: IssueDraft {
                    title: "Slow report".into(),
                    ..IssueDraft::default()
                },
                attach_ddl: None,
                attachments: Vec::new(),
            }))
            .is_some()
    );
    let key: IssueKey = next(&events, |e| match e {
        Event::Issues(IssueEvent::Created { issue, .. }) => Some(issue.key().clone()),
        _ => None,
    })
    .expect("created");

    assert!(
        engine
            .request(Command::Issues(IssueCommand::AddComment {
                issue: key.clone(),
                body: "The plan scans orders\n".into(),
            }))
            .is_some()
    );
    let shown = comments(&events).expect("shown");
    assert_eq!(shown.comments.len(), 1, "{shown:?}");
    assert!(shown.comments[0].pending, "{shown:?}");
    assert_eq!(shown.comments[0].author, "ann");
    assert_eq!(shown.comments[0].body, "The plan scans orders");
    let sent = comments(&events).expect("sent");
    assert_eq!(sent.problem, None, "{sent:?}");
    assert!(!sent.comments[0].pending, "{sent:?}");
    assert!(sent.comments[0].remote_id.is_some(), "{sent:?}");

    assert!(
        engine
            .request(Command::Issues(IssueCommand::AddComment {
                issue: key.clone(),
                body: " \n ".into(),
            }))
            .is_some()
    );
    let empty = comments(&events).expect_err("an empty comment is refused");
    assert!(empty.contains("is empty; write some text"), "{empty}");
    let unknown: IssueKey = "local:default:404".parse().expect("key");
    assert!(
        engine
            .request(Command::Issues(IssueCommand::AddComment {
                issue: unknown,
                body: "hello".into(),
            }))
            .is_some()
    );
    let refused = comments(&events).expect_err("an unknown issue is refused");
    assert!(
        refused.contains("local:default:404 is not in the cache") && refused.contains("sync run"),
        "{refused}"
    );

    assert!(
        engine
            .request(Command::Issues(IssueCommand::LoadComments {
                issue: key,
                refresh: true,
            }))
            .is_some()
    );
    let read = comments(&events).expect("read");
    assert_eq!(read.comments.len(), 1, "{read:?}");
    assert_eq!(read.comments[0].body, "The plan scans orders");
    assert!(!read.comments[0].pending);
}

#[tokio::test]
async fn a_pending_comment_is_taken_back_once() {
    let dir = tempfile::tempdir().expect("dir");
    let (options, resolver) = setup(dir.path());
    let engine = sr_engine::Engine::open_with(options, resolver)
        .await
        .expect("engine");
    let draft = IssueDraft {
        title: "Slow report".into(),
        ..IssueDraft::default()
    };
    let opts = sr_links::LinkOptions::manual("ann");
    let (issue, _) = engine
        .links()
        .create_and_link(None, &draft, "Local", &opts)
        .await
        .expect("created");
    let key = issue.key().clone();
    let kept = engine
        .comment_pending(&key, "On second thought…")
        .await
        .expect("kept");
    let (after, body) = engine
        .take_back_comment(&key, kept.id)
        .await
        .expect("taken back");
    assert_eq!(body, "On second thought…");
    assert!(after.comments.is_empty(), "{after:?}");
    let again = engine
        .take_back_comment(&key, kept.id)
        .await
        .expect_err("only once");
    assert!(
        again.to_string().contains("can no longer be taken back"),
        "{again}"
    );
    engine.store().close().await;
}
