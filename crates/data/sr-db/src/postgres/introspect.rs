//! Reads a PostgreSQL database into a normalised snapshot: every catalog
//! query first (in one snapshot, on several connections, see `fetch`),
//! then the model is built from their rows.

use std::collections::HashMap;

use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};
use sr_schema::{
    CheckConstraint, Dialect, PrimaryKey, Schema, Snapshot, Table, Trigger, TriggerTiming,
    UniqueConstraint, View,
};

use super::fetch::{Catalog, Query, fetch};
use super::rows::{ColumnNames, column, foreign_key, index, names, trigger_events, trigger_when};
use super::{defined, depend, objects, queries};
use crate::DbError;

/// Where a relation's parts go once read.
enum Rel {
    Table(usize, usize),
    View(usize, usize),
}

/// Every catalog query, the costliest first so that the connections
/// finish close together.
fn all_queries(version: i32) -> Vec<Query> {
    let mut out = vec![
        Query::new("columns", queries::columns(version)),
        Query::new("indexes", queries::indexes()),
        Query::new("relations", queries::relations()),
        Query::new("constraints", queries::constraints()),
        Query::new("dependencies", depend::query()),
        Query::new("defaults", queries::defaults()),
        Query::new("triggers", queries::triggers()),
        Query::new("schemas", queries::schemas()),
        Query::new("opclasses", queries::OPCLASSES),
    ];
    out.extend(objects::queries());
    out.extend(defined::queries(version));
    out
}

/// The look-up of the columns' type names, bound to the distinct
/// `(type, modifier)` pairs they have.
fn type_names(cat: &Catalog) -> Result<Vec<Query>, sqlx::Error> {
    let mut pairs: Vec<(i64, i64)> = Vec::new();
    for r in cat.rows("columns") {
        pairs.push((r.try_get("typid")?, r.try_get("typmod")?));
    }
    pairs.sort_unstable();
    pairs.dedup();
    let (typids, typmods): (Vec<i64>, Vec<i64>) = pairs.into_iter().unzip();
    Ok(vec![
        Query::new("type_names", queries::TYPE_NAMES)
            .bind(typids)
            .bind(typmods),
    ])
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
    let mut catalog = fetch(pool, all_queries, type_names)
        .await
        .map_err(fail("reading the catalog"))?;
    // Building the model is CPU work (a tenth of a second for 2,000
    // tables): on a blocking thread, so that the runtime goes on reading
    // other connections meanwhile (two snapshots read at once, as drift
    // check does, overlap one's build with the other's queries).
    let name = database.to_owned();
    match tokio::task::spawn_blocking(move || build(&mut catalog, &name)).await {
        Ok(built) => built.map_err(fail("reading the catalog")),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(DbError::Interrupted {
            url: url.to_owned(),
            doing: "building the snapshot".to_owned(),
        }),
    }
}

fn build(cat: &mut Catalog, database: &str) -> Result<Snapshot, sqlx::Error> {
    let mut schemas: Vec<Schema> = Vec::new();
    for r in cat.take("schemas") {
        let mut s = Schema::new(r.try_get::<String, _>("name")?);
        s.comment = r.try_get("comment")?;
        schemas.push(s);
    }
    let rels = relations(cat.take("relations"), &mut schemas)?;

    let mut types: HashMap<(i64, i64), String> = HashMap::new();
    for r in cat.take("type_names") {
        types.insert(
            (r.try_get("typid")?, r.try_get("typmod")?),
            r.try_get("name")?,
        );
    }
    let mut defaults: HashMap<(i64, i64), String> = HashMap::new();
    for r in cat.take("defaults") {
        defaults.insert((r.try_get("rel")?, r.try_get("num")?), r.try_get("expr")?);
    }
    let column_names = columns(
        cat.take("columns"),
        &rels,
        &types,
        &mut defaults,
        &mut schemas,
    )?;
    constraints(cat.take("constraints"), &rels, &column_names, &mut schemas)?;

    let mut opclasses: HashMap<i64, String> = HashMap::new();
    for r in cat.take("opclasses") {
        opclasses.insert(r.try_get("oid")?, r.try_get("name")?);
    }
    for r in cat.take("indexes") {
        let rel: i64 = r.try_get("rel")?;
        let Some((si, table)) = relation_name(&rels, rel, &schemas) else {
            continue;
        };
        let index = index(&r, table, &column_names, &opclasses)?;
        schemas[si].indexes.push(index);
    }
    triggers(cat.take("triggers"), &rels, &mut schemas)?;
    objects::read(cat, &mut schemas)?;
    let (objects, mut dependencies) = defined::read(cat, &mut schemas)?;
    dependencies.extend(depend::read(cat.take("dependencies"))?);

    let mut snapshot = Snapshot::new(Dialect::Postgres, database);
    snapshot.schemas = schemas;
    snapshot.objects = objects;
    snapshot.dependencies = Some(dependencies);
    snapshot.normalize();
    Ok(snapshot)
}

/// The schema index and name of relation `rel`.
fn relation_name(
    rels: &HashMap<i64, Rel>,
    rel: i64,
    schemas: &[Schema],
) -> Option<(usize, String)> {
    match rels.get(&rel)? {
        Rel::Table(si, ti) => Some((*si, schemas[*si].tables[*ti].name.clone())),
        Rel::View(si, vi) => Some((*si, schemas[*si].views[*vi].name.clone())),
    }
}

