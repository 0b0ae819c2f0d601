//! Objects kept as their definition: created by running it, dropped by
//! kind and identity, commented by the same identity.

use super::D;
use crate::ddl::common::{q, qn};
use crate::ddl::steps::rank;
use crate::diff::ObjectType;
use crate::model::DefinedObject;

/// True for the kinds kept as [`DefinedObject`]s.
pub(crate) fn is_defined(kind: ObjectType) -> bool {
    matches!(
        kind,
        ObjectType::Aggregate
            | ObjectType::Collation
            | ObjectType::Operator
            | ObjectType::Cast
            | ObjectType::Type
            | ObjectType::EventTrigger
            | ObjectType::Publication
            | ObjectType::Event
    )
}

/// The phase in which an object of `kind` is created.
pub(super) fn rank_of(kind: ObjectType) -> u16 {
    match kind {
        ObjectType::Collation => rank::COLLATION,
        ObjectType::Type => rank::TYPE,
        ObjectType::Aggregate => rank::AGGREGATE,
        ObjectType::Operator => rank::OPERATOR,
        ObjectType::Cast => rank::CAST,
        _ => rank::LAST,
    }
}

/// `KIND identity` as DROP and COMMENT ON name the object.
pub(super) fn target(schema: &str, o: &DefinedObject) -> String {
    let args = o.arguments.as_deref().unwrap_or("");
    match o.kind {
        ObjectType::Aggregate => {
            let args = if args.is_empty() { "*" } else { args };
            format!("AGGREGATE {}({args})", qn(D, schema, &o.name))
        }
        ObjectType::Collation => format!("COLLATION {}", qn(D, schema, &o.name)),
        // Operator names are symbols, never quoted.
        ObjectType::Operator => format!("OPERATOR {}.{} ({args})", q(D, schema), o.name),
        ObjectType::Cast => format!("CAST ({})", o.name),
        ObjectType::Type => format!("TYPE {}", qn(D, schema, &o.name)),
        ObjectType::EventTrigger => format!("EVENT TRIGGER {}", q(D, &o.name)),
        ObjectType::Publication => format!("PUBLICATION {}", q(D, &o.name)),
        _ => format!("{} {}", o.kind.as_str().to_ascii_uppercase(), q(D, &o.name)),
    }
}

pub(super) fn drop_defined(schema: &str, o: &DefinedObject) -> String {
    format!("DROP {}", target(schema, o))
}

pub(super) fn create_defined(o: &DefinedObject) -> String {
    o.definition
        .trim()
        .trim_end_matches(';')
        .trim_end()
        .to_owned()
}
