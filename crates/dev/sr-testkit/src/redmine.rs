//! A throwaway Redmine on loopback, the real server behind the Redmine
//! adapter's tests: Debian's `redmine` package (Rails, SQLite through
//! `redmine-sqlite`) run as its own instance in a scratch directory, with
//! the REST API on and the admin's API key handed to the tests.
//!
//! Debian's Redmine looks for an instance's files (database.yml, the
//! secret, logs, tmp, uploads) under `/usr/share/redmine/instances/NAME`,
//! NAME taken from `REDMINE_INSTANCE`. A relative NAME that climbs back to
//! `/` and down into the scratch directory points it there, so the test
//! writes nothing outside its own directory and needs no root.
//!
//! Start-up: one `rails runner` migrates the empty SQLite database, loads
//! the default English data (trackers, statuses, priorities, roles),
//! enables REST, adds the text custom field `Labels` the Redmine adapter
//! keeps labels in (Redmine has none of its own; a filter, for every
//! project and tracker) and prints the admin's API key; then `rails server` with
//! WEBrick (the one Rack server Debian ships as a gem; it is loaded before
//! Bundler narrows the load path to Redmine's Gemfile) on a free port.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::process::{self, Reaper};
use crate::try_free_port;

/// Where Debian installs Redmine.
const REDMINE_ROOT: &str = "/usr/share/redmine";

const ATTEMPTS: u32 = 3;

/// Rails boots in a few seconds; a loaded machine may take much longer.
const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// Loaded into the server before Rails: WEBrick serves one request at a
/// time. Redmine on SQLite deadlocks when two requests write at once (a
/// read of a project records it among the user's recent projects, a
/// write): SQLite answers "database is locked" after the busy timeout and
/// Redmine 500. Tests run in parallel against one server; serialising it
/// is what a single-process SQLite Redmine can do. Every answer closes
/// its connection: WEBrick drops idle keep-alive connections after two
/// seconds without saying so, and a client that reuses one just then gets
/// a reset, which waits behind the lock make likely.
const SERIAL_SCRIPT: &str = "\
require 'webrick'
module SrSerialRequests
  LOCK = Mutex.new
  def service(req, res)
    LOCK.synchronize { super }
    res.keep_alive = false
  end
end
WEBrick::HTTPServer.prepend(SrSerialRequests)
";

/// Run once by `rails runner` in a new instance. The column cache is reset
/// after migrating because the models were loaded (eagerly, in production)
/// before their tables existed.
const SETUP_SCRIPT: &str = "\
ActiveRecord::Base.connection.migration_context.migrate
ActiveRecord::Base.descendants.each(&:reset_column_information)
Redmine::DefaultData::Loader.load('en')
Setting.rest_api_enabled = '1'
IssueCustomField.create!(name: 'Labels', field_format: 'string', is_for_all: true, is_filter: true, searchable: true, trackers: Tracker.all)
admin = User.find_by_login('admin')
admin.must_change_passwd = false
admin.save!
puts \"SR_API_KEY=#{admin.api_key}\"
";

/// The Redmine's base URL, `http://127.0.0.1:PORT` (set by `cargo xtask test`).
pub const REDMINE_URL_ENV: &str = "SR_TEST_REDMINE_URL";

/// The Redmine admin's REST API key (set by `cargo xtask test`).
pub const REDMINE_KEY_ENV: &str = "SR_TEST_REDMINE_KEY";

/// Where the Redmine of this test run is.
#[derive(Debug, Clone)]
pub struct RedmineFixture {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The admin's API key.
    pub api_key: String,
}

/// The Redmine for tests: from the environment ([`REDMINE_URL_ENV`],
/// [`REDMINE_KEY_ENV`]), else started once per test process.
pub fn redmine() -> Result<RedmineFixture> {
    static STARTED: OnceLock<std::result::Result<(RedmineFixture, Option<RedmineServer>), String>> =
        OnceLock::new();
    let found = STARTED.get_or_init(|| {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let (Some(url), Some(api_key)) = (var(REDMINE_URL_ENV), var(REDMINE_KEY_ENV)) {
            return Ok((RedmineFixture { url, api_key }, None));
        }
        let s = RedmineServer::start().map_err(|e| e.to_string())?;
        let fixture = RedmineFixture {
            url: s.url(),
            api_key: s.api_key().to_owned(),
        };
        Ok((fixture, Some(s)))
    });
    match found {
        Ok((f, _)) => Ok(f.clone()),
        Err(message) => Err(Error::SharedServer {
            server: "Redmine",
            message: message.clone(),
        }),
    }
}

/// A running throwaway Redmine.
#[derive(Debug)]
pub struct RedmineServer {
    port: u16,
    api_key: String,
    dir: PathBuf,
    child: Child,
    // Dropped after `child` is killed: removes `dir`.
    _reaper: Reaper,
}