fn relations(rows: Vec<PgRow>, schemas: &mut [Schema]) -> Result<HashMap<i64, Rel>, sqlx::Error> {
    let index_of: HashMap<String, usize> = schemas
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), i))
        .collect();
    let mut rels: HashMap<i64, Rel> = HashMap::with_capacity(rows.len());
    for r in rows {
        let schema: &str = r.try_get("schema")?;
        let Some(&si) = index_of.get(schema) else {
            continue;
        };
        let oid: i64 = r.try_get("oid")?;
        let name: String = r.try_get("name")?;
        let kind: &str = r.try_get("kind")?;
        let comment: Option<String> = r.try_get("comment")?;
        if kind == "v" || kind == "m" {
            let def: Option<&str> = r.try_get("view_def")?;
            let reloptions: Option<Vec<String>> = r.try_get("reloptions")?;
            let options = reloptions
                .unwrap_or_default()
                .iter()
                .filter_map(|o| o.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
                .collect();
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
                options,
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
            // Storage parameters (`fillfactor=70`) as `with.fillfactor`.
            let reloptions: Option<Vec<String>> = r.try_get("reloptions")?;
            for opt in reloptions.unwrap_or_default() {
                if let Some((k, v)) = opt.split_once('=') {
                    t.options.insert(format!("with.{k}"), v.to_owned());
                }
            }
            if r.try_get::<bool, _>("rls")? {
                t.options.insert("row_level_security".into(), "true".into());
            }
            let list = &mut schemas[si].tables;
            list.push(t);
            rels.insert(oid, Rel::Table(si, list.len() - 1));
        }
    }
    Ok(rels)
}

/// Puts each column on its table or view, in ordinal order (the query
/// does not sort), and returns every column's name, kept or not (a
/// partition's), for the keys of constraints and indexes, which the
/// catalog gives as numbers.
fn columns(
    rows: Vec<PgRow>,
    rels: &HashMap<i64, Rel>,
    types: &HashMap<(i64, i64), String>,
    defaults: &mut HashMap<(i64, i64), String>,
    schemas: &mut [Schema],
) -> Result<ColumnNames, sqlx::Error> {
    let mut order: Vec<(i64, i64, usize)> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        order.push((r.try_get("rel")?, r.try_get("num")?, i));
    }
    order.sort_unstable();
    let mut column_names: ColumnNames = HashMap::with_capacity(rows.len());
    for &(rel, num, i) in &order {
        let r = &rows[i];
        column_names.insert((rel, num), r.try_get("name")?);
        match rels.get(&rel) {
            Some(Rel::Table(si, ti)) => {
                let table = &mut schemas[*si].tables[*ti];
                // A partition's columns are its parent's, and so are the
                // columns a child inherits (even one it also declared):
                // the parent's definition holds them.
                let inherited = r.try_get::<i64, _>("inherited")? > 0;
                if table.options.contains_key("partition_of") || inherited {
                    continue;
                }
                let c = column(r, types, defaults.remove(&(rel, num)))?;
                if let Some(st) = r.try_get::<Option<&str>, _>("storage")? {
                    let name = match st {
                        "p" => "plain",
                        "e" => "external",
                        "m" => "main",
                        _ => "extended",
                    };
                    table
                        .options
                        .insert(format!("storage.{}", c.name), name.to_owned());
                }
                if let Some(cm) = r.try_get::<Option<&str>, _>("compression")? {
                    let name = if cm == "l" { "lz4" } else { "pglz" };
                    table
                        .options
                        .insert(format!("compression.{}", c.name), name.to_owned());
                }
                table.columns.push(c);
            }
            Some(Rel::View(si, vi)) => schemas[*si].views[*vi].columns.push(r.try_get("name")?),
            None => {}
        }
    }
    Ok(column_names)
}

fn constraints(
    rows: Vec<PgRow>,
    rels: &HashMap<i64, Rel>,
    column_names: &ColumnNames,
    schemas: &mut [Schema],
) -> Result<(), sqlx::Error> {
    for r in rows {
        let rel: i64 = r.try_get("rel")?;
        let Some(Rel::Table(si, ti)) = rels.get(&rel) else {
            continue;
        };
        if !r.try_get::<bool, _>("local")? {
            continue;
        }
        let table = &mut schemas[*si].tables[*ti];
        let name: Option<String> = Some(r.try_get("name")?);
        let keys: Vec<i64> = r.try_get("keys")?;
        let columns: Vec<String> = names(column_names, rel, &keys);
        match r.try_get::<&str, _>("type")? {
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
            // Exclusion constraints have no model of their own: kept whole,
            // as a table option.
            "x" => {
                let def: String = r.try_get("def")?;
                table
                    .options
                    .insert(format!("exclude.{}", name.clone().unwrap_or_default()), def);
            }
            "f" if r.try_get::<bool, _>("deferrable")? => {
                let mode = if r.try_get::<bool, _>("deferred")? {
                    "initially deferred"
                } else {
                    "initially immediate"
                };
                let key = format!("deferrable.{}", name.clone().unwrap_or_default());
                table.options.insert(key, mode.to_owned());
                table
                    .foreign_keys
                    .push(foreign_key(&r, name, columns, column_names)?);
            }
            "f" => table
                .foreign_keys
                .push(foreign_key(&r, name, columns, column_names)?),
            _ => {}
        }
    }
    Ok(())
}

fn triggers(
    rows: Vec<PgRow>,
    rels: &HashMap<i64, Rel>,
    schemas: &mut [Schema],
) -> Result<(), sqlx::Error> {
    for r in rows {
        let rel: i64 = r.try_get("rel")?;
        let Some((si, table)) = relation_name(rels, rel, schemas) else {
            continue;
        };
        let ty: i64 = r.try_get("type")?;
        let definition: String = r.try_get("definition")?;
        let update_columns: Vec<String> = r.try_get("update_columns")?;
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
            events: trigger_events(ty, update_columns),
            for_each_row: ty & 1 != 0,
            when: trigger_when(&definition),
            definition,
            comment: r.try_get("comment")?,
            version_hash: String::new(),
        });
    }
    Ok(())
}
