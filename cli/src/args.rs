//! The shape of the command line: the global options, the built-in subcommands and their
//! options (clap derive), and the root command with one subcommand per API action added from
//! the schema at run time (see [`crate::actions`]).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, CommandFactory, Parser, Subcommand};
use tencentcloud_redis_emulator::cli::EmulatorArgs;
use tencentcloud_schema::Schema;

use crate::exit::EXIT_CODES_HELP;
use crate::output::Format;
use crate::task_wait::TaskWait;
use crate::{actions, parse};

const AFTER_HELP: &str = "\
Credentials come from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (and
TENCENTCLOUD_SESSION_TOKEN), else ~/.tencentcloud/credentials, else
/etc/tencentcloud/credentials (section [default] or TENCENTCLOUD_PROFILE; a section with
role_arn assumes that role), else the CVM instance role, else a TKE pod's web identity
(TKE_REGION, TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE, TKE_ROLE_ARN). --profile NAME
reads only that section of ~/.tencentcloud/credentials. --role-arn ARN then assumes a role
with the keys found; -v names where the keys came from.

Examples:
  tcredis demo
  tcredis --region ap-guangzhou describe-backup-url --instance-id crs-4y9t57vt --backup-id 678362566696298532848117
  tcredis --region ap-guangzhou call DescribeBackupUrl --json '{\"InstanceId\":\"crs-4y9t57vt\",\"BackupId\":\"678362566696298532848117\"}'
  tcredis --region ap-guangzhou download --instance-id crs-4y9t57vt --backup-id 678362566696298532848117 --out ./backup
  tcredis --region ap-guangzhou backup list --instance-id crs-4y9t57vt
  tcredis --region ap-guangzhou backup create --instance-id crs-4y9t57vt --remark before-upgrade --wait
  tcredis --region ap-guangzhou export --instance-id crs-4y9t57vt --out ./backup
  tcredis --region ap-guangzhou --role-arn qcs::cam::uin/100000000001:roleName/backup-reader backup list --instance-id crs-4y9t57vt
  tcredis emulator --listen 127.0.0.1:9000";

/// The largest accepted `--max-attempts`: with the backoff capped at 5 s, the waits between
/// the attempts of one call add up to about eight minutes at most.
const MAX_ATTEMPTS: u32 = 100;

/// Options that apply to every subcommand.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Globals {
    /// Region sent as X-TC-Region, e.g. ap-guangzhou.
    #[arg(
        long,
        global = true,
        env = "TENCENTCLOUD_REGION",
        value_name = "REGION"
    )]
    pub region: Option<String>,
    // The API endpoint (help text below: rustdoc would flag its bare URLs).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help = "API endpoint URL, e.g. https://redis.tencentcloudapi.com or http://127.0.0.1:9000 \
                (default: https://redis.intl.tencentcloudapi.com)"
    )]
    pub endpoint: Option<String>,
    /// Section of ~/.tencentcloud/credentials to use (only that file is read then).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Language of service messages.
    #[arg(long, global = true, value_parser = ["en-US", "zh-CN"], value_name = "LANG")]
    pub language: Option<String>,
    /// Output format (default: json for API actions, table for download, demo, backup and export).
    #[arg(long, global = true, value_enum)]
    pub output: Option<Format>,
    /// Make one attempt per call and per file (no retries, no resume, no URL refresh); the
    /// same as --max-attempts 1, and it wins over TCREDIS_MAX_ATTEMPTS.
    #[arg(long, global = true)]
    pub no_retry: bool,
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
    pub max_attempts: Option<u32>,
    /// Log to stderr (-v info, -vv debug, -vvv trace). Signed URLs and secrets are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(flatten)]
    pub role: RoleArgs,
}

