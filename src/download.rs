//! Downloading a backup's RDB files: ask `DescribeBackupUrl`, then stream every file of
//! `BackupInfos` to disk safely.
//!
//! [`download_backup`] is the whole workflow; the `tcredis download` command is a thin face
//! over it. What it guarantees:
//!
//! - **Constant memory.** Each file is streamed chunk by chunk into `NAME.part` in the output
//!   folder; nothing holds a whole file.
//! - **Nothing incomplete under a final name.** `NAME.part` is flushed and `fsync`ed, its size
//!   and checksum verified, and only then renamed to `NAME` (and the folder `fsync`ed).
//! - **Verification.** The byte count must match `FileSize` from the API and the HTTP
//!   `Content-Length`; when the storage sends `x-cos-hash-crc64ecma` (CRC-64/ECMA-182 as COS
//!   computes it, i.e. the CRC-64/XZ parameters) the file's checksum must match it.
//! - **Resume.** A cut connection is resumed with `Range: bytes=N-` (and `If-Range` with the
//!   ETag when there is one). A `206` answer must carry a matching `Content-Range`; a `200`
//!   answer means the server ignored the range and the file starts over. A `NAME.part` left
//!   by an earlier run is resumed too (and started over if its checksum then fails).
//! - **Retries** with exponential backoff and jitter for network errors, stalls, `5xx` and
//!   `429`; attempts that made progress do not use up the retry budget.
//! - **Expired URLs.** A `403` from the storage means the signed URL expired (they last six
//!   hours): `DescribeBackupUrl` is called again (once for all files that hit it) and the
//!   download continues with the fresh URL.
//! - **Skips** files already present under their final name with the right size (and the
//!   right checksum, when the storage reports one), unless [`DownloadOptions::force`].
//! - **Bounded parallelism** ([`DownloadOptions::parallel`]).
//! - **Hostile names cannot escape the folder**: every `FileName` must pass
//!   [`check_file_name`]; a file whose name fails is reported as failed and never written.
//! - **Signed URLs are redacted** ([`redact_url`]) in every log line, progress event and
//!   error: the signature in the query string never leaves this module.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use tencentcloud_redis::download::{download_backup, DownloadOptions, ProgressEvent};
//! use tencentcloud_redis::Client;
//!
//! let client = Client::builder().region("ap-guangzhou").build()?;
//! let options = DownloadOptions::new()
//!     .parallel(4)
//!     .on_progress(|event: &ProgressEvent<'_>| {
//!         if let ProgressEvent::FileDone { name, size, .. } = event {
//!             eprintln!("{name}: {size} bytes");
//!         }
//!     });
//! let summary =
//!     download_backup(&client, "crs-4y9t57vt", "678362566696298532848117", "backup", options)
//!         .await?;
//! assert!(summary.is_success());
//! # Ok(())
//! # }
//! ```

mod fetch;
mod names;
mod part;
mod redact;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tencentcloud_transport::{CallOptions, Client, RetryPolicy};

use crate::{DescribeBackupUrlError, DescribeBackupUrlRequest, DescribeBackupUrlResponse};

pub use names::{check_file_name, MAX_FILE_NAME_BYTES};
pub use redact::redact_url;

/// The response header carrying the storage's CRC-64 of the whole object, in decimal.
pub const CRC64_HEADER: &str = "x-cos-hash-crc64ecma";

/// The CRC-64 the storage reports in [`CRC64_HEADER`]: CRC-64/ECMA-182 as COS computes it,
/// which is the CRC-64/XZ parameter set.
///
/// Runs on carry-less multiplication where the CPU has it (PCLMULQDQ, PMULL), tens of GiB/s,
/// so checking a download costs a small fraction of receiving it.
#[derive(Clone, Default)]
pub struct Crc64(crc64fast::Digest);

impl Crc64 {
    /// An empty digest.
    pub fn new() -> Self {
        Self(crc64fast::Digest::new())
    }

    /// Adds `bytes` to the digest.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }

    /// The CRC-64 of everything added so far.
    pub fn value(&self) -> u64 {
        self.0.sum64()
    }

    /// The CRC-64 of `bytes`.
    pub fn checksum(bytes: &[u8]) -> u64 {
        let mut digest = Self::new();
        digest.update(bytes);
        digest.value()
    }
}

