//! Who holds an outbox claim: `host:pid:start`, where `start` is when the
//! process started, so a reused pid is not taken for a killed worker. The
//! same scheme as sr-webhook's delivery processor (kept apart because the
//! two crates sit side by side, neither above the other).

fn host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
        })
        .unwrap_or_else(|| "localhost".into())
}

/// This process's name in claims.
pub(crate) fn claimant() -> String {
    let pid = std::process::id();
    format!("{}:{}:{}", host(), pid, start_time(pid).unwrap_or_default())
}

/// A process's start time in clock ticks since boot (/proc/PID/stat, field
/// 22); `None` when there is no such process or no /proc.
fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19).map(str::to_owned)
}

/// Whether the process behind a claim is gone. Only answerable for this
/// host; claims of other hosts wait for the claim timeout.
pub(crate) fn claimant_is_dead(owner: &str) -> bool {
    let mut parts = owner.rsplitn(3, ':');
    let (Some(start), Some(pid), Some(h)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
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
    fn claims_name_a_live_process_until_it_is_gone() {
        let me = claimant();
        assert!(!claimant_is_dead(&me), "{me}");
        let pid = std::process::id();
        assert!(claimant_is_dead(&format!("{}:{}:1", host(), pid)));
        assert!(claimant_is_dead(&format!("{}:{}:1", host(), u32::MAX)));
        assert!(!claimant_is_dead(&format!("elsewhere:{pid}:1")));
    }
}
