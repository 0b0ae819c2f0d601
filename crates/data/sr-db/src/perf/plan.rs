//! Plan summaries from each dialect's own plan format: which tables were
//! read whole (sequential scans), which indexes were used (by name), and
//! how many rows the scans read (measured under ANALYZE, else the
//! planner's estimate). Parsing is pure; running EXPLAIN is in `explain`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a plan says about how a query reads its tables.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanSummary {
    /// Whether the plan was measured (EXPLAIN ANALYZE) or only estimated.
    pub analyzed: bool,
    /// Tables read whole, in plan order, without repeats.
    pub seq_scans: Vec<String>,
    /// Indexes used, by name, in plan order, without repeats.
    pub index_scans: Vec<String>,
    /// Rows the scans read (before filters): measured when `analyzed`,
    /// otherwise the planner's estimate; `None` where the dialect says nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_scanned: Option<f64>,
    /// The plan as the database printed it (JSON, or lines for SQLite).
    pub raw: Value,
    /// What was and was not done, in words (e.g. why ANALYZE was skipped).
    pub notes: Vec<String>,
}

impl PlanSummary {
    fn push_seq(&mut self, table: &str) {
        push_unique(&mut self.seq_scans, table);
    }

    fn push_index(&mut self, index: &str) {
        push_unique(&mut self.index_scans, index);
    }

    fn add_rows(&mut self, rows: f64) {
        *self.rows_scanned.get_or_insert(0.0) += rows;
    }
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|x| x == name) {
        list.push(name.to_owned());
    }
}

/// PostgreSQL `EXPLAIN (FORMAT JSON)`, with or without ANALYZE.
pub fn postgres(plan: &Value, analyzed: bool) -> PlanSummary {
    let mut s = PlanSummary {
        analyzed,
        raw: plan.clone(),
        ..PlanSummary::default()
    };
    let root = plan
        .as_array()
        .and_then(|a| a.first())
        .and_then(|p| p.get("Plan"));
    if let Some(root) = root {
        pg_node(root, analyzed, &mut s);
    }
    s
}

fn pg_node(node: &Value, analyzed: bool, s: &mut PlanSummary) {
    let kind = node.get("Node Type").and_then(Value::as_str).unwrap_or("");
    let num = |k: &str| node.get(k).and_then(Value::as_f64).unwrap_or(0.0);
    let relation = node.get("Relation Name").and_then(Value::as_str);
    if let Some(index) = node.get("Index Name").and_then(Value::as_str) {
        s.push_index(index);
    }
    if kind == "Seq Scan"
        && let Some(r) = relation
    {
        s.push_seq(r);
    }
    // Scans that read a relation; a bitmap index scan's rows are counted
    // again by its heap scan, so only the heap scan counts.
    let scans = [
        "Seq Scan",
        "Index Scan",
        "Index Only Scan",
        "Bitmap Heap Scan",
        "Tid Scan",
    ];
    if scans.contains(&kind) {
        if analyzed {
            let loops = node
                .get("Actual Loops")
                .and_then(Value::as_f64)
                .unwrap_or(1.0);
            let read = num("Actual Rows")
                + num("Rows Removed by Filter")
                + num("Rows Removed by Index Recheck");
            s.add_rows(read * loops);
        } else {
            s.add_rows(num("Plan Rows"));
        }
    }
    if let Some(children) = node.get("Plans").and_then(Value::as_array) {
        for c in children {
            pg_node(c, analyzed, s);
        }
    }
}

/// MariaDB `EXPLAIN FORMAT=JSON` or `ANALYZE FORMAT=JSON` (and MySQL's
/// `EXPLAIN FORMAT=JSON`): every `table` object names its access type and
/// key; `ALL` is a full scan.
pub fn mysql(plan: &Value, analyzed: bool) -> PlanSummary {
    let mut s = PlanSummary {
        analyzed,
        raw: plan.clone(),
        ..PlanSummary::default()
    };
    mysql_walk(plan, analyzed, &mut s);
    s
}

fn mysql_walk(v: &Value, analyzed: bool, s: &mut PlanSummary) {
    match v {
        Value::Object(t) => {
            if let Some(name) = t.get("table_name").and_then(Value::as_str)
                && let Some(access) = t.get("access_type").and_then(Value::as_str)
            {
                match t.get("key").and_then(Value::as_str) {
                    _ if access == "ALL" => s.push_seq(name),
                    Some(key) => s.push_index(key),
                    None => {}
                }
                let f = |k: &str| t.get(k).and_then(Value::as_f64);
                let rows = if analyzed {
                    f("r_rows").map(|r| r * f("r_loops").unwrap_or(1.0))
                } else {
                    // MySQL names it rows_examined_per_scan.
                    f("rows").or_else(|| f("rows_examined_per_scan"))
                };
                if let Some(r) = rows {
                    s.add_rows(r);
                }
            }
            // Subqueries and materialised parts sit inside.
            for child in t.values() {
                mysql_walk(child, analyzed, s);
            }
        }
        Value::Array(items) => {
            for i in items {
                mysql_walk(i, analyzed, s);
            }
        }
        _ => {}
    }
}

/// SQLite `EXPLAIN QUERY PLAN` detail lines: `SCAN t` reads the table
/// whole; `SEARCH t USING INDEX i (…)`, `SCAN t USING COVERING INDEX i` use
/// `i`; `USING INTEGER PRIMARY KEY` uses the rowid (named `t(rowid)`).
/// SQLite reports no row counts.
pub fn sqlite(details: &[String]) -> PlanSummary {
    let mut s = PlanSummary {
        raw: Value::Array(details.iter().map(|d| Value::String(d.clone())).collect()),
        ..PlanSummary::default()
    };
    for d in details {
        let words: Vec<&str> = d.split_whitespace().collect();
        let (Some(&verb), Some(&table)) = (words.first(), words.get(1)) else {
            continue;
        };
        if (verb != "SCAN" && verb != "SEARCH") || table == "CONSTANT" {
            continue;
        }
        // Older SQLite writes `SCAN TABLE t`.
        let (table, rest) = if table == "TABLE" {
            (
                words.get(2).copied().unwrap_or(""),
                words.get(3..).unwrap_or(&[]),
            )
        } else {
            (table, words.get(2..).unwrap_or(&[]))
        };
        let index = rest
            .iter()
            .position(|w| *w == "INDEX")
            .and_then(|i| rest.get(i + 1));
        let rowid = rest.windows(3).any(|w| w == ["INTEGER", "PRIMARY", "KEY"]);
        match (index, rowid) {
            (Some(i), _) => s.push_index(i),
            (None, true) => s.push_index(&format!("{table}(rowid)")),
            (None, false) if verb == "SCAN" => s.push_seq(table),
            _ => {}
        }
    }
    s
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
