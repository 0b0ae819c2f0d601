//! Row data as data: event in, event out.

use serde_json::{Value, json};

use super::*;

fn check_rows(mut input: Value, expected: Value, count: usize) {
    let before = input.clone();
    assert_eq!(strip_rows(&mut input), count, "{before}");
    assert_eq!(input, expected, "{before}");
}

#[test]
fn row_data_is_replaced_by_a_note() {
    check_rows(
        json!({"sample_rows": [{"id": 1}, {"id": 2}], "n": 2}),
        json!({"sample_rows": "(2 rows left out: row data is not sent to trackers unless the auto-issue rule opts in)", "n": 2}),
        1,
    );
    check_rows(
        json!({"test": {"rows": [[1, "a"]]}}),
        json!({"test": {"rows": "(1 row left out: row data is not sent to trackers unless the auto-issue rule opts in)"}}),
        1,
    );
    check_rows(
        json!({"row_data": {"id": 1}}),
        json!({"row_data": "(row data left out: row data is not sent to trackers unless the auto-issue rule opts in)"}),
        1,
    );
    check_rows(
        json!({"rows": null, "row_count": 3}),
        json!({"rows": null, "row_count": 3}),
        0,
    );
    check_rows(
        json!([{"rows": []}]),
        json!([{"rows": "(0 rows left out: row data is not sent to trackers unless the auto-issue rule opts in)"}]),
        1,
    );
}
