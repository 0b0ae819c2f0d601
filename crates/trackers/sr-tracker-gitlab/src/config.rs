//! The `config` object of a `gitlab` tracker in trackers.json, read
//! strictly (unknown fields are errors), with the optional mapping tables.

/// The public instance.
pub const DEFAULT_BASE_URL: &str = "https://gitlab.com";

sr_tracker::labelled_token_config! {
    /// A project's issues. The token is a personal, group or project
    /// access token with the `api` scope, sent as `PRIVATE-TOKEN`; GitLab
    /// Free has no priority field, so levels are scoped labels
    /// (`priority::critical` … `priority::lowest` unless configured), and
    /// `workflow::in progress` marks work started.
    pub struct GitLabConfig {
        /// The instance (`https://gitlab.com` or a self-hosted one); the
        /// REST API lives under `/api/v4` of it.
        #[serde(default)]
        pub base_url: Option<String>,
        /// The project's full path (`group/database`) or numeric id.
        pub project: String,
    }
    labels: "priority::", "workflow::in progress";
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_model::Priority;

    fn check(json: &str, expected: Result<(), &str>) {
        sr_tracker::contract::factory::check_config::<GitLabConfig>(json, expected)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn strict_config() {
        let auth = r#""auth": {"type": "personal_token", "token": "${GITLAB_TOKEN}"}"#;
        check(&format!(r#"{{"project": "group/db", {auth}}}"#), Ok(()));
        check(
            &format!(
                r#"{{"project": "42", "base_url": "https://gitlab.example.com", "labels": ["a"], "priority_labels": {{"P1": "prio::high"}}, "type_labels": {{"Bug": "bug"}}, "in_progress_label": "doing", {auth}}}"#
            ),
            Ok(()),
        );
        check(
            &format!(r#"{{"project": "g/d", "repo": "x", {auth}}}"#),
            Err("unknown field `repo`"),
        );
        check(r#"{"project": "g/d"}"#, Err("missing field `auth`"));
        check(&format!("{{{auth}}}"), Err("missing field `project`"));
        check(
            r#"{"project": "g/d", "auth": {"type": "personal_token", "token": "glpat-plain"}}"#,
            Err("plain"),
        );
        check(
            r#"{"project": "g/d", "auth": {"type": "api_token", "token": "${T}"}}"#,
            Err("unknown variant `api_token`"),
        );
    }

    #[test]
    fn default_and_configured_labels() {
        let c: GitLabConfig = serde_json::from_str(
            r#"{"project": "g/d", "priority_labels": {"P1": "prio::high"}, "auth": {"type": "personal_token", "token": "${T}"}}"#,
        )
        .expect("config");
        let m = c.label_map();
        assert_eq!(m.priority_of("prio::high"), Some(Priority::P1));
        assert_eq!(m.priority_of("Priority::Critical"), Some(Priority::P0));
        assert!(m.is_in_progress("Workflow::In Progress"));
        assert!(!m.is_mapped("db"));
    }
}
