//! Reads an SQLite database's `main` schema into a normalised snapshot,
//! inside one read transaction so every pragma sees the same state.

use std::collections::HashMap;

use sqlx::{Row, SqliteConnection, SqlitePool};
use sr_schema::{
    CheckConstraint, Column, Dialect, FkAction, ForeignKey, Generated, Identity, Index,
    IndexColumn, IndexKey, PrimaryKey, Schema, Snapshot, Table, Trigger, UniqueConstraint, View,
};

use super::parse::{self, ParsedTable};
use super::{MAIN, query_error};
use crate::DbError;

/// One row of `sqlite_schema`.
struct Object {
    ty: String,
    name: String,
    table: String,
    sql: String,
}

pub(crate) async fn introspect(
    pool: &SqlitePool,
    url: &str,
    database: &str,
) -> Result<Snapshot, DbError> {
    let mut tx = pool
        .begin()
        .await
        .map_err(query_error(url, "starting a read transaction"))?;
    // A virtual table's shadow tables (FTS5's `_data`, R*Tree's `_node`)
    // are its storage, made and dropped with it: not objects of their own.
    let rows = sqlx::query(
        "SELECT type, name, tbl_name, sql FROM main.sqlite_master \
         WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite!_%' ESCAPE '!' \
           AND tbl_name NOT IN (SELECT name FROM pragma_table_list WHERE type = 'shadow')",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(query_error(url, "listing the schema objects"))?;
    let objects = rows
        .iter()
        .map(|r| {
            Ok(Object {
                ty: r.try_get("type")?,
                name: r.try_get("name")?,
                table: r.try_get("tbl_name")?,
                sql: r.try_get("sql")?,
            })
        })
        .collect::<Result<Vec<Object>, sqlx::Error>>()
        .map_err(query_error(url, "reading the schema objects"))?;

    let index_sql: HashMap<&str, &str> = objects
        .iter()
        .filter(|o| o.ty == "index")
        .map(|o| (o.name.as_str(), o.sql.as_str()))
        .collect();
    let mut schema = Schema::new(MAIN);
    for o in &objects {
        match o.ty.as_str() {
            "table" => {
                let (table, indexes) = read_table(&mut tx, url, o, &index_sql).await?;
                schema.tables.push(table);
                schema.indexes.extend(indexes);
            }
            "view" => schema.views.push(read_view(&mut tx, url, o).await?),
            "trigger" => schema.triggers.push(trigger(o, url)?),
            _ => {}
        }
    }
    tx.rollback()
        .await
        .map_err(query_error(url, "ending the read transaction"))?;

    let mut snapshot = Snapshot::new(Dialect::Sqlite, database);
    snapshot.schemas.push(schema);
    snapshot.normalize();
    Ok(snapshot)
}

fn parse_error(kind: &str, name: &str, url: &str) -> impl FnOnce(String) -> DbError {
    let object = format!("{kind} {MAIN}.{name}");
    let url = url.to_owned();
    move |reason| DbError::Parse {
        object,
        url,
        reason,
    }
}

/// A table with its columns, keys and constraints, and the indexes on it.
async fn read_table(
    conn: &mut SqliteConnection,
    url: &str,
    o: &Object,
    index_sql: &HashMap<&str, &str>,
) -> Result<(Table, Vec<Index>), DbError> {
    let parsed = parse::parse_create_table(&o.sql).map_err(parse_error("table", &o.name, url))?;
    let mut table = Table::new(&o.name);
    // Takes `&'static str`: a closure over any `&str` is higher-ranked, which
    // keeps this future from being `Send` across the awaits below.
    let doing =
        |what: &'static str| query_error(url, format!("reading the {what} of table {}", o.name));

    let rows = sqlx::query(
        "SELECT name, type, \"notnull\", dflt_value, pk, hidden \
             FROM pragma_table_xinfo(?1) ORDER BY cid",
    )
    .bind(&o.name)
    .fetch_all(&mut *conn)
    .await
    .map_err(doing("columns"))?;
    let mut pk: Vec<(i64, String)> = Vec::new();
    for r in &rows {
        let c = column(r, &parsed).map_err(doing("columns"))?;
        let pk_pos: i64 = r.try_get("pk").map_err(doing("columns"))?;
        if pk_pos > 0 {
            pk.push((pk_pos, c.name.clone()));
        }
        table.columns.push(c);
    }
    pk.sort();
    if !pk.is_empty() {
        table.primary_key = Some(PrimaryKey {
            name: parsed.primary_key_name.clone(),
            columns: pk.into_iter().map(|(_, n)| n).collect(),
        });
    }
    table.check_constraints = parsed
        .checks
        .iter()
        .map(|(name, expression)| CheckConstraint {
            name: name.clone(),
            expression: expression.clone(),
        })
        .collect();
    table.foreign_keys = foreign_keys(conn, &o.name, &parsed)
        .await
        .map_err(doing("foreign keys"))?;
    if parsed.without_rowid {
        table.options.insert("without_rowid".into(), "true".into());
    }
    if parsed.strict {
        table.options.insert("strict".into(), "true".into());
    }
    if let Some(module) = &parsed.virtual_module {
        table.options.insert("virtual".into(), module.clone());
        if let Some(using) = &parsed.virtual_using {
            table.options.insert("using".into(), using.clone());
        }
    }

    let mut indexes = Vec::new();
    let list = sqlx::query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)")
        .bind(&o.name)
        .fetch_all(&mut *conn)
        .await
        .map_err(doing("indexes"))?;
    for r in &list {
        let name: String = r.try_get("name").map_err(doing("indexes"))?;
        let origin: String = r.try_get("origin").map_err(doing("indexes"))?;
        let unique: i64 = r.try_get("unique").map_err(doing("indexes"))?;
        let partial: i64 = r.try_get("partial").map_err(doing("indexes"))?;
        match origin.as_str() {
            "u" => {
                let columns: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                        .bind(&name)
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(doing("unique constraints"))?;
                let name = parsed
                    .unique_names
                    .iter()
                    .find(|(_, cols)| same_names(cols, &columns))
                    .map(|(n, _)| n.clone());
                table
                    .unique_constraints
                    .push(UniqueConstraint { name, columns });
            }
            "c" => {
                let sql = index_sql.get(name.as_str()).copied().unwrap_or_default();
                let index =
                    index(conn, url, &o.name, &name, sql, unique != 0, partial != 0).await?;
                indexes.push(index);
            }
            // "pk": the primary key's own index, already described by the key.
            _ => {}
        }
    }
    Ok((table, indexes))
}

