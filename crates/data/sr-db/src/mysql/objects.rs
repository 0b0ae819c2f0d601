//! Triggers, routines, events and MariaDB sequences.

use sqlx::mysql::MySqlRow;
use sqlx::{MySqlConnection, Row};
use sr_schema::{
    DefinedObject, ObjectType, Routine, RoutineKind, Schema, Sequence, Trigger, TriggerEvent,
    TriggerTiming,
};

fn s(r: &MySqlRow, col: &str) -> Result<String, sqlx::Error> {
    Ok(r.try_get::<Option<String>, _>(col)?.unwrap_or_default())
}

fn opt(r: &MySqlRow, col: &str) -> Result<Option<String>, sqlx::Error> {
    Ok(r.try_get::<Option<String>, _>(col)?
        .filter(|v| !v.is_empty()))
}

/// Reads them into `schema`; `qualifier` is the database name as MySQL
/// prefixes it to names in stored bodies.
pub(super) async fn read_objects(
    conn: &mut MySqlConnection,
    db: &str,
    qualifier: &str,
    schema: &mut Schema,
    sequence_names: Vec<String>,
) -> Result<(), sqlx::Error> {
    // `user@host` as DEFINER clauses print it: a definer that is whoever
    // introspects is the default of a statement they run, and is left out.
    let me: String = sqlx::query_scalar("SELECT CAST(CURRENT_USER() AS CHAR)")
        .fetch_one(&mut *conn)
        .await?;
    let me = match me.rsplit_once('@') {
        Some((u, h)) => format!("`{u}`@`{h}`"),
        None => me,
    };
    let rows = sqlx::query(
        "SELECT CAST(TRIGGER_NAME AS CHAR) AS name, CAST(EVENT_MANIPULATION AS CHAR) AS event, \
                CAST(EVENT_OBJECT_TABLE AS CHAR) AS tbl, CAST(ACTION_STATEMENT AS CHAR) AS body, \
                CAST(ACTION_TIMING AS CHAR) AS timing, CAST(DEFINER AS CHAR) AS definer \
         FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?",
    )
    .bind(db)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let (name, event, tbl, body, timing) = (
            s(r, "name")?,
            s(r, "event")?,
            s(r, "tbl")?,
            s(r, "body")?,
            s(r, "timing")?,
        );
        let definer = match s(r, "definer")?.rsplit_once('@') {
            Some((u, h)) if format!("`{u}`@`{h}`") != me => format!("DEFINER=`{u}`@`{h}` "),
            _ => String::new(),
        };
        schema.triggers.push(Trigger {
            definition: format!(
                "CREATE {definer}TRIGGER `{name}` {timing} {event} ON `{tbl}` FOR EACH ROW {}",
                body.replace(qualifier, "")
            ),
            name,
            table: tbl,
            timing: if timing == "BEFORE" {
                TriggerTiming::Before
            } else {
                TriggerTiming::After
            },
            events: vec![match event.as_str() {
                "INSERT" => TriggerEvent::Insert,
                "DELETE" => TriggerEvent::Delete,
                _ => TriggerEvent::Update {
                    columns: Vec::new(),
                },
            }],
            for_each_row: true,
            when: None,
            comment: None,
            version_hash: String::new(),
        });
    }

    let rows = sqlx::query(
        "SELECT CAST(ROUTINE_NAME AS CHAR) AS name, CAST(ROUTINE_TYPE AS CHAR) AS type, \
                CAST(DTD_IDENTIFIER AS CHAR) AS returns, CAST(ROUTINE_COMMENT AS CHAR) AS comment \
         FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?",
    )
    .bind(db)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let name = s(r, "name")?;
        let ty = s(r, "type")?;
        let show = format!("SHOW CREATE {ty} `{}`", name.replace('`', "``"));
        let row = sqlx::query(&show).fetch_one(&mut *conn).await?;
        let col = if ty == "PROCEDURE" {
            "Create Procedure"
        } else {
            "Create Function"
        };
        let raw: Option<Vec<u8>> = row.try_get(col).ok().or_else(|| {
            row.try_get::<Option<String>, _>(col)
                .ok()
                .flatten()
                .map(String::into_bytes)
        });
        let definition = strip_definer(&String::from_utf8_lossy(&raw.unwrap_or_default()), &me);
        schema.routines.push(Routine {
            arguments: arguments(&definition),
            name,
            kind: if ty == "PROCEDURE" {
                RoutineKind::Procedure
            } else {
                RoutineKind::Function
            },
            returns: opt(r, "returns")?,
            language: Some("SQL".into()),
            definition,
            comment: opt(r, "comment")?,
            version_hash: String::new(),
        });
    }

    events(conn, db, qualifier, &me, schema).await?;

    for name in sequence_names {
        // MariaDB keeps a sequence as a one-row table of its settings.
        let sql = format!(
            "SELECT CAST(start_value AS SIGNED) AS start, CAST(minimum_value AS SIGNED) AS min, \
                    CAST(maximum_value AS SIGNED) AS max, CAST(increment AS SIGNED) AS inc, \
                    CAST(cycle_option AS SIGNED) AS cycle, CAST(cache_size AS SIGNED) AS cache FROM `{}`",
            name.replace('`', "``")
        );
        let r = sqlx::query(&sql).fetch_one(&mut *conn).await?;
        schema.sequences.push(Sequence {
            name,
            data_type: None,
            start: r.try_get("start")?,
            increment: r.try_get("inc")?,
            min_value: Some(r.try_get("min")?),
            max_value: Some(r.try_get("max")?),
            cycle: r.try_get::<i64, _>("cycle")? != 0,
            // MariaDB's default cache is 1000 values.
            cache: Some(r.try_get::<i64, _>("cache")?).filter(|c| *c != 1000),
            owned_by: None,
            comment: None,
            version_hash: String::new(),
        });
    }
    Ok(())
}

