//! `tc-bench`: the measuring programs `scripts/bench` runs against a local emulator.
//!
//! Every command reads the emulator's JSON start line (endpoint, region, credentials,
//! instances) from the file given with `--start` and prints one JSON line of results.
//!
//! ```text
//! tc-bench calls --start FILE --mode client|floor [--runtime current|multi|multi-spawned]
//!     [--calls N]
//!     N sequential keep-alive DescribeBackupUrl calls after one warm-up call; reports the
//!     process's CPU time (user, sys) and wall time of the timed loop only.
//!     client: this project's Client (rate limit and retries off).
//!     floor:  a bare reqwest loop posting requests signed before the loop starts.
//! tc-bench throughput --start FILE [--tasks N] [--seconds S]
//!     N concurrent tasks sharing one Client for S seconds (after a 1 s warm-up); reports
//!     successful calls per second.
//! tc-bench url --start FILE
//!     Prints the public download URL of the first file of the first backup.
//! tc-bench fetch --start FILE --url URL [--runtime current|multi] [--out PATH]
//!     A bare reqwest GET of URL, the body written to PATH with plain writes (no checksum, no
//!     fsync) or dropped; the floor under `tcredis download`. Reports bytes, wall and CPU time.
//! ```
//!
//! Only loopback endpoints are accepted: this program must never load a real service.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{json, Value};
use tencentcloud_redis::{
    Client, Credentials, DescribeBackupUrlRequest, Endpoint, RateLimit, RetryPolicy,
};
use tencentcloud_transport::sign::{Signer, SigningParams};

type Failure = Box<dyn std::error::Error>;

struct Target {
    endpoint: String,
    host: String,
    region: String,
    secret_id: String,
    secret_key: String,
    instance_id: String,
    backup_id: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tc-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn number<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, Failure> {
    match flag(args, name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name}: `{v}` is not a valid number").into()),
    }
}

fn run(args: &[String]) -> Result<Value, Failure> {
    let command = args.first().map(String::as_str).unwrap_or("");
    let start =
        flag(args, "--start").ok_or("--start FILE (the emulator's start line) is required")?;
    let target = read_target(start)?;
    match command {
        "calls" => {
            let calls: u64 = number(args, "--calls", 2000)?;
            let mode = flag(args, "--mode").ok_or("--mode client|floor is required")?;
            let runtime_name = flag(args, "--runtime").unwrap_or("current");
            let runtime = match runtime_name {
                "current" => tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?,
                "multi" | "multi-spawned" => tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .build()?,
                other => {
                    return Err(format!(
                        "--runtime: `{other}` is not current, multi or multi-spawned"
                    )
                    .into())
                }
            };
            if !matches!(mode, "client" | "floor") {
                return Err(format!("--mode: `{mode}` is not client or floor").into());
            }
            let target = Arc::new(target);
            let job = {
                let (target, floor) = (target.clone(), mode == "floor");
                async move {
                    if floor {
                        floor_calls(&target, calls).await
                    } else {
                        client_calls(&target, calls).await
                    }
                    .map_err(|e| e.to_string())
                }
            };
            // multi: the loop runs in block_on on the main thread, as in `#[tokio::main]`;
            // multi-spawned: it runs in a task on a worker thread, as in a server's handler.
            let (wall, user, sys) = if runtime_name == "multi-spawned" {
                runtime.block_on(async { tokio::spawn(job).await })??
            } else {
                runtime.block_on(job)?
            };
            Ok(json!({
                "mode": mode,
                "calls": calls,
                "wall_s": wall,
                "user_s": user,
                "sys_s": sys,
            }))
        }
        "throughput" => {
            let tasks: usize = number(args, "--tasks", 16)?;
            let seconds: f64 = number(args, "--seconds", 5.0)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let (calls, elapsed) = runtime.block_on(throughput(&target, tasks, seconds))?;
            Ok(json!({
                "tasks": tasks,
                "calls": calls,
                "seconds": elapsed,
                "calls_per_s": calls as f64 / elapsed,
            }))
        }
        "url" => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let client = client_for(&target)?;
            let response = runtime.block_on(client.send(DescribeBackupUrlRequest::new(
                &target.instance_id,
                &target.backup_id,
            )))?;
            let info = response
                .backup_infos
                .first()
                .ok_or("DescribeBackupUrl returned no BackupInfos")?;
            Ok(json!({
                "url": info.download_url,
                "file_name": info.file_name,
                "file_size": info.file_size,
            }))
        }
        "fetch" => {
            let url = flag(args, "--url").ok_or("--url URL is required")?;
            if !url.starts_with("http://127.0.0.1:") {
                return Err("--url must be a loopback URL (http://127.0.0.1:PORT/...)".into());
            }
            let runtime = match flag(args, "--runtime").unwrap_or("multi") {
                "current" => tokio::runtime::Builder::new_current_thread(),
                "multi" => tokio::runtime::Builder::new_multi_thread(),
                other => return Err(format!("--runtime: `{other}` is not current or multi").into()),
            }
            .enable_all()
            .build()?;
            let out = flag(args, "--out").map(std::path::PathBuf::from);
            let (bytes, wall, user, sys) = runtime.block_on(fetch(url, out.as_deref()))?;
            Ok(json!({"bytes": bytes, "wall_s": wall, "user_s": user, "sys_s": sys}))
        }
        other => Err(format!(
            "unknown command `{other}`; expected calls, throughput, url or fetch"
        )
        .into()),
    }
}

