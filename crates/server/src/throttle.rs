//! Sliding-window request limits per key (a phone number, a client address). Kept in memory
//! per node: with N nodes an attacker gets at most N times the budget, while the per-account
//! failure budget of SPEC §4 lives in the database and holds across nodes.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

#[derive(Default)]
pub struct Throttle {
    hits: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl Throttle {
    /// Records a hit for `key` and tells whether it is within `limit` hits per `window_ms`.
    /// A refused hit is not recorded, so waiting always helps.
    pub fn allow(&self, key: &str, limit: u32, window_ms: i64, now_ms: i64) -> bool {
        let Ok(mut map) = self.hits.lock() else { return false };
        if map.len() > 100_000 {
            map.retain(|_, q| q.back().is_some_and(|t| *t > now_ms - window_ms));
        }
        let q = map.entry(key.to_owned()).or_default();
        while q.front().is_some_and(|t| *t <= now_ms - window_ms) {
            q.pop_front();
        }
        if q.len() >= limit as usize {
            return false;
        }
        q.push_back(now_ms);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_within_window_and_recovers() {
        let t = Throttle::default();
        assert!((0..3).all(|i| t.allow("k", 3, 1000, i)));
        assert!(!t.allow("k", 3, 1000, 10));
        assert!(t.allow("other", 3, 1000, 10), "keys are independent");
        assert!(t.allow("k", 3, 1000, 1001), "the oldest hit left the window");
    }
}
