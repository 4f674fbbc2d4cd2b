//! Following a task: the options every task-starting action's subcommand gets (`--wait`,
//! `--timeout`, `--poll-interval`), what they mean for the waiter, and the status lines on
//! stderr. Calling the action and then following it is `call_cmd`'s.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{ArgMatches, Args, Command, FromArgMatches};
use tencentcloud_redis::task::{TaskProgress, WaitOptions};
use tencentcloud_schema::Action;
use tencentcloud_transport::CallOptions;

use crate::exit::CliError;
use crate::parse;

/// Whether the action's response names a task (the schema crate's rule).
pub fn starts_task(action: &Action) -> bool {
    tencentcloud_schema::task::task_id(action).is_some()
}

/// `--wait` and the [`TaskWait`] options, for a task-starting action's subcommand.
pub fn augment(cmd: Command) -> Command {
    let cmd = cmd.arg(
        clap::Arg::new("wait")
            .long("wait")
            .action(clap::ArgAction::SetTrue)
            .help("Follow the task the action starts (DescribeTaskInfo) until it succeeds; exit 7 on --timeout"),
    );
    TaskWait::augment_args(cmd)
}

/// The subcommand's `--wait` options, when `--wait` was given.
pub fn requested(matches: &ArgMatches) -> Result<Option<TaskWait>, CliError> {
    if !matches
        .try_get_one::<bool>("wait")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
    {
        return Ok(None);
    }
    TaskWait::from_arg_matches(matches)
        .map(Some)
        .map_err(|e| CliError::usage(e.to_string()))
}

/// How long to wait for a task, and how often to ask.
#[derive(Debug, Clone, Args)]
pub struct TaskWait {
    /// Seconds to wait for the task before giving up with exit code 7.
    #[arg(long, value_name = "SECS", default_value = "1800", value_parser = parse::parse_seconds)]
    pub timeout: Duration,
    /// Seconds before the second DescribeTaskInfo call; later waits grow by half, up to 10 s.
    #[arg(long, value_name = "SECS", default_value = "1", value_parser = parse::parse_seconds)]
    pub poll_interval: Duration,
}

/// Prints one line per status change of a task on stderr, and a reminder when nothing has
/// changed for a while.
pub fn status_printer() -> impl Fn(&TaskProgress<'_>) + Send + Sync + 'static {
    const QUIET: Duration = Duration::from_secs(15);
    let last_line = Arc::new(Mutex::new(Instant::now()));
    move |p: &TaskProgress<'_>| {
        let mut last = last_line.lock().unwrap_or_else(|e| e.into_inner());
        if !p.changed && last.elapsed() < QUIET {
            return;
        }
        *last = Instant::now();
        let status = p.status.map(|s| s.as_str()).unwrap_or("(no status)");
        let still = if p.changed { "" } else { "still " };
        let message = p
            .response
            .task_message
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .map(|m| format!(": {}", m.escape_debug()))
            .unwrap_or_default();
        eprintln!(
            "task {}: {still}{status}{message} ({:.1} s)",
            p.task_id,
            p.elapsed.as_secs_f64()
        );
    }
}

pub fn wait_options(
    task_wait: &TaskWait,
    call_options: &CallOptions,
    no_retry: bool,
) -> WaitOptions {
    let mut wait = WaitOptions::new()
        .timeout(task_wait.timeout)
        .poll_interval(task_wait.poll_interval)
        .call_options(call_options.clone())
        .on_status(status_printer());
    if no_retry {
        wait = wait.max_consecutive_errors(0);
    }
    wait
}
