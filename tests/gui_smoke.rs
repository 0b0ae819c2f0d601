//! Smoke test of the real workbench window: the `scratchrobin` binary under
//! Xvfb with a throwaway data directory, waited for until its window is
//! mapped and painted, photographed to `target/tmp/gui-smoke/workbench.png`,
//! and checked not to be blank.
//!
//! Needs `Xvfb` and Mesa's software OpenGL (`cargo xtask test` installs
//! both). The X11 side (finding the window, taking the picture) speaks the
//! protocol through x11rb, so no other X tools are needed.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, ImageFormat, MapState, Window};
use x11rb::rust_connection::RustConnection;

/// Debug builds on a loaded two-core machine start slowly.
const PATIENCE: Duration = Duration::from_secs(120);
/// How often the window is looked for while waiting.
const POLL: Duration = Duration::from_millis(100);

/// Kills and reaps the process when the test ends, however it ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Starts Xvfb on a display it picks itself (`-displayfd`), so parallel
/// runs never collide; returns once the server accepts connections.
fn start_xvfb() -> (Reaped, String) {
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start Xvfb ({e}); install it (`cargo xtask test` does: apt-get install xvfb)")
        });
    let stdout = child.stdout.take().expect("Xvfb's stdout");
    let xvfb = Reaped(child);
    // Xvfb writes the display number once it is ready for clients.
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("Xvfb reports its display");
    let number = line.trim();
    assert!(!number.is_empty(), "Xvfb exited without a display");
    (xvfb, format!(":{number}"))
}

/// The top-level window titled `title` once it is mapped.
fn mapped_window(conn: &RustConnection, root: Window, title: &str) -> Option<Window> {
    let tree = conn.query_tree(root).ok()?.reply().ok()?;
    tree.children.into_iter().find(|&w| {
        let viewable = conn
            .get_window_attributes(w)
            .ok()
            .and_then(|c| c.reply().ok())
            .is_some_and(|a| a.map_state == MapState::VIEWABLE);
        let name = conn
            .get_property(false, w, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 256)
            .ok()
            .and_then(|c| c.reply().ok())
            .map(|p| String::from_utf8_lossy(&p.value).into_owned());
        viewable && name.as_deref() == Some(title)
    })
}

/// The window's pixels as RGB rows.
struct Shot {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Shot {
    fn take(conn: &RustConnection, window: Window) -> Option<Shot> {
        let geo = conn.get_geometry(window).ok()?.reply().ok()?;
        let image = conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                window,
                0,
                0,
                geo.width,
                geo.height,
                !0,
            )
            .ok()?
            .reply()
            .ok()?;
        // Depth 24 in Z format is 32 bits per pixel, blue first.
        let pixels = usize::from(geo.width) * usize::from(geo.height);
        if image.data.len() < pixels * 4 {
            return None;
        }
        let rgb = image.data[..pixels * 4]
            .chunks_exact(4)
            .flat_map(|p| [p[2], p[1], p[0]])
            .collect();
        Some(Shot {
            width: u32::from(geo.width),
            height: u32::from(geo.height),
            rgb,
        })
    }

    /// The standard deviation of the pixels' luminance: 0 for a blank
    /// window, well above 10 for text and panels.
    fn luminance_spread(&self) -> f64 {
        let lum: Vec<f64> = self
            .rgb
            .chunks_exact(3)
            .map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]))
            .collect();
        let n = lum.len().max(1) as f64;
        let mean = lum.iter().sum::<f64>() / n;
        (lum.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / n).sqrt()
    }

    fn distinct_colours(&self) -> usize {
        let mut seen: Vec<[u8; 3]> = self
            .rgb
            .chunks_exact(3)
            .map(|p| [p[0], p[1], p[2]])
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    }

    fn save(&self, path: &Path) {
        std::fs::create_dir_all(path.parent().expect("a directory")).expect("screenshot dir");
        let file = std::fs::File::create(path).expect("screenshot file");
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .write_header()
            .and_then(|mut w| w.write_image_data(&self.rgb))
            .expect("PNG written");
    }

    /// Painted: more than a background and a few lines.
    fn looks_painted(&self) -> bool {
        self.luminance_spread() > 10.0 && self.distinct_colours() > 50
    }
}

#[test]
fn the_workbench_window_opens_and_is_not_blank() {
    shoot(&[], "workbench.png");
}

/// The designer, whiteboard and monitoring panels, each opened in front
/// (`--open PANEL`) and photographed.
#[test]
fn each_panel_opens_and_is_not_blank() {
    for panel in ["designer", "whiteboard", "monitoring"] {
        shoot(&["--open", panel], &format!("{panel}.png"));
    }
}

/// Starts the real binary with `args` under a fresh Xvfb, waits until its
/// window is painted and saves the picture as `name`.
fn shoot(args: &[&str], name: &str) {
    let (_xvfb, display) = start_xvfb();
    let home = tempfile::tempdir().expect("temp dir");
    let app = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(home.path().join("data"))
        .arg("--config-dir")
        .arg(home.path().join("config"))
        .args(args)
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("xdg-data"))
        .env("XDG_CONFIG_HOME", home.path().join("xdg-config"))
        .env("XDG_CACHE_HOME", home.path().join("xdg-cache"))
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env("USER", "tester")
        .env_remove("SCRATCHROBIN_STORE")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scratchrobin starts");
    let mut app = Reaped(app);

    let (conn, screen) = x11rb::connect(Some(&display)).expect("connect to Xvfb");
    let root = conn.setup().roots[screen].root;
    let shot_path: PathBuf = [env!("CARGO_TARGET_TMPDIR"), "gui-smoke", name]
        .iter()
        .collect();
    let deadline = Instant::now() + PATIENCE;
    let mut last = None;
    // Poll for the condition (mapped, then painted), with a deadline.
    let painted = loop {
        if let Some(status) = app.0.try_wait().expect("the app's status") {
            let mut err = String::new();
            if let Some(mut e) = app.0.stderr.take() {
                std::io::Read::read_to_string(&mut e, &mut err).ok();
            }
            panic!("scratchrobin exited ({status}) before its window was painted:\n{err}");
        }
        if let Some(shot) =
            mapped_window(&conn, root, "ScratchRobin").and_then(|w| Shot::take(&conn, w))
        {
            if shot.looks_painted() {
                break Some(shot);
            }
            last = Some(shot);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(POLL);
    };
    let Some(shot) = painted else {
        if let Some(shot) = last {
            shot.save(&shot_path);
        }
        panic!(
            "the window was not painted within {PATIENCE:?}; the last picture is {}",
            shot_path.display()
        );
    };
    shot.save(&shot_path);
    println!(
        "screenshot {}x{} at {} (luminance spread {:.1}, {} colours)",
        shot.width,
        shot.height,
        shot_path.display(),
        shot.luminance_spread(),
        shot.distinct_colours()
    );
    assert!(
        shot.width >= 640 && shot.height >= 400,
        "{}x{}",
        shot.width,
        shot.height
    );
}