/// The role every command may assume (STS `AssumeRole`) with the keys the chain found.
#[derive(Debug, Args)]
#[command(next_help_heading = "Role options")]
pub struct RoleArgs {
    /// Assume this CAM role with the keys found (STS AssumeRole), e.g.
    /// qcs::cam::uin/100000000001:roleName/backup-reader.
    #[arg(long, global = true, env = "TENCENTCLOUD_ROLE_ARN", value_name = "ARN")]
    pub role_arn: Option<String>,
    /// RoleSessionName of the assumed role (2-128 of A-Z a-z 0-9 _+=,.@-; default
    /// tencentcloud-rust- followed by the Unix time in milliseconds). Needs --role-arn.
    #[arg(
        long,
        global = true,
        env = "TENCENTCLOUD_ROLE_SESSION_NAME",
        value_name = "NAME"
    )]
    pub role_session_name: Option<String>,
    /// How long the role's temporary keys last, in whole seconds (1-43200; default 7200);
    /// they are refreshed before they expire. Needs --role-arn.
    #[arg(
        long,
        global = true,
        env = "TENCENTCLOUD_ROLE_DURATION",
        value_name = "SECONDS",
        value_parser = parse::parse_role_duration
    )]
    pub role_duration: Option<Duration>,
    // The STS endpoint (help text below: rustdoc would flag its bare URLs).
    #[arg(
        long,
        global = true,
        env = "TENCENTCLOUD_STS_ENDPOINT",
        value_name = "URL",
        help = "STS endpoint URL the role is assumed at, e.g. https://sts.intl.tencentcloudapi.com \
                or an emulator's http://127.0.0.1:9000 (default: https://sts.tencentcloudapi.com)"
    )]
    pub sts_endpoint: Option<String>,
}

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

/// `--role-session-name` or `--role-duration` on the command line without a role to apply
/// them to (from the environment alone they are ignored: a shell may set them for every
/// command).
pub fn role_without_arn(matches: &clap::ArgMatches) -> Option<String> {
    if matches.get_one::<String>("role_arn").is_some() {
        return None;
    }
    ["role_session_name", "role_duration"]
        .into_iter()
        .find(|id| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
        .map(|id| {
            format!(
                "the argument '--{}' needs a role: pass --role-arn ARN or set TENCENTCLOUD_ROLE_ARN",
                id.replace('_', "-")
            )
        })
}

/// `--no-retry` with `--max-attempts N` (N > 1) on the command line contradicts itself; from
/// `TCREDIS_MAX_ATTEMPTS`, the explicit `--no-retry` wins.
pub fn retry_conflict(matches: &clap::ArgMatches) -> Option<String> {
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

/// The subcommands that are not API actions.
#[derive(Debug, Subcommand)]
pub enum Builtin {
    /// Call any API action with a JSON body, checked against the schema and the typed request.
    Call(CallArgs),
    /// Download every RDB file of a backup, verified, with resume and retries.
    #[command(
        after_help = "Files are written as NAME.part and renamed to NAME once complete and verified \
(size against FileSize and Content-Length, CRC-64 against x-cos-hash-crc64ecma when sent). \
Complete files are skipped unless --force. Exit code 4, 5 or 6 tells what failed (see tcredis --help)."
    )]
    Download(DownloadArgs),
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
    Export(ExportArgs),
    /// Start the embedded emulator, fetch its demo backup through the real client and verify it.
    Demo(DemoArgs),
    /// Run the local emulator until interrupted; prints one JSON line (endpoint, credentials, instances).
    // Boxed: its many options make it much larger than the other variants.
    Emulator(Box<EmulatorArgs>),
}

/// `tcredis call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// The action's name, e.g. DescribeBackupUrl.
    pub action: String,
    /// The request parameters as a JSON object (use @FILE to read them from a file, - for stdin).
    #[arg(long, value_name = "JSON", default_value = "{}")]
    pub json: String,
    /// Follow the task the action starts (its TaskId) until it succeeds; exit 7 on --timeout.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: how long to wait and how often to ask.
    #[command(flatten)]
    pub task_wait: TaskWait,
}

/// How many files are downloaded at the same time (`--parallel`).
#[derive(Debug, Clone, Copy, Args)]
pub struct Parallel {
    /// Files downloaded at the same time (1-64).
    #[arg(long = "parallel", value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub files: u16,
}

