//! The tree before the details: [`Database::schema_names`] and
//! [`Database::schema_outline`] list a database's schemas and then one
//! schema's object names, each in a query or two, so a caller can show a
//! database of thousands of tables at once and read its full snapshot
//! behind. PostgreSQL answers from the catalog per schema; SQLite files
//! and MySQL/MariaDB databases hold one schema each, read whole (their
//! [`Database::streams_schemas`] is false: read the snapshot instead).

use sr_schema::{Dialect, SchemaOutline};

use crate::database::{BoxFuture, Database, DbPool};
use crate::{DbError, postgres};

impl Database {
    /// Whether [`Database::schema_outline`] is cheaper than the snapshot.
    pub fn streams_schemas(&self) -> bool {
        self.dialect() == Dialect::Postgres
    }

    /// The user schemas (not the system ones), in name order.
    pub fn schema_names(&self) -> BoxFuture<'_, Result<Vec<String>, DbError>> {
        Box::pin(async move {
            match self.pool() {
                DbPool::Postgres(pool) => postgres::schema_names(pool, self.url()).await,
                _ => Ok(self
                    .introspect()
                    .await?
                    .schemas
                    .iter()
                    .map(|s| s.name.clone())
                    .collect()),
            }
        })
    }

    /// The names of `schema`'s objects by kind, in the order its snapshot
    /// lists them; empty when there is no such schema.
    pub fn schema_outline<'a>(
        &'a self,
        schema: &'a str,
    ) -> BoxFuture<'a, Result<SchemaOutline, DbError>> {
        Box::pin(async move {
            match self.pool() {
                DbPool::Postgres(pool) => postgres::outline(pool, self.url(), schema).await,
                _ => {
                    let snapshot = self.introspect().await?;
                    Ok(snapshot
                        .schema(schema)
                        .map(SchemaOutline::of)
                        .unwrap_or_else(|| SchemaOutline {
                            name: schema.to_owned(),
                            ..SchemaOutline::default()
                        }))
                }
            }
        })
    }
}