fn read_target(path: &str) -> Result<Target, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    let start: Value = serde_json::from_str(text.trim())
        .map_err(|e| format!("{path} is not the emulator's JSON start line: {e}"))?;
    let text_at = |pointer: &str| -> Result<String, Failure> {
        start
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("{path}: no string at {pointer}").into())
    };
    let endpoint = text_at("/endpoint")?;
    let host = endpoint
        .strip_prefix("http://")
        .ok_or("the endpoint must be http://127.0.0.1:PORT")?
        .trim_end_matches('/')
        .to_owned();
    if !host.starts_with("127.0.0.1:") {
        return Err(format!("refusing to benchmark {endpoint}: only 127.0.0.1 is allowed").into());
    }
    Ok(Target {
        host,
        region: text_at("/region")?,
        secret_id: text_at("/secret_id")?,
        secret_key: text_at("/secret_key")?,
        instance_id: text_at("/instances/0/instance_id")?,
        backup_id: text_at("/instances/0/backups/0/backup_id")?,
        endpoint,
    })
}

fn client_for(target: &Target) -> Result<Client, Failure> {
    Ok(Client::builder()
        .endpoint(Endpoint::Url(target.endpoint.clone()))
        .region(&target.region)
        .credentials(Credentials::new(
            target.secret_id.as_str(),
            target.secret_key.as_str(),
        ))
        .rate_limit(RateLimit::Disabled)
        .retry(RetryPolicy::disabled())
        .build()?)
}

/// CPU time of this process so far: (user, sys) seconds, all threads.
// A system call through libc: the benchmark's one unsafe block.
#[allow(unsafe_code)]
fn cpu_times() -> (f64, f64) {
    // SAFETY: getrusage writes into the zeroed struct we own.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (seconds(usage.ru_utime), seconds(usage.ru_stime))
}

struct Timer {
    wall: Instant,
    cpu: (f64, f64),
}

impl Timer {
    fn start() -> Self {
        Self {
            cpu: cpu_times(),
            wall: Instant::now(),
        }
    }

    fn stop(self) -> (f64, f64, f64) {
        let wall = self.wall.elapsed().as_secs_f64();
        let (user, sys) = cpu_times();
        (wall, user - self.cpu.0, sys - self.cpu.1)
    }
}

async fn client_calls(target: &Target, calls: u64) -> Result<(f64, f64, f64), Failure> {
    let client = client_for(target)?;
    let request = || DescribeBackupUrlRequest::new(&target.instance_id, &target.backup_id);
    // Warm-up: opens the keep-alive connection and fills the signing-key cache.
    client.send(request()).await?;
    let timer = Timer::start();
    for _ in 0..calls {
        let response = client.send(request()).await?;
        std::hint::black_box(response);
    }
    Ok(timer.stop())
}

