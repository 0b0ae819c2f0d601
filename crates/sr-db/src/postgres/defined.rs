//! Objects kept as their definition: aggregates, collations, operators,
//! composite and range types (in schemas), casts, event triggers and
//! publications (database-wide). PostgreSQL has no `pg_get_…def` for
//! these, so each `CREATE` statement is written here from the catalog row,
//! with every name and type as the catalog prints it (`regproc`,
//! `format_type`), which quotes and qualifies what needs it.

use sqlx::{PgConnection, Row};
use sr_schema::{DefinedObject, Dependency, ObjectId, ObjectType, Schema};

use super::queries::USER_SCHEMA;

/// Not a member of an extension (the extension is listed instead) nor
/// made by the system along with another object (a range type's
/// multirange cast).
fn not_member(class: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend dx WHERE dx.classid = '{class}'::regclass \
         AND dx.objid = {oid} AND dx.deptype IN ('e', 'i'))"
    )
}

fn comment(class: &str, oid: &str) -> String {
    format!(
        "(SELECT description FROM pg_description WHERE objoid = {oid} \
         AND classoid = '{class}'::regclass AND objsubid = 0) AS comment"
    )
}

fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `"schema"."name"`: the way `format_type` and `regproc` never print a
/// name being defined, so it is quoted here.
fn qn(schema: &str, name: &str) -> String {
    format!(
        "\"{}\".\"{}\"",
        schema.replace('"', "\"\""),
        name.replace('"', "\"\"")
    )
}

