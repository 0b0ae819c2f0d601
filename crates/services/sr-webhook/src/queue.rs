//! The hand-off from the writer to the processor: deliveries this process
//! has just committed, claimed for its own processor as they were
//! recorded, with their bodies, so the processor neither claims them nor
//! reads them back from the store. Bounded by count and bytes; what does
//! not fit is recorded unclaimed and processed from the store (by this
//! process or any other sharing it).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use sr_store::Delivery;
use tokio::sync::Notify;

/// Most deliveries held in memory.
const MAX_COUNT: usize = 8192;
/// Most body bytes held in memory.
const MAX_BYTES: usize = 64 << 20;

#[derive(Debug, Default)]
struct Held {
    items: VecDeque<Delivery>,
    bytes: usize,
}

#[derive(Debug)]
pub(crate) struct Queue {
    held: Mutex<Held>,
    max_count: usize,
    max_bytes: usize,
    wake: Notify,
    /// Deliveries wait in the store that no processor has claimed (the
    /// queue was full when they were recorded).
    store_due: AtomicBool,
}

/// What may still be handed over: a count and bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Room {
    count: usize,
    bytes: usize,
}

impl Room {
    /// Takes room for a body of `size` bytes; false when it does not fit.
    pub(crate) fn take(&mut self, size: usize) -> bool {
        if self.count == 0 || size > self.bytes {
            return false;
        }
        self.count -= 1;
        self.bytes -= size;
        true
    }
}

impl Default for Queue {
    fn default() -> Self {
        Queue::bounded(MAX_COUNT, MAX_BYTES)
    }
}

impl Queue {
    pub(crate) fn bounded(max_count: usize, max_bytes: usize) -> Queue {
        Queue {
            held: Mutex::default(),
            max_count,
            max_bytes,
            wake: Notify::new(),
            store_due: AtomicBool::new(false),
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        // A panic while holding the lock leaves a consistent queue (every
        // change is one push or pop), so a poisoned lock is still usable.
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What fits now. Only the writer adds, so what it claims against this
    /// room still fits when it hands the deliveries over.
    pub(crate) fn room(&self) -> Room {
        let held = self.held();
        Room {
            count: self.max_count.saturating_sub(held.items.len()),
            bytes: self.max_bytes.saturating_sub(held.bytes),
        }
    }

    /// Hands committed deliveries to the processor.
    pub(crate) fn push(&self, deliveries: Vec<Delivery>) {
        if deliveries.is_empty() {
            return;
        }
        let mut held = self.held();
        for d in deliveries {
            held.bytes += d.body.len();
            held.items.push_back(d);
        }
        drop(held);
        self.wake.notify_one();
    }

    /// Up to `max` of the oldest held deliveries.
    pub(crate) fn take(&self, max: usize) -> Vec<Delivery> {
        let mut held = self.held();
        let n = held.items.len().min(max);
        let out: Vec<Delivery> = held.items.drain(..n).collect();
        held.bytes -= out.iter().map(|d| d.body.len()).sum::<usize>();
        out
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.held().items.is_empty()
    }

    /// Says that deliveries wait unclaimed in the store.
    pub(crate) fn store_due(&self) {
        self.store_due.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// Whether deliveries were left in the store since the last call.
    pub(crate) fn take_store_due(&self) -> bool {
        self.store_due.swap(false, Ordering::AcqRel)
    }

    /// Waits until something is pushed or left in the store (at once when
    /// that happened since the last wait).
    pub(crate) async fn notified(&self) {
        self.wake.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_is_bounded_by_count_and_bytes() {
        let mut room = Room {
            count: 2,
            bytes: 10,
        };
        assert!(!room.take(11), "too large");
        assert!(room.take(6));
        assert!(!room.take(5), "4 bytes left");
        assert!(room.take(4));
        assert!(!room.take(0), "no count left");
    }
}
