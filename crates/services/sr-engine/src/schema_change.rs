//! The designer's schema changes: a schema-change issue drafted through
//! the `schema_change` template with the DDL and an impact analysis, and
//! applying a migration script to a connection (reported to the
//! auto-issue rules as a `migration.applied` event).

use std::sync::Arc;
use std::time::Instant;

use serde_json::json;
use sr_auto::DatabaseEvent;
use sr_model::{EventKind, ObjectRef};
use sr_schema::{MigrationScript, Snapshot};
use sr_templates::{Templates, split_issue};

use crate::{Engine, EngineError, IssueDraftText};

/// What a proposed change touches, as the designer found it in the
/// snapshot (the engine adds the row estimate when it is unknown).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaImpact {
    /// Views that read the table, as `schema.view`.
    pub dependent_views: Vec<String>,
    /// Foreign keys of other tables that reference it, as
    /// `schema.table (columns)`.
    pub referencing_keys: Vec<String>,
    /// The table's indexes, by name.
    pub indexes: Vec<String>,
    pub row_estimate: Option<u64>,
    /// Whether the change copies the whole table (a rebuild or a type
    /// change), which takes time and locks on a large table.
    pub rewrites_table: bool,
    /// Whether a statement can lose data.
    pub destructive: bool,
}

impl Engine {
    /// A schema-change issue for `object` proposing `ddl`: the title
    /// `Schema change: NAME`, the body from the `schema_change` template
    /// followed by the impact details.
    pub async fn draft_schema_change(
        &self,
        object: &ObjectRef,
        ddl: &str,
        mut impact: SchemaImpact,
    ) -> Result<IssueDraftText, EngineError> {
        if impact.row_estimate.is_none() {
            let db = self.database(&object.connection).await?;
            impact.row_estimate = db.row_estimate(&object.schema, &object.name).await.ok();
        }
        let dir = self.paths().templates_dir();
        let templates = tokio::task::spawn_blocking(move || Templates::load(Some(&dir)))
            .await
            .map_err(|_| EngineError::Stopped)??;
        let context = template_context(object, ddl, &impact, self.actor());
        let rendered = split_issue(&templates.render("schema_change", &context)?);
        Ok(IssueDraftText {
            title: format!("Schema change: {}", object.name),
            body: format!("{}\n{}", rendered.body.trim_end(), impact_markdown(&impact)),
        })
    }

    /// Runs `script`, a change of `object`, statement by statement, then
    /// reads the schema again. Either way a `migration.applied` event goes
    /// to the auto-issue rules (the result issue when they ask for one).
    pub async fn apply_schema_change(
        &self,
        object: &ObjectRef,
        script: &MigrationScript,
    ) -> Result<Arc<Snapshot>, EngineError> {
        let connection = object.connection.as_str();
        let before = self.snapshot(connection, false).await?;
        let db = self.database(connection).await?;
        tracing::info!(
            connection,
            statements = script.statements.len(),
            "applying a schema change"
        );
        // A change that blocks writers asks for approval first: rules on
        // `migration.proposed` (`impact.downtime_minutes > 0`) file it.
        let proposed = proposal_event(object, script, self.actor());
        if proposed.data["migration"]["downtime"] == true
            && let Err(e) = self.emit_event(&proposed).await
        {
            tracing::warn!(connection, error = %e, "auto-issue rules did not run for the proposal");
        }
        let started = Instant::now();
        let result = db.apply(script).await;
        let elapsed = started.elapsed();
        let after = match &result {
            Ok(()) => Some(self.snapshot(connection, true).await?),
            Err(_) => None,
        };
        if let Err(failure) = &result {
            // What the failed run left behind, and the way back to before.
            let now = self.snapshot(connection, true).await?;
            let back = sr_schema::render(&sr_schema::diff(&now, &before), now.dialect);
            let incident = rollback_event(object, script, failure, &back, self.actor());
            if let Err(e) = self.emit_event(&incident).await {
                tracing::warn!(connection, error = %e, "auto-issue rules did not run for the failed change");
            }
        }
        let hash = |s: &Snapshot| {
            s.table(&object.schema, &object.name)
                .map(|t| t.version_hash.clone())
                .unwrap_or_default()
        };
        let outcome = Applied {
            output: result.as_ref().err().map(ToString::to_string),
            elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            before: hash(&before),
            after: after.as_deref().map(hash).unwrap_or_else(|| hash(&before)),
        };
        let event = migration_event(object, script, &outcome, self.actor());
        if let Err(e) = self.emit_event(&event).await {
            tracing::warn!(connection, error = %e, "auto-issue rules did not run for the schema change");
        }
        result?;
        after.ok_or(EngineError::Stopped)
    }
}

