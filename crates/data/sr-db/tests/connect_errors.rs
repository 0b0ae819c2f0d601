//! Connection failures name the URL without its password and say what to
//! do. Servers are reached on loopback only, at a port where nothing
//! listens.

use sr_db::Database;

const SECRET: &str = "s3cret-Pa55";

async fn check(url: &str, expected: &[&str]) {
    let err = match Database::connect(url).await {
        Err(e) => e,
        Ok(db) => panic!("{url}: connected to {:?}", db.dialect()),
    };
    let text = err.to_string();
    for part in expected {
        assert!(text.contains(part), "{url}: `{text}` lacks `{part}`");
    }
    assert!(
        !text.contains(SECRET),
        "{url}: the password leaked into `{text}`"
    );
}

#[tokio::test]
async fn refused_connections_say_nothing_listens() {
    check(
        &format!("postgres://bob:{SECRET}@127.0.0.1:1/shop"),
        &[
            "postgres://bob:***@127.0.0.1:1/shop",
            "refused",
            "start the database server",
        ],
    )
    .await;
    check(
        &format!("mysql://bob:{SECRET}@127.0.0.1:1/shop"),
        &["mysql://bob:***@127.0.0.1:1/shop", "refused"],
    )
    .await;
    check(
        &format!("mariadb://bob:{SECRET}@127.0.0.1:1/shop"),
        &["mariadb://bob:***@127.0.0.1:1/shop", "refused"],
    )
    .await;
}

#[tokio::test]
async fn bad_urls_and_missing_files() {
    check(
        &format!("oracle://bob:{SECRET}@127.0.0.1/x"),
        &["is not a database URL", "oracle://bob:***@"],
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.sqlite");
    let url = format!("sqlite://{}", missing.display());
    check(&url, &[&url, "cannot be opened", "?mode=rwc"]).await;
    assert!(!missing.exists(), "connecting must not create the file");
    let err = Database::connect("sqlite::memory:")
        .await
        .map(|db| db.name().to_owned());
    assert_eq!(err.ok().as_deref(), Some("memory"));
    let not_sqlite = dir.path().join("text.sqlite");
    std::fs::write(
        &not_sqlite,
        "this is not a database, just some text that is long enough to fill a header.....",
    )
    .unwrap();
    let url = format!("sqlite://{}", not_sqlite.display());
    check(
        &url,
        &[
            "not an SQLite database",
            "point the URL at an SQLite database file",
        ],
    )
    .await;
}
