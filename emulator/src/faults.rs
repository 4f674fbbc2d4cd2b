//! Faults injected on demand, drawn from a seeded generator so that a test sees the same
//! sequence on every run.

use std::time::Duration;

/// Which faults to inject. Probabilities are per call, between 0 and 1; they are checked in
/// the order the fields are listed and at most one fires per call.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Seed of the generator the probabilities draw from.
    pub seed: u64,
    /// API calls: answer `RequestLimitExceeded` (HTTP 200 envelope).
    pub request_limit_exceeded: f64,
    /// API calls: answer `InternalError` (HTTP 200 envelope).
    pub internal_error: f64,
    /// API calls and downloads: answer HTTP 503 with a plain-text body, as a gateway would.
    pub http_5xx: f64,
    /// API calls and downloads: reset the TCP connection (RST) instead of answering.
    pub connection_reset: f64,
    /// Added before every API call and download is answered.
    pub latency: Duration,
    /// Downloads: close the connection after this many body bytes of each response.
    pub cut_download_after: Option<u64>,
    /// How many download responses `cut_download_after` applies to (`None`: all of them).
    pub cut_download_times: Option<u32>,
}

impl Default for Faults {
    fn default() -> Self {
        Self::none()
    }
}

impl Faults {
    /// No faults.
    pub fn none() -> Self {
        Self {
            seed: 0x7c_2018_0412,
            request_limit_exceeded: 0.0,
            internal_error: 0.0,
            http_5xx: 0.0,
            connection_reset: 0.0,
            latency: Duration::ZERO,
            cut_download_after: None,
            cut_download_times: None,
        }
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the probability of `RequestLimitExceeded`.
    pub fn request_limit_exceeded(mut self, p: f64) -> Self {
        self.request_limit_exceeded = p;
        self
    }

    /// Sets the probability of `InternalError`.
    pub fn internal_error(mut self, p: f64) -> Self {
        self.internal_error = p;
        self
    }

    /// Sets the probability of an HTTP 503.
    pub fn http_5xx(mut self, p: f64) -> Self {
        self.http_5xx = p;
        self
    }

    /// Sets the probability of a connection reset.
    pub fn connection_reset(mut self, p: f64) -> Self {
        self.connection_reset = p;
        self
    }

    /// Sets the added latency.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Cuts every download response whose body is longer than `bytes` after `bytes` body bytes
    /// (a shorter body is sent whole and does not count as cut).
    pub fn cut_download_after(mut self, bytes: u64) -> Self {
        self.cut_download_after = Some(bytes);
        self
    }

    /// Limits download cuts to the first `times` responses that are cut.
    pub fn cut_download_times(mut self, times: u32) -> Self {
        self.cut_download_times = Some(times);
        self
    }
}

/// What a call drew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Draw {
    None,
    RequestLimitExceeded,
    InternalError,
    Http5xx,
    ConnectionReset,
}

/// The faults in force and the generator they draw from.
#[derive(Debug)]
pub(crate) struct FaultState {
    pub faults: Faults,
    rng: fastrand::Rng,
    cuts_done: u32,
}

impl FaultState {
    pub fn new(faults: Faults) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(faults.seed),
            faults,
            cuts_done: 0,
        }
    }

    /// Draws for one call. `api` is false for downloads, which never get service errors.
    pub fn draw(&mut self, api: bool) -> Draw {
        let f = &self.faults;
        let table = [
            (api, f.request_limit_exceeded, Draw::RequestLimitExceeded),
            (api, f.internal_error, Draw::InternalError),
            (true, f.http_5xx, Draw::Http5xx),
            (true, f.connection_reset, Draw::ConnectionReset),
        ];
        for (applies, p, draw) in table {
            if applies && p > 0.0 && self.rng.f64() < p {
                return draw;
            }
        }
        Draw::None
    }

    /// Whether to cut a download response of `body_len` bytes, and after how many bytes. A
    /// body no longer than the cut point is never cut, so it neither counts as a cut nor uses
    /// up one of `cut_download_times`.
    pub fn download_cut(&mut self, body_len: u64) -> Option<u64> {
        let after = self
            .faults
            .cut_download_after
            .filter(|after| *after < body_len)?;
        if let Some(times) = self.faults.cut_download_times {
            if self.cuts_done >= times {
                return None;
            }
        }
        self.cuts_done = self.cuts_done.saturating_add(1);
        Some(after)
    }
}
