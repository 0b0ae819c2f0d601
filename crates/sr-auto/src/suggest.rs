//! Did-you-mean suggestions for misspelt names.

/// `; did you mean "x"?` when one of `expected` is close to `given`, else
/// `; expected one of a, b, c`.
pub(crate) fn suggestion<S: AsRef<str>>(given: &str, expected: &[S]) -> String {
    let best = expected
        .iter()
        .map(|e| {
            (
                distance(&given.to_lowercase(), &e.as_ref().to_lowercase()),
                e,
            )
        })
        .min_by_key(|(d, _)| *d);
    match best {
        Some((d, e)) if d <= given.chars().count().max(3) / 3 + 1 => {
            format!("; did you mean \"{}\"?", e.as_ref())
        }
        _ if expected.is_empty() => String::new(),
        _ => {
            let names: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
            format!("; expected one of {}", names.join(", "))
        }
    }
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(given: &str, expected: &[&str], want: &str) {
        assert_eq!(suggestion(given, expected), want, "{given}");
    }

    #[test]
    fn suggestions() {
        check(
            "drift.detcted",
            &["drift.detected", "drift.resolved"],
            "; did you mean \"drift.detected\"?",
        );
        check(
            "Locl",
            &["Local", "GitHub Issues"],
            "; did you mean \"Local\"?",
        );
        check(
            "zzz",
            &["Local", "GitHub"],
            "; expected one of Local, GitHub",
        );
        check("x", &[], "");
    }
}
