//! Reads the connection's MySQL/MariaDB database into a normalised snapshot.

use std::collections::BTreeMap;

use sqlx::mysql::MySqlRow;
use sqlx::{MySqlConnection, MySqlPool, Row};
use sr_schema::{
    CheckConstraint, Column, Dialect, FkAction, ForeignKey, Generated, Identity, Index,
    IndexColumn, PrimaryKey, Schema, Snapshot, Table, UniqueConstraint, View,
};

use super::objects;
use crate::DbError;

pub(crate) async fn introspect(pool: &MySqlPool, url: &str) -> Result<Snapshot, DbError> {
    let fail = |doing: &'static str| {
        let url = url.to_owned();
        move |source| DbError::Query {
            url,
            doing: doing.to_owned(),
            source,
        }
    };
    let mut conn = pool.acquire().await.map_err(fail("connecting"))?;
    let snapshot = read_all(&mut conn)
        .await
        .map_err(fail("reading information_schema"))?;
    Ok(snapshot)
}

fn s(r: &MySqlRow, col: &str) -> Result<String, sqlx::Error> {
    Ok(r.try_get::<Option<String>, _>(col)?.unwrap_or_default())
}

fn opt(r: &MySqlRow, col: &str) -> Result<Option<String>, sqlx::Error> {
    Ok(r.try_get::<Option<String>, _>(col)?
        .filter(|v| !v.is_empty()))
}

