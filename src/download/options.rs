//! How a download works: [`DownloadOptions`] (which URLs, how many files at a time, retries,
//! timeouts, the HTTP client, the progress callback).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tencentcloud_transport::{CallOptions, RetryPolicy};

use super::progress::{ProgressCallback, ProgressEvent};

/// How [`download_backup`](super::download_backup) works. Build it with
/// [`DownloadOptions::new`] and the setters.
#[derive(Clone)]
pub struct DownloadOptions {
    pub(crate) inner: bool,
    pub(crate) parallel: usize,
    pub(crate) force: bool,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_url_refreshes: u32,
    pub(crate) stall_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) http_client: Option<reqwest::Client>,
    pub(crate) call_options: CallOptions,
    pub(crate) progress: Option<ProgressCallback>,
}

impl fmt::Debug for DownloadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DownloadOptions")
            .field("inner", &self.inner)
            .field("parallel", &self.parallel)
            .field("force", &self.force)
            .field("retry", &self.retry)
            .field("max_url_refreshes", &self.max_url_refreshes)
            .field("stall_timeout", &self.stall_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("progress", &self.progress.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for DownloadOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl DownloadOptions {
    /// The default number of files downloaded at the same time.
    pub const DEFAULT_PARALLEL: usize = 4;
    /// The largest accepted [`DownloadOptions::parallel`].
    pub const MAX_PARALLEL: usize = 64;

    /// Defaults: public URLs, [`Self::DEFAULT_PARALLEL`] files at a time, skip complete
    /// files, 5 attempts per file without progress (backoff from 200 ms up to 5 s), 3 URL
    /// refreshes, a 60 s stall timeout, a 10 s connect timeout.
    pub fn new() -> Self {
        Self {
            inner: false,
            parallel: Self::DEFAULT_PARALLEL,
            force: false,
            retry: RetryPolicy::new().with_max_attempts(5),
            max_url_refreshes: 3,
            stall_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            http_client: None,
            call_options: CallOptions::new(),
            progress: None,
        }
    }

    /// Uses `InnerDownloadUrl` (reachable only from inside Tencent Cloud) instead of
    /// `DownloadUrl`.
    pub fn inner(mut self, inner: bool) -> Self {
        self.inner = inner;
        self
    }

    /// Downloads at most `n` files at the same time (clamped to `1..=MAX_PARALLEL`).
    pub fn parallel(mut self, n: usize) -> Self {
        self.parallel = n.clamp(1, Self::MAX_PARALLEL);
        self
    }

    /// Downloads every file again, even when a complete copy is already present, and
    /// discards `NAME.part` files of earlier runs instead of resuming them.
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// How often a file is tried after failures that made no progress, and the backoff
    /// between tries. [`RetryPolicy::disabled`] makes one attempt per file and no URL
    /// refresh.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How many times `DescribeBackupUrl` may be called again for fresh URLs after `403`s.
    pub fn max_url_refreshes(mut self, n: u32) -> Self {
        self.max_url_refreshes = n;
        self
    }

    /// Gives up on a response that sends no byte for this long (then retries or resumes).
    pub fn stall_timeout(mut self, timeout: Duration) -> Self {
        self.stall_timeout = timeout;
        self
    }

    /// The connect timeout of the HTTP client this module creates.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Downloads with this HTTP client (its proxy, TLS and timeout settings apply).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Options for the `DescribeBackupUrl` calls (retries, timeouts, region).
    pub fn call_options(mut self, options: CallOptions) -> Self {
        self.call_options = options;
        self
    }

    /// Calls `callback` for every [`ProgressEvent`], from the downloading tasks (so it must
    /// be quick and thread-safe).
    pub fn on_progress(
        mut self,
        callback: impl Fn(&ProgressEvent<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }
}
