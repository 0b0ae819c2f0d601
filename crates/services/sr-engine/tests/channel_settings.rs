//! Settings → Notification Channels through the engine: the channel types
//! with their fields, saving channels.json (checked as strictly as
//! loading, secrets in the keyring and never in the file, two saves at
//! once) and Test, a real message to a loopback Slack receiver that checks
//! what Slack checks, with its answer or its refusal.

use std::sync::Arc;

use serde_json::json;
use sr_apimock::channels::{SlackWebhook, slack_spec};
use sr_apimock::{MockResponse, MockServer};
use sr_config::{ChannelEntry, ChannelsFile, Grouping, Paths};
use sr_engine::{Engine, EngineOptions};
use sr_secrets::{Keyring, Resolver, Secret, SecretRef};

const HOOK_PATH: &str = "/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX";

async fn engine(dir: &tempfile::TempDir) -> (Engine, Keyring) {
    let paths = Paths {
        config_dir: dir.path().join("config"),
        data_dir: dir.path().join("data"),
    };
    std::fs::create_dir_all(&paths.config_dir).expect("config dir");
    std::fs::create_dir_all(&paths.data_dir).expect("data dir");
    let mut options = EngineOptions::new(paths);
    options.actor = "tester".into();
    let keyring = Keyring::in_memory();
    let resolver = Arc::new(Resolver::with_env(|_| None, keyring.clone()));
    let engine = Engine::open_with(options, resolver)
        .await
        .expect("engine opens");
    (engine, keyring)
}

async fn slack() -> (MockServer, SlackWebhook) {
    let slack = SlackWebhook::new();
    let spec = slack_spec().expect("the Slack description");
    let server = MockServer::start(spec, slack.clone())
        .await
        .expect("the receiver starts");
    (server, slack)
}

fn slack_entry(name: &str) -> (ChannelEntry, SecretRef) {
    let reference = SecretRef::Keyring(format!("channel:{name}:webhook_url"));
    let entry = ChannelEntry {
        name: name.into(),
        kind: "slack".into(),
        enabled: true,
        config: json!({"webhook_url": reference}),
        grouping: Grouping::default(),
        policy: Default::default(),
        weekly_report: None,
    };
    (entry, reference)
}

#[tokio::test]
async fn every_channel_type_describes_its_fields_and_its_secrets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (engine, _) = engine(&dir).await;
    let registry = sr_engine::channels();
    let types = engine.channel_types();
    let kinds: Vec<&str> = types.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, ["email", "pagerduty", "slack", "teams", "webhook"]);
    for t in &types {
        let factory = registry.get(t.kind).expect("registered");
        let mut secret: Vec<&str> = t
            .fields
            .iter()
            .filter(|f| f.secret)
            .map(|f| f.key)
            .collect();
        let mut declared = factory.secret_fields();
        secret.sort_unstable();
        declared.sort_unstable();
        // The form keeps exactly the fields the file checks as secrets out
        // of channels.json.
        assert_eq!(secret, declared, "{}", t.kind);
        assert!(!t.display_name.is_empty() && !t.fields.is_empty(), "{t:?}");
    }
}

