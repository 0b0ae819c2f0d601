//! Background jobs: every command sent is a job until the event that
//! answers it (or a failure) arrives. The status bar counts them and the
//! panels show spinners for theirs.

use sr_engine::{
    BoardCommand, ChannelCommand, IssueCommand, LinkCommand, QueryCommand, RulesCommand,
    SchemaCommand, SettingsCommand, TrackerCommand,
};
use sr_engine::{Command, ConnectionCommand, RequestId};
use sr_model::IssueKey;

/// What a job waits for, precise enough to match the answering event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobKind {
    /// A whiteboard loading or saving, by connection.
    Board(String),
    Connections,
    Schema(String),
    Links(String),
    Counts(String),
    Trackers,
    Audit,
    Create(u64),
    Link {
        object: String,
        issue: IssueKey,
    },
    Unlink {
        object: String,
        issue: IssueKey,
    },
    Search(u64),
    Refresh(IssueKey),
    /// An issue's comments being loaded.
    Comments(IssueKey),
    /// A new comment on an issue being kept and sent.
    Comment(IssueKey),
    Draft(u64),
    TrackerSettings,
    /// Settings → Notification Channels loading.
    ChannelSettings,
    /// A channel's test message, by request.
    TestChannel(u64),
    /// channels.json being saved, by request.
    SaveChannels(u64),
    TestTracker(u64),
    SaveTrackers(u64),
    UnlockSecrets(u64),
    Projects(String),
    Users(u64),
    /// A SQL editor statement.
    Query(u64),
    /// A monitoring command, by `state::monitoring::job_key`.
    Monitoring(String),
    /// A designer's migration being applied.
    ApplySchema(u64),
    /// An issue template loaded, saved or reset, by name.
    Template(String),
    /// The rules window's load, save or try.
    Rules,
    /// A Sync window command, by `state::sync::job_key`.
    Sync(String),
    /// A connection manager command (save, remove, test), by request.
    ConnectionAdmin(u64),
    /// A connection being closed, by name.
    Disconnect(String),
    /// File → Export… writing its file (one at a time: the dialog waits).
    Export,
}

/// One command in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The request the command went out as; its failure names it.
    pub id: RequestId,
    pub kind: JobKind,
    /// The engine's words for the command, for the status bar.
    pub context: String,
}

impl Job {
    pub fn for_command(id: RequestId, command: &Command) -> Job {
        Job {
            id,
            kind: kind_of(command),
            context: command.describe(),
        }
    }
}

