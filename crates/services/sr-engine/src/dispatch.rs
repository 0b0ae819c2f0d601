//! What the engine does for each [`Request`]: the events that answer it,
//! or the failure, reported as [`Event::Failed`] with the command's words
//! and a typed kind; each carries the request's id.

use sr_model::ObjectRef;

use crate::api::{Command, Event};
use crate::{Answer, Engine, EngineError, Failure, Request};
use crate::{IssueCommand, IssueEvent, LinkEvent, SchemaCommand, SettingsEvent};

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
    if let Command::Issues(IssueCommand::AddComment { issue, body }) = &cmd {
        match engine.comment_pending(issue, body).await {
            Ok(_) => match engine.cached_comments(issue).await {
                Ok(list) => emit(Event::Issues(IssueEvent::Comments(list))),
                Err(e) => tracing::warn!(error = %e, "the new comment could not be shown"),
            },
            Err(e) => return emit(Event::Failed(Failure::of(context, &e))),
        }
    }
    // A large database's tree shows schema by schema before its snapshot.
    if let Command::Schema(SchemaCommand::Load {
        connection,
        refresh,
    }) = &cmd
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
    Ok(match cmd {
        Command::Monitoring(m) => crate::monitoring::run(engine, m).await?,
        Command::Sync(s) => crate::sync_ops::run(engine, sync, s).await?,
        Command::Connection(c) => crate::connection_admin::run(engine, c).await?,
        Command::Schema(c) => crate::groups::schema::run(engine, c).await?,
        Command::Links(c) => crate::groups::links::run(engine, c).await?,
        Command::Trackers(c) => crate::groups::trackers::run(engine, c).await?,
        Command::Issues(c) => crate::groups::issues::run(engine, c).await?,
        Command::Boards(c) => crate::groups::boards::run(engine, c).await?,
        Command::Settings(c) => crate::groups::settings::run(engine, c).await?,
        Command::Query(c) => crate::groups::query::run(engine, c).await?,
        Command::Rules(c) => crate::groups::rules::run(engine, c).await?,
        Command::Channels(c) => crate::groups::channels::run(engine, c).await?,
    })
}

pub(crate) fn template_event(t: crate::TemplateText) -> Event {
    Event::Settings(SettingsEvent::Template {
        name: t.name,
        text: t.text,
        overridden: t.overridden,
    })
}

/// After a link changes, the side panel and the badges need fresh data.
pub(crate) async fn after_link_change(
    engine: &Engine,
    object: &ObjectRef,
) -> Result<Vec<Event>, EngineError> {
    let found = engine.links().linked_issues(object).await?;
    let counts = engine.store().link_counts(&object.connection).await?;
    Ok(vec![
        Event::Links(LinkEvent::Loaded {
            object: object.clone(),
            links: found,
        }),
        Event::Links(LinkEvent::Counts {
            connection: object.connection.clone(),
            counts,
        }),
    ])
}
