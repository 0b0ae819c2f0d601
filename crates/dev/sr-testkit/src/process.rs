//! Running the servers' helper programs: finding them, dropping root
//! privileges for them, throwaway directories, and the reaper that stops a
//! server and removes its directory when its owner goes away.

use std::ffi::OsString;
use std::io::Write;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{OnceLock, mpsc};
use std::time::Duration;

use crate::error::{Error, Result};

/// An OS account a server runs as, when the tests run as root (PostgreSQL
/// refuses to run as root).
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) name: String,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
}

impl Account {
    /// Makes `cmd` run as this account, in a directory it can read.
    pub(crate) fn apply(&self, cmd: &mut Command) {
        cmd.uid(self.uid).gid(self.gid).env("USER", &self.name);
    }
}

/// Whether this process runs as root (asked once; `id -u` is POSIX).
pub(crate) fn is_root() -> bool {
    static ROOT: OnceLock<bool> = OnceLock::new();
    *ROOT.get_or_init(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false)
    })
}

/// The account `name`, created as a system account when missing (we are
/// root whenever this is called).
pub(crate) fn system_account(name: &str) -> Result<Account> {
    if id_of(name, "-u").is_none() {
        run(Command::new("useradd").args([
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            name,
        ]))?;
    }
    match (id_of(name, "-u"), id_of(name, "-g")) {
        (Some(uid), Some(gid)) => Ok(Account {
            name: name.to_owned(),
            uid,
            gid,
        }),
        _ => Err(Error::CommandFailed {
            command: format!("id {name}"),
            status: "no such user".into(),
            output: format!("the system account `{name}` could not be found or created"),
        }),
    }
}

fn id_of(name: &str, flag: &str) -> Option<u32> {
    let out = Command::new("id").args([flag, name]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// The first of `names` found in `PATH` or in `extra_dirs`.
pub(crate) fn find_program(names: &[&str], extra_dirs: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain(extra_dirs.iter().map(PathBuf::from))
        .collect();
    names
        .iter()
        .find_map(|name| dirs.iter().map(|d| d.join(name)).find(|p| p.is_file()))
}

/// A command line as a person would type it, for messages.
pub(crate) fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `cmd` to completion; its combined output is returned, or put in the
/// error when it fails.
pub(crate) fn run(cmd: &mut Command) -> Result<String> {
    run_inner(cmd, None)
}

/// Like [`run`], for a program that writes into a reaper's directory (an
/// `initdb`, say): it runs in its own process group, which the reaper kills
/// before removing the directory, so nothing it leaves behind writes there
/// afterwards.
pub(crate) fn run_watched(cmd: &mut Command, reaper: &mut Reaper) -> Result<String> {
    cmd.process_group(0);
    run_inner(cmd, Some(reaper))
}

fn run_inner(cmd: &mut Command, reaper: Option<&mut Reaper>) -> Result<String> {
    let command = describe(cmd);
    let spawn_failed = |source| Error::Spawn {
        command: command.clone(),
        source,
    };
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_failed)?;
    if let Some(reaper) = reaper {
        reaper.watch_group(child.id());
    }
    let out = child.wait_with_output().map_err(spawn_failed)?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(Error::CommandFailed {
            command,
            status: out.status.to_string(),
            output: text,
        })
    }
}

/// Creates a new empty directory `sr-testkit-KIND-PID-N` in the temporary
/// directory, owned by `owner` when given (whose server must be able to
/// reach it, so a temporary directory closed to others is passed over for
/// `/tmp`).
pub(crate) fn scratch_dir(kind: &str, owner: Option<&Account>) -> Result<PathBuf> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let mut base = std::env::temp_dir();
    if owner.is_some() {
        let open = std::fs::metadata(&base)
            .map(|m| m.permissions().mode() & 0o001 != 0)
            .unwrap_or(false);
        if !open {
            base = PathBuf::from("/tmp");
        }
    }
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!("sr-testkit-{kind}-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                if let Some(acct) = owner {
                    std::os::unix::fs::chown(&dir, Some(acct.uid), Some(acct.gid)).map_err(
                        |source| Error::Io {
                            what: "could not hand over the directory",
                            path: dir.clone(),
                            source,
                        },
                    )?;
                }
                return Ok(dir);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 10_000 => continue,
            Err(source) => {
                return Err(Error::Io {
                    what: "could not create the scratch directory",
                    path: dir,
                    source,
                });
            }
        }
    }
}

