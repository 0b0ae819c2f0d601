//! Folding engine events into the state.

use sr_engine::{Answer, Command, Event, Failure, FailureKind, RequestId};
use sr_model::{Issue, IssueKey, IssueLink, ObjectRef};

use super::{Badge, Dialog, EngineStatus, JobKind, Load, Tab, ToastLevel, UiState};
use sr_engine::{
    BoardEvent, ChannelEvent, IssueEvent, LinkCommand, LinkEvent, QueryEvent, SchemaEvent,
    SettingsEvent, TrackerEvent,
};

impl UiState {
    /// Applies one answer from the engine: a failure ends the job of the
    /// request it names; any other event is applied as it is.
    pub fn answer(&mut self, answer: Answer) {
        match answer.event {
            Event::Failed(failure) => self.failed(answer.request, failure),
            event => self.apply(event),
        }
    }

    /// Applies one engine event (a failure here names no request).
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Boards(BoardEvent::Loaded {
                connection,
                board_json,
                version,
            }) => self.board_loaded(connection, board_json, version),
            Event::Boards(BoardEvent::Saved {
                connection,
                version,
            }) => self.board_saved(&connection, version),
            Event::Ready => self.engine = EngineStatus::Ready,
            Event::Listener { address, problem } => {
                self.listener = match (address, problem) {
                    (Some(a), _) => Some(Ok(a)),
                    (None, Some(p)) => Some(Err(p)),
                    (None, None) => None,
                };
            }
            Event::Fatal(message) => {
                self.engine = EngineStatus::Fatal(message.clone());
                self.jobs.clear();
                self.last_error = Some(message);
            }
            Event::Schema(SchemaEvent::Snapshot {
                connection,
                snapshot,
            }) => {
                self.jobs.finish(&JobKind::Schema(connection.clone()));
                let filter = self.filter.clone();
                let conn = self.connection_mut(&connection);
                if conn.info.dialect.is_empty() {
                    conn.info.dialect = snapshot.dialect.as_str().to_owned();
                }
                let first = snapshot.schemas.iter().find_map(|s| {
                    let t = s.tables.first()?;
                    snapshot
                        .find(Some(&s.name), &t.name)
                        .into_iter()
                        .find(|m| m.kind == sr_model::ObjectKind::Table)
                });
                conn.schema = Load::Ready(snapshot);
                conn.rebuild_tree(&filter);
                if std::mem::take(&mut self.open_first_table)
                    && self.selection.is_none()
                    && let Some(first) = first
                {
                    self.select(&first.to_object_ref(&connection));
                }
            }
            Event::Schema(SchemaEvent::Names {
                connection,
                database,
                schemas,
            }) => self.schema_names(&connection, database, &schemas),
            Event::Schema(SchemaEvent::Outline {
                connection,
                outline,
            }) => self.schema_outline(&connection, &outline),
            Event::Links(LinkEvent::Loaded { object, links }) => {
                let key = object.key();
                self.jobs.finish(&JobKind::Links(key.clone()));
                self.links.insert(key, Load::Ready(links));
            }
            Event::Links(LinkEvent::Counts { connection, counts }) => {
                self.jobs.finish(&JobKind::Counts(connection.clone()));
                self.connection_mut(&connection).badges = counts
                    .into_iter()
                    .map(|(key, total, open)| (key, Badge { total, open }))
                    .collect();
            }
            Event::Trackers(TrackerEvent::Statuses(list)) => {
                self.jobs.finish(&JobKind::Trackers);
                self.trackers = Load::Ready(list);
                let default = self.default_tracker();
                match &mut self.dialog {
                    Some(Dialog::CreateIssue(d)) if d.tracker.is_empty() => d.tracker = default,
                    Some(Dialog::LinkIssue(d)) if d.tracker.is_empty() => d.tracker = default,
                    _ => {}
                }
                self.load_projects();
            }
            Event::Links(LinkEvent::Exported { kind, path, rows }) => {
                self.exported(kind, &path, rows)
            }
            Event::Links(LinkEvent::Audit(_)) => {
                self.jobs.finish(&JobKind::Audit);
            }
            Event::Issues(IssueEvent::Created {
                request,
                issue,
                link,
            }) => self.issue_created(request, issue, link),
            Event::Links(LinkEvent::Linked(link)) => self.linked(link),
            Event::Links(LinkEvent::Unlinked { object, issue }) => self.unlinked(object, issue),
            Event::Issues(IssueEvent::SearchResults { request, issues }) => {
                self.jobs.finish(&JobKind::Search(request));
                if let Some(Dialog::LinkIssue(d)) = &mut self.dialog
                    && d.searching == Some(request)
                {
                    d.searching = None;
                    if d.chosen
                        .as_ref()
                        .is_some_and(|c| !issues.iter().any(|i| i.key() == c))
                    {
                        d.chosen = None;
                    }
                    d.results = Some(issues);
                }
            }
            Event::Issues(IssueEvent::Refreshed(issue)) => {
                if self.jobs.finish(&JobKind::Refresh(issue.key().clone())) {
                    let r = &issue.reference;
                    let text = format!("{} is up to date: {}", r.display_key, r.status.name);
                    self.toasts.push(ToastLevel::Info, text, None);
                }
                self.replace_issue(&issue);
                self.board_issue_seen(&issue);
            }
            Event::Issues(IssueEvent::Comments(answer)) => self.comments_loaded(answer),
            Event::Issues(IssueEvent::CommentTakenBack { comments, body }) => {
                self.comment_taken_back(comments, body)
            }
            Event::Issues(IssueEvent::Draft {
                request,
                title,
                body,
                ..
            }) => {
                self.jobs.finish(&JobKind::Draft(request));
                if let Some(Dialog::CreateIssue(d)) = &mut self.dialog
                    && d.drafting == Some(request)
                {
                    d.take_draft(title, body);
                }
            }
            Event::Settings(SettingsEvent::Trackers {
                providers,
                file,
                storage,
            }) => self.tracker_settings_loaded(providers, file, storage),
            Event::Settings(SettingsEvent::SecretStorage { request, storage }) => {
                self.secret_storage_loaded(request, storage)
            }
            Event::Trackers(TrackerEvent::Tested { request, result }) => {
                self.tracker_tested(request, result)
            }
            Event::Settings(SettingsEvent::TrackersSaved { request }) => {
                self.trackers_saved(request)
            }
            Event::Trackers(TrackerEvent::Projects { tracker, projects }) => {
                self.jobs.finish(&JobKind::Projects(tracker.clone()));
                if let Some(Dialog::CreateIssue(d)) = &mut self.dialog
                    && d.projects_of == tracker
                {
                    d.projects = Load::Ready(projects);
                }
            }
            Event::Trackers(TrackerEvent::Users { request, users }) => {
                self.jobs.finish(&JobKind::Users(request));
                if let Some(Dialog::CreateIssue(d)) = &mut self.dialog
                    && d.searching_users == Some(request)
                {
                    d.searching_users = None;
                    d.users = Some(users);
                }
            }
            Event::Query(QueryEvent::Finished { request, result }) => {
                self.query_finished(request, result)
            }
            Event::Schema(SchemaEvent::Applied {
                request,
                connection,
                result,
            }) => self.schema_applied(request, connection, result),
            Event::Settings(SettingsEvent::Template {
                name,
                text,
                overridden,
            }) => self.template_loaded(name, text, overridden),
            Event::StoreChanged(change) => self.store_changed(&change),
            Event::AutoIssues {
                event,
                connection,
                report,
                source,
            } => self.auto_activity(event, connection, report, source),
            Event::Monitoring(e) => self.apply_monitoring(e),
            Event::Sync(e) => self.apply_sync(e),
            Event::Connection(e) => self.apply_connection_event(e),
            Event::Rules(e) => self.apply_rules(e),
            Event::Channels(ChannelEvent::Loaded {
                types,
                file,
                storage,
            }) => self.channels_loaded(types, file, storage),
            Event::Channels(ChannelEvent::Tested {
                request, result, ..
            }) => self.channel_tested(request, result),
            Event::Channels(ChannelEvent::Saved { request }) => self.channels_saved(request),
            Event::ConfigReloaded(change) => self.config_reloaded(change),
            Event::Failed(failure) => self.failed(None, failure),
        }
    }

    fn issue_created(&mut self, request: u64, issue: Issue, link: Option<IssueLink>) {
        self.jobs.finish(&JobKind::Create(request));
        let mut origin = None;
        if let Some(Dialog::CreateIssue(d)) = &self.dialog
            && d.pending == Some(request)
        {
            origin = d.origin.clone();
            self.dialog = None;
        }
        if let Some(target) = origin {
            self.board_issue_created(*target, &issue);
        }
        let key = &issue.reference.display_key;
        let text = match &link {
            Some(l) => format!("Created {key} and linked it to {}", l.object.name),
            None => format!("Created {key}"),
        };
        self.toasts.push(ToastLevel::Success, text, None);
        // Show it in the side panel at once; the Links event that follows
        // brings the stored list.
        if let Some(link) = link {
            self.add_link(link);
        }
    }

    fn linked(&mut self, link: IssueLink) {
        let object_key = link.object.key();
        self.jobs.finish(&JobKind::Link {
            object: object_key.clone(),
            issue: link.issue.key.clone(),
        });
        if let Some(Dialog::LinkIssue(d)) = &self.dialog
            && d.object.key() == object_key
            && d.linking.as_ref() == Some(&link.issue.key)
        {
            self.dialog = None;
        }
        let text = format!("Linked {} to {}", link.issue.display_key, link.object.name);
        self.toasts.push(ToastLevel::Success, text, None);
        self.add_link(link);
    }

    fn unlinked(&mut self, object: ObjectRef, issue: IssueKey) {
        let key = object.key();
        self.jobs.finish(&JobKind::Unlink {
            object: key.clone(),
            issue: issue.clone(),
        });
        let mut display = issue.to_string();
        if let Some(Load::Ready(links)) = self.links.get_mut(&key) {
            if let Some(l) = links.iter().find(|l| l.issue.key == issue) {
                display = l.issue.display_key.clone();
            }
            links.retain(|l| l.issue.key != issue);
        }
        let text = format!("Unlinked {display} from {}", object.name);
        let undo = Command::Links(LinkCommand::Link { object, issue });
        self.toasts.push(ToastLevel::Info, text, Some(undo));
    }

    fn add_link(&mut self, link: IssueLink) {
        let entry = self
            .links
            .entry(link.object.key())
            .or_insert(Load::Ready(Vec::new()));
        if !matches!(entry, Load::Ready(_)) {
            *entry = Load::Ready(Vec::new());
        }
        if let Load::Ready(links) = entry
            && !links.iter().any(|l| l.issue.key == link.issue.key)
        {
            links.push(link);
        }
    }

    /// A fresher copy of an issue replaces the one on every link and tab.
    fn replace_issue(&mut self, issue: &Issue) {
        for load in self.links.values_mut() {
            if let Load::Ready(links) = load {
                links
                    .iter_mut()
                    .filter(|l| l.issue.key == *issue.key())
                    .for_each(|l| l.issue = issue.reference.clone());
            }
        }
        for tab in &mut self.tabs {
            if let Tab::Issue(i) = tab
                && i.key == *issue.key()
            {
                *i = issue.reference.clone();
            }
        }
    }

    fn failed(&mut self, request: Option<RequestId>, failure: Failure) {
        let Failure {
            context,
            message,
            side_step,
            kind,
            ..
        } = failure;
        // A side step's failure leaves its request's job running (or done).
        let job = request
            .filter(|_| !side_step)
            .and_then(|id| self.jobs.fail(id));
        match job.map(|j| j.kind) {
            Some(JobKind::Schema(name)) => {
                self.connection_mut(&name).schema = Load::Failed(message.clone())
            }
            Some(JobKind::Board(connection)) => self.board_failed(&connection, &message),
            Some(JobKind::Template(name)) => self.template_failed(&name, &message),
            Some(JobKind::Rules) => {
                self.rules_failed(&context, &message, kind == FailureKind::Conflict)
            }
            Some(JobKind::Links(key)) => {
                self.links.insert(key, Load::Failed(message.clone()));
            }
            Some(JobKind::Export) => self.export_failed(&message),
            Some(JobKind::Trackers) if !matches!(self.trackers, Load::Ready(_)) => {
                self.trackers = Load::Failed(message.clone());
            }
            Some(JobKind::Create(request)) => {
                if let Some(Dialog::CreateIssue(d)) = &mut self.dialog
                    && d.pending == Some(request)
                {
                    d.pending = None;
                    d.error = Some(message.clone());
                }
            }
            Some(JobKind::Search(request)) => {
                if let Some(Dialog::LinkIssue(d)) = &mut self.dialog
                    && d.searching == Some(request)
                {
                    d.searching = None;
                    d.error = Some(message.clone());
                }
            }
            Some(JobKind::Draft(request)) => {
                // The dialog keeps the summary it opened with.
                if let Some(Dialog::CreateIssue(d)) = &mut self.dialog
                    && d.drafting == Some(request)
                {
                    d.drafting = None;
                }
            }
            Some(JobKind::Projects(tracker)) => {
                // Trackers without projects still create issues.
                if let Some(Dialog::CreateIssue(d)) = &mut self.dialog
                    && d.projects_of == tracker
                {
                    d.projects = Load::Failed(message.clone());
                }
            }
            Some(JobKind::Users(request)) => {
                if let Some(Dialog::CreateIssue(d)) = &mut self.dialog
                    && d.searching_users == Some(request)
                {
                    d.searching_users = None;
                    d.users = Some(Vec::new());
                }
            }
            Some(kind @ (JobKind::SaveTrackers(_) | JobKind::TrackerSettings)) => {
                self.settings_failed(&kind, &message)
            }
            Some(
                kind @ (JobKind::SaveChannels(_)
                | JobKind::ChannelSettings
                | JobKind::TestChannel(_)),
            ) => self.channels_failed(&kind, &message),
            Some(JobKind::UnlockSecrets(request)) => self.unlock_failed(request, &message),
            Some(JobKind::Monitoring(key)) => self.monitoring_failed(&key, &message),
            Some(JobKind::ConnectionAdmin(request)) => {
                self.connection_admin_failed(request, &message)
            }
            Some(JobKind::Sync(key)) => self.sync_failed(&key, &message),
            Some(kind @ (JobKind::Comments(_) | JobKind::Comment(_))) => {
                self.comments_failed(&kind, &message)
            }
            Some(JobKind::Link { issue, .. }) => {
                if let Some(Dialog::LinkIssue(d)) = &mut self.dialog
                    && d.linking.as_ref() == Some(&issue)
                {
                    d.linking = None;
                    d.error = Some(message.clone());
                }
            }
            _ => {}
        }
        let text = format!("{context}: {message}");
        self.last_error = Some(text.clone());
        self.toasts.push(ToastLevel::Error, text, None);
    }

    /// Another workbench changed the team store: reload what shows it.
    fn store_changed(&mut self, change: &sr_engine::StoreChange) {
        match (change.table.as_str(), &change.issue) {
            ("issue_comments", Some(issue)) => {
                if let Ok(key) = issue.parse() {
                    self.issue_comments_changed(&key);
                }
            }
            ("issue_comments" | "*", _) => self.comments_changed(),
            _ => {}
        }
        let everything = change.table == "*" || change.rows.is_some();
        let connections: Vec<String> = match &change.object {
            Some(key) if !everything => key
                .split(':')
                .next()
                .map(str::to_owned)
                .into_iter()
                .collect(),
            _ => self
                .connections
                .iter()
                .map(|c| c.info.name.clone())
                .collect(),
        };
        if change.table == "links" || everything {
            for connection in connections {
                if self.connection(&connection).is_some() {
                    self.send(Command::Links(LinkCommand::LoadCounts { connection }));
                }
            }
        }
        let Some(selected) = self.selection.clone() else {
            return;
        };
        let touches_selection = everything
            || change.object.as_deref() == Some(selected.key().as_str())
            || change.issue.as_deref().is_some_and(|issue| {
                self.links_of(&selected)
                    .ready()
                    .is_some_and(|links| links.iter().any(|l| l.issue.key.to_string() == issue))
            });
        if touches_selection {
            self.load_links(&selected);
        }
    }

    fn auto_activity(
        &mut self,
        event: String,
        connection: String,
        report: sr_engine::EventReport,
        source: Box<sr_auto::DatabaseEvent>,
    ) {
        let created = report
            .outcomes
            .iter()
            .filter(|o| o.action == "create")
            .count();
        if created > 0 {
            self.toasts.push(
                ToastLevel::Info,
                format!("{event} on {connection}: {created} issue(s) filed by auto-issue rules"),
                None,
            );
        }
        // Issues the outbox filed and linked: the badges (and the open
        // object's issues) show them now, not at the next refresh.
        if !report.outbox.done.is_empty() && self.connection(&connection).is_some() {
            self.send(Command::Links(LinkCommand::LoadCounts {
                connection: connection.clone(),
            }));
            if let Some(selected) = self.selection.clone()
                && selected.connection == connection
            {
                self.load_links(&selected);
            }
        }
        self.auto_feed.push(super::AutoActivity {
            event,
            connection,
            report,
            at: chrono::Utc::now(),
            source,
        });
        let excess = self.auto_feed.len().saturating_sub(super::AUTO_FEED_LEN);
        self.auto_feed.drain(..excess);
    }
}