fn qi(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn push(schemas: &mut [Schema], schema: &str, o: DefinedObject) {
    if let Some(s) = schemas.iter_mut().find(|s| s.name == schema) {
        s.objects.push(o);
    }
}

/// Reads the schema-scoped kinds into `schemas` and returns the
/// database-wide ones, with the dependencies the catalog keeps as
/// automatic (a publication's tables).
pub(super) async fn read(
    conn: &mut PgConnection,
    schemas: &mut [Schema],
    version: i32,
) -> Result<(Vec<DefinedObject>, Vec<Dependency>), sqlx::Error> {
    aggregates(conn, schemas).await?;
    collations(conn, schemas, version).await?;
    operators(conn, schemas).await?;
    types(conn, schemas).await?;
    let mut wide = casts(conn).await?;
    wide.extend(event_triggers(conn).await?);
    let (publications, deps) = publications(conn, version).await?;
    wide.extend(publications);
    Ok((wide, deps))
}

async fn aggregates(conn: &mut PgConnection, schemas: &mut [Schema]) -> Result<(), sqlx::Error> {
    let sql = format!(
        "SELECT n.nspname::text AS schema, p.proname::text AS name, \
                pg_get_function_identity_arguments(p.oid) AS args, \
                pg_get_function_arguments(p.oid) AS full_args, a.aggkind::text AS kind, \
                a.aggtransfn::regproc::text AS sfunc, format_type(a.aggtranstype, NULL) AS stype, \
                a.aggtransspace::int8 AS sspace, NULLIF(a.aggfinalfn, 0)::regproc::text AS finalfunc, \
                a.aggfinalextra AS finalextra, a.aggfinalmodify::text AS finalmodify, \
                NULLIF(a.aggcombinefn, 0)::regproc::text AS combinefunc, \
                NULLIF(a.aggserialfn, 0)::regproc::text AS serialfunc, \
                NULLIF(a.aggdeserialfn, 0)::regproc::text AS deserialfunc, \
                NULLIF(a.aggmtransfn, 0)::regproc::text AS msfunc, \
                NULLIF(a.aggminvtransfn, 0)::regproc::text AS minvfunc, \
                CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END AS mstype, \
                a.aggmtransspace::int8 AS msspace, NULLIF(a.aggmfinalfn, 0)::regproc::text AS mfinalfunc, \
                a.aggmfinalextra AS mfinalextra, a.aggmfinalmodify::text AS mfinalmodify, \
                a.agginitval AS initcond, a.aggminitval AS minitcond, \
                NULLIF(a.aggsortop, 0)::regoperator::text AS sortop, p.proparallel::text AS parallel, \
                {comment} \
         FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid \
         JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE {USER_SCHEMA} AND {member}",
        comment = comment("pg_proc", "p.oid"),
        member = not_member("pg_proc", "p.oid"),
    );
    for r in crate::timing::timed(sqlx::query(&sql).fetch_all(&mut *conn)).await? {
        let schema: String = r.try_get("schema")?;
        let name: String = r.try_get("name")?;
        let kind: String = r.try_get("kind")?;
        let mut parts = vec![
            format!("SFUNC = {}", r.try_get::<String, _>("sfunc")?),
            format!("STYPE = {}", r.try_get::<String, _>("stype")?),
        ];
        let opt = |c: &str| r.try_get::<Option<String>, _>(c);
        let space = |c: &str| r.try_get::<i64, _>(c);
        if space("sspace")? != 0 {
            parts.push(format!("SSPACE = {}", space("sspace")?));
        }
        // Ordered-set aggregates modify their state by default.
        let default_modify = if kind == "n" { "r" } else { "w" };
        if let Some(f) = opt("finalfunc")? {
            parts.push(format!("FINALFUNC = {f}"));
            if r.try_get::<bool, _>("finalextra")? {
                parts.push("FINALFUNC_EXTRA".into());
            }
            let m: String = r.try_get("finalmodify")?;
            if m != default_modify {
                parts.push(format!("FINALFUNC_MODIFY = {}", modify(&m)));
            }
        }
        for (col, key) in [
            ("combinefunc", "COMBINEFUNC"),
            ("serialfunc", "SERIALFUNC"),
            ("deserialfunc", "DESERIALFUNC"),
        ] {
            if let Some(f) = opt(col)? {
                parts.push(format!("{key} = {f}"));
            }
        }
        if let Some(i) = opt("initcond")? {
            parts.push(format!("INITCOND = {}", lit(&i)));
        }
        if let Some(f) = opt("msfunc")? {
            parts.push(format!("MSFUNC = {f}"));
            if let Some(inv) = opt("minvfunc")? {
                parts.push(format!("MINVFUNC = {inv}"));
            }
            if let Some(t) = opt("mstype")? {
                parts.push(format!("MSTYPE = {t}"));
            }
            if space("msspace")? != 0 {
                parts.push(format!("MSSPACE = {}", space("msspace")?));
            }
            if let Some(mf) = opt("mfinalfunc")? {
                parts.push(format!("MFINALFUNC = {mf}"));
                if r.try_get::<bool, _>("mfinalextra")? {
                    parts.push("MFINALFUNC_EXTRA".into());
                }
                let m: String = r.try_get("mfinalmodify")?;
                if m != default_modify {
                    parts.push(format!("MFINALFUNC_MODIFY = {}", modify(&m)));
                }
            }
            if let Some(i) = opt("minitcond")? {
                parts.push(format!("MINITCOND = {}", lit(&i)));
            }
        }
        if let Some(op) = opt("sortop")? {
            // `regoperator` prints `>(integer,integer)`: the name is enough.
            let name = op.split('(').next().unwrap_or_default();
            parts.push(format!("SORTOP = {name}"));
        }
        match r.try_get::<String, _>("parallel")?.as_str() {
            "s" => parts.push("PARALLEL = SAFE".into()),
            "r" => parts.push("PARALLEL = RESTRICTED".into()),
            _ => {}
        }
        if kind == "h" {
            parts.push("HYPOTHETICAL".into());
        }
        let full_args: String = r.try_get("full_args")?;
        let args = if full_args.is_empty() {
            "*".to_owned()
        } else {
            full_args
        };
        let definition = format!(
            "CREATE AGGREGATE {}({args}) (\n    {}\n)",
            qn(&schema, &name),
            parts.join(",\n    ")
        );
        let mut o = DefinedObject::new(ObjectType::Aggregate, name, definition);
        o.arguments = Some(r.try_get("args")?);
        o.comment = r.try_get("comment")?;
        push(schemas, &schema, o);
    }
    Ok(())
}

fn modify(code: &str) -> &'static str {
    match code {
        "s" => "SHAREABLE",
        "w" => "READ_WRITE",
        _ => "READ_ONLY",
    }
}

