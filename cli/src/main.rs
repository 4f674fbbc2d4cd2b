//! `tcredis`: the command-line tool for the Tencent Cloud Redis API (2018-04-12).

mod actions;
mod backup_cmd;
mod download_cmd;
mod exit;
mod local;
mod output;
mod registry;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use tencentcloud_redis::download::DownloadOptions;
use tencentcloud_transport::credentials::{
    CvmRoleProvider, DefaultCredentialsChain, EnvProvider, ProfileProvider, PROFILE_FILE,
};
use tencentcloud_transport::{CallOptions, Client, Endpoint, Language, RetryPolicy};

use crate::exit::{CliError, Exit, EXIT_CODES_HELP};
use crate::output::Format;

const AFTER_HELP: &str = "\
Credentials come from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (and
TENCENTCLOUD_SESSION_TOKEN), else ~/.tencentcloud/credentials, else
/etc/tencentcloud/credentials (section [default] or TENCENTCLOUD_PROFILE), else the CVM
instance role. --profile NAME reads only that section of ~/.tencentcloud/credentials.

Examples:
  tcredis demo
  tcredis --region ap-guangzhou describe-backup-url --instance-id crs-4y9t57vt --backup-id 678362566696298532848117
  tcredis --region ap-guangzhou call DescribeBackupUrl --json '{\"InstanceId\":\"crs-4y9t57vt\",\"BackupId\":\"678362566696298532848117\"}'
  tcredis --region ap-guangzhou download --instance-id crs-4y9t57vt --backup-id 678362566696298532848117 --out ./backup
  tcredis --region ap-guangzhou backup list --instance-id crs-4y9t57vt
  tcredis --region ap-guangzhou backup create --instance-id crs-4y9t57vt --remark before-upgrade --wait
  tcredis --region ap-guangzhou export --instance-id crs-4y9t57vt --out ./backup
  tcredis emulator --listen 127.0.0.1:9000";

/// Options that apply to every subcommand.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
struct Globals {
    /// Region sent as X-TC-Region, e.g. ap-guangzhou.
    #[arg(
        long,
        global = true,
        env = "TENCENTCLOUD_REGION",
        value_name = "REGION"
    )]
    region: Option<String>,
    // The API endpoint (help text below: rustdoc would flag its bare URLs).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help = "API endpoint URL, e.g. https://redis.tencentcloudapi.com or http://127.0.0.1:9000 \
                (default: https://redis.intl.tencentcloudapi.com)"
    )]
    endpoint: Option<String>,
    /// Section of ~/.tencentcloud/credentials to use (only that file is read then).
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    /// Language of service messages.
    #[arg(long, global = true, value_parser = ["en-US", "zh-CN"], value_name = "LANG")]
    language: Option<String>,
    /// Output format (default: json for API actions, table for download, demo, backup and export).
    #[arg(long, global = true, value_enum)]
    output: Option<Format>,
    /// Make one attempt per call and per file (no retries, no resume, no URL refresh); the
    /// same as --max-attempts 1, and it wins over TCREDIS_MAX_ATTEMPTS.
    #[arg(long, global = true)]
    no_retry: bool,
    /// Attempts per API call and per download file, the first included (1-100; 1 is the same
    /// as --no-retry). Default: 3 per API call, 5 per file. A file's attempts that made
    /// progress (a resumed transfer) do not count.
    #[arg(
        long,
        global = true,
        env = "TCREDIS_MAX_ATTEMPTS",
        value_name = "N",
        value_parser = parse_max_attempts,
        allow_negative_numbers = true
    )]
    max_attempts: Option<u32>,
    /// Log to stderr (-v info, -vv debug, -vvv trace). Signed URLs and secrets are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

