//! [`Engine`]: the product's operations over the store, the trackers and the
//! user's databases.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use sr_config::{Paths, TrackersFile};
use sr_links::IssueLinkManager;
use sr_model::{ObjectKind, ObjectName, ObjectRef};
use sr_schema::Snapshot;
use sr_secrets::{Resolver, SecretRef};
use sr_store::Store;
use sr_tracker::{Registry, TrackerEntry, TrackerSet};
use tokio::sync::Mutex;

use crate::{EngineError, registry};

/// How to start an engine.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub paths: Paths,
    /// The store URL; the SQLite file in the data directory when `None`.
    pub store_url: Option<String>,
    /// Who is recorded in links and the audit log.
    pub actor: String,
    /// Where the GUI's engine listens for webhooks; `None` runs no listener
    /// (`scratchrobin serve` starts its own).
    pub listen: Option<std::net::SocketAddr>,
}

impl EngineOptions {
    pub fn new(paths: Paths) -> Self {
        let actor = ["USER", "USERNAME", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| "scratchrobin-user".into());
        EngineOptions {
            paths,
            store_url: None,
            actor,
            listen: None,
        }
    }
}

/// A configured tracker and whether it could be built.
#[derive(Debug, Clone, Serialize)]
pub struct TrackerStatus {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub enabled: bool,
    /// Where issue keys of this tracker point (`local:default`), when built.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Why the tracker is unusable, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The cause as a stable word (`env_unset`, `disabled`, …), when
    /// unusable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Secret references as written (`${GITHUB_TOKEN}`), never values.
    pub secrets: Vec<String>,
    /// The references among `secrets` whose value lives only until reboot
    /// (the kernel keyring, where no secret service answers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub until_reboot: Vec<String>,
}

pub struct Engine {
    options: EngineOptions,
    store: Store,
    registry: Registry,
    resolver: Arc<Resolver>,
    trackers_file: std::sync::RwLock<TrackersFile>,
    links: IssueLinkManager,
    connections: crate::connections::Registry,
    snapshots: Mutex<HashMap<String, Arc<Snapshot>>>,
    /// The SQL editor's running statements, by request.
    pub(crate) queries: crate::query::Running,
    /// Events that happen without a command (a webhook changed an issue).
    notices: tokio::sync::broadcast::Sender<crate::Event>,
    /// The last database event of each kind, for "Try on the last event".
    pub(crate) last_events: std::sync::Mutex<HashMap<sr_model::EventKind, sr_auto::DatabaseEvent>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("store", &self.store.backend())
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Opens the store, reads trackers.json and builds every enabled tracker.
    /// A tracker that cannot be built (a missing token) is reported by
    /// [`Engine::tracker_statuses`], not fatal; a malformed file is.
    pub async fn open(options: EngineOptions) -> Result<Engine, EngineError> {
        let resolver = Resolver::system_with_file(options.paths.secrets_file());
        Engine::open_with(options, Arc::new(resolver)).await
    }

    /// [`Engine::open`] with its own secret resolver (tests keep secrets in
    /// an in-memory keyring).
    pub async fn open_with(
        options: EngineOptions,
        resolver: Arc<Resolver>,
    ) -> Result<Engine, EngineError> {
        let store_url = options
            .store_url
            .clone()
            .unwrap_or_else(|| options.paths.default_store_path().display().to_string());
        let store = Store::open(&store_url).await?;
        Engine::with_store(options, store, resolver).await
    }

    /// An engine over an open store with its own secret resolver (tests,
    /// `serve`).
    pub async fn with_store(
        options: EngineOptions,
        store: Store,
        resolver: Arc<Resolver>,
    ) -> Result<Engine, EngineError> {
        let registry = registry(&store, &options.actor);
        Engine::with_registry(options, store, resolver, registry).await
    }

    /// [`Engine::with_store`] with the tracker types of `registry`: a test
    /// adds a type this build does not ship to [`crate::registry`]'s.
    pub async fn with_registry(
        options: EngineOptions,
        store: Store,
        resolver: Arc<Resolver>,
        registry: Registry,
    ) -> Result<Engine, EngineError> {
        let file = sr_config::load_trackers(&options.paths.trackers_file(), &registry)?;
        let connections = crate::connections::Registry::new(crate::connections::read_profiles(
            &options.paths.connections_file(),
        ));
        let engine = Engine {
            connections,
            links: IssueLinkManager::new(store.clone(), TrackerSet::default()),
            trackers_file: std::sync::RwLock::new(file),
            options,
            store,
            registry,
            resolver,
            snapshots: Mutex::new(HashMap::new()),
            queries: Default::default(),
            notices: tokio::sync::broadcast::channel(256).0,
            last_events: std::sync::Mutex::new(HashMap::new()),
        };
        engine.rebuild_trackers().await;
        Ok(engine)
    }

