//! Writing deliveries: the listener's group commit (new deliveries and the
//! outcomes of processed ones in one transaction), and the renewal of a
//! claim made when a delivery was recorded.

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Connection, Row};
use sr_model::Timestamp;

use super::{DeliveryStatus, NewDelivery};
use crate::{Backend, Result, Store, time};

/// Deliveries per multi-row INSERT: 9 parameters each, far below either
/// engine's limit on parameters per statement.
const RECORD_CHUNK: usize = 64;

/// Ids per `IN (…)` list of an UPDATE.
const ID_CHUNK: usize = 256;

/// A processed delivery's outcome: its id, status and last error.
pub type Outcome = (i64, DeliveryStatus, Option<String>);

/// What one [`Store::commit_deliveries`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// One per recorded delivery, in order: `Some(id)` when new, `None`
    /// for a redelivery (not inserted, nor claimed).
    pub ids: Vec<Option<i64>>,
    /// The new deliveries' `received_at`, and the time of the claims made
    /// with them.
    pub received_at: Timestamp,
}

/// The `n`th placeholder (from 1). SQLite gets anonymous `?`, bound in
/// order: sqlx-sqlite looks up the name of every numbered parameter it
/// binds, a linear scan inside SQLite, so a multi-row statement with
/// hundreds of `$N` took quadratic time (the top frame of the store's
/// thread in the listener's profile). Every statement here uses each
/// placeholder once, in the order of its binds.
fn placeholder(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_owned(),
        Backend::Postgres => format!("${n}"),
    }
}