async fn collations(
    conn: &mut PgConnection,
    schemas: &mut [Schema],
    version: i32,
) -> Result<(), sqlx::Error> {
    // The ICU locale has had its own column since 15 (renamed in 17).
    let icu = match version {
        v if v >= 170_000 => "c.colllocale",
        v if v >= 150_000 => "c.colliculocale",
        _ => "c.collcollate",
    };
    let sql = format!(
        "SELECT n.nspname::text AS schema, c.collname::text AS name, c.collprovider::text AS provider, \
                c.collisdeterministic AS deterministic, c.collcollate::text AS lc_collate, \
                c.collctype::text AS lc_ctype, {icu}::text AS icu_locale, {comment} \
         FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace \
         WHERE {USER_SCHEMA} AND {member}",
        comment = comment("pg_collation", "c.oid"),
        member = not_member("pg_collation", "c.oid"),
    );
    for r in crate::timing::timed(sqlx::query(&sql).fetch_all(&mut *conn)).await? {
        let schema: String = r.try_get("schema")?;
        let name: String = r.try_get("name")?;
        let mut parts = Vec::new();
        let text = |c: &str| r.try_get::<Option<String>, _>(c);
        match r.try_get::<String, _>("provider")?.as_str() {
            "i" => {
                parts.push("provider = icu".to_owned());
                parts.push(format!(
                    "locale = {}",
                    lit(&text("icu_locale")?.unwrap_or_default())
                ));
            }
            _ => {
                parts.push(format!(
                    "lc_collate = {}",
                    lit(&text("lc_collate")?.unwrap_or_default())
                ));
                parts.push(format!(
                    "lc_ctype = {}",
                    lit(&text("lc_ctype")?.unwrap_or_default())
                ));
            }
        }
        if !r.try_get::<bool, _>("deterministic")? {
            parts.push("deterministic = false".into());
        }
        let definition = format!(
            "CREATE COLLATION {} ({})",
            qn(&schema, &name),
            parts.join(", ")
        );
        let mut o = DefinedObject::new(ObjectType::Collation, name, definition);
        o.comment = r.try_get("comment")?;
        push(schemas, &schema, o);
    }
    Ok(())
}

async fn operators(conn: &mut PgConnection, schemas: &mut [Schema]) -> Result<(), sqlx::Error> {
    let sql = format!(
        "SELECT n.nspname::text AS schema, o.oprname::text AS name, \
                CASE WHEN o.oprleft = 0 THEN 'NONE' ELSE format_type(o.oprleft, NULL) END AS lefttype, \
                CASE WHEN o.oprright = 0 THEN 'NONE' ELSE format_type(o.oprright, NULL) END AS righttype, \
                o.oprcode::regproc::text AS func, NULLIF(o.oprcom, 0)::regoper::text AS commutator, \
                NULLIF(o.oprnegate, 0)::regoper::text AS negator, \
                NULLIF(o.oprrest, 0)::regproc::text AS restrict, NULLIF(o.oprjoin, 0)::regproc::text AS join_fn, \
                o.oprcanhash AS hashes, o.oprcanmerge AS merges, {comment} \
         FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace \
         WHERE {USER_SCHEMA} AND {member}",
        comment = comment("pg_operator", "o.oid"),
        member = not_member("pg_operator", "o.oid"),
    );
    for r in crate::timing::timed(sqlx::query(&sql).fetch_all(&mut *conn)).await? {
        let schema: String = r.try_get("schema")?;
        let name: String = r.try_get("name")?;
        let left: String = r.try_get("lefttype")?;
        let right: String = r.try_get("righttype")?;
        let mut parts = vec![format!("FUNCTION = {}", r.try_get::<String, _>("func")?)];
        if left != "NONE" {
            parts.push(format!("LEFTARG = {left}"));
        }
        if right != "NONE" {
            parts.push(format!("RIGHTARG = {right}"));
        }
        let op = |c: &str| -> Result<Option<String>, sqlx::Error> {
            Ok(r.try_get::<Option<String>, _>(c)?.map(|o| {
                if o.contains('.') {
                    format!("OPERATOR({o})")
                } else {
                    o
                }
            }))
        };
        if let Some(c) = op("commutator")? {
            parts.push(format!("COMMUTATOR = {c}"));
        }
        if let Some(c) = op("negator")? {
            parts.push(format!("NEGATOR = {c}"));
        }
        for (col, key) in [("restrict", "RESTRICT"), ("join_fn", "JOIN")] {
            if let Some(f) = r.try_get::<Option<String>, _>(col)? {
                parts.push(format!("{key} = {f}"));
            }
        }
        for (col, key) in [("hashes", "HASHES"), ("merges", "MERGES")] {
            if r.try_get::<bool, _>(col)? {
                parts.push(key.into());
            }
        }
        let definition = format!(
            "CREATE OPERATOR {}.{name} ({})",
            qi(&schema),
            parts.join(", ")
        );
        let mut o = DefinedObject::new(ObjectType::Operator, name, definition);
        o.arguments = Some(format!("{left}, {right}"));
        o.comment = r.try_get("comment")?;
        push(schemas, &schema, o);
    }
    Ok(())
}

