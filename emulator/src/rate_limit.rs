//! The documented per-action rate limits, as the service enforces them: a sliding one-second
//! window per action and SecretId. Refused calls do not count.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The calls admitted in the last second, per (action, SecretId).
#[derive(Debug, Default)]
pub(crate) struct RateLimiter(Mutex<HashMap<(String, String), VecDeque<Instant>>>);

impl RateLimiter {
    /// True if one more call of `action` by `secret_id` stays within `per_second` (and then
    /// counts it).
    pub fn admit(&self, action: &str, secret_id: &str, per_second: u32) -> bool {
        if per_second == 0 {
            return true;
        }
        let Ok(mut map) = self.0.lock() else {
            return true;
        };
        let now = Instant::now();
        let window = map
            .entry((action.to_owned(), secret_id.to_owned()))
            .or_default();
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            window.pop_front();
        }
        if window.len() >= per_second as usize {
            return false;
        }
        window.push_back(now);
        true
    }
}
