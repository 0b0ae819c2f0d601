//! The registry as data: reloads, broken files, slots, suggestions.

use super::*;

fn profile(name: &str, url: &str) -> ConnectionProfile {
    ConnectionProfile {
        name: name.into(),
        url: url.into(),
        password: None,
        environment: None,
        ssh: None,
    }
}

fn file(profiles: &[ConnectionProfile]) -> Result<ConnectionsFile, String> {
    Ok(ConnectionsFile {
        connections: profiles.to_vec(),
    })
}

#[test]
fn reload_names_what_changed_and_keeps_ad_hoc_urls() {
    let registry = Registry::new(file(&[
        profile("shop", "postgres://app@h/shop"),
        profile("crm", "mysql://app@h/crm"),
    ]));
    assert_eq!(registry.names(), ["demo", "shop", "crm"]);
    write(&registry.sources).push((
        "sqlite:///tmp/x.db".into(),
        Source::AdHoc {
            url: "sqlite:///tmp/x.db".into(),
        },
    ));
    let changed = registry.replace_profiles(file(&[
        profile("shop", "postgres://app@h2/shop"),
        profile("hr", "postgres://app@h/hr"),
    ]));
    assert_eq!(changed.names, ["crm", "hr", "shop"]);
    assert_eq!(
        registry.names(),
        ["demo", "shop", "hr", "sqlite:///tmp/x.db"]
    );
    let same = registry.replace_profiles(file(&[
        profile("shop", "postgres://app@h2/shop"),
        profile("hr", "postgres://app@h/hr"),
    ]));
    assert!(same.is_empty());
}

#[test]
fn a_broken_file_keeps_the_profiles_and_says_why() {
    let registry = Registry::new(file(&[profile("shop", "postgres://app@h/shop")]));
    let changed = registry.replace_profiles(Err("connections.json:3:5: bad".into()));
    assert!(changed.is_empty());
    assert_eq!(registry.names(), ["demo", "shop"]);
    assert_eq!(
        read(&registry.problem).as_deref(),
        Some("connections.json:3:5: bad")
    );
    registry.replace_profiles(file(&[]));
    assert_eq!(read(&registry.problem).as_deref(), None);
    assert_eq!(registry.names(), ["demo"]);
}

#[test]
fn slots_are_renewed_when_the_definition_changes() {
    let registry = Registry::new(file(&[]));
    let a = Source::Profile(profile("shop", "postgres://app@h/shop"));
    let b = Source::Profile(profile("shop", "postgres://app@h2/shop"));
    let first = registry.slot("shop", &a);
    assert!(Arc::ptr_eq(&first, &registry.slot("shop", &a)));
    assert!(!Arc::ptr_eq(&first, &registry.slot("shop", &b)));
}

#[test]
fn unknown_names_suggest_the_closest() {
    let known = vec!["demo".to_owned(), "shop-prod".to_owned()];
    let err = unknown_connection("shop-prd", &known).to_string();
    assert!(err.contains("did you mean `shop-prod`?"), "{err}");
    let err = unknown_connection("inventory", &known).to_string();
    assert!(!err.contains("did you mean"), "{err}");
    assert!(err.contains("demo, shop-prod"), "{err}");
}

#[test]
fn ad_hoc_urls_are_database_urls_or_sqlite_files() {
    assert_eq!(
        ad_hoc_url("postgres://a@b/c").as_deref(),
        Some("postgres://a@b/c")
    );
    assert_eq!(ad_hoc_url("shop"), None);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    std::fs::write(&db, b"SQLite format 3\0rest of the header").unwrap();
    let arg = db.display().to_string();
    assert_eq!(ad_hoc_url(&arg), Some(format!("sqlite://{arg}")));
    let json = dir.path().join("snap.json");
    std::fs::write(&json, b"{}").unwrap();
    assert_eq!(ad_hoc_url(&json.display().to_string()), None);
}
