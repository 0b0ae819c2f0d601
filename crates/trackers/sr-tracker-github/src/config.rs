//! The `config` object of a `github` tracker in trackers.json, read
//! strictly (unknown fields are errors), with the optional mapping tables.

/// The public API root.
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";

sr_tracker::labelled_token_config! {
    /// A repository's issues. The token is a personal access token (classic
    /// or fine-grained) or one from `scratchrobin tracker login`; GitHub has
    /// no priority field, so levels are labels (`priority: critical` …
    /// `priority: lowest` unless configured), and `in progress` marks work
    /// started.
    pub struct GitHubConfig {
        /// The user or organisation that owns the repository.
        pub owner: String,
        /// The repository's name.
        pub repo: String,
        /// The API root: `https://api.github.com`, or `https://HOST/api/v3`
        /// for GitHub Enterprise Server.
        #[serde(default)]
        pub base_url: Option<String>,
    }
    labels: "priority: ", "in progress";
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_model::Priority;

    fn check(json: &str, expected: Result<(), &str>) {
        sr_tracker::contract::factory::check_config::<GitHubConfig>(json, expected)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn strict_config() {
        let auth = r#""auth": {"type": "personal_token", "token": "${GITHUB_TOKEN}"}"#;
        check(
            &format!(r#"{{"owner": "company", "repo": "db", {auth}}}"#),
            Ok(()),
        );
        check(
            &format!(
                r#"{{"owner": "company", "repo": "db", "base_url": "https://ghe.example.com/api/v3", "labels": ["a"], "priority_labels": {{"P1": "prio/high"}}, "type_labels": {{"Bug": "bug"}}, "in_progress_label": "doing", {auth}}}"#
            ),
            Ok(()),
        );
        check(
            &format!(r#"{{"owner": "c", "repo": "d", "colour": 1, {auth}}}"#),
            Err("unknown field `colour`"),
        );
        check(
            r#"{"owner": "c", "repo": "d"}"#,
            Err("missing field `auth`"),
        );
        check(
            r#"{"owner": "c", "repo": "d", "auth": {"type": "personal_token", "token": "ghp_plain"}}"#,
            Err("plain"),
        );
        check(
            r#"{"owner": "c", "repo": "d", "auth": {"type": "oauth", "token": "${T}"}}"#,
            Err("unknown variant `oauth`"),
        );
        check(
            r#"{"owner": "c", "repo": "d", "auth": {"type": "personal_token", "token": "${T}", "x": 1}}"#,
            Err("unknown field `x`"),
        );
        check(
            &format!(r#"{{"owner": "c", "repo": "d", "priority_labels": {{"P9": "x"}}, {auth}}}"#),
            Err("unknown variant `P9`"),
        );
    }

    #[test]
    fn githubs_default_labels() {
        let c: GitHubConfig = serde_json::from_str(
            r#"{"owner": "c", "repo": "d", "auth": {"type": "personal_token", "token": "${T}"}}"#,
        )
        .expect("config");
        let m = c.label_map();
        assert_eq!(m.priority_of("Priority: Critical"), Some(Priority::P0));
        assert!(m.is_in_progress("In Progress"));
    }
}
