//! Plan summaries from plans the databases printed.

use serde_json::{Value, json};

use super::*;

/// `(seq scans, index scans, rows scanned)`.
type Expected<'a> = (&'a [&'a str], &'a [&'a str], Option<f64>);

fn check(s: &PlanSummary, expected: Expected<'_>) {
    let got = (
        s.seq_scans.iter().map(String::as_str).collect::<Vec<_>>(),
        s.index_scans.iter().map(String::as_str).collect::<Vec<_>>(),
        s.rows_scanned,
    );
    assert_eq!(
        got,
        (expected.0.to_vec(), expected.1.to_vec(), expected.2),
        "{:#}",
        s.raw
    );
}

fn pg(plan: Value) -> Value {
    json!([{ "Plan": plan }])
}

#[test]
fn postgres_plans() {
    check(
        &postgres(
            &pg(json!({"Node Type": "Seq Scan", "Relation Name": "orders", "Plan Rows": 1000.0})),
            false,
        ),
        (&["orders"], &[], Some(1000.0)),
    );
    check(
        &postgres(
            &pg(
                json!({"Node Type": "Seq Scan", "Relation Name": "orders", "Plan Rows": 5,
                       "Actual Rows": 5, "Actual Loops": 1, "Rows Removed by Filter": 995}),
            ),
            true,
        ),
        (&["orders"], &[], Some(1000.0)),
    );
    check(
        &postgres(
            &pg(json!({"Node Type": "Index Scan", "Relation Name": "orders",
                       "Index Name": "orders_customer", "Actual Rows": 3, "Actual Loops": 2})),
            true,
        ),
        (&[], &["orders_customer"], Some(6.0)),
    );
    check(
        &postgres(
            &pg(json!({"Node Type": "Nested Loop", "Plans": [
                {"Node Type": "Seq Scan", "Relation Name": "customers", "Plan Rows": 10},
                {"Node Type": "Bitmap Heap Scan", "Relation Name": "orders", "Plan Rows": 40,
                 "Plans": [{"Node Type": "Bitmap Index Scan", "Index Name": "orders_customer", "Plan Rows": 40}]},
                {"Node Type": "Index Only Scan", "Relation Name": "items", "Index Name": "items_pkey", "Plan Rows": 2},
                {"Node Type": "Seq Scan", "Relation Name": "customers", "Plan Rows": 10}
            ]})),
            false,
        ),
        (
            &["customers"],
            &["orders_customer", "items_pkey"],
            Some(62.0),
        ),
    );
    // An UPDATE's plan: the scan under ModifyTable counts.
    check(
        &postgres(
            &pg(
                json!({"Node Type": "ModifyTable", "Operation": "Update", "Relation Name": "t",
                       "Plans": [{"Node Type": "Index Scan", "Relation Name": "t", "Index Name": "t_pkey", "Plan Rows": 1}]}),
            ),
            false,
        ),
        (&[], &["t_pkey"], Some(1.0)),
    );
    check(&postgres(&json!([]), false), (&[], &[], None));
    check(&postgres(&json!({"odd": true}), false), (&[], &[], None));
}

#[test]
fn mariadb_plans() {
    let full = json!({"query_block": {"select_id": 1, "table": {
        "table_name": "orders", "access_type": "ALL", "rows": 1000, "filtered": 100}}});
    check(&mysql(&full, false), (&["orders"], &[], Some(1000.0)));
    let analyzed = json!({"query_block": {"select_id": 1, "r_loops": 1, "table": {
        "table_name": "orders", "access_type": "ref", "possible_keys": ["orders_customer"],
        "key": "orders_customer", "rows": 4, "r_rows": 3, "r_loops": 2}}});
    check(
        &mysql(&analyzed, true),
        (&[], &["orders_customer"], Some(6.0)),
    );
    let join = json!({"query_block": {"select_id": 1, "nested_loop": [
        {"table": {"table_name": "c", "access_type": "ALL", "rows": 10}},
        {"table": {"table_name": "o", "access_type": "eq_ref", "key": "PRIMARY", "rows": 1}},
        {"table": {"table_name": "i", "access_type": "range", "key": "i_sku", "rows": 5,
                   "attached_subqueries": [{"query_block": {"table": {"table_name": "s", "access_type": "ALL", "rows": 7}}}]}}
    ]}});
    check(
        &mysql(&join, false),
        (&["c", "s"], &["PRIMARY", "i_sku"], Some(23.0)),
    );
    // MySQL's spelling of estimated rows.
    let my = json!({"query_block": {"table": {"table_name": "t", "access_type": "ALL", "rows_examined_per_scan": 12}}});
    check(&mysql(&my, false), (&["t"], &[], Some(12.0)));
    // A table read through an index without an access key (index scan of the whole index).
    let idx = json!({"query_block": {"table": {"table_name": "t", "access_type": "index", "key": "t_a", "rows": 3}}});
    check(&mysql(&idx, false), (&[], &["t_a"], Some(3.0)));
}

#[test]
fn sqlite_plans() {
    let lines = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    check(&sqlite(&lines(&["SCAN orders"])), (&["orders"], &[], None));
    check(
        &sqlite(&lines(&[
            "SEARCH orders USING INDEX orders_customer (customer_id=?)",
        ])),
        (&[], &["orders_customer"], None),
    );
    check(
        &sqlite(&lines(&["SCAN orders USING COVERING INDEX orders_placed"])),
        (&[], &["orders_placed"], None),
    );
    check(
        &sqlite(&lines(&["SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"])),
        (&[], &["t(rowid)"], None),
    );
    check(
        &sqlite(&lines(&[
            "SCAN c",
            "SEARCH o USING INDEX o_c (c_id=?)",
            "USE TEMP B-TREE FOR ORDER BY",
        ])),
        (&["c"], &["o_c"], None),
    );
    check(&sqlite(&lines(&["SCAN TABLE t"])), (&["t"], &[], None));
    check(&sqlite(&lines(&["SCAN CONSTANT ROW"])), (&[], &[], None));
}
