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

use std::collections::BTreeSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tencentcloud_transport::{CallOptions, Client, Error};

use crate::download::{download_backup, DownloadError, DownloadOptions, DownloadSummary};
use crate::error_chain::Chain;
use crate::types::{RedisBackupSet, TaskStatus};
use crate::{
    DescribeInstanceBackupsError, DescribeInstanceBackupsRequest, DescribeTaskInfoError,
    DescribeTaskInfoRequest, DescribeTaskInfoResponse, ManualBackupInstanceError,
    ManualBackupInstanceRequest,
};

/// The page size used to list backups (the API's maximum).
pub const LIST_PAGE_SIZE: i64 = 100;

/// The most pages [`find_backup`] and [`start_backup`] read from `DescribeInstanceBackups`.
pub const MAX_LIST_PAGES: u32 = 50;

/// The callback [`WaitOptions::on_status`] installs.
pub type StatusCallback = Arc<dyn Fn(&TaskProgress<'_>) + Send + Sync>;

/// The callback [`ExportOptions::on_event`] installs.
pub type ExportCallback = Arc<dyn Fn(&ExportEvent<'_>) + Send + Sync>;

/// How [`wait_for_task`] polls. Build it with [`WaitOptions::new`] and the setters.
#[derive(Clone)]
pub struct WaitOptions {
    poll_interval: Duration,
    max_poll_interval: Duration,
    timeout: Duration,
    max_consecutive_errors: u32,
    call_options: CallOptions,
    on_status: Option<StatusCallback>,
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("poll_interval", &self.poll_interval)
            .field("max_poll_interval", &self.max_poll_interval)
            .field("timeout", &self.timeout)
            .field("max_consecutive_errors", &self.max_consecutive_errors)
            .field("call_options", &self.call_options)
            .field("on_status", &self.on_status.is_some())
            .finish()
    }
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl WaitOptions {
    /// The default first wait between two `DescribeTaskInfo` calls.
    pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
    /// The default longest wait between two calls.
    pub const DEFAULT_MAX_POLL_INTERVAL: Duration = Duration::from_secs(10);
    /// The default timeout (30 minutes).
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

    /// Defaults: first poll at once, then waits growing by half from
    /// [`Self::DEFAULT_POLL_INTERVAL`] up to [`Self::DEFAULT_MAX_POLL_INTERVAL`], a
    /// [`Self::DEFAULT_TIMEOUT`] timeout, up to 3 failed calls in a row tolerated when the
    /// error is transient (network, timeout, throttling).
    pub fn new() -> Self {
        Self {
            poll_interval: Self::DEFAULT_POLL_INTERVAL,
            max_poll_interval: Self::DEFAULT_MAX_POLL_INTERVAL,
            timeout: Self::DEFAULT_TIMEOUT,
            max_consecutive_errors: 3,
            call_options: CallOptions::new(),
            on_status: None,
        }
    }

    /// The first wait between two `DescribeTaskInfo` calls (at least 10 ms); later waits grow
    /// by half up to [`Self::max_poll_interval`].
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval.max(Duration::from_millis(10));
        self.max_poll_interval = self.max_poll_interval.max(self.poll_interval);
        self
    }

    /// The longest wait between two calls (never less than [`Self::poll_interval`]).
    pub fn max_poll_interval(mut self, interval: Duration) -> Self {
        self.max_poll_interval = interval.max(self.poll_interval);
        self
    }

    /// Gives up with [`TaskError::TimedOut`] when the task has not finished after this long
    /// (counted from the start of [`wait_for_task`]; calls in flight are cut off too).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many `DescribeTaskInfo` calls in a row may fail with a transient error (after the
    /// client's own retries) before the wait fails with [`TaskError::Api`]. 0 fails at the
    /// first error.
    pub fn max_consecutive_errors(mut self, n: u32) -> Self {
        self.max_consecutive_errors = n;
        self
    }

    /// Options for the `DescribeTaskInfo` calls (retries, timeouts, region).
    pub fn call_options(mut self, options: CallOptions) -> Self {
        self.call_options = options;
        self
    }

    /// Calls `callback` after every `DescribeTaskInfo` answer (quick and thread-safe, please).
    pub fn on_status(
        mut self,
        callback: impl Fn(&TaskProgress<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.on_status = Some(Arc::new(callback));
        self
    }
}

/// One `DescribeTaskInfo` answer seen by [`wait_for_task`], for [`WaitOptions::on_status`].
#[derive(Debug)]
#[non_exhaustive]
pub struct TaskProgress<'a> {
    /// The task.
    pub task_id: i64,
    /// Its status; `None` when the answer had none.
    pub status: Option<&'a TaskStatus>,
    /// Whether the status differs from the previous answer's (always true for the first).
    pub changed: bool,
    /// How many answers so far, this one included.
    pub polls: u32,
    /// Time since the wait started.
    pub elapsed: Duration,
    /// The whole answer.
    pub response: &'a DescribeTaskInfoResponse,
}

/// A task that finished successfully.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TaskOutcome {
    /// The task.
    pub task_id: i64,
    /// The final status ([`TaskStatus::Succeed`]).
    pub status: TaskStatus,
    /// The last `DescribeTaskInfo` answer.
    pub response: DescribeTaskInfoResponse,
    /// How many `DescribeTaskInfo` answers were read.
    pub polls: u32,
    /// Time from the start of the wait to the final answer.
    pub elapsed: Duration,
}