/// `CREATE DEFINER=`u`@`h` FUNCTION ...` without the definer when it is
/// `me`, who would be the definer of the statement anyway; another
/// definer is part of what the routine does (with SQL SECURITY DEFINER,
/// whose rights it runs with) and stays.
fn strip_definer(sql: &str, me: &str) -> String {
    let Some(start) = sql.find("DEFINER=") else {
        return sql.trim().to_owned();
    };
    let rest = &sql[start..];
    let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    if &rest["DEFINER=".len()..end] != me {
        return sql.trim().to_owned();
    }
    format!("{}{}", &sql[..start], rest[end..].trim_start())
        .trim()
        .to_owned()
}

/// Scheduled events, as `SHOW CREATE EVENT` prints them. A start time
/// the server filled in (the moment of creation) is left out: it says when
/// the event was made, not what it does.
async fn events(
    conn: &mut MySqlConnection,
    db: &str,
    qualifier: &str,
    me: &str,
    schema: &mut Schema,
) -> Result<(), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT CAST(EVENT_NAME AS CHAR) AS name, CAST(EVENT_COMMENT AS CHAR) AS comment, \
                CAST(STARTS AS CHAR) AS starts, CAST(CREATED AS CHAR) AS created \
         FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?",
    )
    .bind(db)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let name = s(r, "name")?;
        let show = format!("SHOW CREATE EVENT `{}`", name.replace('`', "``"));
        let row = sqlx::query(&show).fetch_one(&mut *conn).await?;
        // The statement is the fourth column (its type varies by server).
        let raw: String = match row.try_get::<Option<String>, _>(3) {
            Ok(text) => text.unwrap_or_default(),
            Err(_) => String::from_utf8_lossy(&row.try_get::<Vec<u8>, _>(3)?).into_owned(),
        };
        let mut definition = strip_definer(&raw, me).replace(qualifier, "");
        let starts = s(r, "starts")?;
        if !starts.is_empty() && starts == s(r, "created")? {
            definition = definition.replace(&format!(" STARTS '{starts}'"), "");
        }
        let mut o = DefinedObject::new(ObjectType::Event, name, definition);
        o.comment = opt(r, "comment")?;
        schema.objects.push(o);
    }
    Ok(())
}

/// The parameter list: the text inside the first balanced parentheses.
fn arguments(definition: &str) -> String {
    let Some(open) = definition.find('(') else {
        return String::new();
    };
    let mut depth = 0;
    for (i, c) in definition[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return definition[open + 1..open + i].trim().to_owned();
                }
            }
            _ => {}
        }
    }
    String::new()
}