impl std::fmt::Debug for Crc64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Crc64").field(&self.value()).finish()
    }
}

/// The function [`DownloadOptions::on_progress`] installs.
pub type ProgressCallback = Arc<dyn Fn(&ProgressEvent<'_>) + Send + Sync>;

/// How [`download_backup`] works. Build it with [`DownloadOptions::new`] and the setters.
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

/// What is happening, reported to [`DownloadOptions::on_progress`]. `index` is the file's
/// position in `BackupInfos` (0-based). No event carries a signed URL.
#[derive(Debug)]
#[non_exhaustive]
pub enum ProgressEvent<'a> {
    /// `DescribeBackupUrl` answered with these files.
    Listed {
        /// The RequestId of the answer.
        request_id: &'a str,
        /// The files, in `BackupInfos` order: name and `FileSize` when known.
        files: &'a [(String, Option<u64>)],
    },
    /// A file's transfer starts (or starts again after a failure).
    FileStarted {
        /// Position in `BackupInfos`.
        index: usize,
        /// The file name.
        name: &'a str,
        /// The expected size, when known.
        total: Option<u64>,
        /// Bytes already on disk that the transfer continues from.
        offset: u64,
    },
    /// Bytes arrived.
    FileProgress {
        /// Position in `BackupInfos`.
        index: usize,
        /// The file name.
        name: &'a str,
        /// Bytes on disk so far.
        downloaded: u64,
        /// The expected size, when known.
        total: Option<u64>,
    },
    /// A transfer failed and is tried again after `wait`.
    FileRetrying {
        /// Position in `BackupInfos`.
        index: usize,
        /// The file name.
        name: &'a str,
        /// Why (a redacted, one-line message).
        reason: &'a str,
        /// Bytes on disk the next try continues from.
        offset: u64,
        /// The wait before the next try.
        wait: Duration,
    },
    /// The server ignored a range request or the data changed: the file starts over.
    FileRestarted {
        /// Position in `BackupInfos`.
        index: usize,
        /// The file name.
        name: &'a str,
        /// Why.
        reason: &'a str,
    },
    /// `DescribeBackupUrl` was called again for fresh URLs after a `403`.
    UrlsRefreshed {
        /// How many refreshes so far.
        refreshes: u32,
        /// The RequestId of the new answer.
        request_id: &'a str,
    },
    /// A complete copy is already present; not downloaded.
    FileSkipped {
        /// Position in `BackupInfos`.
        index: usize,
        /// The file name.
        name: &'a str,
        /// Its size.
        size: u64,
        /// Whether its CRC-64 was checked against the storage's.
        crc_verified: bool,
    },
    /// A file is complete, verified and under its final name.
    FileDone {
        /// Position in `BackupInfos`.
        index: usize,
        /// The file name.
        name: &'a str,
        /// Its size.
        size: u64,
        /// Its CRC-64 when the storage reported one (and it matched).
        crc64: Option<u64>,
    },
    /// A file failed for good.
    FileFailed {
        /// Position in `BackupInfos`.
        index: usize,
        /// The file name (as sent by the service, possibly unsafe: print it escaped).
        name: &'a str,
        /// Why.
        error: &'a DownloadError,
    },
}

