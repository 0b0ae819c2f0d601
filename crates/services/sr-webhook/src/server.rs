//! The axum listener: route, limit, verify, persist, acknowledge.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sr_store::{DeliveryStatus, Store};
use sr_tracker::WebhookSpec;
use tokio::sync::Notify;
use tracing::Instrument;

use crate::WebhookError;
use crate::client::{Failures, Verdict, client_ip};
use crate::config::{HookTracker, ListenerConfig};
use crate::metrics::{Refused, TrackerMetrics};
use crate::processor::{DeliveryHandler, Finished, Processing, run_processor};
use crate::queue::Queue;
use crate::writer::{Incoming, Writer};

/// A running listener. Dropping it does not stop it; call `shutdown`.
#[derive(Debug)]
pub struct RunningListener {
    pub local_addr: SocketAddr,
    shutdown: Arc<Notify>,
    stop_processor: tokio::sync::watch::Sender<bool>,
    grace: std::time::Duration,
    store: Store,
    /// Who this listener's processor claims deliveries as.
    claimant: String,
    finished: tokio::sync::broadcast::Sender<Finished>,
    server: tokio::task::JoinHandle<()>,
    processor: tokio::task::JoinHandle<()>,
}

impl RunningListener {
    /// A stream of deliveries as they are finished (processed or failed).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Finished> {
        self.finished.subscribe()
    }

    /// Stops accepting, lets requests in flight finish (each is stored
    /// before it is acknowledged), then lets the processor finish every
    /// acknowledged delivery within the configured grace. A processor that
    /// takes longer is stopped and its claims are released, so the next
    /// process takes those deliveries at once.
    pub async fn shutdown(mut self) {
        self.shutdown.notify_waiters();
        // A panicked task has nothing left to clean up.
        (&mut self.server).await.ok();
        self.stop_processor.send_replace(true);
        match tokio::time::timeout(self.grace, &mut self.processor).await {
            Ok(_) => tracing::info!("webhook processor finished the deliveries it had"),
            Err(_) => {
                self.processor.abort();
                (&mut self.processor).await.ok();
                match crate::processor::release_claims(&self.store, &self.claimant).await {
                    Ok(n) => tracing::warn!(
                        released = n,
                        grace_ms = self.grace.as_millis() as u64,
                        "webhook processor stopped after the shutdown grace; its unfinished deliveries stay pending for the next process"
                    ),
                    Err(e) => {
                        tracing::error!(error = %e, "releasing delivery claims failed; they are taken over after the claim timeout")
                    }
                }
            }
        }
    }
}

pub(crate) struct Shared {
    config: ListenerConfig,
    store: Store,
    writer: Writer,
    failures: Failures,
    /// One per tracker, in `config.trackers`' order.
    metrics: Vec<Arc<TrackerMetrics>>,
    prometheus: Option<&'static metrics_exporter_prometheus::PrometheusHandle>,
}

/// Routes served beside the webhooks on the same listener (the team API
/// under `/api/v1`), built by a crate that names its own paths; the
/// listener only merges them, so it stays ignorant of what they serve.
#[derive(Debug, Default)]
pub struct ExtraRoutes(Router);

impl From<Router> for ExtraRoutes {
    fn from(router: Router) -> Self {
        ExtraRoutes(router)
    }
}

/// Binds the address and starts serving and processing. Pending deliveries
/// left by an earlier run are processed first.
pub async fn start(
    config: ListenerConfig,
    store: Store,
    handler: Arc<dyn DeliveryHandler>,
) -> Result<RunningListener, WebhookError> {
    start_with(config, store, handler, ExtraRoutes::default()).await
}

