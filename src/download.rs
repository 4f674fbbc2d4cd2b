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

mod crc;
mod error;
mod headers;
mod job;
mod names;
mod options;
mod part;
mod progress;
mod redact;
mod shared;
mod summary;
mod transfer;

use std::io;
use std::path::Path;
use std::time::Instant;

use tencentcloud_transport::Client;

pub use crc::{Crc64, CRC64_HEADER};
pub use error::{DownloadError, DownloadErrorKind, VerifyError};
pub use names::{check_file_name, MAX_FILE_NAME_BYTES};
pub use options::DownloadOptions;
pub use progress::{ProgressCallback, ProgressEvent};
pub use redact::redact_url;
pub use summary::{DownloadSummary, FileOutcome, FileReport};

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
    let response = shared::describe(client, instance_id, backup_id, &options).await?;
    if response.backup_infos.is_empty() {
        return Err(DownloadError::NoFiles {
            instance_id: instance_id.to_owned(),
            backup_id: backup_id.to_owned(),
        });
    }
    prepare_out_dir(&out_dir)?;
    let request_id = response.request_id.clone();
    let shared = shared::Shared::new(
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
    let files = job::run_all(shared.clone()).await;
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
