//! Your own database in the workbench, on a real PostgreSQL server (a
//! fresh database from sr-testkit, two schemas with a table each): add it
//! in the connection manager from a pasted URL, test it, see its schemas
//! in the explorer, file a Local issue on one of its tables from its
//! right-click menu and see the badge, open its designer and a SQL editor
//! on it, alter the table from outside, turn its drift check on, and see
//! the drift and the issue the rules filed. Each step has its picture.
//! Then a connection that cannot open (a closed port) beside one that
//! works: its cause and fix on its own node.

use crate::common;

use std::sync::Arc;

use common::db::{
    context_menu, execute, mask_labels_containing, repo, runtime, settle, shop_database,
    snapshot_hiding,
};
use common::{Workbench, fill};
use egui_kittest::kittest::Queryable;
use sr_ui::state::{Dialog, Load, SqlAnswer, Tab, feed_rows};

#[test]
fn a_postgres_connection_added_in_the_manager_works_everywhere() {
    let rt = runtime();
    let url = shop_database(&rt);
    let database = url.rsplit('/').next().unwrap_or_default().to_owned();
    let port = url::Url::parse(&url)
        .ok()
        .and_then(|u| u.port())
        .expect("a port")
        .to_string();
    let mut bench = Workbench::start_with(|paths, _| {
        std::fs::copy(
            repo("config/auto_issue_rules.example.json"),
            paths.rules_file(),
        )
        .expect("rules copied");
    });

    // File → New Connection…: a pasted URL fills the fields.
    bench.harness.get_by_label("File").click();
    // The item's accessible label holds its shortcut too.
    bench.wait_for("the File menu", |h| {
        h.query_by_label_contains("New Connection…").is_some()
    });
    bench
        .harness
        .query_by_label_contains("New Connection…")
        .expect("the menu item")
        .click();
    bench.wait_for_label("Paste a URL");
    fill(&mut bench, "Name", "shop");
    fill(&mut bench, "Paste a URL", &url);
    bench.harness.get_by_label("Read URL").click();
    // The click settles over a few frames; a focus given meanwhile is
    // taken back by it.
    for _ in 0..3 {
        bench.harness.step();
    }
    fill(&mut bench, "Environment", "production");
    let Some(Dialog::Connection(d)) = &bench.state().dialog else {
        panic!("the dialog closed");
    };
    assert_eq!(
        (d.fields.host.as_str(), d.fields.port.as_str()),
        ("127.0.0.1", port.as_str())
    );
    assert_eq!(d.fields.database, database);
    assert_eq!(d.environment, "production");
    bench.harness.get_by_label("Test").click();
    bench.wait_for("the test's answer", |h| {
        matches!(&h.state().state.dialog, Some(Dialog::Connection(d)) if d.current_test().is_some())
    });
    let Some(Dialog::Connection(d)) = &bench.state().dialog else {
        panic!("the dialog closed");
    };
    let test = d.current_test().map(|t| t.result.clone());
    let Some(Ok(found)) = test else {
        panic!("the test failed: {test:?}");
    };
    let version = found.server_version.clone().unwrap_or_default();
    assert!(version.starts_with("PostgreSQL "), "{version}");
    assert!(
        bench
            .harness
            .query_by_label(&format!("✔ Connected: {version}"))
            .is_some()
    );
    bench.harness.event(egui::Event::PointerGone);
    settle(&mut bench);
    // The version and timings change from run to run; the picture shows
    // fixed ones.
    if let Some(Dialog::Connection(d)) = &mut bench.harness.state_mut().state.dialog
        && let Some(t) = &mut d.test
        && let Ok(found) = &mut t.result
    {
        found.server_version = Some("PostgreSQL (version fixed for the picture)".into());
        found.connect_ms = 10;
        found.round_trip_ms = 0.5;
    }
    bench.harness.step();
    mask_labels_containing(&mut bench, &[&port, &database]);
    for label in ["Port", "Database"] {
        let rect = common::text_box(&bench.harness, label).rect();
        bench.harness.mask(rect);
    }
    bench.harness.snapshot("connection_manager");

    // Save: the profile joins the explorer with its dialect and tag.
    bench.harness.get_by_label("Save").click();
    bench.wait_for("the saved connection in the explorer", |h| {
        h.state().state.dialog.is_none() && h.query_by_label("🗄 shop").is_some()
    });
    let saved = std::fs::read_to_string(bench.dir.path().join("config/connections.json"))
        .expect("connections.json written");
    assert!(saved.contains("\"environment\": \"production\""), "{saved}");
    assert!(
        bench
            .harness
            .query_by_label("environment production")
            .is_some()
    );

    // Expanded, it connects and lists every schema.
    bench.harness.get_by_label("🗄 shop").click();
    bench.wait_for_label("🗀 sales  (1)");
    bench.wait_for_label("🗀 inventory  (1)");
    assert!(bench.harness.query_by_label("⊞ stock_items").is_some());

    // Create Issue on a table of another schema than public, from its
    // right-click menu.
    bench.harness.get_by_label("⊞ invoices").click_secondary();
    bench.wait_for_label("Create Issue…");
    bench.snapshot("connection_explorer");
    bench.harness.get_by_label("Create Issue…").click();
    bench.harness.step();
    bench.wait_for(
        "the engine's draft",
        |h| matches!(&h.state().state.dialog, Some(Dialog::CreateIssue(d)) if d.drafting.is_none()),
    );
    fill(&mut bench, "Title", "Invoices need a currency");
    bench.harness.get_by_label("Create").click();
    bench.wait_for_label("1 linked issue, open");
    bench.harness.event(egui::Event::PointerGone);
    // The object's tab names the database, new every run.
    snapshot_hiding(&mut bench, "connection_issue_badge", &["sr_test_"], 600.0);

    // Its designer and a SQL editor on it.
    // One schema at a time: the first with tables, then sales picked.
    context_menu(&mut bench, "🗄 shop", "Open Designer");
    bench.wait_for_label("Table stock_items");
    assert!(bench.harness.query_by_label("Table invoices").is_none());
    bench.harness.get_by_label("Schema").click();
    bench.settle();
    bench.harness.get_by_label_contains("sales (").click();
    bench.wait_for_label("Table invoices");
    assert!(bench.harness.query_by_label("Table stock_items").is_none());
    bench.harness.event(egui::Event::PointerGone);
    bench.snapshot("connection_designer");
    context_menu(&mut bench, "🗄 shop", "New SQL Editor");
    bench.wait_for_label("▶ Run");
    fill(
        &mut bench,
        "SQL",
        "SELECT sum(total_cents) AS cents FROM sales.invoices",
    );
    bench.harness.get_by_label("▶ Run").click();
    bench.wait_for("the query's answer", |h| {
        h.state()
            .state
            .sql
            .editors
            .values()
            .any(|e| e.answer.is_some())
    });
    let answer = bench
        .state()
        .sql
        .editors
        .values()
        .find_map(|e| e.answer.clone());
    match answer {
        Some(SqlAnswer::Rows(out)) => {
            assert_eq!(out.columns, ["cents"]);
            assert_eq!(out.row(0)[0].as_deref(), Some("2240"));
        }
        other => panic!("the query's rows: {other:?}"),
    }
    // The timing changes from run to run; the picture shows a fixed one.
    for editor in bench.harness.state_mut().state.sql.editors.values_mut() {
        if let Some(SqlAnswer::Rows(out)) = &mut editor.answer {
            Arc::make_mut(out).elapsed = std::time::Duration::from_millis(3);
        }
    }
    bench.harness.event(egui::Event::PointerGone);
    bench.snapshot("connection_sql_editor");

    // Monitoring: nothing runs until turned on.
    context_menu(&mut bench, "🗄 shop", "Monitoring");
    bench.wait_for_label("Nothing runs on this connection: turn a check on and save.");
    // The tab's sections fill in as their answers arrive; click once they
    // stand still.
    settle(&mut bench);
    bench.harness.get_by_label("Save baseline").click();
    bench.wait_for("the baseline", |h| {
        h.state()
            .state
            .monitoring
            .of("shop")
            .is_some_and(|m| matches!(m.baseline, Load::Ready(_)))
    });
    execute(
        &rt,
        &url,
        "ALTER TABLE sales.invoices ADD COLUMN currency text",
    );
    // Turned on, the drift check runs at once and files its issue.
    settle(&mut bench);
    bench.harness.get_by_label("Drift checks").click();
    bench.harness.step();
    bench.harness.get_by_label("Save schedule").click();
    bench.wait_for_label("Running now: drift check every 15 min.");
    bench.wait_for("the scheduled drift check's issue", |h| {
        let s = &h.state().state;
        s.auto_feed
            .iter()
            .any(|a| a.connection == "shop" && a.event == "drift.detected")
    });
    let monitoring = std::fs::read_to_string(bench.dir.path().join("config/monitoring.json"))
        .expect("monitoring.json written");
    assert!(monitoring.contains("\"drift_minutes\": 15"), "{monitoring}");

    // Check drift shows it, and the feed the issue the rule filed.
    settle(&mut bench);
    bench.harness.get_by_label("Check drift").click();
    bench.wait_for("the drift report and the feed", |h| {
        let s = &h.state().state;
        let drifted = s
            .monitoring
            .of("shop")
            .and_then(|m| m.drift.ready())
            .is_some_and(|d| d.report.drifted);
        let outbox = s.monitoring.outbox.ready().map_or(&[][..], |v| v);
        drifted
            && s.auto_feed.len() >= 2
            && feed_rows(&s.auto_feed, outbox)
                .iter()
                .any(|r| r.issue.is_some())
    });
    assert!(
        bench
            .harness
            .query_by_label_contains("sales.invoices — table changed")
            .is_some()
    );
    assert!(bench.harness.query_by_label("+ currency text").is_some());
    let rows = {
        let s = bench.state();
        feed_rows(
            &s.auto_feed,
            s.monitoring.outbox.ready().map_or(&[][..], |v| v),
        )
    };
    let filed = rows
        .iter()
        .find(|r| r.action == "new issue")
        .unwrap_or_else(|| panic!("a new issue in {rows:?}"));
    assert_eq!(filed.rule, "Schema Drift Alert");
    let issue = filed.issue.clone().unwrap_or_default();
    assert!(issue.starts_with("local:"), "{issue}");
    assert!(matches!(
        bench.state().tabs.last(),
        Some(Tab::Monitoring(c)) if c == "shop"
    ));

    // Nothing in flight any more (a settings re-read, an outbox reload),
    // then fixed times and paths for the picture.
    bench.harness.event(egui::Event::PointerGone);
    bench.harness.set_size(egui::vec2(1280.0, 1400.0));
    settle(&mut bench);
    {
        let s = &mut bench.harness.state_mut().state;
        let fixed = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        for a in &mut s.auto_feed {
            a.at = fixed;
        }
        if let Some(m) = s.monitoring.connections.get_mut("shop") {
            m.baseline = Load::Ready("Baseline saved: DATA_DIR/baselines/shop.json".into());
            m.baseline_saved = Some(fixed);
            if let Load::Ready(check) = &mut m.drift {
                let report = &mut Arc::make_mut(check).report;
                report.detected_at = "2027-01-15T08:00:00Z".into();
                report.expected_source = "snapshot file DATA_DIR/baselines/shop.json".into();
                report.database = "postgres://postgres@127.0.0.1:PORT/DATABASE".into();
            }
            m.health = Load::Idle;
        }
        s.toasts = Default::default();
    }
    bench.harness.step();
    mask_labels_containing(&mut bench, &["sr_test_"]);
    // The fingerprint label names the throwaway database's URL, and its
    // width changes with the digits: a mask of one fixed width hides it.
    let fingerprints: Vec<_> = bench
        .harness
        .query_all_by_label_contains("sr-fp-")
        .map(|n| n.rect())
        .collect();
    for rect in fingerprints {
        bench.harness.mask(egui::Rect::from_min_size(
            rect.min,
            egui::vec2(260.0, rect.height()),
        ));
    }
    bench.harness.snapshot("connection_monitoring");
}

