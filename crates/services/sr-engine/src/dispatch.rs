//! What the engine does for each [`Request`]: the events that answer it,
//! or the failure, reported as [`Event::Failed`] with the command's words
//! and a typed kind; each carries the request's id.

use sr_links::LinkOptions;
use sr_model::ObjectRef;

use crate::api::{Command, Event};
use crate::{Answer, Engine, EngineError, Failure, Request};

/// `sync`: the running background sync, which the Sync window's commands use.
pub(crate) async fn handle(
    engine: &Engine,
    sync: Option<&sr_sync::SyncManager>,
    request: Request,
    answer: &(dyn Fn(Answer) + Send + Sync),
) {
    use tracing::Instrument;
    let Request { id, command: cmd } = request;
    let emit = |event: Event| {
        answer(Answer {
            request: Some(id),
            event,
        })
    };
    let context = cmd.describe();
    let span = tracing::debug_span!("command", what = %context);
    // A new comment shows at once, pending, before the tracker answers.
    if let Command::AddComment { issue, body } = &cmd {
        match engine.comment_pending(issue, body).await {
            Ok(_) => match engine.cached_comments(issue).await {
                Ok(list) => emit(Event::Comments(list)),
                Err(e) => tracing::warn!(error = %e, "the new comment could not be shown"),
            },
            Err(e) => return emit(Event::Failed(Failure::of(context, &e))),
        }
    }
    // A large database's tree shows schema by schema before its snapshot.
    if let Command::LoadSchema {
        connection,
        refresh,
    } = &cmd
        && let Err(e) = crate::schema_stream::stream(engine, connection, *refresh, &emit)
            .instrument(span.clone())
            .await
    {
        return emit(Event::Failed(Failure::of(context, &e)));
    }
    match run(engine, sync, cmd).instrument(span).await {
        Ok(events) => events.into_iter().for_each(emit),
        Err(e) => emit(Event::Failed(Failure::of(context, &e))),
    }
}

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Boxed so the future's `Send` bound is checked here, with concrete
/// lifetimes; rustc cannot prove it through `tokio::spawn` otherwise.
fn run<'a>(
    engine: &'a Engine,
    sync: Option<&'a sr_sync::SyncManager>,
    cmd: Command,
) -> BoxFuture<'a, Result<Vec<Event>, EngineError>> {
    Box::pin(run_inner(engine, sync, cmd))
}