/// The subcommands that are not API actions.
#[derive(Debug, Subcommand)]
enum Builtin {
    /// Call any API action with a JSON body, checked against the schema and the typed request.
    Call {
        /// The action's name, e.g. DescribeBackupUrl.
        action: String,
        /// The request parameters as a JSON object (use @FILE to read them from a file, - for stdin).
        #[arg(long, value_name = "JSON", default_value = "{}")]
        json: String,
    },
    /// Download every RDB file of a backup, verified, with resume and retries.
    #[command(
        after_help = "Files are written as NAME.part and renamed to NAME once complete and verified \
(size against FileSize and Content-Length, CRC-64 against x-cos-hash-crc64ecma when sent). \
Complete files are skipped unless --force. Exit code 4, 5 or 6 tells what failed (see tcredis --help)."
    )]
    Download {
        /// Instance ID, e.g. crs-4y9t57vt.
        #[arg(long, value_name = "ID")]
        instance_id: String,
        /// Backup ID, from DescribeInstanceBackups.
        #[arg(long, value_name = "ID")]
        backup_id: String,
        /// Output folder (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Use InnerDownloadUrl (only reachable from inside Tencent Cloud).
        #[arg(long)]
        inner: bool,
        /// Files downloaded at the same time (1-64).
        #[arg(long, value_name = "N", default_value_t = 4,
              value_parser = clap::value_parser!(u16).range(1..=64))]
        parallel: u16,
        /// Download again even if complete files are present; discard partial files.
        #[arg(long)]
        force: bool,
    },
    /// Backups of an instance: list them, or make one and wait for it.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// Make a new backup, wait for it, then download and verify its files: one command.
    #[command(
        after_help = "Steps: DescribeInstanceBackups (the backups known before), \
ManualBackupInstance with the remark (--remark, or \"tcredis export <UTC time>\"), DescribeTaskInfo \
until the task succeeds (progress lines on stderr; --timeout bounds the wait), \
DescribeInstanceBackups again to find the new backup (not known before, same remark, newest), \
then the download of `tcredis download`: DescribeBackupUrl, NAME.part files, size and CRC-64 \
checks, resume, retries. Files of the same name in --out are replaced (the backup is new). \
Exit codes: 1 the API refused or the backup task failed, 7 the task did not finish within \
--timeout, 4/5/6 as for download (see tcredis --help). Nothing is written into --out unless \
the backup was made and found."
    )]
    Export {
        /// Instance ID, e.g. crs-4y9t57vt.
        #[arg(long, value_name = "ID")]
        instance_id: String,
        /// Output folder (created if missing; checked before the backup is started).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Remark stored with the backup (default: "tcredis export" and the UTC time).
        #[arg(long, value_name = "TEXT")]
        remark: Option<String>,
        /// Days the service keeps the backup (0-1825; the service's default, 7, when omitted).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..=1825))]
        storage_days: Option<i64>,
        /// Files downloaded at the same time (1-64).
        #[arg(long, value_name = "N", default_value_t = 4,
              value_parser = clap::value_parser!(u16).range(1..=64))]
        parallel: u16,
        /// Use InnerDownloadUrl (only reachable from inside Tencent Cloud).
        #[arg(long)]
        inner: bool,
        /// Seconds to wait for the backup task before giving up with exit code 7.
        #[arg(long, value_name = "SECS", default_value = "1800", value_parser = backup_cmd::parse_seconds)]
        timeout: Duration,
        /// Seconds before the second DescribeTaskInfo call; later waits grow by half, up to 10 s.
        #[arg(long, value_name = "SECS", default_value = "1", value_parser = backup_cmd::parse_seconds)]
        poll_interval: Duration,
    },
    /// Start the embedded emulator, fetch its demo backup through the real client and verify it.
    Demo {
        /// Where to put the files (default: a new temporary folder, kept).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Files downloaded at the same time (1-64).
        #[arg(long, value_name = "N", default_value_t = 4,
              value_parser = clap::value_parser!(u16).range(1..=64))]
        parallel: u16,
    },
    /// Run the local emulator until interrupted; prints one JSON line (endpoint, credentials, instances).
    Emulator {
        /// Address to listen on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
        listen: std::net::SocketAddr,
        /// Folder for the demo data set's RDB files (default: a temporary folder).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Serve existing RDB files as a backup: INSTANCE:BACKUP:PATH[,PATH...] (repeatable).
        #[arg(long, value_name = "SPEC")]
        backup: Vec<String>,
        /// Accepted SecretId (default: random, shown in the start line).
        #[arg(long, value_name = "ID")]
        secret_id: Option<String>,
        /// Accepted SecretKey (default: random, shown in the start line).
        #[arg(long, value_name = "KEY")]
        secret_key: Option<String>,
        /// Validity of download URLs in seconds (default six hours).
        #[arg(long, value_name = "SECONDS")]
        url_ttl: Option<u64>,
        /// Serve no demo data set.
        #[arg(long)]
        no_demo: bool,
    },
}

