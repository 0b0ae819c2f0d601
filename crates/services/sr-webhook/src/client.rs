//! Who sent a request, and how many forgeries they have sent.
//!
//! The client is the peer, unless the peer is a trusted proxy: then the
//! proxy's `Forwarded` header (RFC 7239), or `X-Forwarded-For` when there
//! is none, is read from the right, skipping trusted proxies, and the
//! first address that is not one is the client. An entry that is no
//! address (`unknown`, an obfuscated name) ends the walk at the hop after
//! it, since nothing left of it can be believed.
//!
//! Only failed verifications are counted, per client and fixed one-minute
//! window; a verified delivery is never refused for its address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

use crate::config::{ListenerLimits, canonical};

/// The address a request is counted against.
pub(crate) fn client_ip(peer: IpAddr, headers: &HeaderMap, limits: &ListenerLimits) -> IpAddr {
    let peer = canonical(peer);
    if !limits.trusts(peer) {
        return peer;
    }
    let hops = forwarded_for(headers);
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) => {
                client = canonical(*ip);
                if !limits.trusts(client) {
                    return client;
                }
            }
            None => return client,
        }
    }
    client
}

/// The `for=` addresses of every `Forwarded` header in order, or else
/// those of `X-Forwarded-For`; `None` for an entry that is no address.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(value.trim().trim_matches('"')))
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| parse_node(s.trim()))
        .collect()
}

/// `192.0.2.7`, `192.0.2.7:4711`, `[2001:db8::1]`, `[2001:db8::1]:4711`
/// or a bare IPv6 address.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = node.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse().ok()
}

/// Failed verifications per client in fixed one-minute windows.
#[derive(Debug, Default)]
pub(crate) struct Failures {
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// What a failed verification earns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Within the limit: 401, logged.
    Refused,
    /// The first past the limit: 429, logged once for the window.
    Throttled { retry_after: Duration, first: bool },
}

const WINDOW: Duration = Duration::from_secs(60);

/// Past this many clients, windows that have ended are dropped, so a flood
/// from many addresses cannot grow the map without end.
const PRUNE_AT: usize = 4096;

impl Failures {
    /// Counts one failed verification from `client`.
    pub(crate) fn record(&self, client: IpAddr, limit: u32) -> Verdict {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(client).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if entry.1 <= limit {
            Verdict::Refused
        } else {
            Verdict::Throttled {
                retry_after: WINDOW.saturating_sub(now.duration_since(entry.0)),
                first: entry.1 == limit.saturating_add(1),
            }
        }
    }

    /// Clients over `limit` in their current window.
    pub(crate) fn throttled(&self, limit: u32) -> usize {
        let now = Instant::now();
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        windows
            .values()
            .filter(|(start, n)| now.duration_since(*start) < WINDOW && *n > limit)
            .count()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a failure is the test failing.
mod tests {
    use super::*;
    use crate::config::TrustedProxy;

    fn limits(trusted: &[&str]) -> ListenerLimits {
        ListenerLimits {
            trusted_proxies: trusted
                .iter()
                .map(|t| t.parse::<TrustedProxy>().unwrap())
                .collect(),
            ..ListenerLimits::default()
        }
    }

    fn check(peer: &str, headers: &[(&str, &str)], trusted: &[&str], expected: &str) {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        let got = client_ip(peer.parse().unwrap(), &map, &limits(trusted));
        assert_eq!(
            got,
            expected.parse::<IpAddr>().unwrap(),
            "{peer} {headers:?}"
        );
    }

    #[test]
    fn client_addresses() {
        let xff = "x-forwarded-for";
        // An untrusted peer's headers are ignored.
        check("203.0.113.9", &[(xff, "198.51.100.1")], &[], "203.0.113.9");
        check(
            "203.0.113.9",
            &[(xff, "198.51.100.1")],
            &["10.0.0.0/8"],
            "203.0.113.9",
        );
        // A trusted proxy names the client.
        check(
            "10.0.0.2",
            &[(xff, "198.51.100.1")],
            &["10.0.0.0/8"],
            "198.51.100.1",
        );
        // A client cannot pass itself off by prepending addresses.
        check(
            "10.0.0.2",
            &[(xff, "1.1.1.1, 198.51.100.1")],
            &["10.0.0.0/8"],
            "198.51.100.1",
        );
        // Chains of trusted proxies are walked, the rightmost untrusted wins.
        check(
            "10.0.0.2",
            &[(xff, "198.51.100.1, 10.0.0.7")],
            &["10.0.0.0/8"],
            "198.51.100.1",
        );
        // Split over two header lines, in order.
        check(
            "10.0.0.2",
            &[(xff, "198.51.100.1"), (xff, "10.0.0.7")],
            &["10.0.0.0/8"],
            "198.51.100.1",
        );
        // Forwarded wins over X-Forwarded-For; ports, brackets, quotes.
        check(
            "::1",
            &[
                (
                    "forwarded",
                    "for=192.0.2.60;proto=https, For=\"[2001:db8:cafe::17]:4711\"",
                ),
                (xff, "9.9.9.9"),
            ],
            &["::1"],
            "2001:db8:cafe::17",
        );
        check(
            "::ffff:127.0.0.1",
            &[("forwarded", "for=192.0.2.60:80")],
            &["127.0.0.1"],
            "192.0.2.60",
        );
        // Something that is no address stops the walk at the hop after it.
        check(
            "10.0.0.2",
            &[(xff, "198.51.100.1, unknown, 10.0.0.7")],
            &["10.0.0.0/8"],
            "10.0.0.7",
        );
        // A trusted proxy without the header is the client itself.
        check("10.0.0.2", &[], &["10.0.0.0/8"], "10.0.0.2");
    }

    #[test]
    fn failures_are_throttled_per_client() {
        let f = Failures::default();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(f.record(a, 3), Verdict::Refused);
        }
        assert!(matches!(
            f.record(a, 3),
            Verdict::Throttled { first: true, .. }
        ));
        assert!(matches!(
            f.record(a, 3),
            Verdict::Throttled { first: false, .. }
        ));
        assert_eq!(f.record(b, 3), Verdict::Refused);
        assert_eq!(f.throttled(3), 1);
    }
}
