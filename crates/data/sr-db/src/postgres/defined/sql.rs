//! The catalog queries of the kinds kept as their definition; each row
//! holds what `super` needs to write the `CREATE` statement.

use super::super::queries::USER_SCHEMA;

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

pub(super) fn aggregates() -> String {
    format!(
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
    )
}

pub(super) fn collations(version: i32) -> String {
    // The ICU locale has had its own column since 15 (renamed in 17).
    let icu = match version {
        v if v >= 170_000 => "c.colllocale",
        v if v >= 150_000 => "c.colliculocale",
        _ => "c.collcollate",
    };
    format!(
        "SELECT n.nspname::text AS schema, c.collname::text AS name, c.collprovider::text AS provider, \
                c.collisdeterministic AS deterministic, c.collcollate::text AS lc_collate, \
                c.collctype::text AS lc_ctype, {icu}::text AS icu_locale, {comment} \
         FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace \
         WHERE {USER_SCHEMA} AND {member}",
        comment = comment("pg_collation", "c.oid"),
        member = not_member("pg_collation", "c.oid"),
    )
}

pub(super) fn operators() -> String {
    format!(
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
    )
}

pub(super) fn types() -> String {
    format!(
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
    )
}

pub(super) fn casts() -> String {
    format!(
        "SELECT format_type(c.castsource, NULL) AS source, format_type(c.casttarget, NULL) AS target, \
                NULLIF(c.castfunc, 0)::regprocedure::text AS func, c.castcontext::text AS context, \
                c.castmethod::text AS method, {comment} \
         FROM pg_cast c WHERE c.oid >= 16384 AND {member}",
        comment = comment("pg_cast", "c.oid"),
        member = not_member("pg_cast", "c.oid"),
    )
}

pub(super) fn event_triggers() -> String {
    format!(
        "SELECT e.evtname::text AS name, e.evtevent::text AS event, e.evtfoid::regproc::text AS func, \
                e.evttags::text[] AS tags, {comment} \
         FROM pg_event_trigger e WHERE {member}",
        comment = comment("pg_event_trigger", "e.oid"),
        member = not_member("pg_event_trigger", "e.oid"),
    )
}

pub(super) fn publications(version: i32) -> String {
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
    format!(
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
    )
}