/// [`start`], also serving `extra`.
pub async fn start_with(
    config: ListenerConfig,
    store: Store,
    handler: Arc<dyn DeliveryHandler>,
    extra: ExtraRoutes,
) -> Result<RunningListener, WebhookError> {
    // Before any counter is made, so that none is a no-op.
    let prometheus = crate::metrics::handle();
    for t in &config.trackers {
        if t.secret.is_none() && t.accept_unsigned {
            tracing::warn!(tracker = %t.name, "accepting UNSIGNED webhooks: anyone who can reach the listener can forge events");
        }
    }
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| WebhookError::Bind {
            addr: config.addr,
            source,
        })?;
    let local_addr = listener.local_addr().map_err(|source| WebhookError::Bind {
        addr: config.addr,
        source,
    })?;
    // A claimant of its own, so that two listeners in one process never
    // take each other's deliveries for their own.
    let claimant = sr_store::lease::holder_claimant();
    let queue = Arc::new(Queue::default());
    let writer = Writer::spawn(store.clone(), claimant.clone(), queue.clone());
    let processing = Processing {
        max_attempts: config.limits.max_attempts,
        claim_timeout_s: config.limits.claim_timeout_seconds,
    };
    let grace = config.limits.shutdown_grace();
    let metrics = config
        .trackers
        .iter()
        .map(|t| crate::metrics::tracker(&t.name))
        .collect();
    let shared = Arc::new(Shared {
        config,
        writer: writer.clone(),
        store: store.clone(),
        failures: Failures::default(),
        metrics,
        prometheus,
    });
    let app = Router::new()
        .route("/webhook/{provider}", post(receive_default))
        .route("/webhook/{provider}/{tracker}", post(receive_named))
        .route("/api/webhooks/status", get(crate::status::webhooks_status))
        .route("/healthz", get(crate::status::healthz))
        .route("/readyz", get(crate::status::readyz))
        .route("/metrics", get(crate::status::metrics))
        .route(
            "/api/integrations/health",
            get(crate::status::integrations_health),
        )
        .with_state(shared.clone())
        .merge(extra.0);
    let shutdown = Arc::new(Notify::new());
    let stop = shutdown.clone();
    let server = tokio::spawn(async move {
        let serve = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move { stop.notified().await });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "webhook listener stopped");
        }
    });
    let (finished, _) = tokio::sync::broadcast::channel(4096);
    let (stop_processor, stop) = tokio::sync::watch::channel(false);
    let processor = tokio::spawn(run_processor(
        store.clone(),
        claimant.clone(),
        handler,
        processing,
        writer,
        queue,
        finished.clone(),
        stop,
    ));
    tracing::info!(addr = %local_addr, "webhook listener started");
    Ok(RunningListener {
        local_addr,
        shutdown,
        stop_processor,
        grace,
        store,
        claimant,
        finished,
        server,
        processor,
    })
}

pub(crate) type SharedState = Arc<Shared>;

impl Shared {
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn trackers(&self) -> &[HookTracker] {
        &self.config.trackers
    }

    pub(crate) fn config(&self) -> &ListenerConfig {
        &self.config
    }

    pub(crate) fn throttled_clients(&self) -> usize {
        self.failures
            .throttled(self.config.limits.failed_verifications_per_minute)
    }

    pub(crate) fn prometheus(
        &self,
    ) -> Option<&'static metrics_exporter_prometheus::PrometheusHandle> {
        self.prometheus
    }
}

async fn receive_default(
    State(s): State<SharedState>,
    Path(provider): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let mut candidates = s
        .config
        .trackers
        .iter()
        .enumerate()
        .filter(|(_, t)| t.provider == provider);
    match (candidates.next(), candidates.next()) {
        (Some((i, _)), None) => receive(&s, i, peer, request).await,
        (None, _) => (
            StatusCode::NOT_FOUND,
            "no tracker of this type is configured\n",
        )
            .into_response(),
        (Some(_), Some(_)) => (
            StatusCode::NOT_FOUND,
            "several trackers share this type; deliver to /webhook/{provider}/{tracker-name}\n",
        )
            .into_response(),
    }
}

async fn receive_named(
    State(s): State<SharedState>,
    Path((provider, name)): Path<(String, String)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    match s
        .config
        .trackers
        .iter()
        .position(|t| t.provider == provider && t.name == name)
    {
        Some(i) => receive(&s, i, peer, request).await,
        None => (StatusCode::NOT_FOUND, "no such tracker\n").into_response(),
    }
}

async fn receive(s: &Shared, index: usize, peer: SocketAddr, request: Request) -> Response {
    let tracker = &s.config.trackers[index];
    // Instrumented, never entered: a guard held across an await would leave
    // the span on whichever worker thread the task resumed on.
    let span =
        tracing::info_span!("webhook", tracker = %tracker.name, provider = %tracker.provider);
    receive_in_span(s, tracker, &s.metrics[index], peer, request)
        .instrument(span)
        .await
}

