//! GitLab merge requests: `Merge Request Hook` bodies normalised to
//! [`TrackerEvent::PullRequest`]; every other event goes on to the issue
//! parser in [`crate::webhook`]. Reading a merge request's changed files
//! is not built yet: the engine then keeps the request by the issues it
//! names only.

use serde_json::Value;
use sr_model::{PullRequest, PullState};
use sr_tracker::kit::LabelMap;
use sr_tracker::{TrackerEvent, TrackerInfo, WebhookParseError};

use crate::webhook::{check_project, time_at};

/// The webhook parser GitLab's factory registers.
pub fn parse(
    info: &TrackerInfo,
    map: &LabelMap,
    event: &str,
    body: &[u8],
) -> Result<TrackerEvent, WebhookParseError> {
    if event.trim() != "Merge Request Hook" {
        return crate::webhook::parse(info, map, event, body);
    }
    let fail = |reason: String| WebhookParseError {
        event: event.to_owned(),
        reason,
    };
    let body: Value = serde_json::from_slice(body).map_err(|e| fail(e.to_string()))?;
    let project = check_project(info, &body).map_err(fail)?;
    let a = body
        .get("object_attributes")
        .filter(|a| a.is_object())
        .ok_or_else(|| fail("it has no `object_attributes`".into()))?;
    let text = |k: &str| {
        a.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let number = a
        .get("iid")
        .and_then(Value::as_u64)
        .ok_or_else(|| fail("the merge request has no numeric `iid`".into()))?;
    let updated_at = time_at(a, "updated_at").map_err(fail)?;
    let state = match text("state").as_str() {
        "merged" => PullState::Merged,
        "closed" | "locked" => PullState::Closed,
        _ => PullState::Open,
    };
    let action = text("action");
    // GitLab's body has no merge time; the hook that reports the merge
    // comes at it.
    let merged_at = (state == PullState::Merged).then_some(updated_at);
    let review = match action.as_str() {
        "approved" | "approval" => Some("approved".to_owned()),
        "unapproved" | "unapproval" => Some("review_required".to_owned()),
        _ => None,
    };
    let draft = a.get("draft").and_then(Value::as_bool).unwrap_or(false)
        || a.get("work_in_progress")
            .and_then(Value::as_bool)
            .unwrap_or(false);
    let checks = a
        .get("detailed_merge_status")
        .or_else(|| a.get("merge_status"))
        .and_then(Value::as_str)
        .filter(|s| *s != "unchecked")
        .map(str::to_owned);
    let pull = PullRequest {
        tracker: info.name.clone(),
        provider: crate::KIND.to_owned(),
        repo: project,
        number,
        title: text("title"),
        body: text("description"),
        branch: text("source_branch"),
        state,
        draft,
        merged_at,
        checks,
        review,
        url: text("url"),
        updated_at,
    };
    Ok(TrackerEvent::PullRequest {
        action,
        pull: Box::new(pull),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Value {
        let path = format!(
            "{}/../../../../shared/fixtures/gitlab-webhooks/mr.json",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
            .expect("json")
    }

    fn info() -> TrackerInfo {
        TrackerInfo {
            name: "GitLab".into(),
            provider: "gitlab".into(),
            instance: "example.com/gitlabhq/gitlab-test".into(),
            web_url: None,
        }
    }

    fn parsed(body: &Value) -> (String, PullRequest) {
        let map = crate::GitLabConfig::default_labels();
        match parse(
            &info(),
            &map,
            "Merge Request Hook",
            body.to_string().as_bytes(),
        ) {
            Ok(TrackerEvent::PullRequest { action, pull }) => (action, *pull),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn gitlabs_example_merge_request() {
        let (action, p) = parsed(&fixture());
        assert_eq!(action, "open");
        assert_eq!(
            (
                p.number,
                p.title.as_str(),
                p.branch.as_str(),
                p.state,
                p.draft
            ),
            (1, "MS-Viewport", "ms-viewport", PullState::Open, false)
        );
        assert_eq!(p.repo, "gitlabhq/gitlab-test");
        assert_eq!(p.url, "http://example.com/diaspora/merge_requests/1");
        assert_eq!(p.checks.as_deref(), Some("mergeable"));
        assert_eq!(p.display_key(), "gitlabhq/gitlab-test!1");
        assert_eq!(p.merged_at, None);
    }

    #[test]
    fn merged_and_approved_requests() {
        let mut body = fixture();
        body["object_attributes"]["state"] = "merged".into();
        body["object_attributes"]["action"] = "merge".into();
        let (_, p) = parsed(&body);
        assert_eq!(
            (p.state, p.merged_at),
            (PullState::Merged, Some(p.updated_at))
        );
        body["object_attributes"]["state"] = "opened".into();
        body["object_attributes"]["action"] = "approved".into();
        let (_, p) = parsed(&body);
        assert_eq!(p.review.as_deref(), Some("approved"));
    }

    #[test]
    fn another_projects_request_is_refused() {
        let mut body = fixture();
        body["project"]["path_with_namespace"] = "someone/else".into();
        let map = crate::GitLabConfig::default_labels();
        let e = parse(
            &info(),
            &map,
            "Merge Request Hook",
            body.to_string().as_bytes(),
        )
        .expect_err("wrong project");
        assert!(e.reason.contains("someone/else"), "{e}");
    }
}