fn kind_of(command: &Command) -> JobKind {
    match command {
        Command::Boards(BoardCommand::Load { connection })
        | Command::Boards(BoardCommand::Save { connection, .. }) => {
            JobKind::Board(connection.clone())
        }
        Command::Issues(IssueCommand::DraftFromTemplate { request, .. }) => {
            JobKind::Draft(*request)
        }
        Command::Schema(SchemaCommand::Load { connection, .. }) => {
            JobKind::Schema(connection.clone())
        }
        Command::Links(LinkCommand::Load { object }) => JobKind::Links(object.key()),
        Command::Links(LinkCommand::LoadCounts { connection }) => {
            JobKind::Counts(connection.clone())
        }
        Command::Trackers(TrackerCommand::Load) | Command::Trackers(TrackerCommand::Reload) => {
            JobKind::Trackers
        }
        Command::Links(LinkCommand::LoadAudit { .. }) => JobKind::Audit,
        Command::Links(LinkCommand::Export { .. }) => JobKind::Export,
        Command::Issues(IssueCommand::Create { request, .. }) => JobKind::Create(*request),
        Command::Links(LinkCommand::Link { object, issue }) => JobKind::Link {
            object: object.key(),
            issue: issue.clone(),
        },
        Command::Links(LinkCommand::Unlink { object, issue }) => JobKind::Unlink {
            object: object.key(),
            issue: issue.clone(),
        },
        Command::Issues(IssueCommand::Search { request, .. }) => JobKind::Search(*request),
        Command::Issues(IssueCommand::Refresh { issue }) => JobKind::Refresh(issue.clone()),
        Command::Issues(IssueCommand::LoadComments { issue, .. }) => {
            JobKind::Comments(issue.clone())
        }
        Command::Issues(IssueCommand::AddComment { issue, .. }) => JobKind::Comment(issue.clone()),
        Command::Issues(IssueCommand::TakeBackComment { issue, .. }) => {
            JobKind::Comments(issue.clone())
        }
        Command::Issues(IssueCommand::Draft { request, .. }) => JobKind::Draft(*request),
        Command::Settings(SettingsCommand::LoadTrackers) => JobKind::TrackerSettings,
        Command::Trackers(TrackerCommand::Test { request, .. }) => JobKind::TestTracker(*request),
        Command::Settings(SettingsCommand::SaveTrackers { request, .. }) => {
            JobKind::SaveTrackers(*request)
        }
        Command::Settings(SettingsCommand::UnlockSecrets { request, .. }) => {
            JobKind::UnlockSecrets(*request)
        }
        Command::Trackers(TrackerCommand::LoadProjects { tracker }) => {
            JobKind::Projects(tracker.clone())
        }
        Command::Trackers(TrackerCommand::SearchUsers { request, .. }) => JobKind::Users(*request),
        Command::Query(QueryCommand::Run { request, .. })
        | Command::Query(QueryCommand::Cancel { request }) => JobKind::Query(*request),
        Command::Monitoring(m) => JobKind::Monitoring(super::monitoring::job_key(m)),
        Command::Schema(SchemaCommand::DraftChange { request, .. }) => JobKind::Draft(*request),
        Command::Schema(SchemaCommand::ApplyChange { request, .. }) => {
            JobKind::ApplySchema(*request)
        }
        Command::Settings(SettingsCommand::LoadTemplate { name })
        | Command::Settings(SettingsCommand::SaveTemplate { name, .. })
        | Command::Settings(SettingsCommand::ResetTemplate { name }) => {
            JobKind::Template(name.clone())
        }
        Command::Sync(s) => JobKind::Sync(super::sync::job_key(s)),
        // An alert's draft and filing belong to the Create Issue dialog.
        Command::Rules(RulesCommand::DraftAlert { request, .. }) => JobKind::Draft(*request),
        Command::Rules(RulesCommand::FileAlert { request, .. }) => JobKind::Create(*request),
        Command::Rules(_) => JobKind::Rules,
        Command::Channels(ChannelCommand::Load) => JobKind::ChannelSettings,
        Command::Channels(ChannelCommand::Test { request, .. }) => JobKind::TestChannel(*request),
        Command::Channels(ChannelCommand::Save { request, .. }) => JobKind::SaveChannels(*request),
        Command::Connection(c) => match c {
            ConnectionCommand::Save { request, .. }
            | ConnectionCommand::Remove { request, .. }
            | ConnectionCommand::Test { request, .. } => JobKind::ConnectionAdmin(*request),
            ConnectionCommand::Disconnect { name } => JobKind::Disconnect(name.clone()),
            ConnectionCommand::Load => JobKind::Connections,
        },
    }
}

/// The jobs in flight, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Jobs {
    jobs: Vec<Job>,
}

impl Jobs {
    pub fn start(&mut self, job: Job) {
        self.jobs.push(job);
    }

    /// Ends the oldest job of `kind`; true when there was one.
    pub fn finish(&mut self, kind: &JobKind) -> bool {
        match self.jobs.iter().position(|j| &j.kind == kind) {
            Some(i) => {
                self.jobs.remove(i);
                true
            }
            None => false,
        }
    }

    /// Ends the job of request `id`, if it still runs.
    pub fn fail(&mut self, id: RequestId) -> Option<Job> {
        let i = self.jobs.iter().position(|j| j.id == id)?;
        Some(self.jobs.remove(i))
    }

    pub fn is_running(&self, kind: &JobKind) -> bool {
        self.jobs.iter().any(|j| &j.kind == kind)
    }

    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Job> {
        self.jobs.iter()
    }

    pub fn clear(&mut self) {
        self.jobs.clear();
    }
}
