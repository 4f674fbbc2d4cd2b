//! The per-file transfer: range requests, verification, URL refresh, skip and rename.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Instant;

use reqwest::header::{HeaderMap, CONTENT_LENGTH, CONTENT_RANGE, ETAG, IF_RANGE, RANGE};
use reqwest::StatusCode;
use tencentcloud_transport::Client;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::sync::{Mutex, Semaphore};

use super::crc::{Crc64, CRC64_HEADER};
use super::describe;
use super::error::{DownloadError, VerifyError};
use super::names::{check_file_name, name_from_url, PART_SUFFIX};
use super::options::DownloadOptions;
use super::part::PartWriter;
use super::progress::ProgressEvent;
use super::redact::redact_url;
use super::summary::{FileOutcome, FileReport};
use crate::error_chain::Chain;
use crate::DescribeBackupUrlResponse;

/// One entry of `BackupInfos`, checked.
struct Entry {
    /// The name as sent (or derived from the URL).
    raw_name: String,
    /// `Ok(final path)` or why the name was refused.
    target: Result<PathBuf, DownloadError>,
    expected: Option<u64>,
}

/// The current URLs, replaced as a whole when refreshed.
struct UrlBook {
    generation: u64,
    urls: Vec<Option<String>>,
}

/// State shared by the file tasks.
pub(crate) struct Shared {
    client: Client,
    instance_id: String,
    backup_id: String,
    options: DownloadOptions,
    http: reqwest::Client,
    entries: Vec<Entry>,
    book: Mutex<UrlBook>,
    refreshes: AtomicU32,
}

fn urls_of(response: &DescribeBackupUrlResponse, inner: bool) -> Vec<Option<String>> {
    response
        .backup_infos
        .iter()
        .map(|info| {
            if inner {
                info.inner_download_url.clone()
            } else {
                info.download_url.clone()
            }
            .filter(|u| !u.is_empty())
        })
        .collect()
}

fn raw_name_of(info: &crate::types::BackupDownloadInfo, index: usize) -> String {
    info.file_name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| {
            info.download_url
                .as_deref()
                .or(info.inner_download_url.as_deref())
                .and_then(name_from_url)
        })
        .unwrap_or_else(|| format!("<file {} without a name>", index + 1))
}

impl Shared {
    pub(crate) fn new(
        client: Client,
        instance_id: &str,
        backup_id: &str,
        out_dir: PathBuf,
        options: DownloadOptions,
        response: &DescribeBackupUrlResponse,
    ) -> Result<Arc<Self>, DownloadError> {
        let http = match &options.http_client {
            Some(c) => c.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(options.connect_timeout)
                .build()
                .map_err(|e| DownloadError::Io {
                    path: out_dir.clone(),
                    action: "create an HTTP client for",
                    source: io::Error::other(e.without_url()),
                })?,
        };
        let raw: Vec<String> = response
            .backup_infos
            .iter()
            .enumerate()
            .map(|(i, info)| raw_name_of(info, i))
            .collect();
        let mut entries = Vec::with_capacity(raw.len());
        for (i, info) in response.backup_infos.iter().enumerate() {
            let name = &raw[i];
            let duplicate = raw.iter().enumerate().any(|(j, other)| {
                j != i
                    && (other == name
                        || other.strip_suffix(PART_SUFFIX) == Some(name.as_str())
                        || name.strip_suffix(PART_SUFFIX) == Some(other.as_str()))
            });
            let target = match check_file_name(name) {
                Err(reason) => Err(DownloadError::UnsafeFileName {
                    name: name.clone(),
                    reason,
                }),
                Ok(_) if duplicate => Err(DownloadError::DuplicateFileName { name: name.clone() }),
                Ok(ok) => Ok(out_dir.join(ok)),
            };
            let expected = info.file_size.and_then(|s| u64::try_from(s).ok());
            entries.push(Entry {
                raw_name: name.clone(),
                target,
                expected,
            });
        }
        let urls = urls_of(response, options.inner);
        Ok(Arc::new(Self {
            client,
            instance_id: instance_id.to_owned(),
            backup_id: backup_id.to_owned(),
            options,
            http,
            entries,
            book: Mutex::new(UrlBook {
                generation: 0,
                urls,
            }),
            refreshes: AtomicU32::new(0),
        }))
    }

