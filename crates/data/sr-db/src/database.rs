//! [`Database`]: one connected user database, whatever its dialect.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::mysql::{MySqlPool, MySqlPoolOptions};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sr_model::ObjectKind;
use sr_schema::{Dialect, Snapshot};

use crate::diagnose::diagnose;
use crate::tunnel::Tunnel;
use crate::{DbError, mysql, postgres, server, sqlite};

/// How long a first connection may take before we give up and say so.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A pool of connections of one dialect. An enum rather than `sqlx::Any`,
/// so each dialect's queries keep their own types.
#[derive(Debug, Clone)]
pub enum DbPool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    MySql(MySqlPool),
}

impl DbPool {
    pub fn dialect(&self) -> Dialect {
        match self {
            DbPool::Sqlite(_) => Dialect::Sqlite,
            DbPool::Postgres(_) => Dialect::Postgres,
            DbPool::MySql(_) => Dialect::MySql,
        }
    }
}

/// A connected database. Clones share the pool and the SSH tunnel; the
/// tunnel closes with the last clone.
#[derive(Debug, Clone)]
pub struct Database {
    pool: DbPool,
    /// The URL with the password removed: safe for messages and logs.
    url: String,
    /// The database's own name (SQLite: the file stem).
    name: String,
    /// `PostgreSQL 15.18`, `MariaDB 10.11.19-MariaDB…`, `SQLite 3.45.1`.
    server_version: String,
    /// The SSH tunnel the pool connects through, if any.
    tunnel: Option<Arc<Tunnel>>,
}

impl Database {
    /// A database from its parts (see [`crate::connect`]).
    pub(crate) fn from_parts(
        pool: DbPool,
        url: String,
        name: String,
        server_version: String,
        tunnel: Option<Arc<Tunnel>>,
    ) -> Database {
        Database {
            pool,
            url,
            name,
            server_version,
            tunnel,
        }
    }

