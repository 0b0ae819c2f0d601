//! [`CancelToken`]: a cheap, clonable flag a caller sets to stop a bench.
//! Waiting on it is a `watch` channel, so a task can `select!` on it.

use std::sync::Arc;

use tokio::sync::watch;

/// Cancels a running bench: every clone sees the same flag.
#[derive(Debug, Clone)]
pub struct CancelToken {
    tx: Arc<watch::Sender<bool>>,
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken::new()
    }
}

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken {
            tx: Arc::new(watch::Sender::new(false)),
        }
    }

    /// Asks the bench to stop; it stops at once, cancelling the statement
    /// in flight where the server allows it.
    pub fn cancel(&self) {
        self.tx.send_replace(true);
    }

    pub fn is_cancelled(&self) -> bool {
        *self.tx.borrow()
    }

    /// Resolves once [`cancel`](Self::cancel) was called (at once if it was).
    pub async fn cancelled(&self) {
        let mut rx = self.tx.subscribe();
        // The sender lives in `self`, so the channel cannot close here.
        if rx.wait_for(|c| *c).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_clone_sees_the_cancel() {
        let token = CancelToken::new();
        let other = token.clone();
        assert!(!other.is_cancelled());
        let waiter = tokio::spawn(async move { other.cancelled().await });
        token.cancel();
        waiter.await.unwrap();
        assert!(token.is_cancelled());
        // Waiting after the fact returns at once.
        token.cancelled().await;
    }
}
