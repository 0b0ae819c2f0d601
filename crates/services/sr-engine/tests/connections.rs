//! The connection registry on real servers: profiles of connections.json
//! are opened lazily by name; a change written to the file by another
//! process reaches a running engine (and its scheduled database jobs)
//! without a restart; a connection that cannot answer delays only itself;
//! the connection manager's save, rename, test and remove.

use std::sync::Arc;
use std::time::Duration;

use sr_config::{ConnectionProfile, Paths};
use sr_engine::{ConfigChange, ConnectionEdit, Engine, EngineOptions, EngineSync, Event};
use sr_secrets::{Keyring, Resolver, Secret, SecretRef};

struct Setup {
    _dir: tempfile::TempDir,
    paths: Paths,
    engine: Arc<Engine>,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("dir");
    let paths = Paths::resolve(
        Some(dir.path().join("config")),
        Some(dir.path().join("data")),
    )
    .expect("paths");
    std::fs::create_dir_all(&paths.config_dir).expect("config dir");
    let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
    let engine = Arc::new(
        Engine::open_with(EngineOptions::new(paths.clone()), resolver)
            .await
            .expect("engine"),
    );
    Setup {
        _dir: dir,
        paths,
        engine,
    }
}

/// Waits until `done` holds, looking again after each `ConfigReloaded`
/// notice (the watch has followed a file change; one edit may come as
/// several bursts); fails after a minute.
async fn until(notices: &mut tokio::sync::broadcast::Receiver<Event>, done: impl Fn() -> bool) {
    let wait = async {
        while !done() {
            match notices.recv().await {
                Ok(_) => {}
                Err(e) => panic!("notices ended: {e}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), wait)
        .await
        .expect("the config watch followed the change");
}

fn write(path: &std::path::Path, text: &str) {
    // As an editor would: a new file renamed over the old one.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

/// The next `ConfigReloaded` notice.
async fn next_reload(notices: &mut tokio::sync::broadcast::Receiver<Event>) -> ConfigChange {
    let wait = async {
        loop {
            match notices.recv().await {
                Ok(Event::ConfigReloaded(change)) => return change,
                Ok(_) => {}
                Err(e) => panic!("notices ended: {e}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), wait)
        .await
        .expect("the config watch followed the change")
}

/// The reload reads connections.json, and so do the CLI and editors:
/// reading must not count as a change (inotify reports opens too), or the
/// engine re-reads the file every burst for ever.
#[tokio::test]
async fn reading_the_watched_files_starts_no_reload() {
    let s = setup().await;
    let mut notices = s.engine.subscribe();
    let _sync = EngineSync::start(&s.engine).await;
    write(
        &s.paths.connections_file(),
        r#"{"connections": [{"name": "shop", "url": "postgres://app@db.internal/shop"}]}"#,
    );
    let first = next_reload(&mut notices).await;
    assert!(first.connections, "{first:?}");
    for _ in 0..3 {
        std::fs::read_to_string(s.paths.connections_file()).expect("readable");
    }
    write(
        &s.paths.config_dir.join("monitoring.json"),
        r#"{"connections": {"shop": {"drift_minutes": 0, "health_minutes": 5, "perf_minutes": 0}}}"#,
    );
    // The next reload is the monitoring file's alone: neither the reads
    // above nor the first reload's own read of the file started one.
    assert_eq!(
        next_reload(&mut notices).await,
        ConfigChange {
            connections: false,
            monitoring: true
        }
    );
}

#[tokio::test]
async fn a_profile_written_by_another_process_reaches_a_running_engine() {
    let pg = sr_testkit::postgres_db().await;
    let s = setup().await;
    let mut notices = s.engine.subscribe();
    let sync = EngineSync::start(&s.engine).await;
    assert!(!sync.jobs().iter().any(|j| j.ends_with(":shop")));

    write(
        &s.paths.connections_file(),
        &format!(r#"{{"connections": [{{"name": "shop", "url": "{pg}"}}]}}"#),
    );
    write(
        &s.paths.config_dir.join("monitoring.json"),
        r#"{"connections": {"shop": {"drift_minutes": 0, "health_minutes": 5, "perf_minutes": 0}}}"#,
    );
    until(&mut notices, || {
        sync.jobs().iter().any(|j| j == "health:shop")
    })
    .await;
    let names: Vec<String> = s
        .engine
        .connections()
        .await
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["demo", "shop"]);
    assert!(
        sync.jobs().contains(&"health:shop".to_owned()),
        "{:?}",
        sync.jobs()
    );
    assert!(!sync.jobs().contains(&"drift:shop".to_owned()));
    let snapshot = s.engine.snapshot("shop", false).await.expect("shop opens");
    assert_eq!(snapshot.dialect, sr_schema::Dialect::Postgres);

    // The profile now points at a closed port: the open pool is closed and
    // the next use fails with the cause, naming the connection's URL.
    let closed = sr_testkit::free_port();
    write(
        &s.paths.connections_file(),
        &format!(
            r#"{{"connections": [{{"name": "shop", "url": "postgres://postgres@127.0.0.1:{closed}/x"}}]}}"#
        ),
    );
    let moved = format!(":{closed}/");
    until(&mut notices, || {
        s.engine
            .connection_profile("shop")
            .is_some_and(|p| p.url.contains(&moved))
    })
    .await;
    let err = s
        .engine
        .database("shop")
        .await
        .expect_err("nothing listens there")
        .to_string();
    assert!(err.contains("refused"), "{err}");
    assert!(err.contains(&closed.to_string()), "{err}");

    // A broken file keeps the last good profiles and says why.
    write(&s.paths.connections_file(), "{\"connections\": [");
    until(&mut notices, || s.engine.connections_problem().is_some()).await;
    assert_eq!(s.engine.connections().await.len(), 2);

    // Monitoring turned off: the job stops.
    write(
        &s.paths.config_dir.join("monitoring.json"),
        r#"{"connections": {"shop": {"drift_minutes": 0, "health_minutes": 0, "perf_minutes": 0}}}"#,
    );
    until(&mut notices, || {
        !sync.jobs().iter().any(|j| j == "health:shop")
    })
    .await;
    sync.shutdown().await;
}

#[tokio::test]
async fn a_server_that_never_answers_delays_only_its_own_connection() {
    // Accepts TCP connections and never says a word.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = silent.accept().await {
            held.push(sock);
        }
    });
    let pg = sr_testkit::postgres_db().await;
    let s = setup().await;
    std::fs::write(
        s.paths.connections_file(),
        format!(
            r#"{{"connections": [
                {{"name": "silent", "url": "postgres://postgres@127.0.0.1:{port}/x"}},
                {{"name": "shop", "url": "{pg}"}}]}}"#
        ),
    )
    .expect("connections.json");
    s.engine.reload_connections().await;
    let engine = s.engine.clone();
    let stuck = tokio::spawn(async move { engine.database("silent").await.map(|_| ()) });
    // While the silent server holds its connection's opening, the others
    // open and answer.
    s.engine.snapshot("shop", false).await.expect("shop opens");
    s.engine.snapshot("demo", false).await.expect("demo opens");
    assert!(
        !stuck.is_finished(),
        "the silent server cannot have answered"
    );
    stuck.abort();
    hold.abort();
}

#[tokio::test]
async fn the_connection_manager_saves_renames_tests_and_removes() {
    let pg = sr_testkit::postgres_db().await;
    let url = url_without_password(&pg);
    let s = setup().await;
    let profile = ConnectionProfile {
        name: "shop".into(),
        url: url.clone(),
        password: None,
        environment: Some("staging".into()),
        ssh: None,
    };
    let report = s
        .engine
        .test_connection(&profile, None)
        .await
        .expect("the test connects");
    assert_eq!(report.dialect, "postgres");
    assert!(
        report
            .server_version
            .as_deref()
            .is_some_and(|v| v.contains("PostgreSQL")),
        "{report:?}"
    );
    s.engine
        .save_connection(ConnectionEdit {
            previous: None,
            profile: profile.clone(),
            password: Some(Secret::new("not-needed")),
            encrypted: false,
        })
        .await
        .expect("saved");
    let saved = s.engine.connection_profile("shop").expect("listed at once");
    assert_eq!(
        saved.password,
        Some(SecretRef::Keyring("connection/shop".into())),
        "the password is a keyring reference"
    );
    let file = std::fs::read_to_string(s.paths.connections_file()).expect("file");
    assert!(!file.contains("not-needed"), "{file}");
    // A second profile of the same name is refused.
    let err = s
        .engine
        .save_connection(ConnectionEdit {
            previous: None,
            profile: profile.clone(),
            password: None,
            encrypted: false,
        })
        .await
        .expect_err("the name is taken")
        .to_string();
    assert!(err.contains("exists already"), "{err}");
    // A rename takes the keyring entry along.
    s.engine
        .save_connection(ConnectionEdit {
            previous: Some("shop".into()),
            profile: ConnectionProfile {
                name: "shop2".into(),
                ..saved
            },
            password: None,
            encrypted: false,
        })
        .await
        .expect("renamed");
    let names: Vec<String> = s
        .engine
        .connections()
        .await
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["demo", "shop2"]);
    let renamed = s.engine.connection_profile("shop2").expect("renamed");
    assert_eq!(
        renamed.password,
        Some(SecretRef::Keyring("connection/shop2".into()))
    );
    let keyring = s.engine.resolver().keyring().clone();
    assert!(keyring.get("connection/shop2").is_ok());
    assert!(
        keyring.get("connection/shop").is_err(),
        "the old entry went"
    );
    s.engine.snapshot("shop2", false).await.expect("opens");

    // A password in the URL is refused with the way to give it.
    let err = s
        .engine
        .test_connection(
            &ConnectionProfile {
                url: "postgres://u:secret@127.0.0.1/x".into(),
                ..profile.clone()
            },
            None,
        )
        .await
        .expect_err("no passwords in URLs")
        .to_string();
    assert!(err.contains("password field"), "{err}");
    assert!(!err.contains("secret"), "{err}");

    s.engine.remove_connection("shop2").await.expect("removed");
    assert_eq!(s.engine.connection_names(), ["demo"]);
    assert!(keyring.get("connection/shop2").is_err());
    let err = s
        .engine
        .database("shop2")
        .await
        .expect_err("gone")
        .to_string();
    assert!(err.contains("no connection named `shop2`"), "{err}");
}

/// The URL as given, minus any password (the test servers need none).
fn url_without_password(url: &str) -> String {
    sr_config::split_url_password(url).map_or_else(|| url.to_owned(), |(u, _)| u)
}
