//! The time source. Handlers never read the system clock directly, so tests can move time.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Milliseconds added to the system time; moved forward by tests.
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// A serving node's clock: the system time, moved by `PARLEY_CLOCK_OFFSET_MS` when that is
    /// set — the end-to-end tests' way to reach a reminder or the end of an access without
    /// waiting days. Never set in production; a node that has it says so in its log.
    pub fn from_env() -> Self {
        let clock = Self::default();
        if let Some(offset) = std::env::var("PARLEY_CLOCK_OFFSET_MS").ok().and_then(|v| v.parse::<i64>().ok()) {
            tracing::warn!(
                offset_ms = offset,
                "PARLEY_CLOCK_OFFSET_MS is set: this node's clock is moved (tests only)"
            );
            clock.advance(offset);
        }
        clock
    }

    pub fn now_ms(&self) -> i64 {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        system + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves this clock (and every clone of it) forward.
    pub fn advance(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}
