//! Watching the config directory: when connections.json or
//! monitoring.json changes — written by the CLI, the GUI or an editor —
//! a running workbench or `serve` re-reads it without a restart. The
//! connection registry closes what changed and the UI hears of the new
//! list; the database jobs are reconciled with the new settings at once.
//!
//! `notify` (inotify, FSEvents, ReadDirectoryChangesW) reports the
//! directory's events; a burst (an editor's save is several events, an
//! atomic write a create and a rename) is folded into one reload. Only
//! writes count: inotify also reports a file being opened and closed
//! unwritten, and the reload itself reads the file, so counting those
//! would re-read it every burst forever.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::ConnectionEvent;
use crate::{Engine, Event};

/// The files whose changes are picked up while running.
pub const WATCHED_FILES: &[&str] = &["connections.json", "monitoring.json"];

/// How long a burst of file events may last before the reload.
const SETTLE: Duration = Duration::from_millis(150);

/// What changed, by file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConfigChange {
    pub connections: bool,
    pub monitoring: bool,
}

/// A running watch; dropping it stops it.
pub struct ConfigWatch {
    _watcher: notify::RecommendedWatcher,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for ConfigWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigWatch").finish_non_exhaustive()
    }
}

impl Drop for ConfigWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Watches the engine's config directory; after each change, reloads the
/// connections (telling the UI) and then calls `then` with what changed.
pub fn watch_config<F, Fut>(engine: Arc<Engine>, then: F) -> Result<ConfigWatch, notify::Error>
where
    F: Fn(ConfigChange) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let dir = engine.paths().config_dir.clone();
    std::fs::create_dir_all(&dir).map_err(notify::Error::io)?;
    let (tx, mut rx) = mpsc::unbounded_channel::<ConfigChange>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        match res {
            Ok(event) => {
                let change = classify(&event);
                if change != ConfigChange::default() {
                    // The receiver is gone only when the watch stopped.
                    tx.send(change).ok();
                }
            }
            Err(e) => tracing::warn!(error = %e, "watching the config directory failed"),
        }
    })?;
    watcher.watch(&dir, RecursiveMode::NonRecursive)?;
    let task = tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut change = first;
            // Fold the rest of the burst in.
            loop {
                match tokio::time::timeout(SETTLE, rx.recv()).await {
                    Ok(Some(more)) => {
                        change.connections |= more.connections;
                        change.monitoring |= more.monitoring;
                    }
                    Ok(None) => return,
                    Err(_) => break,
                }
            }
            if change.connections {
                let changed = engine.reload_connections().await;
                tracing::debug!(changed = ?changed.names, "connections.json re-read");
            }
            then(change).await;
            // Told after the jobs follow, so whoever hears it sees both.
            if change.connections {
                engine.notify(Event::Connection(ConnectionEvent::Listed {
                    connections: engine.connections().await,
                    problem: engine.connections_problem(),
                }));
            }
            engine.notify(Event::ConfigReloaded(change));
        }
    });
    Ok(ConfigWatch {
        _watcher: watcher,
        task,
    })
}

/// Which watched files `event` changed (none when it only read them).
fn classify(event: &notify::Event) -> ConfigChange {
    let reads_only = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => false,
        EventKind::Access(_) => true,
        _ => false,
    };
    if reads_only {
        return ConfigChange::default();
    }
    let named = |p: &Path, name: &str| p.file_name().is_some_and(|f| f == name);
    ConfigChange {
        connections: event.paths.iter().any(|p| named(p, WATCHED_FILES[0])),
        monitoring: event.paths.iter().any(|p| named(p, WATCHED_FILES[1])),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    use notify::event::{CreateKind, ModifyKind, RenameMode};

    fn event(kind: EventKind, paths: &[&str]) -> notify::Event {
        paths.iter().fold(notify::Event::new(kind), |e, p| {
            e.add_path(PathBuf::from(p))
        })
    }

    fn changed(paths: &[&str]) -> ConfigChange {
        classify(&event(EventKind::Modify(ModifyKind::Any), paths))
    }

    #[test]
    fn only_the_watched_files_count() {
        let c = changed(&["/c/connections.json"]);
        assert_eq!(
            c,
            ConfigChange {
                connections: true,
                monitoring: false
            }
        );
        let m = changed(&["/c/.tmp123", "/c/monitoring.json"]);
        assert!(m.monitoring && !m.connections);
        assert_eq!(changed(&["/c/trackers.json"]), ConfigChange::default());
    }

    #[test]
    fn writes_count_and_reads_do_not() {
        let file = &["/c/connections.json"];
        for kind in [
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Remove(notify::event::RemoveKind::File),
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
        ] {
            assert!(classify(&event(kind, file)).connections, "{kind:?}");
        }
        for kind in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
        ] {
            assert_eq!(
                classify(&event(kind, file)),
                ConfigChange::default(),
                "{kind:?}"
            );
        }
    }
}
