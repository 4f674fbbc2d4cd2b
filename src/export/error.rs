//! Why a step of the export workflow failed: [`ExportError`].

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use tencentcloud_transport::Error;

use crate::download::DownloadError;
use crate::task::{secs, TaskError};
use crate::{DescribeInstanceBackupsError, ManualBackupInstanceError};

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
    /// [module documentation](crate::export) for the rules).
    BackupNotFound {
        /// The instance.
        instance_id: String,
        /// The task.
        task_id: u64,
        /// The remark looked for, if any.
        remark: Option<String>,
        /// How long the listing was asked for.
        waited: Duration,
        /// How many complete backups the last listing had.
        listed: usize,
    },
    /// The download could not start (see [`download_backup`](crate::download::download_backup)).
    Download {
        /// The backup.
        backup_id: String,
        /// Why.
        source: DownloadError,
    },
}

impl ExportError {
    /// The task id, when the error happened after the backup task was started.
    pub fn task_id(&self) -> Option<u64> {
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
