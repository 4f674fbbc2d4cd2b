//! One subcommand per API action, built at run time from the schema embedded in the
//! `tencentcloud-redis` crate: options, types, required flags, enum values and help text all
//! come from the schema, so a new action file in `schema/` shows up here with no code change.
//! The same metadata validates `tcredis call ACTION --json '{...}'`.

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Map, Value};
use tencentcloud_schema::names::kebab_case;
use tencentcloud_schema::request::{self, ViolationKind};
use tencentcloud_schema::{Action, BaseType, Member, Schema};

use crate::exit::{CliError, Exit};

/// The schema the library was generated from.
pub fn load_schema() -> Result<&'static Schema, CliError> {
    tencentcloud_redis::schema::load().map_err(|e| {
        CliError::new(
            Exit::Config,
            format!("the embedded API schema does not load (a build problem): {e}"),
        )
    })
}

/// `DescribeBackupUrl` → `describe-backup-url`.
pub fn command_name(action: &str) -> String {
    kebab_case(action)
}

fn value_name(member: &Member) -> &'static str {
    match &member.ty.base {
        BaseType::String if !member.values.is_empty() => "VALUE",
        BaseType::String => "STRING",
        BaseType::Integer(_) => "INT",
        BaseType::Boolean => "BOOL",
        BaseType::Float => "NUMBER",
        BaseType::Named(_) => "JSON",
    }
}

fn member_help(member: &Member) -> String {
    let mut help = member.description.trim().to_owned();
    if help.is_empty() {
        help = "(no description written yet)".into();
    }
    let mut facts = vec![format!("{} `{}`", member.ty.doc_name(), member.name)];
    if member.ty.array {
        facts.push("repeat the option for several values".into());
    }
    if let BaseType::Named(name) = &member.ty.base {
        facts.push(format!("a JSON object of type {name}"));
    }
    if let Some(unit) = &member.unit {
        facts.push(format!("unit: {unit}"));
    }
    if let Some(default) = &member.default {
        facts.push(format!("default: {default}"));
    }
    if member.deprecated {
        facts.push("deprecated".into());
    }
    format!("{help} [{}]", facts.join("; "))
}

fn member_arg(member: &Member) -> Arg {
    let long = kebab_case(&member.name);
    let mut arg = Arg::new(member.name.clone())
        .long(long)
        .value_name(value_name(member))
        .help(member_help(member))
        .required(member.required);
    arg = if member.ty.array {
        arg.action(ArgAction::Append)
    } else {
        arg.action(ArgAction::Set)
    };
    match &member.ty.base {
        BaseType::String if !member.values.is_empty() => {
            let values: Vec<PossibleValue> = member
                .values
                .iter()
                .map(|v| PossibleValue::new(v.value.clone()).help(v.description.clone()))
                .collect();
            arg.value_parser(PossibleValuesParser::new(values))
        }
        BaseType::Integer(int) if int.unsigned => arg.value_parser(clap::value_parser!(u64)),
        BaseType::Integer(_) => arg.value_parser(clap::value_parser!(i64)),
        BaseType::Float => arg.value_parser(clap::value_parser!(f64)),
        BaseType::Boolean => arg.value_parser(PossibleValuesParser::new(["true", "false"])),
        _ => arg,
    }
}

/// The subcommand of one action.
pub fn action_command(action: &Action) -> Command {
    let mut about = action.description.trim().to_owned();
    if about.is_empty() {
        about = format!("Calls {}.", action.name);
    }
    let mut long_about = format!(
        "{about}\n\nAPI action {} (POST, X-TC-Action: {}).",
        action.name, action.name
    );
    if let Some(limit) = action.rate_limit_per_second {
        long_about.push_str(&format!(" Documented limit: {limit} requests per second."));
    }
    long_about.push_str(
        "\n\nPrints the response as JSON with the API's field names (or a table with --output table).",
    );
    let mut cmd = Command::new(command_name(&action.name))
        .about(about)
        .long_about(long_about);
    for member in &action.input {
        cmd = cmd.arg(member_arg(member));
    }
    if crate::task_wait::starts_task(action) {
        cmd = crate::task_wait::augment(cmd);
    }
    crate::pages::augment(cmd, action)
}

/// The request body from a subcommand's options, in schema order.
pub fn body_from_matches(action: &Action, matches: &ArgMatches) -> Result<Value, CliError> {
    let mut body = Map::new();
    for member in &action.input {
        let id = member.name.as_str();
        let flag = format!("--{}", kebab_case(&member.name));
        let convert = |raw: Value| -> Result<Value, CliError> {
            Ok(match (&member.ty.base, raw) {
                (BaseType::Boolean, Value::String(s)) => Value::Bool(s == "true"),
                (BaseType::Named(ty), Value::String(s)) => {
                    let v: Value = serde_json::from_str(&s).map_err(|e| {
                        CliError::usage(format!(
                            "{flag}: not valid JSON ({e}); expected a JSON object of type {ty}"
                        ))
                    })?;
                    v
                }
                (_, other) => other,
            })
        };
        let values: Vec<Value> = match &member.ty.base {
            BaseType::Integer(int) if int.unsigned => matches
                .get_many::<u64>(id)
                .map(|vs| vs.map(|v| Value::from(*v)).collect())
                .unwrap_or_default(),
            BaseType::Integer(_) => matches
                .get_many::<i64>(id)
                .map(|vs| vs.map(|v| Value::from(*v)).collect())
                .unwrap_or_default(),
            BaseType::Float => matches
                .get_many::<f64>(id)
                .map(|vs| vs.map(|v| Value::from(*v)).collect())
                .unwrap_or_default(),
            _ => matches
                .get_many::<String>(id)
                .map(|vs| vs.map(|v| Value::String(v.clone())).collect())
                .unwrap_or_default(),
        };
        if values.is_empty() {
            continue;
        }
        let mut converted = Vec::with_capacity(values.len());
        for v in values {
            converted.push(convert(v)?);
        }
        let value = if member.ty.array {
            // A JSON array given to an array-of-objects option is spread.
            let mut items = Vec::new();
            for v in converted {
                match v {
                    Value::Array(inner) if matches!(member.ty.base, BaseType::Named(_)) => {
                        items.extend(inner)
                    }
                    other => items.push(other),
                }
            }
            Value::Array(items)
        } else {
            converted.into_iter().next().unwrap_or(Value::Null)
        };
        body.insert(member.name.clone(), value);
    }
    Ok(Value::Object(body))
}

/// Checks a `--json` body against the schema (the rules the emulator applies too): known
/// parameters, required ones present, JSON types, enum values, integer ranges. Messages name
/// the parameter path and what is accepted.
pub fn validate_body(schema: &Schema, action: &Action, body: &Value) -> Result<(), CliError> {
    request::check(schema, action, body).map_err(|v| match v.kind {
        ViolationKind::NotAnObject { found } => CliError::usage(format!(
            "--json: expected a JSON object with the parameters of {}, got {found}",
            action.name
        )),
        _ => CliError::usage(format!("{v} ({})", action.name)),
    })
}