/// Why [`wait_for_task`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum TaskError {
    /// `DescribeTaskInfo` failed (a service error, or transient errors more than
    /// [`WaitOptions::max_consecutive_errors`] times in a row).
    Api {
        /// The task.
        task_id: i64,
        /// The call's error.
        source: Error<DescribeTaskInfoError>,
    },
    /// The task ended with status `failed` or `error`.
    Failed {
        /// The task.
        task_id: i64,
        /// The status reported.
        status: TaskStatus,
        /// The task's `TaskMessage` (empty when the service sent none).
        message: String,
        /// The RequestId of the answer that reported it.
        request_id: String,
    },
    /// The task had not finished when [`WaitOptions::timeout`] elapsed. It may still finish.
    TimedOut {
        /// The task.
        task_id: i64,
        /// Time waited.
        elapsed: Duration,
        /// The timeout.
        timeout: Duration,
        /// The last status seen, if any answer came.
        last_status: Option<TaskStatus>,
    },
}

impl TaskError {
    /// The task concerned.
    pub fn task_id(&self) -> i64 {
        match self {
            TaskError::Api { task_id, .. }
            | TaskError::Failed { task_id, .. }
            | TaskError::TimedOut { task_id, .. } => *task_id,
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Api { task_id, .. } => {
                write!(f, "DescribeTaskInfo for task {task_id} failed")
            }
            TaskError::Failed {
                task_id,
                status,
                message,
                request_id,
            } => {
                let message = if message.trim().is_empty() {
                    "(the service gave no TaskMessage)"
                } else {
                    message.as_str()
                };
                write!(
                    f,
                    "task {task_id} ended with status {status}: {message} (DescribeTaskInfo RequestId {})",
                    if request_id.is_empty() { "(none)" } else { request_id }
                )
            }
            TaskError::TimedOut {
                task_id,
                elapsed,
                timeout,
                last_status,
            } => {
                write!(
                    f,
                    "task {task_id} did not finish within the timeout of {}: waited {}, last status {}; \
                     it may still finish (ask DescribeTaskInfo with TaskId {task_id})",
                    secs(*timeout),
                    secs(*elapsed),
                    last_status
                        .as_ref()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_else(|| "unknown (no answer yet)".into())
                )
            }
        }
    }
}

