//! Keeping row data out of issues: an auto-issue is written into a tracker
//! that many people (and sometimes the public) read, from event data that
//! may carry sample rows of customer data. [`strip_rows`] replaces them
//! with a note saying they were left out, so nothing disappears without a
//! word. (Secrets are redacted by `sr_secrets::Redactor`.)

use serde_json::Value;

/// The keys whose values are row data.
pub const ROW_KEYS: &[&str] = &["rows", "sample_rows", "row_data", "sample_data"];

/// Replaces row data (the values of [`ROW_KEYS`], at any depth) in `v`
/// with a note saying how many rows were left out, and returns how many
/// values it replaced. Callers skip this when a rule opts in to rows.
pub fn strip_rows(v: &mut Value) -> usize {
    match v {
        Value::Array(items) => items.iter_mut().map(strip_rows).sum(),
        Value::Object(map) => {
            let mut stripped = 0;
            for (key, value) in map.iter_mut() {
                if ROW_KEYS.contains(&key.as_str()) && !matches!(value, Value::Null) {
                    *value = Value::String(rows_note(value));
                    stripped += 1;
                } else {
                    stripped += strip_rows(value);
                }
            }
            stripped
        }
        _ => 0,
    }
}

fn rows_note(rows: &Value) -> String {
    let what = match rows {
        Value::Array(a) if a.len() == 1 => "1 row".to_owned(),
        Value::Array(a) => format!("{} rows", a.len()),
        _ => "row data".to_owned(),
    };
    format!(
        "({what} left out: row data is not sent to trackers unless the auto-issue rule opts in)"
    )
}

#[cfg(test)]
#[path = "rows_tests.rs"]
mod tests;
