//! Calling one API action: a schema subcommand (`tcredis describe-backup-url --instance-id ..`)
//! or `tcredis call NAME --json '{..}'`, checked against the schema, sent through the typed
//! request, printed as JSON or a table.

use clap::ArgMatches;
use tencentcloud_schema::{Action, Schema};

use crate::args::CallArgs;
use crate::exit::CliError;
use crate::globals::Globals;
use crate::output::{self, Format};
use crate::{actions, registry, task_wait};

/// A schema subcommand: its options make the body.
pub async fn subcommand(
    globals: &Globals,
    action: &Action,
    matches: &ArgMatches,
) -> Result<(), CliError> {
    let body = actions::body_from_matches(action, matches)?;
    let wait = task_wait::requested(matches)?;
    let response = send(globals, action, body).await?;
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
    wait: Option<&crate::args::TaskWait>,
) -> Result<serde_json::Value, CliError> {
    match wait {
        Some(wait) => task_wait::follow(globals, action, response, wait).await,
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