#[tokio::test]
async fn saving_checks_the_file_and_keeps_secrets_in_the_keyring() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (engine, keyring) = engine(&dir).await;
    assert_eq!(
        engine.channels_file().await.expect("no file"),
        ChannelsFile::default()
    );

    let (entry, reference) = slack_entry("ops");
    let url = "https://hooks.slack.example/services/T/B/very-secret";
    let file = ChannelsFile {
        channels: vec![entry.clone()],
    };
    engine
        .save_channels(file.clone(), vec![(reference.clone(), Secret::new(url))])
        .await
        .expect("saved");
    let text = std::fs::read_to_string(engine.paths().channels_file()).expect("written");
    assert!(
        text.contains(r#""keyring": "channel:ops:webhook_url""#) && !text.contains("very-secret"),
        "{text}"
    );
    assert_eq!(
        keyring
            .get("channel:ops:webhook_url")
            .map(|s| s.expose().to_owned())
            .ok(),
        Some(url.to_owned())
    );
    assert_eq!(engine.channels_file().await.expect("read back"), file);

    // What loading refuses, saving refuses, and nothing is written: a
    // plain-text secret, an unknown type, two channels of one name.
    let mut plain = entry.clone();
    plain.config = json!({"webhook_url": url});
    let mut unknown = entry.clone();
    unknown.kind = "slak".into();
    for (bad, said) in [
        (vec![plain], "secret"),
        (vec![unknown], "did you mean \"slack\""),
        (vec![entry.clone(), entry.clone()], "duplicate channel name"),
    ] {
        let err = engine
            .save_channels(ChannelsFile { channels: bad }, Vec::new())
            .await
            .expect_err(said);
        let err = err.to_string();
        assert!(err.contains("not saved") && err.contains(said), "{err}");
        assert!(!err.contains("very-secret"), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(engine.paths().channels_file()).ok(),
        Some(text)
    );

    // Removing the channel forgets the secret the dialog made for it.
    engine
        .save_channels(ChannelsFile::default(), Vec::new())
        .await
        .expect("saved empty");
    assert!(keyring.get("channel:ops:webhook_url").is_err());
}

#[tokio::test]
async fn two_saves_at_once_write_one_whole_file_after_the_other() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (engine, keyring) = engine(&dir).await;
    let (a, ra) = slack_entry("a");
    let (b, rb) = slack_entry("b");
    let save = |entry: ChannelEntry, r: SecretRef| {
        engine.save_channels(
            ChannelsFile {
                channels: vec![entry],
            },
            vec![(r, Secret::new("https://hooks.slack.example/x"))],
        )
    };
    // Both run their file work on blocking threads at the same time.
    let (first, second) = tokio::join!(save(a, ra), save(b, rb));
    first.expect("first saved");
    second.expect("second saved");
    // One of the two files, whole; the later save forgot the earlier
    // one's secret, and the survivor's is kept.
    let file = engine.channels_file().await.expect("a valid file");
    assert_eq!(file.channels.len(), 1);
    let kept = &file.channels[0].name;
    let gone = if kept == "a" { "b" } else { "a" };
    assert!(keyring.get(&format!("channel:{kept}:webhook_url")).is_ok());
    assert!(keyring.get(&format!("channel:{gone}:webhook_url")).is_err());
}

#[tokio::test]
async fn test_sends_a_real_message_and_shows_the_answer_or_the_refusal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (engine, keyring) = engine(&dir).await;
    let (server, slack) = slack().await;
    let url = format!("{}{HOOK_PATH}", server.base_url());
    let (entry, reference) = slack_entry("ops");

    // Unsaved, with the URL typed in the form: used for the test only.
    let delivered = engine
        .test_channel(entry.clone(), vec![(reference.clone(), Secret::new(&url))])
        .await
        .expect("Slack takes the test");
    assert_eq!((delivered.status, delivered.detail.as_str()), (200, "ok"));
    let got = slack.messages();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Test message to ops"),
        "{got:?}"
    );
    assert!(
        keyring.get("channel:ops:webhook_url").is_err(),
        "nothing stored"
    );
    assert!(!engine.paths().channels_file().exists(), "nothing written");

    // A webhook whose app was removed: Slack's 404 no_service, named with
    // its fix, the URL (the credential) nowhere.
    let mut refusal = MockResponse::empty(404).header("content-type", "text/plain");
    refusal.body = b"no_service".to_vec();
    server.push_fault("webhook/post", refusal);
    let err = engine
        .test_channel(entry.clone(), vec![(reference.clone(), Secret::new(&url))])
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("Slack refused the message (404): no_service")
            && err.contains("no longer exists"),
        "{err}"
    );
    assert!(!err.contains("XXXXXXXX"), "the URL is a secret: {err}");

    // No secret at all: the cause and the fix, before anything is sent.
    let err = engine
        .test_channel(entry, Vec::new())
        .await
        .expect_err("no secret")
        .to_string();
    assert!(err.contains("channel \"ops\""), "{err}");
    assert_eq!(slack.messages().len(), 1);
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}
