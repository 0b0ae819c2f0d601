//! Schema objects other than relations: sequences, routines, enums,
//! domains, extensions, policies and privileges.

use sqlx::Row;
use sr_schema::{
    CheckConstraint, Domain, EnumType, Extension, Grant, Policy, Routine, RoutineKind, Schema,
    Sequence,
};

use super::fetch::{Catalog, Query};
use super::queries;

/// The queries [`read`] takes its rows from.
pub(super) fn queries() -> Vec<Query> {
    vec![
        Query::new("sequences", queries::sequences()),
        Query::new("routines", queries::routines()),
        Query::new("enums", queries::enums()),
        Query::new("domains", queries::domains()),
        Query::new("extensions", queries::extensions()),
        Query::new("policies", queries::policies()),
        Query::new("privileges", queries::privileges()),
    ]
}

/// Reads them into the already listed `schemas`; objects in a schema that
/// is not listed (a system one) are skipped.
pub(super) fn read(cat: &mut Catalog, schemas: &mut [Schema]) -> Result<(), sqlx::Error> {
    let index_of = |schemas: &[Schema], name: &str| schemas.iter().position(|s| s.name == name);
    for r in cat.take("sequences") {
        let Some(si) = index_of(schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        schemas[si].sequences.push(Sequence {
            name: r.try_get("name")?,
            data_type: r.try_get("type")?,
            start: r.try_get("start")?,
            increment: r.try_get("increment")?,
            min_value: Some(r.try_get("min")?),
            max_value: Some(r.try_get("max")?),
            cycle: r.try_get("cycle")?,
            cache: Some(r.try_get::<i64, _>("cache")?).filter(|c| *c != 1),
            owned_by: r.try_get("owned_by")?,
            comment: r.try_get("comment")?,
            version_hash: String::new(),
        });
    }

    for r in cat.take("routines") {
        let Some(si) = index_of(schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        let kind: String = r.try_get("kind")?;
        schemas[si].routines.push(Routine {
            name: r.try_get("name")?,
            kind: if kind == "p" {
                RoutineKind::Procedure
            } else {
                RoutineKind::Function
            },
            arguments: r.try_get("arguments")?,
            returns: r.try_get("returns")?,
            language: r.try_get("language")?,
            definition: r.try_get::<String, _>("definition")?.trim().to_owned(),
            comment: r.try_get("comment")?,
            version_hash: String::new(),
        });
    }

    for r in cat.take("enums") {
        let Some(si) = index_of(schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        schemas[si].enums.push(EnumType {
            name: r.try_get("name")?,
            labels: r.try_get("labels")?,
            comment: r.try_get("comment")?,
            version_hash: String::new(),
        });
    }

    for r in cat.take("domains") {
        let Some(si) = index_of(schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        let names: Vec<String> = r.try_get("check_names")?;
        let exprs: Vec<String> = r.try_get("check_exprs")?;
        schemas[si].domains.push(Domain {
            name: r.try_get("name")?,
            data_type: r.try_get("type")?,
            not_null: r.try_get("not_null")?,
            default: r.try_get("default")?,
            collation: r.try_get("collation")?,
            checks: names
                .into_iter()
                .zip(exprs)
                .map(|(n, e)| CheckConstraint {
                    name: Some(n),
                    expression: e,
                })
                .collect(),
            comment: r.try_get("comment")?,
            version_hash: String::new(),
        });
    }

    for r in cat.take("extensions") {
        let Some(si) = index_of(schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        schemas[si].extensions.push(Extension {
            name: r.try_get("name")?,
        });
    }

    for r in cat.take("policies") {
        let Some(si) = index_of(schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        schemas[si].policies.push(Policy {
            name: r.try_get("name")?,
            table: r.try_get("tbl")?,
            permissive: r.try_get("permissive")?,
            command: r.try_get("command")?,
            roles: r
                .try_get::<Vec<String>, _>("roles")?
                .into_iter()
                .map(|role| {
                    if role == "public" {
                        "PUBLIC".to_owned()
                    } else {
                        role
                    }
                })
                .collect(),
            using: r.try_get("using_expr")?,
            with_check: r.try_get("check_expr")?,
            version_hash: String::new(),
        });
    }

    for r in cat.take("privileges") {
        let Some(si) = index_of(schemas, &r.try_get::<String, _>("schema")?) else {
            continue;
        };
        let object: String = r.try_get("object")?;
        let grantee: String = r.try_get("grantee")?;
        let privilege: String = r.try_get("privilege")?;
        let list = &mut schemas[si].privileges;
        let pos = match list
            .iter()
            .position(|g| g.object == object && g.grantee == grantee)
        {
            Some(p) => p,
            None => {
                list.push(Grant {
                    object,
                    grantee,
                    ..Grant::default()
                });
                list.len() - 1
            }
        };
        if r.try_get::<bool, _>("grantable")? {
            list[pos].grantable.push(privilege.clone());
        }
        list[pos].privileges.push(privilege);
    }
    Ok(())
}
