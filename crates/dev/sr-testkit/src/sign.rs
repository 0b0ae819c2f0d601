//! Webhook signatures made by an implementation that is not ours, so a
//! test of our verification cannot agree with itself by mistake:
//! `openssl dgst` computes the HMAC.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// HMAC-SHA256 of `body` under `key`, in lowercase hex, by `openssl dgst`.
pub fn openssl_hmac_sha256_hex(key: &str, body: &[u8]) -> Result<String> {
    let command = "openssl dgst -sha256 -hmac KEY -r".to_owned();
    let spawn_failed = |source| Error::Spawn {
        command: command.clone(),
        source,
    };
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha256", "-hmac", key, "-r"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_failed)?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(body).map_err(spawn_failed)?;
    }
    let out = child.wait_with_output().map_err(spawn_failed)?;
    let text = String::from_utf8_lossy(&out.stdout);
    match text.split_whitespace().next() {
        Some(hex) if out.status.success() => Ok(hex.to_owned()),
        _ => Err(Error::CommandFailed {
            command,
            status: out.status.to_string(),
            output: format!("{text}{}", String::from_utf8_lossy(&out.stderr)),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test case 2.
    #[test]
    fn agrees_with_the_rfc() {
        assert_eq!(
            openssl_hmac_sha256_hex("Jefe", b"what do ya want for nothing?").unwrap(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