    pub(crate) fn emit(&self, event: &ProgressEvent<'_>) {
        if let Some(cb) = &self.options.progress {
            cb(event);
        }
    }

    pub(crate) fn listing(&self) -> Vec<(String, Option<u64>)> {
        self.entries
            .iter()
            .map(|e| (e.raw_name.clone(), e.expected))
            .collect()
    }

    pub(crate) fn refreshes(&self) -> u32 {
        self.refreshes.load(Ordering::Relaxed)
    }

    async fn url(&self, index: usize) -> (u64, Option<String>) {
        let book = self.book.lock().await;
        (book.generation, book.urls.get(index).cloned().flatten())
    }

    /// Fetches fresh URLs unless another task already did since `seen_generation`.
    /// Returns `false` when the refresh budget is spent or the call failed.
    async fn refresh(&self, seen_generation: u64) -> bool {
        let mut book = self.book.lock().await;
        if book.generation > seen_generation {
            return true;
        }
        let done = self.refreshes.load(Ordering::Relaxed);
        if done >= self.options.max_url_refreshes || self.options.retry.max_attempts() <= 1 {
            return false;
        }
        self.refreshes.store(done + 1, Ordering::Relaxed);
        tracing::info!(
            refresh = done + 1,
            "a download URL was rejected with 403; asking DescribeBackupUrl for fresh URLs"
        );
        match describe(
            &self.client,
            &self.instance_id,
            &self.backup_id,
            &self.options,
        )
        .await
        {
            Ok(response) => {
                // Match by name: the order could change between answers.
                let fresh = urls_of(&response, self.options.inner);
                let mut urls = vec![None; self.entries.len()];
                for (j, info) in response.backup_infos.iter().enumerate() {
                    let name = raw_name_of(info, j);
                    if let Some(i) = self.entries.iter().position(|e| e.raw_name == name) {
                        urls[i] = fresh[j].clone();
                    }
                }
                book.urls = urls;
                book.generation += 1;
                self.emit(&ProgressEvent::UrlsRefreshed {
                    refreshes: done + 1,
                    request_id: &response.request_id,
                });
                true
            }
            Err(e) => {
                tracing::warn!(error = %Chain(&e), "DescribeBackupUrl failed while refreshing URLs");
                false
            }
        }
    }
}

/// Downloads every entry with bounded parallelism; reports come back in entry order.
pub(crate) async fn run_all(shared: Arc<Shared>) -> Vec<FileReport> {
    let semaphore = Arc::new(Semaphore::new(shared.options.parallel));
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..shared.entries.len() {
        let shared = shared.clone();
        let semaphore = semaphore.clone();
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            (index, download_one(&shared, index).await)
        });
    }
    let mut reports: Vec<Option<FileReport>> = (0..shared.entries.len()).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, report)) => reports[index] = Some(report),
            Err(e) => tracing::error!(error = %e, "a download task ended abnormally"),
        }
    }
    reports
        .into_iter()
        .enumerate()
        .map(|(index, r)| {
            r.unwrap_or_else(|| {
                let entry = &shared.entries[index];
                FileReport {
                    name: entry.raw_name.clone(),
                    path: entry.target.as_ref().ok().cloned(),
                    size: entry.expected.unwrap_or(0),
                    outcome: FileOutcome::Failed(DownloadError::Io {
                        path: entry.target.as_ref().ok().cloned().unwrap_or_default(),
                        action: "finish the download task of",
                        source: io::Error::other("the task ended abnormally"),
                    }),
                    transferred: 0,
                    resumes: 0,
                    restarts: 0,
                    crc64: None,
                    elapsed: Default::default(),
                }
            })
        })
        .collect()
}

