//! What the listener needs to know: where to listen, its limits, and each
//! tracker's secret.

use std::net::SocketAddr;
use std::time::Duration;

use sr_secrets::Secret;

/// One tracker that may receive webhooks.
#[derive(Debug, Clone)]
pub struct HookTracker {
    /// The configured name ("Company Jira"); the second path segment.
    pub name: String,
    /// `github`, `gitlab` or `jira`; the first path segment.
    pub provider: String,
    /// The shared secret; `None` refuses every delivery unless
    /// `accept_unsigned` is set.
    pub secret: Option<Secret>,
    pub accept_unsigned: bool,
    /// For GitLab's Standard Webhooks signature: the allowed clock skew.
    pub timestamp_tolerance_s: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct ListenerConfig {
    pub addr: SocketAddr,
    /// Larger bodies get 413.
    pub body_limit: usize,
    /// Requests per minute from one source address before 429.
    pub rate_limit_per_minute: u32,
    /// Time to receive a whole request body before 408.
    pub request_timeout: Duration,
    /// Processing attempts before a delivery is marked failed.
    pub max_attempts: u32,
    /// A delivery claimed longer ago than this belongs to a processor that
    /// died (or was killed) and is taken over.
    pub claim_timeout_s: i64,
    /// On shutdown, how long the processor may take to finish the
    /// deliveries already acknowledged before it is stopped and its claims
    /// are released for the next process.
    pub shutdown_grace: Duration,
    pub trackers: Vec<HookTracker>,
}

impl ListenerConfig {
    pub fn new(addr: SocketAddr, trackers: Vec<HookTracker>) -> Self {
        ListenerConfig {
            addr,
            body_limit: 1024 * 1024,
            rate_limit_per_minute: 600,
            request_timeout: Duration::from_secs(10),
            max_attempts: 3,
            claim_timeout_s: 60,
            shutdown_grace: Duration::from_secs(30),
            trackers,
        }
    }

    /// The default listen address of the product spec.
    pub fn default_addr() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 8080))
    }
}
