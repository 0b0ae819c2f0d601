//! Cursor pagination. A page names the cursor of the next one; a cursor is
//! opaque to callers (base64url of the last row's position) and decoded
//! here only, so how a list orders its rows can change without breaking
//! anyone.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::ApiError;

/// Rows in a page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 50;
/// The most rows a page holds.
pub const MAX_LIMIT: usize = 500;

/// `limit` and `cursor`, shared by every list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Rows per page (1 to 500, 50 when absent).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page; absent (or empty) for the first.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<usize, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n @ 1..=500) => Ok(n as usize),
            Some(n) => Err(ApiError::BadRequest(format!(
                "limit {n} is out of range; ask for 1 to {MAX_LIMIT} rows a page"
            ))),
        }
    }

    fn raw_cursor(&self) -> Result<Option<String>, ApiError> {
        let Some(c) = self.cursor.as_deref().filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        let bytes = URL_SAFE_NO_PAD.decode(c).map_err(|_| bad_cursor())?;
        String::from_utf8(bytes).map(Some).map_err(|_| bad_cursor())
    }

    /// The cursor as a row id.
    pub fn id_cursor(&self) -> Result<Option<i64>, ApiError> {
        self.raw_cursor()?
            .map(|c| c.parse().map_err(|_| bad_cursor()))
            .transpose()
    }

    /// The cursor as a time and a key.
    pub fn time_cursor(&self) -> Result<Option<(DateTime<Utc>, String)>, ApiError> {
        self.raw_cursor()?
            .map(|c| {
                let (ms, key) = c.split_once('|').ok_or_else(bad_cursor)?;
                let ms: i64 = ms.parse().map_err(|_| bad_cursor())?;
                let at = DateTime::from_timestamp_millis(ms).ok_or_else(bad_cursor)?;
                Ok((at, key.to_owned()))
            })
            .transpose()
    }
}

fn bad_cursor() -> ApiError {
    ApiError::BadRequest(
        "the cursor is not one this API gave out; pass `next_cursor` of the previous page unchanged, or leave it out for the first page".into(),
    )
}

/// The cursor after a row with this id.
pub fn id_cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(id.to_string())
}

/// The cursor after a row at this time with this key.
pub fn time_cursor(at: DateTime<Utc>, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{key}", at.timestamp_millis()))
}

/// The next page's cursor: only when this page came back full.
pub fn next<T>(rows: &[T], limit: usize, cursor: impl Fn(&T) -> String) -> Option<String> {
    if rows.len() < limit {
        return None;
    }
    rows.last().map(cursor)
}