/// Per-file progress kept across attempts.
struct Transfer<'a> {
    shared: &'a Shared,
    index: usize,
    name: &'a str,
    final_path: &'a Path,
    part_path: PathBuf,
    /// Expected total size, from FileSize or the first response.
    expected: Option<u64>,
    /// Bytes received into the part file (written or queued for writing).
    offset: u64,
    /// The storage's whole-object CRC, once seen.
    remote_crc: Option<u64>,
    etag: Option<String>,
    /// Whether the bytes on disk came from an earlier run (a mismatch then restarts once).
    inherited: bool,
    transferred: u64,
    resumes: u32,
    restarts: u32,
}

enum Step {
    /// The file is complete on disk.
    Complete,
    /// Try again (the error says why); `progress` tells whether bytes were written.
    Retry {
        error: DownloadError,
        progress: bool,
    },
    /// The URL was rejected with 403.
    Expired { url: String, generation: u64 },
    /// Give up.
    Fatal(DownloadError),
}

fn io_err<'p>(
    path: &'p Path,
    action: &'static str,
) -> impl FnOnce(io::Error) -> DownloadError + 'p {
    move |source| DownloadError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

async fn download_one(shared: &Shared, index: usize) -> FileReport {
    let started = Instant::now();
    let entry = &shared.entries[index];
    let mut report = FileReport {
        name: entry.raw_name.clone(),
        path: entry.target.as_ref().ok().cloned(),
        size: entry.expected.unwrap_or(0),
        outcome: FileOutcome::Downloaded,
        transferred: 0,
        resumes: 0,
        restarts: 0,
        crc64: None,
        elapsed: Default::default(),
    };
    let final_path = match &entry.target {
        Ok(p) => p.clone(),
        Err(e) => {
            let error = clone_refusal(e);
            return fail(shared, index, report, error, started);
        }
    };
    let result = transfer(shared, index, &entry.raw_name, &final_path, entry.expected).await;
    match result {
        Ok(done) => {
            report.size = done.size;
            report.outcome = if done.skipped {
                FileOutcome::Skipped
            } else {
                FileOutcome::Downloaded
            };
            report.transferred = done.transferred;
            report.resumes = done.resumes;
            report.restarts = done.restarts;
            report.crc64 = done.crc64;
            report.elapsed = started.elapsed();
            report
        }
        Err((error, stats)) => {
            report.transferred = stats.transferred;
            report.resumes = stats.resumes;
            report.restarts = stats.restarts;
            fail(shared, index, report, error, started)
        }
    }
}

fn clone_refusal(e: &DownloadError) -> DownloadError {
    match e {
        DownloadError::UnsafeFileName { name, reason } => DownloadError::UnsafeFileName {
            name: name.clone(),
            reason,
        },
        DownloadError::DuplicateFileName { name } => {
            DownloadError::DuplicateFileName { name: name.clone() }
        }
        other => DownloadError::Protocol {
            name: String::new(),
            url: String::new(),
            detail: Chain(other).to_string(),
        },
    }
}

fn fail(
    shared: &Shared,
    index: usize,
    mut report: FileReport,
    error: DownloadError,
    started: Instant,
) -> FileReport {
    tracing::warn!(file = %report.name.escape_debug(), error = %Chain(&error), "download failed");
    shared.emit(&ProgressEvent::FileFailed {
        index,
        name: &report.name,
        error: &error,
    });
    report.outcome = FileOutcome::Failed(error);
    report.elapsed = started.elapsed();
    report
}

struct Done {
    size: u64,
    skipped: bool,
    transferred: u64,
    resumes: u32,
    restarts: u32,
    crc64: Option<u64>,
}

#[derive(Default)]
struct Stats {
    transferred: u64,
    resumes: u32,
    restarts: u32,
}

