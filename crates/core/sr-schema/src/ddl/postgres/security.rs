//! Row-level-security policies and privileges: dropped before what they
//! guard changes, created after.

use std::collections::BTreeSet;

use super::D;
use crate::ddl::common::{q, qn};
use crate::ddl::plan::{Closure, Found, Name, Plan};
use crate::ddl::steps::{Node, Steps, rank};
use crate::diff::{ChangeKind, Object, ObjectType};
use crate::model::{ObjectId, Policy};

/// Privileges that go or change, on objects that stay. (Policies that go
/// are in the closure.)
pub(super) fn security_drops(
    st: &mut Steps,
    plan: &Plan<'_>,
    closure: &Closure,
    removed_tables: &BTreeSet<Name>,
) {
    for c in plan
        .changes
        .iter()
        .filter(|c| c.change != ChangeKind::Added)
    {
        let (Some(object), Some(Object::Grant(g))) = (&c.table, &c.before) else {
            continue;
        };
        let view_gone = [ObjectType::View, ObjectType::MaterializedView]
            .iter()
            .any(|k| closure.drops(&ObjectId::new(*k, &c.schema, object)));
        let sequence_gone = plan
            .of(ObjectType::Sequence, ChangeKind::Removed)
            .any(|r| r.name == g.object && r.schema == c.schema);
        if removed_tables.contains(&(c.schema.clone(), object.clone()))
            || view_gone
            || sequence_gone
        {
            continue;
        }
        st.one(
            rank::DROP_SECURITY,
            None,
            format!(
                "REVOKE ALL ON {} {} FROM {}",
                grant_target(plan, &c.schema, &g.object),
                qn(D, &c.schema, &g.object),
                grantee(&g.grantee)
            ),
        );
    }
}

fn create_policy(schema: &str, p: &Policy) -> String {
    let mut sql = format!(
        "CREATE POLICY {} ON {} AS {} FOR {} TO {}",
        q(D, &p.name),
        qn(D, schema, &p.table),
        if p.permissive {
            "PERMISSIVE"
        } else {
            "RESTRICTIVE"
        },
        p.command,
        p.roles
            .iter()
            .map(|r| grantee(r))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(u) = &p.using {
        sql.push_str(&format!(" USING ({u})"));
    }
    if let Some(w) = &p.with_check {
        sql.push_str(&format!(" WITH CHECK ({w})"));
    }
    sql
}

/// Policies that come, change or are recreated, and the privileges that
/// come or change and those of recreated tables and views.
pub(super) fn security_creates(
    st: &mut Steps,
    plan: &Plan<'_>,
    closure: &Closure,
    relations: &BTreeSet<Name>,
) {
    let mut policies: Vec<(ObjectId, String, &Policy)> = Vec::new();
    for c in plan.changes {
        if let Some(Object::Policy(p)) = &c.after {
            policies.push((c.id(), c.schema.clone(), p));
        }
    }
    for id in closure
        .recreated
        .iter()
        .filter(|i| i.kind == ObjectType::Policy)
    {
        if let Some(Found::Policy(p)) = plan.find(true, id)
            && !policies.iter().any(|(x, _, _)| x == id)
        {
            policies.push((id.clone(), id.schema.clone(), p));
        }
    }
    for (id, schema, p) in policies {
        st.one(
            rank::SECURITY,
            Some(Node::create(id)),
            create_policy(&schema, p),
        );
    }
    let mut grants = plan.grants_on(relations);
    for c in plan.changes {
        if let Some(Object::Grant(g)) = &c.after
            && !grants.iter().any(|(sc, x)| sc == &c.schema && x == &g)
        {
            grants.push((c.schema.clone(), g));
        }
    }
    for (schema, g) in grants {
        let target = format!(
            "{} {}",
            grant_target(plan, &schema, &g.object),
            qn(D, &schema, &g.object)
        );
        let plain: Vec<&str> = g
            .privileges
            .iter()
            .filter(|p| !g.grantable.contains(p))
            .map(String::as_str)
            .collect();
        let step = st.add(rank::SECURITY, None);
        for k in [
            ObjectType::Table,
            ObjectType::View,
            ObjectType::MaterializedView,
        ] {
            step.after(Node::create(ObjectId::new(k, &schema, &g.object)));
        }
        if !plain.is_empty() {
            step.sql(format!(
                "GRANT {} ON {target} TO {}",
                plain.join(", "),
                grantee(&g.grantee)
            ));
        }
        if !g.grantable.is_empty() {
            step.sql(format!(
                "GRANT {} ON {target} TO {} WITH GRANT OPTION",
                g.grantable.join(", "),
                grantee(&g.grantee)
            ));
        }
    }
}

/// `SEQUENCE` for sequences, `TABLE` for tables and views.
pub(super) fn grant_target(plan: &Plan<'_>, schema: &str, object: &str) -> &'static str {
    let is_seq = |snap: Option<&crate::Snapshot>| {
        snap.and_then(|x| x.schema(schema))
            .is_some_and(|sc| sc.sequences.iter().any(|q| q.name == object))
    };
    if is_seq(plan.to) || is_seq(plan.from) {
        "SEQUENCE"
    } else {
        "TABLE"
    }
}

pub(super) fn grantee(name: &str) -> String {
    if name == "PUBLIC" {
        name.to_owned()
    } else {
        q(D, name)
    }
}
