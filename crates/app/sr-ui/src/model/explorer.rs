//! The explorer's rows for one connection, computed from its snapshot and
//! the filter: schemas, then one group per object kind, then the objects.
//!
//! Built once per snapshot and kept; a filter change only re-lists the
//! indexes of the rows that pass ([`filter_tree`]), so typing in the filter
//! answers within a frame on schemas of thousands of tables, and drawing
//! allocates nothing per row.

use sr_model::{ObjectKind, ObjectRef};
use sr_schema::{SchemaOutline, Snapshot};

use super::object::{kind_of_routine, routine_kind, view_kind};

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
    /// The name in lower case, so filtering allocates nothing per row.
    folded: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExplorerGroup {
    pub kind: GroupKind,
    /// Every object of this kind in the schema, filter or not.
    pub items: Vec<ExplorerItem>,
    /// The indexes in `items` of the objects that pass the filter.
    pub shown: Vec<u32>,
}

impl ExplorerGroup {
    /// How many objects of this kind the schema has, filter or not.
    pub fn total(&self) -> usize {
        self.items.len()
    }

    /// The objects that pass the filter, in order.
    pub fn shown_items(&self) -> impl ExactSizeIterator<Item = &ExplorerItem> + '_ {
        self.shown.iter().map(|&i| &self.items[i as usize])
    }

    /// The `n`th object that passes the filter.
    pub fn shown_item(&self, n: usize) -> Option<&ExplorerItem> {
        self.shown.get(n).map(|&i| &self.items[i as usize])
    }

    /// Keeps the objects whose name holds `folded` (already lower case;
    /// empty keeps all). Reuses the list, so no allocation once it has
    /// grown to the group's size.
    fn filter(&mut self, folded: &str) {
        self.shown.clear();
        let all = self.items.len().min(u32::MAX as usize);
        self.shown.extend(
            (0..all)
                .filter(|&i| folded.is_empty() || self.items[i].folded.contains(folded))
                .map(|i| i as u32),
        );
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExplorerSchema {
    pub name: String,
    /// Only groups with at least one object in the schema.
    pub groups: Vec<ExplorerGroup>,
    /// False while the schema's objects are still being read.
    pub loaded: bool,
}

impl ExplorerSchema {
    /// Objects that pass the filter, over every group.
    pub fn shown(&self) -> usize {
        self.groups.iter().map(|g| g.shown.len()).sum()
    }

    pub fn total(&self) -> usize {
        self.groups.iter().map(|g| g.total()).sum()
    }
}

/// Narrows `tree` to the objects whose name holds `filter` (case
/// insensitive). Cheap enough to run on every keystroke: the rows are
/// built once per snapshot by [`explorer_tree`]; this only re-lists
/// indexes.
pub fn filter_tree(tree: &mut [ExplorerSchema], filter: &str) {
    let folded = filter.trim().to_lowercase();
    for group in tree.iter_mut().flat_map(|s| s.groups.iter_mut()) {
        group.filter(&folded);
    }
}

/// One object to list: its kind, name, version hash (empty when not
/// known yet) and the table it belongs to.
struct Row<'a> {
    kind: ObjectKind,
    name: &'a str,
    hash: &'a str,
    parent: Option<&'a str>,
}

impl<'a> Row<'a> {
    fn new(kind: ObjectKind, name: &'a str, hash: &'a str) -> Self {
        Row {
            kind,
            name,
            hash,
            parent: None,
        }
    }

    fn child(kind: ObjectKind, name: &'a str, hash: &'a str, table: &'a str) -> Self {
        Row {
            kind,
            name,
            hash,
            parent: Some(table),
        }
    }
}

/// A schema's rows, group by group from `rows_of`, unfiltered.
fn schema_rows<'a>(
    connection: &str,
    database: &str,
    schema: &str,
    rows_of: impl Fn(GroupKind) -> Vec<Row<'a>>,
) -> ExplorerSchema {
    let groups = GroupKind::ALL
        .into_iter()
        .filter_map(|group| {
            let items: Vec<ExplorerItem> = rows_of(group)
                .into_iter()
                .map(|row| {
                    let mut object =
                        ObjectRef::new(connection, row.kind, database, schema, row.name);
                    if !row.hash.is_empty() {
                        object.version_hash = Some(row.hash.to_owned());
                    }
                    ExplorerItem {
                        key: object.key(),
                        object,
                        parent: row.parent.map(str::to_owned),
                        folded: row.name.to_lowercase(),
                    }
                })
                .collect();
            (!items.is_empty()).then(|| ExplorerGroup {
                kind: group,
                shown: Vec::with_capacity(items.len()),
                items,
            })
        })
        .collect();
    ExplorerSchema {
        name: schema.to_owned(),
        groups,
        loaded: true,
    }
}

