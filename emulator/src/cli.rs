//! The emulator's command-line options, one parser for both front ends: the
//! `tencentcloud-redis-emulator` binary and `tcredis emulator` flatten [`EmulatorArgs`], so
//! every option is in both `--help`s. Enabled by the `cli` feature (on by default).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::builder::{Emulator, EmulatorBuilder};
use crate::demo::DemoData;
use crate::error::StartError;
use crate::faults::Faults;

/// Every option of a standalone emulator.
#[derive(Debug, Clone, Args)]
pub struct EmulatorArgs {
    /// Address to listen on (a free port with :0).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Folder for the RDB files of the demo data set and of manual backups (default: a
    /// temporary folder, removed at exit).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Region the instances live in.
    #[arg(long, value_name = "REGION", default_value = "ap-guangzhou")]
    pub region: String,
    /// Accepted SecretId (default: random, shown in the start line).
    #[arg(long, value_name = "ID")]
    pub secret_id: Option<String>,
    /// Accepted SecretKey (default: random, shown in the start line).
    #[arg(long, value_name = "KEY")]
    pub secret_key: Option<String>,
    /// Session token (X-TC-Token) required with the accepted key pair.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// A role STS lets callers assume (repeatable; default
    /// qcs::cam::uin/100000000001:roleName/tencentcloud-redis-emulator).
    #[arg(long = "role", value_name = "ROLE_ARN", help_heading = "STS")]
    pub roles: Vec<String>,
    /// A file holding an OIDC token that AssumeRoleWithWebIdentity accepts, read on every call
    /// (repeatable).
    #[arg(
        long = "web-identity-token-file",
        value_name = "FILE",
        help_heading = "STS"
    )]
    pub web_identity_token_files: Vec<PathBuf>,
    /// The longest the temporary keys STS issues last, in seconds (default: as asked).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..), help_heading = "STS")]
    pub sts_lifetime: Option<u64>,
    /// Validity of download URLs, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 6 * 3600)]
    pub url_ttl: u64,
    /// How long a manual backup's task takes at least (ManualBackupInstance), in
    /// milliseconds; 0 completes it as soon as its files are written.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub backup_task_ms: u64,
    /// Number of shard files of the demo backup (default: the doc example's 5).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..), conflicts_with = "no_demo")]
    pub demo_files: Option<u16>,
    /// Size of every demo shard file, in bytes (default: the doc example's sizes, about
    /// 1.2 MiB each).
    #[arg(long, value_name = "BYTES", conflicts_with = "no_demo")]
    pub demo_file_size: Option<u64>,
    /// Serve no demo data set.
    #[arg(long)]
    pub no_demo: bool,
    /// Also serve existing RDB files (e.g. a dump.rdb) as a backup (repeatable).
    #[arg(long, value_name = "INSTANCE:BACKUP:PATH[,PATH...]", value_parser = parse_backup)]
    pub backup: Vec<FileBackup>,
    /// Do not enforce the documented per-action rate limits.
    #[arg(long)]
    pub no_rate_limit: bool,
    /// Largest accepted request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_body_bytes: u64,
    /// Seed of the fault generator (the same seed gives the same faults).
    #[arg(long, value_name = "N", help_heading = "Faults")]
    pub fault_seed: Option<u64>,
    /// Probability of a RequestLimitExceeded answer per API call.
    #[arg(long, value_name = "P", value_parser = parse_probability, help_heading = "Faults")]
    pub fault_request_limit: Option<f64>,
    /// Probability of an InternalError answer per API call.
    #[arg(long, value_name = "P", value_parser = parse_probability, help_heading = "Faults")]
    pub fault_internal_error: Option<f64>,
    /// Probability of an HTTP 503 per call or download.
    #[arg(long = "fault-5xx", value_name = "P", value_parser = parse_probability, help_heading = "Faults")]
    pub fault_5xx: Option<f64>,
    /// Probability of a connection reset per call or download.
    #[arg(long, value_name = "P", value_parser = parse_probability, help_heading = "Faults")]
    pub fault_reset: Option<f64>,
    /// Latency added to every call and download, in milliseconds.
    #[arg(long, value_name = "MS", help_heading = "Faults")]
    pub fault_latency_ms: Option<u64>,
    /// Cut download responses after this many body bytes.
    #[arg(long, value_name = "BYTES", help_heading = "Faults")]
    pub fault_cut_after: Option<u64>,
    /// Cut only the first N download responses.
    #[arg(long, value_name = "N", help_heading = "Faults")]
    pub fault_cut_times: Option<u32>,
}

/// A backup made of existing files: `INSTANCE:BACKUP:PATH[,PATH...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileBackup {
    /// The instance it belongs to.
    pub instance_id: String,
    /// Its BackupId.
    pub backup_id: String,
    /// Its files, served in place under their base names.
    pub paths: Vec<PathBuf>,
}

fn parse_backup(raw: &str) -> Result<FileBackup, String> {
    let mut parts = raw.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(instance), Some(backup), Some(paths))
            if !instance.is_empty()
                && !backup.is_empty()
                && paths.split(',').all(|p| !p.is_empty()) =>
        {
            Ok(FileBackup {
                instance_id: instance.to_owned(),
                backup_id: backup.to_owned(),
                paths: paths.split(',').map(PathBuf::from).collect(),
            })
        }
        _ => Err(format!(
            "`{raw}` is not INSTANCE:BACKUP:PATH[,PATH...] (e.g. crs-1:backup-1:dump.rdb)"
        )),
    }
}

