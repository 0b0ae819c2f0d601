//! Where an introspection's time goes, for the drift bench: the catalog
//! phase (from the first connection to the last row in, its queries run
//! on several connections at once), and everything else (decoding rows,
//! building and normalising the model), with each catalog query's own
//! time. They are recorded in a task-local, so two introspections polled
//! together (`tokio::join!`) keep their own, and nothing is recorded when
//! no one asks.

use std::cell::RefCell;
use std::future::Future;
use std::time::{Duration, Instant};

use sr_schema::Snapshot;

use crate::DbError;
use crate::database::{BoxFuture, Database};

#[derive(Default)]
struct Record {
    catalog: Option<Duration>,
    per_query: Vec<(&'static str, Duration)>,
}

tokio::task_local! {
    static RECORD: RefCell<Record>;
}

/// `f`, with the time it took recorded as the catalog query `label`'s.
pub(crate) async fn timed<F: Future>(label: &'static str, f: F) -> F::Output {
    let started = Instant::now();
    let out = f.await;
    RECORD
        .try_with(|r| r.borrow_mut().per_query.push((label, started.elapsed())))
        .ok();
    out
}

/// Records the wall time of the catalog phase.
pub(crate) fn catalog_phase(took: Duration) {
    RECORD
        .try_with(|r| r.borrow_mut().catalog = Some(took))
        .ok();
}

/// How long one introspection took, split.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntrospectTiming {
    /// The catalog phase's wall time (PostgreSQL; where a dialect does not
    /// record one, the sum of its timed queries, zero where none are).
    pub queries: Duration,
    /// The rest: decoding, building and normalising the snapshot.
    pub build: Duration,
    /// Each catalog query's own time, in the order they finished; on
    /// several connections they overlap, so they add up to more than
    /// `queries`.
    pub per_query: Vec<(&'static str, Duration)>,
}

impl Database {
    /// [`Database::introspect`], with the time split into the catalog
    /// phase and model building.
    pub fn introspect_timed(&self) -> BoxFuture<'_, Result<(Snapshot, IntrospectTiming), DbError>> {
        Box::pin(async move {
            let started = Instant::now();
            let (snapshot, record) = RECORD
                .scope(RefCell::new(Record::default()), async {
                    let snapshot = self.introspect().await;
                    (snapshot, RECORD.with(|r| r.take()))
                })
                .await;
            let total = started.elapsed();
            let queries = record
                .catalog
                .unwrap_or_else(|| record.per_query.iter().map(|(_, d)| *d).sum());
            Ok((
                snapshot?,
                IntrospectTiming {
                    queries,
                    build: total.saturating_sub(queries),
                    per_query: record.per_query,
                },
            ))
        })
    }
}
