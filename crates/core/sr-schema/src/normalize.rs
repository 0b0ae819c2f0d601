//! Canonical form: the order every list is kept in, the whitespace-blind
//! form of SQL text, and the per-object version hashes computed over both.
//!
//! Two snapshots of the same database taken at different times, or of two
//! databases built from the same DDL, normalise to equal values and equal
//! JSON bytes. A version hash changes when, and only when, something a
//! migration would have to change does; reformatting a view's SQL or
//! editing a comment inside it does not count.

use sr_model::content_hash;

use crate::model::{
    DefinedObject, Domain, EnumType, Index, IndexKey, Policy, Routine, Sequence, Snapshot, Table,
    Trigger, View,
};

impl Snapshot {
    /// Sorts every list into canonical order and fills in every object's
    /// `version_hash`. Idempotent.
    pub fn normalize(&mut self) {
        self.sort();
        for o in &mut self.objects {
            o.version_hash = o.definition_hash();
        }
        for schema in &mut self.schemas {
            for p in &mut schema.policies {
                p.version_hash = p.definition_hash();
            }
            for t in &mut schema.tables {
                t.version_hash = t.definition_hash();
            }
            for v in &mut schema.views {
                v.version_hash = v.definition_hash();
            }
            for i in &mut schema.indexes {
                i.version_hash = i.definition_hash();
            }
            for t in &mut schema.triggers {
                t.version_hash = t.definition_hash();
            }
            for s in &mut schema.sequences {
                s.version_hash = s.definition_hash();
            }
            for r in &mut schema.routines {
                r.version_hash = r.definition_hash();
            }
            for e in &mut schema.enums {
                e.version_hash = e.definition_hash();
            }
            for d in &mut schema.domains {
                d.version_hash = d.definition_hash();
            }
            for o in &mut schema.objects {
                o.version_hash = o.definition_hash();
            }
        }
    }

    /// Puts every list in canonical order, leaving version hashes as they
    /// are: what a diff needs (it compares definitions, not hashes), at a
    /// fraction of the cost of hashing every object again.
    pub(crate) fn sort(&mut self) {
        self.schemas.sort_by(|a, b| a.name.cmp(&b.name));
        sort_defined(&mut self.objects);
        if let Some(deps) = &mut self.dependencies {
            deps.sort();
            deps.dedup();
        }
        for schema in &mut self.schemas {
            schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
            schema.views.sort_by(|a, b| a.name.cmp(&b.name));
            schema
                .indexes
                .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
            schema
                .triggers
                .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
            schema.sequences.sort_by(|a, b| a.name.cmp(&b.name));
            schema.enums.sort_by(|a, b| a.name.cmp(&b.name));
            schema.domains.sort_by(|a, b| a.name.cmp(&b.name));
            schema.extensions.sort_by(|a, b| a.name.cmp(&b.name));
            schema
                .policies
                .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
            schema
                .privileges
                .sort_by(|a, b| (&a.object, &a.grantee).cmp(&(&b.object, &b.grantee)));
            for g in &mut schema.privileges {
                g.privileges.sort();
                g.grantable.sort();
            }
            for p in &mut schema.policies {
                p.roles.sort();
            }
            schema.routines.sort_by(|a, b| {
                (&a.name, &a.arguments, a.kind).cmp(&(&b.name, &b.arguments, b.kind))
            });
            sort_defined(&mut schema.objects);
            for t in &mut schema.tables {
                sort_table_parts(t);
            }
            for t in &mut schema.triggers {
                t.events.sort();
            }
            for d in &mut schema.domains {
                d.checks
                    .sort_by_cached_key(|c| (c.name.clone(), normalize_sql(&c.expression)));
            }
        }
    }

    /// The snapshot in canonical form.
    pub fn normalized(mut self) -> Self {
        self.normalize();
        self
    }
}

fn sort_defined(list: &mut [DefinedObject]) {
    list.sort_by(|a, b| (a.kind, &a.name, &a.arguments).cmp(&(b.kind, &b.name, &b.arguments)));
}

fn sort_table_parts(t: &mut Table) {
    t.unique_constraints
        .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
    t.check_constraints
        .sort_by_cached_key(|c| (c.name.clone(), normalize_sql(&c.expression)));
    t.foreign_keys.sort_by(|a, b| {
        (
            &a.name,
            &a.columns,
            &a.referenced_schema,
            &a.referenced_table,
        )
            .cmp(&(
                &b.name,
                &b.columns,
                &b.referenced_schema,
                &b.referenced_table,
            ))
    });
}

fn normalize_opt(s: &mut Option<String>) {
    if let Some(text) = s {
        *text = normalize_sql(text);
    }
}

impl Table {
    /// Hash of the table's normalised definition: columns in order, keys,
    /// constraints, options and comment. Indexes and triggers have their own.
    pub fn definition_hash(&self) -> String {
        let mut t = self.clone();
        t.version_hash.clear();
        sort_table_parts(&mut t);
        for c in &mut t.columns {
            normalize_opt(&mut c.default);
            if let Some(g) = &mut c.generated {
                g.expression = normalize_sql(&g.expression);
            }
        }
        for c in &mut t.check_constraints {
            c.expression = normalize_sql(&c.expression);
        }
        content_hash(&t)
    }
}

impl View {
    pub fn definition_hash(&self) -> String {
        let mut v = self.clone();
        v.version_hash.clear();
        v.definition = normalize_sql(&v.definition);
        content_hash(&v)
    }
}