/// What went wrong. `Display` is one line naming the file, the redacted URL and what was
/// expected; it never contains a URL signature. Like the transport's errors, `Display` says
/// only what failed at this level: the cause (the API call's error, the I/O or network error)
/// is the [`source`](std::error::Error::source), so print the whole chain to show it.
#[derive(Debug)]
#[non_exhaustive]
pub enum DownloadError {
    /// The `DescribeBackupUrl` call failed (service error, credentials, network, ...).
    Api(tencentcloud_transport::Error<DescribeBackupUrlError>),
    /// `BackupInfos` was empty.
    NoFiles {
        /// The instance asked about.
        instance_id: String,
        /// The backup asked about.
        backup_id: String,
    },
    /// The output folder could not be used.
    OutDir {
        /// The folder.
        path: PathBuf,
        /// What failed, e.g. "create" or "write into".
        action: &'static str,
        /// The cause.
        source: io::Error,
    },
    /// The service sent a file name that is not a plain file name; nothing was written.
    UnsafeFileName {
        /// The name as sent (print it with `{:?}`).
        name: String,
        /// Which rule it broke.
        reason: &'static str,
    },
    /// Two files of the backup have the same name.
    DuplicateFileName {
        /// The name.
        name: String,
    },
    /// A file has no download URL of the requested kind.
    MissingUrl {
        /// The file name.
        name: String,
        /// Whether the inner (private network) URL was asked for.
        inner: bool,
    },
    /// Reading or writing a local file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// What failed, e.g. "write".
        action: &'static str,
        /// The cause.
        source: io::Error,
    },
    /// The storage answered with an unexpected HTTP status.
    Http {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The storage kept answering `403` after fresh URLs were fetched.
    UrlExpired {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// How many refreshes were made.
        refreshes: u32,
    },
    /// The connection failed or broke.
    Network {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// The cause, without its URL.
        source: reqwest::Error,
    },
    /// No byte arrived for the stall timeout.
    Stalled {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// The timeout.
        timeout: Duration,
    },
    /// The connection closed before the whole body arrived.
    Truncated {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// Bytes on disk.
        received: u64,
        /// Bytes expected.
        expected: u64,
    },
    /// The storage's answer does not follow HTTP range semantics (e.g. a `Content-Range`
    /// that does not match the request).
    Protocol {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// What was wrong.
        detail: String,
    },
    /// The downloaded bytes do not match what was announced.
    Verification {
        /// The file name.
        name: String,
        /// What did not match.
        reason: VerifyError,
    },
}

/// A verification failure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// Two sizes disagree.
    Size {
        /// Where the expected size came from, e.g. "FileSize" or "Content-Length".
        expected_from: &'static str,
        /// The expected size.
        expected: u64,
        /// What was found instead.
        actual: u64,
    },
    /// The CRC-64 of the bytes differs from the storage's `x-cos-hash-crc64ecma`.
    Crc64 {
        /// The storage's value.
        expected: u64,
        /// The value of the bytes on disk.
        actual: u64,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Size {
                expected_from,
                expected,
                actual,
            } => write!(
                f,
                "size mismatch: {expected_from} says {expected} bytes, got {actual}"
            ),
            VerifyError::Crc64 { expected, actual } => write!(
                f,
                "CRC-64 mismatch: the storage's {CRC64_HEADER} is {expected}, the downloaded bytes give {actual}"
            ),
        }
    }
}

/// The broad class of a [`DownloadError`], for exit codes and retry decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DownloadErrorKind {
    /// The `DescribeBackupUrl` call failed; inspect [`DownloadError::Api`].
    Api,
    /// The network or the storage failed (connection, stall, HTTP status, expired URL).
    Network,
    /// The data or the service's answer is wrong: size or checksum mismatch, unsafe or
    /// duplicate names, a missing URL, no files, broken range semantics.
    Verification,
    /// The local file system failed: the output folder or a file could not be written.
    LocalIo,
}

impl DownloadError {
    /// The class of this error.
    pub fn kind(&self) -> DownloadErrorKind {
        match self {
            DownloadError::Api(_) => DownloadErrorKind::Api,
            DownloadError::Http { .. }
            | DownloadError::UrlExpired { .. }
            | DownloadError::Network { .. }
            | DownloadError::Stalled { .. }
            | DownloadError::Truncated { .. } => DownloadErrorKind::Network,
            DownloadError::NoFiles { .. }
            | DownloadError::UnsafeFileName { .. }
            | DownloadError::DuplicateFileName { .. }
            | DownloadError::MissingUrl { .. }
            | DownloadError::Protocol { .. }
            | DownloadError::Verification { .. } => DownloadErrorKind::Verification,
            DownloadError::OutDir { .. } | DownloadError::Io { .. } => DownloadErrorKind::LocalIo,
        }
    }

    /// Whether trying the same file again may help.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            DownloadError::Network { .. }
            | DownloadError::Stalled { .. }
            | DownloadError::Truncated { .. } => true,
            DownloadError::Http { status, .. } => {
                *status >= 500 || *status == 429 || *status == 408
            }
            _ => false,
        }
    }
}

