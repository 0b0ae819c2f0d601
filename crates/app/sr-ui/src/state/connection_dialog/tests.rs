//! The connection dialog as data: opened for new, edited and duplicated
//! profiles, pasted URLs, problems and the profile Save sends.

use sr_config::ConnectionProfile;
use sr_engine::ConnectionInfo;
use sr_secrets::SecretRef;

use super::*;

fn info(name: &str, url: &str, password: Option<SecretRef>) -> ConnectionInfo {
    ConnectionInfo {
        url: url.into(),
        dialect: sr_config::dialect_name(url).unwrap_or_default().into(),
        environment: Some("staging".into()),
        builtin: false,
        profile: Some(ConnectionProfile {
            name: name.into(),
            url: url.into(),
            password,
            environment: Some("staging".into()),
            ssh: None,
        }),
        ..ConnectionInfo::named(name)
    }
}

fn keyring(name: &str) -> Option<SecretRef> {
    Some(SecretRef::Keyring(format!("connection/{name}")))
}

/// The problems of `d` as `Field: message` lines (missing ones marked).
fn problems(d: &ConnectionDialog, taken: &[&str]) -> Vec<String> {
    d.problems(taken)
        .iter()
        .map(|p| {
            let mark = if p.missing { " (missing)" } else { "" };
            format!("{:?}{mark}: {}", p.field, p.message)
        })
        .collect()
}

/// Fills a new dialog through `fill` and compares its problems (or, with
/// none, the profile's URL) with `expected`.
fn check(fill: impl FnOnce(&mut ConnectionDialog), expected: &[&str]) {
    let mut d = ConnectionDialog::new();
    fill(&mut d);
    let taken = ["demo", "shop"];
    let got = match d.profile(&taken) {
        Ok(p) => vec![p.url],
        Err(_) => problems(&d, &taken),
    };
    assert_eq!(got, expected, "{d:?}");
}

#[test]
fn names_and_fields_are_checked_before_anything_is_sent() {
    check(
        |_| {},
        &[
            "Name (missing): Give the connection a name.",
            "Host (missing): Enter the server's host name or address.",
        ],
    );
    check(
        |d| {
            d.name = "shop".into();
            d.fields.host = "h".into();
        },
        &["Name: A connection named \"shop\" exists already; choose another name."],
    );
    check(
        |d| {
            d.name = "demo".into();
            d.fields.host = "h".into();
        },
        &["Name: \"demo\" is the built-in demo connection; choose another name"],
    );
    check(
        |d| {
            d.name = "my shop".into();
            d.fields.host = "h".into();
            d.fields.port = "x".into();
        },
        &[
            "Name: The name \"my shop\" contains ' '; use letters, digits, '-', '_' and '.' only",
            "Port: \"x\" is not a port; write a number from 1 to 65535, or leave it empty for 5432",
        ],
    );
    check(
        |d| {
            d.name = " crm ".into();
            d.set_dialect(Dialect::MySql);
            d.fields.host = "db".into();
            d.fields.user = "app".into();
            d.fields.tls_mode = "REQUIRED".into();
        },
        &["mysql://app@db?ssl-mode=REQUIRED"],
    );
}

#[test]
fn missing_fields_wait_for_the_first_attempt() {
    let mut d = ConnectionDialog::new();
    d.fields.port = "0".into();
    let shown = |d: &ConnectionDialog| -> Vec<Field> {
        d.shown_problems(&[]).iter().map(|p| p.field).collect()
    };
    assert_eq!(shown(&d), [Field::Port]);
    d.attempted = true;
    assert_eq!(shown(&d), [Field::Name, Field::Host, Field::Port]);
}

#[test]
fn a_pasted_url_fills_the_fields_and_its_password_moves() {
    let mut d = ConnectionDialog::new();
    d.name = "shop2".into();
    d.paste = "postgres://app:s3cr%2Ft@127.0.0.1:5433/shop?sslmode=require".into();
    d.paste_url();
    assert_eq!(d.password.0, "s3cr/t");
    assert!(d.paste.is_empty(), "the password does not stay in the box");
    assert!(matches!(&d.paste_note, Some(Ok(n)) if n.contains("password moved")));
    assert_eq!(format!("{:?}", d.password), "***");
    let edit = d.edit_request(&["demo"]).expect("a valid profile");
    assert_eq!(
        edit.profile.url,
        "postgres://app@127.0.0.1:5433/shop?sslmode=require"
    );
    assert_eq!(edit.profile.password, None, "the engine names the entry");
    assert_eq!(
        edit.password.map(|s| s.expose().to_owned()),
        Some("s3cr/t".into())
    );
    assert_eq!(edit.previous, None);

    d.paste = "ftp://x".into();
    d.paste_url();
    assert!(matches!(&d.paste_note, Some(Err(e)) if e.contains("postgres://")));
    assert_eq!(d.paste, "ftp://x", "kept to be fixed");
}

