//! Cutting an issue body to the tracker's limit
//! (`IssueTracker::body_limit`, which each adapter knows) with a note that
//! says so (a body the tracker refuses would lose the
//! whole issue; a cut one loses only its tail, and says where).
//!
//! The limits count characters (Unicode scalar values), which is what the
//! providers' own messages speak of; cutting by bytes could split a
//! character.

/// A title longer than this is cut with `…`: Jira's summary holds 255
/// characters, the strictest of the providers, and a title is read whole.
pub const TITLE_LIMIT: usize = 255;

/// Cuts `body` to at most `limit_chars` characters, note included, and
/// says whether it cut. The cut falls at the end of a line when one is
/// near, an open code fence is closed so the note is not shown as code, and
/// a note at the end says how much was left out.
pub fn truncate_body(body: &str, limit_chars: usize) -> (String, bool) {
    let total = body.chars().count();
    if total <= limit_chars {
        return (body.to_owned(), false);
    }
    // The note's length depends on the numbers in it; reserve generously.
    let note_room = note(total, total).chars().count() + 8;
    let keep = limit_chars.saturating_sub(note_room);
    let mut cut: String = body.chars().take(keep).collect();
    // Prefer to end on a line boundary if one is within the last 20% kept.
    if let Some(nl) = cut.rfind('\n')
        && cut[..nl].chars().count() >= keep - keep / 5
    {
        cut.truncate(nl);
    }
    let kept = cut.chars().count();
    if let Some(fence) = open_fence(&cut) {
        cut.push('\n');
        cut.push_str(&fence);
    }
    cut.push_str(&note(kept, total));
    // The fence and note were measured generously; a tiny limit can still
    // be exceeded, so cut hard as the last resort.
    if cut.chars().count() > limit_chars {
        cut = cut.chars().take(limit_chars).collect();
    }
    (cut, true)
}

fn note(kept: usize, total: usize) -> String {
    format!(
        "\n\n---\n*This text was cut to fit the tracker's limit: {kept} of {total} characters are shown.*\n"
    )
}

/// The fence that closes the code block left open at the end of `text`, if
/// one is.
fn open_fence(text: &str) -> Option<String> {
    let mut open: Option<(char, usize)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let Some(c) = trimmed.chars().next().filter(|c| *c == '`' || *c == '~') else {
            continue;
        };
        let run = trimmed.chars().take_while(|x| *x == c).count();
        if run < 3 {
            continue;
        }
        match open {
            None => open = Some((c, run)),
            Some((oc, orun)) if oc == c && run >= orun && trimmed[run..].trim().is_empty() => {
                open = None;
            }
            Some(_) => {}
        }
    }
    open.map(|(c, run)| std::iter::repeat_n(c, run).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str, limit: usize, expected: &str, cut: bool) {
        let (got, was_cut) = truncate_body(body, limit);
        assert_eq!(got, expected, "body {body:?} limit {limit}");
        assert_eq!(was_cut, cut);
        assert!(got.chars().count() <= limit, "{got:?} longer than {limit}");
    }

    #[test]
    fn short_bodies_are_unchanged() {
        check("", 10, "", false);
        check("abc", 3, "abc", false);
        check("é✓", 2, "é✓", false);
    }

    #[test]
    fn long_bodies_end_with_a_note() {
        let body = "x".repeat(300);
        let (got, cut) = truncate_body(&body, 200);
        assert!(cut);
        assert!(got.chars().count() <= 200);
        assert!(got.ends_with("characters are shown.*\n"), "{got}");
        assert!(got.contains("of 300 characters"), "{got}");
    }

    #[test]
    fn cuts_at_a_line_end_and_closes_an_open_fence() {
        let mut body = String::from("intro\n```sql\n");
        for i in 0..200 {
            body.push_str(&format!("select {i};\n"));
        }
        body.push_str("```\n");
        let (got, cut) = truncate_body(&body, 600);
        assert!(cut);
        assert!(got.chars().count() <= 600);
        let before_note = got.split("\n\n---\n").next().unwrap_or_default();
        assert!(before_note.ends_with(";\n```"), "{before_note:?}");
    }

    #[test]
    fn multibyte_characters_are_counted_not_bytes() {
        let body = "é".repeat(500);
        let (got, cut) = truncate_body(&body, 300);
        assert!(cut);
        assert!(got.chars().count() <= 300);
        assert!(got.starts_with("éé"));
    }

    #[test]
    fn open_fences_are_found() {
        for (text, expected) in [
            ("a\n```sql\nselect", Some("```")),
            ("```\nx\n```\n", None),
            ("````\n```\n", Some("````")),
            ("~~~\n```\n", Some("~~~")),
            ("``inline``", None),
        ] {
            assert_eq!(open_fence(text).as_deref(), expected, "{text:?}");
        }
    }
}
