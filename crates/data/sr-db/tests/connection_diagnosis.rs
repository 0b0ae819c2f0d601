//! What `connection test` reports when a profile cannot connect: the cause
//! (refused, DNS, TLS, authentication, unknown database) and the fix, with the
//! password given apart from the URL and never shown. Real servers on
//! loopback; the unresolvable host uses the reserved `.invalid` domain.

use sr_db::{Database, DbError};
use sr_secrets::Secret;

const SECRET: &str = "s3cret-Pa55";

/// Connects with `password` and expects a diagnosed failure whose cause
/// and fix contain `cause` and `fix`.
async fn check(url: &str, password: Option<&str>, cause: &str, fix: &str) {
    let password = password.map(Secret::new);
    let err = match Database::connect_with_password(url, password.as_ref()).await {
        Err(e) => e,
        Ok(db) => panic!("{url}: connected to {:?}", db.dialect()),
    };
    let DbError::Connect {
        cause: got_cause,
        fix: got_fix,
        ..
    } = &err
    else {
        panic!("{url}: not a connection diagnosis: {err}");
    };
    assert!(
        got_cause.contains(cause),
        "{url}: cause `{got_cause}` lacks `{cause}`"
    );
    assert!(
        got_fix.contains(fix),
        "{url}: fix `{got_fix}` lacks `{fix}`"
    );
    assert!(
        !err.to_string().contains(SECRET),
        "the password leaked: {err}"
    );
}

/// `scheme://user@127.0.0.1:PORT` of a test server's admin URL.
fn server_of(url: &str) -> &str {
    let rest = &url[url.find("://").expect("a URL with a scheme") + 3..];
    let end = rest
        .find('/')
        .map_or(url.len(), |i| url.len() - rest.len() + i);
    &url[..end]
}

#[tokio::test]
async fn refused_ports_and_unresolvable_hosts() {
    let port = sr_testkit::free_port();
    for scheme in ["postgres", "mysql"] {
        check(
            &format!("{scheme}://bob@127.0.0.1:{port}/shop"),
            Some(SECRET),
            "refused",
            "start the database server",
        )
        .await;
        check(
            &format!("{scheme}://bob@no-such-host.invalid:5432/shop"),
            Some(SECRET),
            "does not resolve",
            "check the host name",
        )
        .await;
    }
}

#[tokio::test]
async fn postgres_unknown_database_and_role() {
    let url = sr_testkit::postgres_db().await;
    let server = server_of(&url);
    check(
        &format!("{server}/sr_no_such_database"),
        None,
        "the database does not exist",
        "create it, or correct the database name",
    )
    .await;
    // The test server trusts loopback, so an unknown role is what it
    // refuses as credentials.
    let host = &server[server.find('@').unwrap() + 1..];
    check(
        &format!("postgres://sr_no_such_role@{host}/postgres"),
        Some(SECRET),
        "refused the credentials",
        "check the user name and the password",
    )
    .await;
    // The test server has no TLS, so requiring it fails and says so.
    check(
        &format!("{url}?sslmode=require"),
        Some(SECRET),
        "the server does not offer TLS, and sslmode=require requires it",
        "sslmode",
    )
    .await;
    let db = Database::connect_with_password(&url, Some(&Secret::new(SECRET)))
        .await
        .unwrap();
    assert!(db.url().starts_with("postgres://"));
    db.close().await;
}

#[tokio::test]
async fn mariadb_wrong_password_and_unknown_database() {
    let url = sr_testkit::mariadb_db().await;
    let db = Database::connect(&url).await.unwrap();
    let user = format!("sr_pw_{}", std::process::id());
    db.execute_script(&format!(
        "CREATE OR REPLACE USER '{user}'@'%' IDENTIFIED BY '{SECRET}';\n\
         CREATE OR REPLACE USER '{user}'@'localhost' IDENTIFIED BY '{SECRET}';\n\
         GRANT ALL ON `{}`.* TO '{user}'@'%';\n\
         GRANT ALL ON `{}`.* TO '{user}'@'localhost';",
        db.name(),
        db.name()
    ))
    .await
    .unwrap();
    let server = server_of(&url);
    let host = &server[server.find('@').unwrap() + 1..];
    let profile_url = format!("mysql://{user}@{host}/{}", db.name());
    check(
        &profile_url,
        Some("not-the-password"),
        "refused the credentials",
        "check the user name and the password",
    )
    .await;
    check(
        &format!("{server}/sr_no_such_database"),
        None,
        "the database does not exist",
        "correct the database name",
    )
    .await;
    check(
        &format!("{profile_url}?ssl-mode=REQUIRED"),
        Some(SECRET),
        "the server does not offer TLS, and ssl-mode=REQUIRED requires it",
        "ssl-mode",
    )
    .await;
    let ok = Database::connect_with_password(&profile_url, Some(&Secret::new(SECRET)))
        .await
        .unwrap();
    assert_eq!(ok.name(), db.name());
    ok.close().await;
    db.execute_script(&format!(
        "DROP USER '{user}'@'%';\nDROP USER '{user}'@'localhost';"
    ))
    .await
    .unwrap();
    db.close().await;
}
