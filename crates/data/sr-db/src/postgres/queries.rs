//! The catalog queries. Every value is cast to `text`, `bool`, `int8` or
//! `text[]`, so decoding never depends on PostgreSQL's internal types.
//! None of the per-relation queries sorts (the snapshot is put in order
//! once, in memory: sorting 20,000 wide column rows spilled to disk), and
//! the costly deparsing functions run only where their text is used (an
//! exclusion constraint's definition, an index key that is an expression);
//! key columns come as numbers, named from the columns already read.
//! (`int2vector`s and `oidvector`s are read as their text and split here:
//! as arrays they start at 0, which the driver refuses.) Each query of a
//! relation's parts selects the relations itself (`IN (SELECT …)`, which
//! the planner hashes), so that no query waits for another's rows.
//! Comments come from a join on `pg_description`, not from
//! `obj_description`/`col_description`: those are SQL functions run once
//! per row, a third of the column query's time on 20,000 columns.

/// Schemas ScratchRobin shows: not the system ones, not temporary ones.
pub(super) const USER_SCHEMA: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
     AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'";

pub(super) fn schemas() -> String {
    format!(
        "SELECT n.nspname::text AS name, obj_description(n.oid, 'pg_namespace') AS comment \
         FROM pg_namespace n WHERE {USER_SCHEMA} \
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass \
                         AND d.objid = n.oid AND d.deptype = 'e')"
    )
}

/// Tables, views, materialized views, partitioned tables and sequences.
pub(super) fn relations() -> String {
    format!(
        "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, \
                c.relkind::text AS kind, dsc.description AS comment, \
                CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS view_def, \
                CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_by, \
                CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound, \
                ARRAY(SELECT pn.nspname || '.' || p.relname FROM pg_inherits i \
                      JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace \
                      WHERE i.inhrelid = c.oid ORDER BY i.inhseqno)::text[] AS parents, \
                c.relrowsecurity AS rls, c.reloptions::text[] AS reloptions \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_description dsc ON dsc.objoid = c.oid \
              AND dsc.classoid = 'pg_class'::regclass AND dsc.objsubid = 0 \
         WHERE c.relkind IN ('r', 'p', 'v', 'm') AND {USER_SCHEMA} \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                           AND d.objid = c.oid AND d.deptype = 'e')"
    )
}

/// The relations whose parts (columns, constraints, indexes, triggers)
/// are read: tables, views and materialized views in the schemas shown.
/// Each part query selects them itself, so that none waits for another's
/// rows; the parts of a relation [`relations`] leaves out (a member of an
/// extension) are dropped when the model is built, which is cheaper than
/// asking `pg_depend` about every relation once per query.
fn user_relations() -> String {
    format!(
        "SELECT c.oid FROM pg_class c WHERE c.relkind IN ('r', 'p', 'v', 'm') \
           AND c.relnamespace IN (SELECT n.oid FROM pg_namespace n WHERE {USER_SCHEMA})"
    )
}

/// Columns; compression (14 and later) where the server has it. Their
/// defaults and type names are read by [`DEFAULTS`] and [`TYPE_NAMES`].
pub(super) fn columns(version: i32) -> String {
    let compression = if version >= 140_000 {
        "NULLIF(a.attcompression, '')::text"
    } else {
        "NULL::text"
    };
    format!(
        "SELECT a.attrelid::int8 AS rel, a.attname::text AS name, \
        a.atttypid::int8 AS typid, a.atttypmod::int8 AS typmod, NOT a.attnotnull AS nullable, \
        a.attidentity::text AS identity, a.attgenerated::text AS generated, \
        CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END AS collation, \
        dsc.description AS comment, a.attislocal AS local, a.attinhcount::int8 AS inherited, \
        a.attnum::int8 AS num, \
        CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage, \
        {compression} AS compression \
     FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
     LEFT JOIN pg_collation co ON co.oid = a.attcollation \
     LEFT JOIN pg_description dsc ON dsc.objoid = a.attrelid \
          AND dsc.classoid = 'pg_class'::regclass AND dsc.objsubid = a.attnum \
     WHERE a.attrelid IN ({rels}) AND a.attnum > 0 AND NOT a.attisdropped",
        rels = user_relations()
    )
}

