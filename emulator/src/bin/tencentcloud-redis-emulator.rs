//! Runs the Tencent Cloud Redis API emulator: prints one JSON line describing it to stdout,
//! then serves until interrupted (SIGINT/SIGTERM). The options are the library's
//! [`EmulatorArgs`], the same as `tcredis emulator`'s.

use std::process::ExitCode;

use clap::Parser;
use tencentcloud_redis_emulator::cli::{serve_until_stopped, EmulatorArgs};

/// A local emulator of the Tencent Cloud Redis API (2018-04-12). Prints one JSON line
/// (endpoint, region, credentials, instances and backups) to stdout, then serves until
/// interrupted.
#[derive(Parser)]
#[command(name = "tencentcloud-redis-emulator", version)]
struct Cli {
    #[command(flatten)]
    args: EmulatorArgs,
}

fn main() -> ExitCode {
    // Usage errors exit 2 (clap's own), --help and --version 0.
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve_until_stopped(cli.args.builder())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