async fn read_view(conn: &mut SqliteConnection, url: &str, o: &Object) -> Result<View, DbError> {
    let definition = parse::parse_view_query(&o.sql).map_err(parse_error("view", &o.name, url))?;
    // A view over a dropped table cannot list its columns; it is still
    // a view, so keep it without them.
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
            .bind(&o.name)
            .fetch_all(&mut *conn)
            .await
            .ok()
            .unwrap_or_default();
    Ok(View {
        name: o.name.clone(),
        columns,
        definition,
        ..View::default()
    })
}

fn column(r: &sqlx::sqlite::SqliteRow, parsed: &ParsedTable) -> Result<Column, sqlx::Error> {
    let name: String = r.try_get("name")?;
    let notnull: i64 = r.try_get("notnull")?;
    let hidden: i64 = r.try_get("hidden")?;
    let p = parsed
        .columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(&name));
    let mut c = Column::new(&name, r.try_get::<String, _>("type")?, notnull == 0);
    c.default = r.try_get("dflt_value")?;
    c.collation = p.and_then(|p| p.collation.clone());
    if p.is_some_and(|p| p.autoincrement) {
        c.identity = Some(Identity::AutoIncrement);
    }
    // hidden: 1 a hidden column of a virtual table, 2 a virtual generated
    // column, 3 a stored generated column.
    match hidden {
        1 => c.hidden = true,
        2 | 3 => {
            c.generated = Some(Generated {
                expression: p
                    .and_then(|p| p.generated.as_ref())
                    .map(|(e, _)| e.clone())
                    .unwrap_or_default(),
                stored: hidden == 3,
            });
        }
        _ => {}
    }
    Ok(c)
}

