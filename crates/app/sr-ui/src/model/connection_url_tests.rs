//! The connection form's URL mapping as tables: a URL read into fields
//! (shown as `field=value` words) and written back, and fields written
//! as a URL.

use super::*;

/// The non-empty fields of `f` as `name=value` words, in form order.
fn words(f: &UrlFields, password: Option<&str>) -> String {
    let mut out = vec![format!("dialect={:?}", f.dialect)];
    let mut push = |name: &str, value: &str| {
        if !value.is_empty() {
            out.push(format!("{name}={value}"));
        }
    };
    push("scheme", f.scheme.as_deref().unwrap_or_default());
    push("host", &f.host);
    push("port", &f.port);
    push("database", &f.database);
    push("user", &f.user);
    push("tls", &f.tls_mode);
    push("ca", &f.ca_file);
    push("path", &f.path);
    push("options", &f.options);
    push("password", password.unwrap_or_default());
    out.join(" ")
}

/// Reads `url`, compares the fields with `expected`, then writes them
/// back and compares with `rebuilt` (the URL without its password).
fn check(url: &str, expected: &str, rebuilt: &str) {
    let parsed = parse_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(
        words(&parsed.fields, parsed.password.as_deref()),
        expected,
        "{url}"
    );
    assert_eq!(
        build_url(&parsed.fields).as_deref(),
        Ok(rebuilt),
        "{url} written back"
    );
}

#[test]
fn urls_read_into_fields_and_back() {
    check(
        "postgres://app@db.example.com:5432/shop",
        "dialect=Postgres scheme=postgres host=db.example.com port=5432 database=shop user=app",
        "postgres://app@db.example.com:5432/shop",
    );
    // A pasted password leaves the URL for the password field, decoded.
    check(
        "postgresql://app:p%40ss%3Aw@db/shop?sslmode=VERIFY-FULL&sslrootcert=/etc/ssl/ca.pem",
        "dialect=Postgres scheme=postgresql host=db database=shop user=app tls=verify-full ca=/etc/ssl/ca.pem password=p@ss:w",
        "postgresql://app@db/shop?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem",
    );
    check(
        "postgres://db/shop?user=app&password=s3cret&connect_timeout=5",
        "dialect=Postgres scheme=postgres host=db database=shop user=app options=connect_timeout=5 password=s3cret",
        "postgres://app@db/shop?connect_timeout=5",
    );
    check(
        "mariadb://root@[::1]:3307/my%20db?ssl-mode=verify_identity&ssl-ca=/ca%20dir/ca.pem",
        "dialect=MySql scheme=mariadb host=::1 port=3307 database=my db user=root tls=VERIFY_IDENTITY ca=/ca dir/ca.pem",
        "mariadb://root@[::1]:3307/my%20db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/ca%20dir/ca.pem",
    );
    check(
        "mysql://app@h/crm?sslmode=required&sslca=/ca.pem",
        "dialect=MySql scheme=mysql host=h database=crm user=app tls=REQUIRED ca=/ca.pem",
        "mysql://app@h/crm?ssl-mode=REQUIRED&ssl-ca=/ca.pem",
    );
    check(
        "sqlite:///home/me/shop%3F.db?mode=ro",
        "dialect=Sqlite scheme=sqlite path=/home/me/shop?.db options=mode=ro",
        "sqlite:///home/me/shop%3F.db?mode=ro",
    );
    check(
        "sqlite:data/shop.db",
        "dialect=Sqlite scheme=sqlite path=data/shop.db",
        "sqlite://data/shop.db",
    );
    check(
        "  postgres://h  ",
        "dialect=Postgres scheme=postgres host=h",
        "postgres://h",
    );
}

#[test]
fn what_is_not_a_database_url_says_what_to_write() {
    let err = |url: &str| parse_url(url).err().unwrap_or_default();
    assert!(
        err("shop").contains("is not a database URL"),
        "{}",
        err("shop")
    );
    assert!(
        err("http://x").contains("use postgres://"),
        "{}",
        err("http://x")
    );
    assert!(
        err("postgres://a b@/").contains("cannot be read"),
        "{}",
        err("postgres://a b@/")
    );
}

