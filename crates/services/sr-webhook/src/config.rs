//! What the listener needs to know: where to listen, its limits (the
//! `listener` section of `CONFIG_DIR/listener.json`, parsed strictly), the
//! proxies it trusts, and each tracker's secret.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use sr_secrets::Secret;
use sr_tracker::WebhookSpec;

use crate::WebhookError;

/// One tracker that may receive webhooks.
#[derive(Debug, Clone)]
pub struct HookTracker {
    /// The configured name ("Company Jira"); the second path segment.
    pub name: String,
    /// The tracker's type (`type` in trackers.json); the first path
    /// segment.
    pub provider: String,
    /// How the type signs and names deliveries; `None` for a type without
    /// webhooks, whose signed deliveries are refused.
    pub webhook: Option<WebhookSpec>,
    /// The shared secret; `None` refuses every delivery unless
    /// `accept_unsigned` is set.
    pub secret: Option<Secret>,
    pub accept_unsigned: bool,
    /// For timestamped signatures (Standard Webhooks): the allowed clock
    /// skew.
    pub timestamp_tolerance_s: Option<i64>,
}

/// The listener's limits, as `listener.json` spells them. Every field is
/// optional; the defaults are what ships.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ListenerLimits {
    /// Larger bodies get 413.
    pub body_limit_bytes: usize,
    /// Time to receive a whole request body before 408.
    pub request_timeout_seconds: f64,
    /// Deliveries that fail verification, per client address and minute,
    /// answered 401; past it they are answered 429 (and logged once).
    /// Verified deliveries are never limited.
    pub failed_verifications_per_minute: u32,
    /// Reverse proxies (addresses or networks, `10.0.0.0/8`) whose
    /// `Forwarded` / `X-Forwarded-For` headers name the client. Requests
    /// from any other peer are counted against the peer's own address.
    pub trusted_proxies: Vec<TrustedProxy>,
    /// Processing attempts before a delivery is marked failed (a delivery
    /// the adapter cannot parse fails at the first).
    pub max_attempts: u32,
    /// A delivery claimed longer ago than this belongs to a processor that
    /// died (or was killed) and is taken over.
    pub claim_timeout_seconds: i64,
    /// On shutdown, how long the processor may take to finish the
    /// deliveries already acknowledged before it is stopped and its claims
    /// are released for the next process.
    pub shutdown_grace_seconds: f64,
    /// Requests a minute each team-API token may make (sr-api); past it,
    /// 429 with Retry-After.
    pub api_requests_per_minute: u32,
}

impl Default for ListenerLimits {
    fn default() -> Self {
        ListenerLimits {
            body_limit_bytes: 1024 * 1024,
            request_timeout_seconds: 10.0,
            failed_verifications_per_minute: 20,
            trusted_proxies: Vec::new(),
            max_attempts: 3,
            claim_timeout_seconds: 60,
            shutdown_grace_seconds: 30.0,
            api_requests_per_minute: 600,
        }
    }
}

impl ListenerLimits {
    pub fn request_timeout(&self) -> Duration {
        seconds(self.request_timeout_seconds)
    }

    pub fn shutdown_grace(&self) -> Duration {
        seconds(self.shutdown_grace_seconds)
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.trusted_proxies.iter().any(|p| p.0.contains(&ip))
    }

    /// Reads the `listener` section of `path`; a missing file is the
    /// defaults. Unknown fields and bad values are errors placed at
    /// `FILE:LINE:COLUMN`.
    pub fn load(path: &Path) -> Result<ListenerLimits, WebhookError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).map_err(|reason| WebhookError::Config {
                path: path.display().to_string(),
                reason,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ListenerLimits::default()),
            Err(e) => Err(WebhookError::Config {
                path: path.display().to_string(),
                reason: format!(" cannot be read: {e}"),
            }),
        }
    }

    /// Parses a `listener.json` text; the error starts `LINE:COLUMN: `.
    pub fn parse(text: &str) -> Result<ListenerLimits, String> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            listener: ListenerLimits,
        }
        let limits = serde_json::from_str::<File>(text)
            .map(|f| f.listener)
            .map_err(|e| {
                let message = e.to_string();
                // serde_json ends its message with " at line L column C".
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(m, _)| m)
                    .to_owned();
                format!("{}:{}: {message}", e.line(), e.column())
            })?;
        for (name, value) in [
            ("request_timeout_seconds", limits.request_timeout_seconds),
            ("shutdown_grace_seconds", limits.shutdown_grace_seconds),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(format!(
                    "1:1: `{name}` is {value}; write a number of seconds, 0 or more"
                ));
            }
        }
        Ok(limits)
    }
}

/// Seconds as a duration; what `parse` refuses (negative, not finite)
/// counts as none.
fn seconds(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).unwrap_or_default()
}

/// One trusted proxy: an address (`192.0.2.7`, `::1`) or a network
/// (`10.0.0.0/8`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedProxy(pub IpNet);

impl std::str::FromStr for TrustedProxy {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        text.parse::<IpNet>()
            .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
            .map(TrustedProxy)
            .map_err(|_| {
                format!(
                    "`{text}` is not an IP address or network; write `192.0.2.7`, `::1` or `10.0.0.0/8`"
                )
            })
    }
}

impl<'de> Deserialize<'de> for TrustedProxy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl Serialize for TrustedProxy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// IPv4 addresses a dual-stack socket reports as `::ffff:a.b.c.d` compare
/// as the IPv4 address they are.
pub(crate) fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[derive(Debug, Clone)]
pub struct ListenerConfig {
    pub addr: SocketAddr,
    pub limits: ListenerLimits,
    pub trackers: Vec<HookTracker>,
}

impl ListenerConfig {
    /// The shipped limits.
    pub fn new(addr: SocketAddr, trackers: Vec<HookTracker>) -> Self {
        ListenerConfig {
            addr,
            limits: ListenerLimits::default(),
            trackers,
        }
    }

    /// The default listen address of the product spec.
    pub fn default_addr() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 8080))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests: a failure is the test failing.
mod tests {
    use super::*;

    #[test]
    fn listener_files() {
        assert_eq!(ListenerLimits::parse("{}"), Ok(ListenerLimits::default()));
        let l = ListenerLimits::parse(
            r#"{"listener": {"failed_verifications_per_minute": 5, "trusted_proxies": ["10.0.0.0/8", "::1"]}}"#,
        )
        .unwrap();
        assert_eq!(l.failed_verifications_per_minute, 5);
        assert!(l.trusts("10.1.2.3".parse().unwrap()));
        assert!(l.trusts("::ffff:10.1.2.3".parse().unwrap()));
        assert!(l.trusts("::1".parse().unwrap()));
        assert!(!l.trusts("11.0.0.1".parse().unwrap()));
        fn err(text: &str) -> String {
            ListenerLimits::parse(text).unwrap_err()
        }
        let e = err("{\"listener\": {\n  \"body_limit\": 5}}");
        assert!(e.starts_with("2:14: unknown field `body_limit`"), "{e}");
        let e = err(r#"{"listener": {"trusted_proxies": ["proxy.local"]}}"#);
        assert!(e.contains("`proxy.local` is not an IP address"), "{e}");
        let e = err(r#"{"listner": {}}"#);
        assert!(e.contains("unknown field `listner`"), "{e}");
    }
}
