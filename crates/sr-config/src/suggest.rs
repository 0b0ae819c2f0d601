//! Did-you-mean: the expected name nearest to a misspelt one, by edit
//! distance, when it is near enough to be a typo of it.

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

/// The candidate nearest to `given` by edit distance (ignoring case), if it
/// is near enough to be a typo of it.
pub(crate) fn closest<'c>(
    given: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let given = given.to_lowercase();
    candidates
        .map(|c| (edit_distance(&given, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= given.chars().count().max(c.chars().count()) / 3 + 1)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and swaps of neighbours each cost one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
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
        assert_eq!(edit_distance("nmae", "name"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
