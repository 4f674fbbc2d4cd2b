//! `tcredis demo` and `tcredis emulator`: the embedded emulator.

use std::time::Instant;

use tencentcloud_redis::download::redact_url;
use tencentcloud_redis::{Client, Credentials, DescribeBackupUrlRequest, Endpoint};
use tencentcloud_redis_emulator::cli::{serve_until_stopped, EmulatorArgs};
use tencentcloud_redis_emulator::{DemoData, Emulator};

use crate::args::DemoArgs;
use crate::download_cmd::{self, Job, Reporting};
use crate::exit::{self, CliError, Exit};
use crate::globals::Globals;
use crate::output::Format;
use crate::progress::bytes;

fn start_error(e: tencentcloud_redis_emulator::StartError) -> CliError {
    let exit = match &e {
        tencentcloud_redis_emulator::StartError::Bind(_) => Exit::Config,
        _ => Exit::LocalIo,
    };
    CliError::new(
        exit,
        format!("the emulator did not start: {}", exit::chain(&e)),
    )
}

/// The main job, end to end on loopback.
pub async fn demo(globals: &Globals, args: DemoArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let format = globals.format(Format::Table);
    let out = match args.out {
        Some(dir) => dir,
        None => tempfile::Builder::new()
            .prefix("tcredis-demo-")
            .tempdir()
            .map_err(|e| {
                CliError::new(
                    Exit::LocalIo,
                    format!("cannot create a temporary folder for the demo: {e}"),
                )
            })?
            .keep(),
    };
    let say = |text: String| {
        if format == Format::Table {
            println!("{text}");
        }
    };
    let emulator = Emulator::builder().start().await.map_err(start_error)?;
    let demo = DemoData::default();
    say(format!(
        "1. Started the Redis API emulator at {} (region {}), with instance {} and backup {} ({} RDB files) in {:.2} s.",
        emulator.endpoint(),
        emulator.region(),
        demo.instance_id,
        demo.backup_id,
        demo.file_sizes.len(),
        started.elapsed().as_secs_f64()
    ));
    let client = Client::builder()
        .region(emulator.region())
        .endpoint(Endpoint::Url(emulator.endpoint().to_owned()))
        .credentials(Credentials::new(
            emulator.secret_id(),
            emulator.secret_key(),
        ))
        .build()
        .map_err(|e| CliError::new(Exit::Config, exit::chain(&e)))?;
    let hint = "the emulator's credentials";
    let response = client
        .send(DescribeBackupUrlRequest::new(
            &demo.instance_id,
            &demo.backup_id,
        ))
        .await
        .map_err(|e| exit::from_call("DescribeBackupUrl", &e, hint))?;
    say(format!(
        "2. Called DescribeBackupUrl through the real client (TC3-HMAC-SHA256 signed, checked by the emulator): RequestId {}, {} files:",
        response.request_id,
        response.backup_infos.len()
    ));
    for info in &response.backup_infos {
        say(format!(
            "     {}  {}  {}?<signature>",
            info.file_name.as_deref().unwrap_or("-"),
            info.file_size
                .map(|s| bytes(s.max(0) as u64))
                .unwrap_or_else(|| "-".into()),
            info.download_url
                .as_deref()
                .map(redact_url)
                .unwrap_or_default()
        ));
    }
    say(format!(
        "3. Downloading every file into {} ...",
        out.display()
    ));
    let options = globals
        .download_options()
        .parallel(usize::from(args.parallel.files));
    let job = Job {
        instance_id: &demo.instance_id,
        backup_id: &demo.backup_id,
        out: &out,
    };
    let reporting = Reporting {
        progress: &globals.progress(),
        format,
        profile_hint: hint,
    };
    let summary = download_cmd::run(&client, &job, options, &reporting).await?;
    // Compare with the emulator's own copies, byte for byte.
    let originals = emulator.backup_file_paths(&demo.instance_id, &demo.backup_id);
    let mut identical = 0;
    for (report, original) in summary.files.iter().zip(&originals) {
        if let Some(path) = &report.path {
            let same = tokio::task::spawn_blocking({
                let (a, b) = (path.clone(), original.clone());
                move || match (std::fs::read(a), std::fs::read(b)) {
                    (Ok(a), Ok(b)) => a == b,
                    _ => false,
                }
            })
            .await
            .unwrap_or(false);
            if !same {
                return Err(CliError::new(
                    Exit::Verification,
                    format!("{} differs from the emulator's copy", path.display()),
                ));
            }
            identical += 1;
        }
    }
    emulator.shutdown().await;
    say(format!(
        "4. Verified {identical} files: sizes match FileSize and Content-Length, CRC-64 matches x-cos-hash-crc64ecma, bytes identical to the emulator's copies."
    ));
    say(format!(
        "Done in {:.2} s. The RDB files are in {}\nNext: `tcredis emulator` runs the emulator for your own calls; `tcredis --help` lists every command.",
        started.elapsed().as_secs_f64(),
        out.display()
    ));
    Ok(())
}

/// `tcredis emulator`: runs the emulator until Ctrl-C / SIGTERM.
pub async fn emulator(args: &EmulatorArgs) -> Result<(), CliError> {
    serve_until_stopped(args.builder())
        .await
        .map_err(start_error)
}