async fn run_inner(
    engine: &Engine,
    sync: Option<&sr_sync::SyncManager>,
    cmd: Command,
) -> Result<Vec<Event>, EngineError> {
    let links = engine.links();
    let opts = LinkOptions::manual(engine.actor());
    Ok(match cmd {
        Command::RunQuery {
            request,
            connection,
            sql,
            explain,
        } => {
            let result = engine
                .run_query(request, &connection, &sql, explain)
                .await
                .map_err(|e| e.to_string());
            vec![Event::QueryFinished { request, result }]
        }
        Command::CancelQuery { request } => {
            engine.cancel_query(request);
            Vec::new()
        }
        Command::DraftSchemaChange {
            request,
            object,
            ddl,
            impact,
        } => {
            let draft = engine.draft_schema_change(&object, &ddl, impact).await?;
            vec![Event::IssueDraft {
                request,
                object,
                title: draft.title,
                body: draft.body,
            }]
        }
        Command::ApplySchemaChange {
            request,
            object,
            script,
        } => {
            let connection = object.connection.clone();
            match engine.apply_schema_change(&object, &script).await {
                Ok(snapshot) => vec![
                    Event::SchemaApplied {
                        request,
                        connection: connection.clone(),
                        result: Ok(()),
                    },
                    Event::Schema {
                        connection,
                        snapshot,
                    },
                ],
                Err(e) => vec![Event::SchemaApplied {
                    request,
                    connection,
                    result: Err(e.to_string()),
                }],
            }
        }
        Command::Monitoring(m) => crate::monitoring::run(engine, m).await?,
        Command::Sync(s) => crate::sync_ops::run(engine, sync, s).await?,
        Command::Connection(c) => crate::connection_admin::run(engine, c).await?,
        Command::LoadConnections => vec![Event::Connections {
            connections: engine.connections().await,
            problem: engine.connections_problem(),
        }],
        Command::LoadSchema {
            connection,
            refresh,
        } => {
            let snapshot = engine.snapshot(&connection, refresh).await?;
            vec![Event::Schema {
                connection,
                snapshot,
            }]
        }
        Command::LoadLinks { object } => {
            let found = links.linked_issues(&object).await?;
            vec![Event::Links {
                object,
                links: found,
            }]
        }
        Command::LoadLinkCounts { connection } => {
            let counts = engine.store().link_counts(&connection).await?;
            vec![Event::LinkCounts { connection, counts }]
        }
        Command::LoadTrackers => vec![Event::Trackers(engine.tracker_statuses().await)],
        Command::LoadAudit { limit } => vec![Event::Audit(engine.store().audit_log(limit).await?)],
        Command::CreateIssue {
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
            let mut events = vec![Event::IssueCreated {
                request,
                issue: issue.clone(),
                link: link.clone(),
            }];
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
        Command::LinkIssue { object, issue } => {
            let link = links.link_object(&object, &issue, &opts).await?;
            let mut events = vec![Event::Linked(link)];
            events.extend(after_link_change(engine, &object).await?);
            events
        }
        Command::Unlink { object, issue } => {
            links.unlink(&object, &issue, engine.actor()).await?;
            let mut events = vec![Event::Unlinked {
                object: object.clone(),
                issue,
            }];
            events.extend(after_link_change(engine, &object).await?);
            events
        }
        Command::Search {
            request,
            tracker,
            query,
        } => {
            vec![Event::SearchResults {
                request,
                issues: links.search(&tracker, &query).await?,
            }]
        }
        Command::RefreshIssue { issue } => {
            vec![Event::IssueRefreshed(links.refresh(&issue).await?)]
        }
        Command::LoadComments { issue, refresh } => {
            vec![Event::Comments(
                engine.issue_comments(&issue, refresh).await?,
            )]
        }
        Command::TakeBackComment { issue, comment } => {
            let (comments, body) = engine.take_back_comment(&issue, comment).await?;
            vec![Event::CommentTakenBack { comments, body }]
        }
        // Kept (and shown) by `handle`; here it is sent.
        Command::AddComment { issue, .. } => {
            vec![Event::Comments(engine.send_comments(&issue).await?)]
        }
        Command::ReloadTrackers => {
            engine.reload_trackers().await?;
            vec![Event::Trackers(engine.tracker_statuses().await)]
        }
        Command::LoadBoard { connection } => {
            let stored = engine.load_board(&connection).await?;
            vec![Event::Board {
                connection,
                version: stored.as_ref().map_or(0, |b| b.version),
                board_json: stored.map(|b| b.document),
            }]
        }
        Command::SaveBoard {
            connection,
            board_json,
            version,
        } => {
            let version = engine.save_board(&connection, &board_json, version).await?;
            vec![Event::BoardSaved {
                connection,
                version,
            }]
        }
        Command::DraftFromTemplate {
            request,
            object,
            template,
            event,
        } => {
            let draft = engine.render_template(&template, &event).await?;
            vec![Event::IssueDraft {
                request,
                object,
                title: draft.title,
                body: draft.body,
            }]
        }
        Command::DraftIssue { request, object } => {
            let draft = engine.draft_issue(&object).await?;
            vec![Event::IssueDraft {
                request,
                object,
                title: draft.title,
                body: draft.body,
            }]
        }
        Command::LoadProjects { tracker } => {
            let projects = engine.projects(&tracker).await?;
            vec![Event::Projects { tracker, projects }]
        }
        Command::SearchUsers {
            request,
            tracker,
            project,
            query,
        } => vec![Event::Users {
            request,
            users: engine.users(&tracker, project.as_deref(), &query).await?,
        }],
        Command::LoadTrackerSettings => vec![Event::TrackerSettings {
            providers: engine.provider_types(),
            file: engine.trackers_file(),
            storage: engine.secret_storage().await,
        }],
        Command::UnlockSecrets {
            request,
            passphrase,
        } => vec![
            Event::SecretStorage {
                request,
                storage: engine.unlock_secrets(passphrase).await?,
            },
            Event::Trackers(engine.tracker_statuses().await),
        ],
        Command::TestTracker {
            request,
            entry,
            secrets,
        } => {
            // A failed test is an answer, not a failure of the command.
            let result = engine
                .test_tracker(entry, secrets)
                .await
                .map_err(|e| e.to_string());
            vec![Event::TrackerTested { request, result }]
        }
        Command::SaveTrackers {
            request,
            file,
            secrets,
        } => {
            engine.save_trackers(file, secrets).await?;
            vec![
                Event::TrackersSaved { request },
                Event::Trackers(engine.tracker_statuses().await),
            ]
        }
        Command::LoadTemplate { name } => vec![template_event(engine.load_template(&name).await?)],
        Command::SaveTemplate { name, text } => {
            vec![template_event(engine.save_template(&name, &text).await?)]
        }
        Command::ResetTemplate { name } => {
            vec![template_event(engine.reset_template(&name).await?)]
        }
    })
}

fn template_event(t: crate::TemplateText) -> Event {
    Event::Template {
        name: t.name,
        text: t.text,
        overridden: t.overridden,
    }
}

/// After a link changes, the side panel and the badges need fresh data.
async fn after_link_change(engine: &Engine, object: &ObjectRef) -> Result<Vec<Event>, EngineError> {
    let found = engine.links().linked_issues(object).await?;
    let counts = engine.store().link_counts(&object.connection).await?;
    Ok(vec![
        Event::Links {
            object: object.clone(),
            links: found,
        },
        Event::LinkCounts {
            connection: object.connection.clone(),
            counts,
        },
    ])
}
