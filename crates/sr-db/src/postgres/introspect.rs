//! Reads a PostgreSQL database into a normalised snapshot.

use std::collections::HashMap;

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use sr_schema::{
    CheckConstraint, Column, Dialect, Domain, EnumType, Extension, FkAction, ForeignKey, Generated,
    Grant, Identity, Index, IndexColumn, IndexKey, Policy, PrimaryKey, Routine, RoutineKind,
    Schema, Sequence, Snapshot, Table, Trigger, TriggerEvent, TriggerTiming, UniqueConstraint,
    View,
};

use super::queries;
use crate::DbError;

/// Where a relation's parts go once read.
enum Rel {
    Table(usize, usize),
    View(usize, usize),
}

pub(crate) async fn introspect(
    pool: &PgPool,
    url: &str,
    database: &str,
) -> Result<Snapshot, DbError> {
    let fail = |doing: &'static str| {
        let url = url.to_owned();
        move |source| DbError::Query {
            url,
            doing: doing.to_owned(),
            source,
        }
    };
    let mut tx = pool
        .begin()
        .await
        .map_err(fail("starting a read transaction"))?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(fail("starting a read transaction"))?;
    let snapshot = read_all(&mut tx, database)
        .await
        .map_err(fail("reading the catalog"))?;
    tx.rollback()
        .await
        .map_err(fail("ending the read transaction"))?;
    Ok(snapshot)
}

