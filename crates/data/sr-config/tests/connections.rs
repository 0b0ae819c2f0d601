//! `connections.json` checking, as data: each case is a file's text and
//! either `OK` or a piece of the expected error report (errors joined by
//! newlines, each `FILE:LINE:COLUMN: message`); then the URL password
//! splitter and an atomic save/load round trip.

use std::path::Path;

use sr_config::{
    ConnectionProfile, ConnectionsFile, SshSettings, load_connections, parse_connections,
    save_connections, split_url_password,
};
use sr_secrets::SecretRef;

const OK: &str = "OK";

#[track_caller]
fn check(text: &str, expected: &str) {
    let parsed = parse_connections(Path::new("/cfg/connections.json"), text).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    });
    match parsed {
        Ok(file) => assert_eq!(expected, OK, "the file was accepted: {file:?}\n{text}"),
        Err(report) => {
            assert_ne!(expected, OK, "unexpected error:\n{report}\n{text}");
            assert!(
                report.contains(expected),
                "expected {expected:?} in:\n{report}\n--- for ---\n{text}"
            );
        }
    }
}

#[test]
fn accepted_files() {
    check(r#"{"connections": []}"#, OK);
    check(
        r#"{"connections": [{"name": "local", "url": "sqlite:///tmp/a.db"}]}"#,
        OK,
    );
    check(
        r#"{"connections": [
  {"name": "prod", "url": "postgres://app@db:5432/shop", "password": {"keyring": "connection/prod"}, "environment": "production"},
  {"name": "stage.eu-1", "url": "mariadb://app@db/shop", "password": "${SHOP_PW}"},
  {"name": "x", "url": "mysql://root@127.0.0.1:3306/a", "password": null}
]}"#,
        OK,
    );
}