impl fmt::Display for DownloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DownloadError::Api(_) => f.write_str("DescribeBackupUrl failed"),
            DownloadError::NoFiles {
                instance_id,
                backup_id,
            } => write!(
                f,
                "DescribeBackupUrl returned no files (empty BackupInfos) for backup {backup_id} of instance {instance_id}"
            ),
            DownloadError::OutDir { path, action, .. } => {
                write!(f, "cannot {action} the output folder {}", path.display())
            }
            DownloadError::UnsafeFileName { name, reason } => write!(
                f,
                "refusing the file name {name:?} sent by the service: {reason}; a file name must be a plain name inside the output folder"
            ),
            DownloadError::DuplicateFileName { name } => write!(
                f,
                "the backup lists the file name {name:?} more than once (or also with `.part`); refusing to let one overwrite the other"
            ),
            DownloadError::MissingUrl { name, inner } => write!(
                f,
                "{name}: the service sent no {} for this file{}",
                if *inner { "InnerDownloadUrl" } else { "DownloadUrl" },
                if *inner {
                    "; try without DownloadOptions::inner"
                } else {
                    ""
                }
            ),
            DownloadError::Io { path, action, .. } => {
                write!(f, "cannot {action} {}", path.display())
            }
            DownloadError::Http { name, url, status } => {
                write!(f, "{name}: HTTP {status} from {url}")
            }
            DownloadError::UrlExpired {
                name,
                url,
                refreshes,
            } => write!(
                f,
                "{name}: HTTP 403 from {url} even after fetching fresh URLs {refreshes} time(s); the URL is rejected (expired or not allowed from this network: check LimitType / DownloadOptions::inner)"
            ),
            DownloadError::Network { name, url, .. } => {
                write!(f, "{name}: network error downloading {url}")
            }
            DownloadError::Stalled { name, url, timeout } => write!(
                f,
                "{name}: no data from {url} for {:?} (stall timeout)",
                timeout
            ),
            DownloadError::Truncated {
                name,
                url,
                received,
                expected,
            } => write!(
                f,
                "{name}: the connection to {url} closed after {received} of {expected} bytes"
            ),
            DownloadError::Protocol { name, url, detail } => {
                write!(f, "{name}: unexpected answer from {url}: {detail}")
            }
            DownloadError::Verification { name, reason } => {
                write!(f, "{name}: verification failed: {reason}")
            }
        }
    }
}

impl std::error::Error for DownloadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DownloadError::Api(e) => Some(e),
            DownloadError::OutDir { source, .. } | DownloadError::Io { source, .. } => Some(source),
            // Stripped of its URL (`without_url`), so the chain shows no signature.
            DownloadError::Network { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// How one file ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum FileOutcome {
    /// Downloaded and verified.
    Downloaded,
    /// Already present and complete; left alone.
    Skipped,
    /// Failed; nothing was left under the final name.
    Failed(DownloadError),
}

/// The report of one file.
#[derive(Debug)]
#[non_exhaustive]
pub struct FileReport {
    /// The file name as the service sent it.
    pub name: String,
    /// The final path (inside the output folder), or `None` when the name was refused.
    pub path: Option<PathBuf>,
    /// Its size on disk (for failures: the expected size, 0 if unknown).
    pub size: u64,
    /// How it ended.
    pub outcome: FileOutcome,
    /// Bytes received over the network for this file in this run.
    pub transferred: u64,
    /// How many times a broken transfer was continued with a range request.
    pub resumes: u32,
    /// How many times the file started over from byte 0 after data was written.
    pub restarts: u32,
    /// The CRC-64 the storage reported and the file matched, if any.
    pub crc64: Option<u64>,
    /// Time spent on this file.
    pub elapsed: Duration,
}

/// The result of [`download_backup`].
#[derive(Debug)]
#[non_exhaustive]
pub struct DownloadSummary {
    /// The instance.
    pub instance_id: String,
    /// The backup.
    pub backup_id: String,
    /// The output folder.
    pub out_dir: PathBuf,
    /// The RequestId of the first `DescribeBackupUrl` answer.
    pub request_id: String,
    /// One report per entry of `BackupInfos`, in order.
    pub files: Vec<FileReport>,
    /// How many times fresh URLs were fetched after `403`s.
    pub url_refreshes: u32,
    /// Wall time of the whole download.
    pub elapsed: Duration,
}

