//! Running SQL that changes a database: a whole script as one text (for
//! loading a schema) or a migration statement by statement (so a failure
//! names the statement).

use sqlx::{Executor, MySqlPool, PgPool, SqlitePool};
use sr_schema::MigrationScript;

use crate::DbError;
use crate::database::{BoxFuture, Database, DbPool};

impl Database {
    /// Runs `sql`, which may hold many statements separated by `;` (dollar
    /// quoting, `BEGIN ... END` bodies and comments included), as one batch.
    pub fn execute_script<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<(), DbError>> {
        Box::pin(async move {
            let fail = |source| DbError::Execute {
                url: self.url().to_owned(),
                number: 1,
                statement: first_line(sql),
                source,
            };
            match self.pool() {
                DbPool::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(drop).map_err(fail),
                DbPool::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(drop).map_err(fail),
                DbPool::MySql(p) => sqlx::raw_sql(sql).execute(p).await.map(drop).map_err(fail),
            }
        })
    }

    /// Runs the statements of `script` in order on one connection and stops
    /// at the first failure. The script holds its own `BEGIN`/`COMMIT`
    /// (SQLite's `PRAGMA foreign_keys` must run outside them); after a
    /// failure inside, the transaction is rolled back and the foreign-key
    /// switch put back, so the connection returns to the pool as it was.
    pub fn apply<'a>(&'a self, script: &'a MigrationScript) -> BoxFuture<'a, Result<(), DbError>> {
        Box::pin(async move {
            let statements: Vec<String> = script.statements.iter().map(|s| s.sql.clone()).collect();
            let result = match self.pool() {
                DbPool::Sqlite(p) => run_sqlite(p, &statements).await,
                DbPool::Postgres(p) => run_postgres(p, &statements).await,
                DbPool::MySql(p) => run_mysql(p, &statements).await,
            };
            result.map_err(|(i, e)| {
                let sql = statements.get(i).cloned().unwrap_or_default();
                self.exec_error(i, &sql, e)
            })
        })
    }

    fn exec_error(&self, index: usize, sql: &str, source: sqlx::Error) -> DbError {
        DbError::Execute {
            url: self.url().to_owned(),
            number: index + 1,
            statement: sql.to_owned(),
            source,
        }
    }
}

/// What puts a connection back after a script failed having run `done`:
/// a rollback of an open transaction, foreign keys switched on again.
fn undo_after_failure(done: &[String]) -> Vec<&'static str> {
    let mut out = Vec::new();
    let last = |word: &str| done.iter().rposition(|s| s.eq_ignore_ascii_case(word));
    if last("BEGIN").is_some_and(|b| last("COMMIT").is_none_or(|c| c < b)) {
        out.push("ROLLBACK");
    }
    if done.iter().any(|s| s == "PRAGMA foreign_keys = OFF") {
        out.push("PRAGMA foreign_keys = ON");
    }
    out
}

fn first_line(sql: &str) -> String {
    let line = sql.trim_start().lines().next().unwrap_or_default();
    format!("{line} ...")
}

// One function per pool type: with the concrete connection type rustc can
// prove the futures `Send`, which it cannot through a generic executor.

async fn run_sqlite(pool: &SqlitePool, statements: &[String]) -> Result<(), (usize, sqlx::Error)> {
    let mut conn = pool.acquire().await.map_err(|e| (0, e))?;
    for (i, sql) in statements.iter().enumerate() {
        if let Err(e) = conn.execute(sql.as_str()).await {
            for undo in undo_after_failure(&statements[..i]) {
                // Best effort: the failure itself is what the caller needs.
                conn.execute(undo).await.ok();
            }
            return Err((i, e));
        }
    }
    Ok(())
}

async fn run_postgres(pool: &PgPool, statements: &[String]) -> Result<(), (usize, sqlx::Error)> {
    let mut conn = pool.acquire().await.map_err(|e| (0, e))?;
    for (i, sql) in statements.iter().enumerate() {
        if let Err(e) = conn.execute(sql.as_str()).await {
            for undo in undo_after_failure(&statements[..i]) {
                // Best effort: the failure itself is what the caller needs.
                conn.execute(undo).await.ok();
            }
            return Err((i, e));
        }
    }
    Ok(())
}

async fn run_mysql(pool: &MySqlPool, statements: &[String]) -> Result<(), (usize, sqlx::Error)> {
    let mut conn = pool.acquire().await.map_err(|e| (0, e))?;
    for (i, sql) in statements.iter().enumerate() {
        if let Err(e) = conn.execute(sql.as_str()).await {
            for undo in undo_after_failure(&statements[..i]) {
                // Best effort: the failure itself is what the caller needs.
                conn.execute(undo).await.ok();
            }
            return Err((i, e));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::undo_after_failure;

    fn check(done: &[&str], expected: &[&str]) {
        let done: Vec<String> = done.iter().map(|s| s.to_string()).collect();
        assert_eq!(undo_after_failure(&done), expected, "{done:?}");
    }

    #[test]
    fn undo_cases() {
        check(&[], &[]);
        check(&["BEGIN", "CREATE TABLE t (a int)"], &["ROLLBACK"]);
        check(&["BEGIN", "COMMIT", "PRAGMA foreign_keys = ON"], &[]);
        check(
            &["PRAGMA foreign_keys = OFF", "BEGIN"],
            &["ROLLBACK", "PRAGMA foreign_keys = ON"],
        );
    }
}