/// Composite types (`CREATE TYPE … AS (…)`) and range types.
async fn types(conn: &mut PgConnection, schemas: &mut [Schema]) -> Result<(), sqlx::Error> {
    let sql = format!(
        "SELECT n.nspname::text AS schema, t.typname::text AS name, t.typtype::text AS kind, \
                ARRAY(SELECT quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) || \
                             CASE WHEN a.attcollation <> at.typcollation \
                                  THEN ' COLLATE ' || quote_ident(co.collname) ELSE '' END \
                      FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid \
                      LEFT JOIN pg_collation co ON co.oid = a.attcollation \
                      WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped \
                      ORDER BY a.attnum)::text[] AS attributes, \
                format_type(rg.rngsubtype, NULL) AS subtype, \
                CASE WHEN NOT oc.opcdefault THEN oc.opcname::text END AS opclass, \
                CASE WHEN rg.rngcollation <> 0 AND rg.rngcollation <> st.typcollation \
                     THEN quote_ident(rc.collname) END AS collation, \
                NULLIF(rg.rngcanonical, 0)::regproc::text AS canonical, \
                NULLIF(rg.rngsubdiff, 0)::regproc::text AS subdiff, {comment} \
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
         LEFT JOIN pg_class c ON c.oid = t.typrelid \
         LEFT JOIN pg_range rg ON rg.rngtypid = t.oid \
         LEFT JOIN pg_type st ON st.oid = rg.rngsubtype \
         LEFT JOIN pg_opclass oc ON oc.oid = rg.rngsubopc \
         LEFT JOIN pg_collation rc ON rc.oid = rg.rngcollation \
         WHERE (t.typtype = 'r' OR (t.typtype = 'c' AND c.relkind = 'c')) AND {USER_SCHEMA} AND {member}",
        comment = comment("pg_type", "t.oid"),
        member = not_member("pg_type", "t.oid"),
    );
    for r in crate::timing::timed(sqlx::query(&sql).fetch_all(&mut *conn)).await? {
        let schema: String = r.try_get("schema")?;
        let name: String = r.try_get("name")?;
        let definition = if r.try_get::<String, _>("kind")? == "c" {
            let attributes: Vec<String> = r.try_get("attributes")?;
            format!(
                "CREATE TYPE {} AS ({})",
                qn(&schema, &name),
                attributes.join(", ")
            )
        } else {
            let mut parts = vec![format!("SUBTYPE = {}", r.try_get::<String, _>("subtype")?)];
            for (col, key) in [
                ("opclass", "SUBTYPE_OPCLASS"),
                ("collation", "COLLATION"),
                ("canonical", "CANONICAL"),
                ("subdiff", "SUBTYPE_DIFF"),
            ] {
                if let Some(v) = r.try_get::<Option<String>, _>(col)? {
                    parts.push(format!("{key} = {v}"));
                }
            }
            format!(
                "CREATE TYPE {} AS RANGE ({})",
                qn(&schema, &name),
                parts.join(", ")
            )
        };
        let mut o = DefinedObject::new(ObjectType::Type, name, definition);
        o.comment = r.try_get("comment")?;
        push(schemas, &schema, o);
    }
    Ok(())
}