/// Statements that rewrite or lock a whole table (writers wait).
fn blocks_writers(sql: &str) -> bool {
    let s = sql.to_ascii_uppercase();
    [
        "SET NOT NULL",
        " TYPE ",
        "RENAME TO",
        "DROP COLUMN",
        "ADD PRIMARY KEY",
        "_NEW",
    ]
    .iter()
    .any(|p| s.contains(p))
        || (s.starts_with("CREATE INDEX") && !s.contains("CONCURRENTLY"))
}

/// A `migration.proposed` event with the data `migration_approval.hbs`
/// reads; `migration.downtime` says whether writers would wait.
fn proposal_event(object: &ObjectRef, script: &MigrationScript, actor: &str) -> DatabaseEvent {
    let now = chrono::Utc::now();
    let locking: Vec<&str> = script
        .statements
        .iter()
        .filter(|s| blocks_writers(&s.sql))
        .map(|s| s.sql.as_str())
        .collect();
    let downtime = !locking.is_empty();
    let sql = script.to_sql();
    DatabaseEvent {
        event: EventKind::MigrationProposed,
        connection: object.connection.clone(),
        object: Some(format!("{}.{}", object.schema, object.name)),
        data: json!({
            "timestamp": now.to_rfc3339(),
            "user": { "name": actor },
            "change": { "type": "ALTER", "sql_ddl": sql.trim_end() },
            "impact": {
                "table_count": 1,
                "query_count": "unknown",
                // At least a minute while the table is locked or copied.
                "downtime_minutes": if downtime { 1 } else { 0 },
                "rollback_complexity": if script.statements.iter().any(|s| s.destructive) { "high" } else { "low" },
            },
            "dependencies": [],
            "migration": {
                "id": format!("designer-{}", now.format("%Y%m%d%H%M%S")),
                "name": format!("designer change of {}", object.name),
                "downtime": downtime,
                "locks": if downtime {
                    format!("{} statement(s) lock or rewrite {}", locking.len(), object.name)
                } else {
                    "no table-wide lock".to_owned()
                },
                "sql": sql.trim_end(),
                "rollback_sql": "generated after the change runs (Generate rollback)",
                "window": "now (applied from the designer)",
            },
            "approvers": ["dba-team"],
        }),
        occurred_at: now,
    }
}

/// A `migration.rolled_back` event for a change that failed part-way:
/// what failed and the SQL that returns the schema to before.
fn rollback_event(
    object: &ObjectRef,
    script: &MigrationScript,
    failure: &sr_db::DbError,
    back: &MigrationScript,
    actor: &str,
) -> DatabaseEvent {
    let now = chrono::Utc::now();
    let (number, statement) = match failure {
        sr_db::DbError::Execute {
            number, statement, ..
        } => (*number, statement.clone()),
        _ => (1, String::new()),
    };
    let partial = number > 1;
    DatabaseEvent {
        event: EventKind::MigrationRolledBack,
        connection: object.connection.clone(),
        object: Some(format!("{}.{}", object.schema, object.name)),
        data: json!({
            "timestamp": now.to_rfc3339(),
            "severity": if partial { "high" } else { "medium" },
            "user": { "name": actor },
            "migration": {
                "id": format!("designer-{}", now.format("%Y%m%d%H%M%S")),
                "name": format!("designer change of {}", object.name),
                "sql": script.to_sql().trim_end(),
            },
            "failure": {
                "statement_number": number,
                "statement": statement,
                "error": failure.to_string(),
            },
            "rollback": {
                "status": if back.is_empty() {
                    "nothing to undo: the schema is as before"
                } else {
                    "not run: the statements before the failure stayed applied; run the SQL below to go back"
                },
                "duration_ms": 0,
                "sql": if back.is_empty() { "-- nothing to undo".to_owned() } else { back.to_sql().trim_end().to_owned() },
            },
            "impact": { "downtime_minutes": 0, "schema_version": "partly changed" },
            "next_steps": "Check the failing statement, fix the change in the table editor and apply it again.",
        }),
        occurred_at: now,
    }
}

