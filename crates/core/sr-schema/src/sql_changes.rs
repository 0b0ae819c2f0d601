//! The objects a migration script creates, alters or drops, read with
//! sqlparser in the connection's dialect (a pull request's added SQL is
//! linked to the objects it changes). Names keep the schema the script
//! wrote, if any; PostgreSQL folds unquoted names to lower case as the
//! server does.

use serde::Serialize;
use sqlparser::ast::{self, ObjectName, Statement};
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sr_model::ObjectKind;

use crate::{Dialect, SchemaError};

/// What a statement does to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SqlAction {
    Create,
    Alter,
    Drop,
}

impl SqlAction {
    pub fn as_str(self) -> &'static str {
        match self {
            SqlAction::Create => "create",
            SqlAction::Alter => "alter",
            SqlAction::Drop => "drop",
        }
    }
}

/// One object a script changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SqlChange {
    pub kind: ObjectKind,
    /// The schema the script names; `None` for the connection's default.
    pub schema: Option<String>,
    pub name: String,
    pub action: SqlAction,
}

/// Every table, view and function `sql` creates, alters or drops, in
/// statement order. An index or trigger counts as a change of its table;
/// other statements (data changes, grants) change no object.
pub fn changed_objects(sql: &str, dialect: Dialect) -> Result<Vec<SqlChange>, SchemaError> {
    let statements = match dialect {
        Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, sql),
        Dialect::MySql => Parser::parse_sql(&MySqlDialect {}, sql),
        Dialect::Sqlite => Parser::parse_sql(&SQLiteDialect {}, sql),
    }
    .map_err(|e| SchemaError::Sql {
        dialect: dialect.label(),
        reason: e.to_string(),
    })?;
    let mut out = Vec::new();
    for s in &statements {
        statement_changes(s, dialect, &mut out);
    }
    Ok(out)
}

fn statement_changes(s: &Statement, dialect: Dialect, out: &mut Vec<SqlChange>) {
    use ObjectKind as K;
    use SqlAction as A;
    let mut push = |kind, name: &ObjectName, action| {
        if let Some((schema, name)) = split(name, dialect) {
            out.push(SqlChange {
                kind,
                schema,
                name,
                action,
            });
        }
    };
    match s {
        Statement::CreateTable(t) => push(K::Table, &t.name, A::Create),
        Statement::CreateView(v) => {
            let kind = if v.materialized {
                K::MaterializedView
            } else {
                K::View
            };
            push(kind, &v.name, A::Create);
        }
        Statement::CreateFunction(f) => push(K::Function, &f.name, A::Create),
        Statement::CreateProcedure { name, .. } => push(K::Procedure, name, A::Create),
        Statement::CreateIndex(i) => push(K::Table, &i.table_name, A::Alter),
        Statement::AlterTable(t) => push(K::Table, &t.name, A::Alter),
        Statement::AlterView(v) => push(K::View, &v.name, A::Alter),
        Statement::AlterFunction(f) => push(K::Function, &f.function.name, A::Alter),
        Statement::RenameTable(renames) => {
            for r in renames {
                push(K::Table, &r.old_name, A::Alter);
            }
        }
        Statement::Drop {
            object_type, names, ..
        } => {
            let kind = match object_type {
                ast::ObjectType::Table => K::Table,
                ast::ObjectType::View => K::View,
                ast::ObjectType::MaterializedView => K::MaterializedView,
                _ => return,
            };
            for n in names {
                push(kind, n, A::Drop);
            }
        }
        Statement::DropFunction(d) => {
            for f in &d.func_desc {
                push(K::Function, &f.name, A::Drop);
            }
        }
        Statement::DropProcedure { proc_desc, .. } => {
            for f in proc_desc {
                push(K::Procedure, &f.name, A::Drop);
            }
        }
        _ => {}
    }
}

/// `(schema, name)` of a one- or two-part name (a three-part name's
/// first part is a database and is dropped); `None` for names built by
/// dialect functions.
fn split(name: &ObjectName, dialect: Dialect) -> Option<(Option<String>, String)> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| p.as_ident().map(|i| fold(i, dialect)))
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [name] => Some((None, name.clone())),
        [.., schema, name] => Some((Some(schema.clone()), name.clone())),
        [] => None,
    }
}

fn fold(ident: &ast::Ident, dialect: Dialect) -> String {
    if dialect == Dialect::Postgres && ident.quote_style.is_none() {
        ident.value.to_lowercase()
    } else {
        ident.value.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sql: &str, dialect: Dialect) -> Vec<String> {
        changed_objects(sql, dialect)
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}.{}",
                    c.action.as_str(),
                    c.kind,
                    c.schema.as_deref().unwrap_or("-"),
                    c.name
                )
            })
            .collect()
    }

    #[test]
    fn postgres_migration() {
        let sql = r#"
            ALTER TABLE Public.Orders ADD COLUMN note text;
            CREATE TABLE "Audit" (id bigint primary key);
            CREATE INDEX orders_note ON public.orders (note);
            CREATE VIEW recent AS SELECT * FROM orders;
            CREATE MATERIALIZED VIEW totals AS SELECT 1;
            CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
            DROP TABLE IF EXISTS old_a, sales.old_b;
            DROP FUNCTION g(int);
            INSERT INTO orders VALUES (1);
            DROP INDEX orders_x;
        "#;
        assert_eq!(
            names(sql, Dialect::Postgres),
            [
                "alter table public.orders",
                "create table -.Audit",
                "alter table public.orders",
                "create view -.recent",
                "create materialized_view -.totals",
                "create function public.f",
                "drop table -.old_a",
                "drop table sales.old_b",
                "drop function -.g",
            ]
        );
    }

    #[test]
    fn mysql_and_sqlite_keep_case_and_read_their_syntax() {
        assert_eq!(
            names(
                "ALTER TABLE shop.Orders ADD COLUMN note TEXT AFTER id; RENAME TABLE a TO b;",
                Dialect::MySql
            ),
            ["alter table shop.Orders", "alter table -.a"]
        );
        assert_eq!(
            names(
                "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT); DROP VIEW v;",
                Dialect::Sqlite
            ),
            ["create table -.t", "drop view -.v"]
        );
    }

    #[test]
    fn a_script_that_does_not_parse_names_the_dialect() {
        let e = changed_objects("ALTER TABLE orders ADD", Dialect::Postgres).expect_err("bad");
        assert!(e.to_string().contains("PostgreSQL"), "{e}");
    }
}