/// `tcredis backup ...`.
#[derive(Debug, Subcommand)]
enum BackupCommand {
    /// List an instance's backups (DescribeInstanceBackups), newest first: a table by default,
    /// the API's JSON with --output json.
    List {
        /// Instance ID, e.g. crs-4y9t57vt.
        #[arg(long, value_name = "ID")]
        instance_id: String,
        /// Backups per page (1-100; the service's default, 20, when omitted).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..=100))]
        limit: Option<i64>,
        /// Where the page starts, counted in backups.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
        offset: Option<i64>,
        /// Only backups in this state: 1 or in-progress, 2 or complete (repeatable; the
        /// service lists complete ones when omitted).
        #[arg(long, value_name = "STATUS", value_parser = backup_cmd::parse_status)]
        status: Vec<i64>,
        /// Only backups started at or after this time: "YYYY-MM-DD hh:mm:ss" or YYYY-MM-DD
        /// (the service's time zone; at most 30 days before --end-time).
        #[arg(long, value_name = "TIME", value_parser = backup_cmd::parse_begin_time)]
        begin_time: Option<String>,
        /// Only backups started at or before this time: "YYYY-MM-DD hh:mm:ss" or YYYY-MM-DD
        /// (the whole day).
        #[arg(long, value_name = "TIME", value_parser = backup_cmd::parse_end_time)]
        end_time: Option<String>,
    },
    /// Start a manual backup (ManualBackupInstance) and print its task id; with --wait, follow
    /// the task until it succeeds and print the new backup's id.
    #[command(
        after_help = "Without --wait: prints the ManualBackupInstance answer (TaskId, RequestId). \
With --wait: progress lines on stderr (one per status change), then the task's outcome and the \
new backup's id on stdout; exit 0 when the task succeeded, 1 when it failed (its TaskMessage is \
printed), 7 when it did not finish within --timeout (it may still finish)."
    )]
    Create {
        /// Instance ID, e.g. crs-4y9t57vt.
        #[arg(long, value_name = "ID")]
        instance_id: String,
        /// Remark stored with the backup.
        #[arg(long, value_name = "TEXT")]
        remark: Option<String>,
        /// Days the service keeps the backup (0-1825; the service's default, 7, when omitted).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..=1825))]
        storage_days: Option<i64>,
        /// Wait for the backup task to finish (polls DescribeTaskInfo).
        #[arg(long)]
        wait: bool,
        /// With --wait: seconds to wait before giving up with exit code 7.
        #[arg(long, value_name = "SECS", default_value = "1800", value_parser = backup_cmd::parse_seconds)]
        timeout: Duration,
        /// With --wait: seconds before the second DescribeTaskInfo call; later waits grow by
        /// half, up to 10 s.
        #[arg(long, value_name = "SECS", default_value = "1", value_parser = backup_cmd::parse_seconds)]
        poll_interval: Duration,
    },
}

fn build_command(schema: &tencentcloud_schema::Schema) -> clap::Command {
    #[derive(Parser)]
    #[command(
        name = "tcredis",
        version,
        about = "Tencent Cloud Redis API (2018-04-12) from the command line: call actions, download and verify backups, run a local emulator.",
        after_help = format!("{EXIT_CODES_HELP}\n\n{AFTER_HELP}"),
        subcommand_required = true,
        arg_required_else_help = true
    )]
    struct Root {
        #[command(flatten)]
        globals: Globals,
        #[command(subcommand)]
        builtin: Builtin,
    }
    let mut cmd = Root::command();
    for action in &schema.actions {
        cmd = cmd.subcommand(actions::action_command(action));
    }
    cmd
}

fn init_tracing(verbose: u8) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let level = match verbose {
        0 => return,
        1 => LevelFilter::INFO,
        2 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    // Only this project's crates: HTTP libraries below could log full (signed) URLs.
    let targets = Targets::new()
        .with_target("tcredis", level)
        .with_target("tencentcloud_redis", level)
        .with_target("tencentcloud_transport", level)
        .with_target("tencentcloud_redis_emulator", level)
        .with_default(LevelFilter::WARN);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())),
        )
        .with(targets)
        .try_init();
}

/// Where credentials are looked for, for messages.
fn profile_hint(globals: &Globals) -> String {
    let path = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(|h| PathBuf::from(h).join(PROFILE_FILE).display().to_string())
        .unwrap_or_else(|| format!("~/{PROFILE_FILE}"));
    let section = globals
        .profile
        .clone()
        .or_else(|| std::env::var("TENCENTCLOUD_PROFILE").ok())
        .unwrap_or_else(|| "default".into());
    format!("the [{section}] section of the profile file {path}")
}

