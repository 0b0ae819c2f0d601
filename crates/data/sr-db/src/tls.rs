//! What a server URL asks of TLS: libpq's `sslmode`, `sslrootcert`,
//! `sslcert`, `sslkey` for PostgreSQL and MySQL's `ssl-mode`, `ssl-ca`,
//! `ssl-cert`, `ssl-key`, read once before connecting. The values are
//! checked here (a mode sqlx would reject with a bare parse error, a CA
//! file that is missing or holds no certificate, a client certificate
//! without its key), and what was asked is kept as [`TlsFacts`] so that
//! [`crate::diagnose`] can name the setting to change when a handshake
//! fails.
//!
//! sqlx does the TLS itself (rustls with the platform's trust roots, plus
//! the CA file when one is named); this module never opens a socket.

use std::path::Path;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use sr_schema::Dialect;

/// What the URL asked of TLS, for explaining a failure.
#[derive(Debug, Clone)]
pub(crate) struct TlsFacts {
    pub dialect: Dialect,
    /// The host name the certificate is checked against.
    pub host: String,
    /// The mode as written (`verify-full`, `VERIFY_IDENTITY`), if any.
    pub mode: Option<String>,
    /// The parameter naming the CA file, as written, and its value.
    pub ca: Option<(String, String)>,
    /// Whether a client certificate is offered.
    pub client_cert: bool,
}

impl TlsFacts {
    /// `sslmode` or `ssl-mode`.
    pub fn mode_param(&self) -> &'static str {
        match self.dialect {
            Dialect::MySql => "ssl-mode",
            _ => "sslmode",
        }
    }

    /// The CA parameter the user wrote, or the usual one for the dialect.
    pub fn ca_param(&self) -> &str {
        match (&self.ca, self.dialect) {
            (Some((name, _)), _) => name,
            (None, Dialect::MySql) => "ssl-ca",
            (None, _) => "sslrootcert",
        }
    }

    /// The client certificate parameters of the dialect.
    pub fn client_params(&self) -> &'static str {
        match self.dialect {
            Dialect::MySql => "ssl-cert and ssl-key",
            _ => "sslcert and sslkey",
        }
    }

    /// The mode that asks for TLS without checking the certificate, and
    /// the one that checks everything.
    pub fn require_modes(&self) -> (&'static str, &'static str) {
        match self.dialect {
            Dialect::MySql => ("ssl-mode=REQUIRED", "ssl-mode=VERIFY_IDENTITY"),
            _ => ("sslmode=require", "sslmode=verify-full"),
        }
    }
}

/// PostgreSQL's modes, as libpq spells them (`allow` is accepted and
/// treated like `prefer`'s plain fallback by sqlx).
const PG_MODES: &[&str] = &[
    "disable",
    "allow",
    "prefer",
    "require",
    "verify-ca",
    "verify-full",
];

/// MySQL's modes (case does not matter).
const MYSQL_MODES: &[&str] = &[
    "DISABLED",
    "PREFERRED",
    "REQUIRED",
    "VERIFY_CA",
    "VERIFY_IDENTITY",
];

/// A TLS setting that cannot work: what is wrong and what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadTls {
    pub cause: String,
    pub fix: String,
}

/// Reads and checks the TLS parameters of a PostgreSQL or MySQL URL.
/// Returns the URL to hand to sqlx (libpq's `sslrootcert=system`, which
/// sqlx does not know, is taken out: the system's roots are always
/// trusted) and the facts.
pub(crate) fn read_tls(url: &str, dialect: Dialect) -> Result<(String, TlsFacts), BadTls> {
    let parsed = match url::Url::parse(url) {
        Ok(u) => u,
        // sqlx reports an unparsable URL in its own words.
        Err(_) => {
            return Ok((
                url.to_owned(),
                TlsFacts {
                    dialect,
                    host: String::new(),
                    mode: None,
                    ca: None,
                    client_cert: false,
                },
            ));
        }
    };
    let mut facts = TlsFacts {
        dialect,
        host: parsed.host_str().unwrap_or("localhost").to_owned(),
        mode: None,
        ca: None,
        client_cert: false,
    };
    let (mode_keys, ca_keys, cert_keys, key_keys): (&[&str], &[&str], &[&str], &[&str]) =
        match dialect {
            Dialect::MySql => (
                &["sslmode", "ssl-mode"],
                &["sslca", "ssl-ca"],
                &["sslcert", "ssl-cert"],
                &["sslkey", "ssl-key"],
            ),
            _ => (
                &["sslmode", "ssl-mode"],
                &["sslrootcert", "ssl-root-cert", "ssl-ca"],
                &["sslcert", "ssl-cert"],
                &["sslkey", "ssl-key"],
            ),
        };
    let mut cert: Option<(String, String)> = None;
    let mut key: Option<(String, String)> = None;
    let mut system_roots = false;
    for (k, v) in parsed.query_pairs() {
        let (k, v) = (k.into_owned(), v.into_owned());
        if dialect == Dialect::Postgres && k == "host" && !v.starts_with('/') {
            facts.host = v.clone();
        }
        if mode_keys.contains(&k.as_str()) {
            check_mode(&k, &v, dialect)?;
            facts.mode = Some(v);
        } else if ca_keys.contains(&k.as_str()) {
            if dialect == Dialect::Postgres && v == "system" {
                system_roots = true;
            } else {
                check_ca_file(&k, &v)?;
                facts.ca = Some((k, v));
            }
        } else if cert_keys.contains(&k.as_str()) {
            check_readable(&k, &v, "client certificate")?;
            cert = Some((k, v));
        } else if key_keys.contains(&k.as_str()) {
            check_readable(&k, &v, "client key")?;
            key = Some((k, v));
        }
    }
    match (&cert, &key) {
        (Some((name, _)), None) | (None, Some((name, _))) => {
            return Err(BadTls {
                cause: format!("{name} is set without its pair"),
                fix: format!(
                    "give both {} (the client certificate and its private key)",
                    facts.client_params()
                ),
            });
        }
        _ => facts.client_cert = cert.is_some(),
    }
    let url = if system_roots {
        without_param(&parsed, ca_keys)
    } else {
        url.to_owned()
    };
    Ok((url, facts))
}

