//! Runs the Tencent Cloud Redis API emulator: prints one JSON line describing it to stdout,
//! then serves until interrupted (SIGINT/SIGTERM).

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use tencentcloud_redis_emulator::{DemoData, Emulator, EmulatorBuilder, Faults};

const USAGE: &str = "\
tencentcloud-redis-emulator: a local emulator of the Tencent Cloud Redis API (2018-04-12)

Prints one JSON line (endpoint, region, credentials, instances and backups) to stdout,
then serves until interrupted.

Options:
  --listen ADDR             address to listen on (default 127.0.0.1:0, a free port)
  --data DIR                folder for the demo RDB files (default: a temporary folder)
  --region REGION           region of the instances (default ap-guangzhou)
  --secret-id ID            accepted SecretId (default: random)
  --secret-key KEY          accepted SecretKey (default: random)
  --token TOKEN             require this session token (X-TC-Token)
  --url-ttl SECONDS         validity of download URLs (default 21600, six hours)
  --backup-task-ms MS       how long a manual backup's task takes at least
                            (ManualBackupInstance; default 1000, 0 = as soon as written)
  --demo-files N            number of demo shard files (default 5)
  --demo-file-size BYTES    size of every demo file (default: the doc example's sizes)
  --no-demo                 generate no demo data
  --backup INSTANCE:BACKUP:PATH[,PATH...]
                            also serve existing RDB files (e.g. a dump.rdb) as a backup
  --no-rate-limit           do not enforce the documented per-action rate limits
  --max-body-bytes BYTES    largest accepted request body (default 10485760)
  --fault-seed N            seed of the fault generator
  --fault-request-limit P   probability of RequestLimitExceeded per API call
  --fault-internal-error P  probability of InternalError per API call
  --fault-5xx P             probability of an HTTP 503 per call
  --fault-reset P           probability of a connection reset per call
  --fault-latency-ms MS     latency added to every call
  --fault-cut-after BYTES   cut download responses after this many bytes
  --fault-cut-times N       cut only the first N download responses
  -h, --help                show this help
";

fn parse_args(args: Vec<String>) -> Result<EmulatorBuilder, String> {
    let mut builder = Emulator::builder();
    let mut faults = Faults::none();
    let mut demo = DemoData::default();
    let mut demo_files: Option<usize> = None;
    let mut demo_size: Option<u64> = None;
    let mut no_demo = false;
    let mut iter = args.into_iter();
    while let Some(flag) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .ok_or_else(|| format!("{name} needs a value; see --help"))
        };
        fn num<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{name}: `{v}` is not a valid number"))
        }
        fn prob(name: &str, v: &str) -> Result<f64, String> {
            let p: f64 = num(name, v)?;
            if (0.0..=1.0).contains(&p) {
                Ok(p)
            } else {
                Err(format!("{name}: {p} is not a probability between 0 and 1"))
            }
        }
        match flag.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--listen" => {
                let v = value(&flag)?;
                let addr: SocketAddr = v.parse().map_err(|_| {
                    format!("--listen: `{v}` is not an address like 127.0.0.1:8080")
                })?;
                builder = builder.listen(addr);
            }
            "--data" => builder = builder.data_dir(value(&flag)?),
            "--region" => builder = builder.region(value(&flag)?),
            "--secret-id" => {
                builder = builder.secret_id(value(&flag)?);
            }
            "--secret-key" => {
                builder = builder.secret_key(value(&flag)?);
            }
            "--token" => builder = builder.token(value(&flag)?),
            "--url-ttl" => {
                let v = value(&flag)?;
                builder = builder.url_ttl(Duration::from_secs(num(&flag, &v)?));
            }
            "--backup-task-ms" => {
                let v = value(&flag)?;
                builder = builder.backup_task_duration(Duration::from_millis(num(&flag, &v)?));
            }
            "--demo-files" => demo_files = Some(num(&flag, &value(&flag)?)?),
            "--demo-file-size" => demo_size = Some(num(&flag, &value(&flag)?)?),
            "--no-demo" => no_demo = true,
            "--backup" => {
                let v = value(&flag)?;
                let mut parts = v.splitn(3, ':');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(i), Some(b), Some(paths))
                        if !i.is_empty() && !b.is_empty() && !paths.is_empty() =>
                    {
                        builder = builder.backup_from_files(i, b, paths.split(','));
                    }
                    _ => {
                        return Err(format!(
                            "--backup: `{v}` is not INSTANCE:BACKUP:PATH[,PATH...]"
                        ))
                    }
                }
            }
            "--no-rate-limit" => builder = builder.rate_limit(false),
            "--max-body-bytes" => builder = builder.max_body_bytes(num(&flag, &value(&flag)?)?),
            "--fault-seed" => faults = faults.seed(num(&flag, &value(&flag)?)?),
            "--fault-request-limit" => {
                faults = faults.request_limit_exceeded(prob(&flag, &value(&flag)?)?)
            }
            "--fault-internal-error" => {
                faults = faults.internal_error(prob(&flag, &value(&flag)?)?)
            }
            "--fault-5xx" => faults = faults.http_5xx(prob(&flag, &value(&flag)?)?),
            "--fault-reset" => faults = faults.connection_reset(prob(&flag, &value(&flag)?)?),
            "--fault-latency-ms" => {
                faults = faults.latency(Duration::from_millis(num(&flag, &value(&flag)?)?))
            }
            "--fault-cut-after" => faults = faults.cut_download_after(num(&flag, &value(&flag)?)?),
            "--fault-cut-times" => faults = faults.cut_download_times(num(&flag, &value(&flag)?)?),
            other => return Err(format!("unknown option `{other}`; see --help")),
        }
    }
    if no_demo {
        builder = builder.no_demo();
    } else if demo_files.is_some() || demo_size.is_some() {
        let count = demo_files.unwrap_or(demo.file_sizes.len());
        if count == 0 {
            return Err("--demo-files must be at least 1 (use --no-demo for none)".to_owned());
        }
        demo.file_sizes = match demo_size {
            Some(size) => vec![size; count],
            None => demo
                .file_sizes
                .iter()
                .copied()
                .cycle()
                .take(count)
                .collect(),
        };
        builder = builder.demo(demo);
    }
    Ok(builder.faults(faults))
}

fn main() -> ExitCode {
    let builder = match parse_args(std::env::args().skip(1).collect()) {
        Ok(b) => b,
        Err(message) if message.is_empty() => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
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
    runtime.block_on(async move {
        let emulator = match builder.start().await {
            Ok(e) => e,
            Err(e) => {
                let mut message = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    message.push_str(&format!(": {s}"));
                    source = s.source();
                }
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        };
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{}", emulator.start_line());
        let _ = stdout.flush();
        drop(stdout);
        wait_for_signal().await;
        emulator.shutdown().await;
        ExitCode::SUCCESS
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
