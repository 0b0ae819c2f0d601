//! Dependencies from `pg_depend`: every normal dependency between two
//! objects created after initdb, each side resolved to the object the
//! snapshot knows it as.
//!
//! A view's dependencies are recorded on its rewrite rule, a column
//! default's on `pg_attrdef`, a check's on `pg_constraint`: each is
//! resolved to its table, view or domain. A row type is its table, an
//! array type its element type, a member of an extension the extension.
//! Foreign keys are left out (the renderer adds them after every table),
//! and so is whatever lives in a system schema or exists only as part of
//! another object (a range type's constructors, an identity's sequence).

use sqlx::Row;
use sqlx::postgres::PgRow;
use sr_schema::{Dependency, ObjectId, ObjectType};

use super::queries::USER_SCHEMA;

/// The object `(cls, obj)` names, as `kind, schema, name, tbl, args` and
/// the catalog row it resolved to (`mcls`, `moid`), for the extension look-up.
fn resolve(cls: &str, obj: &str) -> String {
    format!(
        "SELECT * FROM (
  SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view' WHEN 'S' THEN 'sequence'
              WHEN 'i' THEN 'index' WHEN 'I' THEN 'index' WHEN 'c' THEN 'type' ELSE 'table' END AS kind,
         n.nspname::text AS schema, c.relname::text AS name,
         (SELECT t.relname::text FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
           WHERE i.indexrelid = c.oid) AS tbl,
         NULL::text AS args, 'pg_class'::regclass::oid AS mcls, c.oid AS moid
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE {cls} = 'pg_class'::regclass AND c.oid = {obj}
  UNION ALL
  SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
         n.nspname::text, p.proname::text, NULL, pg_get_function_identity_arguments(p.oid),
         'pg_proc'::regclass::oid, p.oid
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE {cls} = 'pg_proc'::regclass AND p.oid = {obj}
  UNION ALL
  SELECT CASE WHEN t.typtype = 'e' THEN 'enum' WHEN t.typtype = 'd' THEN 'domain'
              WHEN r.relkind IN ('r', 'p', 'f') THEN 'table' WHEN r.relkind = 'v' THEN 'view'
              WHEN r.relkind = 'm' THEN 'materialized_view' ELSE 'type' END,
         n.nspname::text, COALESCE(r.relname, t.typname)::text, NULL, NULL,
         CASE WHEN r.oid IS NULL THEN 'pg_type'::regclass::oid ELSE 'pg_class'::regclass::oid END,
         COALESCE(r.oid, t.oid)
  FROM pg_type t0
  JOIN pg_type t ON t.oid = CASE WHEN t0.typcategory = 'A' AND t0.typelem <> 0 THEN t0.typelem ELSE t0.oid END
  JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_class r ON r.oid = t.typrelid
  WHERE {cls} = 'pg_type'::regclass AND t0.oid = {obj}
  UNION ALL
  SELECT CASE c.relkind WHEN 'm' THEN 'materialized_view' WHEN 'v' THEN 'view' ELSE 'table' END,
         n.nspname::text, c.relname::text, NULL, NULL, 'pg_class'::regclass::oid, c.oid
  FROM pg_rewrite w JOIN pg_class c ON c.oid = w.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE {cls} = 'pg_rewrite'::regclass AND w.oid = {obj}
  UNION ALL
  SELECT 'table', n.nspname::text, c.relname::text, NULL, NULL, 'pg_class'::regclass::oid, c.oid
  FROM pg_attrdef a JOIN pg_class c ON c.oid = a.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE {cls} = 'pg_attrdef'::regclass AND a.oid = {obj}
  UNION ALL
  SELECT CASE WHEN k.contypid <> 0 THEN 'domain' ELSE 'table' END, n.nspname::text,
         COALESCE(c.relname, t.typname)::text, NULL, NULL, 'pg_constraint'::regclass::oid, k.oid
  FROM pg_constraint k LEFT JOIN pg_class c ON c.oid = k.conrelid
  LEFT JOIN pg_type t ON t.oid = k.contypid
  JOIN pg_namespace n ON n.oid = COALESCE(c.relnamespace, t.typnamespace)
  WHERE {cls} = 'pg_constraint'::regclass AND k.oid = {obj} AND k.contype <> 'f'
  UNION ALL
  SELECT 'trigger', n.nspname::text, g.tgname::text, c.relname::text, NULL,
         'pg_trigger'::regclass::oid, g.oid
  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE {cls} = 'pg_trigger'::regclass AND g.oid = {obj}
  UNION ALL
  SELECT 'policy', n.nspname::text, p.polname::text, c.relname::text, NULL,
         'pg_policy'::regclass::oid, p.oid
  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE {cls} = 'pg_policy'::regclass AND p.oid = {obj}
  UNION ALL
  SELECT 'collation', n.nspname::text, co.collname::text, NULL, NULL,
         'pg_collation'::regclass::oid, co.oid
  FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
  WHERE {cls} = 'pg_collation'::regclass AND co.oid = {obj}
  UNION ALL
  SELECT 'operator', n.nspname::text, o.oprname::text, NULL,
         CASE WHEN o.oprleft = 0 THEN 'NONE' ELSE format_type(o.oprleft, NULL) END || ', ' ||
         CASE WHEN o.oprright = 0 THEN 'NONE' ELSE format_type(o.oprright, NULL) END,
         'pg_operator'::regclass::oid, o.oid
  FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
  WHERE {cls} = 'pg_operator'::regclass AND o.oid = {obj}
  UNION ALL
  SELECT 'cast', '', format_type(ca.castsource, NULL) || ' AS ' || format_type(ca.casttarget, NULL),
         NULL, NULL, 'pg_cast'::regclass::oid, ca.oid
  FROM pg_cast ca WHERE {cls} = 'pg_cast'::regclass AND ca.oid = {obj}
  UNION ALL
  SELECT 'event_trigger', '', e.evtname::text, NULL, NULL, 'pg_event_trigger'::regclass::oid, e.oid
  FROM pg_event_trigger e WHERE {cls} = 'pg_event_trigger'::regclass AND e.oid = {obj}
  UNION ALL
  SELECT 'schema', n.nspname::text, n.nspname::text, NULL, NULL, 'pg_namespace'::regclass::oid, n.oid
  FROM pg_namespace n WHERE {cls} = 'pg_namespace'::regclass AND n.oid = {obj}
) r"
    )
}

