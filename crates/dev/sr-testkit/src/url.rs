//! Small string surgery on database URLs: pointing an admin URL at another
//! database, and hiding a password before a URL goes into a message.

/// `url` with its path replaced by `/database`, keeping the query string.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// `url` with the password, if any, replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    let Some(colon) = rest[..at].find(':') else {
        return url.to_owned();
    };
    format!(
        "{}{}***{}",
        &url[..authority_start],
        &rest[..=colon],
        &rest[at..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_database_replaces_the_path() {
        fn check(url: &str, db: &str, expected: &str) {
            assert_eq!(
                with_database(url, db),
                expected,
                "with_database({url:?}, {db:?})"
            );
        }
        check(
            "postgres://postgres@127.0.0.1:5432/postgres",
            "x",
            "postgres://postgres@127.0.0.1:5432/x",
        );
        check(
            "postgres://u:p@127.0.0.1:5432",
            "x",
            "postgres://u:p@127.0.0.1:5432/x",
        );
        check(
            "mysql://sr_test@127.0.0.1:3306/",
            "x",
            "mysql://sr_test@127.0.0.1:3306/x",
        );
        check(
            "postgres://u@h/db?sslmode=disable",
            "x",
            "postgres://u@h/x?sslmode=disable",
        );
        check(
            "postgres://u@h?sslmode=disable",
            "x",
            "postgres://u@h/x?sslmode=disable",
        );
    }

    #[test]
    fn redact_url_hides_the_password_only() {
        fn check(url: &str, expected: &str) {
            assert_eq!(redact_url(url), expected, "redact_url({url:?})");
        }
        check("postgres://u:secret@h:1/db", "postgres://u:***@h:1/db");
        check(
            "postgres://u:p@ss@h:1/db?x=1",
            "postgres://u:***@h:1/db?x=1",
        );
        check("postgres://u@h:1/db", "postgres://u@h:1/db");
        check("postgres://h:1/db", "postgres://h:1/db");
        check(
            "mysql://sr_test@127.0.0.1:3306",
            "mysql://sr_test@127.0.0.1:3306",
        );
        check("postgres://h/db?user=a@b", "postgres://h/db?user=a@b");
    }
}
