//! The issues domain: issues: creating, searching, refreshing, drafting, and
//! their comments. Its commands, the events that answer them, and what the
//! engine does for each.

use sr_links::LinkOptions;
use sr_model::{AttachmentUpload, Issue, IssueDraft, IssueKey, IssueLink, ObjectRef, SearchQuery};

use crate::dispatch::after_link_change;
use crate::{Engine, EngineError, Event, Failure};

/// Commands of one domain; see [`crate::Command::Issues`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum IssueCommand {
    Create {
        request: u64,
        tracker: String,
        object: Option<ObjectRef>,
        draft: IssueDraft,
        /// Attach this object's DDL to the new issue as `NAME.sql`.
        attach_ddl: Option<ObjectRef>,
        /// Files attached as they are (the designer's ER diagram as SVG).
        attachments: Vec<AttachmentUpload>,
    },
    Search {
        request: u64,
        tracker: String,
        query: SearchQuery,
    },
    Refresh {
        issue: IssueKey,
    },
    /// The issue's comments, read from its tracker first when `refresh` is
    /// set or they were never read; answered by [`Event::Comments`].
    LoadComments {
        issue: IssueKey,
        refresh: bool,
    },
    /// Keeps a comment written here and sends it; answered by an
    /// [`Event::Comments`] with it pending, then one after the send.
    AddComment {
        issue: IssueKey,
        body: String,
    },
    /// Takes back a comment written here and not sent yet (`comment`: its
    /// cache id); answered by [`Event::CommentTakenBack`].
    TakeBackComment {
        issue: IssueKey,
        comment: i64,
    },
    /// A title and body from issue template `template` over `event` (the
    /// `events emit` form), answered by [`Event::IssueDraft`] for `object`
    /// (what the Create Issue dialog was opened for).
    DraftFromTemplate {
        request: u64,
        object: ObjectRef,
        template: String,
        event: serde_json::Value,
    },
    /// A title and body for a new issue about `object`, from the
    /// `object_context` template.
    Draft {
        request: u64,
        object: ObjectRef,
    },
}

/// Events of one domain; see [`crate::Event::Issues`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum IssueEvent {
    Created {
        request: u64,
        issue: Issue,
        link: Option<IssueLink>,
    },
    SearchResults {
        request: u64,
        issues: Vec<Issue>,
    },
    Refreshed(Issue),
    /// An issue's comments (pending workbench ones included), with the
    /// reason the tracker could not be reached, if it could not.
    Comments(crate::IssueComments),
    /// A pending comment was taken back: the list after, and its text.
    CommentTakenBack {
        comments: crate::IssueComments,
        body: String,
    },
    Draft {
        request: u64,
        object: ObjectRef,
        title: String,
        body: String,
    },
}

impl IssueCommand {
    /// The command in a user's words; see [`crate::Command::describe`].
    pub fn describe(&self) -> String {
        match self {
            IssueCommand::Create { tracker, .. } => {
                format!("Create issue in {tracker}")
            }
            IssueCommand::Search { tracker, .. } => format!("Search {tracker}"),
            IssueCommand::Refresh { issue } => format!("Sync {issue}"),
            IssueCommand::LoadComments { issue, .. } => {
                format!("Load the comments of {issue}")
            }
            IssueCommand::AddComment { issue, .. } => {
                format!("Comment on {issue}")
            }
            IssueCommand::TakeBackComment { issue, .. } => {
                format!("Take back a comment on {issue}")
            }
            IssueCommand::DraftFromTemplate { template, .. } => {
                format!("Render the {template} template")
            }
            IssueCommand::Draft { object, .. } => {
                format!("Describe {}", object.name())
            }
        }
    }
}

/// What the engine does for one of this domain's commands.
pub(crate) async fn run(engine: &Engine, cmd: IssueCommand) -> Result<Vec<Event>, EngineError> {
    let links = engine.links();
    let opts = LinkOptions::manual(engine.actor());
    Ok(match cmd {
        IssueCommand::Create {
            request,
            tracker,
            object,
            draft,
            attach_ddl,
            attachments,
        } => {
            let (issue, link) = links
                .create_and_link(object.as_ref(), &draft, &tracker, &opts)
                .await?;
            let mut events = vec![Event::Issues(IssueEvent::Created {
                request,
                issue: issue.clone(),
                link: link.clone(),
            })];
            // The issue exists whatever happens to the attachment; a failure
            // is reported on its own.
            if let Some(ddl_of) = &attach_ddl
                && let Err(e) = engine.attach_ddl(&tracker, &issue, ddl_of).await
            {
                events.push(Event::Failed(Failure::side_step(
                    format!(
                        "Attach the DDL of {} to {}",
                        ddl_of.name, issue.reference.display_key
                    ),
                    &e,
                )));
            }
            for upload in &attachments {
                if let Err(e) = engine.attach_upload(&tracker, &issue, upload).await {
                    events.push(Event::Failed(Failure::side_step(
                        format!(
                            "Attach {} to {}",
                            upload.filename, issue.reference.display_key
                        ),
                        &e,
                    )));
                }
            }
            if let Some(link) = link {
                events.extend(after_link_change(engine, &link.object).await?);
            }
            events
        }
        IssueCommand::Search {
            request,
            tracker,
            query,
        } => {
            vec![Event::Issues(IssueEvent::SearchResults {
                request,
                issues: links.search(&tracker, &query).await?,
            })]
        }
        IssueCommand::Refresh { issue } => {
            vec![Event::Issues(IssueEvent::Refreshed(
                links.refresh(&issue).await?,
            ))]
        }
        IssueCommand::LoadComments { issue, refresh } => {
            vec![Event::Issues(IssueEvent::Comments(
                engine.issue_comments(&issue, refresh).await?,
            ))]
        }
        IssueCommand::TakeBackComment { issue, comment } => {
            let (comments, body) = engine.take_back_comment(&issue, comment).await?;
            vec![Event::Issues(IssueEvent::CommentTakenBack {
                comments,
                body,
            })]
        }
        // Kept (and shown) by `handle`; here it is sent.
        IssueCommand::AddComment { issue, .. } => {
            vec![Event::Issues(IssueEvent::Comments(
                engine.send_comments(&issue).await?,
            ))]
        }
        IssueCommand::DraftFromTemplate {
            request,
            object,
            template,
            event,
        } => {
            let draft = engine.render_template(&template, &event).await?;
            vec![Event::Issues(IssueEvent::Draft {
                request,
                object,
                title: draft.title,
                body: draft.body,
            })]
        }
        IssueCommand::Draft { request, object } => {
            let draft = engine.draft_issue(&object).await?;
            vec![Event::Issues(IssueEvent::Draft {
                request,
                object,
                title: draft.title,
                body: draft.body,
            })]
        }
    })
}
