//! A throwaway OpenSSH server on loopback, the bastion of the SSH tunnel
//! tests: Debian's `sshd` run as `sshd -D -e -f CONFIG` with a host key
//! and one authorized client key made by `ssh-keygen` for this run, its
//! configuration in a scratch directory. Key logins only, TCP forwarding
//! on. Killed and removed on drop, or by the reaper when the owning
//! process exits.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::process::{self, Reaper};
use crate::try_free_port;

const SBIN: &[&str] = &["/usr/sbin", "/usr/local/sbin", "/usr/bin"];

const ATTEMPTS: u32 = 3;

const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// A running throwaway sshd.
#[derive(Debug)]
pub struct SshServer {
    port: u16,
    user: String,
    dir: PathBuf,
    child: Child,
    // Dropped after `child` is killed: removes `dir`.
    _reaper: Reaper,
}

impl SshServer {
    /// Makes the keys, writes the configuration and starts sshd. The user
    /// who may log in is the one running the tests.
    pub fn start() -> Result<SshServer> {
        let sshd = process::find_program(&["sshd"], SBIN).ok_or_else(|| Error::MissingBinary {
            what: "the OpenSSH server (sshd)",
            looked_for: format!("sshd in PATH and {}", SBIN.join(", ")),
            package: "openssh-server",
        })?;
        let dir = process::scratch_dir("sshd", None)?;
        let mut reaper = Reaper::spawn(&dir, &[], None)?;
        ssh_keygen(&dir.join("host_ed25519_key"))?;
        ssh_keygen(&dir.join("client_ed25519"))?;
        let authorized =
            std::fs::read_to_string(dir.join("client_ed25519.pub")).map_err(|source| {
                Error::Io {
                    what: "could not read the client key",
                    path: dir.join("client_ed25519.pub"),
                    source,
                }
            })?;
        crate::ca::write(&dir.join("authorized_keys"), &authorized, 0o600)?;
        let user = current_user()?;
        if process::is_root() {
            // sshd running as root wants its privilege separation directory.
            std::fs::create_dir_all("/run/sshd").ok();
        }

        let mut log = String::new();
        for _ in 0..ATTEMPTS {
            let port = try_free_port()?;
            let config = dir.join("sshd_config");
            let text = format!(
                "Port {port}\n\
                 ListenAddress 127.0.0.1\n\
                 HostKey {d}/host_ed25519_key\n\
                 PidFile {d}/sshd.pid\n\
                 AuthorizedKeysFile {d}/authorized_keys\n\
                 StrictModes no\n\
                 UsePAM no\n\
                 PasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\n\
                 PubkeyAuthentication yes\n\
                 PermitRootLogin prohibit-password\n\
                 AllowTcpForwarding yes\n\
                 AllowAgentForwarding no\n\
                 X11Forwarding no\n\
                 LogLevel VERBOSE\n",
                d = dir.display()
            );
            crate::ca::write(&config, &text, 0o600)?;
            let mut cmd = Command::new(&sshd);
            cmd.current_dir(&dir)
                .arg("-D")
                .arg("-e")
                .arg("-f")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .process_group(0);
            let mut child = cmd.spawn().map_err(|source| Error::Spawn {
                command: process::describe(&cmd),
                source,
            })?;
            reaper.watch_group(child.id());
            match process::wait_for_log(&mut child, "sshd", "Server listening on", READY_TIMEOUT) {
                Ok(()) => {
                    return Ok(SshServer {
                        port,
                        user,
                        dir,
                        child,
                        _reaper: reaper,
                    });
                }
                Err(lines) => {
                    child.kill().ok();
                    child.wait().ok();
                    log = lines;
                }
            }
        }
        Err(Error::NotStarted {
            server: "sshd",
            attempts: ATTEMPTS,
            log,
        })
    }

    /// `ssh://USER@127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("ssh://{}@127.0.0.1:{}", self.user, self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    /// The scratch directory: `client_ed25519` (the authorized private
    /// key) and `host_ed25519_key.pub` (the server's public host key).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The id of the listening sshd (each login is a child of it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server and removes its directory (the same as dropping it).
    pub fn stop(self) {}
}

impl Drop for SshServer {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Makes a new ed25519 key pair without a passphrase at `path` (and
/// `path.pub`) with `ssh-keygen`.
pub fn ssh_keygen(path: &Path) -> Result<()> {
    let keygen =
        process::find_program(&["ssh-keygen"], SBIN).ok_or_else(|| Error::MissingBinary {
            what: "ssh-keygen",
            looked_for: "ssh-keygen in PATH".to_owned(),
            package: "openssh-client",
        })?;
    process::run(
        Command::new(keygen)
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "sr-testkit", "-f"])
            .arg(path),
    )
    .map(drop)
}

fn current_user() -> Result<String> {
    let out = process::run(Command::new("id").arg("-un"))?;
    Ok(out.trim().to_owned())
}
