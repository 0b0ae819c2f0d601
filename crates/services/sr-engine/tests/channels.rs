//! The channel types reach the engine through its registry alone:
//! config/channels.example.json is read strictly through it, and each
//! entry builds a notifier once its secrets resolve.

use std::path::Path;
use std::sync::Arc;

use sr_config::{ChannelTypes, load_channels};
use sr_notify::BuildContext;
use sr_secrets::{Keyring, Resolver, Secret, SecretRef};

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../config/channels.example.json")
}

#[test]
fn the_registry_knows_every_channel_crate() {
    assert_eq!(
        sr_engine::channels().known_types(),
        ["email", "pagerduty", "slack", "teams", "webhook"]
    );
}

#[test]
fn the_example_file_reads_and_builds() {
    let registry = sr_engine::channels();
    let file = load_channels(&example(), &registry).expect("the example is valid");
    assert_eq!(file.channels.len(), 5);

    let keyring = Keyring::in_memory();
    let resolver = Resolver::with_env(
        |name| {
            match name {
            "SLACK_WEBHOOK_URL" => Some("https://hooks.slack.example/services/T/B/X".into()),
            "TEAMS_WEBHOOK_URL" => Some(
                "https://teams.example/workflows/1/triggers/manual/paths/invoke?api-version=2016-06-01&sp=x&sv=1.0&sig=abc".into(),
            ),
            "SMTP_PASSWORD" => Some("an smtp password".into()),
            "OPS_HOOK_SECRET" => Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+e9Jo4AKXQQ=".into()),
            _ => None,
        }
        },
        keyring,
    );
    resolver
        .store(
            &SecretRef::Keyring("pagerduty-routing-key".into()),
            &Secret::new("R0123456789abcdef0123456789ABCDE"),
        )
        .expect("stored in the in-memory keyring");
    let ctx = BuildContext::new(Arc::new(resolver)).expect("the HTTP client");
    for entry in &file.channels {
        let notifier = registry.build(entry, &ctx).expect("built");
        assert_eq!(notifier.channel(), entry.name);
    }
}
