//! The settings form as data: typed fields in, a trackers.json entry and
//! keyring writes out.

use serde_json::{Value, json};
use sr_tracker::{ConfigField, ProviderInfo};

use super::*;
use sr_engine::{SettingsCommand, SettingsEvent, TrackerCommand};

fn provider() -> ProviderInfo {
    let field = |key, label, required, secret| ConfigField::text(key, label, required, secret, "");
    ProviderInfo {
        kind: "web",
        display_name: "Web tracker",
        fields: vec![
            field("base_url", "Base URL", true, false),
            field("project", "Project", false, false),
            field("auth.token", "Token", true, true),
            field("labels", "Labels", false, false),
        ],
    }
}

fn form(name: &str, values: &[(&str, &str)]) -> TrackerForm {
    let mut f = TrackerForm::add(&provider());
    f.name = name.into();
    f.values = values
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    f
}

/// Checks the entry's config and keyring writes, or the error.
fn check(
    f: &TrackerForm,
    original: Option<&TrackerEntry>,
    expected: Result<(Value, &[&str]), &str>,
) {
    let got = f
        .entry(&provider(), &["Local"], original)
        .map(|(e, secrets)| {
            let names: Vec<String> = secrets.iter().map(|(r, _)| r.describe()).collect();
            (e.config, names)
        });
    match expected {
        Ok((config, names)) => {
            let (got_config, got_names) = got.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got_config, config);
            assert_eq!(got_names, names);
        }
        Err(text) => assert!(
            got.as_ref().is_err_and(|e| e.contains(text)),
            "expected {text:?}, got {:?}",
            got.map(|(c, _)| c)
        ),
    }
}

#[test]
fn forms_become_entries_with_keyring_references() {
    let full = [("base_url", " http://127.0.0.1:9 "), ("auth.token", "t0k")];
    check(
        &form("Web", &full),
        None,
        Ok((
            json!({"base_url": "http://127.0.0.1:9", "auth": {"token": {"keyring": "tracker:Web:auth.token"}}}),
            &["keyring:tracker:Web:auth.token"],
        )),
    );
    check(&form("", &full), None, Err("Give the tracker a name"));
    check(
        &form("Local", &full),
        None,
        Err("A tracker named Local exists"),
    );
    check(&form("Web", &full[1..]), None, Err("Base URL is required"));
    check(&form("Web", &full[..1]), None, Err("Enter the Token"));
}

#[test]
fn editing_keeps_stored_secrets_and_unknown_keys() {
    let mut entry = sr_config::local_entry();
    entry.name = "Web".into();
    entry.kind = "web".into();
    entry.config = json!({
        "base_url": "http://old",
        "project": "DB",
        "auth": {"type": "personal_token", "token": {"keyring": "tracker:Web:auth.token"}},
        "labels": ["db", "schema"],
        "extra": 1
    });
    let mut f = TrackerForm::edit(1, &entry, Some(&provider()));
    assert_eq!(f.values.get("project").map(String::as_str), Some("DB"));
    assert_eq!(
        f.values.get("labels").map(String::as_str),
        Some("db, schema")
    );
    assert!(
        !f.values.contains_key("auth.token"),
        "secrets are not shown"
    );
    assert!(f.has_stored("auth.token"));
    f.values.insert("project".into(), String::new());
    f.values.insert("labels".into(), "db, schema, perf".into());
    check(
        &f,
        Some(&entry),
        Ok((
            json!({"base_url": "http://old", "auth": {"type": "personal_token", "token": {"keyring": "tracker:Web:auth.token"}}, "labels": ["db", "schema", "perf"], "extra": 1}),
            &[],
        )),
    );
    // Debug never shows what was typed.
    f.values.insert("auth.token".into(), "hunter2".into());
    assert!(!format!("{f:?}").contains("hunter2"));
}

#[test]
fn the_working_copy_changes_only_through_the_form_and_save() {
    let mut state = UiState::new(Default::default());
    state.open_tracker_settings();
    state.apply(sr_engine::Event::Settings(SettingsEvent::Trackers {
        providers: vec![provider()],
        file: TrackersFile::builtin(),
        storage: kept_storage(),
    }));
    state.settings_add("web");
    if let Some(Dialog::Trackers(d)) = &mut state.dialog
        && let Some(f) = &mut d.form
    {
        f.name = "Web".into();
        f.values
            .insert("base_url".into(), "http://127.0.0.1:9".into());
        f.values.insert("auth.token".into(), "t0k".into());
    }
    state.take_commands();
    state.settings_test();
    let sent = state.take_commands();
    assert!(
        matches!(&sent[..], [Command::Trackers(TrackerCommand::Test { entry, secrets, .. })] if entry.name == "Web" && secrets.len() == 1),
        "{sent:?}"
    );
    state.settings_apply_form();
    state.settings_remove(0, false);
    let Some(Dialog::Trackers(d)) = &state.dialog else {
        panic!("the dialog stays open");
    };
    assert_eq!(
        (d.entries.len(), d.dirty, d.confirm_remove),
        (2, true, Some(0))
    );
    state.settings_remove(0, true);
    state.settings_save();
    let sent = state.take_commands();
    let Some(Command::Settings(SettingsCommand::SaveTrackers {
        request,
        file,
        secrets,
    })) = sent.first()
    else {
        panic!("{sent:?}");
    };
    let names: Vec<&str> = file.trackers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!((names, secrets.len()), (vec!["Web"], 1));
    state.apply(sr_engine::Event::Settings(SettingsEvent::TrackersSaved {
        request: *request,
    }));
    let Some(Dialog::Trackers(d)) = &state.dialog else {
        panic!("the dialog stays open");
    };
    assert!(!d.dirty && d.secrets.is_empty() && d.saving.is_none());
}

