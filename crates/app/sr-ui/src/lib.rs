//! The ScratchRobin workbench window.
//!
//! [`run`] opens the native window and starts the engine. Everything drawn
//! comes from a plain-data [`UiState`] that engine events update through
//! [`UiState::apply`]; user actions change it and queue commands, which the
//! app sends to the engine after each frame. The UI thread never blocks: it
//! drains events with `try_recv` and each event requests a repaint.
//!
//! Modules:
//! - `state`: the state, event folding, actions, jobs and toasts;
//! - `model`: pure computations (explorer rows, DDL, summaries, Markdown);
//! - `ui`: the panels and dialogs (functions ending in `_ui`);
//! - `app`: the eframe application and [`run`];
//! - `bench`: the frame-time benchmark's scene and runner.

mod app;
pub mod bench;
mod error;
pub mod model;
pub mod state;
pub mod ui;

pub use app::{StartPanel, WorkbenchApp, run, run_opening};
pub use error::UiError;
pub use state::UiState;
