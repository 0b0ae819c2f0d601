//! Rule conditions in CEL (the `cel` crate): `drift.severity == 'high'`,
//! `regression.percentage > 20`. Conditions see exactly what templates see
//! (sr-links' `event_context`): the members of the event's `data` at the
//! top level, next to `event`, `connection`, `occurred_at` and `object`
//! (`object.qualified_name`, `object.schema`, `object.name`).

use crate::DatabaseEvent;

/// A compiled condition.
pub struct Condition {
    source: String,
    program: cel::Program,
}

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Condition").field(&self.source).finish()
    }
}

/// A syntax error: 1-based line and column within the condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Condition {
    pub fn compile(source: &str) -> Result<Condition, SyntaxError> {
        match cel::Program::compile(source) {
            Ok(program) => Ok(Condition {
                source: source.to_owned(),
                program,
            }),
            Err(errors) => {
                let first = errors.errors.first();
                let (line, column) = first.map_or((1, 0), |e| e.pos);
                Err(SyntaxError {
                    line: usize::try_from(line).unwrap_or(1).max(1),
                    column: usize::try_from(column).unwrap_or(1).max(1),
                    message: first.map_or_else(|| errors.to_string(), |e| e.msg.clone()),
                })
            }
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the event satisfies the condition. A condition that reads a
    /// variable the event lacks, or that is not true or false, is an error
    /// that says so.
    pub fn matches(&self, event: &DatabaseEvent) -> Result<bool, String> {
        let mut context = cel::Context::default();
        let value =
            serde_json::to_value(event).map_err(|e| format!("the event cannot be read: {e}"))?;
        if let serde_json::Value::Object(m) = sr_templates::event_context(&value) {
            for (k, v) in &m {
                let value =
                    cel::to_value(v).map_err(|e| format!("data.{k} cannot be read by CEL: {e}"))?;
                context.add_variable_from_value(k.as_str(), value);
            }
        }
        match self.program.execute(&context) {
            Ok(cel::Value::Bool(b)) => Ok(b),
            Ok(other) => Err(format!(
                "condition `{}` gave {other:?}, not true or false; compare with ==, <, > …",
                self.source
            )),
            Err(e) => Err(format!(
                "condition `{}` failed on this event: {e}",
                self.source
            )),
        }
    }
}

/// The names a condition may read for `event`, as dotted paths
/// (`drift.severity`, `object.name`), sorted: what the rules window lists
/// under the condition field. Arrays are named, not entered (CEL reads
/// them whole: `size(metrics) > 2`).
pub fn names(event: &DatabaseEvent) -> Vec<String> {
    fn walk(prefix: &str, value: &serde_json::Value, depth: usize, out: &mut Vec<String>) {
        out.push(prefix.to_owned());
        if depth == 0 {
            return;
        }
        if let serde_json::Value::Object(m) = value {
            for (k, v) in m {
                walk(&format!("{prefix}.{k}"), v, depth - 1, out);
            }
        }
    }
    let mut out = Vec::new();
    let Ok(value) = serde_json::to_value(event) else {
        return out;
    };
    if let serde_json::Value::Object(m) = sr_templates::event_context(&value) {
        for (k, v) in &m {
            walk(k, v, 3, &mut out);
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use sr_model::EventKind;

    use super::*;

    fn event(data: serde_json::Value) -> DatabaseEvent {
        DatabaseEvent {
            event: EventKind::DriftDetected,
            connection: "demo".into(),
            object: Some("main.orders".into()),
            data,
            occurred_at: chrono::Utc::now(),
        }
    }

    fn check(source: &str, data: serde_json::Value, expected: Result<bool, &str>) {
        let c = Condition::compile(source).unwrap_or_else(|e| panic!("{source}: {e:?}"));
        match (c.matches(&event(data)), expected) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{source}"),
            (Err(e), Err(fragment)) => assert!(e.contains(fragment), "{source}: {e}"),
            (got, want) => panic!("{source}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn conditions_evaluate_against_event_data() {
        check(
            "drift.severity == 'high'",
            json!({"drift": {"severity": "high"}}),
            Ok(true),
        );
        check(
            "drift.severity == 'high'",
            json!({"drift": {"severity": "low"}}),
            Ok(false),
        );
        check(
            "regression.percentage > 20",
            json!({"regression": {"percentage": 35}}),
            Ok(true),
        );
        check(
            "regression.percentage > 20",
            json!({"regression": {"percentage": 35.5}}),
            Ok(true),
        );
        check(
            "regression.percentage > 20",
            json!({"regression": {"percentage": 5}}),
            Ok(false),
        );
        check(
            "impact.downtime_minutes > 0",
            json!({"impact": {"downtime_minutes": 3}}),
            Ok(true),
        );
        check(
            "connection == 'demo' && object.name == 'orders'",
            json!({}),
            Ok(true),
        );
        check(
            "object.qualified_name == 'main.orders'",
            json!({}),
            Ok(true),
        );
        check("object == 'main.orders'", json!({}), Ok(false));
        check("event == 'drift.detected'", json!({}), Ok(true));
        check(
            "drift.severity == 'high'",
            json!({}),
            Err("failed on this event"),
        );
        check("1 + 1", json!({}), Err("not true or false"));
    }

    fn check_syntax(source: &str, line: usize, column: usize) {
        let e = Condition::compile(source).expect_err(source);
        assert_eq!(
            (e.line, e.column),
            (line, column),
            "{source}: {}",
            e.message
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        check_syntax("drift.severity == ", 1, 19);
        check_syntax("drift.severity === 'high'", 1, 18);
        check_syntax("a &&\n  (b", 2, 5);
    }

    #[test]
    fn the_names_a_condition_may_read_are_the_paths_it_reaches() {
        let e = event(json!({"drift": {"severity": "high"}, "metrics": [1, 2]}));
        let names = names(&e);
        for name in [
            "drift",
            "drift.severity",
            "metrics",
            "connection",
            "object.name",
        ] {
            assert!(names.contains(&name.to_owned()), "{name} in {names:?}");
        }
        assert!(
            !names.iter().any(|n| n.starts_with("metrics.")),
            "{names:?}"
        );
        // Listed names are ones a condition really reads.
        for (source, want) in [
            ("drift.severity == 'high'", true),
            ("object.name == 'orders'", true),
            ("size(metrics) == 3", false),
        ] {
            let c = Condition::compile(source).unwrap_or_else(|e| panic!("{e:?}"));
            assert_eq!(c.matches(&e), Ok(want), "{source}");
        }
    }
}