/// `tcredis download`.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Instance ID, e.g. crs-4y9t57vt.
    #[arg(long, value_name = "ID")]
    pub instance_id: String,
    /// Backup ID, from DescribeInstanceBackups.
    #[arg(long, value_name = "ID")]
    pub backup_id: String,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Use InnerDownloadUrl (only reachable from inside Tencent Cloud).
    #[arg(long)]
    pub inner: bool,
    #[command(flatten)]
    pub parallel: Parallel,
    /// Download again even if complete files are present; discard partial files.
    #[arg(long)]
    pub force: bool,
}

/// The backup a command makes: its remark and how long the service keeps it.
#[derive(Debug, Clone, Args)]
pub struct NewBackup {
    /// Instance ID, e.g. crs-4y9t57vt.
    #[arg(long, value_name = "ID")]
    pub instance_id: String,
    /// Remark stored with the backup.
    #[arg(long, value_name = "TEXT")]
    pub remark: Option<String>,
    /// Days the service keeps the backup (0-1825; the service's default, 7, when omitted).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..=1825))]
    pub storage_days: Option<i64>,
}

/// `tcredis export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub backup: NewBackup,
    /// Output folder (created if missing; checked before the backup is started).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub parallel: Parallel,
    /// Use InnerDownloadUrl (only reachable from inside Tencent Cloud).
    #[arg(long)]
    pub inner: bool,
    #[command(flatten)]
    pub wait: TaskWait,
}

/// `tcredis demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to put the files (default: a new temporary folder, kept).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub parallel: Parallel,
}

/// `tcredis backup ...`.
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// List an instance's backups (DescribeInstanceBackups), newest first: a table by default,
    /// the API's JSON with --output json.
    List(ListArgs),
    /// Start a manual backup (ManualBackupInstance) and print its task id; with --wait, follow
    /// the task until it succeeds and print the new backup's id.
    #[command(
        after_help = "Without --wait: prints the ManualBackupInstance answer (TaskId, RequestId). \
With --wait: progress lines on stderr (one per status change), then the task's outcome and the \
new backup's id on stdout; exit 0 when the task succeeded, 1 when it failed (its TaskMessage is \
printed), 7 when it did not finish within --timeout (it may still finish)."
    )]
    Create(CreateArgs),
}

/// `tcredis backup list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Instance ID, e.g. crs-4y9t57vt.
    #[arg(long, value_name = "ID")]
    pub instance_id: String,
    /// Backups per page (1-100; the service's default, 20, when omitted).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..=100))]
    pub limit: Option<i64>,
    /// Where the page starts, counted in backups.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    pub offset: Option<i64>,
    /// Only backups in this state: 1 or in-progress, 2 or complete (repeatable; the
    /// service lists complete ones when omitted).
    #[arg(long, value_name = "STATUS", value_parser = parse::parse_status)]
    pub status: Vec<i64>,
    /// Only backups started at or after this time: "YYYY-MM-DD hh:mm:ss" or YYYY-MM-DD
    /// (the service's time zone; at most 30 days before --end-time).
    #[arg(long, value_name = "TIME", value_parser = parse::parse_begin_time)]
    pub begin_time: Option<String>,
    /// Only backups started at or before this time: "YYYY-MM-DD hh:mm:ss" or YYYY-MM-DD
    /// (the whole day).
    #[arg(long, value_name = "TIME", value_parser = parse::parse_end_time)]
    pub end_time: Option<String>,
}

/// `tcredis backup create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub backup: NewBackup,
    /// Wait for the backup task to finish (polls DescribeTaskInfo).
    #[arg(long)]
    pub wait: bool,
    /// With --wait: how long to wait and how often to ask.
    #[command(flatten)]
    pub task_wait: TaskWait,
}

/// The root command: the global options, the built-in subcommands, and one subcommand per
/// action of `schema`.
pub fn command(schema: &Schema) -> clap::Command {
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