/// How an applied change went, for the `migration.applied` event.
struct Applied {
    /// The database's error, when it failed.
    output: Option<String>,
    elapsed_ms: u64,
    /// The table's version hash before and after.
    before: String,
    after: String,
}

/// A `migration.applied` event with the data `migration_result.hbs` reads.
fn migration_event(
    object: &ObjectRef,
    script: &MigrationScript,
    outcome: &Applied,
    actor: &str,
) -> DatabaseEvent {
    let now = chrono::Utc::now();
    let total = script.statements.len();
    let ok = outcome.output.is_none();
    DatabaseEvent {
        event: EventKind::MigrationApplied,
        connection: object.connection.clone(),
        object: Some(format!("{}.{}", object.schema, object.name)),
        data: json!({
            "timestamp": now.to_rfc3339(),
            "user": { "name": actor },
            "migration": {
                "id": format!("designer-{}", now.format("%Y%m%d%H%M%S")),
                "name": format!("designer change of {}", object.name),
                "sql": script.to_sql().trim_end(),
            },
            "result": {
                "status": if ok { "succeeded" } else { "failed" },
                "duration_ms": outcome.elapsed_ms,
                "statements_run": if ok { total } else { 0 },
                "statements_total": total,
                "downtime_minutes": 0,
                "output": outcome.output.clone().unwrap_or_else(|| "ok".to_owned()),
            },
            "schema_version": { "before": outcome.before, "after": outcome.after },
        }),
        occurred_at: now,
    }
}

/// The variables `schema_change.hbs` reads (see its header).
fn template_context(
    object: &ObjectRef,
    ddl: &str,
    impact: &SchemaImpact,
    actor: &str,
) -> serde_json::Value {
    let mut referencing: Vec<&str> = impact
        .referencing_keys
        .iter()
        .map(|k| k.split(" (").next().unwrap_or(k))
        .collect();
    referencing.dedup();
    let dependencies: Vec<serde_json::Value> = impact
        .dependent_views
        .iter()
        .map(String::as_str)
        .chain(referencing.iter().copied())
        .map(|name| json!({ "qualified_name": name }))
        .collect();
    json!({
        "event": "designer.propose",
        "connection": object.connection,
        "object": { "qualified_name": format!("{}.{}", object.schema, object.name) },
        "change": { "type": "ALTER", "sql_ddl": ddl.trim_end() },
        "user": { "name": actor },
        "impact": {
            "table_count": 1 + referencing.len(),
            "query_count": "unknown",
            "downtime_minutes": if impact.rewrites_table { "depends on the row count; the table is copied" } else { "0" },
            "rollback_complexity": rollback_complexity(impact),
        },
        "dependencies": dependencies,
    })
}

fn rollback_complexity(impact: &SchemaImpact) -> &'static str {
    match (impact.destructive, impact.rewrites_table) {
        (true, _) => "high (data is lost; restore from a backup)",
        (false, true) => "medium (the table is copied again)",
        (false, false) => "low",
    }
}