async fn floor_calls(target: &Target, calls: u64) -> Result<(f64, f64, f64), Failure> {
    let http = reqwest::Client::builder().no_proxy().build()?;
    let body = serde_json::to_vec(&DescribeBackupUrlRequest::new(
        &target.instance_id,
        &target.backup_id,
    ))?;
    let signer = Signer::new();
    let timestamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let sign = |body: &[u8]| -> Result<HeaderMap, Failure> {
        let authorization = signer.authorization(
            &SigningParams {
                method: "POST",
                host: &target.host,
                content_type: "application/json",
                canonical_query: "",
                payload: body,
                timestamp,
                service: "redis",
            },
            &target.secret_id,
            &target.secret_key,
        );
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in [
            ("x-tc-action", "DescribeBackupUrl"),
            ("x-tc-version", "2018-04-12"),
            ("x-tc-region", target.region.as_str()),
        ] {
            headers.insert(HeaderName::from_static(name), HeaderValue::from_str(value)?);
        }
        headers.insert(
            HeaderName::from_static("x-tc-timestamp"),
            HeaderValue::from(timestamp),
        );
        headers.insert(AUTHORIZATION, HeaderValue::from_str(&authorization)?);
        Ok(headers)
    };
    // Every request is signed before the timed loop starts.
    let mut presigned = Vec::with_capacity(calls as usize + 1);
    for _ in 0..=calls {
        presigned.push((sign(&body)?, reqwest::Body::from(body.clone())));
    }
    let mut presigned = presigned.into_iter();
    let url = format!("{}/", target.endpoint);
    let check = |bytes: &[u8]| -> Result<(), Failure> {
        let value: Value = serde_json::from_slice(bytes)?;
        if value.pointer("/Response/Error").is_some()
            || value.pointer("/Response/BackupInfos").is_none()
        {
            return Err(format!("the emulator answered {value}").into());
        }
        Ok(())
    };
    let (headers, body) = presigned.next().ok_or("no requests")?;
    let warm = http.post(&url).headers(headers).body(body).send().await?;
    check(&warm.bytes().await?)?;

    let mut bodies = Vec::with_capacity(calls as usize);
    let timer = Timer::start();
    for (headers, body) in presigned {
        let response = http.post(&url).headers(headers).body(body).send().await?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()).into());
        }
        bodies.push(response.bytes().await?);
    }
    let times = timer.stop();
    // Checked after the loop so the floor does no JSON work while timed.
    for bytes in &bodies {
        check(bytes)?;
    }
    Ok(times)
}

async fn throughput(target: &Target, tasks: usize, seconds: f64) -> Result<(u64, f64), Failure> {
    let client = client_for(target)?;
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::with_capacity(tasks);
    for _ in 0..tasks {
        let (client, done, failed, stop) =
            (client.clone(), done.clone(), failed.clone(), stop.clone());
        let (instance, backup) = (target.instance_id.clone(), target.backup_id.clone());
        handles.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                match client
                    .send(DescribeBackupUrlRequest::new(&instance, &backup))
                    .await
                {
                    Ok(_) => done.fetch_add(1, Ordering::Relaxed),
                    Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (before, t0) = (done.load(Ordering::Relaxed), Instant::now());
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    let (after, elapsed) = (done.load(Ordering::Relaxed), t0.elapsed().as_secs_f64());
    stop.store(true, Ordering::Relaxed);
    for handle in handles {
        handle.await?;
    }
    let failed = failed.load(Ordering::Relaxed);
    if failed > 0 {
        return Err(format!("{failed} calls failed during the throughput run").into());
    }
    Ok((after - before, elapsed))
}

/// Downloads `url` with a bare reqwest client; the body goes to `out` (plain writes) or nowhere.
/// Returns the bytes received and the timer's (wall, user, sys) seconds.
async fn fetch(url: &str, out: Option<&std::path::Path>) -> Result<(u64, f64, f64, f64), Failure> {
    use std::io::Write;
    let mut file = out.map(std::fs::File::create).transpose()?;
    let http = reqwest::Client::builder().no_proxy().build()?;
    let timer = Timer::start();
    let mut response = http.get(url).send().await?.error_for_status()?;
    let mut bytes = 0u64;
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len() as u64;
        if let Some(file) = file.as_mut() {
            file.write_all(&chunk)?;
        }
    }
    let (wall, user, sys) = timer.stop();
    Ok((bytes, wall, user, sys))
}
