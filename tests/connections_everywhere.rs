//! Every command that takes a connection takes any profile of
//! connections.json, not only `demo`: the real binary with a PostgreSQL
//! and a MariaDB profile (passwords from the environment) on real servers,
//! through `issue create --object PROFILE:schema.table`, `links`,
//! `schema snapshot`, `drift check`, `health` and `query bench`.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

/// A throwaway data and config directory for the binary.
struct Env {
    dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("a temporary directory"),
            vars: Vec::new(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
            .arg("--data-dir")
            .arg(self.path("data"))
            .arg("--config-dir")
            .arg(self.path("config"))
            .args(args)
            .env_remove("SCRATCHROBIN_STORE")
            .envs(self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .expect("the binary runs")
    }

    /// Runs `args`, expects exit `code`, returns stdout.
    fn expect(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn json(&self, args: &[&str], code: i32) -> Value {
        let text = self.expect(args, code);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {text}"))
    }
}

/// Adds profile `name` for `url`, its password (if the URL holds one) in
/// `${NAME_PW}`, so no keyring is needed.
fn add_profile(env: &mut Env, name: &str, url: &str) {
    let parsed = url::Url::parse(url).expect("a database URL");
    let var = format!("{}_PW", name.to_uppercase());
    let mut clean = parsed.clone();
    let mut args = vec!["connection", "add", name];
    if let Some(pw) = parsed.password() {
        env.vars.push((var.clone(), pw.to_owned()));
        clean.set_password(None).expect("a URL with a host");
    }
    let clean = clean.to_string();
    args.push(&clean);
    if parsed.password().is_some() {
        args.extend(["--password-env", &var]);
    }
    env.expect(&args, 0);
}

/// Everything a user does with their own database, on `conn`, where
/// `schema` holds table `film` and `sql` runs SQL on the database directly.
fn every_command_takes(env: &Env, conn: &str, schema: &str, alter: &dyn Fn(&str)) {
    let object = format!("{conn}:{schema}.film");
    // An issue about the table, linked to it.
    let created = env.json(
        &[
            "issue",
            "create",
            "--tracker",
            "Local",
            "--object",
            &object,
            "--title",
            "Index film.title",
            "--json",
        ],
        0,
    );
    let key = created["issue"]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("an issue key in {created}"))
        .to_owned();
    let links = env.json(&["links", "--object", &object, "--json"], 0);
    let listed = links.as_array().expect("a list of links");
    assert_eq!(listed.len(), 1, "{links}");
    assert_eq!(listed[0]["issue"]["key"], key.as_str(), "{links}");
    assert_eq!(
        listed[0]["object"]["connection"], conn,
        "the link names the profile: {links}"
    );
    assert_eq!(
        (
            &listed[0]["object"]["type"],
            &listed[0]["object"]["schema"],
            &listed[0]["object"]["name"]
        ),
        (
            &Value::from("TABLE"),
            &Value::from(schema),
            &Value::from("film")
        ),
        "{links}"
    );

    // A snapshot of the live schema is the baseline; no drift until the
    // table changes from outside.
    let baseline = env.path(&format!("{conn}-baseline.json"));
    let baseline = baseline.to_str().expect("a UTF-8 path");
    env.expect(&["schema", "snapshot", "--db", conn, "-o", baseline], 0);
    let snapshot = std::fs::read_to_string(baseline).expect("the snapshot was written");
    assert!(snapshot.contains("\"film\""), "{snapshot}");
    let report = env.json(
        &[
            "drift",
            "check",
            "--db",
            conn,
            "--baseline",
            baseline,
            "--json",
        ],
        0,
    );
    assert_eq!(report["drifted"], false, "{report}");
    alter("ALTER TABLE film ADD COLUMN rating INTEGER");
    let report = env.json(
        &[
            "drift",
            "check",
            "--db",
            conn,
            "--baseline",
            baseline,
            "--json",
        ],
        2,
    );
    assert_eq!(report["drifted"], true, "{report}");
    assert!(report.to_string().contains("rating"), "{report}");

    // Health and a query bench on the same profile.
    let health = env.json(&["health", "--db", conn, "--json"], 0);
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["connection"], conn, "{health}");
    let sql = env.path(&format!("{conn}.sql"));
    std::fs::write(&sql, format!("SELECT count(*) FROM {schema}.film")).expect("the query file");
    let bench = env.json(
        &[
            "query",
            "bench",
            "--db",
            conn,
            "--sql",
            sql.to_str().expect("UTF-8"),
            "--runs",
            "3",
            "--json",
            "--save-baseline",
        ],
        0,
    );
    assert!(bench["median_ms"].is_number(), "{bench}");
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

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

#[test]
fn a_postgres_profile_works_in_every_command() {
    let url = block_on(sr_testkit::postgres_db());
    block_on(postgres(
        &url,
        "CREATE SCHEMA catalog; CREATE TABLE catalog.film (id INT PRIMARY KEY, title TEXT); \
         INSERT INTO catalog.film VALUES (1, 'Alien')",
    ));
    let mut env = Env::new();
    add_profile(&mut env, "shop", &url);
    let list = env.json(&["connection", "list", "--json"], 0);
    let names: Vec<&str> = list
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["demo", "shop"], "{list}");
    let alter = |sql: &str| {
        block_on(postgres(&url, &format!("SET search_path = catalog; {sql}")));
    };
    every_command_takes(&env, "shop", "catalog", &alter);
}

