//! The signature schemes against published vectors (RFC 4231 test case 2,
//! GitHub's documented example, the Standard Webhooks example), not
//! against signatures our own code made.

use super::*;

const HUB: Signature = Signature::HmacSha256Hex {
    header: "X-Hub-Signature-256",
    prefix: "sha256=",
};
const TOKEN: Signature = Signature::Token {
    header: "X-Gitlab-Token",
};

/// RFC 4231, test case 2.
const RFC_KEY: &[u8] = b"Jefe";
const RFC_DATA: &[u8] = b"what do ya want for nothing?";
const RFC_MAC: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

fn spec(signatures: &'static [Signature]) -> WebhookSpec {
    WebhookSpec {
        signatures,
        event_header: Some("X-GitHub-Event"),
        event_field: Some("webhookEvent"),
        delivery_id_headers: &["Idempotency-Key", "X-GitHub-Delivery"],
        form_field: None,
    }
}

#[test]
fn hex_hmac_with_a_prefix() {
    let check = |value: &str, key: &[u8], body: &[u8], want: Result<(), Rejection>| {
        let h: &[(&str, &str)] = &[("x-hub-signature-256", value)];
        assert_eq!(HUB.verify(h, key, body, 0, None), want, "{value}");
    };
    let good = format!("sha256={RFC_MAC}");
    check(&good, RFC_KEY, RFC_DATA, Ok(()));
    check(
        &good,
        RFC_KEY,
        b"what do ya want for nothing!",
        Err(Rejection::Mismatch),
    );
    check(&good, b"jefe", RFC_DATA, Err(Rejection::Mismatch));
    check(
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        b"It's a Secret to Everybody",
        b"Hello, World!",
        Ok(()),
    );
    let malformed = Err(Rejection::Malformed("X-Hub-Signature-256"));
    check(
        &good.replace("sha256=", "sha1="),
        RFC_KEY,
        RFC_DATA,
        malformed.clone(),
    );
    check("", RFC_KEY, RFC_DATA, malformed.clone());
    check("sha256=zz", RFC_KEY, RFC_DATA, malformed);
    check(
        &good[..good.len() - 2],
        RFC_KEY,
        RFC_DATA,
        Err(Rejection::Mismatch),
    );
    let none: &[(&str, &str)] = &[];
    assert_eq!(
        HUB.verify(none, RFC_KEY, RFC_DATA, 0, None),
        Err(Rejection::Missing("X-Hub-Signature-256"))
    );
}

