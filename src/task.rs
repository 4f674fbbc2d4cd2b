//! Waiting for a task: [`wait_for_task`] polls `DescribeTaskInfo` until the task succeeds,
//! fails or the wait times out, and reports each answer to [`WaitOptions::on_status`]. Any
//! action whose response names a task ([`StartsTask`](crate::StartsTask)) can be followed
//! this way, a manual backup among them.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tencentcloud_transport::{CallOptions, Client, Error};

use crate::error_chain::Chain;
use crate::types::TaskStatus;
use crate::{DescribeTaskInfoError, DescribeTaskInfoRequest, DescribeTaskInfoResponse};

/// The callback [`WaitOptions::on_status`] installs.
pub type StatusCallback = Arc<dyn Fn(&TaskProgress<'_>) + Send + Sync>;

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
    pub task_id: u64,
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
    pub task_id: u64,
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
        task_id: u64,
        /// The call's error.
        source: Error<DescribeTaskInfoError>,
    },
    /// The task ended with status `failed` or `error`.
    Failed {
        /// The task.
        task_id: u64,
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
        task_id: u64,
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
    pub fn task_id(&self) -> u64 {
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

/// A duration as messages show it, e.g. `1.5 s`.
pub(crate) fn secs(d: Duration) -> String {
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
    task_id: u64,
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
