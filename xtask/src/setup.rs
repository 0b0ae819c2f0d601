//! What the tests need from the machine: Debian packages for the database
//! servers and for running the GUI under Xvfb. Installed when missing
//! (we run as root on the project's machines), once, with one
//! `apt-get update` first.

use std::process::Command;

use anyhow::Result;

use crate::sh;

/// The Debian packages tests and benches rely on.
pub const PACKAGES: &[&str] = &[
    "postgresql",
    "mariadb-server",
    "xvfb",
    "mesa-utils",
    "libgl1-mesa-dri",
    // Software Vulkan (lavapipe) for the GUI's image snapshots through wgpu.
    "mesa-vulkan-drivers",
    "libvulkan1",
    "xauth",
    // Independent HMAC signer for the webhook tests.
    "openssl",
    // The SSH bastion of the tunnel tests (sshd, and ssh-keygen for its keys).
    "openssh-server",
    // A real Redmine (Rails on SQLite) for the Redmine adapter's tests.
    "redmine",
    "redmine-sqlite",
];

pub fn is_root() -> bool {
    sh::read(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0")
}

fn installed(package: &str) -> bool {
    sh::read(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
        .is_some_and(|s| s.trim() == "install ok installed")
}

/// Installs whichever of `packages` is missing. Off Debian, or when not
/// root, says what is missing and goes on: the tests that need it then fail
/// with their own message naming the fix.
pub fn ensure_packages(packages: &[&str]) -> Result<()> {
    if sh::read(Command::new("dpkg-query").arg("--version")).is_none() {
        eprintln!(
            "xtask: not a Debian system (no dpkg-query); make sure PostgreSQL, MariaDB and Xvfb are installed"
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.join(" ");
    if !is_root() {
        eprintln!(
            "xtask: missing Debian packages: {list}\n       install them as root: apt-get install -y {list}"
        );
        return Ok(());
    }
    eprintln!("xtask: installing missing Debian packages: {list}");
    let apt = || {
        let mut cmd = Command::new("apt-get");
        cmd.env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    sh::run(apt().args(["update", "-q"]))?;
    sh::run(apt().args(["install", "-y", "-q"]).args(&missing))?;
    Ok(())
}
