//! Webhook health: a tracker whose webhook is not registered, or has been
//! silent longer than expected, is "webhook inactive" and polled more often.

use std::time::Duration;

use serde::Serialize;
use sr_model::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum WebhookHealth {
    Active { last_delivery: Timestamp },
    Inactive { reason: InactiveReason },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum InactiveReason {
    /// trackers.json has no webhook for the tracker.
    NotRegistered,
    /// Registered, but nothing has arrived yet.
    NeverDelivered,
    /// Nothing has arrived since this time.
    Silent { last_delivery: Timestamp },
}

impl WebhookHealth {
    pub fn is_active(&self) -> bool {
        matches!(self, WebhookHealth::Active { .. })
    }

    /// One line for `sync status`.
    pub fn describe(&self) -> String {
        match self {
            WebhookHealth::Active { last_delivery } => {
                format!("webhook active (last delivery {})", last_delivery.format("%Y-%m-%d %H:%M UTC"))
            }
            WebhookHealth::Inactive { reason } => match reason {
                InactiveReason::NotRegistered => {
                    "webhook inactive: none registered (`scratchrobin webhook register`); polling more often".into()
                }
                InactiveReason::NeverDelivered => {
                    "webhook inactive: registered but nothing delivered yet; polling more often".into()
                }
                InactiveReason::Silent { last_delivery } => format!(
                    "webhook inactive: silent since {}; check the webhook's deliveries in the tracker; polling more often",
                    last_delivery.format("%Y-%m-%d %H:%M UTC")
                ),
            },
        }
    }
}

/// The health of a tracker's webhook at `now`.
pub fn webhook_health(
    registered: bool,
    last_delivery: Option<Timestamp>,
    now: Timestamp,
    silence_limit: Duration,
) -> WebhookHealth {
    let limit = chrono::Duration::from_std(silence_limit).unwrap_or(chrono::Duration::MAX);
    match (registered, last_delivery) {
        (_, Some(t)) if now - t <= limit => WebhookHealth::Active { last_delivery: t },
        (_, Some(t)) => WebhookHealth::Inactive {
            reason: InactiveReason::Silent { last_delivery: t },
        },
        (false, None) => WebhookHealth::Inactive {
            reason: InactiveReason::NotRegistered,
        },
        (true, None) => WebhookHealth::Inactive {
            reason: InactiveReason::NeverDelivered,
        },
    }
}

/// The poll interval for a tracker: as configured while its webhook
/// delivers, `divisor` times more often (at least a minute apart) while not.
pub fn poll_interval(configured: Duration, health: &WebhookHealth, divisor: u32) -> Duration {
    if health.is_active() {
        return configured;
    }
    (configured / divisor.max(1)).max(Duration::from_secs(60).min(configured))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default()
    }

    fn check(registered: bool, last: Option<i64>, expected: WebhookHealth, interval_s: u64) {
        let got = webhook_health(
            registered,
            last.map(at),
            at(10_000),
            Duration::from_secs(3600),
        );
        assert_eq!(got, expected, "{registered} {last:?}");
        assert_eq!(
            poll_interval(Duration::from_secs(600), &got, 2),
            Duration::from_secs(interval_s)
        );
    }

    #[test]
    fn health_from_registration_and_deliveries() {
        use InactiveReason::*;
        let inactive = |reason| WebhookHealth::Inactive { reason };
        check(false, None, inactive(NotRegistered), 300);
        check(true, None, inactive(NeverDelivered), 300);
        check(
            true,
            Some(9_000),
            WebhookHealth::Active {
                last_delivery: at(9_000),
            },
            600,
        );
        check(
            true,
            Some(6_400),
            WebhookHealth::Active {
                last_delivery: at(6_400),
            },
            600,
        );
        check(
            true,
            Some(6_399),
            inactive(Silent {
                last_delivery: at(6_399),
            }),
            300,
        );
        // Deliveries arrive even though the file does not name the webhook.
        check(
            false,
            Some(9_999),
            WebhookHealth::Active {
                last_delivery: at(9_999),
            },
            600,
        );
    }

    #[test]
    fn intervals_never_drop_below_a_minute() {
        let inactive = WebhookHealth::Inactive {
            reason: InactiveReason::NotRegistered,
        };
        let check = |configured: u64, expected: u64| {
            assert_eq!(
                poll_interval(Duration::from_secs(configured), &inactive, 4),
                Duration::from_secs(expected),
                "{configured}"
            );
        };
        check(3600, 900);
        check(120, 60);
        check(60, 60);
        check(30, 30);
    }
}
