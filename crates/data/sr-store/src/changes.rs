//! Change notices on a team store: PostgreSQL triggers (migration 7)
//! `NOTIFY scratchrobin_changes` with a small JSON payload whenever links,
//! cached issues or auto-issue outbox rows change, and [`ChangeListener`]
//! hears them, so every workbench and `serve` on one store sees the others'
//! work within a second without polling. A SQLite store has none.

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;

use crate::{Backend, Result, Store};

/// The channel the triggers notify.
pub const CHANNEL: &str = "scratchrobin_changes";

/// One change another process (or this one) made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreChange {
    /// `links`, `issues`, `auto_issue_outbox`, `issue_comments`, or `*` after a lost
    /// connection (anything may have changed: reload).
    pub table: String,
    /// `INSERT`, `UPDATE`, `DELETE`, or `RESYNC`.
    pub op: String,
    /// The object key of a link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The issue key of a link or a cached issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// A bulk change: how many rows (no keys then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<i64>,
}

impl StoreChange {
    fn resync() -> StoreChange {
        StoreChange {
            table: "*".into(),
            op: "RESYNC".into(),
            object: None,
            issue: None,
            rows: None,
        }
    }
}

/// Hears [`StoreChange`]s on its own connection.
pub struct ChangeListener(PgListener);

impl std::fmt::Debug for ChangeListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangeListener")
    }
}

impl Store {
    /// A listener for other processes' changes; `None` on SQLite.
    pub async fn listen_changes(&self) -> Result<Option<ChangeListener>> {
        if self.backend() != Backend::Postgres {
            return Ok(None);
        }
        let mut listener = PgListener::connect(self.url.expose()).await?;
        listener.listen(CHANNEL).await?;
        Ok(Some(ChangeListener(listener)))
    }
}

impl ChangeListener {
    /// The next change. After the connection was lost and re-established
    /// (notices in between are gone) it answers a `RESYNC` change.
    pub async fn recv(&mut self) -> Result<StoreChange> {
        loop {
            match self.0.try_recv().await? {
                None => return Ok(StoreChange::resync()),
                Some(n) => match serde_json::from_str(n.payload()) {
                    Ok(change) => return Ok(change),
                    Err(e) => {
                        tracing::warn!(payload = n.payload(), error = %e, "ignoring a malformed change notice");
                    }
                },
            }
        }
    }
}