/// The largest accepted `--max-attempts`: with the backoff capped at 5 s, the waits between
/// the attempts of one call add up to about eight minutes at most.
const MAX_ATTEMPTS: u32 = 100;

/// `--max-attempts` / `TCREDIS_MAX_ATTEMPTS`.
fn parse_max_attempts(raw: &str) -> Result<u32, String> {
    match raw.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_ATTEMPTS).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a whole number of attempts from 1 to {MAX_ATTEMPTS} \
             (from --max-attempts or TCREDIS_MAX_ATTEMPTS)"
        )),
    }
}

/// `--no-retry` with `--max-attempts N` (N > 1) on the command line contradicts itself; from
/// `TCREDIS_MAX_ATTEMPTS`, the explicit `--no-retry` wins.
fn retry_conflict(matches: &clap::ArgMatches) -> Option<String> {
    let attempts = matches.get_one::<u32>("max_attempts").copied()?;
    let from_command_line =
        matches.value_source("max_attempts") == Some(clap::parser::ValueSource::CommandLine);
    (matches.get_flag("no_retry") && from_command_line && attempts > 1).then(|| {
        format!(
            "the argument '--no-retry' cannot be used with '--max-attempts {attempts}' \
             (--no-retry is --max-attempts 1)"
        )
    })
}

impl Globals {
    /// Attempts per call and per file when the command line or environment sets them.
    fn attempts(&self) -> Option<u32> {
        if self.no_retry {
            Some(1)
        } else {
            self.max_attempts
        }
    }

    /// Whether every call and file gets a single attempt (then polls do not retry either).
    fn single_attempt(&self) -> bool {
        self.attempts() == Some(1)
    }

    /// The retry policy of API calls.
    fn retry_policy(&self) -> RetryPolicy {
        match self.attempts() {
            Some(n) => RetryPolicy::new().with_max_attempts(n),
            None => RetryPolicy::default(),
        }
    }

    /// Options of API calls: their retry budget.
    fn call_options(&self) -> CallOptions {
        CallOptions::new().retry(self.retry_policy())
    }

    /// Download options with the retry budgets of the calls and of each file.
    fn download_options(&self) -> DownloadOptions {
        let options = DownloadOptions::new().call_options(self.call_options());
        match self.attempts() {
            Some(n) => options.retry(RetryPolicy::new().with_max_attempts(n)),
            None => options,
        }
    }
}