async fn casts(conn: &mut PgConnection) -> Result<Vec<DefinedObject>, sqlx::Error> {
    let sql = format!(
        "SELECT format_type(c.castsource, NULL) AS source, format_type(c.casttarget, NULL) AS target, \
                NULLIF(c.castfunc, 0)::regprocedure::text AS func, c.castcontext::text AS context, \
                c.castmethod::text AS method, {comment} \
         FROM pg_cast c WHERE c.oid >= 16384 AND {member}",
        comment = comment("pg_cast", "c.oid"),
        member = not_member("pg_cast", "c.oid"),
    );
    let mut out = Vec::new();
    for r in crate::timing::timed(sqlx::query(&sql).fetch_all(&mut *conn)).await? {
        let name = format!(
            "{} AS {}",
            r.try_get::<String, _>("source")?,
            r.try_get::<String, _>("target")?
        );
        let how = match (
            r.try_get::<String, _>("method")?.as_str(),
            r.try_get::<Option<String>, _>("func")?,
        ) {
            ("f", Some(f)) => format!("WITH FUNCTION {f}"),
            ("i", _) => "WITH INOUT".to_owned(),
            _ => "WITHOUT FUNCTION".to_owned(),
        };
        let context = match r.try_get::<String, _>("context")?.as_str() {
            "a" => " AS ASSIGNMENT",
            "i" => " AS IMPLICIT",
            _ => "",
        };
        let definition = format!("CREATE CAST ({name}) {how}{context}");
        let mut o = DefinedObject::new(ObjectType::Cast, name, definition);
        o.comment = r.try_get("comment")?;
        out.push(o);
    }
    Ok(out)
}

async fn event_triggers(conn: &mut PgConnection) -> Result<Vec<DefinedObject>, sqlx::Error> {
    let sql = format!(
        "SELECT e.evtname::text AS name, e.evtevent::text AS event, e.evtfoid::regproc::text AS func, \
                e.evttags::text[] AS tags, {comment} \
         FROM pg_event_trigger e WHERE {member}",
        comment = comment("pg_event_trigger", "e.oid"),
        member = not_member("pg_event_trigger", "e.oid"),
    );
    let mut out = Vec::new();
    for r in crate::timing::timed(sqlx::query(&sql).fetch_all(&mut *conn)).await? {
        let name: String = r.try_get("name")?;
        let tags: Option<Vec<String>> = r.try_get("tags")?;
        let when = match tags.filter(|t| !t.is_empty()) {
            Some(t) => format!(
                " WHEN TAG IN ({})",
                t.iter().map(|x| lit(x)).collect::<Vec<_>>().join(", ")
            ),
            None => String::new(),
        };
        let definition = format!(
            "CREATE EVENT TRIGGER {} ON {}{when} EXECUTE FUNCTION {}()",
            qi(&name),
            r.try_get::<String, _>("event")?,
            r.try_get::<String, _>("func")?
        );
        let mut o = DefinedObject::new(ObjectType::EventTrigger, name, definition);
        o.comment = r.try_get("comment")?;
        out.push(o);
    }
    Ok(out)
}

