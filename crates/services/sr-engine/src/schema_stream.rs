//! A large database's tree before its details: for [`crate::SchemaCommand::Load`]
//! on a database that streams its schemas (PostgreSQL), the engine first
//! lists the schemas ([`crate::SchemaEvent::Names`]) and then reads and sends each
//! one's object names ([`crate::SchemaEvent::Outline`], one event per schema, a
//! few at a time), so the explorer shows a database of thousands of tables
//! within a fraction of a second; the full snapshot, which the details,
//! the designer and the links need, is read after and answers the command
//! as before. A snapshot already held is answered at once, without this.
//!
//! [`crate::SchemaCommand::Load`]: crate::crate::SchemaCommand::Load

use std::sync::Arc;

use tokio::task::JoinSet;

use crate::SchemaEvent;
use crate::{Engine, EngineError, Event};

/// How many schemas' outlines are read at once: enough to hide the round
/// trips, few enough to leave the server's other sessions alone.
const AT_ONCE: usize = 4;

/// Sends the tree of `connection` through `emit`, schema by schema. Fails
/// only when the database cannot be opened (the caller reports it and
/// stops); an outline that cannot be read is left to the full read, which
/// fails with its own cause or succeeds.
pub(crate) async fn stream(
    engine: &Engine,
    connection: &str,
    refresh: bool,
    emit: &(dyn Fn(Event) + Send + Sync),
) -> Result<(), EngineError> {
    if !refresh && engine.has_snapshot(connection).await {
        return Ok(());
    }
    let db = engine.database(connection).await?;
    if !db.streams_schemas() {
        return Ok(());
    }
    let schemas = match db.schema_names().await {
        Ok(names) => names,
        Err(e) => {
            tracing::debug!(connection, error = %e, "schemas not listed; the snapshot follows");
            return Ok(());
        }
    };
    emit(Event::Schema(SchemaEvent::Names {
        connection: connection.to_owned(),
        database: db.name().to_owned(),
        schemas: schemas.clone(),
    }));
    let mut pending = schemas.into_iter();
    let mut running = JoinSet::new();
    loop {
        while running.len() < AT_ONCE
            && let Some(schema) = pending.next()
        {
            let db = db.clone();
            running.spawn(async move { db.schema_outline(&schema).await });
        }
        let Some(done) = running.join_next().await else {
            return Ok(());
        };
        match done {
            Ok(Ok(outline)) => emit(Event::Schema(SchemaEvent::Outline {
                connection: connection.to_owned(),
                outline: Arc::new(outline),
            })),
            Ok(Err(e)) => {
                tracing::debug!(connection, error = %e, "a schema outline was not read");
            }
            Err(e) => tracing::warn!(connection, error = %e, "a schema outline task ended"),
        }
    }
}
