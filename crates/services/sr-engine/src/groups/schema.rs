//! The schema domain: reading a connection's schema and changing it from the
//! designer. Its commands, the events that answer them, and what the engine
//! does for each.

use std::sync::Arc;

use sr_model::ObjectRef;
use sr_schema::Snapshot;

use crate::IssueEvent;
use crate::{Engine, EngineError, Event};

/// Commands of one domain; see [`crate::Command::Schema`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SchemaCommand {
    Load {
        connection: String,
        refresh: bool,
    },
    /// A schema-change issue about `object` from the `schema_change`
    /// template, proposing `ddl`; answered by [`Event::IssueDraft`].
    DraftChange {
        request: u64,
        object: ObjectRef,
        ddl: String,
        impact: crate::SchemaImpact,
    },
    /// Runs the designer's migration on `connection`, then reads its
    /// schema again.
    ApplyChange {
        request: u64,
        /// The table changed; the script runs on its connection.
        object: ObjectRef,
        script: sr_schema::MigrationScript,
    },
}

/// Events of one domain; see [`crate::Event::Schema`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SchemaEvent {
    /// The answer to [`Command::LoadSchema`]: the connection's full
    /// snapshot. On a database that streams its tree (PostgreSQL), its
    /// [`Event::SchemaNames`] and one [`Event::SchemaOutline`] per schema
    /// come first.
    Snapshot {
        connection: String,
        snapshot: Arc<Snapshot>,
    },
    /// A connection's schemas, listed before anything else is read.
    Names {
        connection: String,
        /// The database's own name, as object references carry it.
        database: String,
        schemas: Vec<String>,
    },
    /// One schema's object names, while the full snapshot is still read.
    Outline {
        connection: String,
        outline: Arc<sr_schema::SchemaOutline>,
    },
    /// The answer to [`Command::ApplySchemaChange`]; an [`Event::Schema`]
    /// follows a success.
    Applied {
        request: u64,
        connection: String,
        result: Result<(), String>,
    },
}

impl SchemaCommand {
    /// The command in a user's words; see [`crate::Command::describe`].
    pub fn describe(&self) -> String {
        match self {
            SchemaCommand::Load { connection, .. } => {
                format!("Load schema of {connection}")
            }
            SchemaCommand::DraftChange { object, .. } => {
                format!("Describe the change of {}", object.name())
            }
            SchemaCommand::ApplyChange { object, .. } => {
                format!("Apply the schema change to {}", object.connection)
            }
        }
    }
}

/// What the engine does for one of this domain's commands.
pub(crate) async fn run(engine: &Engine, cmd: SchemaCommand) -> Result<Vec<Event>, EngineError> {
    Ok(match cmd {
        SchemaCommand::DraftChange {
            request,
            object,
            ddl,
            impact,
        } => {
            let draft = engine.draft_schema_change(&object, &ddl, impact).await?;
            vec![Event::Issues(IssueEvent::Draft {
                request,
                object,
                title: draft.title,
                body: draft.body,
            })]
        }
        SchemaCommand::ApplyChange {
            request,
            object,
            script,
        } => {
            let connection = object.connection.clone();
            match engine.apply_schema_change(&object, &script).await {
                Ok(snapshot) => vec![
                    Event::Schema(SchemaEvent::Applied {
                        request,
                        connection: connection.clone(),
                        result: Ok(()),
                    }),
                    Event::Schema(SchemaEvent::Snapshot {
                        connection,
                        snapshot,
                    }),
                ],
                Err(e) => vec![Event::Schema(SchemaEvent::Applied {
                    request,
                    connection,
                    result: Err(e.to_string()),
                })],
            }
        }
        SchemaCommand::Load {
            connection,
            refresh,
        } => {
            let snapshot = engine.snapshot(&connection, refresh).await?;
            vec![Event::Schema(SchemaEvent::Snapshot {
                connection,
                snapshot,
            })]
        }
    })
}
