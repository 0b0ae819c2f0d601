//! Alerts in the monitoring tab over a real engine: "File issue…" on a
//! failed health check of a real PostgreSQL connection opens Create Issue
//! with the issue the starter rule would file, files one, and pressed
//! again offers that issue instead; on the demo, a drift no rule matched
//! says so in the feed and "Make a rule from this" opens the rules tab
//! with a rule for it, whose save is refused (Reload offered) when the
//! rules file changed on disk meanwhile.

use crate::common;

use common::Workbench;
use common::db::{
    context_menu, mask_labels_containing, runtime, settle, shop_database, snapshot_hiding,
};
use egui_kittest::kittest::Queryable;
use sr_auto::Tracked;
use sr_ui::state::{Dialog, Load, Tab};

/// A backup marker no backup job writes: the backup check fails (critical)
/// and the path is the same in every run.
const NO_BACKUP: &str = "/nonexistent/scratchrobin-test/shop-backup.done";

/// Clicks the "File issue…" button on the line of the health check `check`.
fn file_issue_on_check(bench: &mut Workbench, check: &str) {
    let row = bench.harness.get_by_label(check).rect();
    let button = bench
        .harness
        .query_all_by_label("File issue…")
        .find(|n| {
            let r = n.rect();
            r.center().y >= row.top() && r.center().y <= row.bottom()
        })
        .unwrap_or_else(|| panic!("no File issue… on the {check} line"));
    button.click();
    bench.wait_for("the alert's draft", |h| {
        matches!(&h.state().state.dialog, Some(Dialog::CreateIssue(d))
            if d.alert.as_ref().is_some_and(|a| a.draft.is_some()))
    });
}

fn alert_dialog(bench: &Workbench) -> sr_ui::state::CreateIssueDialog {
    match &bench.state().dialog {
        Some(Dialog::CreateIssue(d)) => d.clone(),
        other => panic!("Create Issue is not open: {other:?}"),
    }
}

