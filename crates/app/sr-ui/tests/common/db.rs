//! Real databases for the connection flows: a fresh PostgreSQL database
//! with two schemas, SQL run on it from outside as another client would,
//! and the small steps the flows share (a context menu, waiting until
//! nothing moves, masking what changes from run to run).

use egui_kittest::kittest::Queryable;

use super::Workbench;

pub fn repo(file: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../..")
        .join(file)
}

/// Runs SQL on `url` directly, as another client would.
pub fn execute(runtime: &tokio::runtime::Runtime, url: &str, sql: &str) {
    use sqlx::Connection;
    runtime.block_on(async {
        let mut conn = sqlx::PgConnection::connect(url)
            .await
            .expect("a direct connection");
        sqlx::raw_sql(sql).execute(&mut conn).await.expect(sql);
        conn.close().await.ok();
    });
}

/// A fresh PostgreSQL database with schemas `sales` and `inventory`.
pub fn shop_database(runtime: &tokio::runtime::Runtime) -> String {
    let url = runtime.block_on(sr_testkit::postgres_db());
    execute(
        runtime,
        &url,
        "CREATE SCHEMA sales;
         CREATE TABLE sales.invoices (id integer PRIMARY KEY, total_cents bigint NOT NULL);
         INSERT INTO sales.invoices VALUES (1, 1250), (2, 990);
         CREATE SCHEMA inventory;
         CREATE TABLE inventory.stock_items (id integer PRIMARY KEY, name text NOT NULL);",
    );
    url
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Right-click `row` and choose `item` from its menu.
pub fn context_menu(bench: &mut Workbench, row: &str, item: &str) {
    bench.harness.get_by_label(row).click_secondary();
    bench.wait_for_label(item);
    bench.harness.get_by_label(item).click();
    bench.harness.step();
}

/// Waits until nothing is in flight, so nothing moves under a click.
pub fn settle(bench: &mut Workbench) {
    bench.settle();
}

/// The picture without what changes from run to run (the server's port
/// and the database's name in the form, the version and timings).
pub fn mask_labels_containing(bench: &mut Workbench, parts: &[&str]) {
    for part in parts {
        let rects: Vec<_> = bench
            .harness
            .query_all_by_label_contains(part)
            .map(|n| n.rect())
            .collect();
        for rect in rects {
            bench.harness.mask(rect);
        }
    }
}

/// [`Workbench::snapshot`] with the labels holding any of `parts` masked,
/// each mask at least `width` wide: a value's width (a random name in a
/// proportional font) changes from run to run, the mask must not.
pub fn snapshot_hiding(bench: &mut Workbench, name: &str, parts: &[&str], width: f32) {
    bench.settle();
    bench.harness.state_mut().state.toasts = Default::default();
    bench.harness.step();
    for part in parts {
        let rects: Vec<_> = bench
            .harness
            .query_all_by_label_contains(part)
            .map(|n| n.rect())
            .collect();
        for rect in rects {
            let wide = egui::Rect::from_min_size(
                rect.min,
                egui::vec2(rect.width().max(width), rect.height()),
            );
            bench.harness.mask(wide);
        }
    }
    bench.harness.snapshot(name);
}