fn client(globals: &Globals) -> Result<Client, CliError> {
    let Some(region) = globals.region.clone().filter(|r| !r.is_empty()) else {
        return Err(CliError::new(
            Exit::Config,
            "no region: pass --region REGION or set TENCENTCLOUD_REGION (e.g. ap-guangzhou)",
        ));
    };
    let mut builder = Client::builder()
        .region(region)
        .retry(globals.retry_policy());
    if let Some(endpoint) = &globals.endpoint {
        builder = builder.endpoint(Endpoint::Url(endpoint.clone()));
    }
    if let Some(lang) = &globals.language {
        builder = builder.language(if lang == "zh-CN" {
            Language::ZhCn
        } else {
            Language::EnUs
        });
    }
    builder = match &globals.profile {
        Some(profile) => builder.credentials(ProfileProvider::new().with_profile(profile.clone())),
        None => builder.credentials(DefaultCredentialsChain::with_providers(
            EnvProvider::new(),
            ProfileProvider::new(),
            CvmRoleProvider::new(),
        )),
    };
    builder.build().map_err(|e| {
        CliError::new(
            Exit::Config,
            format!("invalid configuration: {}", exit::chain(&e)),
        )
    })
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

async fn call_action(
    globals: &Globals,
    action: &tencentcloud_schema::Action,
    body: serde_json::Value,
) -> Result<(), CliError> {
    let client = client(globals)?;
    let options = globals.call_options();
    let send = registry::SendJson {
        client,
        body,
        options,
        profile_hint: profile_hint(globals),
    };
    let future = registry::visit_action(&action.name, send).ok_or_else(|| {
        CliError::usage(format!(
            "{} is in the schema but this build of tcredis cannot send it yet (no typed request registered)",
            action.name
        ))
    })??;
    let response = future.await?;
    match globals.output.unwrap_or(Format::Json) {
        Format::Json => print!("{}", output::json(&response)),
        Format::Table => print!("{}", output::table(&response)),
    }
    Ok(())
}

async fn run(
    matches: clap::ArgMatches,
    schema: &'static tencentcloud_schema::Schema,
) -> Result<(), CliError> {
    let globals =
        Globals::from_arg_matches(&matches).map_err(|e| CliError::usage(e.to_string()))?;
    init_tracing(globals.verbose);
    let Some((name, sub)) = matches.subcommand() else {
        return Err(CliError::usage("no subcommand; see tcredis --help"));
    };
    if let Some(action) = schema
        .actions
        .iter()
        .find(|a| actions::command_name(&a.name) == name)
    {
        let body = actions::body_from_matches(action, sub)?;
        return call_action(&globals, action, body).await;
    }
    let builtin =
        Builtin::from_arg_matches(&matches).map_err(|e| CliError::usage(e.to_string()))?;
    match builtin {
        Builtin::Call { action, json } => {
            let Some(found) = schema
                .actions
                .iter()
                .find(|a| a.name == action || actions::command_name(&a.name) == action)
            else {
                let known: Vec<&str> = schema.actions.iter().map(|a| a.name.as_str()).collect();
                return Err(CliError::usage(format!(
                    "unknown action {action:?}; known actions: {}",
                    known.join(", ")
                )));
            };
            let body = read_json_arg(&json)?;
            actions::validate_body(schema, found, &body)?;
            call_action(&globals, found, body).await
        }
        Builtin::Download {
            instance_id,
            backup_id,
            out,
            inner,
            parallel,
            force,
        } => {
            let client = client(&globals)?;
            let options = globals
                .download_options()
                .inner(inner)
                .parallel(usize::from(parallel))
                .force(force);
            let progress = download_cmd::Progress::auto(globals.verbose > 0);
            download_cmd::run(
                &client,
                &instance_id,
                &backup_id,
                &out,
                options,
                &progress,
                globals.output.unwrap_or(Format::Table),
                &profile_hint(&globals),
            )
            .await
            .map(|_| ())
        }
        Builtin::Backup(BackupCommand::List {
            instance_id,
            limit,
            offset,
            status,
            begin_time,
            end_time,
        }) => {
            let client = client(&globals)?;
            backup_cmd::list(
                &client,
                backup_cmd::ListArgs {
                    instance_id,
                    limit,
                    offset,
                    status,
                    begin_time,
                    end_time,
                },
                globals.call_options(),
                globals.output.unwrap_or(Format::Table),
                &profile_hint(&globals),
            )
            .await
        }
        Builtin::Backup(BackupCommand::Create {
            instance_id,
            remark,
            storage_days,
            wait,
            timeout,
            poll_interval,
        }) => {
            let client = client(&globals)?;
            backup_cmd::create(
                &client,
                backup_cmd::CreateArgs {
                    instance_id,
                    remark,
                    storage_days,
                    wait,
                    timeout,
                    poll_interval,
                },
                globals.call_options(),
                globals.single_attempt(),
                globals.output.unwrap_or(Format::Table),
                &profile_hint(&globals),
            )
            .await
        }
        Builtin::Export {
            instance_id,
            out,
            remark,
            storage_days,
            parallel,
            inner,
            timeout,
            poll_interval,
        } => {
            let client = client(&globals)?;
            backup_cmd::export(
                &client,
                backup_cmd::ExportArgs {
                    instance_id,
                    out,
                    remark,
                    storage_days,
                    parallel: usize::from(parallel),
                    inner,
                    timeout,
                    poll_interval,
                },
                globals.call_options(),
                globals.download_options(),
                globals.single_attempt(),
                &download_cmd::Progress::auto(globals.verbose > 0),
                globals.output.unwrap_or(Format::Table),
                &profile_hint(&globals),
            )
            .await
        }
        Builtin::Demo { out, parallel } => {
            local::demo(
                out,
                usize::from(parallel),
                globals.output.unwrap_or(Format::Table),
                globals.verbose > 0,
            )
            .await
        }
        Builtin::Emulator {
            listen,
            data,
            backup,
            secret_id,
            secret_key,
            url_ttl,
            no_demo,
        } => {
            local::emulator(local::EmulatorArgs {
                listen,
                data,
                backup,
                secret_id,
                secret_key,
                url_ttl,
                no_demo,
            })
            .await
        }
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
    let mut command = build_command(schema);
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
    if let Some(conflict) = retry_conflict(&matches) {
        let _ = command
            .error(clap::error::ErrorKind::ArgumentConflict, conflict)
            .print();
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
    let result = runtime.block_on(run(matches, schema));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcredis: error: {e}");
            e.code()
        }
    }
}
