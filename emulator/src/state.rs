//! What the handlers share while the emulator runs: the schema, the data, the accepted keys,
//! the configuration and its changeable settings, the fault generator, the rate limiter, the
//! request log and the scripted errors.

use std::collections::VecDeque;
use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use tencentcloud_schema::Schema;

use crate::config::{Config, Settings};
use crate::error::ApiError;
use crate::faults::{Draw, FaultState, Faults};
use crate::log::RequestLog;
use crate::rate_limit::RateLimiter;
use crate::store::Store;
use crate::sts::issued::StsState;

/// One accepted key pair.
#[derive(Clone)]
pub(crate) struct Credential {
    pub secret_id: String,
    pub secret_key: String,
    pub token: Option<String>,
}

/// The shared state.
pub(crate) struct State {
    pub schema: &'static Schema,
    pub store: Store,
    pub config: Config,
    /// The accepted key pairs: the main one (given or drawn at start) first.
    pub credentials: Vec<Credential>,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Where data files are written (the configured folder or a temporary one).
    pub data_dir: PathBuf,
    /// Key of the download URL signatures; random per start.
    pub url_key: [u8; 32],
    pub log: RequestLog,
    /// The temporary keys STS issued and its scripted errors.
    pub sts: StsState,
    settings: Mutex<Settings>,
    faults: Mutex<FaultState>,
    rate: RateLimiter,
    scripted: Mutex<VecDeque<ApiError>>,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State")
            .field("endpoint", &self.endpoint)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl State {
    pub fn new(
        config: Config,
        schema: &'static Schema,
        store: Store,
        credentials: Vec<Credential>,
        endpoint: String,
        data_dir: PathBuf,
    ) -> Self {
        let mut url_key = [0u8; 32];
        let mut rng = fastrand::Rng::new();
        url_key.iter_mut().for_each(|b| *b = rng.u8(..));
        Self {
            schema,
            store,
            credentials,
            endpoint,
            data_dir,
            url_key,
            log: RequestLog::default(),
            sts: StsState::default(),
            settings: Mutex::new(config.settings),
            faults: Mutex::new(FaultState::new(config.faults.clone())),
            rate: RateLimiter::default(),
            scripted: Mutex::new(VecDeque::new()),
            config,
        }
    }

    /// The settings in force now.
    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .map(|s| *s)
            .unwrap_or(self.config.settings)
    }

    /// Changes the settings in force.
    pub fn change_settings(&self, change: impl FnOnce(&mut Settings)) {
        if let Ok(mut s) = self.settings.lock() {
            change(&mut s);
        }
    }

    pub fn set_faults(&self, faults: Faults) {
        if let Ok(mut f) = self.faults.lock() {
            *f = FaultState::new(faults);
        }
    }

    /// Draws a fault for one call; returns it with the latency to add.
    pub fn draw_fault(&self, api: bool) -> (Draw, Duration) {
        match self.faults.lock() {
            Ok(mut f) => {
                let latency = f.faults.latency;
                (f.draw(api), latency)
            }
            Err(_) => (Draw::None, Duration::ZERO),
        }
    }

    /// Whether (and after how many bytes) to cut a download response of `body_len` bytes.
    pub fn download_cut(&self, body_len: u64) -> Option<u64> {
        self.faults
            .lock()
            .ok()
            .and_then(|mut f| f.download_cut(body_len))
    }

    /// Whether a call of `action` by `secret_id` is within the action's documented rate (and
    /// then counts it); always true while rate limits are off.
    pub fn admit(&self, action: &str, secret_id: &str, per_second: u32) -> bool {
        !self.settings().rate_limit || self.rate.admit(action, secret_id, per_second)
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
