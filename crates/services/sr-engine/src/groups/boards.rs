//! The boards domain: each connection's whiteboard. Its commands, the events
//! that answer them, and what the engine does for each.

use crate::{Engine, EngineError, Event};

/// Commands of one domain; see [`crate::Command::Boards`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum BoardCommand {
    /// The whiteboard saved for `connection`; answered by [`Event::Board`].
    Load { connection: String },
    /// Saves the whiteboard of `connection` (its JSON document) made from
    /// `version` (0: none was stored); answered by [`Event::BoardSaved`],
    /// or a failure when it was saved elsewhere in between.
    Save {
        connection: String,
        board_json: String,
        version: i64,
    },
}

/// Events of one domain; see [`crate::Event::Boards`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum BoardEvent {
    /// A connection's whiteboard: its JSON document and version, or none
    /// (version 0) when it was never saved.
    Loaded {
        connection: String,
        board_json: Option<String>,
        version: i64,
    },
    /// A whiteboard was saved as `version`.
    Saved { connection: String, version: i64 },
}

impl BoardCommand {
    /// The command in a user's words; see [`crate::Command::describe`].
    pub fn describe(&self) -> String {
        match self {
            BoardCommand::Load { connection } => {
                format!("Load the whiteboard of {connection}")
            }
            BoardCommand::Save { connection, .. } => {
                format!("Save the whiteboard of {connection}")
            }
        }
    }
}

/// What the engine does for one of this domain's commands.
pub(crate) async fn run(engine: &Engine, cmd: BoardCommand) -> Result<Vec<Event>, EngineError> {
    Ok(match cmd {
        BoardCommand::Load { connection } => {
            let stored = engine.load_board(&connection).await?;
            vec![Event::Boards(BoardEvent::Loaded {
                connection,
                version: stored.as_ref().map_or(0, |b| b.version),
                board_json: stored.map(|b| b.document),
            })]
        }
        BoardCommand::Save {
            connection,
            board_json,
            version,
        } => {
            let version = engine.save_board(&connection, &board_json, version).await?;
            vec![Event::Boards(BoardEvent::Saved {
                connection,
                version,
            })]
        }
    })
}
