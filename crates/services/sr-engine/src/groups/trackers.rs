//! The trackers domain: the configured trackers: their status, projects,
//! users and connection tests. Its commands, the events that answer them, and
//! what the engine does for each.

use sr_model::{Project, User};
use sr_tracker::{ConnectionReport, TrackerEntry};

use crate::{Engine, EngineError, Event, PendingSecret, TrackerStatus};

/// Commands of one domain; see [`crate::Command::Trackers`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum TrackerCommand {
    Load,
    Reload,
    /// The projects of a tracker, for the Create Issue dialog.
    LoadProjects {
        tracker: String,
    },
    /// Users of a tracker that can be assigned, matching `query`.
    SearchUsers {
        request: u64,
        tracker: String,
        project: Option<String>,
        query: String,
    },
    /// Builds an unsaved entry and tests its connection; `secrets` are
    /// typed values for its secret references, used for this test only.
    Test {
        request: u64,
        entry: TrackerEntry,
        secrets: Vec<PendingSecret>,
    },
}

/// Events of one domain; see [`crate::Event::Trackers`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum TrackerEvent {
    Statuses(Vec<TrackerStatus>),
    Projects {
        tracker: String,
        projects: Vec<Project>,
    },
    Users {
        request: u64,
        users: Vec<User>,
    },
    /// The answer to a connection test: the report, or the adapter's
    /// diagnosis of what is wrong.
    Tested {
        request: u64,
        result: Result<ConnectionReport, String>,
    },
}

impl TrackerCommand {
    /// The command in a user's words; see [`crate::Command::describe`].
    pub fn describe(&self) -> String {
        match self {
            TrackerCommand::Load => "Load trackers".into(),
            TrackerCommand::Reload => "Reload trackers".into(),
            TrackerCommand::LoadProjects { tracker } => {
                format!("Load projects of {tracker}")
            }
            TrackerCommand::SearchUsers { tracker, .. } => {
                format!("Search users of {tracker}")
            }
            TrackerCommand::Test { entry, .. } => format!("Test {}", entry.name),
        }
    }
}

/// What the engine does for one of this domain's commands.
pub(crate) async fn run(engine: &Engine, cmd: TrackerCommand) -> Result<Vec<Event>, EngineError> {
    Ok(match cmd {
        TrackerCommand::Load => vec![Event::Trackers(TrackerEvent::Statuses(
            engine.tracker_statuses().await,
        ))],
        TrackerCommand::Reload => {
            engine.reload_trackers().await?;
            vec![Event::Trackers(TrackerEvent::Statuses(
                engine.tracker_statuses().await,
            ))]
        }
        TrackerCommand::LoadProjects { tracker } => {
            let projects = engine.projects(&tracker).await?;
            vec![Event::Trackers(TrackerEvent::Projects {
                tracker,
                projects,
            })]
        }
        TrackerCommand::SearchUsers {
            request,
            tracker,
            project,
            query,
        } => vec![Event::Trackers(TrackerEvent::Users {
            request,
            users: engine.users(&tracker, project.as_deref(), &query).await?,
        })],
        TrackerCommand::Test {
            request,
            entry,
            secrets,
        } => {
            // A failed test is an answer, not a failure of the command.
            let result = engine
                .test_tracker(entry, secrets)
                .await
                .map_err(|e| e.to_string());
            vec![Event::Trackers(TrackerEvent::Tested { request, result })]
        }
    })
}