#[test]
fn a_mariadb_profile_works_in_every_command() {
    let url = block_on(sr_testkit::mariadb_db());
    block_on(mariadb(
        &url,
        "CREATE TABLE film (id INT PRIMARY KEY, title TEXT); INSERT INTO film VALUES (1, 'Alien')",
    ));
    let database = url::Url::parse(&url)
        .expect("a URL")
        .path()
        .trim_start_matches('/')
        .to_owned();
    let mut env = Env::new();
    add_profile(&mut env, "crm", &url);
    let alter = |sql: &str| block_on(mariadb(&url, sql));
    every_command_takes(&env, "crm", &database, &alter);
}

#[test]
fn a_name_that_is_no_connection_says_which_are() {
    let env = Env::new();
    // An SQLite profile: a copy of the demo database.
    let demo = env.expect(&["demo", "path"], 0);
    let copy = env.path("shop.sqlite");
    std::fs::copy(demo.trim(), &copy).expect("a copy of the demo database");
    let url = format!("sqlite://{}", copy.display());
    env.expect(&["connection", "add", "shop", &url], 0);
    let out = env.run(&[
        "issue",
        "create",
        "--tracker",
        "Local",
        "--object",
        "shp:main.orders",
        "--title",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no connection named `shp`; did you mean `shop`?")
            && err.contains("known connections: demo, shop"),
        "{err}"
    );
    assert!(err.contains("scratchrobin connection add"), "{err}");
    // The profile itself works at once, in a new process.
    let created = env.json(
        &[
            "issue",
            "create",
            "--tracker",
            "Local",
            "--object",
            "shop:main.orders",
            "--title",
            "x",
            "--json",
        ],
        0,
    );
    assert_eq!(created["link"]["object"]["connection"], "shop", "{created}");
}

/// A fresh database `name` on the TLS-only server of `admin_url` (reached
/// with `sslmode=require` / `ssl-mode=REQUIRED`), holding `sql`.
async fn tls_database(admin_url: &str, name: &str, sql: &str) {
    use sqlx::Connection;
    if admin_url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(admin_url)
            .await
            .expect("TLS PostgreSQL");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut c)
            .await
            .expect("create database");
        let url = admin_url.replacen("/postgres?", &format!("/{name}?"), 1);
        let mut c = sqlx::PgConnection::connect(&url)
            .await
            .expect("the new database");
        sqlx::raw_sql(sql).execute(&mut c).await.expect(sql);
    } else {
        let mut c = sqlx::MySqlConnection::connect(admin_url)
            .await
            .expect("TLS MariaDB");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}; USE {name}; {sql}"))
            .execute(&mut c)
            .await
            .expect(sql);
    }
}

