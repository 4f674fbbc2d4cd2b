//! `--all` on a listing's subcommand: every page from the given `Offset`, printed as one
//! response whose item list holds every item (the paging rule is the schema crate's
//! [`pagination`]).

use std::future::Future;

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::Value;
use tencentcloud_schema::names::kebab_case;
use tencentcloud_schema::pagination::{pagination, Pagination};
use tencentcloud_schema::Action;

use crate::exit::{CliError, Exit};

/// `--all`, for an action that pages.
pub fn augment(cmd: Command, action: &Action) -> Command {
    match pagination(action) {
        Some(p) => cmd.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help(format!(
                    "Fetch every page from --{} on and print all {} in one answer",
                    kebab_case(&p.offset.name),
                    p.items.name
                )),
        ),
        None => cmd,
    }
}

/// Whether `--all` was given.
pub fn requested(matches: &ArgMatches) -> bool {
    matches
        .try_get_one::<bool>("all")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
}

/// Calls `send` page after page and returns the first page's answer with every page's items
/// in its list (and the last page's RequestId). Stops after the page that reaches the
/// total, or at an empty page.
pub async fn all_pages<F, Fut>(
    action: &Action,
    mut body: Value,
    mut send: F,
) -> Result<Value, CliError>
where
    F: FnMut(Value) -> Fut,
    Fut: Future<Output = Result<Value, CliError>>,
{
    let Some(Pagination {
        offset,
        total,
        items,
        ..
    }) = pagination(action)
    else {
        return send(body).await;
    };
    let mut next = body.get(&offset.name).and_then(Value::as_u64).unwrap_or(0);
    let mut combined: Option<Value> = None;
    let mut all = Vec::new();
    loop {
        body[&offset.name] = Value::from(next);
        let mut page = send(body.clone()).await?;
        let listed = match page.get_mut(&items.name).map(Value::take) {
            Some(Value::Array(list)) => list,
            Some(Value::Null) | None => Vec::new(),
            Some(other) => {
                return Err(CliError::new(
                    Exit::Service,
                    format!("{}: {} is not a list: {other}", action.name, items.name),
                ))
            }
        };
        let count = listed.len() as u64;
        all.extend(listed);
        next = next.saturating_add(count);
        let matching = page.get(&total.name).and_then(Value::as_u64);
        let request_id = page.get("RequestId").cloned();
        let first = combined.get_or_insert(page);
        if let Some(id) = request_id {
            first["RequestId"] = id;
        }
        if count == 0 || matching.is_none_or(|t| next >= t) {
            break;
        }
    }
    let mut answer = combined.unwrap_or_default();
    answer[&items.name] = Value::Array(all);
    Ok(answer)
}
