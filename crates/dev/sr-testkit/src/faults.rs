//! [`FaultProxy`]: a loopback HTTP/1.1 proxy in front of a real server
//! (the test Redmine) that spoils requests the ways trackers and networks
//! do — 429 with `Retry-After`, 5xx, a connection reset before the request
//! is passed on, and an answer cut short after the request took effect —
//! either queued one by one ([`FaultProxy::push`]) or a share of all
//! requests drawn by a seeded generator ([`FaultProxy::set_percent`]), so
//! a failing run can be repeated.
//!
//! Hand-written on tokio rather than a proxy crate: it has to cut answers
//! mid-body and reset connections on purpose, which proxies exist to
//! avoid. Every request gets its own upstream connection with
//! `Connection: close`, and the answer ends the client's connection too,
//! so a request is exactly one exchange on each side.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One way to spoil a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 429 with `Retry-After: secs`; not passed on.
    TooManyRequests { retry_after: u32 },
    /// This status (503, 502…) with a small HTML body; not passed on.
    Status(u16),
    /// The connection is reset before the request is passed on.
    Reset,
    /// Passed on (it takes effect), the answer cut in the middle of its body.
    Truncated,
}

/// The faults in the order [`FaultProxy::counts`] lists them.
pub const FAULT_NAMES: [&str; 4] = ["429", "5xx", "reset", "truncated"];

impl Fault {
    fn index(self) -> usize {
        match self {
            Fault::TooManyRequests { .. } => 0,
            Fault::Status(_) => 1,
            Fault::Reset => 2,
            Fault::Truncated => 3,
        }
    }
}

#[derive(Debug)]
struct State {
    queued: std::collections::VecDeque<Fault>,
    percent: u32,
    retry_after: u32,
    rng: u64,
    counts: [u64; 4],
    log: Vec<String>,
}

impl State {
    /// The fault for the next request: a queued one, else a random draw.
    fn draw(&mut self) -> Option<Fault> {
        let fault = self.queued.pop_front().or_else(|| {
            // xorshift64: small, seeded and good enough to spread faults.
            let mut x = self.rng;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.rng = x;
            let roll = u32::try_from(x % 400).unwrap_or(0);
            (roll < self.percent * 4).then_some(match roll % 4 {
                0 => Fault::TooManyRequests {
                    retry_after: self.retry_after,
                },
                1 => Fault::Status(503),
                2 => Fault::Reset,
                _ => Fault::Truncated,
            })
        })?;
        self.counts[fault.index()] += 1;
        Some(fault)
    }
}

/// A running proxy; it stops when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Listens on a free loopback port and passes requests on to
    /// `upstream` (`127.0.0.1:PORT` or `http://127.0.0.1:PORT`), quiet
    /// until told otherwise.
    pub async fn start(upstream: &str) -> std::io::Result<FaultProxy> {
        let target = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State {
            queued: Default::default(),
            percent: 0,
            retry_after: 1,
            rng: 7,
            counts: [0; 4],
            log: Vec::new(),
        }));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let state = shared.clone();
                let target = target.clone();
                tokio::spawn(async move {
                    // A client that went away is its own business.
                    let _ = serve(client, &target, &state).await;
                });
            }
        });
        Ok(FaultProxy { addr, state, task })
    }

    /// `http://127.0.0.1:PORT`, the address to give the client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut s)
    }

    /// Spoils the next request with `fault` (queued faults go first).
    pub fn push(&self, fault: Fault) {
        self.with(|s| s.queued.push_back(fault));
    }

    /// `percent` of requests (0–100) get a random fault; `seed` fixes which.
    pub fn set_percent(&self, percent: u32, seed: u64) {
        self.with(|s| {
            s.percent = percent.min(100);
            // Spread: xorshift's first draws from a small seed are small.
            s.rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        });
    }

    /// The `Retry-After` of random 429s (1 s unless set).
    pub fn set_retry_after(&self, secs: u32) {
        self.with(|s| s.retry_after = secs);
    }

    /// How many requests got each fault of [`FAULT_NAMES`].
    pub fn counts(&self) -> [u64; 4] {
        self.with(|s| s.counts)
    }

    /// Every request seen, as `METHOD /path?query`, spoiled or not.
    pub fn requests(&self) -> Vec<String> {
        self.with(|s| s.log.clone())
    }
}

/// Where the head ends, if it has.
fn head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

fn content_length(head: &str) -> usize {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0)
}

async fn serve(mut client: TcpStream, target: &str, state: &Mutex<State>) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let end = loop {
        if let Some(end) = head_end(&buf) {
            break end;
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let want = end + content_length(&head);
    while buf.len() < want {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let line = head.lines().next().unwrap_or_default();
    let request: Vec<&str> = line.split_whitespace().take(2).collect();
    let fault = {
        let mut s = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        s.log.push(request.join(" "));
        s.draw()
    };
    match fault {
        Some(Fault::TooManyRequests { retry_after }) => {
            let body = "Too many requests, slow down";
            let answer = format!(
                "HTTP/1.1 429 Too Many Requests\r\nRetry-After: {retry_after}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            client.write_all(answer.as_bytes()).await?;
            client.shutdown().await
        }
        Some(Fault::Status(code)) => {
            let body = "<html><body>Service Unavailable</body></html>";
            let answer = format!(
                "HTTP/1.1 {code} Unavailable\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            client.write_all(answer.as_bytes()).await?;
            client.shutdown().await
        }
        Some(Fault::Reset) => {
            // Linger zero: closing sends RST, not an orderly FIN.
            client.set_zero_linger()?;
            drop(client);
            Ok(())
        }
        other => {
            let answer = forward(&head, &buf[end..], target).await?;
            if other == Some(Fault::Truncated) {
                let body_at = head_end(&answer).unwrap_or(answer.len());
                let keep = body_at + (answer.len() - body_at) / 2;
                client.write_all(&answer[..keep]).await?;
            } else {
                client.write_all(&answer).await?;
            }
            client.shutdown().await
        }
    }
}

/// Sends one request upstream on its own connection and reads the whole
/// answer (the server closes after it).
async fn forward(head: &str, body: &[u8], target: &str) -> std::io::Result<Vec<u8>> {
    let mut upstream = TcpStream::connect(target).await?;
    let mut out = String::new();
    for (i, line) in head.trim_end().split("\r\n").enumerate() {
        let name = line.split(':').next().unwrap_or_default().trim();
        if i > 0
            && (name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("keep-alive"))
        {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes()).await?;
    upstream.write_all(body).await?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer).await?;
    Ok(answer)
}
