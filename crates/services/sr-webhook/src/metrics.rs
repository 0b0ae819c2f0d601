//! Prometheus metrics: `GET /metrics` renders everything the process
//! records through the `metrics` facade (this crate's deliveries, and the
//! sync, tracker, auto-issue and database-check metrics other crates
//! record), plus gauges of waiting work read from the store at scrape
//! time, so they are right for every process sharing a team store.
//!
//! The first listener of a process installs the Prometheus recorder; a
//! process that already has a recorder keeps it and serves no `/metrics`.
//! The delivery path holds one set of counter handles per tracker, made
//! once, so counting a delivery is a few atomic adds.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Why a request to a tracker's route was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    Signature,
    Throttled,
    TooLarge,
    Timeout,
    MediaType,
    BadForm,
    MalformedJson,
    NotStored,
}

impl Refused {
    const ALL: [Refused; 8] = [
        Refused::Signature,
        Refused::Throttled,
        Refused::TooLarge,
        Refused::Timeout,
        Refused::MediaType,
        Refused::BadForm,
        Refused::MalformedJson,
        Refused::NotStored,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Refused::Signature => "signature",
            Refused::Throttled => "throttled",
            Refused::TooLarge => "too_large",
            Refused::Timeout => "timeout",
            Refused::MediaType => "media_type",
            Refused::BadForm => "bad_form",
            Refused::MalformedJson => "malformed_json",
            Refused::NotStored => "not_stored",
        }
    }
}

/// One tracker's delivery counters.
pub(crate) struct TrackerMetrics {
    pub received: Counter,
    pub verified: Counter,
    pub duplicate: Counter,
    refused: [Counter; Refused::ALL.len()],
    pub processed: Counter,
    pub failed_unusable: Counter,
    pub failed_transient: Counter,
    pub processing: Histogram,
}

impl TrackerMetrics {
    fn new(tracker: &str) -> Self {
        let t = tracker.to_owned();
        TrackerMetrics {
            received: metrics::counter!("sr_webhook_deliveries_received_total", "tracker" => t.clone()),
            verified: metrics::counter!("sr_webhook_deliveries_verified_total", "tracker" => t.clone()),
            duplicate: metrics::counter!("sr_webhook_deliveries_duplicate_total", "tracker" => t.clone()),
            refused: Refused::ALL.map(|r| {
                metrics::counter!("sr_webhook_deliveries_refused_total", "tracker" => t.clone(), "reason" => r.as_str())
            }),
            processed: metrics::counter!("sr_webhook_deliveries_processed_total", "tracker" => t.clone()),
            failed_unusable: metrics::counter!("sr_webhook_deliveries_failed_total", "tracker" => t.clone(), "kind" => "unusable"),
            failed_transient: metrics::counter!("sr_webhook_deliveries_failed_total", "tracker" => t.clone(), "kind" => "transient"),
            processing: metrics::histogram!("sr_webhook_processing_seconds", "tracker" => t),
        }
    }

    pub(crate) fn refused(&self, why: Refused) -> &Counter {
        &self.refused[why as usize]
    }
}

/// The counters of `tracker`, made on first use.
pub(crate) fn tracker(name: &str) -> Arc<TrackerMetrics> {
    static TRACKERS: OnceLock<RwLock<HashMap<String, Arc<TrackerMetrics>>>> = OnceLock::new();
    let map = TRACKERS.get_or_init(Default::default);
    if let Some(m) = map.read().unwrap_or_else(|p| p.into_inner()).get(name) {
        return m.clone();
    }
    map.write()
        .unwrap_or_else(|p| p.into_inner())
        .entry(name.to_owned())
        .or_insert_with(|| Arc::new(TrackerMetrics::new(name)))
        .clone()
}

/// Buckets for every `_seconds` histogram: 1 ms to 5 min.
const BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// The process's Prometheus handle; installs the recorder on first call.
/// `None` when another recorder was installed first.
pub(crate) fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => {
                    describe();
                    let upkeep = handle.clone();
                    // Histograms are folded into their buckets here, so
                    // an idle process does not keep raw samples.
                    tokio::spawn(async move {
                        loop {
                            tokio::time::sleep(Duration::from_secs(5)).await;
                            upkeep.run_upkeep();
                        }
                    });
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "another metrics recorder is installed; /metrics is off");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "sr_webhook_deliveries_received_total",
        "Requests to a tracker's webhook route."
    );
    describe_counter!(
        "sr_webhook_deliveries_verified_total",
        "Deliveries whose signature checked out."
    );
    describe_counter!(
        "sr_webhook_deliveries_duplicate_total",
        "Verified redeliveries of a stored delivery, acknowledged and not processed again."
    );
    describe_counter!(
        "sr_webhook_deliveries_refused_total",
        "Requests answered without storing, by reason."
    );
    describe_counter!(
        "sr_webhook_deliveries_processed_total",
        "Deliveries applied to the issue cache."
    );
    describe_counter!(
        "sr_webhook_deliveries_failed_total",
        "Deliveries marked failed: unusable (cannot be parsed) or transient (retries exhausted)."
    );
    describe_histogram!(
        "sr_webhook_processing_seconds",
        metrics::Unit::Seconds,
        "Time to process one delivery, retries included."
    );
    describe_gauge!(
        "sr_webhook_deliveries_pending",
        "Stored deliveries waiting to be processed (whole store)."
    );
    describe_gauge!(
        "sr_webhook_deliveries_oldest_pending_age_seconds",
        metrics::Unit::Seconds,
        "Age of the oldest pending delivery; 0 when none waits."
    );
    describe_gauge!(
        "sr_outbox_depth",
        "Auto-issue tracker calls waiting to be sent (whole store)."
    );
    describe_gauge!(
        "sr_outbox_oldest_age_seconds",
        metrics::Unit::Seconds,
        "Age of the oldest waiting auto-issue call; 0 when none waits."
    );
    describe_gauge!(
        "sr_webhook_throttled_clients",
        "Client addresses past their failed-verification limit this minute."
    );
}

/// Sets the store-wide gauges; called at each scrape.
pub(crate) fn set_backlog(b: &sr_store::Backlog) {
    metrics::gauge!("sr_webhook_deliveries_pending").set(b.deliveries_pending as f64);
    metrics::gauge!("sr_webhook_deliveries_oldest_pending_age_seconds")
        .set(b.deliveries_oldest_age_s.unwrap_or(0.0));
    metrics::gauge!("sr_outbox_depth").set(b.outbox_pending as f64);
    metrics::gauge!("sr_outbox_oldest_age_seconds").set(b.outbox_oldest_age_s.unwrap_or(0.0));
}