async fn read_all(conn: &mut MySqlConnection) -> Result<Snapshot, sqlx::Error> {
    let db: String = sqlx::query_scalar("SELECT CAST(DATABASE() AS CHAR)")
        .fetch_one(&mut *conn)
        .await?;
    let mut schema = Schema::new(&db);
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut table_collation: BTreeMap<String, String> = BTreeMap::new();

    let rows = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS name, CAST(TABLE_TYPE AS CHAR) AS type, \
                CAST(ENGINE AS CHAR) AS engine, CAST(TABLE_COLLATION AS CHAR) AS coll, \
                CAST(TABLE_COMMENT AS CHAR) AS comment, CAST(CREATE_OPTIONS AS CHAR) AS options \
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
    )
    .bind(&db)
    .fetch_all(&mut *conn)
    .await?;
    let mut views: BTreeMap<String, View> = BTreeMap::new();
    let mut sequence_names: Vec<String> = Vec::new();
    let mut partitioned: Vec<String> = Vec::new();
    for r in &rows {
        let name = s(r, "name")?;
        if s(r, "type")? == "SEQUENCE" {
            sequence_names.push(name);
            continue;
        }
        if s(r, "type")? == "VIEW" {
            views.insert(
                name.clone(),
                View {
                    name,
                    ..View::default()
                },
            );
            continue;
        }
        let mut t = Table::new(&name);
        // MariaDB: a table that keeps its rows' history.
        if s(r, "type")? == "SYSTEM VERSIONED" {
            t.options.insert("system_versioning".into(), "true".into());
        }
        if s(r, "options")?.contains("partitioned") {
            partitioned.push(name.clone());
        }
        if let Some(e) = opt(r, "engine")? {
            t.options.insert("engine".into(), e);
        }
        if let Some(c) = opt(r, "coll")? {
            table_collation.insert(name.clone(), c.clone());
            t.options.insert("collation".into(), c);
        }
        t.comment = opt(r, "comment")?;
        tables.insert(name, t);
    }

    let rows = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS tbl, CAST(COLUMN_NAME AS CHAR) AS name, \
                CAST(COLUMN_TYPE AS CHAR) AS type, CAST(IS_NULLABLE AS CHAR) AS nullable, \
                CAST(COLUMN_DEFAULT AS CHAR) AS dflt, CAST(EXTRA AS CHAR) AS extra, \
                CAST(COLLATION_NAME AS CHAR) AS coll, CAST(COLUMN_COMMENT AS CHAR) AS comment, \
                CAST(GENERATION_EXPRESSION AS CHAR) AS gen \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? \
         ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .bind(&db)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let tbl = s(r, "tbl")?;
        if let Some(v) = views.get_mut(&tbl) {
            v.columns.push(s(r, "name")?);
            continue;
        }
        let Some(t) = tables.get_mut(&tbl) else {
            continue;
        };
        let mut c = Column::new(s(r, "name")?, s(r, "type")?, s(r, "nullable")? == "YES");
        let extra = s(r, "extra")?.to_ascii_lowercase();
        if let Some(g) = opt(r, "gen")? {
            c.generated = Some(Generated {
                expression: g,
                stored: extra.contains("stored"),
            });
        } else {
            // MariaDB reports a missing default as the text NULL.
            c.default = opt(r, "dflt")?.filter(|d| !d.eq_ignore_ascii_case("null"));
            // `ON UPDATE` has no field of its own; it rides on the default,
            // which is how the column definition spells the two together.
            if let Some(pos) = extra.find("on update ") {
                let expr = s(r, "extra")?[pos + "on update ".len()..].trim().to_owned();
                let base = c.default.take().unwrap_or_else(|| "NULL".to_owned());
                c.default = Some(format!("{base} ON UPDATE {expr}"));
            }
        }
        if extra.contains("auto_increment") {
            c.identity = Some(Identity::AutoIncrement);
        }
        c.hidden = extra.contains("invisible");
        c.collation = opt(r, "coll")?.filter(|cl| table_collation.get(&tbl) != Some(cl));
        c.comment = opt(r, "comment")?;
        t.columns.push(c);
    }

    // Partitioning has no information_schema form that restates it whole:
    // the clause comes from SHOW CREATE TABLE.
    for name in &partitioned {
        let show = format!("SHOW CREATE TABLE `{}`", name.replace('`', "``"));
        let row = sqlx::query(&show).fetch_one(&mut *conn).await?;
        let text: String = row.try_get::<String, _>(1).or_else(|_| {
            row.try_get::<Vec<u8>, _>(1)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        })?;
        if let (Some(clause), Some(t)) = (partition_clause(&text), tables.get_mut(name)) {
            t.options.insert("partition_by".into(), clause);
        }
    }

    // Indexes: the primary key, unique keys (as unique constraints) and the rest.
    let rows = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS tbl, CAST(INDEX_NAME AS CHAR) AS name, \
                CAST(NON_UNIQUE AS SIGNED) AS non_unique, CAST(COLUMN_NAME AS CHAR) AS col, \
                CAST(SUB_PART AS SIGNED) AS sub_part, CAST(COLLATION AS CHAR) AS ord, \
                CAST(INDEX_TYPE AS CHAR) AS method, CAST(INDEX_COMMENT AS CHAR) AS comment \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? \
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
    .bind(&db)
    .fetch_all(&mut *conn)
    .await?;
    let mut indexes: BTreeMap<(String, String), Index> = BTreeMap::new();
    for r in &rows {
        let tbl = s(r, "tbl")?;
        let name = s(r, "name")?;
        let col = s(r, "col")?;
        let index = indexes
            .entry((tbl.clone(), name.clone()))
            .or_insert_with(|| Index {
                name: name.clone(),
                table: tbl.clone(),
                ..Index::default()
            });
        index.unique = r.try_get::<Option<i64>, _>("non_unique")?.unwrap_or(1) == 0;
        let method = s(r, "method")?;
        index.method = (method != "BTREE" && !method.is_empty()).then_some(method);
        index.comment = opt(r, "comment")?;
        let mut ic = IndexColumn::column(col);
        if let Some(n) = r.try_get::<Option<i64>, _>("sub_part")? {
            // A prefix key; kept in the name so a change of length shows.
            if let sr_schema::IndexKey::Column(c) = &mut ic.key {
                c.push_str(&format!("({n})"));
            }
        }
        ic.descending = s(r, "ord")? == "D";
        index.columns.push(ic);
    }
    for ((tbl, name), index) in indexes {
        let Some(t) = tables.get_mut(&tbl) else {
            continue;
        };
        let plain = index.columns.iter().all(|c| {
            !c.descending && !matches!(&c.key, sr_schema::IndexKey::Column(n) if n.ends_with(')'))
        });
        let cols = || {
            index
                .columns
                .iter()
                .filter_map(|c| match &c.key {
                    sr_schema::IndexKey::Column(n) => Some(n.clone()),
                    sr_schema::IndexKey::Expression(_) => None,
                })
                .collect::<Vec<_>>()
        };
        if name == "PRIMARY" {
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns: cols(),
            });
        } else if index.unique && plain && index.method.is_none() && index.comment.is_none() {
            t.unique_constraints.push(UniqueConstraint {
                name: Some(name),
                columns: cols(),
            });
        } else {
            schema.indexes.push(index);
        }
    }

    // MariaDB names the table in CHECK_CONSTRAINTS (check names are unique
    // per table there); MySQL 8 does not, and is asked through
    // TABLE_CONSTRAINTS instead.
    let rows = match sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS tbl, CAST(CONSTRAINT_NAME AS CHAR) AS name, \
                CAST(CHECK_CLAUSE AS CHAR) AS clause \
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?",
    )
    .bind(&db)
    .fetch_all(&mut *conn)
    .await
    {
        Ok(rows) => rows,
        Err(sqlx::Error::Database(_)) => sqlx::query(
            "SELECT CAST(tc.TABLE_NAME AS CHAR) AS tbl, CAST(cc.CONSTRAINT_NAME AS CHAR) AS name, \
                        CAST(cc.CHECK_CLAUSE AS CHAR) AS clause \
                 FROM information_schema.CHECK_CONSTRAINTS cc \
                 JOIN information_schema.TABLE_CONSTRAINTS tc \
                   ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA \
                  AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK' \
                 WHERE cc.CONSTRAINT_SCHEMA = ?",
        )
        .bind(&db)
        .fetch_all(&mut *conn)
        .await?,
        Err(e) => return Err(e),
    };
    for r in &rows {
        if let Some(t) = tables.get_mut(&s(r, "tbl")?) {
            t.check_constraints.push(CheckConstraint {
                name: Some(s(r, "name")?),
                expression: s(r, "clause")?,
            });
        }
    }

    let rows = sqlx::query(
        "SELECT CAST(k.TABLE_NAME AS CHAR) AS tbl, CAST(k.CONSTRAINT_NAME AS CHAR) AS name, \
                CAST(k.COLUMN_NAME AS CHAR) AS col, CAST(k.REFERENCED_TABLE_SCHEMA AS CHAR) AS ref_schema, \
                CAST(k.REFERENCED_TABLE_NAME AS CHAR) AS ref_table, \
                CAST(k.REFERENCED_COLUMN_NAME AS CHAR) AS ref_col, \
                CAST(rc.UPDATE_RULE AS CHAR) AS on_update, CAST(rc.DELETE_RULE AS CHAR) AS on_delete \
         FROM information_schema.KEY_COLUMN_USAGE k \
         JOIN information_schema.REFERENTIAL_CONSTRAINTS rc \
           ON rc.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND rc.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
          AND rc.TABLE_NAME = k.TABLE_NAME \
         WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    )
    .bind(&db)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let Some(t) = tables.get_mut(&s(r, "tbl")?) else {
            continue;
        };
        let name = s(r, "name")?;
        let ref_schema = s(r, "ref_schema")?;
        let fk = match t
            .foreign_keys
            .iter_mut()
            .find(|f| f.name.as_deref() == Some(name.as_str()))
        {
            Some(fk) => fk,
            None => {
                t.foreign_keys.push(ForeignKey {
                    name: Some(name),
                    columns: Vec::new(),
                    // A reference into the same database is written unqualified.
                    referenced_schema: if ref_schema == db {
                        schema.name.clone()
                    } else {
                        ref_schema
                    },
                    referenced_table: s(r, "ref_table")?,
                    referenced_columns: Vec::new(),
                    on_delete: FkAction::parse(&s(r, "on_delete")?).unwrap_or_default(),
                    on_update: FkAction::parse(&s(r, "on_update")?).unwrap_or_default(),
                });
                let last = t.foreign_keys.len() - 1;
                &mut t.foreign_keys[last]
            }
        };
        fk.columns.push(s(r, "col")?);
        fk.referenced_columns.push(s(r, "ref_col")?);
    }

    let rows = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR) AS name, CAST(VIEW_DEFINITION AS CHAR) AS def, \
                CAST(CHECK_OPTION AS CHAR) AS check_option, CAST(SECURITY_TYPE AS CHAR) AS security \
         FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?",
    )
    .bind(&db)
    .fetch_all(&mut *conn)
    .await?;
    let qualifier = format!("`{}`.", db.replace('`', "``"));
    for r in &rows {
        if let Some(v) = views.get_mut(&s(r, "name")?) {
            v.definition = s(r, "def")?.replace(&qualifier, "");
            let check = s(r, "check_option")?.to_ascii_lowercase();
            if check == "local" || check == "cascaded" {
                v.options.insert("check_option".into(), check);
            }
            if s(r, "security")?.eq_ignore_ascii_case("INVOKER") {
                v.options.insert("sql_security".into(), "invoker".into());
            }
        }
    }

    objects::read_objects(&mut *conn, &db, &qualifier, &mut schema, sequence_names).await?;
    schema.tables = tables.into_values().collect();
    schema.views = views.into_values().collect();
    let mut snapshot = Snapshot::new(Dialect::MySql, &db);
    snapshot.schemas.push(schema);
    snapshot.normalize();
    Ok(snapshot)
}

/// `RANGE (...) (PARTITION ...)` from SHOW CREATE TABLE's `PARTITION BY`
/// clause (MySQL wraps it in a version comment, MariaDB does not).
fn partition_clause(create: &str) -> Option<String> {
    let at = create.find("PARTITION BY ")?;
    let clause = create[at + "PARTITION BY ".len()..].trim();
    let clause = clause.strip_suffix("*/").unwrap_or(clause).trim();
    Some(clause.split_whitespace().collect::<Vec<_>>().join(" "))
}
