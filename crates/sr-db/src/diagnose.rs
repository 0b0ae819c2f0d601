//! Why a connection failed, in words a user can act on: the cause
//! (refused, DNS, TLS, authentication, unknown database, missing file) and
//! the fix.

use std::io::ErrorKind;

use sr_schema::Dialect;

/// A cause and a fix for a failed connection attempt.
pub(crate) fn diagnose(err: &sqlx::Error, dialect: Dialect) -> (String, String) {
    let pair = |cause: &str, fix: &str| (cause.to_owned(), fix.to_owned());
    match err {
        sqlx::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => pair(
            "the connection was refused, so nothing listens on that host and port",
            "start the database server, or correct the host and port in the URL",
        ),
        sqlx::Error::Io(e) if e.kind() == ErrorKind::TimedOut => pair(
            "the server did not answer in time",
            "check the host and port, and that no firewall drops the connection",
        ),
        sqlx::Error::Io(e) if is_dns_failure(e) => (
            format!("the host name does not resolve ({e})"),
            "check the host name in the URL".to_owned(),
        ),
        sqlx::Error::Io(e) => (
            format!("a network error occurred ({e})"),
            "check the host and port in the URL and that the server is up".to_owned(),
        ),
        sqlx::Error::Tls(e) => (
            format!("the TLS handshake failed ({e})"),
            "check the server certificate and the sslmode / ssl-mode parameter of the URL"
                .to_owned(),
        ),
        sqlx::Error::Configuration(e) => (
            format!("the URL is not valid ({e})"),
            "correct the URL".to_owned(),
        ),
        sqlx::Error::PoolTimedOut => pair(
            "no connection could be opened in time",
            "check that the server is up and accepts connections",
        ),
        sqlx::Error::Database(db) => database_error(db.as_ref(), dialect),
        other => (
            other.to_string(),
            "check the URL and the server's log".to_owned(),
        ),
    }
}

fn is_dns_failure(e: &std::io::Error) -> bool {
    let text = e.to_string().to_ascii_lowercase();
    text.contains("lookup")
        || text.contains("name or service not known")
        || text.contains("resolve")
}

fn database_error(db: &dyn sqlx::error::DatabaseError, dialect: Dialect) -> (String, String) {
    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
    let message = db.message().to_owned();
    let lower = message.to_ascii_lowercase();
    let auth = (
        format!("the server refused the credentials ({message})"),
        "check the user name and the password (kept in the keyring)".to_owned(),
    );
    let unknown_db = (
        format!("the database does not exist ({message})"),
        "create it, or correct the database name in the URL".to_owned(),
    );
    match dialect {
        Dialect::Postgres => match code.as_str() {
            "28P01" | "28000" => auth,
            "3D000" => unknown_db,
            _ => other_db_error(&message),
        },
        Dialect::MySql => {
            if code == "28000" || lower.contains("access denied") {
                auth
            } else if lower.contains("unknown database") {
                unknown_db
            } else {
                other_db_error(&message)
            }
        }
        Dialect::Sqlite => {
            // SQLITE_CANTOPEN (14) and SQLITE_NOTADB (26).
            match code.as_str() {
                "14" => (
                    format!("the database file cannot be opened ({message})"),
                    "check that the file exists and is readable, or add ?mode=rwc to the URL to create it"
                        .to_owned(),
                ),
                "26" => (
                    format!("the file is not an SQLite database ({message})"),
                    "point the URL at an SQLite database file".to_owned(),
                ),
                _ => other_db_error(&message),
            }
        }
    }
}

fn other_db_error(message: &str) -> (String, String) {
    (
        format!("the server answered with an error ({message})"),
        "check the URL and the server's log".to_owned(),
    )
}
