//! The file jobs of one download: every entry of `BackupInfos` runs as its own task, at most
//! `parallel` at a time. A job skips a complete copy that is already present (unless forced)
//! or transfers the file, and ends in the file's report, failed or not.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use reqwest::header::RANGE;
use reqwest::StatusCode;
use tokio::sync::Semaphore;

use super::error::DownloadError;
use super::headers::{content_length, parse_content_range, remote_crc};
use super::part::digest_of_file;
use super::progress::ProgressEvent;
use super::shared::Shared;
use super::summary::{FileOutcome, FileReport};
use super::transfer::{transfer, Done};
use crate::error_chain::Chain;

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
    // A complete copy already present is kept, unless forced.
    let skipped = if shared.options.force {
        None
    } else {
        match try_skip(shared, index, &entry.raw_name, &final_path, entry.expected).await {
            Ok(skipped) => skipped,
            Err(error) => return fail(shared, index, report, error, started),
        }
    };
    let result = match skipped {
        Some(done) => Ok(done),
        None => transfer(shared, index, &entry.raw_name, &final_path, entry.expected).await,
    };
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