/// `scheme://USER@localhost:PORT/DB?QUERY` on the TLS server of `admin`.
fn tls_profile_url(admin: &str, db: &str, query: &str) -> String {
    let parsed = url::Url::parse(admin).expect("a URL");
    format!(
        "{}://{}@localhost:{}/{db}?{query}",
        parsed.scheme(),
        parsed.username(),
        parsed.port().expect("a port")
    )
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", std::process::id())
}

#[test]
fn a_postgres_profile_over_tls_with_verify_full_works_in_every_command() {
    let s = sr_testkit::tls_servers().expect("TLS servers");
    let db = unique("tlsshop");
    block_on(tls_database(
        &s.pg_url,
        &db,
        "CREATE TABLE film (id INT PRIMARY KEY, title TEXT)",
    ));
    let env = Env::new();
    let url = tls_profile_url(
        &s.pg_url,
        &db,
        &format!("sslmode=verify-full&sslrootcert={}", s.ca().display()),
    );
    env.expect(&["connection", "add", "shop", &url], 0);
    let alter_url = tls_profile_url(&s.pg_url, &db, "sslmode=require");
    let alter = |sql: &str| block_on(postgres(&alter_url, sql));
    every_command_takes(&env, "shop", "public", &alter);
}

#[test]
fn a_mariadb_profile_over_tls_with_verify_identity_works_in_every_command() {
    let s = sr_testkit::tls_servers().expect("TLS servers");
    let db = unique("tlscrm");
    block_on(tls_database(
        &s.mariadb_url,
        &db,
        "CREATE TABLE film (id INT PRIMARY KEY, title TEXT)",
    ));
    let env = Env::new();
    let url = tls_profile_url(
        &s.mariadb_url,
        &db,
        &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={}", s.ca().display()),
    );
    env.expect(&["connection", "add", "crm", &url], 0);
    let alter_url = tls_profile_url(&s.mariadb_url, &db, "ssl-mode=REQUIRED");
    let alter = |sql: &str| block_on(mariadb(&alter_url, sql));
    every_command_takes(&env, "crm", &db, &alter);
}

#[test]
fn a_profile_through_an_ssh_tunnel_works_in_every_command() {
    let (s, b) = (
        sr_testkit::tls_servers().expect("TLS servers"),
        sr_testkit::ssh_bastion().expect("an SSH bastion"),
    );
    let db = unique("tunnelled");
    block_on(tls_database(
        &s.pg_url,
        &db,
        "CREATE TABLE film (id INT PRIMARY KEY, title TEXT)",
    ));
    let env = Env::new();
    let known_hosts = env.path("known_hosts");
    std::fs::write(
        &known_hosts,
        b.known_hosts_line().expect("the bastion's key"),
    )
    .expect("known_hosts");
    // TLS verify-full end to end, through the bastion.
    let url = tls_profile_url(
        &s.pg_url,
        &db,
        &format!("sslmode=verify-full&sslrootcert={}", s.ca().display()),
    );
    env.expect(
        &[
            "connection",
            "add",
            "behind",
            &url,
            "--ssh",
            &format!("{}@{}:{}", b.user, b.host, b.port),
            "--ssh-key",
            b.client_key().to_str().expect("UTF-8"),
            "--known-hosts",
            known_hosts.to_str().expect("UTF-8"),
        ],
        0,
    );
    let alter_url = tls_profile_url(&s.pg_url, &db, "sslmode=require");
    let alter = |sql: &str| block_on(postgres(&alter_url, sql));
    every_command_takes(&env, "behind", "public", &alter);
}