#[test]
fn unknown_fields_and_values_are_placed_with_a_fix() {
    check(
        r#"{"connection": []}"#,
        r#"/cfg/connections.json:1:2: unknown field "connection" at the top level; did you mean "connections"?"#,
    );
    check(
        "{\"connections\": [\n  {\"name\": \"a\", \"url\": \"sqlite://a\", \"enviroment\": \"prod\"}]}",
        r#"/cfg/connections.json:2:38: unknown field "enviroment" in "connections[0]"; did you mean "environment"?"#,
    );
    check(
        r#"{"connections": [{"name": "a"}]}"#,
        r#"missing field "url""#,
    );
    check(
        r#"{"connections": [{"name": "a", "url": 5}]}"#,
        r#"1:39: bad value for "connections[0].url": expected a string, found the number 5"#,
    );
    check(
        r#"{"connections": [[]]}"#,
        r#"1:18: bad value for "connections[0]": expected an object, found an array"#,
    );
    check(r#"[]"#, r#"write {"connections": [ ... ]}"#);
    check("", r#"the file is empty; write {"connections": []}"#);
    check(
        r#"{"connections": [],}"#,
        "1:19: invalid JSON: trailing comma",
    );
}

#[test]
fn passwords_are_never_plain_text() {
    check(
        r#"{"connections": [{"name": "a", "url": "postgres://u@h/d", "password": "hunter2"}]}"#,
        r#"1:71: bad value for "connections[0].password": secrets may not be written in plain text"#,
    );
    check(
        r#"{"connections": [{"name": "a", "url": "postgres://u:hunter2@h/d"}]}"#,
        r#"1:39: bad value for "url" of connection "a": the URL holds a password; remove it"#,
    );
    check(
        r#"{"connections": [{"name": "a", "url": "postgres://h/d?user=u&password=hunter2"}]}"#,
        "the URL holds a password",
    );
    check(
        r#"{"connections": [{"name": "a", "url": "sqlite://a", "password": {"keyring": ""}}]}"#,
        "the secret entry name is empty",
    );
}

#[test]
fn names_urls_and_labels_are_checked() {
    check(
        r#"{"connections": [{"name": "demo", "url": "sqlite://a"}]}"#,
        r#"1:27: bad value for "name" of connection "demo": "demo" is the built-in demo connection"#,
    );
    check(
        r#"{"connections": [{"name": "a:b", "url": "sqlite://a"}]}"#,
        r#"the name "a:b" contains ':'"#,
    );
    check(
        r#"{"connections": [{"name": " ", "url": "sqlite://a"}]}"#,
        "the name is empty",
    );
    check(
        r#"{"connections": [{"name": "a", "url": "oracle://h/d"}]}"#,
        "the scheme is not sqlite, postgres, mysql or mariadb",
    );
    check(
        r#"{"connections": [{"name": "a", "url": "sqlite://a", "environment": ""}]}"#,
        r#"bad value for "environment" of connection "a": it is empty"#,
    );
    check(
        "{\"connections\": [{\"name\": \"a\", \"url\": \"sqlite://a\"},\n {\"name\": \"a\", \"url\": \"sqlite://b\"}]}",
        r#"2:11: duplicate connection name "a" (first used at 1:27)"#,
    );
}

#[test]
fn url_passwords_split_out() {
    let cases = [
        (
            "postgres://bob:s3cret@127.0.0.1:5432/shop",
            Some(("postgres://bob@127.0.0.1:5432/shop", "s3cret")),
        ),
        (
            "mysql://bob:p%40ss@localhost/shop",
            Some(("mysql://bob@localhost/shop", "p%40ss")),
        ),
        (
            "postgres://localhost/shop?user=bob&password=s3cret&sslmode=disable",
            Some((
                "postgres://localhost/shop?user=bob&sslmode=disable",
                "s3cret",
            )),
        ),
        (
            "postgres://localhost/shop?password=s3cret",
            Some(("postgres://localhost/shop", "s3cret")),
        ),
        ("postgres://bob@localhost/shop", None),
        ("sqlite:///tmp/a@b:c/demo.sqlite", None),
        ("sqlite::memory:", None),
    ];
    for (url, expected) in cases {
        let got = split_url_password(url);
        let got = got.as_ref().map(|(u, p)| (u.as_str(), p.as_str()));
        assert_eq!(got, expected, "{url}");
    }
}

#[test]
fn save_then_load_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("connections.json");
    assert_eq!(load_connections(&path).unwrap(), ConnectionsFile::default());
    let mut file = ConnectionsFile::default();
    for (name, env) in [("prod", Some("production")), ("dev", None)] {
        file.upsert(ConnectionProfile {
            name: name.into(),
            url: format!("postgres://app@127.0.0.1:5432/{name}"),
            password: Some(SecretRef::Keyring(format!("connection/{name}"))),
            environment: env.map(str::to_owned),
            ssh: env.map(|_| {
                Box::new(SshSettings {
                    host: "bastion.example.com".into(),
                    port: 22,
                    user: "deploy".into(),
                    key_file: Some("~/.ssh/id_ed25519".into()),
                    agent: false,
                    passphrase: Some(SecretRef::Keyring("ssh/deploy".into())),
                    known_hosts: None,
                })
            }),
        });
    }
    save_connections(&path, &file).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(r#""keyring": "connection/prod""#), "{text}");
    assert!(!text.contains("environment\": null"), "{text}");
    assert!(
        text.contains(r#""key_file": "~/.ssh/id_ed25519""#),
        "{text}"
    );
    assert!(!text.contains("\"agent\""), "{text}");
    assert_eq!(load_connections(&path).unwrap(), file);
    assert!(file.remove("prod").is_some());
    assert!(file.remove("prod").is_none());
    save_connections(&path, &file).unwrap();
    let names: Vec<String> = load_connections(&path)
        .unwrap()
        .connections
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["dev"]);
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "temporary files left: {leftovers:?}");
}

#[test]
fn concurrent_updates_lose_no_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("connections.json");
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                sr_config::update_connections(&path, |file| {
                    file.upsert(sr_config::ConnectionProfile {
                        name: format!("db{i}"),
                        url: format!("postgres://app@127.0.0.1:5432/db{i}"),
                        password: None,
                        environment: None,
                        ssh: None,
                    });
                    Ok::<_, sr_config::ConfigError>(())
                })
                .unwrap();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let file = sr_config::load_connections(&path).unwrap();
    let mut names: Vec<String> = file.connections.into_iter().map(|c| c.name).collect();
    names.sort();
    let mut expected: Vec<String> = (0..16).map(|i| format!("db{i}")).collect();
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn a_refused_update_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("connections.json");
    std::fs::write(&path, "{\"connections\": []}\n").unwrap();
    let out: Result<(), sr_config::ConfigError> = sr_config::update_connections(&path, |file| {
        file.connections.clear();
        Err(sr_config::ConfigError::at_file(
            sr_config::ConfigErrorKind::InvalidValue,
            &path,
            "refused",
        ))
    });
    assert!(out.is_err());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{\"connections\": []}\n"
    );
}