impl std::error::Error for TaskError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TaskError::Api { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// Polls `DescribeTaskInfo` for `task_id` until the task succeeds (`Ok`), fails or errors
/// ([`TaskError::Failed`], with its `TaskMessage`), or [`WaitOptions::timeout`] elapses
/// ([`TaskError::TimedOut`], naming the task and the time waited).
///
/// The first call is made at once; the waits between calls grow by half from
/// [`WaitOptions::poll_interval`] to [`WaitOptions::max_poll_interval`]. Statuses this
/// binding does not know (and answers without a status) are reported to the callback and
/// polled again. Transient call failures are tolerated up to
/// [`WaitOptions::max_consecutive_errors`] times in a row.
pub async fn wait_for_task(
    client: &Client,
    task_id: i64,
    options: WaitOptions,
) -> Result<TaskOutcome, TaskError> {
    let started = Instant::now();
    let deadline = started.checked_add(options.timeout);
    let timed_out = |last_status: Option<TaskStatus>| TaskError::TimedOut {
        task_id,
        elapsed: started.elapsed(),
        timeout: options.timeout,
        last_status,
    };
    let mut interval = options.poll_interval;
    let mut polls = 0u32;
    let mut errors = 0u32;
    let mut last_status: Option<TaskStatus> = None;
    loop {
        let call = client.send_with(
            DescribeTaskInfoRequest::new(task_id),
            options.call_options.clone(),
        );
        let answer = match deadline {
            Some(deadline) => {
                match tokio::time::timeout_at(tokio::time::Instant::from_std(deadline), call).await
                {
                    Ok(answer) => answer,
                    Err(_) => return Err(timed_out(last_status)),
                }
            }
            None => call.await,
        };
        match answer {
            Ok(response) => {
                errors = 0;
                polls = polls.saturating_add(1);
                let changed = polls == 1 || response.status != last_status;
                if let Some(callback) = &options.on_status {
                    callback(&TaskProgress {
                        task_id,
                        status: response.status.as_ref(),
                        changed,
                        polls,
                        elapsed: started.elapsed(),
                        response: &response,
                    });
                }
                match &response.status {
                    Some(TaskStatus::Succeed) => {
                        return Ok(TaskOutcome {
                            task_id,
                            status: TaskStatus::Succeed,
                            polls,
                            elapsed: started.elapsed(),
                            response,
                        })
                    }
                    Some(status @ (TaskStatus::Failed | TaskStatus::Error)) => {
                        return Err(TaskError::Failed {
                            task_id,
                            status: status.clone(),
                            message: response.task_message.clone().unwrap_or_default(),
                            request_id: response.request_id.clone(),
                        })
                    }
                    _ => {}
                }
                last_status = response.status;
            }
            Err(source) => {
                errors = errors.saturating_add(1);
                if !source.is_retryable() || errors > options.max_consecutive_errors {
                    return Err(TaskError::Api { task_id, source });
                }
                tracing::warn!(task_id, error = %Chain(&source), "DescribeTaskInfo failed; asking again");
            }
        }
        let wait = match deadline {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(timed_out(last_status));
                }
                interval.min(left)
            }
            None => interval,
        };
        tokio::time::sleep(wait).await;
        interval = interval
            .saturating_add(interval / 2)
            .min(options.max_poll_interval);
    }
}

/// A backup requested with [`start_backup`]: what [`find_backup`] needs to recognise it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StartedBackup {
    /// The instance.
    pub instance_id: String,
    /// The task that makes the backup.
    pub task_id: i64,
    /// The remark sent with the request, if any.
    pub remark: Option<String>,
    /// The RequestId of the `ManualBackupInstance` answer.
    pub request_id: String,
    /// The ids of the instance's backups listed just before the request.
    pub known_backup_ids: BTreeSet<String>,
}

/// Why a step of the export workflow failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ExportError {
    /// The output folder cannot be used; checked before anything is asked of the service.
    OutDir {
        /// The folder given.
        path: PathBuf,
        /// What is wrong.
        reason: String,
        /// The cause, when an operation failed.
        source: Option<io::Error>,
    },
    /// `DescribeInstanceBackups` failed.
    List {
        /// The instance.
        instance_id: String,
        /// The call's error.
        source: Error<DescribeInstanceBackupsError>,
    },
    /// `ManualBackupInstance` failed; no backup was started.
    Start {
        /// The instance.
        instance_id: String,
        /// The call's error.
        source: Error<ManualBackupInstanceError>,
    },
    /// `ManualBackupInstance` answered without a `TaskId`.
    NoTaskId {
        /// The instance.
        instance_id: String,
        /// The RequestId of the answer.
        request_id: String,
    },
    /// Waiting for the backup task failed, or the task failed.
    Task {
        /// The instance.
        instance_id: String,
        /// Why.
        source: TaskError,
    },
    /// The task succeeded but no backup matching it was listed (see the
    /// [module documentation](self) for the rules).
    BackupNotFound {
        /// The instance.
        instance_id: String,
        /// The task.
        task_id: i64,
        /// The remark looked for, if any.
        remark: Option<String>,
        /// How long the listing was asked for.
        waited: Duration,
        /// How many complete backups the last listing had.
        listed: usize,
    },
    /// The download could not start (see [`download_backup`]).
    Download {
        /// The backup.
        backup_id: String,
        /// Why.
        source: DownloadError,
    },
}

