//! Auto-issue rules out of the box and in their window, over a real engine
//! on a fresh data directory: the starter rules file a P1 Local issue for
//! a drift on the demo (its drift monitoring is on) without a file being
//! touched; the rules tab shows an invalid CEL condition's error under the
//! field, and tries the rule on the drift that just happened.

use crate::common;

use common::{Workbench, fill};
use egui_kittest::kittest::{NodeT, Queryable};
use sr_ui::state::{Load, feed_rows};

#[test]
fn starter_rules_file_a_drift_and_the_window_checks_conditions() {
    let mut bench = Workbench::start();
    // A fresh data directory: no rules file until the engine wrote the
    // starter set.
    bench.harness.get_by_label("View").click();
    bench.wait_for_label("Monitoring");
    bench.harness.get_by_label("Monitoring").click();
    bench.wait_for("the health checks", |h| {
        let s = &h.state().state;
        s.monitoring
            .of("demo")
            .is_some_and(|m| matches!(m.health, Load::Ready(_)))
    });
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
    bench.wait_for("the starter rule's issue in the feed", |h| {
        let s = &h.state().state;
        let outbox = s.monitoring.outbox.ready().map_or(&[][..], |v| v);
        feed_rows(&s.auto_feed, outbox)
            .iter()
            .any(|r| r.issue.is_some())
    });
    let (rows, outbox) = {
        let s = bench.state();
        let outbox = s.monitoring.outbox.ready().cloned().unwrap_or_default();
        (feed_rows(&s.auto_feed, &outbox), outbox)
    };
    assert_eq!(
        (rows[0].rule.as_str(), rows[0].action.as_str()),
        ("Schema drift", "new issue"),
        "{rows:?}"
    );
    let create = outbox
        .iter()
        .find(|o| o.intent.action.as_str() == "create")
        .expect("the create in the outbox");
    assert_eq!(create.intent.priority.as_deref(), Some("P1"));
    assert_eq!(create.intent.tracker, "Local");
    let issue = rows[0].issue.clone().unwrap_or_default();
    assert!(bench.harness.query_by_label(&issue).is_some());
    // The table's badge counts the open issue.
    bench.wait_for("the orders badge", |h| {
        let s = &h.state().state;
        s.connection("demo").is_some_and(|c| {
            c.badges
                .iter()
                .any(|(k, b)| k.ends_with(".orders") && b.open >= 1)
        })
    });

    // Tools → Auto-issue Rules…: the starter set, the drift rule first.
    bench.harness.set_size(egui::vec2(1280.0, 1000.0));
    bench.harness.get_by_label("Tools").click();
    bench.wait_for_label("Auto-issue Rules…");
    bench.harness.get_by_label("Auto-issue Rules…").click();
    bench.wait_for("the rules", |h| {
        matches!(h.state().state.rules.saved, Load::Ready(_))
    });
    assert_eq!(bench.state().rules.form.name, "Schema drift");
    assert!(bench.state().rules.form.starter);

    // Try on the last event: the drift that just happened matches.
    bench.wait_for_label("Try on the last event");
    let try_it = bench.harness.get_by_label("Try on the last event");
    assert!(!try_it.accesskit_node().is_disabled());
    try_it.click();

    bench.wait_for("the preview", |h| {
        let r = &h.state().state.rules;
        r.tried.is_some() || r.error.is_some()
    });
    assert_eq!(bench.state().rules.error, None);
    bench.wait_for_label("Matches the last drift.detected event on demo.");

    // An invalid condition: the CEL error under the field, Save refused.
    fill(&mut bench, "Condition", "drift.severity ==");
    let error = bench.state().rules.condition_error.clone();
    let error = error.expect("the CEL error");
    assert!(error.starts_with("not valid CEL at 1:"), "{error}");
    bench.wait_for_label(&error);
    assert!(
        bench
            .harness
            .query_by_label_contains("Names for drift.detected:")
            .is_some()
    );
    assert!(
        bench
            .harness
            .get_by_label("Save")
            .accesskit_node()
            .is_disabled()
    );

    bench.settle();
    {
        let s = &mut bench.harness.state_mut().state;
        s.rules.file = "CONFIG_DIR/auto_issue_rules.json".into();
        s.tabs.retain(|t| matches!(t, sr_ui::state::Tab::Rules));
        s.active_tab = Some(0);
        s.rules.tried = None;
    }
    bench.harness.set_size(egui::vec2(1600.0, 800.0));
    bench.snapshot("rules_invalid_condition");
}
