//! Positions in a rules file: byte offsets of JSON values found through
//! borrowed `RawValue`s (their text is a slice of the file), turned into
//! 1-based lines and columns.

use serde_json::value::RawValue;

/// The byte offset of `raw` in `text`; `raw` must borrow from `text`.
pub(crate) fn offset_of(text: &str, raw: &RawValue) -> usize {
    let start = text.as_ptr() as usize;
    let at = raw.get().as_ptr() as usize;
    at.checked_sub(start)
        .filter(|o| *o <= text.len())
        .unwrap_or(0)
}

/// The offset of a key's opening quote, searching back from its value.
pub(crate) fn key_offset(text: &str, key: &str, value_offset: usize) -> usize {
    let quoted = format!("\"{key}\"");
    text[..value_offset.min(text.len())]
        .rfind(&quoted)
        .unwrap_or(value_offset)
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The byte offset of a 1-based (line, column) inside `slice`, itself at
/// `base` in the file (serde reports positions within what it parsed).
pub(crate) fn offset_in(slice: &str, base: usize, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match slice[start..].find('\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let col_bytes: usize = slice[start..]
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    base + start + col_bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_lines() {
        let text = "{\n  \"a\": [1, 2]\n}";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (2, 3));
        let v: std::collections::BTreeMap<String, &RawValue> =
            serde_json::from_str(text).expect("json");
        let at = offset_of(text, v["a"]);
        assert_eq!(&text[at..at + 1], "[");
        assert_eq!(key_offset(text, "a", at), 4);
        assert_eq!(offset_in("x\nyz", 10, 2, 2), 13);
    }
}
