//! The registry as sr-config's `ChannelTypes` (channels.json checked by
//! each type's own config) and as the builder of notifiers, with secrets
//! resolved from references.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use sr_config::{ChannelEntry, ConfigField, parse_channels};
use sr_notify::{
    BuildContext, ChannelFactory, ChannelRegistry, Delivered, Message, Notifier, NotifyError,
    parse_config,
};
use sr_secrets::{Keyring, Resolver, Secret, SecretRef};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EchoConfig {
    token: SecretRef,
}

/// A channel that answers with the secret's length: proof that build
/// resolved it, without printing it.
struct Echo {
    channel: String,
    token: Secret,
}

#[async_trait::async_trait]
impl Notifier for Echo {
    fn channel(&self) -> &str {
        &self.channel
    }

    async fn send(&self, message: &Message) -> Result<Delivered, NotifyError> {
        Ok(Delivered {
            status: 200,
            detail: format!("{} {}", message.id, self.token.expose().len()),
        })
    }
}

struct EchoFactory;

impl ChannelFactory for EchoFactory {
    fn kind(&self) -> &'static str {
        "echo"
    }

    fn display_name(&self) -> &'static str {
        "Echo"
    }

    fn fields(&self) -> Vec<ConfigField> {
        vec![ConfigField::text("token", "Token", true, true, "A token.")]
    }

    fn check_config(&self, config_json: &str) -> Result<(), serde_json::Error> {
        serde_json::from_str::<EchoConfig>(config_json).map(drop)
    }

    fn secret_fields(&self) -> Vec<&'static str> {
        vec!["token"]
    }

    fn build(
        &self,
        entry: &ChannelEntry,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError> {
        let config: EchoConfig = parse_config(entry)?;
        Ok(Arc::new(Echo {
            channel: entry.name.clone(),
            token: ctx.secret(&entry.name, &config.token)?,
        }))
    }
}

fn registry() -> ChannelRegistry {
    let mut r = ChannelRegistry::new();
    r.register(EchoFactory);
    r
}

fn context() -> BuildContext {
    let resolver = Resolver::with_env(
        |name| (name == "ECHO_TOKEN").then(|| "abcdef".to_owned()),
        Keyring::in_memory(),
    );
    BuildContext::new(Arc::new(resolver)).expect("the HTTP client")
}

fn message() -> Message {
    Message {
        id: "msg-1".into(),
        action: sr_notify::Action::Test,
        notification: sr_notify::Notification {
            fingerprint: "fp".into(),
            severity: sr_notify::Severity::Info,
            title: "Test".into(),
            body: "A test".into(),
            source: "settings".into(),
            links: Vec::new(),
            occurred_at: chrono::Utc::now(),
        },
    }
}

#[tokio::test]
async fn channels_json_is_checked_by_each_type_and_built() {
    let path = Path::new("/cfg/channels.json");
    let text = r#"{"channels": [{"name": "e", "type": "echo", "config": {"token": "${ECHO_TOKEN}"}},
        {"name": "u", "type": "echo", "config": {"token": "${UNSET_TOKEN}"}}]}"#;
    let file = parse_channels(path, text, &registry()).expect("valid");

    let echo = registry()
        .build(&file.channels[0], &context())
        .expect("built");
    assert_eq!(echo.channel(), "e");
    let delivered = echo.send(&message()).await.expect("sent");
    assert_eq!(delivered.detail, "msg-1 6");

    let Err(e) = registry().build(&file.channels[1], &context()) else {
        panic!("an unset variable builds nothing");
    };
    assert_eq!(e.code(), "secret");
    assert!(
        e.to_string()
            .contains("channel \"u\": environment variable `UNSET_TOKEN` is not set"),
        "{e}"
    );
}

#[test]
fn unknown_types_and_strict_configs_are_placed_in_the_file() {
    let path = Path::new("/cfg/channels.json");
    let errors = parse_channels(
        path,
        r#"{"channels": [{"name": "e", "type": "ecko", "config": {}}]}"#,
        &registry(),
    )
    .expect_err("unknown type");
    assert!(
        errors[0]
            .to_string()
            .contains(r#"1:37: unknown channel type "ecko" in channel "e"; did you mean "echo"? known types: echo"#),
        "{}",
        errors[0]
    );
    let errors = parse_channels(
        path,
        r#"{"channels": [{"name": "e", "type": "echo", "config": {"token": "abc"}}]}"#,
        &registry(),
    )
    .expect_err("plain secret");
    assert!(
        errors[0]
            .to_string()
            .contains(r#"1:65: bad value for "config.token" in channel "e""#),
        "{}",
        errors[0]
    );
}

#[test]
fn an_entry_of_an_unknown_type_names_the_known_ones() {
    let entry = ChannelEntry {
        name: "x".into(),
        kind: "fax".into(),
        enabled: true,
        config: serde_json::json!({}),
        grouping: Default::default(),
        policy: Default::default(),
        weekly_report: None,
    };
    let Err(e) = registry().build(&entry, &context()) else {
        panic!("no fax channel");
    };
    assert!(
        e.to_string()
            .contains("type \"fax\" is not known to this build (known: echo)"),
        "{e}"
    );
}