impl Index {
    pub fn definition_hash(&self) -> String {
        let mut i = self.clone();
        i.version_hash.clear();
        normalize_opt(&mut i.predicate);
        for c in &mut i.columns {
            if let IndexKey::Expression(e) = &mut c.key {
                *e = strip_outer_parens(&normalize_sql(e)).to_owned();
            }
        }
        content_hash(&i)
    }
}

impl Trigger {
    pub fn definition_hash(&self) -> String {
        let mut t = self.clone();
        t.version_hash.clear();
        t.events.sort();
        normalize_opt(&mut t.when);
        t.definition = normalize_sql(&t.definition);
        content_hash(&t)
    }
}

impl Sequence {
    pub fn definition_hash(&self) -> String {
        let mut s = self.clone();
        s.version_hash.clear();
        content_hash(&s)
    }
}

impl Routine {
    pub fn definition_hash(&self) -> String {
        let mut r = self.clone();
        r.version_hash.clear();
        r.definition = normalize_sql(&r.definition);
        content_hash(&r)
    }
}

impl Policy {
    pub fn definition_hash(&self) -> String {
        let mut p = self.clone();
        p.version_hash.clear();
        p.roles.sort();
        normalize_opt(&mut p.using);
        normalize_opt(&mut p.with_check);
        content_hash(&p)
    }
}

impl EnumType {
    pub fn definition_hash(&self) -> String {
        let mut e = self.clone();
        e.version_hash.clear();
        content_hash(&e)
    }
}

impl DefinedObject {
    pub fn definition_hash(&self) -> String {
        let mut o = self.clone();
        o.version_hash.clear();
        o.definition = normalize_sql(&o.definition);
        content_hash(&o)
    }
}

impl Domain {
    pub fn definition_hash(&self) -> String {
        let mut d = self.clone();
        d.version_hash.clear();
        normalize_opt(&mut d.default);
        for c in &mut d.checks {
            c.expression = normalize_sql(&c.expression);
        }
        content_hash(&d)
    }
}

/// SQL text with comments removed and whitespace made canonical: runs of
/// whitespace become one space, none is kept next to `(`, `)`, `,` or `;`,
/// and a trailing `;` is dropped. Quoted strings and identifiers ('…', "…",
/// `…`, […]) are kept byte for byte. Case is kept: identifiers are
/// case-sensitive in some dialects.
pub fn normalize_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                pending_space = true;
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = '\0';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            '\'' | '"' | '`' | '[' => {
                push_token_start(&mut out, c, &mut pending_space);
                out.push(c);
                let close = if c == '[' { ']' } else { c };
                for n in chars.by_ref() {
                    out.push(n);
                    if n == close {
                        break;
                    }
                }
            }
            c => {
                push_token_start(&mut out, c, &mut pending_space);
                out.push(c);
            }
        }
    }
    while out.ends_with(';') {
        out.pop();
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
    }
    out
}

/// `sql` without parentheses that wrap all of it: `((a + b))` is `a + b`,
/// `(a) + (b)` stays.
pub(crate) fn strip_outer_parens(sql: &str) -> &str {
    let mut s = sql.trim();
    while s.starts_with('(') && s.ends_with(')') {
        let inner = &s[1..s.len() - 1];
        let mut depth = 0i32;
        let balanced = inner.chars().all(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth >= 0
        });
        if !balanced || depth != 0 {
            break;
        }
        s = inner.trim();
    }
    s
}

fn push_token_start(out: &mut String, c: char, pending_space: &mut bool) {
    let tight = |c: char| matches!(c, '(' | ')' | ',' | ';');
    if *pending_space {
        if let Some(prev) = out.chars().last()
            && !tight(prev)
            && !tight(c)
        {
            out.push(' ');
        }
        *pending_space = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(normalize_sql(input), expected, "{input:?}");
    }

    #[test]
    fn sql_normalisation() {
        check("  SELECT  a,\n\tb  FROM t ;", "SELECT a,b FROM t");
        check("lower( email )", "lower(email)");
        check("x IN ('a',  'b')", "x IN('a','b')");
        check(
            "SELECT 'two  spaces', \"odd  name\"",
            "SELECT 'two  spaces',\"odd  name\"",
        );
        check("SELECT 'it''s  x'", "SELECT 'it''s  x'");
        check("SELECT a -- the key\nFROM t", "SELECT a FROM t");
        check("SELECT /* why */ a FROM [my  t]", "SELECT a FROM [my  t]");
        check("a>=b", "a>=b");
        check("a >= b", "a >= b");
        check(";;", "");
        assert_eq!(strip_outer_parens("((lower(a)))"), "lower(a)");
        assert_eq!(strip_outer_parens("(a) + (b)"), "(a) + (b)");
        check("", "");
    }

    #[test]
    fn reformatting_does_not_change_a_view_hash() {
        let v = |definition: &str| View {
            name: "v".into(),
            definition: definition.into(),
            ..View::default()
        };
        let a = v("SELECT a, b FROM t WHERE x IN (1, 2)");
        let b = v("SELECT a,\n       b\n  FROM t -- all\n WHERE x IN (1,2)");
        let c = v("SELECT a, c FROM t WHERE x IN (1, 2)");
        assert_eq!(a.definition_hash(), b.definition_hash());
        assert_ne!(a.definition_hash(), c.definition_hash());
    }
}
