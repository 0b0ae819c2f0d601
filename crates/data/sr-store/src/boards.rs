//! Whiteboards: one JSON document per connection with a version. A save
//! names the version it was made from (0 for a board never saved) and
//! fails with [`StoreError::BoardConflict`] when someone saved in between;
//! the store does not look inside the document.

use sqlx::Row;
use sr_model::Timestamp;

use crate::{Result, Store, StoreError, time};

/// A whiteboard as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBoard {
    pub connection: String,
    /// The board as JSON (sr-ui's board model writes and reads it).
    pub document: String,
    /// 1 after the first save, one more after each.
    pub version: i64,
    pub updated_at: Timestamp,
}

impl Store {
    /// The whiteboard of `connection`, if one was saved.
    pub async fn board(&self, connection: &str) -> Result<Option<StoredBoard>> {
        let row = sqlx::query(
            "SELECT connection, document, version, updated_at FROM whiteboards WHERE connection = $1",
        )
        .bind(connection)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(StoredBoard {
            connection: row.try_get("connection")?,
            document: row.try_get("document")?,
            version: row.try_get("version")?,
            updated_at: time::from_ms(row.try_get("updated_at")?, "whiteboards")?,
        }))
    }

    /// Saves `document` as the whiteboard of `connection`, made from
    /// version `expected` (0: no board was stored). Returns the new
    /// version, or [`StoreError::BoardConflict`] with the stored one when
    /// it is not `expected`.
    pub async fn save_board(&self, connection: &str, document: &str, expected: i64) -> Result<i64> {
        let now = time::to_ms(time::now());
        let done = if expected == 0 {
            sqlx::query(
                "INSERT INTO whiteboards (connection, document, version, updated_at) \
                 VALUES ($1, $2, 1, $3) ON CONFLICT (connection) DO NOTHING",
            )
            .bind(connection)
            .bind(document)
            .bind(now)
            .execute(self.pool())
            .await?
        } else {
            sqlx::query(
                "UPDATE whiteboards SET document = $1, version = version + 1, updated_at = $2 \
                 WHERE connection = $3 AND version = $4",
            )
            .bind(document)
            .bind(now)
            .bind(connection)
            .bind(expected)
            .execute(self.pool())
            .await?
        };
        if done.rows_affected() == 1 {
            return Ok(expected + 1);
        }
        let found = self.board(connection).await?.map_or(0, |b| b.version);
        Err(StoreError::BoardConflict {
            connection: connection.to_owned(),
            expected,
            found,
        })
    }
}
