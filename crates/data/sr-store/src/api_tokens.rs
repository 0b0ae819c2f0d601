//! Tokens of the team HTTP API. The store keeps each token's hash, never
//! the token: whoever reads the store (a backup, a shared PostgreSQL) can
//! list and revoke tokens but cannot use one. Making and hashing tokens is
//! the engine's business; this module only records and finds them.

use sqlx::Row;
use sqlx::any::AnyRow;
use sr_model::Timestamp;

use crate::{Result, Store, StoreError, time};

/// One recorded token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    pub id: String,
    pub name: String,
    /// `read` or `write`.
    pub scope: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

/// A token to record: its hash, never the token.
#[derive(Debug, Clone)]
pub struct NewApiToken<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub scope: &'a str,
    pub token_hash: &'a str,
    pub expires_at: Option<Timestamp>,
}

const COLUMNS: &str = "id, name, scope, created_at, expires_at, revoked_at, last_used_at";
const TABLE: &str = "api_tokens";

impl Store {
    /// Records a new token. Two creates of one name at once: one wins, the
    /// other gets [`StoreError::TokenNameTaken`] (the UNIQUE constraint
    /// decides, not a read before the write).
    pub async fn insert_api_token(&self, t: &NewApiToken<'_>) -> Result<ApiTokenRow> {
        let now = time::now();
        let inserted = sqlx::query(
            "INSERT INTO api_tokens (id, name, scope, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(t.id)
        .bind(t.name)
        .bind(t.scope)
        .bind(t.token_hash)
        .bind(time::to_ms(now))
        .bind(t.expires_at.map(time::to_ms))
        .execute(self.pool())
        .await?
        .rows_affected();
        if inserted == 0 {
            return Err(StoreError::TokenNameTaken(t.name.to_owned()));
        }
        Ok(ApiTokenRow {
            id: t.id.to_owned(),
            name: t.name.to_owned(),
            scope: t.scope.to_owned(),
            created_at: now,
            expires_at: t.expires_at,
            revoked_at: None,
            last_used_at: None,
        })
    }

    /// Every token, revoked ones included, oldest first.
    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenRow>> {
        let sql = format!("SELECT {COLUMNS} FROM api_tokens ORDER BY created_at, id");
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        rows.iter().map(token_from_row).collect()
    }

    /// The token whose hash is `token_hash`, if any (revoked or expired
    /// ones too: the caller says why it refuses).
    pub async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiTokenRow>> {
        let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1");
        let row = sqlx::query(&sql)
            .bind(token_hash)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    /// Revokes the token with this id or name; false when there is none
    /// or it was already revoked (revoking twice changes nothing).
    pub async fn revoke_api_token(&self, id_or_name: &str) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 \
             WHERE (id = $2 OR name = $2) AND revoked_at IS NULL",
        )
        .bind(time::to_ms(time::now()))
        .bind(id_or_name)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(n > 0)
    }

    /// Notes that token `id` was used at `at` (for `api token list`).
    pub async fn touch_api_token(&self, id: &str, at: Timestamp) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(time::to_ms(at))
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

fn token_from_row(r: &AnyRow) -> Result<ApiTokenRow> {
    let opt = |c: &str| -> Result<Option<Timestamp>> {
        r.try_get::<Option<i64>, _>(c)?
            .map(|ms| time::from_ms(ms, TABLE))
            .transpose()
    };
    Ok(ApiTokenRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        scope: r.try_get("scope")?,
        created_at: time::from_ms(r.try_get("created_at")?, TABLE)?,
        expires_at: opt("expires_at")?,
        revoked_at: opt("revoked_at")?,
        last_used_at: opt("last_used_at")?,
    })
}
