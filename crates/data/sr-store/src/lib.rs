//! The application's own persistence: links between database objects and
//! issues, the issue cache, the built-in local tracker's issues, the
//! whiteboards, and the append-only audit log.
//!
//! One SQLite file (WAL) by default; a `postgres://` URL switches to a shared
//! PostgreSQL store for teams. Queries are written once, in SQL that both
//! engines accept, and run through sqlx's `Any` driver; only the migrations
//! differ per engine, and they mean the same thing.

/// A status enum's column text both ways: `as_str` and `parse` (`None`
/// for a text the enum does not know: a corrupt row).
macro_rules! names {
    ($ty:ident { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$v => $s),+ }
            }
            fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($ty::$v),)+ _ => None }
            }
        }
    };
}

mod activity;
mod api_tokens;
mod audit;
mod auto_issues;
mod backlog;
mod boards;
mod changes;
mod comments;
mod deliveries;
mod error;
mod export;
mod import;
mod issue_filter;
mod issues;
mod job_claims;
pub mod lease;
mod links;
mod local;
mod migrate;
mod notification_alerts;
mod notifications;
mod outbox;
mod pages;
mod perf;
mod pulls;
mod schema_changes;
mod sync;
mod time;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub use activity::ConnectionActivity;
pub use api_tokens::{ApiTokenRow, NewApiToken};
pub use audit::{AuditAction, AuditEntry};
pub use backlog::Backlog;
pub use boards::StoredBoard;
pub use changes::{CHANNEL, ChangeListener, StoreChange};
pub use comments::{CachedComment, CommentChanges};
pub use deliveries::{
    Committed, Delivery, DeliveryStats, DeliveryStatus, DeliveryWriter, NewDelivery, Outcome,
};
pub use error::StoreError;
pub use issue_filter::CachedIssueFilter;
pub use issues::{CachedIssue, UpsertOutcome};
pub use job_claims::{JobClaim, JobRecord};
pub use lease::Takeover;
pub use links::NewLink;
pub use local::{LocalComment, LocalIssueFilter, LocalIssueRow, LocalStore};
pub use notification_alerts::{AlertSource, NotificationAlert};
pub use notifications::{
    ChannelStateWrite, FeedEntry, FeedOutcome, GroupRow, NewNotification, NotificationStatus,
    NotificationStep, OutboxNotification,
};
pub use outbox::{AutoIssueState, NewIntent, Occurrence, OutboxAction, OutboxIntent, OutboxStatus};
pub use perf::QueryBaseline;
pub use pulls::{PullObject, PullRecord, StoredPull};
pub use schema_changes::{NewSchemaChange, SchemaChange, SchemaChangeKind};
pub use sync::{LocalEdit, SyncOperationRow, TrackerSyncState};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which engine holds the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A handle to the store; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// For connections outside the pool (LISTEN); holds the password.
    url: StoreUrl,
    /// Sessions that announce this process's claimants (see `lease`).
    presence: std::sync::Arc<tokio::sync::Mutex<Vec<(String, sqlx::postgres::PgConnection)>>>,
}

/// The store's URL, never printed: it may hold a password.
#[derive(Clone)]
struct StoreUrl(std::sync::Arc<str>);

impl StoreUrl {
    fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreUrl(…)")
    }
}

impl Store {
    /// Opens (creating when needed) and migrates the store at `url`:
    /// `postgres://…`, `sqlite://PATH`, or a plain file path.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise_url(url)?;
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Open {
                url: redact_url(&url),
                reason: e.to_string(),
            })?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(2));
        // One direct connection first: a pool retries refused connections
        // until its acquire timeout, but a wrong URL should fail at once.
        // It then runs the migrations, before the pool exists, since the
        // pool's first connections would race them for the tables.
        let probe = options.connect().await.map_err(|e| StoreError::Open {
            url: redact_url(&url),
            reason: e.to_string(),
        })?;
        migrate::run(backend, probe).await?;
        let mut pool = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        if backend == Backend::Sqlite {
            // Writers serialise on one file; a few readers share it in WAL
            // mode. A connection to a local file does not go stale, so the
            // pool does not ping it (a round trip to its thread) on every
            // acquire.
            pool = pool
                .max_connections(4)
                .test_before_acquire(false)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute(SQLITE_PRAGMAS).await?;
                        Ok(())
                    })
                });
        } else {
            pool = pool.max_connections(8);
        }
        let pool = pool
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Open {
                url: redact_url(&url),
                reason: e.to_string(),
            })?;
        let store = Store {
            pool,
            backend,
            url: StoreUrl(url.as_str().into()),
            presence: Default::default(),
        };
        if backend == Backend::Sqlite {
            spawn_checkpointer(store.pool.clone());
        }
        Ok(store)
    }

    /// Opens the default store: one SQLite file at `path`.
    pub async fn open_file(path: &Path) -> Result<Store> {
        Store::open(&path.display().to_string()).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that writes. On SQLite it takes the write lock at
    /// `BEGIN IMMEDIATE`, so it waits (busy_timeout) for another writer
    /// instead of failing with "database is locked" when a read inside a
    /// deferred transaction would have to become a write.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Whether the store answers a trivial query (readiness probes).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to return.
    pub async fn close(&self) {
        self.withdraw().await;
        self.pool.close().await;
    }
}

/// Every SQLite connection's settings: WAL, so readers never wait for the
/// writer; a busy timeout, so writers (and other processes' migrations)
/// queue for the write lock instead of failing.
pub(crate) const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -65536; \
     PRAGMA wal_autocheckpoint = 0;";

/// Checkpoints the SQLite WAL from its own connection once a second.
/// SQLite's automatic checkpoint (turned off above) runs inside the commit
/// that crosses its threshold, so one writer in a thousand would wait for
/// megabytes of copying; a passive checkpoint here never blocks a writer.
fn spawn_checkpointer(pool: AnyPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if pool.is_closed() {
                return;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                if pool.is_closed() {
                    return;
                }
                tracing::debug!(error = %e, "WAL checkpoint failed; retrying in a second");
            }
        }
    });
}

fn normalise_url(url: &str) -> Result<(Backend, String)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_owned()));
    }
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        return Ok((Backend::Sqlite, sqlite_url(path)));
    }
    if url.contains("://") {
        return Err(StoreError::Open {
            url: redact_url(url),
            reason:
                "unsupported store URL; use a file path, sqlite://PATH or postgres://USER@HOST/DB"
                    .into(),
        });
    }
    if let Some(parent) = Path::new(url)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::Open {
            url: url.to_owned(),
            reason: format!("cannot create directory {}: {e}", parent.display()),
        })?;
    }
    Ok((Backend::Sqlite, sqlite_url(url)))
}

fn sqlite_url(path: &str) -> String {
    if path.contains('?') {
        format!("sqlite://{path}")
    } else {
        format!("sqlite://{path}?mode=rwc")
    }
}

/// Hides the password of a URL so it can be shown and logged.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

impl Store {
    /// Runs one statement outside the typed API. Only for tests that check
    /// what the database itself refuses (the audit log's triggers).
    #[doc(hidden)]
    pub async fn execute_raw_for_tests(&self, sql: &str) -> Result<()> {
        sqlx::query(sql).execute(self.pool()).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(redact_url("postgres://u:pw@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("/tmp/x.db"), "/tmp/x.db");
    }
}