#[test]
fn escape_closes_the_innermost_part_first() {
    let mut state = UiState::new(Default::default());
    state.open_tracker_settings();
    state.apply(sr_engine::Event::Settings(SettingsEvent::Trackers {
        providers: vec![provider()],
        file: TrackersFile::builtin(),
        storage: kept_storage(),
    }));
    state.settings_add("web");
    state.settings_remove(0, false);
    let open = |s: &UiState| match &s.dialog {
        Some(Dialog::Trackers(d)) => Some((d.confirm_remove.is_some(), d.form.is_some())),
        _ => None,
    };
    assert_eq!(open(&state), Some((true, true)));
    state.escape();
    assert_eq!(open(&state), Some((false, true)));
    state.escape();
    assert_eq!(open(&state), Some((false, false)));
    state.escape();
    assert_eq!(open(&state), None);
}

#[test]
fn json_mode_covers_what_the_fields_do_not() {
    let mut f = form(
        "Web",
        &[("base_url", "http://127.0.0.1:9"), ("labels", "a, b")],
    );
    f.set_json_mode(&provider(), true).expect("on");
    let text = f.json.clone().unwrap_or_default();
    assert!(
        text.contains("\"base_url\": \"http://127.0.0.1:9\""),
        "{text}"
    );
    // The adapter wants `auth.type`, which no field offers.
    f.json = Some(
        r#"{"base_url": "http://127.0.0.1:9", "labels": ["a", "b"], "auth": {"type": "personal_token"}}"#.into(),
    );
    check(&f, None, Err("Enter the Token"));
    f.values.insert("auth.token".into(), "t0k".into());
    check(
        &f,
        None,
        Ok((
            json!({"base_url": "http://127.0.0.1:9", "labels": ["a", "b"],
                   "auth": {"type": "personal_token", "token": {"keyring": "tracker:Web:auth.token"}}}),
            &["keyring:tracker:Web:auth.token"],
        )),
    );
    f.json = Some("[1]".into());
    check(&f, None, Err("must be a JSON object"));
    assert!(
        f.set_json_mode(&provider(), false).is_err(),
        "stays on while invalid"
    );
    f.json = Some(r#"{"base_url": "http://other", "labels": ["x"]}"#.into());
    f.set_json_mode(&provider(), false).expect("off");
    assert_eq!(f.json, None);
    assert_eq!(
        f.values.get("base_url").map(String::as_str),
        Some("http://other")
    );
    assert_eq!(f.values.get("labels").map(String::as_str), Some("x"));
    assert_eq!(
        f.values.get("auth.token").map(String::as_str),
        Some("t0k"),
        "typed secrets stay"
    );
}

fn jira() -> ProviderInfo {
    ProviderInfo {
        kind: "jira",
        display_name: "Jira",
        fields: vec![
            ConfigField::text("base_url", "Site URL", true, false, ""),
            ConfigField::choice(
                "auth.type",
                "Sign-in",
                &["api_token", "bearer"],
                "api_token",
                "",
            ),
            ConfigField::text("auth.email", "Email", false, false, ""),
            ConfigField::text("auth.token", "Token", true, true, ""),
        ],
    }
}

/// The `config` a new form gives after `typed` fields, or the error.
fn check_jira(typed: &[(&str, &str)], expected: Result<Value, &str>) {
    let provider = jira();
    let mut form = TrackerForm::add(&provider);
    form.name = "J".into();
    for (k, v) in typed {
        form.values.insert((*k).into(), (*v).into());
    }
    let got = form.entry(&provider, &[], None).map(|(e, _)| e.config);
    match expected {
        Ok(v) => assert_eq!(got.as_ref().ok(), Some(&v), "{typed:?}: {got:?}"),
        Err(e) => assert!(
            got.as_ref().is_err_and(|g| g.contains(e)),
            "{typed:?}: {got:?}"
        ),
    }
}

#[test]
fn choice_fields_start_at_their_default_and_are_written() {
    let token = serde_json::json!({"keyring": "tracker:J:auth.token"});
    check_jira(
        &[
            ("base_url", "https://x"),
            ("auth.email", "a@b"),
            ("auth.token", "t"),
        ],
        Ok(serde_json::json!({"base_url": "https://x",
            "auth": {"type": "api_token", "email": "a@b", "token": token}})),
    );
    check_jira(
        &[
            ("base_url", "https://x"),
            ("auth.type", "bearer"),
            ("auth.token", "t"),
        ],
        Ok(serde_json::json!({"base_url": "https://x",
            "auth": {"type": "bearer", "token": token}})),
    );
    check_jira(&[("base_url", "https://x")], Err("Enter the Token"));
    check_jira(&[("auth.token", "t")], Err("Site URL is required"));
}

#[test]
fn the_chosen_store_decides_the_reference() {
    let mut f = form(
        "Web",
        &[("base_url", "https://t"), ("auth.token", "s3cret")],
    );
    f.store = SecretStore::Encrypted;
    check(
        &f,
        None,
        Ok((
            json!({"base_url": "https://t", "auth": {"token": {"encrypted": "tracker:Web:auth.token"}}}),
            &["encrypted:tracker:Web:auth.token"],
        )),
    );
    // An environment variable: the field takes its name, nothing is stored.
    f.store = SecretStore::Env;
    f.values.insert("auth.token".into(), "WEB_TOKEN".into());
    check(
        &f,
        None,
        Ok((
            json!({"base_url": "https://t", "auth": {"token": "${WEB_TOKEN}"}}),
            &[],
        )),
    );
    f.values
        .insert("auth.token".into(), "ghp not a name".into());
    check(&f, None, Err("takes the variable's name"));
    f.values.insert("auth.token".into(), String::new());
    check(&f, None, Err("name of the environment variable"));
}

#[test]
fn a_keyring_that_forgets_is_warned_about_and_a_persistent_store_offered() {
    use sr_engine::SecretStorage;
    use sr_secrets::{EncryptedStatus, Persistence};
    let storage = |keyring| SecretStorage {
        keyring,
        encrypted: Some(EncryptedStatus {
            path: "/data/secrets.enc".into(),
            exists: false,
            unlocked: false,
        }),
    };
    let mut state = UiState::new(Default::default());
    state.open_tracker_settings();
    state.apply(sr_engine::Event::Settings(SettingsEvent::Trackers {
        providers: vec![provider()],
        file: sr_config::TrackersFile::builtin(),
        storage: storage(Persistence::UntilReboot),
    }));
    state.settings_add("web");
    let Some(Dialog::Trackers(d)) = &state.dialog else {
        panic!("the dialog is open")
    };
    assert!(d.warn_until_reboot());
    // The persistent choice is the one offered first.
    assert_eq!(
        d.form.as_ref().map(|f| f.store),
        Some(SecretStore::Encrypted)
    );

    // Applying with the file locked asks for its passphrase first.
    let Some(Dialog::Trackers(d)) = &mut state.dialog else {
        panic!("the dialog is open")
    };
    if let Some(f) = d.form.as_mut() {
        f.name = "Web".into();
        f.values.insert("base_url".into(), "https://t".into());
        f.values.insert("auth.token".into(), "s3cret".into());
    }
    state.settings_apply_form();
    let Some(Dialog::Trackers(d)) = &state.dialog else {
        panic!("the dialog is open")
    };
    let error = d
        .form
        .as_ref()
        .and_then(|f| f.error.clone())
        .unwrap_or_default();
    assert!(error.contains("passphrase"), "{error}");

    // A new file's passphrase must be typed twice alike.
    let Some(Dialog::Trackers(d)) = &mut state.dialog else {
        panic!("the dialog is open")
    };
    d.passphrase.text = "long enough phrase".into();
    d.passphrase.again = "another phrase".into();
    state.settings_unlock();
    let Some(Dialog::Trackers(d)) = &state.dialog else {
        panic!("the dialog is open")
    };
    assert!(
        d.unlock_error
            .as_deref()
            .is_some_and(|e| e.contains("differ"))
    );
    assert!(d.unlocking.is_none());

    // With a secret service, nothing is said and the keyring is the default.
    let mut state = UiState::new(Default::default());
    state.open_tracker_settings();
    state.apply(sr_engine::Event::Settings(SettingsEvent::Trackers {
        providers: vec![provider()],
        file: sr_config::TrackersFile::builtin(),
        storage: storage(Persistence::Persistent),
    }));
    state.settings_add("web");
    let Some(Dialog::Trackers(d)) = &state.dialog else {
        panic!("the dialog is open")
    };
    assert!(!d.warn_until_reboot());
    assert_eq!(d.form.as_ref().map(|f| f.store), Some(SecretStore::Keyring));
}

/// Storage where a secret service keeps secrets (nothing to warn about).
fn kept_storage() -> sr_engine::SecretStorage {
    sr_engine::SecretStorage {
        keyring: sr_secrets::Persistence::Persistent,
        encrypted: None,
    }
}