impl ExportError {
    /// The task id, when the error happened after the backup task was started.
    pub fn task_id(&self) -> Option<i64> {
        match self {
            ExportError::Task { source, .. } => Some(source.task_id()),
            ExportError::BackupNotFound { task_id, .. } => Some(*task_id),
            _ => None,
        }
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::OutDir { path, reason, .. } => write!(
                f,
                "cannot use the output folder {}: {reason}; no backup was started",
                path.display()
            ),
            ExportError::List { instance_id, .. } => write!(
                f,
                "DescribeInstanceBackups for instance {instance_id} failed"
            ),
            ExportError::Start { instance_id, .. } => {
                write!(f, "ManualBackupInstance for instance {instance_id} failed")
            }
            ExportError::NoTaskId {
                instance_id,
                request_id,
            } => write!(
                f,
                "ManualBackupInstance for instance {instance_id} answered without a TaskId (RequestId {request_id}); the backup cannot be followed"
            ),
            ExportError::Task { instance_id, .. } => write!(
                f,
                "waiting for the backup task of instance {instance_id} failed"
            ),
            ExportError::BackupNotFound {
                instance_id,
                task_id,
                remark,
                waited,
                listed,
            } => {
                write!(
                    f,
                    "task {task_id} succeeded but DescribeInstanceBackups lists no new complete backup of instance {instance_id}"
                )?;
                if let Some(remark) = remark {
                    write!(f, " with remark {remark:?}")?;
                }
                write!(
                    f,
                    " (asked for {}; the last listing had {listed} complete backup(s), all known before the request or with another remark)",
                    secs(*waited)
                )
            }
            ExportError::Download { backup_id, .. } => {
                write!(f, "the download of backup {backup_id} could not start")
            }
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExportError::OutDir { source, .. } => source
                .as_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            ExportError::List { source, .. } => Some(source),
            ExportError::Start { source, .. } => Some(source),
            ExportError::Task { source, .. } => Some(source),
            ExportError::Download { source, .. } => Some(source),
            ExportError::NoTaskId { .. } | ExportError::BackupNotFound { .. } => None,
        }
    }
}

/// Every backup of `instance_id` in `status` (all statuses when empty), page by page.
async fn list_backups(
    client: &Client,
    instance_id: &str,
    status: &[i64],
    call_options: &CallOptions,
) -> Result<Vec<RedisBackupSet>, ExportError> {
    let mut all = Vec::new();
    let mut offset = 0i64;
    for _ in 0..MAX_LIST_PAGES {
        let request = DescribeInstanceBackupsRequest::new()
            .instance_id(instance_id)
            .limit(LIST_PAGE_SIZE)
            .offset(offset)
            .status(status.iter().copied());
        let page = client
            .send_with(request, call_options.clone())
            .await
            .map_err(|source| ExportError::List {
                instance_id: instance_id.to_owned(),
                source,
            })?;
        let n = page.backup_set.len();
        all.extend(page.backup_set);
        offset = offset.saturating_add(n as i64);
        let more = match page.total_count {
            Some(total) => offset < total,
            None => n as i64 >= LIST_PAGE_SIZE,
        };
        if n == 0 || !more {
            break;
        }
    }
    Ok(all)
}

/// Lists the instance's backups, then sends `request` (`ManualBackupInstance`). The listing
/// lets [`find_backup`] tell the new backup from the old ones (see the
/// [module documentation](self)); it also fails early, before any backup is made, when the
/// instance cannot be listed.
pub async fn start_backup(
    client: &Client,
    request: ManualBackupInstanceRequest,
    call_options: &CallOptions,
) -> Result<StartedBackup, ExportError> {
    let instance_id = request.instance_id.clone();
    let known_backup_ids = list_backups(client, &instance_id, &[1, 2], call_options)
        .await?
        .into_iter()
        .filter_map(|b| b.backup_id)
        .collect();
    let remark = request.remark.clone();
    let response = client
        .send_with(request, call_options.clone())
        .await
        .map_err(|source| ExportError::Start {
            instance_id: instance_id.clone(),
            source,
        })?;
    let Some(task_id) = response.task_id else {
        return Err(ExportError::NoTaskId {
            instance_id,
            request_id: response.request_id,
        });
    };
    Ok(StartedBackup {
        instance_id,
        task_id,
        remark,
        request_id: response.request_id,
        known_backup_ids,
    })
}

