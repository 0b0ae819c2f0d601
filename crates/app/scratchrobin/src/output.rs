//! Printing results: JSON only with `--json`, readable lines otherwise.

use serde::Serialize;
use sr_model::{Issue, IssueLink};

pub fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

pub fn issue_line(issue: &Issue) -> String {
    let r = &issue.reference;
    let mut line = format!("{:<10} {:<12} {}", r.display_key, r.status.name, r.title);
    if !r.labels.is_empty() {
        line.push_str(&format!("  [{}]", r.labels.join(", ")));
    }
    line
}

pub fn issue_details(issue: &Issue) -> String {
    let r = &issue.reference;
    let mut out = format!("{} {}\n", r.display_key, r.title);
    out.push_str(&format!("key:      {}\n", r.key));
    out.push_str(&format!("status:   {}", r.status.name));
    if let Some(res) = &r.status.resolution {
        out.push_str(&format!(" ({res})"));
    }
    out.push('\n');
    if let Some(p) = r.priority {
        out.push_str(&format!("priority: {p} ({})\n", p.label()));
    }
    if !r.labels.is_empty() {
        out.push_str(&format!("labels:   {}\n", r.labels.join(", ")));
    }
    if let Some(a) = &r.assignee {
        out.push_str(&format!("assignee: {a}\n"));
    }
    out.push_str(&format!("url:      {}\n", r.url));
    out.push_str(&format!(
        "updated:  {}\n",
        r.updated_at.format("%Y-%m-%d %H:%M UTC")
    ));
    if !issue.body.is_empty() {
        out.push('\n');
        out.push_str(&issue.body);
        out.push('\n');
    }
    out
}

pub fn link_line_by_object(l: &IssueLink) -> String {
    format!(
        "{:<10} {:<12} {:<14} {}",
        l.issue.display_key, l.issue.status.name, l.link_type, l.issue.title
    )
}

pub fn link_line_by_issue(l: &IssueLink) -> String {
    format!(
        "{:<10} {}:{}.{}  ({})",
        l.object.kind.as_str(),
        l.object.connection,
        l.object.schema,
        l.object.name,
        l.link_type
    )
}

/// One pull or merge request that changes an object: its key, state,
/// checks and review, what it does to the object and where to open it.
pub fn pull_line(p: &sr_engine::pulls::StoredPull) -> String {
    let r = &p.pull;
    let mut state = r.state.as_str().to_owned();
    if r.draft {
        state.push_str(" (draft)");
    }
    format!(
        "{:<24} {:<8} checks: {:<10} review: {:<17} {} {} {}  {}",
        r.display_key(),
        state,
        r.checks.as_deref().unwrap_or("-"),
        r.review.as_deref().unwrap_or("-"),
        p.action.as_deref().unwrap_or("changes"),
        p.file.as_deref().unwrap_or(""),
        r.url,
        r.title
    )
}
