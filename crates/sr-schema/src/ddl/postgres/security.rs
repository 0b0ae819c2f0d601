//! Row-level-security policies and privileges: dropped before what they
//! guard changes, created after.

use std::collections::BTreeSet;

use super::D;
use crate::ddl::MigrationScript;
use crate::ddl::common::{q, qn};
use crate::ddl::plan::{Name, Plan};
use crate::diff::{ChangeKind, Object, ObjectType};

/// Policies and privileges that go or change, on objects that stay.
pub(super) fn security_drops(
    s: &mut MigrationScript,
    plan: &Plan<'_>,
    removed_tables: &BTreeSet<Name>,
    dropped_views: &BTreeSet<Name>,
) {
    for c in plan
        .changes
        .iter()
        .filter(|c| c.change != ChangeKind::Added)
    {
        let Some(object) = &c.table else { continue };
        let owner = (c.schema.clone(), object.clone());
        if removed_tables.contains(&owner) || dropped_views.contains(&owner) {
            continue;
        }
        match (&c.before, c.object) {
            (Some(Object::Policy(p)), _) => s.push(format!(
                "DROP POLICY {} ON {}",
                q(D, &p.name),
                qn(D, &c.schema, &p.table)
            )),
            (Some(Object::Grant(g)), _) => {
                let gone = plan
                    .of(ObjectType::Sequence, ChangeKind::Removed)
                    .any(|r| r.name == g.object && r.schema == c.schema);
                if !gone {
                    s.push(format!(
                        "REVOKE ALL ON {} {} FROM {}",
                        grant_target(plan, &c.schema, &g.object),
                        qn(D, &c.schema, &g.object),
                        grantee(&g.grantee)
                    ));
                }
            }
            _ => {}
        }
    }
}

/// Policies and privileges that come or change, and the privileges of
/// views that were recreated.
pub(super) fn security_creates(
    s: &mut MigrationScript,
    plan: &Plan<'_>,
    recreated: &BTreeSet<Name>,
) {
    for c in plan.changes {
        if let Some(Object::Policy(p)) = &c.after {
            let mut sql = format!(
                "CREATE POLICY {} ON {} AS {} FOR {} TO {}",
                q(D, &p.name),
                qn(D, &c.schema, &p.table),
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
            s.push(sql);
        }
    }
    let mut grants: Vec<(String, &crate::model::Grant)> = Vec::new();
    if let Some(to) = plan.to {
        for sc in &to.schemas {
            for g in &sc.privileges {
                if recreated.contains(&(sc.name.clone(), g.object.clone())) {
                    grants.push((sc.name.clone(), g));
                }
            }
        }
    }
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
        if !plain.is_empty() {
            s.push(format!(
                "GRANT {} ON {target} TO {}",
                plain.join(", "),
                grantee(&g.grantee)
            ));
        }
        if !g.grantable.is_empty() {
            s.push(format!(
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