async fn foreign_keys(
    conn: &mut SqliteConnection,
    table: &str,
    parsed: &ParsedTable,
) -> Result<Vec<ForeignKey>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete \
         FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<(i64, ForeignKey, bool)> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let to: Option<String> = r.try_get("to")?;
        if out.last().is_none_or(|(last, _, _)| *last != id) {
            let fk = ForeignKey {
                name: None,
                columns: Vec::new(),
                referenced_schema: MAIN.to_owned(),
                referenced_table: r.try_get("table")?,
                referenced_columns: Vec::new(),
                on_delete: FkAction::parse(&r.try_get::<String, _>("on_delete")?)
                    .unwrap_or_default(),
                on_update: FkAction::parse(&r.try_get::<String, _>("on_update")?)
                    .unwrap_or_default(),
            };
            out.push((id, fk, false));
        }
        if let Some((_, fk, implicit)) = out.last_mut() {
            fk.columns.push(r.try_get("from")?);
            match to {
                Some(to) => fk.referenced_columns.push(to),
                None => *implicit = true,
            }
        }
    }
    let mut fks = Vec::with_capacity(out.len());
    for (_, mut fk, implicit) in out {
        if implicit {
            // `REFERENCES t` without columns means t's primary key.
            fk.referenced_columns = sqlx::query_scalar(
                "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk",
            )
            .bind(&fk.referenced_table)
            .fetch_all(&mut *conn)
            .await?;
        }
        fk.name = parsed
            .foreign_key_names
            .iter()
            .find(|(_, cols)| same_names(cols, &fk.columns))
            .map(|(n, _)| n.clone());
        fks.push(fk);
    }
    Ok(fks)
}

async fn index(
    conn: &mut SqliteConnection,
    url: &str,
    table: &str,
    name: &str,
    sql: &str,
    unique: bool,
    partial: bool,
) -> Result<Index, DbError> {
    let parsed = parse::parse_create_index(sql).map_err(parse_error("index", name, url))?;
    let rows = sqlx::query(
        "SELECT cid, name, \"desc\" FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno",
    )
    .bind(name)
    .fetch_all(&mut *conn)
    .await
    .map_err(query_error(
        url,
        format!("reading the columns of index {name}"),
    ))?;
    let mut columns = Vec::with_capacity(rows.len());
    for (k, r) in rows.iter().enumerate() {
        let read = |e| DbError::Query {
            url: url.to_owned(),
            doing: format!("reading the columns of index {name}"),
            source: e,
        };
        let cid: i64 = r.try_get("cid").map_err(read)?;
        let col_name: Option<String> = r.try_get("name").map_err(read)?;
        let desc: i64 = r.try_get("desc").map_err(read)?;
        let from_sql = parsed.columns.get(k);
        let key = match (cid, col_name) {
            // -2: an expression, whose text only the CREATE statement has.
            (-2, _) => match from_sql.map(|c| &c.key) {
                Some(IndexKey::Expression(e)) => IndexKey::Expression(e.clone()),
                _ => {
                    return Err(parse_error("index", name, url)(format!(
                        "key {} is an expression the CREATE INDEX statement does not show",
                        k + 1
                    )));
                }
            },
            (-1, _) => IndexKey::Column("rowid".into()),
            (_, Some(n)) => IndexKey::Column(n),
            (_, None) => IndexKey::Column(String::new()),
        };
        columns.push(IndexColumn {
            key,
            descending: desc != 0,
            collation: from_sql.and_then(|c| c.collation.clone()),
            opclass: None,
        });
    }
    Ok(Index {
        name: name.to_owned(),
        table: table.to_owned(),
        unique,
        columns,
        predicate: if partial { parsed.predicate } else { None },
        ..Index::default()
    })
}

fn trigger(o: &Object, url: &str) -> Result<Trigger, DbError> {
    let parsed =
        parse::parse_create_trigger(&o.sql).map_err(parse_error("trigger", &o.name, url))?;
    Ok(Trigger {
        name: o.name.clone(),
        table: o.table.clone(),
        timing: parsed.timing,
        events: vec![parsed.event],
        for_each_row: true,
        when: parsed.when,
        definition: o.sql.clone(),
        comment: None,
        version_hash: String::new(),
    })
}

fn same_names(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}
