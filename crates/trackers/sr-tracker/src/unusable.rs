//! Why a tracker named by a user cannot be used, and the one function that
//! words it. Every look-up of a tracker by name or by issue key ends here
//! when it fails ([`crate::TrackerSet`], `tracker login`, the sync
//! manager), so the CLI, the GUI and `serve` all name the real cause: an
//! unset variable, a missing keyring entry, a disabled entry, an unknown
//! type, or a name that is not configured (with a did-you-mean), instead of
//! sending the user looking for a typo that is not there.

use sr_secrets::SecretError;

/// The cause, as data: tests and `--json` output match on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// The entry says `"enabled": false`.
    Disabled,
    /// No adapter of this build has the entry's `type`.
    UnknownType { kind: String, known: Vec<String> },
    /// A secret the entry references cannot be read.
    Secret { field: String, error: SecretError },
    /// trackers.json has no entry of this name.
    NotConfigured { configured: Vec<String> },
}

impl Unusable {
    /// A stable word for scripts (`tracker test --json` prints it as `cause`).
    pub fn code(&self) -> &'static str {
        match self {
            Unusable::Disabled => "disabled",
            Unusable::UnknownType { .. } => "unknown_type",
            Unusable::Secret { error, .. } => error.code(),
            Unusable::NotConfigured { .. } => "not_configured",
        }
    }
}

/// The sentence a user reads: what is wrong with `tracker` and what to do.
pub fn message(tracker: &str, cause: &Unusable) -> String {
    match cause {
        Unusable::Disabled => format!(
            "tracker `{tracker}` is disabled; set \"enabled\": true in trackers.json (or tick Enabled in Settings → Issue trackers) to use it"
        ),
        Unusable::UnknownType { kind, known } => format!(
            "tracker `{tracker}` has type `{kind}`, which this build does not know; {}correct \"type\" in trackers.json (known types: {})",
            did_you_mean(kind, known),
            known.join(", ")
        ),
        Unusable::Secret { field, error } => {
            format!("tracker `{tracker}` cannot read its secret {field}: {error}")
        }
        Unusable::NotConfigured { configured } if configured.is_empty() => format!(
            "no tracker is named `{tracker}`, and none is configured; add one in Settings → Issue trackers or in trackers.json"
        ),
        Unusable::NotConfigured { configured } => format!(
            "no tracker is named `{tracker}`; {}configured trackers: {}",
            did_you_mean(tracker, configured),
            configured.join(", ")
        ),
    }
}

/// `did you mean `x`? ` when one of `candidates` is near enough to `given`
/// to be a typo of it (sr-config's [`sr_config::closest`], the workspace's
/// one suggester), else nothing.
pub fn did_you_mean(given: &str, candidates: &[String]) -> String {
    sr_config::closest(given, candidates.iter().map(String::as_str))
        .map(|c| format!("did you mean `{c}`? "))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(tracker: &str, cause: Unusable, expected: &str) {
        assert_eq!(message(tracker, &cause), expected);
    }

    #[test]
    fn each_cause_has_its_own_sentence() {
        check(
            "gh",
            Unusable::Disabled,
            "tracker `gh` is disabled; set \"enabled\": true in trackers.json (or tick Enabled in Settings → Issue trackers) to use it",
        );
        check(
            "gh",
            Unusable::UnknownType {
                kind: "githb".into(),
                known: vec!["github".into(), "local".into()],
            },
            "tracker `gh` has type `githb`, which this build does not know; did you mean `github`? correct \"type\" in trackers.json (known types: github, local)",
        );
        check(
            "gh",
            Unusable::Secret {
                field: "config.auth.token".into(),
                error: SecretError::EnvUnset("GH_TOKEN".into()),
            },
            "tracker `gh` cannot read its secret config.auth.token: environment variable `GH_TOKEN` is not set; export it (export GH_TOKEN=...) or store the secret in the keyring instead",
        );
        check(
            "Company Jria",
            Unusable::NotConfigured {
                configured: vec!["Local".into(), "Company Jira".into()],
            },
            "no tracker is named `Company Jria`; did you mean `Company Jira`? configured trackers: Local, Company Jira",
        );
        check(
            "Nope",
            Unusable::NotConfigured {
                configured: vec!["gh".into(), "Local".into()],
            },
            "no tracker is named `Nope`; configured trackers: gh, Local",
        );
        check(
            "gh",
            Unusable::NotConfigured { configured: vec![] },
            "no tracker is named `gh`, and none is configured; add one in Settings → Issue trackers or in trackers.json",
        );
    }
}