    /// Events nobody asked for: issues changed by webhooks, for example.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<crate::Event> {
        self.notices.subscribe()
    }

    pub(crate) fn notify(&self, event: crate::Event) {
        // Nobody listening (the CLI) is fine.
        self.notices.send(event).ok();
    }

    pub fn options(&self) -> &EngineOptions {
        &self.options
    }

    pub fn links(&self) -> &IssueLinkManager {
        &self.links
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn paths(&self) -> &Paths {
        &self.options.paths
    }

    pub fn actor(&self) -> &str {
        &self.options.actor
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// How this engine turns secret references into values.
    pub fn resolver(&self) -> Arc<Resolver> {
        self.resolver.clone()
    }

    pub fn tracker_entries(&self) -> Vec<TrackerEntry> {
        self.trackers_file
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .trackers
            .clone()
    }

    /// Re-reads trackers.json and rebuilds the trackers (after Settings saved).
    pub async fn reload_trackers(&self) -> Result<(), EngineError> {
        let file = sr_config::load_trackers(&self.options.paths.trackers_file(), &self.registry)?;
        *self
            .trackers_file
            .write()
            .unwrap_or_else(|p| p.into_inner()) = file;
        self.rebuild_trackers().await;
        Ok(())
    }

    /// Builds every configured tracker; the ones that cannot be used stay
    /// in the set with why, so a look-up of one names the real cause.
    pub(crate) async fn rebuild_trackers(&self) {
        let entries = self.tracker_entries();
        let registry = self.registry.clone();
        let resolver = self.resolver.clone();
        // Resolving keyring secrets may block on D-Bus.
        let set = tokio::task::spawn_blocking(move || registry.build_all(&entries, &resolver))
            .await
            .unwrap_or_default();
        self.links.set_trackers(set);
    }

    /// Every configured tracker with what is wrong with it, if anything.
    pub async fn tracker_statuses(&self) -> Vec<TrackerStatus> {
        let entries = self.tracker_entries();
        let registry = self.registry.clone();
        let resolver = self.resolver.clone();
        tokio::task::spawn_blocking(move || {
            entries
                .iter()
                .map(|e| {
                    let built = registry.build(e, &resolver);
                    // The webhook secret is needed only by the listener, but a
                    // reference that cannot be resolved is worth saying now.
                    let webhook = e.sync.webhook_secret.as_ref().map(|r| {
                        resolver.resolve(r).map_err(|err| {
                            sr_tracker::TrackerError::secret(&e.name, "sync.webhook_secret", err)
                        })
                    });
                    if let Some(Ok(secret)) = &webhook {
                        tracing::trace!(tracker = %e.name, ?secret, "webhook secret resolved");
                    }
                    let problem = match (&built, &webhook) {
                        (Err(err), _) | (Ok(_), Some(Err(err))) => Some(err),
                        (Ok(_), _) => None,
                    };
                    let refs: Vec<SecretRef> = SecretRef::all_in(&e.config)
                        .into_iter()
                        .chain(e.sync.webhook_secret.clone())
                        .collect();
                    TrackerStatus {
                        name: e.name.clone(),
                        kind: e.kind.clone(),
                        enabled: e.enabled,
                        instance: built
                            .as_ref()
                            .ok()
                            .map(|t| format!("{}:{}", t.info().provider, t.info().instance)),
                        problem: problem.map(ToString::to_string),
                        cause: problem
                            .and_then(|p| p.unusable())
                            .map(|c| c.code().to_owned()),
                        until_reboot: crate::secrets::until_reboot(&resolver, &refs),
                        secrets: refs.iter().map(SecretRef::describe).collect(),
                    }
                })
                .collect()
        })
        .await
        .unwrap_or_default()
    }

    /// Creates the demo database when needed and returns its path.
    pub async fn demo_path(&self) -> Result<std::path::PathBuf, EngineError> {
        let path = self.options.paths.demo_db_path();
        Ok(sr_db::demo::ensure_demo_db(&path).await?)
    }

    pub(crate) fn connection_registry(&self) -> &crate::connections::Registry {
        &self.connections
    }

    /// Drops the cached schemas of `names`.
    pub(crate) async fn forget_snapshots(&self, names: &[String]) {
        let mut snapshots = self.snapshots.lock().await;
        for n in names {
            snapshots.remove(n);
        }
    }

    /// The connection's schema, introspected on first use; `refresh` reads it
    /// again.
    pub async fn snapshot(
        &self,
        connection: &str,
        refresh: bool,
    ) -> Result<Arc<Snapshot>, EngineError> {
        if !refresh && let Some(s) = self.snapshots.lock().await.get(connection) {
            return Ok(s.clone());
        }
        let snapshot = Arc::new(self.database(connection).await?.introspect().await?);
        self.snapshots
            .lock()
            .await
            .insert(connection.to_owned(), snapshot.clone());
        Ok(snapshot)
    }

    /// Whether `connection`'s snapshot is held, so reading it is free.
    pub(crate) async fn has_snapshot(&self, connection: &str) -> bool {
        self.snapshots.lock().await.contains_key(connection)
    }

    /// Resolves `CONNECTION:schema.name` to an object that exists now. A
    /// table or view wins over an index or trigger of the same name.
    pub async fn resolve_object(&self, name: &ObjectName) -> Result<ObjectRef, EngineError> {
        let snapshot = self.snapshot(&name.connection, false).await?;
        let mut found = snapshot.find(name.schema.as_deref(), &name.name);
        if found.is_empty() {
            return Err(EngineError::NoSuchObject { name: name.clone() });
        }
        let preferred = [
            ObjectKind::Table,
            ObjectKind::View,
            ObjectKind::MaterializedView,
        ];
        if found.len() > 1 {
            let best: Vec<_> = found
                .iter()
                .filter(|m| preferred.contains(&m.kind))
                .cloned()
                .collect();
            if best.len() == 1 {
                found = best;
            }
        }
        if found.len() > 1 {
            let candidates: Vec<String> = found
                .iter()
                .map(|m| format!("{} {}.{}", m.kind.label(), m.schema, m.name))
                .collect();
            return Err(EngineError::AmbiguousObject {
                name: name.clone(),
                candidates: candidates.join(", "),
            });
        }
        Ok(found.remove(0).to_object_ref(&name.connection))
    }

    /// Parses and resolves an object name typed by a user.
    pub async fn object(&self, text: &str) -> Result<ObjectRef, EngineError> {
        self.resolve_object(&text.parse::<ObjectName>()?).await
    }
}
