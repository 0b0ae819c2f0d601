//! `scratchrobin report traceability --json` on a fixture history: a team
//! store on PostgreSQL holding issues filed and closed at fixed times,
//! links, auto-issues and recorded schema changes about `shop`, a real
//! PostgreSQL database with two schemas. The expected shares and times are
//! worked out by hand below, with the arithmetic beside each.

use std::process::Command;

use chrono::{TimeZone, Utc};
use serde_json::Value;
use sr_model::{
    Issue, IssueKey, IssueRef, IssueStatus, LinkType, ObjectKind, ObjectRef, SyncDirection,
    Timestamp,
};
use sr_store::{AutoIssueState, NewLink, NewSchemaChange, Occurrence, SchemaChangeKind, Store};

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

/// November 2026, `day` at `hour`:00 UTC.
fn at(day: u32, hour: u32) -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
        .single()
        .expect("a valid time")
}

fn issue(n: u32, created: Timestamp, closed: Option<Timestamp>) -> Issue {
    Issue {
        reference: IssueRef {
            key: IssueKey::new("local", "default", n.to_string()),
            display_key: format!("LOCAL-{n}"),
            url: format!("scratchrobin://local/default/{n}"),
            title: format!("Issue {n}"),
            status: if closed.is_some() {
                IssueStatus::closed(None)
            } else {
                IssueStatus::open()
            },
            priority: None,
            labels: Vec::new(),
            assignee: None,
            created_at: created,
            updated_at: closed.unwrap_or(created),
        },
        body: String::new(),
        issue_type: None,
        project: None,
    }
}

struct Fixture {
    store: Store,
    database: String,
}

impl Fixture {
    async fn link(&self, schema: &str, table: &str, issue: &Issue) {
        let object = ObjectRef::new("shop", ObjectKind::Table, &self.database, schema, table);
        self.store
            .link(&NewLink {
                object: &object,
                issue,
                link_type: LinkType::Manual,
                created_by: "tester",
                sync_direction: SyncDirection::Bidirectional,
            })
            .await
            .expect("a link");
    }

    /// An auto-issue row whose issue `issue` was filed for `event`.
    async fn auto_issue(&self, event: &str, object: Option<&str>, issue: &Issue) {
        let key = issue.key().to_string();
        let state = AutoIssueState {
            fingerprint: format!("fp-{key}"),
            rule: "fixture".into(),
            tracker: "Local".into(),
            event: event.into(),
            connection: "shop".into(),
            object: object.map(str::to_owned),
            issue_key: Some(key),
            previous_issue_key: None,
            occurrences: 1,
            first_seen: issue.reference.created_at,
            last_seen: issue.reference.created_at,
            last_data: "{}".into(),
        };
        let written = self
            .store
            .enqueue_auto_issue(
                &Occurrence::Start {
                    state: Box::new(state),
                    replaces: None,
                },
                &[],
            )
            .await
            .expect("an auto-issue row");
        assert!(written.is_some());
        self.store.upsert_issue(issue).await.expect("cached");
    }

    async fn change(
        &self,
        key: &str,
        kind: SchemaChangeKind,
        object: Option<&str>,
        when: Timestamp,
    ) {
        self.store
            .record_schema_change(&NewSchemaChange {
                change_key: key,
                kind,
                connection: "shop",
                object,
                summary: key,
                occurred_at: when,
            })
            .await
            .expect("a change");
    }
}

fn close(actual: &Value, expected: f64, what: &str) {
    let got = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: a number, got {actual}"));
    assert!((got - expected).abs() < 1e-9, "{what}: {got} != {expected}");
}

