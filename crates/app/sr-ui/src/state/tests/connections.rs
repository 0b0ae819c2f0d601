//! The connection manager and the connections' states as data: dialogs
//! opened from the menu, answers matched to their request, failures in
//! the dialog, removal after a confirmation, disconnecting, and the
//! environment on the tabs working on a connection.

use sr_config::ConnectionProfile;
use sr_engine::{ConnectionCommand, ConnectionEvent, ConnectionTest};
use sr_secrets::SecretRef;

use super::*;
use crate::state::connection_dialog::Typed;
use sr_engine::SchemaEvent;

fn profile_info(name: &str, url: &str, environment: Option<&str>) -> ConnectionInfo {
    ConnectionInfo {
        url: url.into(),
        dialect: sr_config::dialect_name(url).unwrap_or_default().into(),
        environment: environment.map(str::to_owned),
        builtin: false,
        profile: Some(ConnectionProfile {
            name: name.into(),
            url: url.into(),
            password: Some(SecretRef::Keyring(format!("connection/{name}"))),
            environment: environment.map(str::to_owned),
            ssh: None,
        }),
        ..ConnectionInfo::named(name)
    }
}

/// A ready state with the demo database and `shop`, a production
/// PostgreSQL profile.
fn with_shop() -> UiState {
    let mut s = ready();
    s.apply(Event::Connection(ConnectionEvent::Listed {
        connections: vec![
            ConnectionInfo {
                url: "sqlite:///tmp/demo.db".into(),
                dialect: "sqlite".into(),
                ..ConnectionInfo::named("demo")
            },
            profile_info("shop", "postgres://app@db/shop", Some("production")),
        ],
        problem: None,
    }));
    assert!(s.take_commands().is_empty(), "shop opens when needed");
    s
}

fn dialog(s: &UiState) -> &ConnectionDialog {
    match &s.dialog {
        Some(Dialog::Connection(d)) => d,
        other => panic!("no connection dialog: {other:?}"),
    }
}

fn dialog_mut(s: &mut UiState) -> &mut ConnectionDialog {
    match &mut s.dialog {
        Some(Dialog::Connection(d)) => d,
        other => panic!("no connection dialog: {other:?}"),
    }
}

fn tested(version: &str) -> ConnectionTest {
    ConnectionTest {
        dialect: "postgres".into(),
        server_version: Some(version.into()),
        connect_ms: 12,
        round_trip_ms: 0.4,
    }
}

#[test]
fn a_new_connection_is_tested_in_its_dialog_then_saved() {
    let mut s = with_shop();
    s.open_new_connection();
    // Nothing is sent while the form is incomplete; what is missing shows.
    s.test_dialog_connection();
    assert!(sent(&mut s).is_empty());
    assert!(!dialog(&s).shown_problems(&["demo", "shop"]).is_empty());
    let d = dialog_mut(&mut s);
    d.name = "crm".into();
    d.paste = "postgres://app:pw@127.0.0.1:5432/crm".into();
    d.paste_url();
    s.test_dialog_connection();
    let commands = s.take_commands();
    let Some(Command::Connection(ConnectionCommand::Test {
        request,
        profile,
        password,
    })) = commands.first()
    else {
        panic!("a test: {commands:?}");
    };
    assert_eq!(profile.url, "postgres://app@127.0.0.1:5432/crm");
    assert_eq!(password.as_ref().map(|p| p.expose()), Some("pw"));
    let request = *request;
    // An answer to another request (a menu's Test) is a toast.
    s.apply(Event::Connection(ConnectionEvent::Tested {
        request: request + 100,
        name: "shop".into(),
        result: Ok(tested("PostgreSQL 16.4")),
    }));
    assert!(dialog(&s).testing.is_some());
    assert_eq!(toasts(&s), ["shop: PostgreSQL 16.4 answers in 0.4 ms"]);
    s.apply(Event::Connection(ConnectionEvent::Tested {
        request,
        name: "crm".into(),
        result: Ok(tested("PostgreSQL 17.2")),
    }));
    let outcome = dialog(&s).current_test().map(|t| t.result.clone());
    assert_eq!(outcome, Some(Ok(tested("PostgreSQL 17.2"))));
    assert!(s.jobs.is_empty());

    s.save_dialog_connection();
    let commands = s.take_commands();
    let Some(Command::Connection(ConnectionCommand::Save { request, edit })) = commands.first()
    else {
        panic!("a save: {commands:?}");
    };
    assert_eq!(
        (edit.previous.clone(), edit.profile.name.as_str()),
        (None, "crm")
    );
    s.apply(Event::Connection(ConnectionEvent::Saved {
        request: *request,
        name: "crm".into(),
        until_reboot: false,
    }));
    assert!(s.dialog.is_none());
    assert!(toasts(&s).contains(&"Connection crm saved".to_owned()));
}

