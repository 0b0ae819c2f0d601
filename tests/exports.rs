//! `scratchrobin export`: links, cached issues and the audit log of a team
//! store on PostgreSQL, about objects of a PostgreSQL and a MariaDB
//! profile, as CSV, JSON and a workbook. The workbook is read back by an
//! independent reader (openpyxl, installed by `cargo xtask test`) and must
//! hold the same rows as the CSV.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A throwaway data and config directory on a shared PostgreSQL store.
struct Env {
    dir: tempfile::TempDir,
    store: String,
    vars: Vec<(String, String)>,
}

impl Env {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_scratchrobin"));
        cmd.arg("--data-dir")
            .arg(self.path("data"))
            .arg("--config-dir")
            .arg(self.path("config"))
            .arg("--store")
            .arg(&self.store)
            .args(args)
            .env_remove("SCRATCHROBIN_STORE")
            .env("USER", "tester")
            .envs(self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }

    /// Runs `args`, which must succeed; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {text}"))
    }

    /// Adds profile `name` for `url`, its password from `${NAME_PW}`.
    fn add_profile(&mut self, name: &str, url: &str) {
        let parsed = url::Url::parse(url).expect("a database URL");
        let var = format!("{}_PW", name.to_uppercase());
        let mut clean = parsed.clone();
        if let Some(pw) = parsed.password() {
            self.vars.push((var.clone(), pw.to_owned()));
            clean.set_password(None).expect("a URL with a host");
        }
        let clean = clean.to_string();
        let mut args = vec!["connection", "add", name, &clean];
        if parsed.password().is_some() {
            args.extend(["--password-env", &var]);
        }
        self.ok(&args);
    }

    fn create_issue(&self, object: &str, title: &str) -> String {
        let created = self.json(&[
            "issue",
            "create",
            "--tracker",
            "Local",
            "--object",
            object,
            "--title",
            title,
            "--json",
        ]);
        created["issue"]["key"]
            .as_str()
            .unwrap_or_else(|| panic!("an issue key in {created}"))
            .to_owned()
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

async fn postgres(url: &str, sql: &str) {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await.expect("PostgreSQL");
    sqlx::raw_sql(sql).execute(&mut c).await.expect(sql);
}

async fn mariadb(url: &str, sql: &str) {
    use sqlx::Connection;
    let mut c = sqlx::MySqlConnection::connect(url).await.expect("MariaDB");
    sqlx::raw_sql(sql).execute(&mut c).await.expect(sql);
}

/// The tests' Python, which has openpyxl (`cargo xtask test` makes it).
fn python() -> std::path::PathBuf {
    sr_testkit::python().unwrap_or_else(|e| panic!("{e}"))
}

/// Reads the CSV with Python's csv module and the workbook with openpyxl,
/// every cell as text (a blank cell as ""), both as lists of rows.
const READ_BOTH: &str = r#"
import csv, json, sys
import openpyxl
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    csv_rows = [row for row in csv.reader(f)]
book = openpyxl.load_workbook(sys.argv[2], read_only=True)
sheet = book.worksheets[0]
def text(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
xlsx_rows = [[text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
print(json.dumps({"sheet": sheet.title, "csv": csv_rows, "xlsx": xlsx_rows}))
"#;

/// The rows of `csv` and of `xlsx`, each read by an independent reader.
pub(crate) fn read_both(csv: &Path, xlsx: &Path) -> (String, Vec<Vec<String>>, Vec<Vec<String>>) {
    let out = Command::new(python())
        .arg("-c")
        .arg(READ_BOTH)
        .arg(csv)
        .arg(xlsx)
        .output()
        .unwrap_or_else(|e| panic!("{} cannot run: {e}", python().display()));
    assert!(
        out.status.success(),
        "openpyxl could not read {}: {}\n(openpyxl missing? `cargo xtask test` installs it)",
        xlsx.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("the reader's JSON");
    let rows = |key: &str| -> Vec<Vec<String>> {
        serde_json::from_value(v[key].clone()).expect("rows of text")
    };
    (
        v["sheet"].as_str().unwrap_or_default().to_owned(),
        rows("csv"),
        rows("xlsx"),
    )
}

/// Exports `what` (for `connection` when given) as CSV, JSON and a
/// workbook; checks the workbook and the JSON hold the CSV's rows and
/// returns the CSV's rows (header first).
fn export_three_ways(env: &Env, what: &str, connection: Option<&str>) -> Vec<Vec<String>> {
    let name = format!("{what}-{}", connection.unwrap_or("all"));
    let csv = env.path(&format!("{name}.csv"));
    let xlsx = env.path(&format!("{name}.xlsx"));
    let mut base = vec!["export", what];
    if let Some(c) = connection {
        base.extend(["--connection", c]);
    }
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        base.iter().chain(extra).copied().collect()
    }
    env.ok(&with(
        &base,
        &["--format", "csv", "-o", csv.to_str().expect("UTF-8")],
    ));
    env.ok(&with(
        &base,
        &["--format", "xlsx", "-o", xlsx.to_str().expect("UTF-8")],
    ));
    let json = env.json(&with(&base, &["--format", "json"]));
    let (sheet, csv_rows, xlsx_rows) = read_both(&csv, &xlsx);
    assert_eq!(sheet, what);
    assert_eq!(xlsx_rows, csv_rows, "the workbook holds the CSV's rows");
    // JSON: one object per CSV row, keyed by the header, same values.
    let header = &csv_rows[0];
    let from_json: Vec<Vec<String>> = json
        .as_array()
        .unwrap_or_else(|| panic!("a JSON array: {json}"))
        .iter()
        .map(|o| {
            header
                .iter()
                .map(|h| match &o[h.as_str()] {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(from_json, csv_rows[1..], "the JSON holds the CSV's rows");
    csv_rows
}

/// The values of column `name` in `rows` (header first).
fn column<'a>(rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    rows[1..].iter().map(|r| r[i].as_str()).collect()
}

#[test]
fn links_issues_and_audit_export_alike_as_csv_json_and_xlsx() {
    let pg = block_on(sr_testkit::postgres_db());
    let maria = block_on(sr_testkit::mariadb_db());
    let store = block_on(sr_testkit::postgres_db());
    block_on(postgres(
        &pg,
        "CREATE TABLE public.orders (id INT PRIMARY KEY, placed_at TIMESTAMPTZ)",
    ));
    block_on(mariadb(
        &maria,
        "CREATE TABLE customers (id INT PRIMARY KEY, email TEXT)",
    ));
    let crm_db = url::Url::parse(&maria)
        .expect("a URL")
        .path()
        .trim_start_matches('/')
        .to_owned();
    let mut env = Env {
        dir: tempfile::tempdir().expect("a temporary directory"),
        store,
        vars: Vec::new(),
    };
    env.add_profile("shop", &pg);
    env.add_profile("crm", &maria);
    let orders = "shop:public.orders";
    let customers = format!("crm:{crm_db}.customers");

    // A title a CSV must quote, with text past ASCII.
    let tricky = "Orders, \"placed_at\" needs an index — é";
    let first = env.create_issue(orders, tricky);
    let second = env.create_issue(&customers, "Customers need an email check");
    env.ok(&["link", "add", "--object", orders, "--issue", &second]);

    let links = export_three_ways(&env, "links", None);
    assert_eq!(links.len(), 4, "three links and the header: {links:?}");
    assert_eq!(
        column(&links, "issue"),
        [first.as_str(), second.as_str(), second.as_str()]
    );
    let shop_links = export_three_ways(&env, "links", Some("shop"));
    assert_eq!(
        column(&shop_links, "object"),
        ["shop:table:public.orders"; 2]
    );
    assert_eq!(
        column(&shop_links, "title"),
        [tricky, "Customers need an email check"]
    );
    assert_eq!(column(&shop_links, "created_by"), ["tester"; 2]);

    let crm_issues = export_three_ways(&env, "issues", Some("crm"));
    assert_eq!(column(&crm_issues, "issue"), [second.as_str()]);
    assert_eq!(column(&crm_issues, "display_key"), ["LOCAL-2"]);
    assert_eq!(column(&crm_issues, "assignee"), [""]);
    let all_issues = export_three_ways(&env, "issues", None);
    assert_eq!(
        column(&all_issues, "issue"),
        [first.as_str(), second.as_str()]
    );

    let audit = export_three_ways(&env, "audit", None);
    assert_eq!(
        column(&audit, "action"),
        [
            "issue_created",
            "linked",
            "issue_created",
            "linked",
            "linked"
        ]
    );
    let shop_audit = export_three_ways(&env, "audit", Some("shop"));
    assert_eq!(
        column(&shop_audit, "object"),
        ["shop:table:public.orders"; 3],
        "{shop_audit:?}"
    );

    // A connection nobody has is named with the closest one.
    let out = env.run(&["export", "links", "--connection", "shp"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no connection named `shp`; did you mean `shop`?"),
        "{err}"
    );
}

#[test]
fn two_exports_to_one_file_at_once_leave_one_whole_workbook() {
    let store = block_on(sr_testkit::postgres_db());
    let pg = block_on(sr_testkit::postgres_db());
    block_on(postgres(
        &pg,
        "CREATE TABLE public.orders (id INT PRIMARY KEY)",
    ));
    let mut env = Env {
        dir: tempfile::tempdir().expect("a temporary directory"),
        store,
        vars: Vec::new(),
    };
    env.add_profile("shop", &pg);
    for n in 0..3 {
        env.create_issue("shop:public.orders", &format!("Orders issue {n}"));
    }
    let xlsx = env.path("links.xlsx");
    let xlsx_arg = xlsx.to_str().expect("UTF-8");
    let args = ["export", "links", "--format", "xlsx", "-o", xlsx_arg];
    let children: Vec<_> = (0..2)
        .map(|_| env.command(&args).spawn().expect("the binary starts"))
        .collect();
    for mut child in children {
        assert!(child.wait().expect("the export ends").success());
    }
    let csv = env.path("links.csv");
    env.ok(&["export", "links", "-o", csv.to_str().expect("UTF-8")]);
    let (_, csv_rows, xlsx_rows) = read_both(&csv, &xlsx);
    assert_eq!(csv_rows.len(), 4);
    assert_eq!(xlsx_rows, csv_rows);
    // No temporary file is left beside it.
    let mut names: Vec<String> = std::fs::read_dir(env.dir.path())
        .expect("the directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names, ["config", "data", "links.csv", "links.xlsx"]);
}
