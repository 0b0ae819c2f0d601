//! Redaction as data: text in, text out.

use serde_json::json;

use super::*;

fn check(input: &str, expected: &str) {
    let s = Redactor::new(&[]).expect("built-in patterns compile");
    assert_eq!(s.redact(input), expected, "{input:?}");
}

fn check_extra(patterns: &[&str], input: &str, expected: &str) {
    let patterns: Vec<String> = patterns.iter().map(|p| (*p).to_owned()).collect();
    let s = Redactor::new(&patterns).expect("patterns compile");
    assert_eq!(s.redact(input), expected, "{input:?}");
}

#[test]
fn connection_strings_lose_their_passwords() {
    check(
        "postgres://app:s3cret@db.internal:5432/shop",
        "postgres://app:***@db.internal:5432/shop",
    );
    check(
        "could not connect to postgresql://u:p%40ss@h/db: refused",
        "could not connect to postgresql://u:***@h/db: refused",
    );
    check(
        "mysql://root:hunter2@127.0.0.1/app",
        "mysql://root:***@127.0.0.1/app",
    );
    check("mariadb://a:b@h", "mariadb://a:***@h");
    check(
        "mongodb+srv://svc:Pa55@cluster0/x",
        "mongodb+srv://svc:***@cluster0/x",
    );
    check(
        "https://user:tok@example.com/repo.git",
        "https://user:***@example.com/repo.git",
    );
    // No password, nothing to redact.
    check("postgres://app@db/shop", "postgres://app@db/shop");
    check("sqlite:///var/db/demo.db", "sqlite:///var/db/demo.db");
    check("see https://example.com/a:b", "see https://example.com/a:b");
}

#[test]
fn settings_named_like_secrets() {
    check(
        "host=db password=hunter2 user=app",
        "host=db password=*** user=app",
    );
    check("PASSWORD = 'hunter2'", "PASSWORD = '***'");
    check("pwd=abc;uid=sa", "pwd=***;uid=sa");
    check("DB_PASSWORD=abc", "DB_PASSWORD=***");
    check("client_secret: xyz123", "client_secret: ***");
    check("api_key=AbC123", "api_key=***");
    check("api-key: AbC123", "api-key: ***");
    check("apikey=AbC123", "apikey=***");
    check("GITHUB_TOKEN=abc", "GITHUB_TOKEN=***");
    check("access_token=abc&x=1", "access_token=***&x=1");
    check(r#"{"password": "hunter2"}"#, r#"{"password": "***"}"#);
    check(
        "aws_secret_access_key = wJalr/K7MDENG",
        "aws_secret_access_key = ***",
    );
    // Words that are not settings stay.
    check("the password reset flow", "the password reset flow");
    check("token expired", "token expired");
}

#[test]
fn authorization_headers() {
    check(
        "Authorization: Bearer abc.def-ghi_123",
        "Authorization: Bearer ***",
    );
    check(
        "authorization: basic dXNlcjpwYXNz",
        "authorization: basic ***",
    );
    check("a bearer of bad news", "a bearer of bad news");
}

#[test]
fn provider_tokens() {
    let gh = format!("ghp_{}", "a1B2".repeat(9));
    check(&format!("token {gh} leaked"), "token *** leaked");
    check(&format!("x {} y", gh.replace("ghp_", "gho_")), "x *** y");
    check(&format!("x {} y", gh.replace("ghp_", "ghs_")), "x *** y");
    let pat = format!("github_pat_11AB_{}", "x9".repeat(20));
    check(&format!("use {pat}"), "use ***");
    check("glpat-abcdefghij0123456789 here", "*** here");
    check("gldt-abcdefghij0123456789", "***");
    let atl = format!("ATATT3xFfGF0{}", "Zz09".repeat(10));
    check(&format!("jira {atl}=ABCD1234"), "jira ***");
    check("key AKIAIOSFODNN7EXAMPLE used", "key *** used");
    check("ASIAIOSFODNN7EXAMPLE", "***");
    check("xoxb-1234567890-abcdef", "***");
    check(
        "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "jwt ***",
    );
    // Too short to be tokens.
    check("ghp_short glpat-x AKIA123", "ghp_short glpat-x AKIA123");
}

#[test]
fn private_keys() {
    check(
        "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\nabc\n-----END RSA PRIVATE KEY-----\nend",
        "key:\n***\nend",
    );
    check(
        "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
    );
}

#[test]
fn configured_patterns() {
    check_extra(
        &[r"\bACME-[0-9]{6}\b"],
        "badge ACME-123456 ok",
        "badge *** ok",
    );
    check_extra(
        &[r"customer=(?P<secret>\w+)"],
        "customer=bob id=3",
        "customer=*** id=3",
    );
    check_extra(&[], "ACME-123456", "ACME-123456");
}

#[test]
fn a_bad_pattern_is_an_error_naming_it() {
    let err = Redactor::new(&["ok".into(), "(unclosed".into()]).expect_err("invalid");
    let text = err.to_string();
    assert!(text.contains("secret pattern 2"), "{text}");
    assert!(
        !text.contains("unclosed") || text.contains("regular expression"),
        "{text}"
    );
}

#[test]
fn values_are_redacted_in_depth() {
    let s = Redactor::new(&[]).expect("built-in patterns compile");
    for (mut input, expected) in [
        (
            json!({"message": "postgres://a:b@h/db", "n": 3}),
            json!({"message": "postgres://a:***@h/db", "n": 3}),
        ),
        (
            json!({"conn": {"password": "hunter2", "user": "app"}}),
            json!({"conn": {"password": "***", "user": "app"}}),
        ),
        (
            json!({"api_key": 12345, "token_set": true, "secret": null, "pwd": ""}),
            json!({"api_key": "***", "token_set": true, "secret": null, "pwd": ""}),
        ),
        (
            json!([{"Authorization": "Bearer abcdefghijk"}, "mysql://r:p@h"]),
            json!([{"Authorization": "Bearer ***"}, "mysql://r:***@h"]),
        ),
        (
            json!({"credentials": {"user": "a", "key": "b"}}),
            json!({"credentials": {"user": "a", "key": "b"}}),
        ),
    ] {
        let before = input.clone();
        s.redact_value(&mut input);
        assert_eq!(input, expected, "{before}");
    }
}

#[test]
fn known_values_are_redacted_whatever_they_look_like() {
    let mut r = Redactor::new(&[]).expect("built-in patterns compile");
    r.add(&Secret::new("s3cr3t-value"));
    r.add(&Secret::new("ab"));
    assert_eq!(
        r.redact("auth s3cr3t-value failed for ab"),
        "auth *** failed for ab"
    );
}