async fn transfer(
    shared: &Shared,
    index: usize,
    name: &str,
    final_path: &Path,
    expected: Option<u64>,
) -> Result<Done, (DownloadError, Stats)> {
    let no_stats = |e| (e, Stats::default());
    if !shared.options.force {
        if let Some(done) = try_skip(shared, index, name, final_path, expected)
            .await
            .map_err(no_stats)?
        {
            return Ok(done);
        }
    }
    let mut part_name = final_path.as_os_str().to_owned();
    part_name.push(PART_SUFFIX);
    let part_path = PathBuf::from(part_name);
    let mut t = Transfer {
        shared,
        index,
        name,
        final_path,
        part_path,
        expected,
        offset: 0,
        remote_crc: None,
        etag: None,
        inherited: false,
        transferred: 0,
        resumes: 0,
        restarts: 0,
    };
    let result = t.run().await;
    let stats = Stats {
        transferred: t.transferred,
        resumes: t.resumes,
        restarts: t.restarts,
    };
    match result {
        Ok(crc64) => Ok(Done {
            size: t.offset,
            skipped: false,
            transferred: t.transferred,
            resumes: t.resumes,
            restarts: t.restarts,
            crc64,
        }),
        Err(e) => {
            // An empty part file is litter; a non-empty one is kept so a later run resumes it.
            if t.offset == 0 {
                let _ = tokio::fs::remove_file(&t.part_path).await;
            }
            Err((e, stats))
        }
    }
}

/// Whether a complete copy is already at `final_path`: right size (from FileSize or, when
/// unknown, from a one-byte probe), and right CRC when the storage reports one.
async fn try_skip(
    shared: &Shared,
    index: usize,
    name: &str,
    final_path: &Path,
    expected: Option<u64>,
) -> Result<Option<Done>, DownloadError> {
    let meta = match tokio::fs::symlink_metadata(final_path).await {
        Ok(m) if m.is_file() => m,
        _ => return Ok(None),
    };
    let size = meta.len();
    if expected.is_some_and(|e| e != size) {
        return Ok(None);
    }
    // Ask the storage for its checksum (and size) with a one-byte range request.
    let probe = probe(shared, index).await;
    let (remote_size, remote_crc) = probe.unwrap_or((None, None));
    let expected = expected.or(remote_size);
    if expected != Some(size) {
        return Ok(None);
    }
    let mut crc_verified = None;
    if let Some(remote) = remote_crc {
        let local = digest_of_file(final_path, u64::MAX).await?.value();
        if local != remote {
            tracing::info!(file = %name, "present but its CRC-64 differs; downloading again");
            return Ok(None);
        }
        crc_verified = Some(local);
    }
    shared.emit(&ProgressEvent::FileSkipped {
        index,
        name,
        size,
        crc_verified: crc_verified.is_some(),
    });
    Ok(Some(Done {
        size,
        skipped: true,
        transferred: 0,
        resumes: 0,
        restarts: 0,
        crc64: crc_verified,
    }))
}

/// `(total size, crc)` from a `Range: bytes=0-0` request; `None` on any failure.
async fn probe(shared: &Shared, index: usize) -> Option<(Option<u64>, Option<u64>)> {
    let (_, url) = shared.url(index).await;
    let url = url?;
    let response = tokio::time::timeout(
        shared.options.stall_timeout,
        shared.http.get(&url).header(RANGE, "bytes=0-0").send(),
    )
    .await
    .ok()?
    .ok()?;
    let headers = response.headers().clone();
    let total = match response.status() {
        StatusCode::PARTIAL_CONTENT => parse_content_range(&headers).map(|(_, _, t)| t),
        StatusCode::OK => content_length(&headers),
        _ => return None,
    };
    drop(response);
    Some((total, remote_crc(&headers).ok().flatten()))
}