#[test]
fn traceability_of_a_fixture_history_is_the_hand_computed_one() {
    let pg = block_on(sr_testkit::postgres_db());
    let store_url = block_on(sr_testkit::postgres_db());
    // `shop`: public has orders, items, customers and a view (4 objects);
    // billing has invoices and payments (2 objects).
    block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&pg).await.expect("PostgreSQL");
        sqlx::raw_sql(
            "CREATE TABLE public.orders (id INT PRIMARY KEY);
             CREATE TABLE public.items (id INT PRIMARY KEY);
             CREATE TABLE public.customers (id INT PRIMARY KEY);
             CREATE VIEW public.order_ids AS SELECT id FROM public.orders;
             CREATE SCHEMA billing;
             CREATE TABLE billing.invoices (id INT PRIMARY KEY);
             CREATE TABLE billing.payments (id INT PRIMARY KEY);",
        )
        .execute(&mut c)
        .await
        .expect("the shop schema");
    });
    let database = url::Url::parse(&pg)
        .expect("a URL")
        .path()
        .trim_start_matches('/')
        .to_owned();

    block_on(async {
        let f = Fixture {
            store: Store::open(&store_url).await.expect("the store"),
            database,
        };
        // Issues people filed, linked to what they ask to change.
        let i1 = issue(1, at(2, 0), None); // public.orders
        let i2 = issue(2, at(3, 0), None); // billing.invoices
        f.link("public", "orders", &i1).await;
        f.link("billing", "invoices", &i2).await;
        // Auto-issues, each linked to its object as the outbox links them.
        let a1 = issue(11, at(5, 0), Some(at(5, 12))); // drift, items: 12 h
        let a2 = issue(12, at(6, 0), None); // drift, payments: open
        let a3 = issue(13, at(4, 0), Some(at(5, 0))); // health, no object: 24 h
        let a4 = issue(14, at(7, 0), Some(at(9, 6))); // regression, no object: 54 h
        let a5 = issue(15, at(3, 0), Some(at(3, 6))); // drift, orders: 6 h
        f.link("public", "items", &a1).await;
        f.link("billing", "payments", &a2).await;
        f.link("public", "orders", &a5).await;
        f.auto_issue("drift.detected", Some("public.items"), &a1)
            .await;
        f.auto_issue("drift.detected", Some("billing.payments"), &a2)
            .await;
        f.auto_issue("health.failed", None, &a3).await;
        f.auto_issue("performance.regression", None, &a4).await;
        f.auto_issue("drift.detected", Some("public.orders"), &a5)
            .await;
        // Schema changes.
        use SchemaChangeKind::{Drift, Migration};
        f.change("c1", Drift, Some("public.items"), at(4, 12)).await; // linked (a1)
        f.change("c2", Drift, Some("billing.payments"), at(5, 18))
            .await; // linked (a2)
        f.change("c3", Drift, Some("public.customers"), at(6, 0))
            .await; // not linked
        f.change("c4", Migration, Some("public.orders"), at(3, 12))
            .await; // linked (i1, a5)
        f.change("c5", Migration, Some("billing.invoices"), at(4, 0))
            .await; // linked (i2)
        f.change("c6", Migration, None, at(8, 0)).await; // whole database: not linked
        f.store.close().await;
    });

    let dir = tempfile::tempdir().expect("a temporary directory");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .arg("--config-dir")
            .arg(dir.path().join("config"))
            .arg("--store")
            .arg(&store_url)
            .args(args)
            .env_remove("SCRATCHROBIN_STORE")
            .env("USER", "tester")
            .output()
            .expect("the binary runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["connection", "add", "shop", &pg]);
    let text = run(&["report", "traceability", "--connection", "shop", "--json"]);
    let report: Value = serde_json::from_str(&text).expect("JSON");
    let shop = &report["connections"][0];
    assert_eq!(shop["connection"], "shop");
    assert_eq!(shop["objects_error"], Value::Null);

    // Objects with a linked issue: orders (i1, a5), items (a1), invoices
    // (i2), payments (a2); customers and the view have none: 4 of 6.
    assert_eq!(shop["objects"]["total"], 6);
    assert_eq!(shop["objects"]["linked"], 4);
    close(&shop["objects"]["share"], 4.0 / 6.0, "objects share");

    // Changes: c1, c2, c4, c5 touch a linked object; c3's object has no
    // issue and c6 names none: 4 of 6. Drift c1, c2 of c1..c3: 2 of 3;
    // migrations c4, c5 of c4..c6: 2 of 3; no merged PR yet: 0 of 0.
    let changes = &shop["schema_changes"];
    assert_eq!(changes["total"]["total"], 6);
    assert_eq!(changes["total"]["linked"], 4);
    close(&changes["total"]["share"], 4.0 / 6.0, "changes share");
    close(&changes["drift"]["share"], 2.0 / 3.0, "drift share");
    close(
        &changes["migrations"]["share"],
        2.0 / 3.0,
        "migrations share",
    );
    assert_eq!(changes["merged_prs"]["total"], 0);
    assert_eq!(changes["merged_prs"]["share"], Value::Null);

    // Issue to migration: c4 from i1 (day 2 00:00 to day 3 12:00 = 36 h;
    // a5 on orders is newer but an auto-issue, so not the request); c5
    // from i2 (day 3 00:00 to day 4 00:00 = 24 h). Mean (36 + 24) / 2 =
    // 30 h, median of two = 30 h.
    let lead = &shop["issue_to_migration"];
    assert_eq!(lead["count"], 2);
    close(&lead["mean_hours"], 30.0, "mean lead");
    close(&lead["median_hours"], 30.0, "median lead");

    // Time to resolve: drift a1 12 h and a5 6 h resolved, a2 open: mean
    // (12 + 6) / 2 = 9 h; health a3 24 h; regression a4 day 7 00:00 to
    // day 9 06:00 = 54 h.
    let resolve = &shop["resolve"];
    assert_eq!(resolve["drift"]["filed"], 3);
    assert_eq!(resolve["drift"]["resolved"], 2);
    assert_eq!(resolve["drift"]["open"], 1);
    close(&resolve["drift"]["mean_hours"], 9.0, "drift resolve");
    close(&resolve["health"]["mean_hours"], 24.0, "health resolve");
    close(
        &resolve["regression"]["mean_hours"],
        54.0,
        "regression resolve",
    );

    // Per schema.
    let schemas = shop["schemas"].as_array().expect("schemas");
    let names: Vec<&str> = schemas
        .iter()
        .filter_map(|s| s["schema"].as_str())
        .collect();
    assert_eq!(names, ["billing", "public"]);
    let (billing, public) = (&schemas[0], &schemas[1]);
    // billing: invoices, payments both linked: 2 of 2; changes c2, c5
    // both linked: 2 of 2; lead c5 24 h; drift a2 open, none resolved.
    close(&billing["objects"]["share"], 1.0, "billing objects");
    close(
        &billing["schema_changes"]["total"]["share"],
        1.0,
        "billing changes",
    );
    close(
        &billing["issue_to_migration"]["mean_hours"],
        24.0,
        "billing lead",
    );
    assert_eq!(billing["resolve"]["drift"]["open"], 1);
    assert_eq!(billing["resolve"]["drift"]["mean_hours"], Value::Null);
    // public: orders, items of four: 2 of 4 = 0.5; changes c1, c4 of c1,
    // c3, c4: 2 of 3; lead c4 36 h; drift a1 12 h and a5 6 h: mean 9 h;
    // health and regression alerts name no object, so no schema has them.
    close(&public["objects"]["share"], 0.5, "public objects");
    close(
        &public["schema_changes"]["total"]["share"],
        2.0 / 3.0,
        "public changes",
    );
    close(
        &public["issue_to_migration"]["mean_hours"],
        36.0,
        "public lead",
    );
    close(
        &public["resolve"]["drift"]["mean_hours"],
        9.0,
        "public drift",
    );
    assert_eq!(public["resolve"]["health"]["filed"], 0);

    // The export holds the same figures, alike as CSV, JSON and a
    // workbook (read back by openpyxl): the connection's row, then one
    // per schema.
    let csv = dir.path().join("trace.csv");
    let xlsx = dir.path().join("trace.xlsx");
    for (format, file) in [("csv", &csv), ("xlsx", &xlsx)] {
        let file = file.to_str().expect("UTF-8");
        run(&[
            "export",
            "traceability",
            "--connection",
            "shop",
            "--format",
            format,
            "-o",
            file,
        ]);
    }
    let json: Value = serde_json::from_str(&run(&[
        "export",
        "traceability",
        "--connection",
        "shop",
        "--format",
        "json",
    ]))
    .expect("JSON");
    let (sheet, csv_rows, xlsx_rows) = crate::exports::read_both(&csv, &xlsx);
    assert_eq!(sheet, "traceability");
    assert_eq!(xlsx_rows, csv_rows, "the workbook holds the CSV's rows");
    let header = &csv_rows[0];
    let cell = |row: usize, name: &str| -> &str {
        let i = header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name}"));
        &csv_rows[row][i]
    };
    assert_eq!(
        csv_rows.len(),
        4,
        "header, shop, billing, public: {csv_rows:?}"
    );
    assert_eq!((cell(1, "connection"), cell(1, "schema")), ("shop", ""));
    assert_eq!(cell(1, "objects_linked"), "4");
    assert_eq!(cell(1, "changes_share"), (4.0_f64 / 6.0).to_string());
    assert_eq!(cell(1, "issue_to_migration_mean_hours"), "30");
    assert_eq!(cell(1, "merged_prs_linked"), "0");
    assert_eq!(cell(1, "drift_resolve_mean_hours"), "9");
    assert_eq!(cell(2, "schema"), "billing");
    assert_eq!(cell(2, "drift_resolve_mean_hours"), "");
    assert_eq!(cell(3, "objects_share"), "0.5");
    let rows = json.as_array().expect("a JSON array");
    assert_eq!(rows.len(), 3);
    close(
        &rows[0]["regression_resolve_mean_hours"],
        54.0,
        "JSON regression",
    );
    assert_eq!(rows[1]["drift_resolve_mean_hours"], Value::Null);

    // The text form says the same.
    let text = run(&["report", "traceability", "--connection", "shop"]);
    assert!(
        text.contains("objects with issues      4/6 (66.7%)"),
        "{text}"
    );
    assert!(
        text.contains("2 migrations, mean 30.0 h, median 30.0 h"),
        "{text}"
    );
}
