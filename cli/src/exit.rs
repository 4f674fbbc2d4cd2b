//! Exit codes and the one error type every command returns.

use std::fmt;
use std::process::ExitCode;

use tencentcloud_redis::download::{DownloadError, DownloadErrorKind};
use tencentcloud_redis::export::{ExportError, TaskError};
use tencentcloud_transport::{ActionError, Error};

/// The documented exit codes (also in `tcredis --help` and the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 1: the API answered with an error (code, message and RequestId on stderr).
    Service = 1,
    /// 2: the command line is wrong (unknown option, bad value, conflicting options, bad JSON).
    Usage = 2,
    /// 3: credentials or configuration (no credentials, no region, bad endpoint).
    Config = 3,
    /// 4: network, timeout, or the storage refusing or failing a download.
    Network = 4,
    /// 5: a download failed verification (size or CRC-64 mismatch, unsafe file name, broken
    /// range answer, empty backup).
    Verification = 5,
    /// 6: a local file could not be written (unwritable `--out`, disk full).
    LocalIo = 6,
    /// 7: a task (the backup of `backup create --wait` or `export`) did not finish within
    /// `--timeout`; it may still finish.
    TaskTimeout = 7,
}

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  the API answered with an error (code, message and RequestId are printed on stderr),
     or a backup task failed (its TaskMessage is printed)
  2  usage error: unknown option, missing or invalid value, conflicting options,
     malformed --json
  3  credentials or configuration: no credentials, no region, invalid endpoint or region
  4  network or timeout: endpoint unreachable, download failed or refused (expired URL)
  5  download verification failed: size or CRC-64 mismatch, unsafe file name, empty backup
  6  local file system: the output folder or a file could not be created or written
  7  a backup task did not finish within --timeout (backup create --wait, export); it may
     still finish: the task id is printed";

/// An error to print on stderr, with its exit code.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    pub fn code(&self) -> ExitCode {
        ExitCode::from(self.exit as u8)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// `error` followed by its causes, `: `-separated. Each level's `Display` says only its own
/// facts and `source()` carries the cause, so every fact shows once.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// Maps a call's error to what the user sees.
pub fn from_call<E: ActionError>(action: &str, error: &Error<E>, profile_hint: &str) -> CliError {
    match error {
        Error::Service(e) => CliError::new(
            Exit::Service,
            format!(
                "{action} failed: the service answered with an error\n  Code: {}\n  Message: {}\n  RequestId: {}",
                e.code(),
                e.message(),
                if e.request_id().is_empty() { "(none)" } else { e.request_id() }
            ),
        ),
        // STS refused a role: the keys were found, the role or its trust policy is wrong.
        Error::Credentials(e) if e.sts_error().is_some() => CliError::new(
            Exit::Config,
            format!(
                "{}\nCheck the role ARN (--role-arn or TENCENTCLOUD_ROLE_ARN, a profile's role_arn, TKE_ROLE_ARN) and that the role's trust policy lets these keys assume it.",
                chain(e)
            ),
        ),
        Error::Credentials(e) => CliError::new(
            Exit::Config,
            format!(
                "{}\nSet TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_SESSION_TOKEN for temporary credentials), or put secret_id and secret_key in {profile_hint}.",
                chain(e)
            ),
        ),
        Error::Construction(e) => CliError::new(Exit::Config, chain(e)),
        Error::Timeout(e) => CliError::new(Exit::Network, chain(e)),
        Error::Network(e) => CliError::new(
            Exit::Network,
            format!("{}\nCheck --endpoint and your network.", chain(e)),
        ),
        Error::Decode(e) => CliError::new(Exit::Network, chain(e)),
        _ => CliError::new(Exit::Network, chain(error)),
    }
}

/// The exit code of a failed file or of a download that could not start.
pub fn from_download(error: &DownloadError, profile_hint: &str) -> CliError {
    match error {
        DownloadError::Api(e) => from_call("DescribeBackupUrl", e, profile_hint),
        other => {
            let exit = match other.kind() {
                DownloadErrorKind::Network => Exit::Network,
                DownloadErrorKind::LocalIo => Exit::LocalIo,
                _ => Exit::Verification,
            };
            // The library names its own options; the flags that set them are ours to name.
            let hint = match other {
                DownloadError::MissingUrl { inner: true, .. } => "\nTry again without --inner.",
                DownloadError::UrlExpired { .. } => {
                    "\nCheck the download restriction (tcredis describe-backup-download-restriction) and whether --inner fits this network."
                }
                _ => "",
            };
            CliError::new(exit, format!("{}{hint}", chain(other)))
        }
    }
}

/// The exit code and message of a failed task wait.
pub fn from_task(instance_id: &str, error: &TaskError, profile_hint: &str) -> CliError {
    match error {
        TaskError::Api { source, .. } => from_call("DescribeTaskInfo", source, profile_hint),
        TaskError::Failed {
            task_id,
            status,
            message,
            request_id,
        } => CliError::new(
            Exit::Service,
            format!(
                "the backup task {task_id} of instance {instance_id} failed\n  Status: {status}\n  TaskMessage: {}\n  RequestId: {}",
                if message.trim().is_empty() { "(none)" } else { message.as_str() },
                if request_id.is_empty() { "(none)" } else { request_id.as_str() }
            ),
        ),
        TaskError::TimedOut { task_id, .. } => CliError::new(
            Exit::TaskTimeout,
            format!(
                "{error}\nThe backup may still finish: tcredis describe-task-info --task-id {task_id}, then tcredis backup list --instance-id {instance_id}"
            ),
        ),
        _ => CliError::new(Exit::Service, chain(error)),
    }
}

/// The exit code and message of a failed export step.
pub fn from_export(error: &ExportError, profile_hint: &str) -> CliError {
    match error {
        ExportError::OutDir { .. } => CliError::new(Exit::LocalIo, chain(error)),
        ExportError::List { source, .. } => {
            from_call("DescribeInstanceBackups", source, profile_hint)
        }
        ExportError::Start { source, .. } => {
            from_call("ManualBackupInstance", source, profile_hint)
        }
        ExportError::Task {
            instance_id,
            source,
        } => from_task(instance_id, source, profile_hint),
        ExportError::Download { source, .. } => from_download(source, profile_hint),
        _ => CliError::new(Exit::Service, chain(error)),
    }
}
