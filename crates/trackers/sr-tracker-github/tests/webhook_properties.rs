//! The GitHub webhook parser on arbitrary bytes and on mutated and
//! truncated real payloads: it answers (an event, Unknown, or an error),
//! never panics.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use proptest::prelude::*;
use sr_tracker::{TrackerFactory, TrackerInfo};
use sr_tracker_github::GitHubFactory;

const EVENTS: [&str; 4] = ["issues", "issue_comment", "ping", "label"];

fn info() -> TrackerInfo {
    TrackerInfo {
        name: "GH".into(),
        provider: "github".into(),
        instance: "github.com/Codertocat/Hello-World".into(),
        web_url: None,
    }
}

fn real_bodies() -> &'static [Vec<u8>] {
    static BODIES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    BODIES.get_or_init(read_bodies)
}

fn read_bodies() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures/github-webhooks");
    ["issues.json", "issue_comment.json", "ping.json"]
        .iter()
        .flat_map(|f| {
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.join(f)).unwrap()).unwrap();
            v.as_array()
                .unwrap()
                .iter()
                .map(|b| serde_json::to_vec(b).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..2048), e in 0usize..4) {
        let _ = GitHubFactory::default().parse_webhook(&info(), EVENTS[e], &body);
    }

    #[test]
    fn mutated_and_truncated_payloads_never_panic(pick in any::<usize>(), at in any::<usize>(), byte in any::<u8>(), cut in any::<bool>(), e in 0usize..4) {
        let bodies = real_bodies();
        let mut body = bodies[pick % bodies.len()].clone();
        let i = at % body.len();
        if cut { body.truncate(i) } else { body[i] = byte }
        let _ = GitHubFactory::default().parse_webhook(&info(), EVENTS[e], &body);
    }
}

#[test]
fn real_payloads_parse() {
    for body in real_bodies() {
        let v: serde_json::Value = serde_json::from_slice(body).unwrap();
        let event = if v.get("zen").is_some() {
            "ping"
        } else if v.get("comment").is_some() {
            "issue_comment"
        } else {
            "issues"
        };
        let got = GitHubFactory::default().parse_webhook(&info(), event, body);
        let for_this_repo = v
            .pointer("/repository/full_name")
            .and_then(|r| r.as_str())
            .is_none_or(|r| r == "Codertocat/Hello-World");
        if for_this_repo {
            assert!(got.is_ok(), "{event}: {got:?}");
        }
    }
}
