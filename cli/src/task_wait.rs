//! Following a task: the options every task-starting action's subcommand gets (`--wait`,
//! `--timeout`, `--poll-interval`), the status lines on stderr, and the one JSON answer of a
//! call that was waited for: the action's response with the task's outcome as `Task`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{ArgMatches, Args, Command, FromArgMatches};
use serde_json::{json, Value};
use tencentcloud_redis::task::{wait_for_task, TaskError, TaskProgress, WaitOptions};
use tencentcloud_schema::{Action, BaseType};
use tencentcloud_transport::CallOptions;

use crate::args::TaskWait;
use crate::exit::{self, CliError, Exit};
use crate::globals::Globals;

/// Whether the action's response names a task (a scalar integer or float `TaskId`).
pub fn starts_task(action: &Action) -> bool {
    action.output.iter().any(|m| {
        m.name == "TaskId"
            && !m.ty.array
            && matches!(m.ty.base, BaseType::Integer(_) | BaseType::Float)
    })
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

/// Waits for the task `response` names and returns the response with `Task` added: the
/// final `Status`, `TaskType`, `StartTime`, `TaskMessage` and `ElapsedSeconds`.
pub async fn follow(
    globals: &Globals,
    action: &Action,
    mut response: Value,
    task_wait: &TaskWait,
) -> Result<Value, CliError> {
    let task_id = response["TaskId"]
        .as_u64()
        .or_else(|| {
            response["TaskId"]
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        })
        .ok_or_else(|| {
            CliError::new(
                Exit::Service,
                format!(
                    "{} answered without a TaskId to wait for: {response}",
                    action.name
                ),
            )
        })?;
    eprintln!("{}: task {task_id} started", action.name);
    let wait = wait_options(task_wait, &globals.call_options(), globals.single_attempt());
    let outcome = wait_for_task(&globals.client()?, task_id, wait)
        .await
        .map_err(|e| from_task(&action.name, &e, &globals.profile_hint()))?;
    response["Task"] = json!({
        "Status": outcome.status.as_str(),
        "TaskType": outcome.response.task_type,
        "StartTime": outcome.response.start_time,
        "TaskMessage": outcome.response.task_message,
        "ElapsedSeconds": (outcome.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
    });
    Ok(response)
}

/// A failed wait for the task of `action`, as the exit code and message it earns.
fn from_task(action: &str, error: &TaskError, profile_hint: &str) -> CliError {
    match error {
        TaskError::Api { source, .. } => exit::from_call("DescribeTaskInfo", source, profile_hint),
        TaskError::TimedOut { task_id, .. } => CliError::new(
            Exit::TaskTimeout,
            format!(
                "{error}\nThe {action} task may still finish: tcredis describe-task-info --task-id {task_id}"
            ),
        ),
        _ => CliError::new(Exit::Service, format!("the {action} task: {}", exit::chain(error))),
    }
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
