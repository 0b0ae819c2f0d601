//! Did-you-mean: the expected name nearest to a misspelt one, when it is
//! near enough to be a typo of it (the workspace's one suggester,
//! [`sr_tracker::unusable::closest`]).

pub(crate) use sr_tracker::unusable::closest;

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
    }
}