#[test]
fn a_failed_save_or_test_stays_in_the_dialog() {
    let mut s = with_shop();
    s.edit_connection("shop");
    assert_eq!(dialog(&s).previous.as_deref(), Some("shop"));
    dialog_mut(&mut s).password = Typed("new".into());
    s.save_dialog_connection();
    assert_eq!(sent(&mut s), ["Save connection shop"]);
    s.fail_job(
        "Save connection shop".into(),
        "the keyring is locked; unlock it and save again".into(),
    );
    let d = dialog(&s);
    assert_eq!(d.saving, None);
    assert_eq!(
        d.error.as_deref(),
        Some("the keyring is locked; unlock it and save again")
    );
    s.test_dialog_connection();
    let Some(Command::Connection(ConnectionCommand::Test { request, .. })) =
        s.take_commands().first().cloned()
    else {
        panic!("a test");
    };
    s.apply(Event::Connection(ConnectionEvent::Tested {
        request,
        name: "shop".into(),
        result: Err("connection refused by 127.0.0.1:1: start the server or fix the port".into()),
    }));
    assert!(matches!(
        dialog(&s).current_test().map(|t| &t.result),
        Some(Err(e)) if e.contains("fix the port")
    ));
}

#[test]
fn removing_asks_first_and_built_in_connections_cannot_be_edited() {
    let mut s = with_shop();
    s.remove_connection("shop", false);
    assert!(matches!(&s.dialog, Some(Dialog::RemoveConnection(n)) if n == "shop"));
    assert!(sent(&mut s).is_empty());
    s.remove_connection("shop", true);
    assert!(s.dialog.is_none());
    assert_eq!(sent(&mut s), ["Remove connection shop"]);
    s.edit_connection("demo");
    assert!(s.dialog.is_none());
    assert!(
        s.last_error
            .as_deref()
            .is_some_and(|e| e.contains("Duplicate"))
    );
    s.duplicate_connection("demo");
    assert_eq!(dialog(&s).name, "demo-copy");
    s.escape();
    assert!(s.dialog.is_none());
}

#[test]
fn a_disconnected_connection_waits_to_be_opened_again() {
    let mut s = with_shop();
    s.ensure_connection("shop");
    s.apply(Event::Schema(SchemaEvent::Snapshot {
        connection: "shop".into(),
        snapshot: snapshot(),
    }));
    sent(&mut s);
    s.disconnect_connection("shop");
    assert_eq!(sent(&mut s), ["Disconnect shop"]);
    s.apply(Event::Connection(ConnectionEvent::Disconnected {
        name: "shop".into(),
    }));
    let shop = s.connection("shop").expect("listed");
    assert!(shop.disconnected && shop.tree.is_empty());
    assert_eq!(shop.schema, Load::Idle);
    // Its expanded node does not open it again; Connect does.
    s.ensure_connection("shop");
    assert!(sent(&mut s).is_empty());
    s.connect("shop");
    assert_eq!(
        sent(&mut s),
        ["Load schema of shop", "Count linked issues in shop"]
    );
    assert!(!s.connection("shop").expect("listed").disconnected);
}

#[test]
fn a_failed_connection_shows_its_cause_and_retry_reconnects() {
    let mut s = with_shop();
    s.ensure_connection("shop");
    sent(&mut s);
    s.fail_job(
        "Load schema of shop".into(),
        "connection refused: start the server".into(),
    );
    assert_eq!(
        s.connection("shop").map(|c| c.schema.clone()),
        Some(Load::Failed("connection refused: start the server".into()))
    );
    assert_eq!(
        s.connection("demo").map(|c| c.snapshot().is_some()),
        Some(true),
        "the others are untouched"
    );
    s.refresh_connection("shop");
    assert_eq!(
        s.connection("shop").map(|c| c.schema.clone()),
        Some(Load::Loading)
    );
}

#[test]
fn tabs_working_on_a_connection_carry_its_environment() {
    let mut s = with_shop();
    s.open_designer("shop");
    assert_eq!(
        sent(&mut s),
        ["Load schema of shop", "Count linked issues in shop"],
        "the designer opens its connection"
    );
    s.open_sql_editor("shop", "SELECT 1");
    s.open_monitoring("demo");
    let envs: Vec<Option<&str>> = s.tabs.iter().map(|t| s.tab_environment(t)).collect();
    assert_eq!(envs, [Some("production"), Some("production"), None]);
    let shop_orders = ObjectRef::new("shop", ObjectKind::Table, "shop", "public", "orders");
    assert_eq!(
        s.tab_environment(&Tab::Object(shop_orders)),
        Some("production")
    );
    assert_eq!(s.tab_environment(&Tab::Templates), None);
}

#[test]
fn a_renamed_connection_takes_its_tabs_along() {
    let mut s = with_shop();
    s.open_designer("shop");
    s.open_sql_editor("shop", "SELECT 1");
    s.open_monitoring("demo");
    sent(&mut s);
    s.edit_connection("shop");
    dialog_mut(&mut s).name = "shop-eu".into();
    s.save_dialog_connection();
    let Some(Command::Connection(ConnectionCommand::Save { request, edit })) =
        s.take_commands().first().cloned()
    else {
        panic!("a save");
    };
    assert_eq!(edit.previous.as_deref(), Some("shop"));
    s.apply(Event::Connection(ConnectionEvent::Saved {
        request,
        name: "shop-eu".into(),
        until_reboot: false,
    }));
    let on: Vec<Option<&str>> = s.tabs.iter().map(|t| s.tab_connection(t)).collect();
    assert_eq!(on, [Some("shop-eu"), Some("shop-eu"), Some("demo")]);
}