    /// Opens an existing SQLite file.
    pub fn open_sqlite(path: &Path) -> BoxFuture<'_, Result<Database, DbError>> {
        Box::pin(Self::open_sqlite_inner(path))
    }

    async fn open_sqlite_inner(path: &Path) -> Result<Database, DbError> {
        let shown = format!("sqlite://{}", path.display());
        let opts = SqliteConnectOptions::new().filename(path);
        Database::open_sqlite_with(opts, shown).await
    }

    pub(crate) async fn open_sqlite_with(
        opts: SqliteConnectOptions,
        shown: String,
    ) -> Result<Database, DbError> {
        let file = opts.get_filename();
        // sqlx names an in-memory database `file:sqlx-in-memory-N`.
        let shown_file = file.to_string_lossy();
        let in_memory = shown_file.is_empty()
            || shown_file.contains(":memory:")
            || shown_file.starts_with("file:sqlx-in-memory-");
        let name = if in_memory {
            "memory".to_owned()
        } else {
            file.file_stem()
                .map_or_else(|| "main".to_owned(), |s| s.to_string_lossy().into_owned())
        };
        // Foreign keys are enforced on every connection, as users expect.
        let opts = opts.foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            // Each connection to an in-memory database is its own database.
            .max_connections(if in_memory { 1 } else { 4 })
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(opts)
            .await
            .map_err(|e| connect_error(&e, &shown, Dialect::Sqlite))?;
        // SQLite opens any file; reading the schema is what tells a database
        // from something else.
        let probe: Result<i64, sqlx::Error> =
            sqlx::query_scalar("SELECT count(*) FROM sqlite_master")
                .fetch_one(&pool)
                .await;
        if let Err(e) = probe {
            pool.close().await;
            return Err(connect_error(&e, &shown, Dialect::Sqlite));
        }
        let version: String = sqlx::query_scalar("SELECT sqlite_version()")
            .fetch_one(&pool)
            .await
            .map_err(|e| connect_error(&e, &shown, Dialect::Sqlite))?;
        Ok(Database {
            pool: DbPool::Sqlite(pool),
            url: shown,
            name,
            server_version: format!("SQLite {version}"),
            tunnel: None,
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.pool.dialect()
    }

    /// The URL with the password removed.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's own name (SQLite: the file stem; otherwise the
    /// database named in the URL).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The server's product and version as it reported them on
    /// connecting (`PostgreSQL 15.18`, `MariaDB 10.11.19-MariaDB-…`,
    /// `SQLite 3.45.1`).
    pub fn server_version(&self) -> &str {
        &self.server_version
    }

    /// Whether the connection goes through an SSH tunnel.
    pub fn tunnelled(&self) -> bool {
        self.tunnel.is_some()
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Everything in the database as a normalised snapshot.
    ///
    /// Returned boxed: rustc proves the future `Send` here, where the
    /// lifetimes are concrete, but not through a caller's `tokio::spawn`
    /// (sqlx's executor bounds are higher-ranked).
    pub fn introspect(&self) -> BoxFuture<'_, Result<Snapshot, DbError>> {
        use tracing::Instrument;
        let span = tracing::debug_span!("db.introspect", url = %self.url);
        Box::pin(
            async move {
                match &self.pool {
                    DbPool::Sqlite(pool) => sqlite::introspect(pool, &self.url, &self.name).await,
                    DbPool::Postgres(pool) => {
                        postgres::introspect(pool, &self.url, &self.name).await
                    }
                    DbPool::MySql(pool) => mysql::introspect(pool, &self.url).await,
                }
            }
            .instrument(span),
        )
    }

    /// How many rows `schema.table` holds: an exact count on SQLite; the
    /// servers answer from their statistics (PostgreSQL counts a table it
    /// never analysed).
    pub fn row_estimate<'a>(
        &'a self,
        schema: &'a str,
        table: &'a str,
    ) -> BoxFuture<'a, Result<u64, DbError>> {
        Box::pin(async move {
            match &self.pool {
                DbPool::Sqlite(pool) => sqlite::row_count(pool, &self.url, schema, table).await,
                DbPool::Postgres(pool) => server::pg_rows(pool, &self.url, schema, table).await,
                DbPool::MySql(pool) => server::mysql_rows(pool, &self.url, schema, table).await,
            }
        })
    }

    /// The CREATE statements of an object, rendered by sr-schema from a
    /// fresh snapshot for every dialect: the one DDL renderer, so the
    /// object tab, issue bodies and migrations agree.
    pub fn object_ddl<'a>(
        &'a self,
        kind: ObjectKind,
        schema: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<String, DbError>> {
        Box::pin(async move {
            let snapshot = self.introspect().await?;
            sr_schema::create_sql(&snapshot, kind, schema, name).ok_or_else(|| DbError::NotFound {
                kind,
                schema: schema.to_owned(),
                name: name.to_owned(),
                url: self.url.clone(),
            })
        })
    }

    /// Closes every connection of the pool and waits for them to finish,
    /// then the SSH tunnel (shared by every clone).
    pub async fn close(&self) {
        match &self.pool {
            DbPool::Sqlite(p) => p.close().await,
            DbPool::Postgres(p) => p.close().await,
            DbPool::MySql(p) => p.close().await,
        }
        if let Some(t) = &self.tunnel {
            t.close().await;
        }
    }

    /// Another database on the same server, with the same credentials
    /// (PostgreSQL and MySQL; `None` for SQLite). The pool connects lazily.
    pub(crate) fn sibling(&self, database: &str) -> Option<Database> {
        let url = match self.url.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{database}"),
            None => self.url.clone(),
        };
        let pool = match &self.pool {
            DbPool::Sqlite(_) => return None,
            DbPool::Postgres(p) => {
                let opts = (*p.connect_options()).clone().database(database);
                DbPool::Postgres(
                    PgPoolOptions::new()
                        .max_connections(2)
                        .acquire_timeout(CONNECT_TIMEOUT)
                        .connect_lazy_with(opts),
                )
            }
            DbPool::MySql(p) => {
                let opts = (*p.connect_options()).clone().database(database);
                DbPool::MySql(
                    MySqlPoolOptions::new()
                        .max_connections(2)
                        .acquire_timeout(CONNECT_TIMEOUT)
                        .connect_lazy_with(opts),
                )
            }
        };
        Some(Database {
            pool,
            url,
            name: database.to_owned(),
            server_version: self.server_version.clone(),
            tunnel: self.tunnel.clone(),
        })
    }
}

fn connect_error(e: &sqlx::Error, shown: &str, dialect: Dialect) -> DbError {
    let (cause, fix) = diagnose(e, dialect, None);
    DbError::Connect {
        url: shown.to_owned(),
        cause,
        fix,
    }
}

/// A boxed future that can move between threads.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
