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
const ALL: [Signature; 4] = [
    HUB_SIGNATURE_256,
    HUB_SIGNATURE,
    Signature::Token {
        header: "X-Gitlab-Token",
    },
    Signature::StandardWebhooks,
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
}