#[test]
fn tokens_and_standard_webhooks_in_order() {
    let gitlab = spec(&[Signature::StandardWebhooks, TOKEN]);
    let h: &[(&str, &str)] = &[("X-Gitlab-Token", "tok")];
    assert_eq!(gitlab.verify(h, b"tok", b"{}", 0, None), Ok(()));
    assert_eq!(
        gitlab.verify(h, b"other", b"{}", 0, None),
        Err(Rejection::Mismatch)
    );
    let none: &[(&str, &str)] = &[];
    assert_eq!(
        gitlab.verify(none, b"tok", b"{}", 0, None),
        Err(Rejection::Missing("X-Gitlab-Token"))
    );
    let secret = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = br#"{"test": 2432232314}"#;
    let h: &[(&str, &str)] = &[
        ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("webhook-timestamp", "1614265330"),
        (
            "webhook-signature",
            "v1,bm9ub25zZW5zZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
        // A token beside the signature is not what decides.
        ("X-Gitlab-Token", "wrong"),
    ];
    assert_eq!(
        gitlab.verify(h, secret, body, 1_614_265_330, Some(300)),
        Ok(())
    );
    assert_eq!(
        gitlab.verify(h, secret, body, 1_614_265_330 + 301, Some(300)),
        Err(Rejection::Stale(300))
    );
    assert_eq!(
        gitlab.verify(h, secret, br#"{"test": 2432232315}"#, 1_614_265_330, None),
        Err(Rejection::Mismatch)
    );
    let no_v1: &[(&str, &str)] = &[
        ("webhook-id", "m"),
        ("webhook-timestamp", "1"),
        ("webhook-signature", "v2,abc"),
    ];
    assert_eq!(
        gitlab.verify(no_v1, secret, body, 1, None),
        Err(Rejection::Malformed("webhook-signature"))
    );
    assert_eq!(
        spec(&[]).verify(h, secret, body, 0, None),
        Err(Rejection::Missing("signature"))
    );
}

#[test]
fn event_names_and_delivery_ids() {
    let s = spec(&[HUB]);
    let h: &[(&str, &str)] = &[("x-github-event", " issues "), ("x-github-delivery", "d-1")];
    let body = serde_json::json!({"webhookEvent": "jira:issue_created"});
    assert_eq!(s.event_name(h, Some(&body)), "issues");
    assert_eq!(s.delivery_id(h, b"{}"), "d-1");
    let none: &[(&str, &str)] = &[("x-github-event", "  ")];
    assert_eq!(s.event_name(none, Some(&body)), "jira:issue_created");
    assert_eq!(s.event_name(none, None), "unknown");
    assert_eq!(
        s.delivery_id(none, b"abc"),
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let both: &[(&str, &str)] = &[("x-github-delivery", "d-1"), ("idempotency-key", "k-1")];
    assert_eq!(s.delivery_id(both, b""), "k-1");
    assert!(s.event_in_body());
}

/// Basic authentication: any user, the secret as the password; the
/// password compared, never the user.
#[test]
fn basic_password() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let sig = Signature::BasicPassword;
    let check = |value: Option<String>| {
        let owned: Vec<(&str, &str)> = value
            .as_deref()
            .map(|v| vec![("Authorization", v)])
            .unwrap_or_default();
        sig.verify(owned.as_slice(), b"s3cret", b"{}", 0, None)
    };
    assert_eq!(
        check(Some(format!("Basic {}", b64("hooks:s3cret")))),
        Ok(())
    );
    assert_eq!(check(Some(format!("Basic {}", b64(":s3cret")))), Ok(()));
    assert_eq!(
        check(Some(format!("Basic {}", b64("s3cret:wrong")))),
        Err(Rejection::Mismatch)
    );
    assert_eq!(
        check(Some(format!("Basic {}", b64("s3cret")))),
        Err(Rejection::Malformed("Authorization"))
    );
    assert_eq!(
        check(Some("Bearer s3cret".into())),
        Err(Rejection::Malformed("Authorization"))
    );
    assert_eq!(check(None), Err(Rejection::Missing("Authorization")));
}

/// Linear's scheme: a bare hex HMAC of the body, and the body's
/// `webhookTimestamp` (ms) within a minute. The MAC was computed with
/// Python's `hmac` module, not with this code.
#[test]
fn hex_hmac_with_a_send_time_in_the_body() {
    const LINEAR: Signature = Signature::HmacSha256HexBodyTime {
        header: "Linear-Signature",
        field: "webhookTimestamp",
        window_s: 60,
    };
    let body: &[u8] = br#"{"action":"create","type":"Issue","webhookTimestamp":1700000000000}"#;
    let good = "91e919dc0fd99df1cae12efef1ca08b082cfa523f101b572ec14ed98863fdf35";
    let h = |v: &str| vec![("linear-signature", v.to_owned())];
    let verify = |headers: &[(String, String)], body: &[u8], now: i64, tol: Option<i64>| {
        let pairs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        LINEAR.verify(pairs.as_slice(), b"lin_wh_secret", body, now, tol)
    };
    let owned = |v: Vec<(&str, String)>| -> Vec<(String, String)> {
        v.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    };
    let now = 1_700_000_000;
    assert_eq!(verify(&owned(h(good)), body, now + 59, None), Ok(()));
    assert_eq!(verify(&owned(h(good)), body, now - 30, None), Ok(()));
    assert_eq!(
        verify(&owned(h(good)), body, now + 61, None),
        Err(Rejection::Stale(60))
    );
    // The listener's five-minute tolerance does not widen Linear's
    // minute; a tighter one narrows it.
    assert_eq!(
        verify(&owned(h(good)), body, now + 200, Some(300)),
        Err(Rejection::Stale(60))
    );
    assert_eq!(
        verify(&owned(h(good)), body, now + 45, Some(30)),
        Err(Rejection::Stale(30))
    );
    let tampered: &[u8] = br#"{"action":"create","type":"Issue","webhookTimestamp":1700000099000}"#;
    assert_eq!(
        verify(&owned(h(good)), tampered, now, None),
        Err(Rejection::Mismatch)
    );
    assert_eq!(
        verify(&owned(h("zz")), body, now, None),
        Err(Rejection::Malformed("Linear-Signature"))
    );
    assert_eq!(
        verify(&[], body, now, None),
        Err(Rejection::Missing("Linear-Signature"))
    );
}
