//! The links domain: links between database objects and issues, the audit
//! log, and exports of both (and of the issue cache) to a file. Its commands, the events that answer them, and what the engine does
//! for each.

use std::path::PathBuf;

use sr_links::LinkOptions;
use sr_model::{IssueKey, IssueLink, ObjectRef};
use sr_store::AuditEntry;

use crate::dispatch::after_link_change;
use crate::export::{ExportKind, ExportRequest};
use crate::{Engine, EngineError, Event};

/// Commands of one domain; see [`crate::Command::Links`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum LinkCommand {
    Load {
        object: ObjectRef,
    },
    LoadCounts {
        connection: String,
    },
    LoadAudit {
        limit: usize,
    },
    Link {
        object: ObjectRef,
        issue: IssueKey,
    },
    Unlink {
        object: ObjectRef,
        issue: IssueKey,
    },
    /// File → Export…: writes the export to `path` (replaced whole).
    Export {
        request: ExportRequest,
        path: PathBuf,
    },
}

/// Events of one domain; see [`crate::Event::Links`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum LinkEvent {
    Loaded {
        object: ObjectRef,
        links: Vec<IssueLink>,
    },
    Counts {
        connection: String,
        counts: Vec<(String, u32, u32)>,
    },
    Audit(Vec<AuditEntry>),
    Linked(IssueLink),
    Unlinked {
        object: ObjectRef,
        issue: IssueKey,
    },
    /// An export was written to `path`.
    Exported {
        kind: ExportKind,
        path: PathBuf,
        rows: usize,
    },
}

impl LinkCommand {
    /// The command in a user's words; see [`crate::Command::describe`].
    pub fn describe(&self) -> String {
        match self {
            LinkCommand::Load { object } => {
                format!("Load issues linked to {}", object.name())
            }
            LinkCommand::LoadCounts { connection } => {
                format!("Count linked issues in {connection}")
            }
            LinkCommand::LoadAudit { .. } => "Load audit log".into(),
            LinkCommand::Link { issue, .. } => format!("Link {issue}"),
            LinkCommand::Unlink { issue, .. } => format!("Unlink {issue}"),
            LinkCommand::Export { request, path } => {
                format!("Export {} to {}", request.kind.as_str(), path.display())
            }
        }
    }
}

/// What the engine does for one of this domain's commands.
pub(crate) async fn run(engine: &Engine, cmd: LinkCommand) -> Result<Vec<Event>, EngineError> {
    let links = engine.links();
    let opts = LinkOptions::manual(engine.actor());
    Ok(match cmd {
        LinkCommand::Load { object } => {
            let found = links.linked_issues(&object).await?;
            vec![Event::Links(LinkEvent::Loaded {
                object,
                links: found,
            })]
        }
        LinkCommand::LoadCounts { connection } => {
            let counts = engine.store().link_counts(&connection).await?;
            vec![Event::Links(LinkEvent::Counts { connection, counts })]
        }
        LinkCommand::LoadAudit { limit } => vec![Event::Links(LinkEvent::Audit(
            engine.store().audit_log(limit).await?,
        ))],
        LinkCommand::Link { object, issue } => {
            let link = links.link_object(&object, &issue, &opts).await?;
            let mut events = vec![Event::Links(LinkEvent::Linked(link))];
            events.extend(after_link_change(engine, &object).await?);
            events
        }
        LinkCommand::Unlink { object, issue } => {
            links.unlink(&object, &issue, engine.actor()).await?;
            let mut events = vec![Event::Links(LinkEvent::Unlinked {
                object: object.clone(),
                issue,
            })];
            events.extend(after_link_change(engine, &object).await?);
            events
        }
        LinkCommand::Export { request, path } => {
            let rows = engine.export_to_file(&request, &path).await?;
            vec![Event::Links(LinkEvent::Exported {
                kind: request.kind,
                path,
                rows,
            })]
        }
    })
}
