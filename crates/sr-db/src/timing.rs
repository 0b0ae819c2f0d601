//! Where an introspection's time goes, for the drift bench: waiting for
//! the catalog queries, and everything else (decoding rows, building and
//! normalising the model). Query waits are added up in a task-local, so
//! two introspections polled together (`tokio::join!`) keep their own sums
//! and nothing is counted when no one asks.

use std::cell::Cell;
use std::future::Future;
use std::time::{Duration, Instant};

use sr_schema::Snapshot;

use crate::DbError;
use crate::database::{BoxFuture, Database};

tokio::task_local! {
    static QUERY_TIME: Cell<Duration>;
}

/// `f`, with the time it took added to the introspection being timed.
pub(crate) async fn timed<F: Future>(f: F) -> F::Output {
    let started = Instant::now();
    let out = f.await;
    QUERY_TIME
        .try_with(|c| c.set(c.get() + started.elapsed()))
        .ok();
    out
}

/// How long one introspection took, split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IntrospectTiming {
    /// Waiting for catalog queries (PostgreSQL; zero where not measured).
    pub queries: Duration,
    /// The rest: decoding, building and normalising the snapshot.
    pub build: Duration,
}

impl Database {
    /// [`Database::introspect`], with the time split into catalog queries
    /// and model building.
    pub fn introspect_timed(&self) -> BoxFuture<'_, Result<(Snapshot, IntrospectTiming), DbError>> {
        Box::pin(async move {
            let started = Instant::now();
            let (snapshot, queries) = QUERY_TIME
                .scope(Cell::new(Duration::ZERO), async {
                    let snapshot = self.introspect().await;
                    (snapshot, QUERY_TIME.with(Cell::get))
                })
                .await;
            let total = started.elapsed();
            Ok((
                snapshot?,
                IntrospectTiming {
                    queries,
                    build: total.saturating_sub(queries),
                },
            ))
        })
    }
}
