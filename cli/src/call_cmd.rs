//! Calling one API action: a schema subcommand (`tcredis describe-backup-url --instance-id ..`)
//! or `tcredis call NAME --json '{..}'`, checked against the schema, sent through the typed
//! request, printed as JSON or a table; with `--all` every page of a listing, with `--wait`
//! the action's task followed to its end.

use clap::ArgMatches;
use serde_json::{json, Value};
use tencentcloud_redis::task::{wait_for_task, TaskError};
use tencentcloud_schema::{Action, Schema};

use crate::args::CallArgs;
use crate::exit::{self, CliError, Exit};
use crate::globals::Globals;
use crate::output::{self, Format};
use crate::task_wait::TaskWait;
use crate::{actions, pages, registry, task_wait};

/// A schema subcommand: its options make the body.
pub async fn subcommand(
    globals: &Globals,
    action: &Action,
    matches: &ArgMatches,
) -> Result<(), CliError> {
    let body = actions::body_from_matches(action, matches)?;
    let wait = task_wait::requested(matches)?;
    let response = if pages::requested(matches) {
        pages::all_pages(action, body, |page| send(globals, action, page)).await?
    } else {
        send(globals, action, body).await?
    };
    print(
        globals,
        &follow(globals, action, response, wait.as_ref()).await?,
    );
    Ok(())
}

/// `tcredis call NAME --json ...`.
pub async fn call(globals: &Globals, schema: &Schema, args: CallArgs) -> Result<(), CliError> {
    let Some(found) = schema
        .actions
        .iter()
        .find(|a| a.name == args.action || actions::command_name(&a.name) == args.action)
    else {
        let known: Vec<&str> = schema.actions.iter().map(|a| a.name.as_str()).collect();
        return Err(CliError::usage(format!(
            "unknown action {:?}; known actions: {}",
            args.action,
            known.join(", ")
        )));
    };
    if args.wait && !task_wait::starts_task(found) {
        return Err(CliError::usage(format!(
            "--wait: {} starts no task (its response has no TaskId)",
            found.name
        )));
    }
    let body = read_json_arg(&args.json)?;
    actions::validate_body(schema, found, &body)?;
    let response = send(globals, found, body).await?;
    let wait = args.wait.then_some(&args.task_wait);
    print(globals, &follow(globals, found, response, wait).await?);
    Ok(())
}

/// The response, or with `--wait` the response and the task's outcome.
async fn follow(
    globals: &Globals,
    action: &Action,
    response: serde_json::Value,
    wait: Option<&TaskWait>,
) -> Result<serde_json::Value, CliError> {
    match wait {
        Some(wait) => follow_task(globals, action, response, wait).await,
        None => Ok(response),
    }
}

fn print(globals: &Globals, response: &serde_json::Value) {
    match globals.format(Format::Json) {
        Format::Json => print!("{}", output::json(response)),
        Format::Table => print!("{}", output::table(response)),
    }
}

fn read_json_arg(raw: &str) -> Result<serde_json::Value, CliError> {
    let text = if raw == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| CliError::usage(format!("--json -: cannot read stdin: {e}")))?;
        s
    } else if let Some(path) = raw.strip_prefix('@') {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("--json @{path}: cannot read the file: {e}")))?
    } else {
        raw.to_owned()
    };
    serde_json::from_str(&text)
        .map_err(|e| CliError::usage(format!("--json is not valid JSON: {e}")))
}

async fn send(
    globals: &Globals,
    action: &Action,
    body: serde_json::Value,
) -> Result<serde_json::Value, CliError> {
    let client = globals.client()?;
    let options = globals.call_options();
    let send = registry::SendJson {
        client,
        body,
        options,
        profile_hint: globals.profile_hint(),
    };
    let future = registry::visit_action(&action.name, send).ok_or_else(|| {
        CliError::usage(format!(
            "{} is in the schema but this build of tcredis cannot send it yet (no typed request registered)",
            action.name
        ))
    })??;
    future.await
}

/// Waits for the task `response` names and returns the response with `Task` added: the
/// final `Status`, `TaskType`, `StartTime`, `TaskMessage` and `ElapsedSeconds`.
async fn follow_task(
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
    let wait =
        task_wait::wait_options(task_wait, &globals.call_options(), globals.single_attempt());
    let outcome = wait_for_task(&globals.client()?, task_id, wait)
        .await
        .map_err(|e| from_task(&action.name, &e, &globals.profile_hint()))?;
    response["Task"] = json!({
        "Status": outcome.status.as_str(),
        "TaskType": outcome.response.task_type,
        "StartTime": outcome.response.start_time,
        "TaskMessage": outcome.response.task_message,
        "ElapsedSeconds": output::seconds(outcome.elapsed),
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