async fn receive_in_span(
    s: &Shared,
    tracker: &HookTracker,
    m: &TrackerMetrics,
    peer: SocketAddr,
    request: Request,
) -> Response {
    m.received.increment(1);
    let limits = &s.config.limits;
    let (parts, body) = request.into_parts();
    let client = client_ip(peer.ip(), &parts.headers, limits);
    let raw = match read_body(body, limits.body_limit_bytes, limits.request_timeout()).await {
        Ok(b) => b,
        Err((status, why)) => {
            m.refused(why).increment(1);
            return status.into_response();
        }
    };
    if let Err(why) = check_signature(tracker, &parts.headers, &raw) {
        // The reason is for our log only; the sender learns nothing.
        return match s
            .failures
            .record(client, limits.failed_verifications_per_minute)
        {
            Verdict::Refused => {
                m.refused(Refused::Signature).increment(1);
                tracing::warn!(reason = %why, %client, %peer, "webhook refused");
                StatusCode::UNAUTHORIZED.into_response()
            }
            Verdict::Throttled { retry_after, first } => {
                m.refused(Refused::Throttled).increment(1);
                if first {
                    tracing::warn!(reason = %why, %client, %peer, limit = limits.failed_verifications_per_minute,
                        "webhook refused; this address has failed verification too often, its further failures this minute are answered 429 and not logged");
                }
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(
                        header::RETRY_AFTER,
                        retry_after.as_secs().max(1).to_string(),
                    )],
                )
                    .into_response()
            }
        };
    }
    m.verified.increment(1);
    let form_field = tracker.webhook.and_then(|w| w.form_field);
    let json_body = match payload(&parts.headers, raw, form_field) {
        Ok(b) => b,
        Err((status, why)) => {
            m.refused(why).increment(1);
            return status.into_response();
        }
    };
    let spec = tracker.webhook.as_ref();
    // Checking that the body is JSON needs no tree, unless the provider
    // names the event inside the body.
    let parsed: Result<Option<serde_json::Value>, serde_json::Error> =
        if spec.is_some_and(WebhookSpec::event_in_body) {
            serde_json::from_slice(&json_body).map(Some)
        } else {
            serde_json::from_slice::<serde::de::IgnoredAny>(&json_body).map(|_| None)
        };
    let (event, delivery_id) = match spec {
        Some(spec) => (
            spec.event_name(
                &parts.headers,
                parsed.as_ref().ok().and_then(Option::as_ref),
            ),
            spec.delivery_id(&parts.headers, &json_body),
        ),
        None => (
            "unknown".to_owned(),
            sr_tracker::webhook::body_hash(&json_body),
        ),
    };
    let (status, error) = match &parsed {
        Ok(_) => (DeliveryStatus::Pending, None),
        Err(e) => (DeliveryStatus::Failed, Some(format!("malformed JSON: {e}"))),
    };
    let incoming = Incoming {
        provider: tracker.provider.clone(),
        tracker: tracker.name.clone(),
        event: event.clone(),
        delivery_id: delivery_id.clone(),
        body: json_body,
        status,
        error: error.clone(),
    };
    match s.writer.record(incoming).await {
        Ok(Some(id)) if error.is_some() => {
            m.refused(Refused::MalformedJson).increment(1);
            tracing::warn!(id, %delivery_id, "verified delivery with malformed JSON stored as failed");
            (StatusCode::BAD_REQUEST, "malformed JSON\n").into_response()
        }
        Ok(Some(id)) => {
            tracing::info!(id, %delivery_id, %event, "delivery stored");
            (
                StatusCode::ACCEPTED,
                [(header::CONTENT_TYPE, "application/json")],
                format!("{{\"id\":{id}}}\n"),
            )
                .into_response()
        }
        Ok(None) => {
            m.duplicate.increment(1);
            tracing::info!(%delivery_id, "redelivery acknowledged, not processed again");
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"duplicate\":true}\n",
            )
                .into_response()
        }
        Err(e) => {
            // Not stored, so not acknowledged: the sender will retry.
            m.refused(Refused::NotStored).increment(1);
            tracing::error!(error = %e, "could not store a delivery");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn read_body(
    body: Body,
    limit: usize,
    timeout: std::time::Duration,
) -> Result<Bytes, (StatusCode, Refused)> {
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Err(_) => Err((StatusCode::REQUEST_TIMEOUT, Refused::Timeout)),
        Ok(Err(_)) => Err((StatusCode::PAYLOAD_TOO_LARGE, Refused::TooLarge)),
        Ok(Ok(b)) => Ok(b),
    }
}

fn check_signature(t: &HookTracker, headers: &HeaderMap, body: &[u8]) -> Result<(), String> {
    let Some(secret) = &t.secret else {
        return if t.accept_unsigned {
            Ok(())
        } else {
            Err("no webhook secret is configured for this tracker".into())
        };
    };
    let Some(spec) = &t.webhook else {
        return Err(format!(
            "webhooks from `{}` trackers are not supported",
            t.provider
        ));
    };
    spec.verify(
        headers,
        secret.expose().as_bytes(),
        body,
        chrono::Utc::now().timestamp(),
        t.timestamp_tolerance_s,
    )
    .map_err(|r| r.to_string())
}

/// The JSON body: a provider may send `application/x-www-form-urlencoded`
/// with the JSON in one field (`form_field`, from its spec).
fn payload(
    headers: &HeaderMap,
    raw: Bytes,
    form_field: Option<&str>,
) -> Result<Bytes, (StatusCode, Refused)> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let Some(name) = form_field else {
            return Err((StatusCode::UNSUPPORTED_MEDIA_TYPE, Refused::MediaType));
        };
        return form_urlencoded::parse(&raw)
            .find(|(k, _)| k == name)
            .map(|(_, v)| Bytes::from(v.into_owned()))
            .ok_or((StatusCode::BAD_REQUEST, Refused::BadForm));
    }
    if content_type.starts_with("application/json") || content_type.ends_with("+json") {
        return Ok(raw);
    }
    Err((StatusCode::UNSUPPORTED_MEDIA_TYPE, Refused::MediaType))
}
