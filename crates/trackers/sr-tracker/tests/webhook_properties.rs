//! Properties of the signature schemes over arbitrary input: never a
//! panic, a correct signature always verifies, any flipped bit never does.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sr_tracker::webhook::Signature;

const HUB_SIGNATURE_256: Signature = Signature::HmacSha256Hex {
    header: "X-Hub-Signature-256",
    prefix: "sha256=",
};
const HUB_SIGNATURE: Signature = Signature::HmacSha256Hex {
    header: "X-Hub-Signature",
    prefix: "sha256=",
};
const LINEAR: Signature = Signature::HmacSha256HexBodyTime {
    header: "Linear-Signature",
    field: "webhookTimestamp",
    window_s: 60,
};
const ALL: [Signature; 5] = [
    HUB_SIGNATURE_256,
    HUB_SIGNATURE,
    Signature::Token {
        header: "X-Gitlab-Token",
    },
    Signature::StandardWebhooks,
    LINEAR,
];

fn sign(key: &[u8], body: &[u8]) -> String {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

proptest! {
    #[test]
    fn arbitrary_headers_and_bodies_never_panic(
        sig in ".{0,80}",
        id in ".{0,20}",
        ts in ".{0,12}",
        body in proptest::collection::vec(any::<u8>(), 0..512),
        key in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let h: &[(&str, &str)] = &[
            ("X-Hub-Signature-256", &sig), ("X-Hub-Signature", &sig), ("X-Gitlab-Token", &sig),
            ("webhook-id", &id), ("webhook-timestamp", &ts), ("webhook-signature", &sig),
            ("Linear-Signature", &sig),
        ];
        for s in ALL {
            let _ = s.verify(h, &key, &body, 0, Some(300));
        }
    }

    #[test]
    fn a_correct_signature_verifies_and_a_flipped_bit_does_not(
        body in proptest::collection::vec(any::<u8>(), 1..2048),
        key in proptest::collection::vec(any::<u8>(), 1..64),
        bit in any::<usize>(),
    ) {
        let sig = sign(&key, &body);
        let h: &[(&str, &str)] = &[("X-Hub-Signature-256", &sig), ("X-Hub-Signature", &sig)];
        prop_assert!(HUB_SIGNATURE_256.verify(h, &key, &body, 0, None).is_ok());
        prop_assert!(HUB_SIGNATURE.verify(h, &key, &body, 0, None).is_ok());
        let mut flipped = body.clone();
        let i = bit % (body.len() * 8);
        flipped[i / 8] ^= 1 << (i % 8);
        prop_assert!(HUB_SIGNATURE_256.verify(h, &key, &flipped, 0, None).is_err());
        let mut wrong_key = key.clone();
        wrong_key[0] ^= 1;
        prop_assert!(HUB_SIGNATURE_256.verify(h, &wrong_key, &body, 0, None).is_err());
    }

    /// Linear's scheme: any text around a send time, signed, verifies at
    /// that time; a flipped bit or a minute and a second later does not.
    #[test]
    fn a_linear_delivery_verifies_only_signed_and_fresh(
        title in "[a-zA-Z0-9 ]{0,40}",
        sent_s in 1_600_000_000i64..1_900_000_000,
        key in proptest::collection::vec(any::<u8>(), 1..64),
        bit in any::<usize>(),
    ) {
        let body = format!(r#"{{"type":"Issue","data":{{"title":"{title}"}},"webhookTimestamp":{}}}"#, sent_s * 1000);
        let body = body.as_bytes();
        let sig = sign(&key, body);
        let hex_only = sig.trim_start_matches("sha256=");
        let h: &[(&str, &str)] = &[("Linear-Signature", hex_only)];
        prop_assert!(LINEAR.verify(h, &key, body, sent_s + 30, None).is_ok());
        prop_assert!(LINEAR.verify(h, &key, body, sent_s + 61, None).is_err());
        let mut flipped = body.to_vec();
        let i = bit % (body.len() * 8);
        flipped[i / 8] ^= 1 << (i % 8);
        prop_assert!(LINEAR.verify(h, &key, &flipped, sent_s, None).is_err());
    }
}
