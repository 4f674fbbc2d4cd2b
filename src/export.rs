//! The backup workflow: start a manual backup, wait for its task, find the backup it made and
//! download it, in one call ([`export_backup`]) or step by step ([`start_backup`],
//! [`wait_for_task`], [`find_backup`], then [`download_backup`]).
//!
//! # How the new backup is found
//!
//! `ManualBackupInstance` answers with a task id, not a backup id, and `DescribeTaskInfo` does
//! not name the backup either. [`start_backup`] therefore lists the instance's backups
//! (`DescribeInstanceBackups`, statuses 1 and 2) *before* asking for the new one and keeps
//! their ids. Once the task has succeeded, [`find_backup`] lists the complete backups (status
//! 2) again and takes, among those that
//!
//! 1. belong to the instance (when the listing names one),
//! 2. were **not** in the list taken before the request, and
//! 3. carry the request's remark, when the request had one,
//!
//! the newest by `StartTime`, preferring manual backups (`BackupType` `"0"`) over automatic
//! ones. This needs neither the local clock nor the server's time zone (a comparison of
//! `StartTime` with the time of the request would need both). [`export_backup`] always sends a
//! remark (yours, or a generated `tcredis export <UTC time>` one), so a backup started at the
//! same moment by someone else, or the nightly automatic backup, is not mistaken for it. If
//! the backup does not show up at once (listings can lag behind the task), [`find_backup`]
//! asks again until its timeout.
//!
//! Listings are read page by page (100 backups a page, at most
//! [`MAX_LIST_PAGES`] pages).
//!
//! # Errors
//!
//! Every error names the action, the instance and the task; none carries a credential or a
//! download URL's signature (download errors are redacted by [`crate::download`]). As with the
//! transport's errors, `Display` says what failed at its own step and the cause (the call's
//! error, the task's failure, the download's error) is its
//! [`source`](std::error::Error::source): print the whole chain to show both.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use tencentcloud_redis::export::{export_backup, ExportOptions, WaitOptions};
//! use tencentcloud_redis::Client;
//!
//! let client = Client::builder().region("ap-guangzhou").build()?;
//! let options = ExportOptions::new()
//!     .remark("before the migration")
//!     .wait(WaitOptions::new().timeout(Duration::from_secs(1800)).on_status(|p| {
//!         eprintln!("task {}: {:?} after {:?}", p.task_id, p.status, p.elapsed)
//!     }));
//! let summary = export_backup(&client, "crs-4y9t57vt", "backup", options).await?;
//! println!("backup {} (task {})", summary.backup_id, summary.task_id);
//! assert!(summary.download.is_success());
//! # Ok(())
//! # }
//! ```
//!
//! [`download_backup`]: crate::download::download_backup

mod error;
mod find;

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tencentcloud_transport::time::UtcDateTime;
use tencentcloud_transport::{CallOptions, Client};

use crate::download::{download_backup, DownloadOptions, DownloadSummary};
use crate::types::RedisBackupSet;
use crate::ManualBackupInstanceRequest;

pub use error::ExportError;
pub use find::{
    find_backup, pick_backup, start_backup, StartedBackup, LIST_PAGE_SIZE, MAX_LIST_PAGES,
};
// The task waiter serves every task-starting action; export re-exports it where it always was.
pub use crate::task::{
    wait_for_task, StatusCallback, TaskError, TaskOutcome, TaskProgress, WaitOptions,
};

/// The callback [`ExportOptions::on_event`] installs.
pub type ExportCallback = Arc<dyn Fn(&ExportEvent<'_>) + Send + Sync>;

/// What [`export_backup`] reports as it goes, to [`ExportOptions::on_event`]. Task statuses
/// go to [`WaitOptions::on_status`] and download progress to
/// [`DownloadOptions::on_progress`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ExportEvent<'a> {
    /// `ManualBackupInstance` accepted the request.
    BackupStarted {
        /// The request as it stands.
        started: &'a StartedBackup,
    },
    /// The backup task succeeded.
    TaskSucceeded {
        /// The outcome.
        outcome: &'a TaskOutcome,
    },
    /// The new backup was found; its download starts.
    BackupFound {
        /// The backup as listed.
        backup: &'a RedisBackupSet,
        /// Its id.
        backup_id: &'a str,
    },
}

