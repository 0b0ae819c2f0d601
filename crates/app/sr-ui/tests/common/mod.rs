//! A real workbench for egui_kittest: a real engine over a temporary data
//! directory (demo database, SQLite store, in-memory keyring), the app's
//! own frame function, and waiting that polls the harness until a
//! condition holds, woken by the engine's repaint requests.

// Each test binary uses a part of this module.
#![allow(dead_code)]

pub mod db;
pub mod trackers;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use sr_config::Paths;
use sr_engine::{EngineHandle, EngineOptions};
use sr_secrets::{Keyring, Resolver};
use sr_ui::state::Persisted;
use sr_ui::{UiState, WorkbenchApp};

/// How long a step of a flow may take before the test gives up. Generous:
/// debug builds on a loaded two-core machine.
const PATIENCE: Duration = Duration::from_secs(90);

pub struct Workbench {
    pub harness: Harness<'static, WorkbenchApp>,
    /// The engine's repaint requests: a new event is waiting.
    wake: Receiver<()>,
    pub dir: tempfile::TempDir,
}

impl Workbench {
    /// Starts the engine and the workbench, and waits until the demo
    /// schema and the trackers are shown.
    pub fn start() -> Workbench {
        Workbench::start_with(|_, _| {})
    }

    /// [`Workbench::start`] after `setup` has prepared the configuration
    /// directory and the keyring.
    pub fn start_with(setup: impl FnOnce(&Paths, &Keyring)) -> Workbench {
        Workbench::start_custom(setup, Keyring::in_memory(), |_, keyring| {
            Resolver::with_env(|_| None, keyring)
        })
    }

    /// [`Workbench::start_with`] over `keyring` (the real kernel keyring,
    /// for flows where no secret service answers), with the resolver
    /// `resolver` builds from the paths and the keyring.
    pub fn start_custom(
        setup: impl FnOnce(&Paths, &Keyring),
        keyring: Keyring,
        resolver: impl FnOnce(&Paths, Keyring) -> Resolver,
    ) -> Workbench {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = Paths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
        };
        std::fs::create_dir_all(&paths.config_dir).expect("config dir");
        std::fs::create_dir_all(&paths.data_dir).expect("data dir");
        setup(&paths, &keyring);
        let resolver = Arc::new(resolver(&paths, keyring));
        let mut options = EngineOptions::new(paths);
        options.actor = "tester".into();
        let (wake_tx, wake) = channel();
        let repaint: sr_engine::Repaint = Arc::new(move || {
            // The test may have finished; nobody listens then.
            wake_tx.send(()).ok();
        });
        let (engine, events) =
            EngineHandle::spawn_with(options, resolver, repaint).expect("engine starts");
        let mut state = UiState::new(Persisted::default());
        // Shown in Settings; a fixed text keeps snapshots free of temp paths.
        state.trackers_file = "CONFIG_DIR/trackers.json".into();
        // As `run` does on a first start.
        state.open_first_table = true;
        let app = WorkbenchApp::new(state, engine, events);
        let harness = Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            // UI time close to real time, so toasts live as long as in the
            // app while the test waits for the engine.
            .with_step_dt(1.0 / 60.0)
            .with_context_setup(|ctx| {
                // A blinking cursor would make snapshots depend on timing.
                ctx.global_style_mut(|s| s.visuals.text_cursor.blink = false);
            })
            .wgpu()
            .build_ui_state(|ui, app: &mut WorkbenchApp| app.frame_ui(ui), app);
        let mut bench = Workbench { harness, wake, dir };
        bench.wait_for("the demo schema and the trackers", |h| {
            h.query_by_label("⊞ orders").is_some() && h.state().state.trackers.ready().is_some()
        });
        bench
    }

    /// Runs frames until `done` holds, waiting for engine events between
    /// frames; panics with `what` after [`PATIENCE`].
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&Harness<'static, WorkbenchApp>) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            self.harness.step();
            if done(&self.harness) {
                // One more frame so that what the last event changed is drawn
                // and queries see it.
                self.harness.step();
                return;
            }
            let now = Instant::now();
            assert!(now < deadline, "timed out waiting for {what}");
            // Woken by the engine; the timeout lets egui's own follow-up
            // frames (menus, layout passes) run when no event comes.
            self.wake
                .recv_timeout(Duration::from_millis(50).min(deadline - now))
                .ok();
        }
    }

    /// Waits until a node labelled `label` is shown.
    pub fn wait_for_label(&mut self, label: &str) {
        self.wait_for(&format!("`{label}` to show"), |h| {
            h.query_by_label(label).is_some()
        });
    }

    /// Waits until no command is in flight and no event has come for a
    /// while (a change the engine reports by itself, such as a settings
    /// file re-read, can start a job after the others finished).
    pub fn settle(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            self.wait_for("every background job to finish", |h| {
                h.state().state.jobs.is_empty()
            });
            assert!(
                Instant::now() < deadline,
                "the engine kept sending events for {PATIENCE:?} after its jobs finished"
            );
            match self.wake.recv_timeout(Duration::from_millis(400)) {
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => break,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                // An event came: let it be applied and wait again.
                Ok(()) => self.harness.step(),
            }
        }
        self.harness.step();
    }

    /// Waits until no command is in flight (no spinner), dismisses the
    /// toasts, then compares the window with `tests/snapshots/{name}.png`.
    pub fn snapshot(&mut self, name: &str) {
        self.settle();
        // Toasts expire on UI time, which depends on how many frames the
        // waits took; the flows check their text, the pictures leave them out.
        self.harness.state_mut().state.toasts = Default::default();
        self.harness.step();
        self.harness.snapshot(name);
    }

    /// [`Workbench::snapshot`] with the text boxes labelled `masked` blanked
    /// (values that change from run to run, like a server's port).
    pub fn snapshot_masked(&mut self, name: &str, masked: &[&str]) {
        self.settle();
        self.harness.state_mut().state.toasts = Default::default();
        self.harness.step();
        for label in masked {
            let rect = text_box(&self.harness, label).rect();
            self.harness.mask(rect);
        }
        self.harness.snapshot(name);
    }

    pub fn state(&self) -> &UiState {
        &self.harness.state().state
    }
}