fn check_mode(key: &str, value: &str, dialect: Dialect) -> Result<(), BadTls> {
    let (known, example) = match dialect {
        Dialect::MySql => (MYSQL_MODES, "VERIFY_IDENTITY"),
        _ => (PG_MODES, "verify-full"),
    };
    let ok = match dialect {
        Dialect::MySql => known.iter().any(|m| m.eq_ignore_ascii_case(value)),
        _ => known.contains(&value),
    };
    if ok {
        return Ok(());
    }
    Err(BadTls {
        cause: format!("{key}={value} is not a TLS mode"),
        fix: format!(
            "write {key}= one of {} (for example {key}={example})",
            known.join(", ")
        ),
    })
}

/// The CA file must exist and hold at least one PEM certificate (inline
/// PEM, which sqlx also accepts, is checked the same way).
fn check_ca_file(key: &str, value: &str) -> Result<(), BadTls> {
    let inline = value.trim_start().starts_with("-----BEGIN");
    let pem = if inline {
        value.as_bytes().to_vec()
    } else {
        std::fs::read(value).map_err(|e| BadTls {
            cause: format!("the CA file named by {key} ({value}) cannot be read ({e})"),
            fix: format!(
                "set {key} to the PEM file of the certificate authority that signed the server's certificate"
            ),
        })?
    };
    let certs = CertificateDer::pem_slice_iter(&pem)
        .filter(Result::is_ok)
        .count();
    if certs == 0 {
        return Err(BadTls {
            cause: format!("the CA file named by {key} ({value}) holds no PEM certificate"),
            fix: format!(
                "point {key} at a PEM file (-----BEGIN CERTIFICATE-----) of the certificate authority"
            ),
        });
    }
    Ok(())
}

fn check_readable(key: &str, value: &str, what: &str) -> Result<(), BadTls> {
    if value.trim_start().starts_with("-----BEGIN") {
        return Ok(());
    }
    std::fs::File::open(Path::new(value))
        .map(drop)
        .map_err(|e| BadTls {
            cause: format!("the {what} file named by {key} ({value}) cannot be read ({e})"),
            fix: format!("set {key} to a readable PEM file"),
        })
}

/// The URL without the query parameters named in `keys`.
fn without_param(url: &url::Url, keys: &[&str]) -> String {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !keys.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut out = url.clone();
    if kept.is_empty() {
        out.set_query(None);
    } else {
        out.query_pairs_mut().clear().extend_pairs(kept);
    }
    out.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(url: &str, dialect: Dialect) -> BadTls {
        read_tls(url, dialect).expect_err(url)
    }

    #[test]
    fn modes_are_checked_per_dialect() {
        let pg = "postgres://u@db.example.com/shop";
        for mode in PG_MODES {
            let (_, facts) = read_tls(&format!("{pg}?sslmode={mode}"), Dialect::Postgres).unwrap();
            assert_eq!(facts.mode.as_deref(), Some(*mode));
            assert_eq!(facts.host, "db.example.com");
        }
        let e = bad(&format!("{pg}?sslmode=verify_full"), Dialect::Postgres);
        assert_eq!(e.cause, "sslmode=verify_full is not a TLS mode");
        assert!(e.fix.contains("verify-full"), "{}", e.fix);
        let my = "mysql://u@db/shop";
        read_tls(&format!("{my}?ssl-mode=verify_identity"), Dialect::MySql).unwrap();
        let e = bad(&format!("{my}?ssl-mode=verify-full"), Dialect::MySql);
        assert!(e.fix.contains("VERIFY_IDENTITY"), "{}", e.fix);
    }

    #[test]
    fn files_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("ca.pem");
        let e = bad(
            &format!("postgres://u@h/d?sslrootcert={}", missing.display()),
            Dialect::Postgres,
        );
        assert!(
            e.cause.starts_with("the CA file named by sslrootcert"),
            "{e:?}"
        );
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate").unwrap();
        let e = bad(
            &format!("mysql://u@h/d?ssl-ca={}", junk.display()),
            Dialect::MySql,
        );
        assert!(e.cause.contains("holds no PEM certificate"), "{e:?}");
        assert!(e.fix.contains("ssl-ca"), "{e:?}");
        let cert = dir.path().join("client.pem");
        std::fs::write(&cert, "x").unwrap();
        let e = bad(
            &format!("postgres://u@h/d?sslcert={}", cert.display()),
            Dialect::Postgres,
        );
        assert!(e.fix.contains("sslcert and sslkey"), "{e:?}");
    }

    #[test]
    fn system_roots_are_taken_out_of_the_url() {
        let (url, facts) = read_tls(
            "postgres://u@h:5432/d?sslmode=verify-full&sslrootcert=system",
            Dialect::Postgres,
        )
        .unwrap();
        assert_eq!(url, "postgres://u@h:5432/d?sslmode=verify-full");
        assert!(facts.ca.is_none());
        let (url, _) = read_tls("postgres://u@h/d?sslrootcert=system", Dialect::Postgres).unwrap();
        assert_eq!(url, "postgres://u@h/d");
    }
}