/// How [`export_backup`] works. Build it with [`ExportOptions::new`] and the setters.
#[derive(Clone)]
pub struct ExportOptions {
    remark: Option<String>,
    storage_days: Option<i64>,
    wait: WaitOptions,
    download: DownloadOptions,
    call_options: CallOptions,
    find_timeout: Duration,
    on_event: Option<ExportCallback>,
}

impl fmt::Debug for ExportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportOptions")
            .field("remark", &self.remark)
            .field("storage_days", &self.storage_days)
            .field("wait", &self.wait)
            .field("download", &self.download)
            .field("call_options", &self.call_options)
            .field("find_timeout", &self.find_timeout)
            .field("on_event", &self.on_event.is_some())
            .finish()
    }
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl ExportOptions {
    /// The default time [`export_backup`] keeps listing backups after the task succeeded.
    pub const DEFAULT_FIND_TIMEOUT: Duration = Duration::from_secs(60);

    /// Defaults: a generated remark, the service's default retention, [`WaitOptions::new`],
    /// [`DownloadOptions::new`], [`Self::DEFAULT_FIND_TIMEOUT`].
    pub fn new() -> Self {
        Self {
            remark: None,
            storage_days: None,
            wait: WaitOptions::new(),
            download: DownloadOptions::new(),
            call_options: CallOptions::new(),
            find_timeout: Self::DEFAULT_FIND_TIMEOUT,
            on_event: None,
        }
    }

    /// The backup's remark. Without one, `tcredis export <UTC time of the request>` is sent
    /// (see [`default_remark`]), so that the backup can be told apart from others.
    pub fn remark(mut self, remark: impl Into<String>) -> Self {
        self.remark = Some(remark.into());
        self
    }

    /// How many days the service keeps the backup (`StorageDays`; its default when unset).
    pub fn storage_days(mut self, days: i64) -> Self {
        self.storage_days = Some(days);
        self
    }

    /// How the backup task is waited for (its timeout, polling, status callback).
    pub fn wait(mut self, wait: WaitOptions) -> Self {
        self.wait = wait;
        self
    }

    /// How the backup's files are downloaded.
    pub fn download(mut self, download: DownloadOptions) -> Self {
        self.download = download;
        self
    }

    /// Options for the `ManualBackupInstance` and `DescribeInstanceBackups` calls.
    pub fn call_options(mut self, options: CallOptions) -> Self {
        self.call_options = options;
        self
    }

    /// How long to keep listing backups after the task succeeded before giving up with
    /// [`ExportError::BackupNotFound`].
    pub fn find_timeout(mut self, timeout: Duration) -> Self {
        self.find_timeout = timeout;
        self
    }

    /// Calls `callback` for every [`ExportEvent`].
    pub fn on_event(mut self, callback: impl Fn(&ExportEvent<'_>) + Send + Sync + 'static) -> Self {
        self.on_event = Some(Arc::new(callback));
        self
    }
}

/// The result of [`export_backup`].
#[derive(Debug)]
#[non_exhaustive]
pub struct ExportSummary {
    /// The instance.
    pub instance_id: String,
    /// The backup task.
    pub task_id: u64,
    /// The new backup's id.
    pub backup_id: String,
    /// The remark sent with the backup.
    pub remark: String,
    /// The RequestId of the `ManualBackupInstance` answer.
    pub request_id: String,
    /// The backup as `DescribeInstanceBackups` listed it.
    pub backup: RedisBackupSet,
    /// How the task went.
    pub task: TaskOutcome,
    /// The download; check [`DownloadSummary::is_success`].
    pub download: DownloadSummary,
    /// Wall time of the whole export.
    pub elapsed: Duration,
}

/// The remark [`export_backup`] sends when none is given: `tcredis export` and the current
/// UTC time to the millisecond, e.g. `tcredis export 2024-06-01T12:00:00.123Z`.
pub fn default_remark() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let time = UtcDateTime::from_unix(now.as_secs());
    format!(
        "tcredis export {}T{:02}:{:02}:{:02}.{:03}Z",
        time.date,
        time.hour,
        time.minute,
        time.second,
        now.subsec_millis()
    )
}