/// The last `n` lines of `text`, for error messages.
pub(crate) fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A small `sh` process that waits until its owner closes a pipe, then kills
/// the processes it was told about, runs a stop command and removes a
/// directory. The owner closes the pipe by dropping the reaper, and the
/// kernel closes it when the owner exits in any way (a panic, `exit`, a
/// signal), so a server never outlives the test process or xtask run that
/// started it. The reaper ignores the terminal's signals and sits in its own
/// process group, so Ctrl-C on the owner does not take it down first.
#[derive(Debug)]
pub(crate) struct Reaper {
    child: Child,
    pipe: Option<ChildStdin>,
}

const REAPER_SCRIPT: &str = r#"trap '' INT HUP TERM QUIT
pids=
while read -r pid; do pids="$pids $pid"; done
dir=$1; shift
[ -n "$pids" ] && kill -KILL $pids >/dev/null 2>&1
[ $# -gt 0 ] && "$@" >/dev/null 2>&1
rm -rf -- "$dir"
"#;

impl Reaper {
    /// Starts a reaper for `dir`, running `stop` (if not empty) as `account`.
    pub(crate) fn spawn(dir: &Path, stop: &[OsString], account: Option<&Account>) -> Result<Self> {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(REAPER_SCRIPT)
            .arg("sr-testkit-reaper")
            .arg(dir)
            .args(stop)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
        if let Some(acct) = account {
            acct.apply(&mut cmd);
        }
        let mut child = cmd.spawn().map_err(|source| Error::Spawn {
            command: "sh (sr-testkit reaper)".into(),
            source,
        })?;
        let pipe = child.stdin.take();
        Ok(Reaper { child, pipe })
    }

    /// Tells the reaper to kill the process group led by `pid` (started
    /// with `process_group(0)`) when it fires.
    pub(crate) fn watch_group(&mut self, pid: u32) {
        if let Some(pipe) = self.pipe.as_mut() {
            // A reaper that is gone cannot be told; the process then lives
            // until its owner stops it, which `Drop` of the owner does.
            writeln!(pipe, "-{pid}").ok();
        }
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        // Closing the pipe is the signal; waiting makes the clean-up finish
        // before the owner goes on (a test can check the directory is gone).
        drop(self.pipe.take());
        self.child.wait().ok();
    }
}

/// Reads `server`'s log from `child`'s stderr until a line contains
/// `ready`, for at most `timeout` between lines. On failure returns the
/// last log lines. The reading thread keeps draining stderr afterwards:
/// a server that logs every request must never block on a full pipe or
/// find it closed.
pub(crate) fn wait_for_log(
    child: &mut Child,
    server: &str,
    ready: &str,
    timeout: Duration,
) -> std::result::Result<(), String> {
    let Some(stderr) = child.stderr.take() else {
        return Err(format!("{server}'s stderr was not captured"));
    };
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            // Once the server is ready nobody listens; keep draining.
            tx.send(line).ok();
        }
    });
    let mut lines: Vec<String> = Vec::new();
    loop {
        match rx.recv_timeout(timeout) {
            Ok(line) => {
                let done = line.contains(ready);
                lines.push(line);
                if done {
                    return Ok(());
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                lines.push(format!("(not ready after {timeout:?})"));
                break;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
                lines.push(format!("({server} exited: {status})"));
                break;
            }
        }
    }
    Err(tail(&lines.join("\n"), 20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_last_lines() {
        fn check(text: &str, n: usize, expected: &str) {
            assert_eq!(tail(text, n), expected, "tail({text:?}, {n})");
        }
        check("", 3, "");
        check("a", 3, "a");
        check("a\nb\nc\nd", 2, "c\nd");
        check("a\nb\n", 5, "a\nb");
    }

    #[test]
    fn reaper_kills_watched_group_and_removes_directory() {
        let dir = scratch_dir("reaper-test", None).unwrap();
        std::fs::write(dir.join("file"), "x").unwrap();
        let mut victim = Command::new("sleep")
            .arg("30")
            .process_group(0)
            .spawn()
            .unwrap();
        let mut reaper = Reaper::spawn(&dir, &[], None).unwrap();
        reaper.watch_group(victim.id());
        drop(reaper);
        let status = victim.wait().unwrap();
        assert!(!status.success(), "the watched process was killed");
        assert!(!dir.exists(), "{} was removed", dir.display());
    }

    #[test]
    fn reaper_runs_stop_command() {
        let dir = scratch_dir("reaper-test", None).unwrap();
        let marker = std::env::temp_dir().join(format!("sr-testkit-marker-{}", std::process::id()));
        let stop: Vec<OsString> = vec!["touch".into(), marker.clone().into()];
        drop(Reaper::spawn(&dir, &stop, None).unwrap());
        assert!(marker.exists(), "stop command ran");
        std::fs::remove_file(&marker).unwrap();
        assert!(!dir.exists());
    }
}