impl RedmineServer {
    /// Creates the instance and starts its server.
    pub fn start() -> Result<RedmineServer> {
        let root = Path::new(REDMINE_ROOT);
        if !root.join("bin/rails").exists() {
            return Err(Error::MissingBinary {
                what: "Redmine",
                looked_for: format!("{REDMINE_ROOT}/bin/rails"),
                package: "redmine-sqlite",
            });
        }
        let dir = process::scratch_dir("redmine", None)?;
        let mut reaper = Reaper::spawn(&dir, &[], None)?;
        for sub in ["config", "log", "tmp", "files", "db"] {
            std::fs::create_dir_all(dir.join(sub)).map_err(|source| Error::Io {
                what: "could not create the Redmine instance directory",
                path: dir.join(sub),
                source,
            })?;
        }
        let database = format!(
            "production:\n  adapter: sqlite3\n  database: {}\n  timeout: 10000\n",
            dir.join("db/redmine.sqlite3").display()
        );
        crate::ca::write(&dir.join("config/database.yml"), &database, 0o600)?;
        crate::ca::write(&dir.join("config/secret_key.txt"), &secret(), 0o600)?;
        crate::ca::write(&dir.join("setup.rb"), SETUP_SCRIPT, 0o600)?;
        crate::ca::write(&dir.join("serial.rb"), SERIAL_SCRIPT, 0o600)?;

        let mut setup = rails(&dir);
        setup.arg("runner").arg(dir.join("setup.rb"));
        let out = process::run_watched(&mut setup, &mut reaper)?;
        let api_key = out
            .lines()
            .find_map(|l| l.strip_prefix("SR_API_KEY="))
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .ok_or_else(|| Error::NotStarted {
                server: "Redmine (setup)",
                attempts: 1,
                log: process::tail(&out, 20),
            })?;

        let mut log = String::new();
        for _ in 0..ATTEMPTS {
            let port = try_free_port()?;
            let mut cmd = rails(&dir);
            // Loaded before Bundler narrows the load path (see the module
            // doc): Redmine's Gemfile names no Rack server. Then one
            // request at a time (SERIAL_SCRIPT).
            let rubyopt = format!("-rwebrick -r{}", dir.join("serial.rb").display());
            cmd.env("RUBYOPT", rubyopt)
                .args(["server", "-u", "webrick", "-b", "127.0.0.1", "-p"])
                .arg(port.to_string())
                .arg("-P")
                .arg(dir.join("tmp/server.pid"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .process_group(0);
            let mut child = cmd.spawn().map_err(|source| Error::Spawn {
                command: process::describe(&cmd),
                source,
            })?;
            reaper.watch_group(child.id());
            match process::wait_for_log(&mut child, "Redmine", "HTTPServer#start", READY_TIMEOUT) {
                Ok(()) => {
                    return Ok(RedmineServer {
                        port,
                        api_key,
                        dir,
                        child,
                        _reaper: reaper,
                    });
                }
                Err(lines) => {
                    child.kill().ok();
                    child.wait().ok();
                    std::fs::remove_file(dir.join("tmp/server.pid")).ok();
                    log = lines;
                }
            }
        }
        Err(Error::NotStarted {
            server: "Redmine",
            attempts: ATTEMPTS,
            log,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The admin's REST API key (`X-Redmine-API-Key`).
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The instance directory (database, logs, uploads).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The variables that hand this server to tests.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (REDMINE_URL_ENV, self.url()),
            (REDMINE_KEY_ENV, self.api_key.clone()),
        ]
    }

    /// Kills the server and removes its directory (the same as dropping it).
    pub fn stop(self) {}
}

impl Drop for RedmineServer {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// `bin/rails` of the instance in `dir`, in production.
fn rails(dir: &Path) -> Command {
    let mut cmd = Command::new(Path::new(REDMINE_ROOT).join("bin/rails"));
    cmd.current_dir(REDMINE_ROOT)
        .env("REDMINE_INSTANCE", instance_name(dir))
        .env("RAILS_ENV", "production")
        .env("REDMINE_LANG", "en");
    cmd
}

/// The instance name that leads from `/usr/share/redmine/instances` to
/// `dir`: enough `..` to reach `/` whatever the symlinks on the way, then
/// `dir` itself.
fn instance_name(dir: &Path) -> String {
    let climb = "../".repeat(16);
    format!(
        "{climb}{}",
        dir.display().to_string().trim_start_matches('/')
    )
}

/// A fresh secret for the instance's session cookies.
fn secret() -> String {
    use std::fmt::Write;
    let mut bytes = [0u8; 32];
    // Only the session cookies of a throwaway server depend on it; the
    // kernel's random source is enough and needs no crate.
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        std::io::Read::read_exact(&mut f, &mut bytes).ok();
    }
    bytes.iter().fold(String::new(), |mut s, b| {
        write!(s, "{b:02x}").ok();
        s
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_instance_name_climbs_to_the_root() {
        let name = super::instance_name(std::path::Path::new("/tmp/x"));
        assert!(name.ends_with("/tmp/x"));
        let joined = std::path::Path::new("/usr/share/redmine/instances").join(&name);
        let depth = joined
            .components()
            .filter(|c| matches!(c, std::path::Component::ParentDir))
            .count();
        assert!(depth >= 4, "{name}");
    }
}
