//! A client-side limiter: at most N sends per action in any sliding window.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// How the client limits its own request rate.
///
/// With [`RateLimit::Documented`] (the default) each action is limited to its documented rate
/// ([`Action::RATE_LIMIT_PER_SECOND`](crate::Action::RATE_LIMIT_PER_SECOND)); actions without
/// a documented rate are not limited. The limiter keeps the send times of the last N attempts
/// of each action and makes an attempt wait until fewer than N were sent in the last second
/// plus [`RateLimit::GUARD`], so no window of one second sees more than N requests even when
/// network delays vary. Retries count like any attempt. Clones of a client share one limiter;
/// separate clients (or processes) do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RateLimit {
    /// Each action's documented rate.
    #[default]
    Documented,
    /// The same rate for every action, documented or not.
    PerSecond(u32),
    /// No client-side limit.
    Disabled,
}

impl RateLimit {
    /// Slack added to the one-second window, covering differences in network delay between
    /// requests, so that the server never counts more than N in any one second.
    pub const GUARD: Duration = Duration::from_millis(100);

    pub(crate) fn limit_for(&self, documented: Option<u32>) -> Option<u32> {
        match self {
            RateLimit::Documented => documented,
            RateLimit::PerSecond(n) => Some(*n),
            RateLimit::Disabled => None,
        }
        .filter(|n| *n > 0)
    }
}

type Window = Arc<tokio::sync::Mutex<VecDeque<Instant>>>;

/// Per-action sliding windows, shared by clones of a client.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    windows: Mutex<HashMap<(&'static str, &'static str), Window>>,
}

impl RateLimiter {
    /// Waits until an attempt of `action` of `service` may be sent under `limit` per second,
    /// and records it. Returns how long it waited.
    pub(crate) async fn acquire(
        &self,
        service: &'static str,
        action: &'static str,
        limit: u32,
    ) -> Duration {
        let period = Duration::from_secs(1) + RateLimit::GUARD;
        let window = {
            let mut windows = match self.windows.lock() {
                Ok(w) => w,
                Err(poisoned) => poisoned.into_inner(),
            };
            windows.entry((service, action)).or_default().clone()
        };
        let started = Instant::now();
        // Waiters queue on the async mutex in arrival order; the one holding it sleeps until
        // the oldest send leaves the window. Dropping this future releases the lock without
        // recording a send.
        let mut sends = window.lock().await;
        let capacity = limit as usize;
        loop {
            let now = Instant::now();
            while let Some(&oldest) = sends.front() {
                if now.duration_since(oldest) >= period {
                    sends.pop_front();
                } else {
                    break;
                }
            }
            if sends.len() < capacity {
                sends.push_back(now);
                return now.duration_since(started);
            }
            match sends.front() {
                Some(&oldest) => tokio::time::sleep_until(oldest + period).await,
                None => {
                    // Unreachable with capacity > 0; record and go rather than spin.
                    sends.push_back(now);
                    return now.duration_since(started);
                }
            }
        }
    }
}
