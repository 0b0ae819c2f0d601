//! The drift events a report becomes, and regressions over a series, as
//! data.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use sr_db::drift::DriftReport;
use sr_schema::{Column, Dialect, Schema, Snapshot, Table};
use sr_store::QueryBaseline;

use super::{DriftCheck, destructive_objects, drift_events, file_stem, regressions};

/// A snapshot of schema `main` from `(table, ["column TYPE", …])`.
fn snap(tables: &[(&str, &[&str])]) -> Snapshot {
    let mut s = Snapshot::new(Dialect::Sqlite, "demo");
    let mut schema = Schema::new("main");
    for (name, columns) in tables {
        let mut t = Table::new(*name);
        for c in *columns {
            let (n, ty) = c.split_once(' ').unwrap();
            t.columns.push(Column::new(n, ty, true));
        }
        schema.tables.push(t);
    }
    s.schemas.push(schema);
    s
}

/// `(object, severity, summary)` of each event for `expected` → `actual`.
fn check(expected: &[(&str, &[&str])], actual: &[(&str, &[&str])], want: &[(&str, &str, &str)]) {
    let (e, a) = (snap(expected), snap(actual));
    let report = DriftReport::new(
        "demo",
        "sqlite:demo.db",
        "snapshot file b.json".into(),
        &e,
        &a,
    );
    let events = drift_events(&DriftCheck {
        destructive: destructive_objects(&e, &a),
        report,
    });
    let got: Vec<(String, String, String)> = events
        .iter()
        .map(|ev| {
            let d = &ev.data["drift"];
            (
                ev.object.clone().unwrap_or_default(),
                d["severity"].as_str().unwrap().to_owned(),
                d["summary"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(o, s, m)| ((*o).to_owned(), (*s).to_owned(), (*m).to_owned()))
        .collect();
    assert_eq!(got, want);
    for ev in &events {
        assert_eq!(ev.event.as_str(), "drift.detected");
        assert_eq!(ev.connection, "demo");
        // What the template and the rules read is there.
        for path in [
            "/timestamp",
            "/environment/name",
            "/expected/source",
            "/expected/schema_summary",
            "/actual/schema_summary",
            "/drift/details",
            "/drift/changes/0/kind",
            "/drift/changes/0/object",
            "/drift/changes/0/expected",
            "/drift/changes/0/actual",
        ] {
            assert!(
                ev.data.pointer(path).is_some(),
                "{path} missing in {}",
                ev.data
            );
        }
    }
}

const ORDERS: (&str, &[&str]) = ("orders", &["id INTEGER", "status TEXT"]);
const ORDERS_NOTE: (&str, &[&str]) = ("orders", &["id INTEGER", "status TEXT", "note TEXT"]);
const ORDERS_INT: (&str, &[&str]) = ("orders", &["id INTEGER", "status INTEGER"]);
const ITEMS: (&str, &[&str]) = ("items", &["id INTEGER"]);

#[test]
fn drift_events_per_object() {
    check(&[ORDERS], &[ORDERS], &[]);
    // Going back drops the column: data can be lost, so it is high.
    check(
        &[ORDERS],
        &[ORDERS_NOTE],
        &[("main.orders", "high", "1 column added")],
    );
    // Going back only adds the column again: medium.
    check(
        &[ORDERS_NOTE],
        &[ORDERS],
        &[("main.orders", "medium", "1 column removed")],
    );
    // Back from INTEGER to TEXT widens; back from TEXT to INTEGER may not.
    check(
        &[ORDERS],
        &[ORDERS_INT],
        &[("main.orders", "medium", "1 column changed")],
    );
    check(
        &[ORDERS_INT],
        &[ORDERS],
        &[("main.orders", "high", "1 column changed")],
    );
    check(
        &[ORDERS],
        &[ORDERS, ITEMS],
        &[("main.items", "high", "1 table added")],
    );
    check(
        &[ORDERS, ITEMS],
        &[ORDERS_NOTE],
        &[
            ("main.items", "medium", "1 table missing"),
            ("main.orders", "high", "1 column added"),
        ],
    );
}

#[test]
fn the_changes_name_the_column_and_both_sides() {
    let (e, a) = (snap(&[ORDERS]), snap(&[ORDERS_NOTE]));
    let report = DriftReport::new("demo", "sqlite:demo.db", "b".into(), &e, &a);
    let events = drift_events(&DriftCheck {
        destructive: destructive_objects(&e, &a),
        report,
    });
    let data = &events[0].data;
    assert_eq!(
        data["drift"]["changes"][0],
        serde_json::json!({"kind": "column added", "object": "main.orders.note",
                           "expected": "", "actual": "TEXT"})
    );
    assert_eq!(
        data["expected"]["schema_summary"],
        "orders(id INTEGER, status TEXT)"
    );
    assert_eq!(
        data["actual"]["schema_summary"],
        "orders(id INTEGER, status TEXT, note TEXT)"
    );
    assert!(
        data["drift"]["details"]
            .as_str()
            .unwrap()
            .contains("\"orders\""),
        "{data}"
    );
}

fn point(median: f64, mad: f64) -> QueryBaseline {
    QueryBaseline {
        connection: "demo".into(),
        fingerprint: "f".into(),
        sql: "SELECT 1".into(),
        runs: 10,
        median_ms: median,
        p95_ms: median,
        mad_ms: mad,
        // Spread three MADs either side, so noisy points overlap.
        min_ms: median - 3.0 * mad,
        max_ms: median + 3.0 * mad,
        plan: "{}".into(),
        recorded_at: chrono::Utc::now(),
    }
}

#[test]
fn regressions_compare_each_point_with_the_one_before() {
    // (median, MAD) per point, then the expected flags.
    type Case<'a> = (&'a [(f64, f64)], &'a [bool]);
    let cases: &[Case] = &[
        (&[], &[]),
        (&[(1.0, 0.0)], &[false]),
        (&[(1.0, 0.01), (5.0, 0.01)], &[false, true]),
        // Within the noise: not a regression.
        (&[(1.0, 1.0), (2.0, 1.0)], &[false, false]),
        // Faster, then back to where it was: the second step is slower.
        (
            &[(5.0, 0.01), (1.0, 0.01), (5.0, 0.01)],
            &[false, false, true],
        ),
    ];
    for (points, want) in cases {
        let series: Vec<QueryBaseline> = points.iter().map(|(m, d)| point(*m, *d)).collect();
        assert_eq!(&regressions(&series), want, "{points:?}");
    }
}

#[test]
fn connection_names_as_file_names() {
    for (name, want) in [
        ("demo", "demo"),
        ("prod-db_1", "prod-db_1"),
        ("../etc", "___etc"),
        ("a b/c", "a_b_c"),
    ] {
        assert_eq!(file_stem(name), want, "{name}");
    }
}
