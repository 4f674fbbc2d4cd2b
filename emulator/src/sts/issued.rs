//! What the emulator's STS keeps while it runs: the temporary keys it issued (the API
//! endpoint accepts them with their token until they expire) and the errors scripted for
//! its next calls.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::error::ApiError;

/// Issued keys expired longer ago than this are forgotten (an expired key is still known
/// for a while, so a call signed with it is told its token expired).
const FORGET_AFTER_SECS: u64 = 3600;

/// At most this many issued keys are kept; the ones expiring first go.
const MAX_ISSUED: usize = 100_000;

/// A temporary key pair as the API endpoint checks it.
#[derive(Clone)]
pub(crate) struct Temporary {
    pub secret_key: String,
    pub token: String,
    /// Unix seconds.
    pub expires_at: u64,
}

/// The STS state.
#[derive(Default)]
pub(crate) struct StsState {
    issued: Mutex<HashMap<String, Temporary>>,
    scripted: Mutex<VecDeque<ApiError>>,
}

fn random_alnum(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| rng.alphanumeric()).collect()
}

impl StsState {
    /// Issues a key pair that expires at `expires_at` (Unix seconds; `now` is the time of
    /// issue); returns its SecretId and the pair.
    pub fn issue(&self, now: u64, expires_at: u64) -> (String, Temporary) {
        let mut rng = fastrand::Rng::new();
        let secret_id = format!("AKIDtmp{}", random_alnum(&mut rng, 33));
        let key = Temporary {
            secret_key: random_alnum(&mut rng, 32),
            token: random_alnum(&mut rng, 96),
            expires_at,
        };
        if let Ok(mut issued) = self.issued.lock() {
            issued.retain(|_, key| key.expires_at.saturating_add(FORGET_AFTER_SECS) > now);
            if issued.len() >= MAX_ISSUED {
                let mut by_expiry: Vec<(u64, String)> = issued
                    .iter()
                    .map(|(id, key)| (key.expires_at, id.clone()))
                    .collect();
                by_expiry.sort();
                for (_, id) in by_expiry.into_iter().take(issued.len() + 1 - MAX_ISSUED) {
                    issued.remove(&id);
                }
            }
            issued.insert(secret_id.clone(), key.clone());
        }
        (secret_id, key)
    }

    /// The issued pair of `secret_id`, expired or not.
    pub fn lookup(&self, secret_id: &str) -> Option<Temporary> {
        self.issued
            .lock()
            .ok()
            .and_then(|issued| issued.get(secret_id).cloned())
    }

    pub fn push_scripted(&self, error: ApiError) {
        if let Ok(mut s) = self.scripted.lock() {
            s.push_back(error);
        }
    }

    /// The next scripted error, if any is queued.
    pub fn next_scripted(&self) -> Option<ApiError> {
        self.scripted.lock().ok().and_then(|mut s| s.pop_front())
    }
}
