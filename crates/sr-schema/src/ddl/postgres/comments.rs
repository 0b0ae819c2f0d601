//! `COMMENT ON` for added objects and changed comments.

use super::D;
use crate::ddl::MigrationScript;
use crate::ddl::common::{lit, q, qn};
use crate::ddl::plan::Plan;
use crate::diff::{Object, ObjectType};
use crate::model::View;

pub(super) fn comment_sql(what: &str, target: &str, comment: &Option<String>) -> String {
    let value = comment.as_deref().map_or("NULL".to_owned(), lit);
    format!("COMMENT ON {what} {target} IS {value}")
}

/// Comments of added objects and changed comments. Index comments are
/// written with the index.
pub(super) fn comments(
    s: &mut MigrationScript,
    plan: &Plan<'_>,
    views_created: &[(String, &View)],
) {
    for c in plan.changes {
        let before = c.before.as_ref();
        match &c.after {
            Some(Object::Schema { comment }) => {
                let old = match before {
                    Some(Object::Schema { comment }) => comment.clone(),
                    _ => None,
                };
                if *comment != old {
                    s.push(comment_sql("SCHEMA", &q(D, &c.name), comment));
                }
            }
            Some(Object::Table(t)) => {
                let old = match before {
                    Some(Object::Table(o)) => Some(o),
                    _ => None,
                };
                let name = qn(D, &c.schema, &t.name);
                if old.map_or(&None, |o| &o.comment) != &t.comment {
                    s.push(comment_sql("TABLE", &name, &t.comment));
                }
                for col in &t.columns {
                    let was = old
                        .and_then(|o| o.column(&col.name))
                        .and_then(|o| o.comment.clone());
                    if was != col.comment {
                        s.push(comment_sql(
                            "COLUMN",
                            &format!("{name}.{}", q(D, &col.name)),
                            &col.comment,
                        ));
                    }
                }
            }
            Some(Object::Sequence(x)) => comment_if(
                s,
                "SEQUENCE",
                &qn(D, &c.schema, &x.name),
                before,
                &x.comment,
                |o| match o {
                    Object::Sequence(o) => o.comment.clone(),
                    _ => None,
                },
            ),
            Some(Object::Enum(x)) => comment_if(
                s,
                "TYPE",
                &qn(D, &c.schema, &x.name),
                before,
                &x.comment,
                |o| match o {
                    Object::Enum(o) => o.comment.clone(),
                    _ => None,
                },
            ),
            Some(Object::Domain(x)) => comment_if(
                s,
                "DOMAIN",
                &qn(D, &c.schema, &x.name),
                before,
                &x.comment,
                |o| match o {
                    Object::Domain(o) => o.comment.clone(),
                    _ => None,
                },
            ),
            Some(Object::Routine(r)) => {
                let kind = if c.object == ObjectType::Procedure {
                    "PROCEDURE"
                } else {
                    "FUNCTION"
                };
                comment_if(
                    s,
                    kind,
                    &format!("{}({})", qn(D, &c.schema, &r.name), r.arguments),
                    before,
                    &r.comment,
                    |o| match o {
                        Object::Routine(o) => o.comment.clone(),
                        _ => None,
                    },
                );
            }
            Some(Object::Trigger(t)) => comment_if(
                s,
                "TRIGGER",
                &format!("{} ON {}", q(D, &t.name), qn(D, &c.schema, &t.table)),
                before,
                &t.comment,
                |o| match o {
                    Object::Trigger(o) => o.comment.clone(),
                    _ => None,
                },
            ),
            _ => {}
        }
    }
    // Recreated views lost their comments.
    for (schema, v) in views_created {
        if v.comment.is_some() {
            let kind = if v.materialized {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            };
            s.push(comment_sql(kind, &qn(D, schema, &v.name), &v.comment));
        }
    }
}

pub(super) fn comment_if(
    s: &mut MigrationScript,
    what: &str,
    target: &str,
    before: Option<&Object>,
    now: &Option<String>,
    old: impl Fn(&Object) -> Option<String>,
) {
    if before.and_then(old) != *now {
        s.push(comment_sql(what, target, now));
    }
}