#[test]
fn a_connection_that_cannot_open_says_why_beside_one_that_works() {
    let rt = runtime();
    let url = shop_database(&rt);
    let closed = sr_testkit::free_port();
    let mut bench = Workbench::start_with(|paths, _| {
        let file = serde_json::json!({"connections": [
            {"name": "broken", "url": format!("postgres://app@127.0.0.1:{closed}/nothing"),
             "environment": "staging"},
            {"name": "shop", "url": url},
        ]});
        std::fs::write(paths.connections_file(), file.to_string()).expect("connections.json");
    });
    bench.wait_for_label("🗄 broken");
    // The lower one first: a node opening below does not move the one
    // above, whose opening animates what is below it.
    bench.harness.get_by_label("🗄 shop").click();
    bench.harness.step();
    bench.harness.get_by_label("🗄 broken").click();
    bench.wait_for("broken to fail and shop to open", |h| {
        let s = &h.state().state;
        let broken = s.connection("broken").map(|c| &c.schema);
        let shop = s.connection("shop").and_then(|c| c.snapshot());
        matches!(broken, Some(Load::Failed(_))) && shop.is_some()
    });
    let Some(Load::Failed(message)) = bench.state().connection("broken").map(|c| c.schema.clone())
    else {
        panic!("broken did not fail");
    };
    assert!(
        message.contains("refused") && message.contains("start the database server"),
        "the cause and the fix: {message}"
    );
    assert!(bench.harness.query_by_label("Retry broken").is_some());
    assert!(bench.harness.query_by_label("🗀 sales  (1)").is_some());
    assert!(
        bench
            .harness
            .query_by_label("environment staging")
            .is_some()
    );

    // Retry fails again, on its own node only.
    bench.harness.get_by_label("Retry broken").click();
    bench.wait_for("the retry's answer", |h| {
        matches!(
            h.state().state.connection("broken").map(|c| &c.schema),
            Some(Load::Failed(_))
        ) && h.state().state.jobs.is_empty()
    });
    // The port is new every run; the picture shows a fixed one.
    {
        let s = &mut bench.harness.state_mut().state;
        if let Some(c) = s.connections.iter_mut().find(|c| c.info.name == "broken")
            && let Load::Failed(m) = &mut c.schema
        {
            *m = m.replace(&closed.to_string(), "PORT");
        }
        s.last_error = s
            .last_error
            .take()
            .map(|e| e.replace(&closed.to_string(), "PORT"));
    }
    bench.harness.event(egui::Event::PointerGone);
    bench.snapshot("connection_failed");
}
