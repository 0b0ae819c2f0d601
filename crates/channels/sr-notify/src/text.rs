//! Text helpers every channel needs: services cap their fields (Slack's
//! header at 150 characters, PagerDuty's summary at 1024), and a message
//! cut at the cap must still say that it was cut.

/// `text` cut to at most `max` characters (not bytes), ending in `…` when
/// cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn cuts_by_characters_and_says_so() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
        assert_eq!(truncate("ééééé", 4), "ééé…");
        assert_eq!(truncate("", 0), "");
    }
}