/// Runs `ALTER TABLE orders ADD COLUMN note TEXT` from a new SQL editor tab
/// (Ctrl+T) on the selected connection, as a user altering a table from
/// outside the drift baseline would, and checks it ran.
pub fn alter_orders(bench: &mut Workbench) {
    bench
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::T);
    bench.wait_for_label("▶ Run");
    fill(bench, "SQL", "ALTER TABLE orders ADD COLUMN note TEXT");
    bench.harness.get_by_label("▶ Run").click();
    bench.wait_for("the ALTER TABLE to run", |h| {
        let s = &h.state().state;
        s.sql.editors.values().any(|e| e.answer.is_some())
    });
    let answer = bench
        .state()
        .sql
        .editors
        .values()
        .find_map(|e| e.answer.clone());
    assert!(
        !matches!(answer, Some(sr_ui::state::SqlAnswer::Failed(_))),
        "ALTER TABLE failed: {answer:?}"
    );
}

/// Types `text` into the text box labelled `label`, replacing what is there.
pub fn fill(bench: &mut Workbench, label: &str, text: &str) {
    text_box(&bench.harness, label).focus();
    bench.harness.step();
    bench
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    bench.harness.step();
    text_box(&bench.harness, label).type_text(text);
    bench.harness.step();
}

/// The text box (plain or password) labelled `label`.
pub fn text_box<'h>(
    harness: &'h Harness<'static, WorkbenchApp>,
    label: &'h str,
) -> egui_kittest::Node<'h> {
    use egui::accesskit::Role;
    harness
        .query_all_by_label(label)
        .find(|n| {
            matches!(
                n.accesskit_node().role(),
                Role::TextInput | Role::PasswordInput | Role::MultilineTextInput
            )
        })
        .unwrap_or_else(|| panic!("no text box labelled {label:?}"))
}