/// Column defaults and generation expressions, by relation and column
/// number. A default is deparsed without its table (`pg_get_expr(…, 0)`):
/// with the table, `pg_get_expr` opens it, which on a new connection loads
/// its relation cache entry, 120 ms for 6,000 defaults on 2,000 tables; a
/// default cannot name a column, so the text is the same. A generated
/// column's expression does name columns (its stored tree holds `VAR`
/// nodes) and is deparsed with its table.
pub(super) fn defaults() -> String {
    format!(
        "SELECT ad.adrelid::int8 AS rel, ad.adnum::int8 AS num, \
                pg_get_expr(ad.adbin, CASE WHEN ad.adbin::text LIKE '%{{VAR %' \
                                           THEN ad.adrelid ELSE 0 END) AS expr \
         FROM pg_attrdef ad WHERE ad.adrelid IN ({rels})",
        rels = user_relations()
    )
}

/// Type names for the `(type oid, modifier)` pairs the columns have,
/// bound as two arrays once the columns are read: each distinct pair
/// named once rather than once for each of thousands of columns.
pub(super) const TYPE_NAMES: &str = "SELECT t.typid, t.typmod, format_type(t.typid::oid, t.typmod::int4) AS name \
     FROM unnest($1::int8[], $2::int8[]) AS t(typid, typmod)";

pub(super) fn constraints() -> String {
    format!(
        "SELECT c.conrelid::int8 AS rel, c.conname::text AS name, \
        c.contype::text AS type, \
        COALESCE(c.conkey, '{{}}')::int8[] AS keys, \
        rn.nspname::text AS ref_schema, rc.relname::text AS ref_table, c.confrelid::int8 AS ref_rel, \
        COALESCE(c.confkey, '{{}}')::int8[] AS ref_keys, \
        c.confupdtype::text AS on_update, c.confdeltype::text AS on_delete, \
        pg_get_expr(c.conbin, c.conrelid) AS expression, c.conislocal AS local, \
        CASE WHEN c.contype = 'x' THEN pg_get_constraintdef(c.oid) END AS def, \
        c.condeferrable AS deferrable, \
        c.condeferred AS deferred \
     FROM pg_constraint c \
     LEFT JOIN pg_class rc ON rc.oid = c.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace \
     WHERE c.conrelid IN ({rels}) AND c.contype IN ('p', 'u', 'c', 'f', 'x')",
        rels = user_relations()
    )
}

/// Indexes that are not the index of a primary key, unique or exclusion
/// constraint (those are described by the constraint). Keys, options and
/// operator classes come as the catalog's own text (`1 2`), split here.
pub(super) fn indexes() -> String {
    format!(
        "SELECT i.indrelid::int8 AS rel, ic.relname::text AS name, \
        i.indisunique AS is_unique, am.amname::text AS method, \
        pg_get_expr(i.indpred, i.indrelid) AS predicate, i.indnkeyatts::int8 AS key_count, \
        dsc.description AS comment, \
        i.indkey::text AS keys, i.indoption::text AS options, i.indclass::text AS classes, \
        CASE WHEN i.indexprs IS NOT NULL THEN \
             ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) \
                   FROM generate_series(1, i.indnatts) k ORDER BY k) END::text[] AS exprs \
     FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam \
     LEFT JOIN pg_description dsc ON dsc.objoid = ic.oid \
          AND dsc.classoid = 'pg_class'::regclass AND dsc.objsubid = 0 \
     WHERE i.indrelid IN ({rels}) \
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid \
                       AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) \
       AND ic.relispartition = false",
        rels = user_relations()
    )
}

/// Operator classes that are not their type's default, by oid: an index
/// key names its class only when it is one of these.
pub(super) const OPCLASSES: &str =
    "SELECT oid::int8 AS oid, opcname::text AS name FROM pg_opclass WHERE NOT opcdefault";

pub(super) fn triggers() -> String {
    format!(
        "SELECT t.tgrelid::int8 AS rel, t.tgname::text AS name, \
        pg_get_triggerdef(t.oid, true) AS definition, t.tgtype::int8 AS type, \
        obj_description(t.oid, 'pg_trigger') AS comment, \
        ARRAY(SELECT a.attname::text FROM unnest(t.tgattr) WITH ORDINALITY k(n, o) \
              JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS update_columns \
     FROM pg_trigger t WHERE t.tgrelid IN ({rels}) AND NOT t.tgisinternal AND t.tgparentid = 0 \
     ORDER BY t.tgname",
        rels = user_relations()
    )
}

