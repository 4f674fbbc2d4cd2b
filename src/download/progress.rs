//! What a download reports while it runs: [`ProgressEvent`], and the callback type that
//! receives the events.

use std::sync::Arc;
use std::time::Duration;

use super::error::DownloadError;

/// The function [`DownloadOptions::on_progress`](super::DownloadOptions::on_progress)
/// installs.
pub type ProgressCallback = Arc<dyn Fn(&ProgressEvent<'_>) + Send + Sync>;

/// What is happening, reported to
/// [`DownloadOptions::on_progress`](super::DownloadOptions::on_progress). `index` is the
/// file's position in `BackupInfos` (0-based). No event carries a signed URL.
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