#[test]
fn editing_keeps_the_password_reference_until_one_is_typed() {
    let shop = info(
        "shop",
        "postgres://app@db:5432/shop?sslmode=verify-full&sslrootcert=/ca.pem",
        keyring("shop"),
    );
    let mut d = ConnectionDialog::edit(&shop).expect("a profile");
    assert_eq!(d.previous.as_deref(), Some("shop"));
    assert_eq!(
        (d.fields.tls_mode.as_str(), d.fields.ca_file.as_str()),
        ("verify-full", "/ca.pem")
    );
    assert_eq!(
        d.stored_password_label().as_deref(),
        Some("saved in keyring")
    );
    assert!(d.password.0.is_empty(), "never read back");
    let same = d.edit_request(&["demo", "shop"]).expect("valid");
    assert_eq!(same.profile.password, keyring("shop"));
    assert!(same.password.is_none());
    assert_eq!(same.profile.environment.as_deref(), Some("staging"));
    // A rename keeps the reference; the engine moves the entry.
    d.name = "shop-eu".into();
    d.environment = "  ".into();
    let renamed = d.edit_request(&["demo", "shop"]).expect("valid");
    assert_eq!(
        (
            renamed.previous.as_deref(),
            renamed.profile.password.clone()
        ),
        (Some("shop"), keyring("shop"))
    );
    assert_eq!(renamed.profile.environment, None);
    d.password = Typed("new".into());
    let typed = d.edit_request(&["demo", "shop"]).expect("valid");
    assert_eq!(typed.profile.password, None);
    assert!(typed.password.is_some());
    let demo = ConnectionInfo::named("demo");
    assert!(ConnectionDialog::edit(&demo).is_none());
}

#[test]
fn duplicates_take_a_free_name_and_their_own_keyring_entry() {
    let shop = info("shop", "postgres://app@db/shop", keyring("shop"));
    let d = ConnectionDialog::duplicate(&shop, &["demo", "shop", "shop-copy"]);
    assert_eq!(d.name, "shop-copy-2");
    assert_eq!(d.previous, None);
    assert_eq!(d.stored_password, None);
    assert!(d.note.as_deref().is_some_and(|n| n.contains("again")));
    let env = info(
        "crm",
        "mysql://app@db/crm",
        Some(SecretRef::Env("${CRM_PASSWORD}".into())),
    );
    let d = ConnectionDialog::duplicate(&env, &["crm"]);
    assert_eq!(d.name, "crm-copy");
    assert_eq!(d.stored_password, env.profile.and_then(|p| p.password));
    assert_eq!(
        d.stored_password_label().as_deref(),
        Some("from the environment: ${CRM_PASSWORD}")
    );
    // The demo database has no profile; its URL is copied.
    let demo = ConnectionInfo {
        url: "sqlite:///data/demo.db".into(),
        dialect: "sqlite".into(),
        ..ConnectionInfo::named("demo")
    };
    let d = ConnectionDialog::duplicate(&demo, &["demo"]);
    assert_eq!(
        (d.fields.dialect, d.fields.path.as_str()),
        (Dialect::Sqlite, "/data/demo.db")
    );
}

#[test]
fn switching_dialects_drops_what_belonged_to_the_old_one() {
    let mut d = ConnectionDialog::new();
    d.fields.port = "5432".into();
    d.fields.tls_mode = "require".into();
    d.set_dialect(Dialect::MySql);
    assert_eq!(
        (d.fields.port.as_str(), d.fields.tls_mode.as_str()),
        ("", "")
    );
    d.fields.port = "3307".into();
    d.set_dialect(Dialect::Postgres);
    assert_eq!(d.fields.port, "3307", "a port the user chose stays");
}