pub(super) fn sequences() -> String {
    format!(
        "SELECT n.nspname::text AS schema, c.relname::text AS name, format_type(s.seqtypid, NULL) AS type, \
                s.seqstart AS start, s.seqincrement AS increment, s.seqmin AS min, s.seqmax AS max, \
                s.seqcycle AS cycle, s.seqcache AS cache, obj_description(c.oid, 'pg_class') AS comment, \
                (SELECT r.relname || '.' || a.attname FROM pg_depend d \
                   JOIN pg_class r ON r.oid = d.refobjid \
                   JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid \
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a' \
                   AND d.refclassid = 'pg_class'::regclass LIMIT 1) AS owned_by \
         FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE {USER_SCHEMA} \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                           AND d.objid = c.oid AND d.deptype IN ('e', 'i'))"
    )
}

pub(super) fn routines() -> String {
    format!(
        "SELECT n.nspname::text AS schema, p.proname::text AS name, p.prokind::text AS kind, \
                pg_get_function_identity_arguments(p.oid) AS arguments, \
                CASE WHEN p.prokind = 'f' THEN pg_get_function_result(p.oid) END AS returns, \
                l.lanname::text AS language, pg_get_functiondef(p.oid) AS definition, \
                obj_description(p.oid, 'pg_proc') AS comment \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang \
         WHERE p.prokind IN ('f', 'p') AND {USER_SCHEMA} \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass \
                           AND d.objid = p.oid AND d.deptype IN ('e', 'i'))"
    )
}

pub(super) fn enums() -> String {
    format!(
        "SELECT n.nspname::text AS schema, t.typname::text AS name, \
                ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)::text[] AS labels, \
                obj_description(t.oid, 'pg_type') AS comment \
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
         WHERE t.typtype = 'e' AND {USER_SCHEMA} \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass \
                           AND d.objid = t.oid AND d.deptype = 'e')"
    )
}

pub(super) fn domains() -> String {
    format!(
        "SELECT n.nspname::text AS schema, t.typname::text AS name, \
                format_type(t.typbasetype, t.typtypmod) AS type, t.typnotnull AS not_null, \
                t.typdefault AS default, \
                CASE WHEN t.typcollation <> b.typcollation THEN co.collname::text END AS collation, \
                obj_description(t.oid, 'pg_type') AS comment, \
                ARRAY(SELECT c.conname::text FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname)::text[] AS check_names, \
                ARRAY(SELECT pg_get_expr(c.conbin, 0) FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname)::text[] AS check_exprs \
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
         JOIN pg_type b ON b.oid = t.typbasetype \
         LEFT JOIN pg_collation co ON co.oid = t.typcollation \
         WHERE t.typtype = 'd' AND {USER_SCHEMA} \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass \
                           AND d.objid = t.oid AND d.deptype = 'e')"
    )
}

pub(super) fn extensions() -> String {
    format!(
        "SELECT n.nspname::text AS schema, e.extname::text AS name \
         FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE {USER_SCHEMA}"
    )
}

pub(super) fn policies() -> String {
    format!(
        "SELECT p.schemaname::text AS schema, p.tablename::text AS tbl, p.policyname::text AS name, \
                (p.permissive = 'PERMISSIVE') AS permissive, p.cmd::text AS command, \
                p.roles::text[] AS roles, p.qual AS using_expr, p.with_check AS check_expr \
         FROM pg_policies p JOIN pg_namespace n ON n.nspname = p.schemaname WHERE {USER_SCHEMA}"
    )
}

/// Privileges on tables, views and sequences beyond the owner's own.
pub(super) fn privileges() -> String {
    format!(
        "SELECT n.nspname::text AS schema, c.relname::text AS object, \
                CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END AS grantee, \
                a.privilege_type::text AS privilege, a.is_grantable AS grantable \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, \
              LATERAL aclexplode(c.relacl) a \
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relacl IS NOT NULL \
           AND a.grantee <> c.relowner AND {USER_SCHEMA} \
         ORDER BY 1, 2, 3, 4"
    )
}
