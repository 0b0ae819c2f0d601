//! An engine on a fresh PostgreSQL store and the API router served on a
//! loopback port, with tokens made through the engine like the CLI does.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::net::SocketAddr;
use std::sync::Arc;

use sr_engine::{Engine, EngineOptions, TokenScope};
use sr_secrets::{Keyring, Resolver};

pub struct Api {
    pub engine: Arc<Engine>,
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Api {
    /// The API of an engine on a fresh PostgreSQL store; each token may make
    /// `per_minute` requests a minute.
    pub async fn start(per_minute: u32) -> Api {
        let dir = tempfile::tempdir().unwrap();
        let paths = sr_config::Paths::resolve(
            Some(dir.path().join("config")),
            Some(dir.path().join("data")),
        )
        .unwrap();
        let mut options = EngineOptions::new(paths);
        options.store_url = Some(sr_testkit::postgres_db().await);
        let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
        let engine = Arc::new(Engine::open_with(options, resolver).await.unwrap());
        let router = sr_api::router(engine.clone(), engine.sync_manager(), per_minute);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        Api {
            engine,
            addr,
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn token(&self, name: &str, scope: TokenScope) -> String {
        let made = self
            .engine
            .create_api_token(name, scope, None)
            .await
            .unwrap();
        made.token.expose().to_owned()
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
}

/// Checks that `response` is problem JSON with `status`; gives its body.
pub async fn problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:scratchrobin:problem:")
    );
    assert!(!body["detail"].as_str().unwrap().is_empty());
    body
}