/// `($1, $2), ($3, $4), …`: `rows` tuples of `width` placeholders.
fn numbered_rows(backend: Backend, rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=width)
                .map(|c| placeholder(backend, r * width + c))
                .collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$from, $from+1, …`: `n` placeholders.
fn numbered_list(backend: Backend, from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| placeholder(backend, i))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Records a delivery; `None` when this tracker already has one with the
    /// same delivery id (a redelivery, to be acknowledged and not processed).
    pub async fn record_delivery(&self, d: &NewDelivery<'_>) -> Result<Option<i64>> {
        Ok(self
            .record_deliveries(std::slice::from_ref(d))
            .await?
            .remove(0))
    }

    /// Records several deliveries in one transaction; one answer per
    /// delivery, in order.
    pub async fn record_deliveries(&self, list: &[NewDelivery<'_>]) -> Result<Vec<Option<i64>>> {
        Ok(self.commit_deliveries(list, &[]).await?.ids)
    }

    /// Records the outcomes of processed deliveries in one transaction.
    pub async fn finish_deliveries(&self, outcomes: &[Outcome]) -> Result<()> {
        self.commit_deliveries(&[], outcomes).await?;
        Ok(())
    }

    /// Records `list` (each new one claimed for its `claimed_by`, if it
    /// names one) and the `outcomes` of processed deliveries, all in one
    /// transaction. The listener commits through a [`DeliveryWriter`].
    pub async fn commit_deliveries(
        &self,
        list: &[NewDelivery<'_>],
        outcomes: &[Outcome],
    ) -> Result<Committed> {
        let mut conn = self.pool().acquire().await?;
        commit_on(self.backend(), &mut conn, list, outcomes).await
    }

    /// A writer with a connection of its own, for the listener's group
    /// commit.
    pub fn delivery_writer(&self) -> DeliveryWriter {
        DeliveryWriter {
            store: self.clone(),
            conn: None,
        }
    }

    /// Renews `claimant`'s claims on the pending deliveries `ids` (a claim
    /// made when they were recorded, about to lapse before the processor
    /// reaches them); the ids it still held, and now holds afresh. The rest
    /// were taken over or finished by another processor.
    pub async fn renew_delivery_claims(&self, claimant: &str, ids: &[i64]) -> Result<Vec<i64>> {
        let now = time::to_ms(time::now());
        let mut held = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ID_CHUNK) {
            let sql = format!(
                "UPDATE webhook_deliveries SET claimed_at = $1 \
                 WHERE status = 'pending' AND claimed_by = $2 AND id IN ({}) RETURNING id",
                numbered_list(Backend::Postgres, 3, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(now).bind(claimant);
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(self.pool()).await? {
                held.push(row.try_get::<i64, _>("id")?);
            }
        }
        held.sort_unstable();
        Ok(held)
    }
}

/// The group commit: whatever queued up while the previous commit ran, in
/// one transaction. A few statements per chunk of [`RECORD_CHUNK`],
/// whatever its size: on SQLite each statement is a round trip to the
/// connection's thread, which cost more than the writing itself when there
/// was one per delivery.
async fn commit_on(
    backend: Backend,
    conn: &mut AnyConnection,
    list: &[NewDelivery<'_>],
    outcomes: &[Outcome],
) -> Result<Committed> {
    let now = time::now();
    let received = time::to_ms(now);
    let mut tx = match backend {
        // Takes the write lock at once (see `Store::begin_write`).
        Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => conn.begin().await?,
    };
    finish_in(backend, &mut tx, outcomes, received).await?;
    let mut ids = Vec::with_capacity(list.len());
    for chunk in list.chunks(RECORD_CHUNK) {
        ids.extend(insert_in(backend, &mut tx, chunk, received).await?);
    }
    tx.commit().await?;
    Ok(Committed {
        ids,
        received_at: now,
    })
}

/// Commits deliveries on a connection it keeps between commits. On SQLite
/// a connection drops its page cache whenever another connection has
/// committed since it last read, and the pool hands its connections out in
/// turn, so a pooled writer re-read the pages it was about to write nearly
/// every time.
#[derive(Debug)]
pub struct DeliveryWriter {
    store: Store,
    conn: Option<PoolConnection<Any>>,
}

impl DeliveryWriter {
    /// As [`Store::commit_deliveries`]. After a failure the connection goes
    /// back to the pool and the next commit takes another.
    pub async fn commit(
        &mut self,
        list: &[NewDelivery<'_>],
        outcomes: &[Outcome],
    ) -> Result<Committed> {
        let mut conn = match self.conn.take() {
            Some(c) => c,
            None => self.store.pool().acquire().await?,
        };
        let committed = commit_on(self.store.backend(), &mut conn, list, outcomes).await?;
        self.conn = Some(conn);
        Ok(committed)
    }
}

/// Inserts one chunk of deliveries; `Some(id)` for each new one.
async fn insert_in(
    backend: Backend,
    tx: &mut AnyConnection,
    chunk: &[NewDelivery<'_>],
    received: i64,
) -> Result<Vec<Option<i64>>> {
    let sql = format!(
        "INSERT INTO webhook_deliveries (provider, tracker, event, delivery_id, received_at, size, status, last_error, claimed_by, claimed_at) \
         VALUES {} ON CONFLICT (tracker, delivery_id) DO NOTHING RETURNING id, tracker, delivery_id",
        numbered_rows(backend, chunk.len(), 10)
    );
    let mut q = sqlx::query(&sql);
    for d in chunk {
        q = q
            .bind(d.provider)
            .bind(d.tracker)
            .bind(d.event)
            .bind(d.delivery_id)
            .bind(received)
            .bind(i64::try_from(d.body.len()).unwrap_or(i64::MAX))
            .bind(d.status.as_str())
            .bind(d.error)
            .bind(d.claimed_by)
            .bind(d.claimed_by.map(|_| received));
    }
    // RETURNING names only the rows inserted, in no promised order; a
    // delivery id twice in one chunk is inserted for its first.
    let mut inserted = std::collections::HashMap::new();
    for r in q.fetch_all(&mut *tx).await? {
        let key: (String, String) = (r.try_get("tracker")?, r.try_get("delivery_id")?);
        inserted.insert(key, r.try_get::<i64, _>("id")?);
    }
    let ids: Vec<Option<i64>> = chunk
        .iter()
        .map(|d| inserted.remove(&(d.tracker.to_owned(), d.delivery_id.to_owned())))
        .collect();
    let new: Vec<(i64, &[u8])> = ids
        .iter()
        .zip(chunk)
        .filter_map(|(id, d)| id.map(|id| (id, d.body)))
        .collect();
    if !new.is_empty() {
        let sql = format!(
            "INSERT INTO webhook_delivery_bodies (id, body) VALUES {}",
            numbered_rows(backend, new.len(), 2)
        );
        let mut q = sqlx::query(&sql);
        for (id, body) in &new {
            q = q.bind(*id).bind(*body);
        }
        q.execute(&mut *tx).await?;
    }
    Ok(ids)
}

/// Records outcomes: the processed ones in one statement per chunk, each
/// failed one in its own.
async fn finish_in(
    backend: Backend,
    tx: &mut AnyConnection,
    outcomes: &[Outcome],
    processed_at: i64,
) -> Result<()> {
    let clean = |status: &DeliveryStatus, error: &Option<String>| {
        *status == DeliveryStatus::Processed && error.is_none()
    };
    let done: Vec<i64> = outcomes
        .iter()
        .filter(|(_, status, error)| clean(status, error))
        .map(|(id, _, _)| *id)
        .collect();
    for chunk in done.chunks(ID_CHUNK) {
        let sql = format!(
            "UPDATE webhook_deliveries SET status = 'processed', last_error = NULL, attempts = attempts + 1, \
             processed_at = {}, claimed_at = NULL, claimed_by = NULL WHERE id IN ({})",
            placeholder(backend, 1),
            numbered_list(backend, 2, chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(processed_at);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
    }
    for (id, status, error) in outcomes
        .iter()
        .filter(|(_, status, error)| !clean(status, error))
    {
        let processed = (*status == DeliveryStatus::Processed).then_some(processed_at);
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, last_error = $2, attempts = attempts + 1, \
             processed_at = COALESCE($3, processed_at), claimed_at = NULL, claimed_by = NULL WHERE id = $4",
        )
        .bind(status.as_str())
        .bind(error.as_deref())
        .bind(processed)
        .bind(*id)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        let pg = Backend::Postgres;
        assert_eq!(numbered_rows(pg, 2, 2), "($1, $2), ($3, $4)");
        assert_eq!(numbered_list(pg, 3, 2), "$3, $4");
        assert_eq!(numbered_rows(Backend::Sqlite, 2, 2), "(?, ?), (?, ?)");
    }
}