#[test]
fn a_test_outcome_goes_stale_when_the_fields_change() {
    let mut d = ConnectionDialog::new();
    d.fields.host = "db".into();
    d.test = Some(TestOutcome {
        url: d.url().unwrap_or_default(),
        result: Err("refused".into()),
    });
    assert!(d.current_test().is_some());
    d.fields.host = "db2".into();
    assert!(d.current_test().is_none());
}

/// A server connection named `shop` through the bastion `fill` sets up;
/// compares its problems (or its `ssh` object as JSON) with `expected`.
fn check_ssh(fill: impl FnOnce(&mut SshFields), expected: &str) {
    let mut d = ConnectionDialog::new();
    d.name = "shop".into();
    d.fields.host = "db.internal".into();
    d.ssh.enabled = true;
    fill(&mut d.ssh);
    let got = match d.profile(&[]) {
        Ok(p) => serde_json::to_string(&p.ssh).unwrap_or_default(),
        Err(problems) => problems
            .iter()
            .map(|p| format!("{:?}: {}", p.field, p.message))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    assert_eq!(got, expected);
}

#[test]
fn the_ssh_section_makes_the_profiles_bastion() {
    check_ssh(
        |s| {
            s.host = "bastion.example.com".into();
            s.user = "jump".into();
            s.passphrase_env = "SSH_PASS".into();
        },
        r#"{"host":"bastion.example.com","port":22,"user":"jump","key_file":"~/.ssh/id_ed25519","passphrase":"${SSH_PASS}"}"#,
    );
    check_ssh(
        |s| {
            s.host = "10.0.0.5".into();
            s.port = "2222".into();
            s.user = "jump".into();
            s.agent = true;
            s.passphrase_env = "IGNORED".into();
            s.known_hosts = "/etc/ssh/ssh_known_hosts".into();
        },
        r#"{"host":"10.0.0.5","port":2222,"user":"jump","agent":true,"known_hosts":"/etc/ssh/ssh_known_hosts"}"#,
    );
    check_ssh(
        |s| {
            s.host = "bastion:2222".into();
            s.port = "x".into();
            s.key_file = " ".into();
            s.passphrase_env = "my pass".into();
        },
        "SshHost: \"bastion:2222\" is not a host name; write the bastion's name or address only, and its user and port in their fields\n\
         SshPort: \"x\" is not a port; write a number from 1 to 65535, or leave it empty for 22\n\
         SshUser: Enter the user to log in to the bastion as.\n\
         SshKey: Choose the private key file, or sign with ssh-agent.\n\
         SshPassphrase: \"my pass\" is not an environment variable name; write one such as SSH_KEY_PASSPHRASE",
    );
    // Off, or on an SQLite file, there is no bastion.
    check_ssh(|s| s.enabled = false, "null");
    let mut d = ConnectionDialog::new();
    d.name = "file".into();
    d.set_dialect(Dialect::Sqlite);
    d.fields.path = "/tmp/a.db".into();
    d.ssh.enabled = true;
    assert_eq!(d.profile(&[]).map(|p| p.ssh.is_none()), Ok(true));
}

#[test]
fn editing_keeps_the_bastion_and_its_passphrase_reference() {
    let mut shop = info("shop", "postgres://app@db/shop", keyring("shop"));
    let ssh = sr_config::SshSettings {
        host: "bastion".into(),
        port: 22,
        user: "jump".into(),
        key_file: Some("~/.ssh/id_rsa".into()),
        agent: false,
        passphrase: Some(SecretRef::Keyring("ssh/shop".into())),
        known_hosts: None,
    };
    if let Some(p) = shop.profile.as_mut() {
        p.ssh = Some(Box::new(ssh.clone()));
    }
    let d = ConnectionDialog::edit(&shop).expect("a profile");
    assert!(d.ssh.enabled);
    assert_eq!(d.ssh.passphrase_env, "", "never shown");
    assert_eq!(
        d.ssh.stored_passphrase_label(),
        Some("passphrase saved in keyring")
    );
    let edit = d.edit_request(&["shop"]).expect("valid");
    assert_eq!(edit.profile.ssh.as_deref(), Some(&ssh));
    // A variable named now replaces the stored reference.
    let mut d = d;
    d.ssh.passphrase_env = "${KEY_PASS}".into();
    let edit = d.edit_request(&["shop"]).expect("valid");
    assert_eq!(
        edit.profile.ssh.and_then(|s| s.passphrase),
        Some(SecretRef::Env("${KEY_PASS}".into()))
    );
}
