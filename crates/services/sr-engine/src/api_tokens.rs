//! Tokens of the team HTTP API: made here from the operating system's
//! random source, shown once, stored only as their SHA-256 (sr-store), and
//! checked on every API request. A token names its own id
//! (`srt_ID_SECRET`), so a log line or a `list` can tell tokens apart
//! without ever holding a secret.

use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};
use sr_store::{ApiTokenRow, NewApiToken};

use crate::{Engine, EngineError};

/// What a token may do: `read` sees everything, `write` may also start
/// syncs and replay deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TokenScope {
    Read,
    Write,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    pub fn parse(text: &str) -> Result<TokenScope, EngineError> {
        match text {
            "read" => Ok(TokenScope::Read),
            "write" => Ok(TokenScope::Write),
            other => Err(EngineError::BadTokenScope(other.to_owned())),
        }
    }
}

/// A token as the API sees it once it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCaller {
    pub id: String,
    pub name: String,
    pub scope: TokenScope,
}

/// A token just made: the one moment its secret exists outside its holder.
#[derive(Debug)]
pub struct CreatedToken {
    pub row: ApiTokenRow,
    /// Shown once; never stored, never logged.
    pub token: sr_secrets::Secret,
}

/// Reads `90d`, `12h` or `30m` as a lifetime.
pub fn parse_expiry(text: &str) -> Result<Duration, EngineError> {
    let bad = || EngineError::BadTokenExpiry(text.to_owned());
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = number.parse().map_err(|_| bad())?;
    if n <= 0 {
        return Err(bad());
    }
    match unit {
        "d" => Duration::try_days(n),
        "h" => Duration::try_hours(n),
        "m" => Duration::try_minutes(n),
        _ => None,
    }
    .ok_or_else(bad)
}

/// The hex SHA-256 the store keeps for `token`. A plain hash suffices (no
/// password hash): the token carries 256 random bits, so nothing can be
/// guessed from it, and every API request must check it quickly.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_hex(bytes: usize) -> Result<String, EngineError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| EngineError::Background(format!("the system's random source failed: {e}")))?;
    Ok(hex::encode(buf))
}

impl Engine {
    /// Makes a token named `name`; its secret is in the answer only.
    pub async fn create_api_token(
        &self,
        name: &str,
        scope: TokenScope,
        lifetime: Option<Duration>,
    ) -> Result<CreatedToken, EngineError> {
        if name.trim().is_empty() {
            return Err(EngineError::BadTokenName);
        }
        let id = random_hex(4)?;
        let token = format!("srt_{id}_{}", random_hex(32)?);
        let row = self
            .store()
            .insert_api_token(&NewApiToken {
                id: &id,
                name,
                scope: scope.as_str(),
                token_hash: &token_hash(&token),
                expires_at: lifetime.map(|l| Utc::now() + l),
            })
            .await?;
        Ok(CreatedToken {
            row,
            token: sr_secrets::Secret::new(token),
        })
    }

    /// Every token, revoked and expired ones included.
    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenRow>, EngineError> {
        Ok(self.store().api_tokens().await?)
    }

    /// Revokes a token by id or name; false when none was left to revoke.
    pub async fn revoke_api_token(&self, id_or_name: &str) -> Result<bool, EngineError> {
        Ok(self.store().revoke_api_token(id_or_name).await?)
    }

    /// Checks a presented token: known, not revoked, not expired.
    pub async fn authenticate_api_token(&self, token: &str) -> Result<ApiCaller, EngineError> {
        let row = self
            .store()
            .api_token_by_hash(&token_hash(token))
            .await?
            .ok_or(EngineError::UnknownToken)?;
        if row.revoked_at.is_some() {
            return Err(EngineError::RevokedToken { name: row.name });
        }
        let now = Utc::now();
        if row.expires_at.is_some_and(|at| at <= now) {
            return Err(EngineError::ExpiredToken { name: row.name });
        }
        // Only for `api token list`; a failed note must not refuse a
        // request that is otherwise good.
        if let Err(e) = self.store().touch_api_token(&row.id, now).await {
            tracing::warn!(token = %row.id, error = %e, "noting the token's last use failed");
        }
        Ok(ApiCaller {
            scope: TokenScope::parse(&row.scope)?,
            id: row.id,
            name: row.name,
        })
    }
}
