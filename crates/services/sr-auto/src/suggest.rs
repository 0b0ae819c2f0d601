//! Did-you-mean suggestions for misspelt names, through the workspace's
//! one suggester ([`sr_config::closest`]).

/// `; did you mean "x"?` when one of `expected` is close to `given`, else
/// `; expected one of a, b, c`.
pub(crate) fn suggestion<S: AsRef<str>>(given: &str, expected: &[S]) -> String {
    match sr_config::closest(given, expected.iter().map(AsRef::as_ref)) {
        Some(best) => format!("; did you mean \"{best}\"?"),
        None if expected.is_empty() => String::new(),
        None => {
            let names: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
            format!("; expected one of {}", names.join(", "))
        }
    }
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
