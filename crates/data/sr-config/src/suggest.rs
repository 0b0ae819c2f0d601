//! Did-you-mean: the expected name nearest to a misspelt one, when it is
//! near enough to be a typo of it. [`closest`] is the workspace's one
//! suggester (configuration files here; rule, tracker and connection names
//! above), so that every "did you mean" agrees.

/// The candidate nearest to `given` by optimal string alignment distance
/// (strsim's: insertions, deletions, substitutions and swaps of neighbours
/// each cost one; case ignored), if it is near enough to be a typo of it:
/// at most a third of the longer length, plus one.
pub fn closest<'c>(given: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let given = given.to_lowercase();
    candidates
        .map(|c| (strsim::osa_distance(&given, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= given.chars().count().max(c.chars().count()) / 3 + 1)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "did you mean "x"?" when one expected name is close to `given`, else the
/// list of expected names, else `otherwise`.
pub(crate) fn suggestion(given: &str, expected: &[String], otherwise: &str) -> String {
    if let Some(best) = closest(given, expected.iter().map(String::as_str)) {
        return format!("did you mean \"{best}\"?");
    }
    if expected.is_empty() {
        return otherwise.to_owned();
    }
    let list = expected
        .iter()
        .map(|e| format!("\"{e}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if otherwise.is_empty() {
        format!("write one of {list}")
    } else {
        format!("{otherwise}, or use one of {list}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let fields: Vec<String> = ["name", "type", "enabled", "config", "sync"]
            .map(String::from)
            .to_vec();
        let cases = [
            ("nmae", "did you mean \"name\"?"),
            ("Type", "did you mean \"type\"?"),
            ("enabeld", "did you mean \"enabled\"?"),
            ("confg", "did you mean \"config\"?"),
            (
                "colour",
                "remove it, or use one of \"name\", \"type\", \"enabled\", \"config\", \"sync\"",
            ),
        ];
        for (given, expected) in cases {
            assert_eq!(suggestion(given, &fields, "remove it"), expected, "{given}");
        }
        assert_eq!(suggestion("x", &[], "remove it"), "remove it");
        let near = |given| closest(given, ["github", "gitlab", "local"].into_iter());
        assert_eq!(near("GitHb"), Some("github"));
        assert_eq!(near("gtilab"), Some("gitlab"));
        assert_eq!(near("redmine"), None);
    }
}
