//! Schema migrations, one SQL file per version and engine. The two files of
//! a version mean the same thing; only types and trigger syntax differ.

use sqlx::Row;

use crate::{Backend, Result, Store, StoreError, time};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "webhook_deliveries",
        sqlite: include_str!("../migrations/sqlite/0002_webhook_deliveries.sql"),
        postgres: include_str!("../migrations/postgres/0002_webhook_deliveries.sql"),
    },
    Migration {
        version: 3,
        name: "query_baselines",
        sqlite: include_str!("../migrations/sqlite/0003_query_baselines.sql"),
        postgres: include_str!("../migrations/postgres/0003_query_baselines.sql"),
    },
    Migration {
        version: 4,
        name: "auto_issues",
        sqlite: include_str!("../migrations/sqlite/0004_auto_issues.sql"),
        postgres: include_str!("../migrations/postgres/0004_auto_issues.sql"),
    },
    Migration {
        version: 5,
        name: "sync",
        sqlite: include_str!("../migrations/sqlite/0005_sync.sql"),
        postgres: include_str!("../migrations/postgres/0005_sync.sql"),
    },
    Migration {
        version: 6,
        name: "whiteboards",
        sqlite: include_str!("../migrations/sqlite/0006_whiteboards.sql"),
        postgres: include_str!("../migrations/postgres/0006_whiteboards.sql"),
    },
    Migration {
        version: 7,
        name: "change_notices",
        sqlite: include_str!("../migrations/sqlite/0007_change_notices.sql"),
        postgres: include_str!("../migrations/postgres/0007_change_notices.sql"),
    },
    Migration {
        version: 8,
        name: "job_claims",
        sqlite: include_str!("../migrations/sqlite/0008_job_claims.sql"),
        postgres: include_str!("../migrations/postgres/0008_job_claims.sql"),
    },
    Migration {
        version: 9,
        name: "comments",
        sqlite: include_str!("../migrations/sqlite/0009_comments.sql"),
        postgres: include_str!("../migrations/postgres/0009_comments.sql"),
    },
];

pub(crate) async fn run(store: &Store) -> Result<()> {
    let mut conn = store.pool().acquire().await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS sr_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    if store.backend() == Backend::Postgres {
        // Several workbenches may start against one team store at once.
        sqlx::query("SELECT pg_advisory_lock(726172)")
            .execute(&mut *conn)
            .await?;
    }
    let result = apply_pending(&mut conn, store.backend()).await;
    if store.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock(726172)")
            .execute(&mut *conn)
            .await?;
    }
    result
}

async fn apply_pending(conn: &mut sqlx::AnyConnection, backend: Backend) -> Result<()> {
    let current: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM sr_migrations")
        .fetch_one(&mut *conn)
        .await?
        .try_get("v")?;
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let sql = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        let fail = |e: sqlx::Error| StoreError::Migration {
            version: m.version,
            name: m.name,
            reason: e.to_string(),
        };
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(fail)?;
        sqlx::query("INSERT INTO sr_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(time::to_ms(time::now()))
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        tracing::info!(version = m.version, name = m.name, "store migrated");
    }
    Ok(())
}
