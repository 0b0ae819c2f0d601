//! Pull requests (GitHub) and merge requests (GitLab) as the product keeps
//! them: the provider's fields the linked-issues panel shows, the files a
//! request changes, and the issue references its title, branch or body
//! carries (`LOCAL-12`, `DB-7`, `#12`, `group/project#12`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// Where a pull or merge request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PullState {
    Open,
    Closed,
    Merged,
}

impl PullState {
    pub fn as_str(self) -> &'static str {
        match self {
            PullState::Open => "open",
            PullState::Closed => "closed",
            PullState::Merged => "merged",
        }
    }

    /// Reads what [`PullState::as_str`] wrote; `None` for anything else.
    pub fn parse(s: &str) -> Option<PullState> {
        match s {
            "open" => Some(PullState::Open),
            "closed" => Some(PullState::Closed),
            "merged" => Some(PullState::Merged),
            _ => None,
        }
    }
}

impl fmt::Display for PullState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One pull or merge request, as a webhook or a poll reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    /// The tracker entry (trackers.json `name`) it came through.
    pub tracker: String,
    /// The provider type (`github`, `gitlab`).
    pub provider: String,
    /// `owner/repo` or `group/project`.
    pub repo: String,
    /// The number people write (`#12`, `!12`).
    pub number: u64,
    pub title: String,
    /// Not stored: read once for issue references.
    #[serde(default)]
    pub body: String,
    /// The source branch.
    pub branch: String,
    pub state: PullState,
    pub draft: bool,
    pub merged_at: Option<Timestamp>,
    /// The provider's own word for its checks or merge status
    /// (`clean`, `unstable`, `mergeable`, `ci_must_pass`), when it says.
    pub checks: Option<String>,
    /// The provider's word for its review state (`approved`,
    /// `changes_requested`, `review_required`), when it says.
    pub review: Option<String>,
    pub url: String,
    pub updated_at: Timestamp,
}

impl PullRequest {
    /// How people name it: `owner/repo#12` (GitHub), `group/project!12`
    /// (GitLab).
    pub fn display_key(&self) -> String {
        let sigil = if self.provider == "gitlab" { '!' } else { '#' };
        format!("{}{sigil}{}", self.repo, self.number)
    }

    /// Every issue reference in the title, branch and body, each once.
    pub fn issue_refs(&self) -> Vec<IssueMention> {
        let mut refs = Vec::new();
        for text in [&self.title, &self.branch, &self.body] {
            for r in issue_refs(text) {
                if !refs.contains(&r) {
                    refs.push(r);
                }
            }
        }
        refs
    }
}

/// A file a pull request changes, with the lines it adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullFile {
    pub path: String,
    /// `added`, `modified`, `removed`, `renamed`.
    pub status: String,
    /// The unified diff of the file, when the provider sends one (providers
    /// leave it out of binary and very large files).
    pub patch: Option<String>,
}

impl PullFile {
    /// The lines the diff adds, without their `+` (the new SQL).
    pub fn added_text(&self) -> String {
        let Some(patch) = &self.patch else {
            return String::new();
        };
        let mut out = String::new();
        for line in patch.lines() {
            if let Some(rest) = line.strip_prefix('+')
                && !line.starts_with("+++")
            {
                out.push_str(rest);
                out.push('\n');
            }
        }
        out
    }
}

/// An issue reference written in free text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IssueMention {
    /// `DB-7`, `LOCAL-12`: a project key and a number (upper-cased).
    Keyed(String),
    /// `#12`: an issue of the request's own repository.
    Number(u64),
    /// `group/project#12`: an issue of another repository.
    Qualified { repo: String, number: u64 },
}

/// Finds issue references in `text`. Hand-written rather than a regex:
/// the three shapes are short and the scan needs word boundaries that a
/// `regex` without look-around would have to emulate anyway.
pub fn issue_refs(text: &str) -> Vec<IssueMention> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let at_word_start = i == 0 || !is_word(chars[i - 1]);
        if chars[i] == '#' {
            let (n, end) = digits(&chars, i + 1);
            if let Some(n) = n {
                let before = path_before(&chars, i);
                match before {
                    Some(repo) => out.push(IssueMention::Qualified { repo, number: n }),
                    None if at_word_start => out.push(IssueMention::Number(n)),
                    None => {}
                }
                i = end;
                continue;
            }
        } else if at_word_start && chars[i].is_ascii_alphabetic() {
            // KEY-123: letters (then letters or digits), a dash, digits.
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            if j < chars.len() && chars[j] == '-' {
                let (n, end) = digits(&chars, j + 1);
                if n.is_some() && (end == chars.len() || !is_word(chars[end])) {
                    let key: String = chars[i..end].iter().collect();
                    out.push(IssueMention::Keyed(key.to_ascii_uppercase()));
                    i = end;
                    continue;
                }
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Digits from `start` (then not followed by a word character).
fn digits(chars: &[char], start: usize) -> (Option<u64>, usize) {
    let mut end = start;
    while end < chars.len() && chars[end].is_ascii_digit() {
        end += 1;
    }
    if end == start || (end < chars.len() && is_word(chars[end])) {
        return (None, end.max(start));
    }
    let s: String = chars[start..end].iter().collect();
    (s.parse().ok(), end)
}

/// `group/project` written right before a `#` at `hash`, if any.
fn path_before(chars: &[char], hash: usize) -> Option<String> {
    let mut start = hash;
    while start > 0 {
        let c = chars[start - 1];
        if c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/') {
            start -= 1;
        } else {
            break;
        }
    }
    let path: String = chars[start..hash].iter().collect();
    let path = path.trim_matches('/');
    if path.contains('/') && !path.starts_with('.') {
        Some(path.to_owned())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_four_shapes_and_nothing_else() {
        let refs = issue_refs(
            "Fix DB-7 and local-12 (see #12, group/sub/project#3); not abc#4, x#y, ISO-8601x or #12a",
        );
        assert_eq!(
            refs,
            vec![
                IssueMention::Keyed("DB-7".into()),
                IssueMention::Keyed("LOCAL-12".into()),
                IssueMention::Number(12),
                IssueMention::Qualified {
                    repo: "group/sub/project".into(),
                    number: 3
                },
            ]
        );
    }

    #[test]
    fn branch_names_carry_keys() {
        assert_eq!(
            issue_refs("feature/DB-7-orders-index"),
            vec![IssueMention::Keyed("DB-7".into())]
        );
    }

    #[test]
    fn added_text_keeps_only_new_lines() {
        let f = PullFile {
            path: "migrations/0042.sql".into(),
            status: "added".into(),
            patch: Some(
                "@@ -0,0 +1,2 @@\n+ALTER TABLE orders\n+  ADD note text;\n-old\n ctx".into(),
            ),
        };
        assert_eq!(f.added_text(), "ALTER TABLE orders\n  ADD note text;\n");
    }
}
