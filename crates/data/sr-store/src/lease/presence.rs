//! Who is alive on a team store. A claimant announces itself by holding a
//! PostgreSQL session-level advisory lock named after its id, on a
//! connection of its own. When its process dies the session ends, the lock
//! goes, and any other process — on any host — sees it departed.
//!
//! Announced claimants carry the suffix `+p`; others (SQLite, older
//! binaries) are judged by the host/pid check and the timeout.

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::{Backend, Result, Store};

pub(crate) const SUFFIX: &str = "+p";

/// The two 32-bit halves of the advisory lock key for `claimant`.
fn key(claimant: &str) -> (i64, i64) {
    // FNV-1a, stable across processes and versions.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in claimant.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (i64::from((h >> 32) as u32), i64::from(h as u32))
}

impl Store {
    /// Announces `claimant` (once; later calls answer at once) for as long
    /// as this store is open and returns
    /// the id to claim under: `claimant+p` on PostgreSQL, `claimant`
    /// unchanged on SQLite (one process writes it).
    pub async fn announce(&self, claimant: &str) -> Result<String> {
        if self.backend() != Backend::Postgres {
            return Ok(claimant.to_owned());
        }
        let id = format!("{claimant}{SUFFIX}");
        let mut presence = self.presence.lock().await;
        if presence.iter().any(|(held, _)| *held == id) {
            return Ok(id);
        }
        let (hi, lo) = key(&id);
        let mut conn = PgConnection::connect(self.url.expose()).await?;
        // Not `pg_advisory_lock`: a second store of this process (two
        // engines in one program, as tests open them) announcing the same
        // id would wait forever on the first one's session. Held by
        // another session, the id is announced already, and alive: its
        // claimant is this very process.
        let held: bool = sqlx::Row::try_get(
            &sqlx::query("SELECT pg_try_advisory_lock(($1::bigint << 32) | $2::bigint) AS held")
                .bind(hi)
                .bind(lo)
                .fetch_one(&mut conn)
                .await?,
            "held",
        )?;
        if held {
            presence.push((id.clone(), conn));
        } else {
            conn.close().await.ok();
        }
        Ok(id)
    }

    /// Announced claimants in `owners` whose session is gone.
    pub(crate) async fn departed(&self, owners: &[String]) -> Result<Vec<String>> {
        if self.backend() != Backend::Postgres {
            return Ok(Vec::new());
        }
        let mut gone = Vec::new();
        for owner in owners.iter().filter(|o| o.ends_with(SUFFIX)) {
            let (hi, lo) = key(owner);
            let held: bool = sqlx::Row::try_get(
                &sqlx::query(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted \
                     AND objsubid = 1 AND classid::bigint = $1 AND objid::bigint = $2) AS held",
                )
                .bind(hi)
                .bind(lo)
                .fetch_one(self.pool())
                .await?,
                "held",
            )?;
            if !held {
                gone.push(owner.clone());
            }
        }
        Ok(gone)
    }

    /// Ends this store's announcements (their sessions close).
    pub(crate) async fn withdraw(&self) {
        for (_, conn) in self.presence.lock().await.drain(..) {
            conn.close().await.ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn keys_are_stable_and_distinct() {
        assert_eq!(key("a+p"), key("a+p"));
        assert_ne!(key("host:1:5+p"), key("host:2:5+p"));
        let (hi, lo) = key("x");
        assert!((0..=i64::from(u32::MAX)).contains(&hi) && (0..=i64::from(u32::MAX)).contains(&lo));
    }
}
