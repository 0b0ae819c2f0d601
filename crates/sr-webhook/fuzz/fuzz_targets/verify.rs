//! Arbitrary signatures, timestamps, keys and bodies through every verifier.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sr_webhook::verify;

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
    let _ = verify::github(headers, key, body);
    let _ = verify::jira(headers, key, body);
    let _ = verify::gitlab(headers, key, body, 1_700_000_000, Some(300));
});
