//! What a download reports when it ends: a [`DownloadSummary`] with one [`FileReport`] per
//! file.

use std::path::PathBuf;
use std::time::Duration;

use super::error::DownloadError;

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

/// The result of [`download_backup`](super::download_backup).
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