/// The CRC-64 digest of the first `limit` bytes of a file, read in 1 MiB blocks.
async fn digest_of_file(path: &Path, limit: u64) -> Result<Crc64, DownloadError> {
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(io_err(path, "read"))?;
    let mut digest = Crc64::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = limit;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = file
            .read(&mut buf[..want])
            .await
            .map_err(io_err(path, "read"))?;
        if n == 0 {
            break;
        }
        digest.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(digest)
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// `Content-Range: bytes START-END/TOTAL`.
fn parse_content_range(headers: &HeaderMap) -> Option<(u64, u64, u64)> {
    let value = headers.get(CONTENT_RANGE)?.to_str().ok()?.trim();
    let rest = value.strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let (start, end, total) = (
        start.trim().parse().ok()?,
        end.trim().parse().ok()?,
        total.trim().parse().ok()?,
    );
    (start <= end && end < total).then_some((start, end, total))
}

/// The storage's CRC header: `Ok(None)` when absent, `Err` when present but not a number.
fn remote_crc(headers: &HeaderMap) -> Result<Option<u64>, String> {
    match headers.get(CRC64_HEADER) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Some)
            .ok_or_else(|| format!("{CRC64_HEADER} is not a decimal 64-bit number")),
    }
}

impl Transfer<'_> {
    fn emit(&self, event: &ProgressEvent<'_>) {
        self.shared.emit(event);
    }

    async fn run(&mut self) -> Result<Option<u64>, DownloadError> {
        let mut file = self.open_part().await?;
        let result = self.run_with(&mut file).await;
        // Keep what arrived, so that a later run can resume from it.
        let _ = file.flush().await;
        result
    }

    async fn run_with(&mut self, file: &mut PartWriter) -> Result<Option<u64>, DownloadError> {
        let policy = self.shared.options.retry;
        let mut failures: u32 = 0;
        // A hard cap so that a server dripping a byte per connection cannot loop forever.
        let mut tries: u32 = 0;
        let max_tries = policy.max_attempts().saturating_add(1000);
        loop {
            tries += 1;
            let step = self.attempt(file).await;
            match step {
                Step::Complete => match self.finish(file).await {
                    Ok(crc) => return Ok(crc),
                    Err(e) if self.inherited && matches!(e, DownloadError::Verification { .. }) => {
                        // The part file from an earlier run was not this object's prefix.
                        let reason = Chain(&e).to_string();
                        self.restart(file, &reason).await?;
                        self.inherited = false;
                    }
                    Err(e) => {
                        let _ = tokio::fs::remove_file(&self.part_path).await;
                        return Err(e);
                    }
                },
                Step::Fatal(e) => return Err(e),
                Step::Expired { url, generation } => {
                    if !self.shared.refresh(generation).await {
                        return Err(DownloadError::UrlExpired {
                            name: self.name.to_owned(),
                            url,
                            refreshes: self.shared.refreshes(),
                        });
                    }
                }
                Step::Retry { error, progress } => {
                    // With retries disabled, a broken transfer is not resumed either. An
                    // error that is not transient ends the file, except when the attempt made
                    // progress: a 416 after which the part file was emptied is a start over.
                    if (!error.is_transient() && !progress) || policy.max_attempts() <= 1 {
                        return Err(error);
                    }
                    if progress {
                        failures = 0;
                        self.resumes += 1;
                    } else {
                        failures += 1;
                    }
                    if failures >= policy.max_attempts() || tries >= max_tries {
                        return Err(error);
                    }
                    let wait = if progress {
                        std::time::Duration::ZERO
                    } else {
                        policy.backoff(failures)
                    };
                    // The whole chain: the event and the log line are all a caller sees of a
                    // failure that is retried.
                    let reason = Chain(&error).to_string();
                    tracing::info!(
                        file = %self.name,
                        offset = self.offset,
                        wait_ms = wait.as_millis() as u64,
                        reason = %reason,
                        "retrying"
                    );
                    self.emit(&ProgressEvent::FileRetrying {
                        index: self.index,
                        name: self.name,
                        reason: &reason,
                        offset: self.offset,
                        wait,
                    });
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// Opens `NAME.part`, continuing an earlier run's bytes unless forced.
    async fn open_part(&mut self) -> Result<PartWriter, DownloadError> {
        let path = self.part_path.clone();
        if let Ok(meta) = tokio::fs::symlink_metadata(&path).await {
            if !meta.is_file() {
                return Err(DownloadError::Io {
                    path,
                    action: "write",
                    source: io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "it exists and is not a regular file (a symbolic link?); refusing to write through it",
                    ),
                });
            }
        }
        let mut file = tokio::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .await
            .map_err(io_err(&path, "create"))?;
        let existing = file
            .metadata()
            .await
            .map_err(io_err(&path, "inspect"))?
            .len();
        let mut digest = Crc64::new();
        let usable = !self.shared.options.force
            && existing > 0
            && self.expected.is_none_or(|e| existing <= e);
        if usable {
            // Resume one byte early: even a part file that is already complete (the earlier
            // run died between its last write and the rename) then gets one answer from the
            // storage, which brings the object's size and CRC-64 for `finish` to check.
            let resume_at = existing - 1;
            digest = digest_of_file(&path, resume_at).await?;
            self.offset = resume_at;
            self.inherited = true;
            tracing::info!(file = %self.name, offset = resume_at, "continuing a partial download of an earlier run");
        } else {
            file.set_len(0).await.map_err(io_err(&path, "truncate"))?;
            self.offset = 0;
        }
        file.seek(io::SeekFrom::Start(self.offset))
            .await
            .map_err(io_err(&path, "seek in"))?;
        let file = file.into_std().await;
        Ok(PartWriter::new(file, self.offset, digest))
    }

    async fn restart(&mut self, file: &mut PartWriter, reason: &str) -> Result<(), DownloadError> {
        let path = self.part_path.clone();
        tracing::info!(file = %self.name, reason, "starting over from byte 0");
        file.restart().await.map_err(io_err(&path, "truncate"))?;
        if self.offset > 0 {
            self.restarts += 1;
        }
        self.offset = 0;
        self.remote_crc = None;
        self.etag = None;
        self.emit(&ProgressEvent::FileRestarted {
            index: self.index,
            name: self.name,
            reason,
        });
        Ok(())
    }

    /// Empties the part file and asks for another attempt from byte 0, reporting `error` for
    /// this one. It counts as progress: the next attempt starts at once and the count of
    /// failures in a row starts again.
    async fn start_over(
        &mut self,
        file: &mut PartWriter,
        reason: &str,
        error: DownloadError,
    ) -> Step {
        match self.restart(file, reason).await {
            Ok(()) => Step::Retry {
                error,
                progress: true,
            },
            Err(e) => Step::Fatal(e),
        }
    }

    async fn attempt(&mut self, file: &mut PartWriter) -> Step {
        let (generation, url) = self.shared.url(self.index).await;
        let Some(url) = url else {
            return Step::Fatal(DownloadError::MissingUrl {
                name: self.name.to_owned(),
                inner: self.shared.options.inner,
            });
        };
        let shown = redact_url(&url);
        let mut request = self.shared.http.get(&url);
        if self.offset > 0 {
            request = request.header(RANGE, format!("bytes={}-", self.offset));
            if let Some(etag) = &self.etag {
                request = request.header(IF_RANGE, etag.clone());
            }
        }
        self.emit(&ProgressEvent::FileStarted {
            index: self.index,
            name: self.name,
            total: self.expected,
            offset: self.offset,
        });
        tracing::debug!(file = %self.name, url = %shown, offset = self.offset, "GET");
        let timeout = self.shared.options.stall_timeout;
        let response = match tokio::time::timeout(timeout, request.send()).await {
            Err(_) => {
                return Step::Retry {
                    error: DownloadError::Stalled {
                        name: self.name.to_owned(),
                        url: shown,
                        timeout,
                    },
                    progress: false,
                }
            }
            Ok(Err(e)) => {
                return Step::Retry {
                    error: DownloadError::Network {
                        name: self.name.to_owned(),
                        url: shown,
                        source: e.without_url(),
                    },
                    progress: false,
                }
            }
            Ok(Ok(r)) => r,
        };
        let status = response.status();
        let headers = response.headers().clone();
        let protocol = |detail: String| {
            Step::Fatal(DownloadError::Protocol {
                name: self.name.to_owned(),
                url: redact_url(&url),
                detail,
            })
        };
        // How many body bytes this response must deliver.
        let body_len: u64;
        match status {
            StatusCode::OK => {
                if self.offset > 0 {
                    if let Err(e) = self
                        .restart(file, "the server answered 200 to a range request")
                        .await
                    {
                        return Step::Fatal(e);
                    }
                }
                let Some(len) = content_length(&headers) else {
                    return protocol("no Content-Length in a 200 answer".into());
                };
                if let Some(expected) = self.expected {
                    if len != expected {
                        return Step::Fatal(DownloadError::Verification {
                            name: self.name.to_owned(),
                            reason: VerifyError::Size {
                                expected_from: "FileSize",
                                expected,
                                actual: len,
                            },
                        });
                    }
                }
                self.expected = Some(len);
                body_len = len;
            }
            StatusCode::PARTIAL_CONTENT => {
                let Some((start, end, total)) = parse_content_range(&headers) else {
                    return protocol(
                        "a 206 answer without a valid `Content-Range: bytes START-END/TOTAL`"
                            .into(),
                    );
                };
                if start != self.offset {
                    return protocol(format!(
                        "asked for bytes from {}, the Content-Range starts at {start}",
                        self.offset
                    ));
                }
                if end + 1 != total {
                    return protocol(format!(
                        "asked for bytes {}- (to the end), got {start}-{end} of {total}",
                        self.offset
                    ));
                }
                if let Some(expected) = self.expected {
                    if total != expected {
                        return Step::Fatal(DownloadError::Verification {
                            name: self.name.to_owned(),
                            reason: VerifyError::Size {
                                expected_from: "FileSize",
                                expected,
                                actual: total,
                            },
                        });
                    }
                }
                let len = total - start;
                if let Some(cl) = content_length(&headers) {
                    if cl != len {
                        return protocol(format!(
                            "Content-Length {cl} does not match Content-Range {start}-{end}/{total}"
                        ));
                    }
                }
                self.expected = Some(total);
                body_len = len;
            }
            StatusCode::RANGE_NOT_SATISFIABLE => {
                // The part file is longer than the object or already complete.
                let error = DownloadError::Http {
                    name: self.name.to_owned(),
                    url: shown,
                    status: 416,
                };
                return self
                    .start_over(file, "the server answered 416 to a range request", error)
                    .await;
            }
            StatusCode::FORBIDDEN => {
                return Step::Expired {
                    url: shown,
                    generation,
                }
            }
            other => {
                return Step::Retry {
                    error: DownloadError::Http {
                        name: self.name.to_owned(),
                        url: shown,
                        status: other.as_u16(),
                    },
                    progress: false,
                }
            }
        }
        match remote_crc(&headers) {
            Err(detail) => return protocol(detail),
            Ok(Some(crc)) => {
                if self.remote_crc.is_some_and(|old| old != crc) {
                    // The object changed between responses: start over.
                    let error = DownloadError::Truncated {
                        name: self.name.to_owned(),
                        url: shown,
                        received: 0,
                        expected: self.expected.unwrap_or(0),
                    };
                    return self
                        .start_over(file, "the object's CRC-64 changed between requests", error)
                        .await;
                }
                self.remote_crc = Some(crc);
            }
            Ok(None) => {}
        }
        if let Some(etag) = headers.get(ETAG).and_then(|v| v.to_str().ok()) {
            self.etag = Some(etag.to_owned());
        }

        let start_offset = self.offset;
        let end = self.offset + body_len;
        let mut response = response;
        loop {
            let chunk = match tokio::time::timeout(timeout, response.chunk()).await {
                Err(_) => {
                    return Step::Retry {
                        error: DownloadError::Stalled {
                            name: self.name.to_owned(),
                            url: shown,
                            timeout,
                        },
                        progress: self.offset > start_offset,
                    }
                }
                Ok(Err(e)) => {
                    return Step::Retry {
                        error: DownloadError::Network {
                            name: self.name.to_owned(),
                            url: shown,
                            source: e.without_url(),
                        },
                        progress: self.offset > start_offset,
                    }
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => chunk,
            };
            if self.offset + chunk.len() as u64 > end {
                return Step::Fatal(DownloadError::Verification {
                    name: self.name.to_owned(),
                    reason: VerifyError::Size {
                        expected_from: "Content-Length",
                        expected: end,
                        actual: self.offset + chunk.len() as u64,
                    },
                });
            }
            let len = chunk.len() as u64;
            if let Err(e) = file.write(&chunk).await {
                return Step::Fatal(io_err(&self.part_path, "write")(e));
            }
            self.offset += len;
            self.transferred += len;
            self.emit(&ProgressEvent::FileProgress {
                index: self.index,
                name: self.name,
                downloaded: self.offset,
                total: self.expected,
            });
        }
        if self.offset < end {
            return Step::Retry {
                error: DownloadError::Truncated {
                    name: self.name.to_owned(),
                    url: shown,
                    received: self.offset,
                    expected: end,
                },
                progress: self.offset > start_offset,
            };
        }
        Step::Complete
    }

    /// Flushes, fsyncs, verifies and renames. Returns the verified CRC, if any.
    async fn finish(&mut self, file: &mut PartWriter) -> Result<Option<u64>, DownloadError> {
        let path = self.part_path.clone();
        file.flush().await.map_err(io_err(&path, "write"))?;
        let (on_disk, actual) = file.finish().await.map_err(io_err(&path, "fsync"))?;
        if on_disk != self.offset {
            return Err(DownloadError::Verification {
                name: self.name.to_owned(),
                reason: VerifyError::Size {
                    expected_from: "bytes received",
                    expected: self.offset,
                    actual: on_disk,
                },
            });
        }
        if let Some(expected) = self.expected {
            if on_disk != expected {
                return Err(DownloadError::Verification {
                    name: self.name.to_owned(),
                    reason: VerifyError::Size {
                        expected_from: "FileSize",
                        expected,
                        actual: on_disk,
                    },
                });
            }
        }
        if let Some(expected) = self.remote_crc {
            if expected != actual {
                return Err(DownloadError::Verification {
                    name: self.name.to_owned(),
                    reason: VerifyError::Crc64 { expected, actual },
                });
            }
        }
        tokio::fs::rename(&path, self.final_path)
            .await
            .map_err(io_err(self.final_path, "rename the finished download to"))?;
        sync_parent(self.final_path).await;
        self.emit(&ProgressEvent::FileDone {
            index: self.index,
            name: self.name,
            size: on_disk,
            crc64: self.remote_crc,
        });
        tracing::info!(file = %self.name, size = on_disk, crc64 = ?self.remote_crc, "done");
        Ok(self.remote_crc)
    }
}

/// Makes the rename durable (fsync of the folder, where the platform supports it).
async fn sync_parent(path: &Path) {
    #[cfg(unix)]
    if let Some(parent) = path.parent() {
        if let Ok(dir) = tokio::fs::File::open(parent).await {
            let _ = dir.sync_all().await;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn content_ranges() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_RANGE, HeaderValue::from_static("bytes 10-99/100"));
        assert_eq!(parse_content_range(&h), Some((10, 99, 100)));
        for bad in [
            "bytes 10-9/100",
            "bytes 0-100/100",
            "bytes */100",
            "items 0-1/2",
            "bytes 0-1/x",
        ] {
            h.insert(CONTENT_RANGE, HeaderValue::from_static(bad));
            assert_eq!(parse_content_range(&h), None, "{bad}");
        }
    }

    #[test]
    fn crc_headers() {
        let mut h = HeaderMap::new();
        assert_eq!(remote_crc(&h), Ok(None));
        h.insert(
            CRC64_HEADER,
            HeaderValue::from_static("12345678901234567890"),
        );
        assert_eq!(remote_crc(&h), Ok(Some(12345678901234567890)));
        h.insert(CRC64_HEADER, HeaderValue::from_static("-1"));
        assert!(remote_crc(&h).is_err());
    }
}
