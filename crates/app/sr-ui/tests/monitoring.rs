//! The monitoring tab over a real engine and the demo database, with the
//! example auto-issue rules: save a baseline, alter a table from the SQL
//! editor, check for drift, and see the diff, the migration SQL and the
//! Local issue the rules filed in the feed.

use crate::common;

use std::sync::Arc;

use common::Workbench;
use egui_kittest::kittest::Queryable;
use sr_ui::state::{Load, Tab, feed_rows};

fn repo(file: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../..")
        .join(file)
}

/// The rules file the example ships, where the engine reads rules.
fn with_example_rules() -> Workbench {
    Workbench::start_with(|paths, _| {
        std::fs::copy(
            repo("config/auto_issue_rules.example.json"),
            paths.rules_file(),
        )
        .expect("rules copied");
    })
}

fn open_monitoring(bench: &mut Workbench) {
    bench.harness.get_by_label("View").click();
    bench.wait_for_label("Monitoring");
    bench.harness.get_by_label("Monitoring").click();
    bench.wait_for_label("Run checks");
}

#[test]
fn a_drift_shows_its_diff_and_its_auto_issue() {
    let mut bench = with_example_rules();
    open_monitoring(&mut bench);
    assert!(matches!(
        bench.state().tabs.last(),
        Some(Tab::Monitoring(c)) if c == "demo"
    ));
    bench.wait_for("the health checks", |h| {
        let s = &h.state().state;
        s.monitoring
            .of("demo")
            .is_some_and(|m| matches!(m.health, Load::Ready(_)))
    });
    assert!(bench.harness.query_by_label("connectivity").is_some());

    bench.harness.get_by_label("Save baseline").click();
    bench.wait_for("the baseline", |h| {
        let s = &h.state().state;
        s.monitoring
            .of("demo")
            .is_some_and(|m| matches!(m.baseline, Load::Ready(_)))
    });

    common::alter_orders(&mut bench);
    bench.harness.get_by_label("📈 Monitoring: demo").click();
    bench.wait_for_label("Check drift");
    bench.harness.get_by_label("Check drift").click();
    bench.wait_for("the drift report and its auto-issue", |h| {
        let s = &h.state().state;
        let drifted = s
            .monitoring
            .of("demo")
            .and_then(|m| m.drift.ready())
            .is_some_and(|d| d.report.drifted);
        let outbox = s.monitoring.outbox.ready().map_or(&[][..], |v| v);
        drifted
            && feed_rows(&s.auto_feed, outbox)
                .iter()
                .any(|r| r.issue.is_some())
    });

    // The diff: orders, its new column marked on the actual side.
    assert!(
        bench
            .harness
            .query_by_label_contains("main.orders — table changed")
            .is_some()
    );
    assert!(bench.harness.query_by_label("+ note TEXT").is_some());
    let migration = bench
        .state()
        .monitoring
        .of("demo")
        .and_then(|m| m.drift.ready())
        .map(|d| d.report.migration_sql.clone())
        .unwrap_or_default();
    assert!(migration.contains("orders"), "{migration}");
    assert!(
        bench
            .harness
            .query_by_label_contains(migration.trim_end())
            .is_some(),
        "the migration SQL is shown"
    );
    assert!(bench.harness.query_by_label("Copy migration").is_some());

    // The feed: the example rule filed a new Local issue.
    let rows = {
        let s = bench.state();
        feed_rows(
            &s.auto_feed,
            s.monitoring.outbox.ready().map_or(&[][..], |v| v),
        )
    };
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].rule.as_str(), rows[0].action.as_str()),
        ("Schema Drift Alert", "new issue")
    );
    let issue = rows[0].issue.clone().unwrap_or_default();
    assert!(issue.starts_with("local:"), "{issue}");
    assert!(bench.harness.query_by_label(&issue).is_some());
    assert!(bench.harness.query_by_label("new issue").is_some());

    // Times, temporary paths and measured durations change from run to
    // run; the picture shows fixed ones, set once nothing is in flight.
    bench.settle();
    {
        let s = &mut bench.harness.state_mut().state;
        let fixed = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        for a in &mut s.auto_feed {
            a.at = fixed;
        }
        if let Some(m) = s.monitoring.connections.get_mut("demo") {
            m.baseline = Load::Ready("Baseline saved: DATA_DIR/baselines/demo.json".into());
            m.baseline_saved = Some(fixed);
            if let Load::Ready(check) = &mut m.drift {
                let report = &mut Arc::make_mut(check).report;
                report.detected_at = "2027-01-15T08:00:00Z".into();
                report.expected_source = "snapshot file DATA_DIR/baselines/demo.json".into();
            }
            if let Load::Ready(results) = &mut m.health {
                for r in results.iter_mut() {
                    r.duration = std::time::Duration::from_millis(1);
                    r.summary = format!("{} (fixed for the picture)", r.check);
                }
            }
        }
    }
    bench.harness.set_size(egui::vec2(1280.0, 1400.0));
    bench.snapshot("monitoring_drift");
}
