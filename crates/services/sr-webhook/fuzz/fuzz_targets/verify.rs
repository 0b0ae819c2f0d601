//! Arbitrary signatures, timestamps, keys and bodies through every
//! signature scheme the adapters' webhook specs use.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sr_tracker::webhook::Signature;

const SCHEMES: [Signature; 4] = [
    Signature::HmacSha256Hex { header: "X-Hub-Signature-256", prefix: "sha256=" },
    Signature::HmacSha256Hex { header: "X-Hub-Signature", prefix: "sha256=" },
    Signature::Token { header: "X-Gitlab-Token" },
    Signature::StandardWebhooks,
];

fuzz_target!(|data: &[u8]| {
    // Split the input into header value, key and body at the first two zero bytes.
    let mut parts = data.splitn(3, |b| *b == 0);
    let sig = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let key = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    let headers: &[(&str, &str)] = &[
        ("X-Hub-Signature-256", &sig),
        ("X-Hub-Signature", &sig),
        ("X-Gitlab-Token", &sig),
        ("webhook-id", &sig),
        ("webhook-timestamp", &sig),
        ("webhook-signature", &sig),
    ];
    for scheme in SCHEMES {
        let _ = scheme.verify(headers, key, body, 1_700_000_000, Some(300));
    }
});