/// A profile with `ssh` set to `ssh` (JSON text) and the given URL.
fn with_ssh(url: &str, ssh: &str) -> String {
    format!(
        "{{\"connections\": [\n  {{\"name\": \"shop\", \"url\": \"{url}\",\n   \"ssh\": {ssh}}}]}}"
    )
}

#[test]
fn ssh_bastions_are_checked_in_place() {
    let pg = "postgres://app@db.internal:5432/shop?sslmode=verify-full";
    check(
        &with_ssh(
            pg,
            r#"{"host": "bastion", "user": "deploy", "agent": true}"#,
        ),
        OK,
    );
    check(
        &with_ssh(
            pg,
            r#"{"host": "bastion", "port": 2222, "user": "deploy", "key_file": "~/.ssh/id_ed25519",
             "passphrase": {"keyring": "ssh/deploy"}, "known_hosts": "/etc/ssh/ssh_known_hosts"}"#,
        ),
        OK,
    );
    check(
        &with_ssh(
            pg,
            r#"{"host": "bastion", "user": "deploy", "key_file": "k", "passphrase": "hunter2"}"#,
        ),
        "3:80: bad value for \"connections[0].ssh.passphrase\"",
    );
    check(
        &with_ssh(pg, r#"{"host": "bastion", "user": "deploy"}"#),
        r#"3:11: bad value for "ssh" of connection "shop": it names no way to log in; write "key_file": "~/.ssh/id_ed25519" or "agent": true"#,
    );
    check(
        &with_ssh(
            pg,
            r#"{"host": "bastion", "user": "deploy", "key_file": "k", "agent": true}"#,
        ),
        r#"3:75: bad value for "ssh.agent" of connection "shop": give "key_file" or "agent": true, not both"#,
    );
    check(
        &with_ssh(pg, r#"{"host": "", "user": "deploy", "agent": true}"#),
        r#"3:20: bad value for "ssh.host" of connection "shop": it is empty"#,
    );
    check(
        &with_ssh(
            pg,
            r#"{"host": "b", "user": "deploy", "agent": true, "passphrase": "${PW}"}"#,
        ),
        r#"bad value for "ssh.passphrase" of connection "shop": the agent holds its keys unlocked"#,
    );
    check(
        &with_ssh(
            pg,
            r#"{"host": "b", "user": "u", "agent": true, "keyfile": "k"}"#,
        ),
        r#"unknown field "keyfile" in "connections[0].ssh"; did you mean "key_file"?"#,
    );
    check(
        &with_ssh(
            pg,
            r#"{"host": "b", "user": "u", "agent": true, "port": 70000}"#,
        ),
        r#"bad value for "connections[0].ssh.port""#,
    );
    check(
        &with_ssh(
            "sqlite:///tmp/a.db",
            r#"{"host": "b", "user": "u", "agent": true}"#,
        ),
        r#"bad value for "ssh" of connection "shop": an SQLite file is opened where it lies, not through SSH"#,
    );
}

#[test]
fn the_example_file_is_valid() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../config/connections.example.json");
    let file = load_connections(&path).unwrap_or_else(|e| panic!("{e}"));
    let ssh: Vec<&str> = file
        .connections
        .iter()
        .filter(|c| c.ssh.is_some())
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(ssh, ["billing", "reports"]);
}
