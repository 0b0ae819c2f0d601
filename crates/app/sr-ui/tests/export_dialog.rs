//! File → Export… on a real PostgreSQL connection: an issue linked to one
//! of its tables, exported from the dialog for that connection as CSV;
//! the window stays live while the engine writes the file, the toast says
//! where, and the file holds the link. The dialog has its picture.

use crate::common;

use common::db::{runtime, shop_database};
use common::{Workbench, fill};
use egui_kittest::kittest::Queryable;
use sr_engine::export::{ExportFormat, ExportKind};
use sr_model::IssueDraft;
use sr_ui::state::Dialog;

#[test]
fn links_of_one_connection_export_from_the_file_menu() {
    let rt = runtime();
    let url = shop_database(&rt);
    let mut bench = Workbench::start_with(|paths, _| {
        let file = serde_json::json!({"connections": [{"name": "shop", "url": url}]});
        std::fs::write(paths.connections_file(), file.to_string()).expect("connections.json");
        // An issue linked to sales.invoices, filed by another engine on the
        // same store before the window opens.
        rt.block_on(async {
            let mut options = sr_engine::EngineOptions::new(paths.clone());
            options.actor = "tester".into();
            let engine = sr_engine::Engine::open(options).await.expect("an engine");
            let object = engine
                .object("shop:sales.invoices")
                .await
                .expect("the table, found on the live connection");
            let draft = IssueDraft::new("Invoice totals in cents", "");
            engine
                .create_issue(Some(&object), &draft, "Local")
                .await
                .expect("an issue linked to sales.invoices");
            engine.close().await;
        });
    });
    let out = bench.dir.path().join("exports");
    std::fs::create_dir_all(&out).expect("an export directory");
    bench.harness.state_mut().state.export_dir = out.clone();

    bench.harness.get_by_label("File").click();
    bench.wait_for_label("Export…");
    bench.harness.get_by_label("Export…").click();
    bench.wait_for_label("Excel (.xlsx)");
    // The connection list is egui's combo box; the choice is made on the
    // dialog's state as the combo would.
    if let Some(Dialog::Export(d)) = &mut bench.harness.state_mut().state.dialog {
        d.connection = Some("shop".into());
    }
    bench.harness.step();
    let path = out.join("shop-links.csv");
    fill(&mut bench, "File", &path.display().to_string());
    let Some(Dialog::Export(d)) = &bench.state().dialog else {
        panic!("the Export dialog is open");
    };
    assert_eq!(
        (d.kind, d.format, d.connection.as_deref()),
        (ExportKind::Links, ExportFormat::Csv, Some("shop"))
    );
    // The temporary directory changes every run; the picture shows a fixed path.
    if let Some(Dialog::Export(d)) = &mut bench.harness.state_mut().state.dialog {
        d.path = "/home/tester/shop-links.csv".into();
    }
    bench.snapshot("export_dialog");
    fill(&mut bench, "File", &path.display().to_string());

    export_button(&bench).click();
    let toast = format!("Exported 1 links rows to {}", path.display());
    bench.wait_for("the export's toast", |h| {
        h.state().state.toasts.iter().any(|t| t.text == toast)
    });
    assert!(bench.state().dialog.is_none(), "the dialog closes");
    let text = std::fs::read_to_string(&path).expect("the export was written");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("link_id,object,connection,"), "{text}");
    assert!(
        lines[1].contains(",shop:table:sales.invoices,shop,table,sales,invoices,local:default:1,LOCAL-1,Invoice totals in cents,"),
        "{text}"
    );
}

/// The dialog's Export button (the File menu's item is "Export…").
fn export_button(bench: &Workbench) -> egui_kittest::Node<'_> {
    use egui::accesskit::Role;
    use egui_kittest::kittest::NodeT;
    bench
        .harness
        .query_all_by_label("Export")
        .find(|n| n.accesskit_node().role() == Role::Button)
        .expect("the Export button")
}