async fn read_all(conn: &mut PgConnection, database: &str) -> Result<Snapshot, sqlx::Error> {
    let mut schemas: Vec<Schema> = Vec::new();
    for r in sqlx::query(&queries::schemas())
        .fetch_all(&mut *conn)
        .await?
    {
        let mut s = Schema::new(r.try_get::<String, _>("name")?);
        s.comment = r.try_get("comment")?;
        schemas.push(s);
    }
    let index_of = |schemas: &[Schema], name: &str| schemas.iter().position(|s| s.name == name);

    let mut rels: HashMap<i64, Rel> = HashMap::new();
    for r in sqlx::query(&queries::relations())
        .fetch_all(&mut *conn)
        .await?
    {
        let schema: String = r.try_get("schema")?;
        let Some(si) = index_of(&schemas, &schema) else {
            continue;
        };
        let oid: i64 = r.try_get("oid")?;
        let name: String = r.try_get("name")?;
        let kind: String = r.try_get("kind")?;
        let comment: Option<String> = r.try_get("comment")?;
        if kind == "v" || kind == "m" {
            let def: Option<String> = r.try_get("view_def")?;
            let list = &mut schemas[si].views;
            list.push(View {
                name,
                materialized: kind == "m",
                definition: def
                    .unwrap_or_default()
                    .trim()
                    .trim_end_matches(';')
                    .to_owned(),
                comment,
                ..View::default()
            });
            rels.insert(oid, Rel::View(si, list.len() - 1));
        } else {
            let mut t = Table::new(name);
            t.comment = comment;
            if let Some(p) = r.try_get::<Option<String>, _>("partition_by")? {
                t.options.insert("partition_by".into(), p);
            }
            let parents: Vec<String> = r.try_get("parents")?;
            match r.try_get::<Option<String>, _>("partition_bound")? {
                Some(bound) => {
                    t.options.insert("partition_of".into(), parents.join(", "));
                    t.options.insert("partition_bound".into(), bound);
                }
                None if !parents.is_empty() => {
                    t.options.insert("inherits".into(), parents.join(", "));
                }
                None => {}
            }
            if r.try_get::<bool, _>("rls")? {
                t.options.insert("row_level_security".into(), "true".into());
            }
            let list = &mut schemas[si].tables;
            list.push(t);
            rels.insert(oid, Rel::Table(si, list.len() - 1));
        }
    }
    let oids: Vec<i64> = rels.keys().copied().collect();

    for r in sqlx::query(queries::COLUMNS)
        .bind(&oids)
        .fetch_all(&mut *conn)
        .await?
    {
        let rel: i64 = r.try_get("rel")?;
        match rels.get(&rel) {
            Some(Rel::Table(si, ti)) => {
                let table = &mut schemas[*si].tables[*ti];
                // Inherited columns belong to the parent's definition.
                let local: bool = r.try_get("local")?;
                if local
                    || !table.options.contains_key("partition_of")
                        && !table.options.contains_key("inherits")
                {
                    table.columns.push(column(&r)?);
                }
            }
            Some(Rel::View(si, vi)) => schemas[*si].views[*vi].columns.push(r.try_get("name")?),
            None => {}
        }
    }

    for r in sqlx::query(queries::CONSTRAINTS)
        .bind(&oids)
        .fetch_all(&mut *conn)
        .await?
    {
        let Some(Rel::Table(si, ti)) = rels.get(&r.try_get::<i64, _>("rel")?) else {
            continue;
        };
        if !r.try_get::<bool, _>("local")? {
            continue;
        }
        let table = &mut schemas[*si].tables[*ti];
        let name: Option<String> = Some(r.try_get("name")?);
        let columns: Vec<String> = r.try_get("columns")?;
        match r.try_get::<String, _>("type")?.as_str() {
            "p" => table.primary_key = Some(PrimaryKey { name, columns }),
            "u" => table
                .unique_constraints
                .push(UniqueConstraint { name, columns }),
            "c" => table.check_constraints.push(CheckConstraint {
                name,
                expression: r
                    .try_get::<Option<String>, _>("expression")?
                    .unwrap_or_default(),
            }),
            "f" => table.foreign_keys.push(ForeignKey {
                name,
                columns,
                referenced_schema: r
                    .try_get::<Option<String>, _>("ref_schema")?
                    .unwrap_or_default(),
                referenced_table: r
                    .try_get::<Option<String>, _>("ref_table")?
                    .unwrap_or_default(),
                referenced_columns: r.try_get("ref_columns")?,
                on_delete: fk_action(&r.try_get::<String, _>("on_delete")?),
                on_update: fk_action(&r.try_get::<String, _>("on_update")?),
            }),
            _ => {}
        }
    }

    for r in sqlx::query(queries::INDEXES)
        .bind(&oids)
        .fetch_all(&mut *conn)
        .await?
    {
        let rel: i64 = r.try_get("rel")?;
        let (si, table) = match rels.get(&rel) {
            Some(Rel::Table(si, ti)) => (*si, schemas[*si].tables[*ti].name.clone()),
            Some(Rel::View(si, vi)) => (*si, schemas[*si].views[*vi].name.clone()),
            None => continue,
        };
        let index = index(&r, table)?;
        schemas[si].indexes.push(index);
    }

    for r in sqlx::query(queries::TRIGGERS)
        .bind(&oids)
        .fetch_all(&mut *conn)
        .await?
    {
        let rel: i64 = r.try_get("rel")?;
        let (si, table) = match rels.get(&rel) {
            Some(Rel::Table(si, ti)) => (*si, schemas[*si].tables[*ti].name.clone()),
            Some(Rel::View(si, vi)) => (*si, schemas[*si].views[*vi].name.clone()),
            None => continue,
        };
        let ty: i64 = r.try_get("type")?;
        schemas[si].triggers.push(Trigger {
            name: r.try_get("name")?,
            table,
            timing: if ty & 64 != 0 {
                TriggerTiming::InsteadOf
            } else if ty & 2 != 0 {
                TriggerTiming::Before
            } else {
                TriggerTiming::After
            },
            events: trigger_events(ty),
            for_each_row: ty & 1 != 0,
            when: None,
            definition: r.try_get("definition")?,
            comment: r.try_get("comment")?,
            version_hash: String::new(),
        });
    }

    for r in sqlx::query(&queries::sequences())
        .fetch_all(&mut *conn)
        .await?
    {
        let Some(si) = index_of(&schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        schemas[si].sequences.push(Sequence {
            name: r.try_get("name")?,
            data_type: r.try_get("type")?,
            start: r.try_get("start")?,
            increment: r.try_get("increment")?,
            min_value: Some(r.try_get("min")?),
            max_value: Some(r.try_get("max")?),
            cycle: r.try_get("cycle")?,
            owned_by: r.try_get("owned_by")?,
            comment: r.try_get("comment")?,
            version_hash: String::new(),
        });
    }

    for r in sqlx::query(&queries::routines())
        .fetch_all(&mut *conn)
        .await?
    {
        let Some(si) = index_of(&schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        let kind: String = r.try_get("kind")?;
        schemas[si].routines.push(Routine {
            name: r.try_get("name")?,
            kind: if kind == "p" {
                RoutineKind::Procedure
            } else {
                RoutineKind::Function
            },
            arguments: r.try_get("arguments")?,
            returns: r.try_get("returns")?,
            language: r.try_get("language")?,
            definition: r.try_get::<String, _>("definition")?.trim().to_owned(),
            comment: r.try_get("comment")?,
            version_hash: String::new(),
        });
    }

    for r in sqlx::query(&queries::enums()).fetch_all(&mut *conn).await? {
        let Some(si) = index_of(&schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        schemas[si].enums.push(EnumType {
            name: r.try_get("name")?,
            labels: r.try_get("labels")?,
            comment: r.try_get("comment")?,
            version_hash: String::new(),
        });
    }

    for r in sqlx::query(&queries::domains())
        .fetch_all(&mut *conn)
        .await?
    {
        let Some(si) = index_of(&schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        let names: Vec<String> = r.try_get("check_names")?;
        let exprs: Vec<String> = r.try_get("check_exprs")?;
        schemas[si].domains.push(Domain {
            name: r.try_get("name")?,
            data_type: r.try_get("type")?,
            not_null: r.try_get("not_null")?,
            default: r.try_get("default")?,
            collation: r.try_get("collation")?,
            checks: names
                .into_iter()
                .zip(exprs)
                .map(|(n, e)| CheckConstraint {
                    name: Some(n),
                    expression: e,
                })
                .collect(),
            comment: r.try_get("comment")?,
            version_hash: String::new(),
        });
    }

    for r in sqlx::query(&queries::extensions())
        .fetch_all(&mut *conn)
        .await?
    {
        let Some(si) = index_of(&schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        schemas[si].extensions.push(Extension {
            name: r.try_get("name")?,
        });
    }

    for r in sqlx::query(&queries::policies())
        .fetch_all(&mut *conn)
        .await?
    {
        let Some(si) = index_of(&schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        schemas[si].policies.push(Policy {
            name: r.try_get("name")?,
            table: r.try_get("tbl")?,
            permissive: r.try_get("permissive")?,
            command: r.try_get("command")?,
            roles: r
                .try_get::<Vec<String>, _>("roles")?
                .into_iter()
                .map(|role| {
                    if role == "public" {
                        "PUBLIC".to_owned()
                    } else {
                        role
                    }
                })
                .collect(),
            using: r.try_get("using_expr")?,
            with_check: r.try_get("check_expr")?,
            version_hash: String::new(),
        });
    }

    for r in sqlx::query(&queries::privileges())
        .fetch_all(&mut *conn)
        .await?
    {
        let Some(si) = index_of(&schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        let object: String = r.try_get("object")?;
        let grantee: String = r.try_get("grantee")?;
        let privilege: String = r.try_get("privilege")?;
        let list = &mut schemas[si].privileges;
        let pos = match list
            .iter()
            .position(|g| g.object == object && g.grantee == grantee)
        {
            Some(p) => p,
            None => {
                list.push(Grant {
                    object,
                    grantee,
                    ..Grant::default()
                });
                list.len() - 1
            }
        };
        if r.try_get::<bool, _>("grantable")? {
            list[pos].grantable.push(privilege.clone());
        }
        list[pos].privileges.push(privilege);
    }

    let mut snapshot = Snapshot::new(Dialect::Postgres, database);
    snapshot.schemas = schemas;
    snapshot.normalize();
    Ok(snapshot)
}

fn column(r: &PgRow) -> Result<Column, sqlx::Error> {
    let mut c = Column::new(
        r.try_get::<String, _>("name")?,
        r.try_get::<String, _>("type")?,
        r.try_get("nullable")?,
    );
    let default: Option<String> = r.try_get("default")?;
    match r.try_get::<String, _>("generated")?.as_str() {
        "s" => {
            c.generated = Some(Generated {
                expression: default.unwrap_or_default(),
                stored: true,
            })
        }
        "v" => {
            c.generated = Some(Generated {
                expression: default.unwrap_or_default(),
                stored: false,
            })
        }
        _ => c.default = default,
    }
    c.identity = match r.try_get::<String, _>("identity")?.as_str() {
        "a" => Some(Identity::Always),
        "d" => Some(Identity::ByDefault),
        _ => None,
    };
    c.collation = r.try_get("collation")?;
    c.comment = r.try_get("comment")?;
    Ok(c)
}

fn index(r: &PgRow, table: String) -> Result<Index, sqlx::Error> {
    let keys: Vec<String> = r.try_get("keys")?;
    let is_expr: Vec<String> = r.try_get("is_expr")?;
    let desc: Vec<String> = r.try_get("descending")?;
    let key_count = usize::try_from(r.try_get::<i64, _>("key_count")?).unwrap_or(0);
    let mut columns = Vec::new();
    let mut include = Vec::new();
    for (k, text) in keys.into_iter().enumerate() {
        if k >= key_count {
            include.push(unquote(&text));
            continue;
        }
        let expr = is_expr.get(k).is_some_and(|e| e == "true");
        columns.push(IndexColumn {
            key: if expr {
                IndexKey::Expression(text)
            } else {
                IndexKey::Column(unquote(&text))
            },
            descending: desc.get(k).is_some_and(|d| d == "true"),
            collation: None,
        });
    }
    let method: String = r.try_get("method")?;
    Ok(Index {
        name: r.try_get("name")?,
        table,
        unique: r.try_get("is_unique")?,
        columns,
        include,
        predicate: r.try_get("predicate")?,
        method: Some(method),
        comment: r.try_get("comment")?,
        version_hash: String::new(),
    })
}

/// `pg_get_indexdef` quotes names that need it; the model keeps them bare.
fn unquote(name: &str) -> String {
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => name.to_owned(),
    }
}

fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

fn trigger_events(ty: i64) -> Vec<TriggerEvent> {
    let mut out = Vec::new();
    if ty & 4 != 0 {
        out.push(TriggerEvent::Insert);
    }
    if ty & 8 != 0 {
        out.push(TriggerEvent::Delete);
    }
    if ty & 16 != 0 {
        out.push(TriggerEvent::Update {
            columns: Vec::new(),
        });
    }
    if ty & 32 != 0 {
        out.push(TriggerEvent::Truncate);
    }
    out
}
