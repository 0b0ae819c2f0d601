//! `scratchrobin issue comment KEY TEXT` and `issue comments KEY`.

use std::io::Read;

use anyhow::Context;
use sr_engine::{Engine, IssueComments};
use sr_model::IssueKey;
use sr_store::CachedComment;

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
    let answer = engine.add_comment(&issue, &body).await?;
    if json {
        output::json(&answer)?;
    } else if answer.problem.is_none()
        && let Some(sent) = answer.comments.iter().rev().find(|c| !c.pending)
    {
        let id = sent.remote_id.as_deref().unwrap_or("?");
        println!("commented on {issue} (comment {id})");
    }
    if let Some(problem) = &answer.problem {
        anyhow::bail!(
            "the comment on {issue} is kept and the next sync (`scratchrobin sync run`) sends it; the tracker said: {problem}"
        );
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
    if c.pending {
        head.push_str(&format!("  (not sent yet, id {}", c.id));
        if let Some(e) = &c.last_error {
            head.push_str(&format!(": {e}"));
        }
        head.push(')');
    }
    let body: String = c.body.lines().map(|l| format!("  {l}\n")).collect();
    format!("{head}\n{body}\n")
}