impl DownloadSummary {
    /// Whether every file is present and verified (downloaded or skipped).
    pub fn is_success(&self) -> bool {
        self.failed().next().is_none()
    }

    /// The files that failed, with their errors.
    pub fn failed(&self) -> impl Iterator<Item = (&FileReport, &DownloadError)> {
        self.files.iter().filter_map(|f| match &f.outcome {
            FileOutcome::Failed(e) => Some((f, e)),
            _ => None,
        })
    }

    /// How many files were downloaded.
    pub fn downloaded(&self) -> usize {
        self.count(|o| matches!(o, FileOutcome::Downloaded))
    }

    /// How many files were skipped as already complete.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, FileOutcome::Skipped))
    }

    /// Bytes received over the network in this run.
    pub fn transferred(&self) -> u64 {
        self.files.iter().map(|f| f.transferred).sum()
    }

    fn count(&self, pred: impl Fn(&FileOutcome) -> bool) -> usize {
        self.files.iter().filter(|f| pred(&f.outcome)).count()
    }
}

/// Asks `DescribeBackupUrl` for backup `backup_id` of instance `instance_id` and downloads
/// every file of `BackupInfos` into `out_dir` (created if missing), as described in the
/// [module documentation](self).
///
/// Returns `Err` only when nothing could be attempted: the API call failed, the backup has no
/// files, or the output folder cannot be created or written (checked after the API call, so
/// a wrong instance or backup id writes nothing). Failures of single files are reported in
/// the summary ([`DownloadSummary::is_success`]); the other files are still downloaded.
pub async fn download_backup(
    client: &Client,
    instance_id: &str,
    backup_id: &str,
    out_dir: impl AsRef<Path>,
    options: DownloadOptions,
) -> Result<DownloadSummary, DownloadError> {
    let started = Instant::now();
    let out_dir = out_dir.as_ref().to_path_buf();
    // Fail early, before any call, when the path exists and is not a folder.
    if let Ok(meta) = std::fs::metadata(&out_dir) {
        if !meta.is_dir() {
            return Err(DownloadError::OutDir {
                path: out_dir,
                action: "use",
                source: io::Error::new(io::ErrorKind::AlreadyExists, "it is not a folder"),
            });
        }
    }
    let response = describe(client, instance_id, backup_id, &options).await?;
    if response.backup_infos.is_empty() {
        return Err(DownloadError::NoFiles {
            instance_id: instance_id.to_owned(),
            backup_id: backup_id.to_owned(),
        });
    }
    prepare_out_dir(&out_dir)?;
    let request_id = response.request_id.clone();
    let shared = fetch::Shared::new(
        client.clone(),
        instance_id,
        backup_id,
        out_dir.clone(),
        options,
        &response,
    )?;
    shared.emit(&ProgressEvent::Listed {
        request_id: &request_id,
        files: &shared.listing(),
    });
    let files = fetch::run_all(shared.clone()).await;
    Ok(DownloadSummary {
        instance_id: instance_id.to_owned(),
        backup_id: backup_id.to_owned(),
        out_dir,
        request_id,
        files,
        url_refreshes: shared.refreshes(),
        elapsed: started.elapsed(),
    })
}

pub(crate) async fn describe(
    client: &Client,
    instance_id: &str,
    backup_id: &str,
    options: &DownloadOptions,
) -> Result<DescribeBackupUrlResponse, DownloadError> {
    client
        .send_with(
            DescribeBackupUrlRequest::new(instance_id, backup_id),
            options.call_options.clone(),
        )
        .await
        .map_err(DownloadError::Api)
}

/// Creates the folder and proves it is writable with a probe file.
fn prepare_out_dir(out_dir: &Path) -> Result<(), DownloadError> {
    std::fs::create_dir_all(out_dir).map_err(|source| DownloadError::OutDir {
        path: out_dir.to_path_buf(),
        action: "create",
        source,
    })?;
    let probe = out_dir.join(format!(".tcredis-write-probe-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|source| DownloadError::OutDir {
            path: out_dir.to_path_buf(),
            action: "write into",
            source,
        })?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}
