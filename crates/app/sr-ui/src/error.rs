//! What can stop the workbench from opening.

/// The workbench could not start.
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    /// The engine thread could not be started.
    #[error("could not start the engine thread: {0}; check that the system allows new threads")]
    EngineSpawn(#[source] std::io::Error),
    /// eframe could not open a window (no display, no OpenGL).
    #[error(
        "could not open the window: {0}; a display is needed (set DISPLAY or WAYLAND_DISPLAY, or use the command-line subcommands)"
    )]
    Window(String),
}
