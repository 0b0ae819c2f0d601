//! The ER model and its automatic layout, checked as data.

use sr_schema::{Column, Dialect, ForeignKey, PrimaryKey, Schema, Snapshot, Table};

use super::*;

/// A snapshot of schema `main` from `(table, [referenced tables])`.
pub(crate) fn snapshot(tables: &[(&str, &[&str])]) -> Snapshot {
    let mut s = Snapshot::new(Dialect::Sqlite, "test");
    let mut schema = Schema::new("main");
    for (name, refs) in tables {
        let mut t = Table::new(*name);
        t.columns.push(Column::new("id", "INTEGER", false));
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        for r in refs.iter() {
            let column = format!("{r}_id");
            t.columns.push(Column::new(&column, "INTEGER", true));
            t.foreign_keys.push(ForeignKey {
                columns: vec![column],
                referenced_schema: "main".into(),
                referenced_table: (*r).into(),
                referenced_columns: vec!["id".into()],
                ..ForeignKey::default()
            });
        }
        schema.tables.push(t);
    }
    s.schemas.push(schema);
    s
}

fn overlaps(model: &ErModel, layout: &BTreeMap<String, [f32; 2]>) -> Vec<(String, String)> {
    let rects: Vec<(String, [f32; 4])> = model
        .tables
        .iter()
        .map(|t| {
            let [x, y] = layout[&t.key()];
            let [w, h] = t.size();
            (t.key(), [x, y, x + w, y + h])
        })
        .collect();
    let mut out = Vec::new();
    for (i, (a, ra)) in rects.iter().enumerate() {
        for (b, rb) in &rects[i + 1..] {
            if ra[0] < rb[2] && rb[0] < ra[2] && ra[1] < rb[3] && rb[1] < ra[3] {
                out.push((a.clone(), b.clone()));
            }
        }
    }
    out
}

#[test]
fn the_model_marks_keys_and_keeps_edges_inside_the_snapshot() {
    let mut s = snapshot(&[("customers", &[]), ("orders", &["customers", "gone"])]);
    s.schemas[0].tables[1].foreign_keys[1].referenced_table = "elsewhere".into();
    let m = ErModel::from_snapshot(&s);
    assert_eq!(m.tables.len(), 2);
    let orders = &m.tables[1];
    let marks: Vec<(&str, bool, bool)> = orders
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.primary_key, c.foreign_key))
        .collect();
    assert_eq!(
        marks,
        [
            ("id", true, false),
            ("customers_id", false, true),
            ("gone_id", false, true)
        ]
    );
    assert_eq!(
        m.edges,
        [ErEdge {
            from: 1,
            to: 0,
            label: "customers_id".into()
        }]
    );
}

#[test]
fn layouts_never_overlap_and_are_deterministic() {
    let check = |tables: &[(&str, &[&str])]| {
        let m = ErModel::from_snapshot(&snapshot(tables));
        let layout = m.auto_layout();
        assert_eq!(layout.len(), m.tables.len(), "{tables:?}");
        assert_eq!(
            overlaps(&m, &layout),
            [] as [(String, String); 0],
            "{tables:?}"
        );
        assert_eq!(layout, m.auto_layout(), "{tables:?}");
    };
    check(&[]);
    check(&[("a", &[])]);
    check(&[("a", &[]), ("b", &["a"]), ("c", &["b", "a"]), ("d", &[])]);
    // A cycle and a self reference.
    check(&[("a", &["b"]), ("b", &["a"]), ("c", &["c"])]);
    // A hub referenced by many.
    let names: Vec<String> = (0..40).map(|i| format!("t{i}")).collect();
    let mut many: Vec<(&str, &[&str])> = vec![("hub", &[])];
    many.extend(names.iter().map(|n| (n.as_str(), &["hub"][..])));
    check(&many);
    // 500 tables without keys.
    let lonely: Vec<String> = (0..500).map(|i| format!("l{i}")).collect();
    let lonely: Vec<(&str, &[&str])> = lonely.iter().map(|n| (n.as_str(), &[][..])).collect();
    check(&lonely);
}

#[test]
fn a_table_stands_right_of_the_tables_it_references() {
    let check = |tables: &[(&str, &[&str])], left: &str, right: &str| {
        let layout = ErModel::from_snapshot(&snapshot(tables)).auto_layout();
        let x = |t: &str| layout[&format!("main.{t}")][0];
        assert!(x(left) < x(right), "{left} left of {right} in {tables:?}");
    };
    let shop: &[(&str, &[&str])] = &[
        ("customers", &[]),
        ("orders", &["customers"]),
        ("order_items", &["orders", "products"]),
        ("products", &[]),
    ];
    check(shop, "customers", "orders");
    check(shop, "orders", "order_items");
    check(shop, "products", "order_items");
}

#[test]
fn long_tables_show_sixteen_rows_and_a_more_line() {
    let check = |columns: usize, height: f32| {
        let t = ErTable {
            schema: "main".into(),
            name: "t".into(),
            columns: (0..columns)
                .map(|i| ErColumn {
                    name: format!("c{i}"),
                    data_type: "INT".into(),
                    primary_key: false,
                    foreign_key: false,
                    nullable: true,
                })
                .collect(),
        };
        assert_eq!(t.size(), [BOX_WIDTH, height], "{columns} columns");
    };
    check(0, 30.0);
    check(2, 66.0);
    check(16, 318.0);
    check(40, 336.0);
}