/// The designer's impact details, as a Markdown section.
pub fn impact_markdown(impact: &SchemaImpact) -> String {
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_owned()
        } else {
            items
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let rows = impact
        .row_estimate
        .map_or_else(|| "unknown".to_owned(), |n| n.to_string());
    let yes = |b: bool| if b { "yes" } else { "no" };
    format!(
        "\n### Impact details\n\
         - Dependent views: {}\n\
         - Foreign keys referencing the table: {}\n\
         - Indexes: {}\n\
         - Row estimate: {rows}\n\
         - Rewrites the table: {}\n\
         - Destructive: {}\n",
        list(&impact.dependent_views),
        list(&impact.referencing_keys),
        list(&impact.indexes),
        yes(impact.rewrites_table),
        yes(impact.destructive),
    )
}

#[cfg(test)]
mod tests {
    use sr_model::ObjectKind;

    use super::*;

    fn impact() -> SchemaImpact {
        SchemaImpact {
            dependent_views: vec!["main.order_totals".into()],
            referencing_keys: vec![
                "main.order_items (order_id)".into(),
                "main.order_items (parent_id)".into(),
            ],
            indexes: vec!["orders_by_customer".into()],
            row_estimate: Some(120),
            rewrites_table: true,
            destructive: false,
        }
    }

    #[test]
    fn the_builtin_template_renders_the_ddl_and_dependencies() {
        let templates = Templates::builtin().expect("built-in templates");
        let object = ObjectRef::new("demo", ObjectKind::Table, "shop", "main", "orders");
        let ddl = "ALTER TABLE \"orders\" ADD COLUMN \"note\" TEXT;\n";
        let context = template_context(&object, ddl, &impact(), "tester");
        let text = templates
            .render("schema_change", &context)
            .expect("renders");
        let check = |needle: &str| assert!(text.contains(needle), "{needle:?} in {text}");
        check("# Schema change request: ALTER main.orders on demo");
        check("```sql\nALTER TABLE \"orders\" ADD COLUMN \"note\" TEXT;\n```");
        check("- `main.order_totals`");
        check("- `main.order_items`");
        check("Tables Affected: 2");
        check("Rollback Complexity: medium");
    }

    #[test]
    fn the_migration_event_renders_the_result_template() {
        let templates = Templates::builtin().expect("built-in templates");
        let object = ObjectRef::new("demo", ObjectKind::Table, "shop", "main", "orders");
        let mut script = MigrationScript::default();
        script.statements.push(sr_schema::Statement {
            sql: "ALTER TABLE \"orders\" ADD COLUMN \"note\" TEXT".into(),
            destructive: false,
        });
        let check = |output: Option<&str>, expected: &[&str]| {
            let outcome = Applied {
                output: output.map(str::to_owned),
                elapsed_ms: 12,
                before: "h1".into(),
                after: "h2".into(),
            };
            let event = migration_event(&object, &script, &outcome, "tester");
            assert_eq!(event.object.as_deref(), Some("main.orders"));
            let data = serde_json::to_value(&event).expect("serialises");
            let issue = templates
                .render_issue("migration_result", &data)
                .expect("renders");
            for part in expected {
                assert!(
                    format!("{}\n{}", issue.title, issue.body).contains(part),
                    "{part:?} in {issue:?}"
                );
            }
        };
        check(None, &["succeeded on demo", "ADD COLUMN \"note\""]);
        check(
            Some("database is locked"),
            &["failed on demo", "database is locked"],
        );
    }

    #[test]
    fn impact_details_list_what_the_change_touches() {
        let check = |impact: SchemaImpact, expected: &[&str]| {
            let text = impact_markdown(&impact);
            for line in expected {
                assert!(text.contains(line), "{line:?} in {text}");
            }
        };
        check(
            impact(),
            &[
                "- Dependent views: `main.order_totals`",
                "- Indexes: `orders_by_customer`",
                "- Row estimate: 120",
                "- Rewrites the table: yes",
                "- Destructive: no",
            ],
        );
        check(
            SchemaImpact::default(),
            &[
                "- Dependent views: none",
                "- Foreign keys referencing the table: none",
                "- Row estimate: unknown",
                "- Rewrites the table: no",
            ],
        );
    }
}