/// Checks, without leaving anything behind, that `out_dir` is or can become a writable
/// folder: it must be a folder if it exists, and the nearest existing folder on its path must
/// accept a new file.
fn check_out_dir(out_dir: &Path) -> Result<(), ExportError> {
    let error = |reason: String, source: Option<io::Error>| ExportError::OutDir {
        path: out_dir.to_path_buf(),
        reason,
        source,
    };
    // Walk up to the nearest existing ancestor; a file on the way means "not a folder".
    let mut existing = out_dir;
    let mut first_error: Option<io::Error> = None;
    loop {
        match std::fs::metadata(existing) {
            Ok(meta) if meta.is_dir() => break,
            Ok(_) => {
                return Err(error(
                    format!("{} exists and is not a folder", existing.display()),
                    None,
                ))
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::NotFound && first_error.is_none() {
                    first_error = Some(e);
                }
                match existing.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => existing = parent,
                    _ => {
                        existing = Path::new(".");
                        break;
                    }
                }
            }
        }
    }
    if let Some(e) = first_error {
        return Err(error(
            format!("cannot inspect {}", out_dir.display()),
            Some(e),
        ));
    }
    let probe = existing.join(format!(
        ".tcredis-export-probe-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos()
    ));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(error(
            format!("cannot create files in {}", existing.display()),
            Some(e),
        )),
    }
}

/// Makes a new backup of `instance_id` and downloads it into `out_dir`, verified:
/// checks `out_dir`, lists the instance's backups, sends `ManualBackupInstance`, waits for its
/// task ([`wait_for_task`]), finds the new backup ([`find_backup`], rules in the
/// [module documentation](self)) and downloads every file of it
/// ([`download_backup`]).
///
/// Returns `Err` when a step before the download failed, or the download could not start;
/// nothing is written into `out_dir` then. Failures of single files are in
/// [`ExportSummary::download`], as for `download_backup`.
pub async fn export_backup(
    client: &Client,
    instance_id: &str,
    out_dir: impl AsRef<Path>,
    options: ExportOptions,
) -> Result<ExportSummary, ExportError> {
    let begun = Instant::now();
    let out_dir = out_dir.as_ref();
    check_out_dir(out_dir)?;
    let emit = |event: ExportEvent<'_>| {
        if let Some(callback) = &options.on_event {
            callback(&event);
        }
    };
    let remark = options.remark.clone().unwrap_or_else(default_remark);
    let mut request = ManualBackupInstanceRequest::new(instance_id).remark(remark.clone());
    if let Some(days) = options.storage_days {
        request = request.storage_days(days);
    }
    let started = start_backup(client, request, &options.call_options).await?;
    emit(ExportEvent::BackupStarted { started: &started });
    let task = wait_for_task(client, started.task_id, options.wait.clone())
        .await
        .map_err(|source| ExportError::Task {
            instance_id: instance_id.to_owned(),
            source,
        })?;
    emit(ExportEvent::TaskSucceeded { outcome: &task });
    let backup = find_backup(
        client,
        &started,
        options.find_timeout,
        &options.call_options,
    )
    .await?;
    let backup_id = backup.backup_id.clone().unwrap_or_default();
    emit(ExportEvent::BackupFound {
        backup: &backup,
        backup_id: &backup_id,
    });
    let download = download_backup(
        client,
        instance_id,
        &backup_id,
        out_dir,
        options.download.clone(),
    )
    .await
    .map_err(|source| ExportError::Download {
        backup_id: backup_id.clone(),
        source,
    })?;
    Ok(ExportSummary {
        instance_id: instance_id.to_owned(),
        task_id: started.task_id,
        backup_id,
        remark,
        request_id: started.request_id,
        backup,
        task,
        download,
        elapsed: begun.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_remark_is_a_utc_time() {
        let r = default_remark();
        assert!(r.starts_with("tcredis export 20"), "{r}");
        assert!(r.ends_with('Z') && r.len() == "tcredis export 2024-06-01T12:00:00.123Z".len());
        let date = &r["tcredis export ".len()..][..10];
        assert!(
            tencentcloud_transport::time::UtcDateTime::parse(&format!("{date} 00:00:00")).is_some(),
            "{r}"
        );
    }

    #[test]
    fn out_dir_checks_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a/b/c");
        check_out_dir(&target).unwrap();
        assert!(!dir.path().join("a").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let err = check_out_dir(&file.join("sub")).unwrap_err();
        assert!(err.to_string().contains("is not a folder"), "{err}");
    }
}
