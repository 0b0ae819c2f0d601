//! Why a connection failed, in words a user can act on: the cause
//! (refused, DNS, TLS, authentication, unknown database, missing file) and
//! the fix. TLS failures are told apart (unknown CA, host name mismatch,
//! server without TLS, TLS required by the server, client certificate
//! refused) and name the URL parameter to change.

use std::io::ErrorKind;

use rustls::{AlertDescription, CertificateError};
use sr_schema::Dialect;

use crate::tls::TlsFacts;

/// A cause and a fix for a failed connection attempt. `tls` is what the
/// URL asked of TLS (servers only).
pub(crate) fn diagnose(
    err: &sqlx::Error,
    dialect: Dialect,
    tls: Option<&TlsFacts>,
) -> (String, String) {
    if let Some(facts) = tls
        && let Some(found) = tls_failure(err, facts)
    {
        return found;
    }
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
        sqlx::Error::Database(db) => database_error(db.as_ref(), dialect, tls),
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

fn database_error(
    db: &dyn sqlx::error::DatabaseError,
    dialect: Dialect,
    tls: Option<&TlsFacts>,
) -> (String, String) {
    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
    let message = db.message().to_owned();
    let lower = message.to_ascii_lowercase();
    if let Some(facts) = tls {
        // PostgreSQL's pg_hba `hostssl` / `clientcert` and MariaDB's
        // require_secure_transport refuse in the protocol, after TLS.
        if lower.contains("no encryption") || lower.contains("insecure transport") {
            let (_, full) = facts.require_modes();
            return (
                format!("the server accepts only TLS connections ({message})"),
                format!(
                    "add {full}&{}=/path/to/ca.pem to the URL (the CA that signed the server's certificate)",
                    facts.ca_param()
                ),
            );
        }
        if lower.contains("client certificate") {
            return client_certificate(facts, &message);
        }
    }
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
            let disabled = tls
                .and_then(|f| f.mode.as_deref())
                .is_some_and(|m| m.eq_ignore_ascii_case("disabled"));
            if disabled && lower.contains("access denied") {
                // MariaDB refuses a plain-text login to a server with
                // require_secure_transport this way too.
                (
                    format!("the server refused the login ({message}); with ssl-mode=DISABLED MariaDB also answers so when it requires TLS (require_secure_transport)"),
                    "use ssl-mode=VERIFY_IDENTITY&ssl-ca=/path/to/ca.pem if the server requires TLS; otherwise check the user name and the password".to_owned(),
                )
            } else if code == "28000" || lower.contains("access denied") {
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

/// The TLS error inside a sqlx error: rustls's own, carried in an I/O
/// error during the handshake, or sqlx's TLS error.
fn rustls_error(err: &sqlx::Error) -> Option<&rustls::Error> {
    match err {
        sqlx::Error::Io(e) => e.get_ref()?.downcast_ref::<rustls::Error>(),
        sqlx::Error::Tls(e) => e.downcast_ref::<rustls::Error>(),
        _ => None,
    }
}

/// The diagnosis of a TLS failure, if `err` is one.
fn tls_failure(err: &sqlx::Error, facts: &TlsFacts) -> Option<(String, String)> {
    if let sqlx::Error::Tls(e) = err {
        let text = e.to_string();
        if text.contains("does not support TLS") {
            let mode = facts.mode.as_deref().unwrap_or("require");
            return Some((
                format!(
                    "the server does not offer TLS, and {}={mode} requires it",
                    facts.mode_param()
                ),
                match facts.dialect {
                    Dialect::MySql => "turn TLS on at the server (ssl_cert and ssl_key in its configuration), or, on a trusted network only, use ssl-mode=PREFERRED",
                    _ => "turn TLS on at the server (ssl = on with ssl_cert_file and ssl_key_file in postgresql.conf), or, on a trusted network only, use sslmode=prefer",
                }
                .to_owned(),
            ));
        }
    }
    let tls = rustls_error(err)?;
    let ca = facts.ca_param();
    Some(match tls {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => match &facts.ca {
                None => (
                    format!(
                        "the server's certificate is signed by a certificate authority this machine does not trust, and the URL names no {ca}"
                    ),
                    format!(
                        "add {ca}=/path/to/ca.pem to the URL: the PEM file of the CA that signed the server's certificate (your provider or administrator has it)"
                    ),
                ),
                Some((name, file)) => (
                    format!(
                        "the server's certificate is not signed by the certificate authority in {name} ({file}) nor by one this machine trusts"
                    ),
                    format!(
                        "point {name} at the CA that signed the server's certificate; {file} holds another one"
                    ),
                ),
            },
            CertificateError::NotValidForName => name_mismatch(facts, &[]),
            CertificateError::NotValidForNameContext { presented, .. } => {
                name_mismatch(facts, presented)
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => (
                "the server's certificate has expired".to_owned(),
                "renew the server's certificate (or check this machine's clock)".to_owned(),
            ),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => (
                "the server's certificate is not valid yet".to_owned(),
                "check the clocks of this machine and of the server".to_owned(),
            ),
            other => (
                format!("the server's certificate was refused ({other:?})"),
                format!("check the server's certificate and {ca} in the URL"),
            ),
        },
        rustls::Error::AlertReceived(alert) if client_alert(*alert) => {
            client_certificate(facts, &format!("TLS alert {alert:?}"))
        }
        other => (
            format!("the TLS handshake failed ({other})"),
            format!(
                "check {} and {ca} in the URL and the server's TLS settings",
                facts.mode_param()
            ),
        ),
    })
}

/// Alerts a server sends when it does not accept the client's certificate.
fn client_alert(alert: AlertDescription) -> bool {
    matches!(
        alert,
        AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateRequired
            | AlertDescription::CertificateUnknown
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateRevoked
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::AccessDenied
    )
}

fn client_certificate(facts: &TlsFacts, detail: &str) -> (String, String) {
    let params = facts.client_params();
    if facts.client_cert {
        (
            format!("the server refused the client certificate ({detail})"),
            format!(
                "set {params} to a certificate the server trusts (signed by the CA of its ssl_ca_file, for the user you connect as)"
            ),
        )
    } else {
        (
            format!("the server requires a client certificate ({detail})"),
            format!("set {params} in the URL to your client certificate and its key"),
        )
    }
}

fn name_mismatch(facts: &TlsFacts, presented: &[String]) -> (String, String) {
    let names: Vec<String> = presented.iter().map(|p| general_name(p)).collect();
    let mut cause = if names.is_empty() {
        format!(
            "the server's certificate is not valid for the host name {}",
            facts.host
        )
    } else {
        format!(
            "the server's certificate is for {}, not for the host name {} in the URL",
            names.join(", "),
            facts.host
        )
    };
    // sqlx 0.8.6 skips the name check of verify-ca / VERIFY_CA only for
    // rustls' old error variant, so those modes check the name as well
    // (sqlx issue 3793); say so rather than suggest them.
    if facts
        .mode
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("verify-ca") || m.eq_ignore_ascii_case("verify_ca"))
    {
        cause.push_str(" (this version checks the name in verify-ca mode too)");
    }
    let fix = match names.first() {
        Some(n) => format!(
            "connect as {n}, a name the certificate holds (add it to /etc/hosts if it does not resolve here)"
        ),
        None => "connect with the host name the server's certificate was made for".to_owned(),
    };
    (cause, fix)
}

/// `localhost` from webpki's `DnsName("localhost")`, `10.0.0.1` from
/// `IpAddress(10.0.0.1)`.
fn general_name(debug: &str) -> String {
    let inner = debug
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or(debug);
    inner.trim_matches('"').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_names_are_unwrapped() {
        assert_eq!(general_name(r#"DnsName("localhost")"#), "localhost");
        assert_eq!(general_name("IpAddress(127.0.0.1)"), "127.0.0.1");
        assert_eq!(general_name("DirectoryName"), "DirectoryName");
    }
}
