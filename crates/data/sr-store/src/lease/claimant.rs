//! Claimant identity: `host:pid:start`, where `start` is when the process
//! started (clock ticks since boot), so a reused pid is not taken for a
//! killed worker. A holder that must not share claims with the rest of its
//! process (a job scheduler: two of them in one process must never both run
//! an interval) claims as `host:pid:start.n`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// This machine's name (`HOSTNAME`, else /etc/hostname, else `localhost`),
/// read once.
pub fn host() -> &'static str {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        std::env::var("HOSTNAME")
            .ok()
            .filter(|h| !h.is_empty())
            .or_else(|| {
                std::fs::read_to_string("/etc/hostname")
                    .ok()
                    .map(|h| h.trim().to_owned())
            })
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into())
    })
}

/// This process's name in claims: `host:pid:start`.
pub fn process_claimant() -> &'static str {
    static ME: OnceLock<String> = OnceLock::new();
    ME.get_or_init(|| {
        let pid = std::process::id();
        format!("{}:{}:{}", host(), pid, start_time(pid).unwrap_or_default())
    })
}

/// A claimant of its own inside this process: `host:pid:start.n`, a new
/// `n` per call. Judged alive or gone as its process is.
pub fn holder_claimant() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!(
        "{}.{}",
        process_claimant(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A process's start time in clock ticks since boot (/proc/PID/stat, field
/// 22); `None` when there is no such process or no /proc.
fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; fields after it follow
    // its closing parenthesis, starting at field 3.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19).map(str::to_owned)
}

/// Whether the process behind an unannounced claimant is gone (or its pid
/// now belongs to another process). Only answerable for this host, through
/// /proc: claims of other hosts are never judged gone here.
pub fn process_gone(claimant: &str) -> bool {
    let claimant = claimant
        .strip_suffix(super::presence::SUFFIX)
        .unwrap_or(claimant);
    let mut parts = claimant.rsplitn(3, ':');
    let (Some(start), Some(pid), Some(h)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    // A holder's `.n` names it inside its process.
    let start = start.split_once('.').map_or(start, |(s, _)| s);
    if h != host() || !std::path::Path::new("/proc/self/stat").exists() {
        return false;
    }
    match pid.parse::<u32>() {
        Ok(pid) => start_time(pid).is_none_or(|now| now != start),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claimants_name_a_live_process_until_it_is_gone() {
        let me = process_claimant();
        assert!(!process_gone(me), "{me}");
        let holder = holder_claimant();
        assert!(holder.starts_with(me) && holder != holder_claimant());
        assert!(!process_gone(&holder), "{holder}");
        let pid = std::process::id();
        let reused = format!("{}:{}:1", host(), pid);
        assert!(process_gone(&reused), "same pid, other start time");
        assert!(
            process_gone(&format!("{}:{}:1", host(), u32::MAX)),
            "no such process"
        );
        assert!(
            !process_gone(&format!("elsewhere:{pid}:1")),
            "other hosts are not judged"
        );
        assert!(!process_gone("not a claimant"));
    }
}