/// The extension `(mcls, moid)` of side `s` belongs to, if any.
fn member_of(s: &str) -> String {
    format!(
        "LEFT JOIN LATERAL (SELECT x.extname::text AS ext, xn.nspname::text AS ext_schema
           FROM pg_depend e JOIN pg_extension x ON x.oid = e.refobjid
           JOIN pg_namespace xn ON xn.oid = x.extnamespace
           WHERE e.classid = {s}.mcls AND e.objid = {s}.moid AND e.deptype = 'e' LIMIT 1) {s}x ON true"
    )
}

pub(super) fn query() -> String {
    let system = USER_SCHEMA.replace("n.nspname", "SIDE");
    format!(
        "SELECT o.kind AS o_kind, o.schema AS o_schema, o.name AS o_name, o.tbl AS o_tbl, o.args AS o_args,
                CASE WHEN rx.ext IS NULL THEN r.kind ELSE 'extension' END AS r_kind,
                COALESCE(rx.ext_schema, r.schema) AS r_schema, COALESCE(rx.ext, r.name) AS r_name,
                CASE WHEN rx.ext IS NULL THEN r.tbl END AS r_tbl,
                CASE WHEN rx.ext IS NULL THEN r.args END AS r_args
         FROM pg_depend d
         CROSS JOIN LATERAL ({o}) o
         CROSS JOIN LATERAL ({r}) r
         {ox} {rx}
         WHERE d.deptype = 'n' AND d.objid >= 16384 AND d.refobjid >= 16384
           -- A constraint's reference to a relation is a foreign key's:
           -- cheaper to leave out here than to resolve and drop.
           AND NOT (d.classid = 'pg_constraint'::regclass AND d.refclassid = 'pg_class'::regclass)
           AND ox.ext IS NULL
           AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = o.mcls AND i.objid = o.moid
                           AND i.deptype = 'i')
           AND (o.schema = '' OR {o_user})
           AND (COALESCE(rx.ext_schema, r.schema) = '' OR {r_user})",
        o = resolve("d.classid", "d.objid"),
        r = resolve("d.refclassid", "d.refobjid"),
        ox = member_of("o"),
        rx = member_of("r"),
        o_user = system.replace("SIDE", "o.schema"),
        r_user = system.replace("SIDE", "COALESCE(rx.ext_schema, r.schema)"),
    )
}

fn id(r: &PgRow, side: &str) -> Result<Option<ObjectId>, sqlx::Error> {
    let col = |c: &str| format!("{side}_{c}");
    let kind: String = r.try_get(col("kind").as_str())?;
    let Some(kind) = ObjectType::from_name(&kind) else {
        return Ok(None);
    };
    Ok(Some(ObjectId {
        kind,
        schema: r.try_get(col("schema").as_str())?,
        name: r.try_get(col("name").as_str())?,
        table: r.try_get(col("tbl").as_str())?,
        arguments: r.try_get(col("args").as_str())?,
    }))
}

/// Every dependency between user objects, resolved, from the rows of
/// [`query`].
pub(super) fn read(rows: Vec<PgRow>) -> Result<Vec<Dependency>, sqlx::Error> {
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        if let (Some(object), Some(on)) = (id(r, "o")?, id(r, "r")?)
            && object != on
        {
            out.push(Dependency { object, on });
        }
    }
    Ok(out)
}
