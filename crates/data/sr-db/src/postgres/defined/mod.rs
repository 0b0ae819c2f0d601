//! Objects kept as their definition: aggregates, collations, operators,
//! composite and range types (in schemas), casts, event triggers and
//! publications (database-wide). PostgreSQL has no `pg_get_…def` for
//! these, so each `CREATE` statement is written here from the catalog row,
//! with every name and type as the catalog prints it (`regproc`,
//! `format_type`), which quotes and qualifies what needs it.

use sqlx::Row;
use sr_schema::{DefinedObject, Dependency, ObjectId, ObjectType, Schema};

use super::fetch::{Catalog, Query};

mod sql;

/// The queries [`read`] takes its rows from.
pub(super) fn queries(version: i32) -> Vec<Query> {
    vec![
        Query::new("aggregates", sql::aggregates()),
        Query::new("collations", sql::collations(version)),
        Query::new("operators", sql::operators()),
        Query::new("types", sql::types()),
        Query::new("casts", sql::casts()),
        Query::new("event_triggers", sql::event_triggers()),
        Query::new("publications", sql::publications(version)),
    ]
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
pub(super) fn read(
    cat: &mut Catalog,
    schemas: &mut [Schema],
) -> Result<(Vec<DefinedObject>, Vec<Dependency>), sqlx::Error> {
    aggregates(cat, schemas)?;
    collations(cat, schemas)?;
    operators(cat, schemas)?;
    types(cat, schemas)?;
    let mut wide = casts(cat)?;
    wide.extend(event_triggers(cat)?);
    let (publications, deps) = publications(cat)?;
    wide.extend(publications);
    Ok((wide, deps))
}

fn aggregates(cat: &mut Catalog, schemas: &mut [Schema]) -> Result<(), sqlx::Error> {
    for r in cat.take("aggregates") {
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

fn collations(cat: &mut Catalog, schemas: &mut [Schema]) -> Result<(), sqlx::Error> {
    for r in cat.take("collations") {
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

fn operators(cat: &mut Catalog, schemas: &mut [Schema]) -> Result<(), sqlx::Error> {
    for r in cat.take("operators") {
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
fn types(cat: &mut Catalog, schemas: &mut [Schema]) -> Result<(), sqlx::Error> {
    for r in cat.take("types") {
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

fn casts(cat: &mut Catalog) -> Result<Vec<DefinedObject>, sqlx::Error> {
    let mut out = Vec::new();
    for r in cat.take("casts") {
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

fn event_triggers(cat: &mut Catalog) -> Result<Vec<DefinedObject>, sqlx::Error> {
    let mut out = Vec::new();
    for r in cat.take("event_triggers") {
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

fn publications(cat: &mut Catalog) -> Result<(Vec<DefinedObject>, Vec<Dependency>), sqlx::Error> {
    let mut out = Vec::new();
    let mut deps = Vec::new();
    for r in cat.take("publications") {
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
