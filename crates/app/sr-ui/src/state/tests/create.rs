//! Create Issue as data: the engine's draft, projects, types, assignees,
//! failures; and the first table a first start opens.

use super::*;
use sr_engine::{IssueCommand, IssueEvent, SchemaEvent, TrackerCommand, TrackerEvent};

#[test]
fn create_issue_flow_sends_the_draft_and_toasts_the_key() {
    let mut s = ready();
    s.select(&orders());
    s.take_commands();
    s.open_create_dialog(&orders());
    let Some(Dialog::CreateIssue(d)) = &mut s.dialog else {
        panic!("the dialog did not open");
    };
    assert_eq!(d.tracker, "Local");
    assert_eq!(d.title, "Table main.orders: ");
    assert!(
        d.description.contains("| status | TEXT | no |  |"),
        "{}",
        d.description
    );
    assert!(d.link);
    d.title.push_str("add an index on status");
    // The engine's draft replaces only what the user has not edited.
    let drafts = s.take_commands();
    let [
        Command::Issues(IssueCommand::Draft { request, object }),
        Command::Trackers(TrackerCommand::LoadProjects { tracker }),
    ] = drafts.as_slice()
    else {
        panic!("the dialog asks the engine for a draft and the projects: {drafts:?}");
    };
    assert_eq!(tracker, "Local");
    assert_eq!(object, &orders());
    s.apply(Event::Issues(IssueEvent::Draft {
        request: *request,
        object: orders(),
        title: "Table main.orders: from the engine".into(),
        body: "## from the template".into(),
    }));
    let Some(Dialog::CreateIssue(d)) = &s.dialog else {
        panic!("the dialog closed");
    };
    assert_eq!(
        (d.title.as_str(), d.description.as_str(), d.drafting),
        (
            "Table main.orders: add an index on status",
            "## from the template",
            None
        )
    );
    s.submit_create();
    let commands = s.take_commands();
    let [
        Command::Issues(IssueCommand::Create {
            request,
            tracker,
            object,
            draft,
            attach_ddl,
            attachments,
        }),
    ] = commands.as_slice()
    else {
        panic!("expected one CreateIssue, got {commands:?}");
    };
    assert_eq!(
        (
            tracker.as_str(),
            object.as_ref(),
            draft.title.as_str(),
            draft.body.as_str()
        ),
        (
            "Local",
            Some(&orders()),
            "Table main.orders: add an index on status",
            "## from the template"
        )
    );
    assert_eq!(attach_ddl.as_ref(), Some(&orders()), "Attach DDL is on");
    assert!(attachments.is_empty(), "no ER diagram outside the designer");
    s.submit_create();
    assert!(
        s.take_commands().is_empty(),
        "a pending create is not sent twice"
    );
    let created = issue(7, IssueState::Open);
    s.apply(Event::Issues(IssueEvent::Created {
        request: *request,
        issue: created.clone(),
        link: Some(link(&orders(), &created)),
    }));
    assert!(s.dialog.is_none());
    assert_eq!(toasts(&s), ["Created LOCAL-7 and linked it to orders"]);
    assert!(
        matches!(s.links_of(&orders()), Load::Ready(l) if l.len() == 1),
        "shown before the Links event"
    );
    let left: Vec<&str> = s.jobs.iter().map(|j| j.context.as_str()).collect();
    assert_eq!(
        left,
        [
            "Load issues linked to demo:main.orders",
            "Load projects of Local"
        ]
    );
}

#[test]
fn a_failed_create_keeps_the_dialog_with_the_reason() {
    let mut s = ready();
    s.open_create_dialog(&orders());
    if let Some(Dialog::CreateIssue(d)) = &mut s.dialog {
        d.title = "x".into();
    }
    s.submit_create();
    s.take_commands();
    s.fail_job(
        "Create issue in Local".into(),
        "the store is read-only".into(),
    );
    let Some(Dialog::CreateIssue(d)) = &s.dialog else {
        panic!("the dialog closed");
    };
    assert_eq!(
        (d.pending, d.error.as_deref()),
        (None, Some("the store is read-only"))
    );
    assert_eq!(
        toasts(&s),
        ["Create issue in Local: the store is read-only"]
    );
    assert!(!s.jobs.iter().any(|j| j.context.starts_with("Create")));
}

#[test]
fn a_first_start_opens_the_first_table() {
    let mut s = UiState::new(Persisted::default());
    s.open_first_table = true;
    s.apply(Event::Schema(SchemaEvent::Snapshot {
        connection: DEMO_CONNECTION.into(),
        snapshot: snapshot(),
    }));
    assert_eq!(
        s.selection.as_ref().map(|o| o.name.as_str()),
        Some("customers")
    );
    assert_eq!(s.tabs.len(), 1);
    assert!(!s.open_first_table, "only once");
}

#[test]
fn create_dialog_offers_projects_types_and_assignees() {
    let mut s = ready();
    s.open_create_dialog(&orders());
    s.take_commands();
    s.apply(Event::Trackers(TrackerEvent::Projects {
        tracker: "Local".into(),
        projects: vec![sr_model::Project {
            id: "default".into(),
            key: "LOCAL".into(),
            name: "Local".into(),
        }],
    }));
    let Some(Dialog::CreateIssue(d)) = &mut s.dialog else {
        panic!("the dialog closed");
    };
    assert!(matches!(&d.projects, Load::Ready(p) if p.len() == 1));
    d.project = Some("LOCAL".into());
    d.issue_type = Some("Bug".into());
    d.assignee_query = " ali ".into();
    d.title = "Locks".into();
    s.search_users();
    let sent = s.take_commands();
    let [
        Command::Trackers(TrackerCommand::SearchUsers {
            request,
            query,
            project,
            ..
        }),
    ] = sent.as_slice()
    else {
        panic!("{sent:?}");
    };
    assert_eq!((query.as_str(), project.as_deref()), ("ali", Some("LOCAL")));
    let alice = sr_model::User {
        id: "alice-id".into(),
        name: "Alice".into(),
        email: None,
    };
    s.apply(Event::Trackers(TrackerEvent::Users {
        request: *request,
        users: vec![alice.clone()],
    }));
    let Some(Dialog::CreateIssue(d)) = &mut s.dialog else {
        panic!("the dialog closed");
    };
    assert_eq!(d.users.as_deref(), Some(&[alice.clone()][..]));
    d.assignee = Some(alice);
    let draft = d.draft().unwrap_or_default();
    assert_eq!(
        (
            draft.project.as_deref(),
            draft.issue_type.as_deref(),
            draft.assignees
        ),
        (Some("LOCAL"), Some("Bug"), vec!["alice-id".to_owned()])
    );
}
