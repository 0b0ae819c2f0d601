//! Query performance baselines: a saved measurement of one query (by its
//! fingerprint) on one connection. Saving appends, so the newest row is the
//! baseline and the older ones are its history. The store keeps figures and
//! a plan summary as text; measuring and comparing live in sr-db.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use sr_model::Timestamp;

use crate::{Result, Store, issues::limit_i64, time};

/// One saved measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryBaseline {
    /// The connection's name (or its password-free URL).
    pub connection: String,
    /// The hash of the query's normalised text.
    pub fingerprint: String,
    /// The query as it was run.
    pub sql: String,
    pub runs: u32,
    pub median_ms: f64,
    pub p95_ms: f64,
    /// Median absolute deviation of the runs: the measured noise.
    pub mad_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    /// The plan summary, as JSON text.
    pub plan: String,
    pub recorded_at: Timestamp,
}

const COLUMNS: &str = "connection, fingerprint, sql_text, runs, median_ms, p95_ms, mad_ms, \
                       min_ms, max_ms, plan, recorded_at";

impl Store {
    /// Saves `baseline` as the newest for its connection and fingerprint.
    pub async fn save_query_baseline(&self, baseline: &QueryBaseline) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO query_baselines ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&baseline.connection)
        .bind(&baseline.fingerprint)
        .bind(&baseline.sql)
        .bind(i64::from(baseline.runs))
        .bind(baseline.median_ms)
        .bind(baseline.p95_ms)
        .bind(baseline.mad_ms)
        .bind(baseline.min_ms)
        .bind(baseline.max_ms)
        .bind(&baseline.plan)
        .bind(time::to_ms(baseline.recorded_at))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The newest baseline of `fingerprint` on `connection`, if one was saved.
    pub async fn query_baseline(
        &self,
        connection: &str,
        fingerprint: &str,
    ) -> Result<Option<QueryBaseline>> {
        Ok(self
            .query_baseline_history(connection, fingerprint, 1)
            .await?
            .pop())
    }

    /// Up to `limit` baselines of `fingerprint` on `connection`, newest first.
    pub async fn query_baseline_history(
        &self,
        connection: &str,
        fingerprint: &str,
        limit: usize,
    ) -> Result<Vec<QueryBaseline>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM query_baselines WHERE connection = $1 AND fingerprint = $2 \
             ORDER BY recorded_at DESC, id DESC LIMIT $3"
        ))
        .bind(connection)
        .bind(fingerprint)
        .bind(limit_i64(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(baseline).collect()
    }
}

fn baseline(r: &AnyRow) -> Result<QueryBaseline> {
    let runs: i64 = r.try_get("runs")?;
    Ok(QueryBaseline {
        connection: r.try_get("connection")?,
        fingerprint: r.try_get("fingerprint")?,
        sql: r.try_get("sql_text")?,
        runs: u32::try_from(runs).unwrap_or(u32::MAX),
        median_ms: r.try_get("median_ms")?,
        p95_ms: r.try_get("p95_ms")?,
        mad_ms: r.try_get("mad_ms")?,
        min_ms: r.try_get("min_ms")?,
        max_ms: r.try_get("max_ms")?,
        plan: r.try_get("plan")?,
        recorded_at: time::from_ms(r.try_get("recorded_at")?, "query_baselines")?,
    })
}