fn server(dialect: Dialect) -> UrlFields {
    UrlFields {
        dialect,
        host: "db.example.com".into(),
        database: "shop".into(),
        user: "app".into(),
        ..UrlFields::default()
    }
}

/// Writes `fields` and compares with `expected`: the URL, or the problems
/// as `Field: message` lines.
fn check_build(fields: UrlFields, expected: &[&str]) {
    let got: Vec<String> = match build_url(&fields) {
        Ok(url) => vec![url],
        Err(problems) => problems
            .iter()
            .map(|p| format!("{:?}: {}", p.field, p.message))
            .collect(),
    };
    assert_eq!(got, expected, "{fields:?}");
}

#[test]
fn fields_make_urls_with_what_needs_encoding_encoded() {
    check_build(
        server(Dialect::Postgres),
        &["postgres://app@db.example.com/shop"],
    );
    check_build(
        UrlFields {
            user: "ann@corp".into(),
            database: "sales/2026 q1".into(),
            port: " 6543 ".into(),
            tls_mode: "require".into(),
            ca_file: "/etc/ca & co.pem".into(),
            ..server(Dialect::Postgres)
        },
        &[
            "postgres://ann%40corp@db.example.com:6543/sales%2F2026%20q1?sslmode=require&sslrootcert=/etc/ca%20%26%20co.pem",
        ],
    );
    check_build(
        UrlFields {
            host: "::1".into(),
            tls_mode: "verify_ca".into(),
            ..server(Dialect::MySql)
        },
        &["mysql://app@[::1]/shop?ssl-mode=VERIFY_CA"],
    );
    check_build(
        UrlFields {
            scheme: Some("postgresql".into()),
            ..server(Dialect::MySql)
        },
        &["mysql://app@db.example.com/shop"],
    );
    check_build(
        UrlFields {
            dialect: Dialect::Sqlite,
            path: "/srv/data/shop #1.db".into(),
            ..UrlFields::default()
        },
        &["sqlite:///srv/data/shop %231.db"],
    );
    check_build(
        UrlFields {
            host: String::new(),
            user: "app".into(),
            port: "5433".into(),
            options: "host=/var/run/postgresql".into(),
            ..server(Dialect::Postgres)
        },
        &["postgres:///shop?user=app&port=5433&host=/var/run/postgresql"],
    );
}

#[test]
fn problems_name_their_field_and_the_fix() {
    check_build(
        UrlFields {
            host: " ".into(),
            port: "99999".into(),
            tls_mode: "strict".into(),
            options: "password=x".into(),
            ..server(Dialect::Postgres)
        },
        &[
            "Host: Enter the server's host name or address.",
            "Port: \"99999\" is not a port; write a number from 1 to 65535, or leave it empty for 5432",
            "TlsMode: \"strict\" is not a TLS mode of PostgreSQL; choose one of disable, prefer, require, verify-ca, verify-full",
            "Options: the options hold a password; type it in the password field, so it goes to the keyring",
        ],
    );
    check_build(
        UrlFields {
            host: "db.example.com/shop".into(),
            options: "sslcert".into(),
            ..server(Dialect::MySql)
        },
        &[
            "Host: \"db.example.com/shop\" is not a host name; write only the name or address, e.g. db.example.com",
            "Options: \"sslcert\" is not a parameter; write key=value pairs joined by &",
        ],
    );
    check_build(
        UrlFields {
            dialect: Dialect::Sqlite,
            ..UrlFields::default()
        },
        &["Path: Choose the SQLite database file."],
    );
    let missing = url_problems(&UrlFields::default());
    assert!(missing.iter().all(|p| p.missing), "{missing:?}");
}

#[test]
fn environment_labels_take_a_tone() {
    for (label, tone) in [
        ("production", Tone::Danger),
        ("Prod-EU", Tone::Danger),
        ("live", Tone::Danger),
        ("staging", Tone::Caution),
        ("pre-prod", Tone::Caution),
        ("UAT", Tone::Caution),
        ("dev", Tone::Neutral),
        ("", Tone::Neutral),
    ] {
        assert_eq!(environment_tone(label), tone, "{label}");
    }
}