/// The backup [`find_backup`] takes from a listing, if any (see the module documentation).
pub fn pick_backup(started: &StartedBackup, listing: &[RedisBackupSet]) -> Option<RedisBackupSet> {
    listing
        .iter()
        .filter(|b| match b.instance_id.as_deref() {
            None | Some("") => true,
            Some(id) => id == started.instance_id,
        })
        .filter(|b| {
            b.backup_id
                .as_deref()
                .is_some_and(|id| !id.is_empty() && !started.known_backup_ids.contains(id))
        })
        .filter(|b| match &started.remark {
            Some(remark) => b.remark.as_deref() == Some(remark.as_str()),
            None => true,
        })
        // Later in the listing wins ties, so reverse: the API lists newest first.
        .rev()
        .max_by(|a, b| {
            let manual = |x: &RedisBackupSet| x.backup_type.as_deref() == Some("0");
            let start = |x: &RedisBackupSet| normalize_time(x.start_time.as_deref());
            (manual(a), start(a)).cmp(&(manual(b), start(b)))
        })
        .cloned()
}

/// `YYYY-MM-DD hh:mm:ss` as digits only, so that times compare as strings even when the
/// service varies the separators; missing times sort first.
fn normalize_time(time: Option<&str>) -> String {
    time.unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

/// After the task of `started` succeeded, lists the instance's complete backups until the
/// new one shows up (see the module documentation for the rules) or `timeout` elapses
/// ([`ExportError::BackupNotFound`]). The listing is asked for at once, then after waits
/// growing from 500 ms to 5 s.
pub async fn find_backup(
    client: &Client,
    started: &StartedBackup,
    timeout: Duration,
    call_options: &CallOptions,
) -> Result<RedisBackupSet, ExportError> {
    let begun = Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        let listing = list_backups(client, &started.instance_id, &[2], call_options).await?;
        if let Some(backup) = pick_backup(started, &listing) {
            return Ok(backup);
        }
        let left = timeout.saturating_sub(begun.elapsed());
        if left.is_zero() {
            return Err(ExportError::BackupNotFound {
                instance_id: started.instance_id.clone(),
                task_id: started.task_id,
                remark: started.remark.clone(),
                waited: begun.elapsed(),
                listed: listing.len(),
            });
        }
        tokio::time::sleep(wait.min(left)).await;
        wait = (wait * 2).min(Duration::from_secs(5));
    }
}

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
    pub task_id: i64,
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
    let secs = now.as_secs();
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "tcredis export {y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

/// Days since 1970-01-01 to a (year, month, day) of the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
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

    fn set(id: &str, remark: &str, start: &str, ty: &str) -> RedisBackupSet {
        RedisBackupSet::new()
            .backup_id(id)
            .remark(remark)
            .start_time(start)
            .backup_type(ty)
            .instance_id("crs-1")
    }

    fn started(remark: Option<&str>, known: &[&str]) -> StartedBackup {
        StartedBackup {
            instance_id: "crs-1".into(),
            task_id: 7,
            remark: remark.map(Into::into),
            request_id: "r".into(),
            known_backup_ids: known.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn picks_the_new_backup_with_the_remark() {
        let listing = vec![
            set("c", "other", "2024-06-01 12:00:09", "0"),
            set("b", "mine", "2024-06-01 12:00:05", "0"),
            set("a", "mine", "2024-06-01 11:00:00", "0"),
        ];
        let s = started(Some("mine"), &["a"]);
        assert_eq!(pick_backup(&s, &listing).unwrap().backup_id.unwrap(), "b");
        // Known before: never picked.
        let s = started(Some("mine"), &["a", "b"]);
        assert!(pick_backup(&s, &listing).is_none());
        // No remark: the newest new one, manual preferred over automatic.
        let mut listing = listing;
        listing.insert(0, set("d", "", "2024-06-01 12:00:10", "1"));
        let s = started(None, &["a"]);
        assert_eq!(pick_backup(&s, &listing).unwrap().backup_id.unwrap(), "c");
        // Another instance's backup is ignored.
        let other = set("e", "mine", "2024-06-02 00:00:00", "0").instance_id("crs-2");
        let s = started(Some("mine"), &["a", "b"]);
        assert!(pick_backup(&s, &[other]).is_none());
    }

    #[test]
    fn default_remark_is_a_utc_time() {
        let r = default_remark();
        assert!(r.starts_with("tcredis export 20"), "{r}");
        assert!(r.ends_with('Z') && r.len() == "tcredis export 2024-06-01T12:00:00.123Z".len());
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_875), (2024, 6, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
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