#[test]
fn file_issue_on_a_postgres_health_alert_files_once_then_offers_that_issue() {
    let rt = runtime();
    let url = shop_database(&rt);
    let mut bench = Workbench::start_with(|paths, _| {
        let file = serde_json::json!({"connections": [{"name": "shop", "url": url}]});
        std::fs::write(paths.connections_file(), file.to_string()).expect("connections.json");
        let monitoring = serde_json::json!({"connections": {"shop": {
            "drift_minutes": 0, "health_minutes": 0, "perf_minutes": 0,
            "backup_file": NO_BACKUP}}});
        std::fs::write(
            paths.config_dir.join("monitoring.json"),
            monitoring.to_string(),
        )
        .expect("monitoring.json");
    });
    // Tall enough that the dialog's buttons and the feed are on screen
    // (a click lands where the node is drawn).
    bench.harness.set_size(egui::vec2(1280.0, 1400.0));
    bench.wait_for_label("🗄 shop");
    context_menu(&mut bench, "🗄 shop", "Monitoring");
    bench.wait_for("shop's health checks", |h| {
        h.state()
            .state
            .monitoring
            .of("shop")
            .is_some_and(|m| matches!(m.health, Load::Ready(_)))
    });
    settle(&mut bench);

    // The backup check fails: File issue… drafts what the starter rule
    // files for a critical health check.
    file_issue_on_check(&mut bench, "backup");
    let d = alert_dialog(&bench);
    let draft = d
        .alert
        .as_ref()
        .and_then(|a| a.draft.clone())
        .expect("the draft");
    assert_eq!(draft.draft.rule, "Health check critical");
    assert!(draft.draft.tracked == Tracked::Nothing { previous: None });
    assert_eq!(d.tracker, "Local");
    assert_eq!(d.priority.map(|p| p.as_str()), Some("P1"));
    assert_eq!(d.labels, "health");
    assert!(
        d.title.contains("backup") && d.title.contains("shop"),
        "{}",
        d.title
    );
    assert!(d.description.contains(NO_BACKUP), "{}", d.description);
    assert!(bench.harness.query_by_label("Project").is_none());

    let create = bench.harness.get_by_label("Create");
    eprintln!("Create at {:?}", create.rect());
    create.click_accesskit();
    bench.wait_for("the filing to start", |h| match &h.state().state.dialog {
        Some(Dialog::CreateIssue(d)) => d.pending.is_some() || d.error.is_some(),
        _ => true,
    });
    eprintln!(
        "jobs: {:?}",
        bench
            .state()
            .jobs
            .iter()
            .map(|j| j.context.clone())
            .collect::<Vec<_>>()
    );
    bench.wait_for("the issue to be filed, or why not", |h| {
        let s = &h.state().state;
        match &s.dialog {
            Some(Dialog::CreateIssue(d)) => d.error.is_some(),
            _ => true,
        }
    });
    if let Some(Dialog::CreateIssue(d)) = &bench.state().dialog {
        panic!(
            "not filed: {:?} (last error {:?})",
            d.error,
            bench.state().last_error
        );
    }
    let outbox = {
        let mut out = Vec::new();
        bench.wait_for("the outbox with the filed issue", |h| {
            h.state()
                .state
                .monitoring
                .outbox
                .ready()
                .is_some_and(|rows| rows.iter().any(|r| r.intent.issue_key.is_some()))
        });
        out.extend(
            bench
                .state()
                .monitoring
                .outbox
                .ready()
                .cloned()
                .unwrap_or_default(),
        );
        out
    };
    let creates: Vec<_> = outbox
        .iter()
        .filter(|r| r.intent.action.as_str() == "create")
        .collect();
    assert_eq!(creates.len(), 1, "{outbox:?}");
    assert_eq!(creates[0].intent.purpose, "manual");
    assert_eq!(creates[0].intent.fingerprint, draft.draft.fingerprint);

    // Pressed again: the dialog offers the open issue instead of filing.
    settle(&mut bench);
    file_issue_on_check(&mut bench, "backup");
    let d = alert_dialog(&bench);
    let existing = d.alert.as_ref().and_then(|a| a.existing.clone());
    let Some(Tracked::Open(issue)) = existing else {
        panic!("the open issue offered, not {existing:?}");
    };
    assert!(issue.display_key.starts_with("LOCAL-"), "{issue:?}");
    let open = format!("Open {}", issue.display_key);
    bench.wait_for_label(&open);
    assert!(bench.harness.query_by_label("Create").is_none());

    // The picture: the health results (timings, the server's URL) left
    // out, the issue's time fixed.
    {
        let s = &mut bench.harness.state_mut().state;
        if let Some(m) = s.monitoring.connections.get_mut("shop") {
            m.health = Load::Idle;
        }
        if let Some(Dialog::CreateIssue(d)) = &mut s.dialog {
            d.description = d
                .description
                .lines()
                .map(|l| {
                    if l.starts_with("**Time**") {
                        "**Time**: 2027-01-15T08:00:00Z"
                    } else {
                        l
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
        }
    }
    bench.harness.event(egui::Event::PointerGone);
    settle(&mut bench);
    bench.harness.state_mut().state.toasts = Default::default();
    bench.harness.step();
    // The fingerprint is fixed (rule, connection, check); only the
    // throwaway database's name would change.
    mask_labels_containing(&mut bench, &["sr_test_"]);
    bench.harness.snapshot("alert_file_issue_existing");

    // Open LOCAL-n shows the issue.
    bench.harness.get_by_label(&open).click();
    bench.wait_for("the issue's tab", |h| {
        let s = &h.state().state;
        s.dialog.is_none()
            && s.tabs
                .iter()
                .any(|t| matches!(t, Tab::Issue(i) if i.display_key == issue.display_key))
    });
}

#[test]
fn an_alert_no_rule_matched_makes_a_rule_and_a_stale_save_offers_reload() {
    let mut bench = Workbench::start_with(|paths, _| {
        // The user removed every rule: nothing files.
        std::fs::write(paths.rules_file(), r#"{"auto_issue_rules": []}"#).expect("rules");
    });
    // Tall enough that the feed below the drift report is on screen.
    bench.harness.set_size(egui::vec2(1280.0, 1600.0));
    bench.harness.get_by_label("View").click();
    bench.wait_for_label("Monitoring");
    bench.harness.get_by_label("Monitoring").click();
    bench.wait_for_label("Save baseline");
    settle(&mut bench);
    bench.harness.get_by_label("Save baseline").click();
    bench.wait_for("the baseline", |h| {
        h.state()
            .state
            .monitoring
            .of("demo")
            .is_some_and(|m| matches!(m.baseline, Load::Ready(_)))
    });
    common::alter_orders(&mut bench);
    bench.harness.get_by_label("📈 Monitoring: demo").click();
    bench.wait_for_label("Check drift");
    settle(&mut bench);
    bench.harness.get_by_label("Check drift").click();
    bench.wait_for_label("no rule matched: drift.detected on demo");
    settle(&mut bench);
    let make = bench.harness.get_by_label("Make a rule from this");
    eprintln!("Make a rule at {:?}", make.rect());
    make.click_accesskit();
    bench.wait_for("the rules tab", |h| {
        h.state().state.tabs.iter().any(|t| matches!(t, Tab::Rules))
    });
    eprintln!(
        "jobs: {:?}",
        bench
            .state()
            .jobs
            .iter()
            .map(|j| j.context.clone())
            .collect::<Vec<_>>()
    );
    bench.wait_for("the new rule in the rules tab, or why not", |h| {
        let r = &h.state().state.rules;
        (matches!(r.saved, Load::Ready(_)) && r.selected.is_some())
            || r.error.is_some()
            || h.state().state.last_error.is_some()
    });
    assert!(
        bench.state().rules.selected.is_some(),
        "no rule selected: {:?} / {:?} / {:?}",
        bench.state().rules.error,
        bench.state().last_error,
        bench.state().rules.saved
    );
    let form = bench.state().rules.form.clone();
    assert_eq!(
        (
            form.name.as_str(),
            form.event.as_str(),
            form.condition.as_str(),
            form.tracker.as_str(),
            form.template.as_str()
        ),
        (
            "drift.detected on demo",
            "drift.detected",
            "connection == 'demo'",
            "Local",
            "drift_detection"
        )
    );
    assert_eq!(bench.state().rules.condition_error, None);
    assert!(bench.state().rules.dirty());

    // Tried on the drift that just happened, it matches.
    bench.harness.get_by_label("Try on the last event").click();
    bench.wait_for_label("Matches the last drift.detected event on demo.");

    settle(&mut bench);
    {
        let s = &mut bench.harness.state_mut().state;
        s.rules.file = "CONFIG_DIR/auto_issue_rules.json".into();
        s.tabs.retain(|t| matches!(t, Tab::Rules));
        s.active_tab = Some(0);
    }
    bench.harness.set_size(egui::vec2(1600.0, 1000.0));
    bench.harness.event(egui::Event::PointerGone);
    // The fingerprint covers the baseline's temporary path: hidden.
    snapshot_hiding(&mut bench, "rules_rule_from_alert", &["sr-fp-"], 200.0);

    // Another process writes the rules file meanwhile: Save is refused,
    // the edit kept, Reload offered.
    let rules_file = bench
        .dir
        .path()
        .join("config")
        .join("auto_issue_rules.json");
    std::fs::write(
        &rules_file,
        r#"{"auto_issue_rules": [{"name": "Theirs", "event": "drift.detected", "tracker": "Local", "template": "drift_detection"}]}"#,
    )
    .expect("the other edit");
    bench.harness.get_by_label("Save").click();
    bench.wait_for("the refused save", |h| h.state().state.rules.conflict);
    let error = bench.state().rules.error.clone().unwrap_or_default();
    assert!(error.contains("changed on disk"), "{error}");
    assert!(bench.state().rules.dirty(), "the edit is kept");
    let on_disk = std::fs::read_to_string(&rules_file).expect("rules file");
    assert!(on_disk.contains("Theirs"), "not overwritten: {on_disk}");
    bench.wait_for_label("Reload");
    bench.harness.get_by_label("Reload").click();
    bench.wait_for("the rules as on disk", |h| {
        let r = &h.state().state.rules;
        !r.conflict && r.saved.ready().is_some_and(|rules| rules.len() == 1)
    });
    assert_eq!(bench.state().rules.form.name, "Theirs");
}
