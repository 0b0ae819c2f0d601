//! `scratchrobin issue comment KEY TEXT` and `issue comments KEY`.

use std::io::Read;

use anyhow::Context;
use sr_engine::CachedComment;
use sr_engine::{Engine, IssueComments};
use sr_model::IssueKey;

use crate::output;

pub async fn comment(engine: &Engine, key: &str, text: &str, json: bool) -> anyhow::Result<()> {
    let issue: IssueKey = key.parse()?;
    let body = if text == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("reading the comment from standard input")?;
        s
    } else {
        text.to_owned()
    };
    let kept = engine.comment_pending(&issue, &body).await?;
    let answer = engine.send_comments(&issue).await?;
    if json {
        output::json(&answer)?;
    }
    let ours = answer.comments.iter().find(|c| c.id == kept.id);
    let problem = answer.problem.as_deref().unwrap_or("no reason given");
    match ours {
        Some(c) if c.rejected => anyhow::bail!(
            "the tracker refused the comment on {issue} and it is not sent again; `scratchrobin issue take-back {issue} {}` gives its text back. The tracker said: {}",
            c.id,
            c.last_error.as_deref().unwrap_or(problem)
        ),
        Some(c) if c.pending => anyhow::bail!(
            "the comment on {issue} is kept and the next sync (`scratchrobin sync run`) sends it; the tracker said: {}",
            c.last_error.as_deref().unwrap_or(problem)
        ),
        Some(c) if !json => {
            let id = c.remote_id.as_deref().unwrap_or("?");
            println!("commented on {issue} (comment {id})");
        }
        _ => {}
    }
    Ok(())
}

pub async fn comments(engine: &Engine, key: &str, refresh: bool, json: bool) -> anyhow::Result<()> {
    let issue: IssueKey = key.parse()?;
    let answer = engine.issue_comments(&issue, refresh).await?;
    if json {
        output::json(&answer)?;
    } else {
        print!("{}", listing(&answer));
    }
    if let Some(problem) = &answer.problem {
        eprintln!("the tracker could not be read; these are the cached comments: {problem}");
    }
    Ok(())
}

fn listing(answer: &IssueComments) -> String {
    if answer.comments.is_empty() {
        return format!("{} has no comments\n", answer.issue);
    }
    answer.comments.iter().map(entry).collect()
}

fn entry(c: &CachedComment) -> String {
    let mut head = format!("{} {}", c.created_at.format("%Y-%m-%d %H:%M UTC"), c.author);
    if c.pending || c.rejected {
        let what = if c.rejected {
            "refused by the tracker, not sent again"
        } else {
            "not sent yet"
        };
        head.push_str(&format!("  ({what}, id {}", c.id));
        if let Some(e) = &c.last_error {
            head.push_str(&format!(": {e}"));
        }
        head.push(')');
    }
    let body: String = c.body.lines().map(|l| format!("  {l}\n")).collect();
    format!("{head}\n{body}\n")
}
