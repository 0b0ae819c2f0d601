//! `COMMENT ON` for added objects, changed comments and objects created
//! again (which lost theirs).

use super::D;
use super::defined::target;
use crate::ddl::common::{lit, q, qn};
use crate::ddl::plan::{Closure, Found, Plan};
use crate::ddl::steps::{Node, Steps, rank};
use crate::diff::{Object, ObjectType};
use crate::model::{ObjectId, View};

pub(super) fn comment_sql(what: &str, target: &str, comment: &Option<String>) -> String {
    let value = comment.as_deref().map_or("NULL".to_owned(), lit);
    format!("COMMENT ON {what} {target} IS {value}")
}

/// One comment step, after the object is created or altered.
fn put(st: &mut Steps, id: ObjectId, sql: String) {
    st.one(rank::COMMENT, None, sql)
        .after(Node::create(id.clone()))
        .after(Node::alter(id));
}

/// Comments of added objects, changed comments, and the comments of
/// recreated views and objects. Index comments are written with the index.
pub(super) fn comments(
    st: &mut Steps,
    plan: &Plan<'_>,
    closure: &Closure,
    views_created: &[(String, &View)],
) {
    for c in plan.changes {
        let before = c.before.as_ref();
        let id = c.id();
        match &c.after {
            Some(Object::Schema { comment }) => {
                let old = match before {
                    Some(Object::Schema { comment }) => comment.clone(),
                    _ => None,
                };
                if *comment != old {
                    put(st, id, comment_sql("SCHEMA", &q(D, &c.name), comment));
                }
            }
            Some(Object::Table(t)) => {
                let old = match before {
                    Some(Object::Table(o)) => Some(o),
                    _ => None,
                };
                let name = qn(D, &c.schema, &t.name);
                if old.map_or(&None, |o| &o.comment) != &t.comment {
                    put(st, id.clone(), comment_sql("TABLE", &name, &t.comment));
                }
                for col in &t.columns {
                    let was = old
                        .and_then(|o| o.column(&col.name))
                        .and_then(|o| o.comment.clone());
                    if was != col.comment {
                        put(
                            st,
                            id.clone(),
                            comment_sql(
                                "COLUMN",
                                &format!("{name}.{}", q(D, &col.name)),
                                &col.comment,
                            ),
                        );
                    }
                }
            }
            Some(Object::Sequence(x)) => {
                let old = match before {
                    Some(Object::Sequence(o)) => o.comment.clone(),
                    _ => None,
                };
                if old != x.comment {
                    let sql = comment_sql("SEQUENCE", &qn(D, &c.schema, &x.name), &x.comment);
                    put(st, id, sql);
                }
            }
            Some(Object::Enum(x)) => {
                let old = match before {
                    Some(Object::Enum(o)) => o.comment.clone(),
                    _ => None,
                };
                if old != x.comment {
                    put(
                        st,
                        id,
                        comment_sql("TYPE", &qn(D, &c.schema, &x.name), &x.comment),
                    );
                }
            }
            Some(Object::Domain(x)) => {
                let old = match before {
                    Some(Object::Domain(o)) => o.comment.clone(),
                    _ => None,
                };
                if old != x.comment || closure.recreates(&id) {
                    let sql = comment_sql("DOMAIN", &qn(D, &c.schema, &x.name), &x.comment);
                    put(st, id, sql);
                }
            }
            Some(Object::Routine(r)) => {
                let old = match before {
                    Some(Object::Routine(o)) => o.comment.clone(),
                    _ => None,
                };
                if old != r.comment || closure.recreates(&id) && r.comment.is_some() {
                    let kind = routine_kind(c.object);
                    let target = format!("{}({})", qn(D, &c.schema, &r.name), r.arguments);
                    put(st, id, comment_sql(kind, &target, &r.comment));
                }
            }
            Some(Object::Trigger(t)) => {
                let old = match before {
                    Some(Object::Trigger(o)) => o.comment.clone(),
                    _ => None,
                };
                if old != t.comment || closure.recreates(&id) && t.comment.is_some() {
                    let target = format!("{} ON {}", q(D, &t.name), qn(D, &c.schema, &t.table));
                    put(st, id, comment_sql("TRIGGER", &target, &t.comment));
                }
            }
            Some(Object::View(v)) if !closure.recreates(&id) => {
                let old = match before {
                    Some(Object::View(o)) => o.comment.clone(),
                    _ => None,
                };
                if old != v.comment {
                    let sql = comment_sql(view_kind(v), &qn(D, &c.schema, &v.name), &v.comment);
                    put(st, id, sql);
                }
            }
            Some(Object::Index(i))
                if c.change == crate::ChangeKind::Changed && !closure.recreates(&id) =>
            {
                let sql = comment_sql("INDEX", &qn(D, &c.schema, &i.name), &i.comment);
                put(st, id, sql);
            }
            Some(Object::Defined(o)) => {
                let old = match before {
                    Some(Object::Defined(x)) => x.comment.clone(),
                    _ => None,
                };
                let remade = before.is_some() && closure.recreates(&id);
                if old != o.comment || remade && o.comment.is_some() {
                    let target = target(&c.schema, o);
                    let (what, rest) = target.split_once(' ').unwrap_or((&target, ""));
                    let what = what.to_owned() + two_word_kind(o.kind);
                    let rest = rest.strip_prefix("TRIGGER ").unwrap_or(rest);
                    put(st, id, comment_sql(&what, rest, &o.comment));
                }
            }
            _ => {}
        }
    }
    // Unchanged objects created again lost their comments.
    for id in &closure.recreated {
        if plan.changes.iter().any(|c| &c.id() == id) {
            continue;
        }
        match plan.find(true, id) {
            Some(Found::Routine(r)) if r.comment.is_some() => {
                let target = format!("{}({})", qn(D, &id.schema, &r.name), r.arguments);
                put(
                    st,
                    id.clone(),
                    comment_sql(routine_kind(id.kind), &target, &r.comment),
                );
            }
            Some(Found::Defined(o)) if o.comment.is_some() => {
                let target = target(&id.schema, o);
                let (what, rest) = target.split_once(' ').unwrap_or((&target, ""));
                let what = what.to_owned() + two_word_kind(o.kind);
                let rest = rest.strip_prefix("TRIGGER ").unwrap_or(rest);
                put(st, id.clone(), comment_sql(&what, rest, &o.comment));
            }
            _ => {}
        }
    }
    for (schema, v) in views_created {
        if v.comment.is_some() {
            let id = ObjectId::new(crate::diff::view_type(v), schema, &v.name);
            put(
                st,
                id,
                comment_sql(view_kind(v), &qn(D, schema, &v.name), &v.comment),
            );
        }
    }
}

/// `EVENT TRIGGER` is the one kind of two words split by `target`.
fn two_word_kind(kind: ObjectType) -> &'static str {
    if kind == ObjectType::EventTrigger {
        " TRIGGER"
    } else {
        ""
    }
}

fn routine_kind(t: ObjectType) -> &'static str {
    if t == ObjectType::Procedure {
        "PROCEDURE"
    } else {
        "FUNCTION"
    }
}

fn view_kind(v: &View) -> &'static str {
    if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}
