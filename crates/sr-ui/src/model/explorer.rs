//! The explorer's rows for one connection, computed from its snapshot and
//! the filter: schemas, then one group per object kind, then the objects.
//!
//! Built once per snapshot or filter change and kept, so drawing a schema of
//! a thousand tables allocates nothing per frame.

use sr_model::{ObjectKind, ObjectRef};
use sr_schema::Snapshot;

use super::object::{object_ref, routine_kind, view_kind};

/// The groups under a schema, in the order the explorer shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    Tables,
    Views,
    Routines,
    Triggers,
    Indexes,
    Sequences,
}

impl GroupKind {
    pub const ALL: [GroupKind; 6] = [
        GroupKind::Tables,
        GroupKind::Views,
        GroupKind::Routines,
        GroupKind::Triggers,
        GroupKind::Indexes,
        GroupKind::Sequences,
    ];

    pub fn label(self) -> &'static str {
        match self {
            GroupKind::Tables => "Tables",
            GroupKind::Views => "Views",
            GroupKind::Routines => "Procedures & functions",
            GroupKind::Triggers => "Triggers",
            GroupKind::Indexes => "Indexes",
            GroupKind::Sequences => "Sequences",
        }
    }
}

/// One object row.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplorerItem {
    pub object: ObjectRef,
    /// `ObjectRef::key()`, kept to look badges up without allocating.
    pub key: String,
    /// The table an index or trigger belongs to.
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExplorerGroup {
    pub kind: GroupKind,
    /// How many objects of this kind the schema has, filter or not.
    pub total: usize,
    /// The objects that pass the filter.
    pub items: Vec<ExplorerItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExplorerSchema {
    pub name: String,
    /// Only groups with at least one object in the schema.
    pub groups: Vec<ExplorerGroup>,
}

impl ExplorerSchema {
    /// Objects that pass the filter, over every group.
    pub fn shown(&self) -> usize {
        self.groups.iter().map(|g| g.items.len()).sum()
    }

    pub fn total(&self) -> usize {
        self.groups.iter().map(|g| g.total).sum()
    }
}

/// Whether `name` passes `filter`: a case-insensitive substring; an empty
/// filter passes everything.
pub fn matches(name: &str, filter: &str) -> bool {
    let filter = filter.trim();
    filter.is_empty() || name.to_lowercase().contains(&filter.to_lowercase())
}

/// The explorer rows of `connection` for `snapshot` under `filter`.
pub fn explorer_tree(connection: &str, snapshot: &Snapshot, filter: &str) -> Vec<ExplorerSchema> {
    snapshot
        .schemas
        .iter()
        .map(|schema| {
            let make = |kind: ObjectKind, name: &str, hash: &str, parent: Option<&str>| {
                let object = object_ref(connection, snapshot, &schema.name, kind, name, hash);
                ExplorerItem {
                    key: object.key(),
                    object,
                    parent: parent.map(str::to_owned),
                }
            };
            let groups = GroupKind::ALL
                .into_iter()
                .filter_map(|group| {
                    let all: Vec<(ObjectKind, &str, &str, Option<&str>)> = match group {
                        GroupKind::Tables => schema
                            .tables
                            .iter()
                            .map(|t| {
                                (
                                    ObjectKind::Table,
                                    t.name.as_str(),
                                    t.version_hash.as_str(),
                                    None,
                                )
                            })
                            .collect(),
                        GroupKind::Views => schema
                            .views
                            .iter()
                            .map(|v| (view_kind(v), v.name.as_str(), v.version_hash.as_str(), None))
                            .collect(),
                        GroupKind::Routines => schema
                            .routines
                            .iter()
                            .map(|r| {
                                (
                                    routine_kind(r),
                                    r.name.as_str(),
                                    r.version_hash.as_str(),
                                    None,
                                )
                            })
                            .collect(),
                        GroupKind::Triggers => schema
                            .triggers
                            .iter()
                            .map(|t| {
                                let parent = Some(t.table.as_str());
                                (
                                    ObjectKind::Trigger,
                                    t.name.as_str(),
                                    t.version_hash.as_str(),
                                    parent,
                                )
                            })
                            .collect(),
                        GroupKind::Indexes => schema
                            .indexes
                            .iter()
                            .map(|i| {
                                let parent = Some(i.table.as_str());
                                (
                                    ObjectKind::Index,
                                    i.name.as_str(),
                                    i.version_hash.as_str(),
                                    parent,
                                )
                            })
                            .collect(),
                        GroupKind::Sequences => schema
                            .sequences
                            .iter()
                            .map(|s| {
                                (
                                    ObjectKind::Sequence,
                                    s.name.as_str(),
                                    s.version_hash.as_str(),
                                    None,
                                )
                            })
                            .collect(),
                    };
                    if all.is_empty() {
                        return None;
                    }
                    let total = all.len();
                    let items = all
                        .into_iter()
                        .filter(|(_, name, _, _)| matches(name, filter))
                        .map(|(kind, name, hash, parent)| make(kind, name, hash, parent))
                        .collect();
                    Some(ExplorerGroup {
                        kind: group,
                        total,
                        items,
                    })
                })
                .collect();
            ExplorerSchema {
                name: schema.name.clone(),
                groups,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use sr_schema::{Dialect, Index, IndexColumn, Schema, Table, View};

    use super::*;

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new(Dialect::Sqlite, "shop");
        let mut main = Schema::new("main");
        main.tables = vec![
            Table::new("customers"),
            Table::new("orders"),
            Table::new("order_items"),
        ];
        main.views = vec![View {
            name: "open_orders".into(),
            definition: "SELECT 1".into(),
            ..View::default()
        }];
        main.indexes = vec![Index {
            name: "orders_customer_idx".into(),
            table: "orders".into(),
            unique: false,
            columns: vec![IndexColumn::column("customer_id")],
            ..Index::default()
        }];
        s.schemas = vec![main];
        s
    }

    /// Renders the tree as `group total: names` lines.
    fn check(filter: &str, expected: &[&str]) {
        let tree = explorer_tree("demo", &snapshot(), filter);
        let got: Vec<String> = tree[0]
            .groups
            .iter()
            .map(|g| {
                let names: Vec<&str> = g.items.iter().map(|i| i.object.name.as_str()).collect();
                format!("{} {}: {}", g.kind.label(), g.total, names.join(" "))
            })
            .collect();
        assert_eq!(got, expected, "filter {filter:?}");
    }

    #[test]
    fn groups_hold_the_objects_that_pass_the_filter() {
        check(
            "",
            &[
                "Tables 3: customers orders order_items",
                "Views 1: open_orders",
                "Indexes 1: orders_customer_idx",
            ],
        );
        check(
            "ORDER",
            &[
                "Tables 3: orders order_items",
                "Views 1: open_orders",
                "Indexes 1: orders_customer_idx",
            ],
        );
        check(
            "cust",
            &[
                "Tables 3: customers",
                "Views 1: ",
                "Indexes 1: orders_customer_idx",
            ],
        );
        check("nothing", &["Tables 3: ", "Views 1: ", "Indexes 1: "]);
        check(
            "  items ",
            &["Tables 3: order_items", "Views 1: ", "Indexes 1: "],
        );
    }

    #[test]
    fn items_carry_store_keys_and_parents() {
        let tree = explorer_tree("demo", &snapshot(), "");
        let index = &tree[0].groups[2].items[0];
        assert_eq!(index.key, "demo:index:main.orders_customer_idx");
        assert_eq!(index.parent.as_deref(), Some("orders"));
        assert_eq!(index.object.database, "shop");
        assert_eq!(tree[0].groups[0].items[1].key, "demo:table:main.orders");
        assert_eq!((tree[0].shown(), tree[0].total()), (5, 5));
    }
}
