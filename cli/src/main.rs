//! `tcredis`: the command-line tool for the Tencent Cloud Redis API (2018-04-12).

mod actions;
mod args;
mod backup_cmd;
mod call_cmd;
mod credentials;
mod download_cmd;
mod exit;
mod globals;
mod local;
mod output;
mod pages;
mod parse;
mod progress;
mod registry;
mod task_wait;

use std::process::ExitCode;

use clap::FromArgMatches;

use crate::args::{BackupCommand, Builtin};
use crate::exit::{CliError, Exit};
use crate::globals::Globals;

async fn run(
    matches: clap::ArgMatches,
    schema: &'static tencentcloud_schema::Schema,
) -> Result<(), CliError> {
    let globals =
        Globals::from_arg_matches(&matches).map_err(|e| CliError::usage(e.to_string()))?;
    globals::init_tracing(globals.verbose);
    let Some((name, sub)) = matches.subcommand() else {
        return Err(CliError::usage("no subcommand; see tcredis --help"));
    };
    if let Some(action) = schema
        .actions
        .iter()
        .find(|a| actions::command_name(&a.name) == name)
    {
        return call_cmd::subcommand(&globals, action, sub).await;
    }
    match Builtin::from_arg_matches(&matches).map_err(|e| CliError::usage(e.to_string()))? {
        Builtin::Call(args) => call_cmd::call(&globals, schema, args).await,
        Builtin::Download(args) => download_cmd::download(&globals, args).await,
        Builtin::Backup(BackupCommand::List(args)) => backup_cmd::list(&globals, args).await,
        Builtin::Backup(BackupCommand::Create(args)) => backup_cmd::create(&globals, args).await,
        Builtin::Export(args) => backup_cmd::export(&globals, args).await,
        Builtin::Demo(args) => local::demo(&globals, args).await,
        Builtin::Emulator(args) => local::emulator(&args).await,
    }
}

fn main() -> ExitCode {
    let schema = match actions::load_schema() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tcredis: {e}");
            return e.code();
        }
    };
    let mut command = args::command(schema);
    let matches = match command.try_get_matches_from_mut(std::env::args_os()) {
        Ok(m) => m,
        Err(e) => {
            // --help and --version print to stdout and succeed; real errors exit 2.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(Exit::Usage as u8)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let conflict = args::retry_conflict(&matches)
        .map(|c| (clap::error::ErrorKind::ArgumentConflict, c))
        .or_else(|| {
            args::role_without_arn(&matches)
                .map(|c| (clap::error::ErrorKind::MissingRequiredArgument, c))
        });
    if let Some((kind, message)) = conflict {
        let _ = command.error(kind, message).print();
        return ExitCode::from(Exit::Usage as u8);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tcredis: cannot start the async runtime: {e}");
            return ExitCode::from(Exit::LocalIo as u8);
        }
    };
    match runtime.block_on(run(matches, schema)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcredis: error: {e}");
            e.code()
        }
    }
}