async fn publications(
    conn: &mut PgConnection,
    version: i32,
) -> Result<(Vec<DefinedObject>, Vec<Dependency>), sqlx::Error> {
    // Row filters, column lists and schemas came with 15.
    let (filter, schemas) = if version >= 150_000 {
        (
            "COALESCE(' (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.o) \
                 FROM unnest(pr.prattrs) WITH ORDINALITY k(n, o) \
                 JOIN pg_attribute a ON a.attrelid = pr.prrelid AND a.attnum = k.n) || ')', '') || \
             COALESCE(' WHERE (' || pg_get_expr(pr.prqual, pr.prrelid) || ')', '')",
            "ARRAY(SELECT quote_ident(sn.nspname) FROM pg_publication_namespace pn \
                   JOIN pg_namespace sn ON sn.oid = pn.pnnspid WHERE pn.pnpubid = p.oid ORDER BY 1)::text[]",
        )
    } else {
        ("''", "ARRAY[]::text[]")
    };
    let sql = format!(
        "SELECT p.pubname::text AS name, p.puballtables AS all_tables, p.pubinsert AS ins, \
                p.pubupdate AS upd, p.pubdelete AS del, p.pubtruncate AS trunc, \
                p.pubviaroot AS via_root, \
                ARRAY(SELECT quote_ident(tn.nspname) || '.' || quote_ident(t.relname) || {filter} \
                      FROM pg_publication_rel pr JOIN pg_class t ON t.oid = pr.prrelid \
                      JOIN pg_namespace tn ON tn.oid = t.relnamespace \
                      WHERE pr.prpubid = p.oid ORDER BY 1)::text[] AS tables, \
                ARRAY(SELECT tn.nspname || '.' || t.relname \
                      FROM pg_publication_rel pr JOIN pg_class t ON t.oid = pr.prrelid \
                      JOIN pg_namespace tn ON tn.oid = t.relnamespace \
                      WHERE pr.prpubid = p.oid ORDER BY 1)::text[] AS table_names, \
                {schemas} AS schemas, {comment} \
         FROM pg_publication p",
        comment = comment("pg_publication", "p.oid"),
    );
    let mut out = Vec::new();
    let mut deps = Vec::new();
    for r in crate::timing::timed(sqlx::query(&sql).fetch_all(&mut *conn)).await? {
        let name: String = r.try_get("name")?;
        let mut what: Vec<String> = Vec::new();
        if r.try_get::<bool, _>("all_tables")? {
            what.push("ALL TABLES".into());
        }
        let tables: Vec<String> = r.try_get("tables")?;
        if !tables.is_empty() {
            what.push(format!("TABLE {}", tables.join(", ")));
        }
        let schemas: Vec<String> = r.try_get("schemas")?;
        if !schemas.is_empty() {
            what.push(format!("TABLES IN SCHEMA {}", schemas.join(", ")));
        }
        let mut definition = format!("CREATE PUBLICATION {}", qi(&name));
        if !what.is_empty() {
            definition.push_str(&format!(" FOR {}", what.join(", ")));
        }
        let mut with = Vec::new();
        let mut publish: Vec<&str> = Vec::new();
        for (col, action) in [
            ("ins", "insert"),
            ("upd", "update"),
            ("del", "delete"),
            ("trunc", "truncate"),
        ] {
            if r.try_get::<bool, _>(col)? {
                publish.push(action);
            }
        }
        if publish.len() < 4 {
            with.push(format!("publish = {}", lit(&publish.join(", "))));
        }
        if r.try_get::<bool, _>("via_root")? {
            with.push("publish_via_partition_root = true".into());
        }
        if !with.is_empty() {
            definition.push_str(&format!(" WITH ({})", with.join(", ")));
        }
        let id = ObjectId::new(ObjectType::Publication, "", &name);
        for t in r.try_get::<Vec<String>, _>("table_names")? {
            if let Some((s, n)) = t.split_once('.') {
                deps.push(Dependency {
                    object: id.clone(),
                    on: ObjectId::new(ObjectType::Table, s, n),
                });
            }
        }
        let mut o = DefinedObject::new(ObjectType::Publication, name, definition);
        o.comment = r.try_get("comment")?;
        out.push(o);
    }
    Ok((out, deps))
}
