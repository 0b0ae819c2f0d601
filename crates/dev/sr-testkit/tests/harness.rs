//! The harness itself, against real servers: fresh databases are real,
//! distinct and empty, and a server started here is gone after `stop`.

use sqlx::{Connection, MySqlConnection, PgConnection};
use sr_testkit::{MariaDbServer, PgServer};

async fn pg_scalar(url: &str, sql: &str) -> i64 {
    let mut conn = PgConnection::connect(url).await.expect("connect");
    let v: i64 = sqlx::query_scalar(sql)
        .fetch_one(&mut conn)
        .await
        .expect("query");
    conn.close().await.expect("close");
    v
}

async fn pg_text(url: &str, sql: &str) -> String {
    let mut conn = PgConnection::connect(url).await.expect("connect");
    let v: String = sqlx::query_scalar(sql)
        .fetch_one(&mut conn)
        .await
        .expect("query");
    conn.close().await.expect("close");
    v
}

async fn my_scalar(url: &str, sql: &str) -> i64 {
    let mut conn = MySqlConnection::connect(url).await.expect("connect");
    let v: i64 = sqlx::query_scalar(sql)
        .fetch_one(&mut conn)
        .await
        .expect("query");
    conn.close().await.expect("close");
    v
}

async fn my_text(url: &str, sql: &str) -> String {
    let mut conn = MySqlConnection::connect(url).await.expect("connect");
    let v: String = sqlx::query_scalar(sql)
        .fetch_one(&mut conn)
        .await
        .expect("query");
    conn.close().await.expect("close");
    v
}

fn database_of(url: &str) -> &str {
    url.rsplit('/').next().expect("url has a path")
}

#[tokio::test]
async fn postgres_db_gives_distinct_empty_databases() {
    let a = sr_testkit::postgres_db().await;
    let b = sr_testkit::postgres_db().await;
    assert_ne!(a, b);
    for url in [&a, &b] {
        assert!(url.starts_with("postgres://"), "{url}");
        assert!(url.contains("@127.0.0.1:"), "loopback: {url}");
        assert_eq!(pg_scalar(url, "select 1::int8").await, 1);
        assert_eq!(
            pg_text(url, "select current_database()::text").await,
            database_of(url)
        );
        let tables = "select count(*) from information_schema.tables \
                      where table_schema not in ('pg_catalog', 'information_schema')";
        assert_eq!(pg_scalar(url, tables).await, 0, "{url} is empty");
    }
    // A table made in one is not seen in the other.
    let mut conn = PgConnection::connect(&a).await.unwrap();
    sqlx::raw_sql("create table t (x int)")
        .execute(&mut conn)
        .await
        .unwrap();
    let count = "select count(*) from information_schema.tables where table_name = 't'";
    assert_eq!(pg_scalar(&a, count).await, 1);
    assert_eq!(pg_scalar(&b, count).await, 0);
}

#[tokio::test]
async fn mariadb_db_gives_distinct_empty_databases() {
    let a = sr_testkit::mariadb_db().await;
    let b = sr_testkit::mariadb_db().await;
    assert_ne!(a, b);
    for url in [&a, &b] {
        assert!(url.starts_with("mysql://"), "{url}");
        assert!(url.contains("@127.0.0.1:"), "loopback: {url}");
        assert_eq!(my_scalar(url, "select 1").await, 1);
        assert_eq!(my_text(url, "select database()").await, database_of(url));
        assert_eq!(
            my_scalar(
                url,
                "select count(*) from information_schema.tables where table_schema = database()"
            )
            .await,
            0,
            "{url} is empty"
        );
    }
    let mut conn = MySqlConnection::connect(&a).await.unwrap();
    sqlx::raw_sql("create table t (x int)")
        .execute(&mut conn)
        .await
        .unwrap();
    let count = "select count(*) from information_schema.tables where table_schema = database() and table_name = 't'";
    assert_eq!(my_scalar(&a, count).await, 1);
    assert_eq!(my_scalar(&b, count).await, 0);
}

#[tokio::test]
async fn pg_server_runs_on_loopback_and_is_gone_after_stop() {
    let server = tokio::task::spawn_blocking(PgServer::start)
        .await
        .unwrap()
        .unwrap();
    let url = server.admin_url();
    let dir = server.dir().to_path_buf();
    assert!(
        server.version().contains("PostgreSQL"),
        "{}",
        server.version()
    );
    assert!(dir.join("data").join("PG_VERSION").is_file());
    assert_eq!(pg_text(&url, "select current_user::text").await, "postgres");
    assert_eq!(
        pg_text(&url, "select inet_server_addr()::text").await,
        "127.0.0.1/32"
    );
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
    assert!(!dir.exists(), "{} removed", dir.display());
    assert!(PgConnection::connect(&url).await.is_err(), "server stopped");
}

#[tokio::test]
async fn mariadb_server_runs_on_loopback_and_is_gone_after_stop() {
    let server = tokio::task::spawn_blocking(MariaDbServer::start)
        .await
        .unwrap()
        .unwrap();
    let url = server.admin_url();
    let dir = server.dir().to_path_buf();
    assert!(server.version().contains("MariaDB"), "{}", server.version());
    assert!(dir.join("data").join("mysql").is_dir());
    assert_eq!(
        my_text(&url, "select current_user()").await,
        "root@127.0.0.1"
    );
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
    assert!(!dir.exists(), "{} removed", dir.display());
    assert!(
        MySqlConnection::connect(&url).await.is_err(),
        "server stopped"
    );
}

#[test]
fn free_port_can_be_bound_on_loopback() {
    let port = sr_testkit::free_port();
    assert_ne!(port, 0);
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    assert_eq!(listener.local_addr().unwrap().port(), port);
}
