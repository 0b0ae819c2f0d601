//! Database URLs: which dialect one speaks, and the form of it that is safe
//! to show (no password).

use sr_schema::Dialect;

/// The dialect a URL's scheme names, if it names one we speak.
pub fn dialect_of_url(url: &str) -> Option<Dialect> {
    let scheme = url.split_once(':')?.0.to_ascii_lowercase();
    match scheme.as_str() {
        "sqlite" => Some(Dialect::Sqlite),
        "postgres" | "postgresql" => Some(Dialect::Postgres),
        "mysql" | "mariadb" => Some(Dialect::MySql),
        _ => None,
    }
}

/// The URL with any password replaced by `***`: the one in
/// `scheme://user:password@host` and any `password=` query parameter.
/// Everything else is kept so the message still says where we went.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let auth_start = scheme_end + 3;
        let rest = &out[auth_start..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@')
            && let Some(colon) = rest[..at].find(':')
        {
            out.replace_range(auth_start + colon + 1..auth_start + at, "***");
        }
    }
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let redacted: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        out = format!("{head}{}", redacted.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, expected: &str) {
        assert_eq!(redact_url(url), expected, "{url}");
    }

    #[test]
    fn passwords_are_redacted() {
        check(
            "postgres://bob:s3cret@127.0.0.1:5432/shop",
            "postgres://bob:***@127.0.0.1:5432/shop",
        );
        check(
            "mysql://bob:p@ss:w@rd@localhost/shop",
            "mysql://bob:***@localhost/shop",
        );
        check(
            "postgres://bob@localhost/shop",
            "postgres://bob@localhost/shop",
        );
        check(
            "postgres://localhost/shop?user=bob&password=s3cret&sslmode=disable",
            "postgres://localhost/shop?user=bob&password=***&sslmode=disable",
        );
        check(
            "sqlite:///tmp/a@b:c/demo.sqlite",
            "sqlite:///tmp/a@b:c/demo.sqlite",
        );
        check("sqlite::memory:", "sqlite::memory:");
    }

    #[test]
    fn dialects_from_schemes() {
        let cases = [
            ("sqlite://demo.sqlite", Some(Dialect::Sqlite)),
            ("sqlite::memory:", Some(Dialect::Sqlite)),
            ("postgres://x/y", Some(Dialect::Postgres)),
            ("postgresql://x/y", Some(Dialect::Postgres)),
            ("mysql://x/y", Some(Dialect::MySql)),
            ("MariaDB://x/y", Some(Dialect::MySql)),
            ("oracle://x/y", None),
            ("demo", None),
        ];
        for (url, want) in cases {
            assert_eq!(dialect_of_url(url), want, "{url}");
        }
    }
}
