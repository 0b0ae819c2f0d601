//! Settings → Notification Channels as data: the form over a channel
//! type's fields gives a channels.json entry whose secrets are `channel:`
//! references, lists and numbers typed as their JSON types; Test, Save and
//! Remove send or change what they should.

use serde_json::json;
use sr_config::{ConfigField, FieldValue};
use sr_engine::{ChannelCommand, ChannelEvent, Event, SecretStorage};
use sr_secrets::Persistence;

use super::*;

fn types() -> Vec<ChannelInfo> {
    vec![
        ChannelInfo {
            kind: "slack",
            display_name: "Slack",
            fields: vec![ConfigField::text(
                "webhook_url",
                "Webhook URL",
                true,
                true,
                "",
            )],
        },
        ChannelInfo {
            kind: "email",
            display_name: "E-mail (SMTP)",
            fields: vec![
                ConfigField::text("host", "SMTP server", true, false, ""),
                ConfigField::typed("port", "Port", false, FieldValue::Number, ""),
                ConfigField::typed("to", "To", true, FieldValue::List, ""),
            ],
        },
    ]
}

/// A state with the dialog open and loaded with `entries`.
fn opened(entries: Vec<ChannelEntry>) -> UiState {
    let mut state = UiState::new(Default::default());
    state.open_channel_settings();
    state.apply(Event::Channels(ChannelEvent::Loaded {
        types: types(),
        file: ChannelsFile { channels: entries },
        storage: SecretStorage {
            keyring: Persistence::Persistent,
            encrypted: None,
        },
    }));
    state
}

fn dialog(state: &mut UiState) -> &mut ChannelSettingsDialog {
    state.channels().expect("the dialog is open")
}

fn type_in(state: &mut UiState, values: &[(&str, &str)]) {
    let form = dialog(state).form.as_mut().expect("a form");
    for (k, v) in values {
        form.fields.values.insert((*k).to_owned(), (*v).to_owned());
    }
}

fn sent(state: &mut UiState) -> Vec<Command> {
    std::mem::take(&mut state.outbox)
        .into_iter()
        .map(|r| r.command)
        .collect()
}

#[test]
fn a_slack_channel_is_added_with_its_url_as_a_keyring_reference() {
    let mut state = opened(Vec::new());
    state.channel_add("slack");
    type_in(&mut state, &[("webhook_url", "https://hooks.example/x")]);
    dialog(&mut state).form.as_mut().expect("form").fields.name = "ops".into();
    sent(&mut state);

    state.channel_test();
    let commands = sent(&mut state);
    let [Command::Channels(ChannelCommand::Test { entry, secrets, .. })] = commands.as_slice()
    else {
        panic!("one test: {commands:?}");
    };
    assert_eq!(
        entry.config,
        json!({"webhook_url": {"keyring": "channel:ops:webhook_url"}})
    );
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0].1.expose(), "https://hooks.example/x");

    state.channel_apply_form();
    state.channel_save();
    let commands = sent(&mut state);
    let [Command::Channels(ChannelCommand::Save { file, secrets, .. })] = commands.as_slice()
    else {
        panic!("one save: {commands:?}");
    };
    assert_eq!(file.channels.len(), 1);
    assert_eq!(file.channels[0].kind, "slack");
    assert_eq!(secrets.len(), 1);
}

#[test]
fn e_mail_fields_become_a_list_and_a_number() {
    let mut state = opened(Vec::new());
    state.channel_add("email");
    type_in(
        &mut state,
        &[
            ("host", "smtp.example.com"),
            ("port", "2525"),
            ("to", "a@example.com, b@example.com"),
        ],
    );
    dialog(&mut state).form.as_mut().expect("form").fields.name = "mail".into();
    state.channel_apply_form();
    let d = dialog(&mut state);
    assert!(
        d.form.is_none(),
        "{:?}",
        d.form.as_ref().and_then(|f| f.fields.error.clone())
    );
    assert_eq!(
        d.entries[0].config,
        json!({"host": "smtp.example.com", "port": 2525, "to": ["a@example.com", "b@example.com"]})
    );
}

#[test]
fn a_missing_secret_or_a_taken_name_is_said_before_anything_is_sent() {
    let existing = ChannelEntry {
        name: "ops".into(),
        kind: "slack".into(),
        enabled: true,
        config: json!({"webhook_url": "${SLACK_URL}"}),
        grouping: Grouping::default(),
        policy: Default::default(),
        weekly_report: None,
    };
    let mut state = opened(vec![existing]);
    state.channel_add("slack");
    dialog(&mut state).form.as_mut().expect("form").fields.name = "ops".into();
    sent(&mut state);
    state.channel_test();
    assert!(sent(&mut state).is_empty());
    let error = dialog(&mut state)
        .form
        .as_ref()
        .and_then(|f| f.fields.error.clone());
    assert_eq!(
        error.as_deref(),
        Some("A channel named ops exists; choose another name.")
    );

    dialog(&mut state).form.as_mut().expect("form").fields.name = "other".into();
    state.channel_test();
    assert!(sent(&mut state).is_empty());
    let error = dialog(&mut state)
        .form
        .as_ref()
        .and_then(|f| f.fields.error.clone());
    assert!(error.is_some_and(|e| e.contains("Webhook URL")));
}

#[test]
fn edit_keeps_the_stored_secret_and_remove_waits_for_confirmation() {
    let existing = ChannelEntry {
        name: "ops".into(),
        kind: "slack".into(),
        enabled: true,
        config: json!({"webhook_url": {"keyring": "channel:ops:webhook_url"}}),
        grouping: Grouping {
            group_wait_seconds: 5,
            ..Grouping::default()
        },
        policy: Default::default(),
        weekly_report: None,
    };
    let mut state = opened(vec![existing.clone()]);
    state.channel_edit(0);
    state.channel_apply_form();
    let d = dialog(&mut state);
    // Nothing typed: the reference and the grouping stay as they were.
    assert_eq!(d.entries, vec![existing]);

    state.channel_remove(0, false);
    assert_eq!(dialog(&mut state).entries.len(), 1);
    state.channel_cancel_remove();
    assert_eq!(dialog(&mut state).confirm_remove, None);
    state.channel_remove(0, false);
    state.channel_remove(0, true);
    let d = dialog(&mut state);
    assert!(d.entries.is_empty() && d.dirty);
}

#[test]
fn the_tests_answer_reaches_its_form_and_a_failed_save_shows_why() {
    let mut state = opened(Vec::new());
    state.channel_add("slack");
    type_in(&mut state, &[("webhook_url", "https://hooks.example/x")]);
    dialog(&mut state).form.as_mut().expect("form").fields.name = "ops".into();
    state.channel_test();
    let request = dialog(&mut state)
        .form
        .as_ref()
        .and_then(|f| f.testing)
        .expect("testing");
    state.apply(Event::Channels(ChannelEvent::Tested {
        request,
        channel: "ops".into(),
        result: Err("Slack refused the message (404): no_service".into()),
    }));
    let form = dialog(&mut state).form.as_ref().expect("form");
    assert_eq!(form.testing, None);
    assert!(matches!(&form.test, Some(Err(e)) if e.contains("no_service")));

    state.channel_apply_form();
    state.channel_save();
    state.fail_job(
        "Save channels.json".into(),
        "the channels were not saved: bad".into(),
    );
    let d = dialog(&mut state);
    assert_eq!(d.saving, None);
    assert_eq!(d.error.as_deref(), Some("the channels were not saved: bad"));
}