/// The explorer rows of `connection` for `snapshot` under `filter`.
pub fn explorer_tree(connection: &str, snapshot: &Snapshot, filter: &str) -> Vec<ExplorerSchema> {
    let mut tree: Vec<ExplorerSchema> = snapshot
        .schemas
        .iter()
        .map(|schema| {
            schema_rows(
                connection,
                &snapshot.database,
                &schema.name,
                |group| match group {
                    GroupKind::Tables => schema
                        .tables
                        .iter()
                        .map(|t| Row::new(ObjectKind::Table, &t.name, &t.version_hash))
                        .collect(),
                    GroupKind::Views => schema
                        .views
                        .iter()
                        .map(|v| Row::new(view_kind(v), &v.name, &v.version_hash))
                        .collect(),
                    GroupKind::Routines => schema
                        .routines
                        .iter()
                        .map(|r| Row::new(routine_kind(r), &r.name, &r.version_hash))
                        .collect(),
                    GroupKind::Triggers => schema
                        .triggers
                        .iter()
                        .map(|t| {
                            Row::child(ObjectKind::Trigger, &t.name, &t.version_hash, &t.table)
                        })
                        .collect(),
                    GroupKind::Indexes => schema
                        .indexes
                        .iter()
                        .map(|i| Row::child(ObjectKind::Index, &i.name, &i.version_hash, &i.table))
                        .collect(),
                    GroupKind::Sequences => schema
                        .sequences
                        .iter()
                        .map(|s| Row::new(ObjectKind::Sequence, &s.name, &s.version_hash))
                        .collect(),
                },
            )
        })
        .collect();
    filter_tree(&mut tree, filter);
    tree
}

/// A schema's rows from its outline, before the snapshot is read: the
/// same rows the snapshot gives, without version hashes.
pub fn outline_rows(
    connection: &str,
    database: &str,
    outline: &SchemaOutline,
    filter: &str,
) -> ExplorerSchema {
    let mut schema = schema_rows(connection, database, &outline.name, |group| match group {
        GroupKind::Tables => outline
            .tables
            .iter()
            .map(|t| Row::new(ObjectKind::Table, t, ""))
            .collect(),
        GroupKind::Views => outline
            .views
            .iter()
            .map(|v| {
                let kind = if v.materialized {
                    ObjectKind::MaterializedView
                } else {
                    ObjectKind::View
                };
                Row::new(kind, &v.name, "")
            })
            .collect(),
        GroupKind::Routines => outline
            .routines
            .iter()
            .map(|r| Row::new(kind_of_routine(r.kind), &r.name, ""))
            .collect(),
        GroupKind::Triggers => outline
            .triggers
            .iter()
            .map(|t| Row::child(ObjectKind::Trigger, &t.name, "", &t.table))
            .collect(),
        GroupKind::Indexes => outline
            .indexes
            .iter()
            .map(|i| Row::child(ObjectKind::Index, &i.name, "", &i.table))
            .collect(),
        GroupKind::Sequences => outline
            .sequences
            .iter()
            .map(|s| Row::new(ObjectKind::Sequence, s, ""))
            .collect(),
    });
    filter_tree(std::slice::from_mut(&mut schema), filter);
    schema
}

/// A schema listed whose objects are still being read.
pub fn pending_schema(name: &str) -> ExplorerSchema {
    ExplorerSchema {
        name: name.to_owned(),
        groups: Vec::new(),
        loaded: false,
    }
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
                let names: Vec<&str> = g.shown_items().map(|i| i.object.name.as_str()).collect();
                format!("{} {}: {}", g.kind.label(), g.total(), names.join(" "))
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

    #[test]
    fn refiltering_reuses_the_rows_and_their_lists() {
        let mut tree = explorer_tree("demo", &snapshot(), "");
        let capacity = tree[0].groups[0].shown.capacity();
        filter_tree(&mut tree, " Order_");
        let tables: Vec<&str> = tree[0].groups[0]
            .shown_items()
            .map(|i| i.object.name.as_str())
            .collect();
        assert_eq!(tables, ["order_items"]);
        assert_eq!((tree[0].shown(), tree[0].total()), (1, 5));
        filter_tree(&mut tree, "");
        assert_eq!(tree[0].shown(), 5);
        assert_eq!(tree[0].groups[0].shown.capacity(), capacity);
        assert_eq!(
            tree[0].groups[0].shown_item(1).map(|i| i.key.as_str()),
            Some("demo:table:main.orders")
        );
    }
}