fn parse_probability(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "`{raw}` is not a probability; expected a number from 0 to 1"
        )),
    }
}

impl EmulatorArgs {
    /// The emulator these options describe.
    pub fn builder(&self) -> EmulatorBuilder {
        let mut builder = Emulator::builder()
            .listen(self.listen)
            .region(self.region.clone())
            .url_ttl(Duration::from_secs(self.url_ttl))
            .backup_task_duration(Duration::from_millis(self.backup_task_ms))
            .rate_limit(!self.no_rate_limit)
            .max_body_bytes(self.max_body_bytes)
            .faults(self.faults());
        if let Some(dir) = &self.data {
            builder = builder.data_dir(dir);
        }
        if let Some(id) = &self.secret_id {
            builder = builder.secret_id(id);
        }
        if let Some(key) = &self.secret_key {
            builder = builder.secret_key(key);
        }
        if let Some(token) = &self.token {
            builder = builder.token(token);
        }
        for role in &self.roles {
            builder = builder.role(role);
        }
        for file in &self.web_identity_token_files {
            builder = builder.web_identity_token_file(file);
        }
        if let Some(secs) = self.sts_lifetime {
            builder = builder.sts_credentials_lifetime(Duration::from_secs(secs));
        }
        builder = match self.demo() {
            Some(demo) => builder.demo(demo),
            None => builder.no_demo(),
        };
        for backup in &self.backup {
            builder =
                builder.backup_from_files(&backup.instance_id, &backup.backup_id, &backup.paths);
        }
        builder
    }

    fn demo(&self) -> Option<DemoData> {
        if self.no_demo {
            return None;
        }
        let mut demo = DemoData::default();
        let count = self.demo_files.map_or(demo.file_sizes.len(), usize::from);
        demo.file_sizes = match self.demo_file_size {
            Some(size) => vec![size; count],
            None => demo
                .file_sizes
                .iter()
                .copied()
                .cycle()
                .take(count)
                .collect(),
        };
        Some(demo)
    }

    fn faults(&self) -> Faults {
        let mut faults = Faults::none();
        if let Some(seed) = self.fault_seed {
            faults = faults.seed(seed);
        }
        if let Some(p) = self.fault_request_limit {
            faults = faults.request_limit_exceeded(p);
        }
        if let Some(p) = self.fault_internal_error {
            faults = faults.internal_error(p);
        }
        if let Some(p) = self.fault_5xx {
            faults = faults.http_5xx(p);
        }
        if let Some(p) = self.fault_reset {
            faults = faults.connection_reset(p);
        }
        if let Some(ms) = self.fault_latency_ms {
            faults = faults.latency(Duration::from_millis(ms));
        }
        if let Some(bytes) = self.fault_cut_after {
            faults = faults.cut_download_after(bytes);
        }
        if let Some(times) = self.fault_cut_times {
            faults = faults.cut_download_times(times);
        }
        faults
    }
}

/// Starts the emulator, prints its start line (one JSON object) to stdout, and serves until
/// SIGINT or SIGTERM.
pub async fn serve_until_stopped(builder: EmulatorBuilder) -> Result<(), StartError> {
    use std::io::Write as _;

    let emulator = builder.start().await?;
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{}", emulator.start_line());
        let _ = stdout.flush();
    }
    stop_signal().await;
    emulator.shutdown().await;
    Ok(())
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: EmulatorArgs,
    }

    fn parse(args: &[&str]) -> Result<EmulatorArgs, String> {
        Cli::try_parse_from(std::iter::once("emulator").chain(args.iter().copied()))
            .map(|c| c.args)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn backups_and_probabilities_are_checked() {
        let args = parse(&["--backup", "crs-1:b-1:/a.rdb,/b.rdb", "--fault-5xx", "0.5"]).unwrap();
        assert_eq!(
            args.backup,
            vec![FileBackup {
                instance_id: "crs-1".into(),
                backup_id: "b-1".into(),
                paths: vec!["/a.rdb".into(), "/b.rdb".into()],
            }]
        );
        assert_eq!(args.fault_5xx, Some(0.5));
        for bad in [
            &["--backup", "crs-1:b-1"][..],
            &["--backup", "crs-1::x"],
            &["--backup", "a:b:x,"],
            &["--fault-reset", "1.5"],
            &["--fault-reset", "x"],
            &["--demo-files", "0"],
            &["--no-demo", "--demo-files", "2"],
            &["--listen", "nowhere"],
        ] {
            let err = parse(bad).expect_err("refused");
            assert!(err.contains("--"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn demo_options_shape_the_data_set() {
        let args = parse(&["--demo-files", "7"]).unwrap();
        assert_eq!(args.demo().unwrap().file_sizes.len(), 7);
        let args = parse(&["--demo-files", "2", "--demo-file-size", "4096"]).unwrap();
        assert_eq!(args.demo().unwrap().file_sizes, vec![4096, 4096]);
        assert_eq!(parse(&["--no-demo"]).unwrap().demo(), None);
        assert_eq!(
            parse(&[]).unwrap().demo(),
            Some(DemoData::default()),
            "no option keeps the doc example's data set"
        );
    }
}
