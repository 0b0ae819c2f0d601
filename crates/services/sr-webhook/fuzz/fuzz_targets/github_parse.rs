//! Arbitrary bodies through the GitHub webhook parser, under every event name
//! it knows and one it does not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sr_tracker::{TrackerFactory, TrackerInfo};
use sr_tracker_github::GitHubFactory;

const EVENTS: [&str; 7] = ["issues", "issue_comment", "label", "milestone", "ping", "security_advisory", "push"];

fuzz_target!(|data: &[u8]| {
    let Some((first, body)) = data.split_first() else { return };
    let event = EVENTS[usize::from(*first) % EVENTS.len()];
    let info = TrackerInfo {
        name: "GH".into(),
        provider: "github".into(),
        instance: "github.com/acme/db".into(),
        web_url: None,
    };
    let _ = GitHubFactory::default().parse_webhook(&info, event, body);
});
