//! A measurement, not a timed test: the emulator's memory while it generates and serves a
//! 1 GiB backup file. Ignored by default (it writes 1 GiB to a temporary folder); run it by
//! hand, preferably optimised:
//!
//! ```text
//! cargo test -p tencentcloud-redis-emulator --release --test memory_1gib -- --ignored --nocapture
//! ```
//!
//! It runs the emulator binary as a child process, reads its `VmHWM` (peak RSS) and `VmRSS`
//! from `/proc/PID/status` after generation, resets the peak (`clear_refs` 5), downloads the
//! file through a signed URL while sampling RSS, and prints the figures. It fails only if the
//! download is wrong (size or CRC) or the peak while serving exceeds 64 MiB, which would mean
//! the file is being buffered.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;
use tencentcloud_redis_emulator::crc64::CosCrc64;
use tencentcloud_transport::sign::{sign_stages, SigningParams};

const SIZE: u64 = 1 << 30;

fn status_kib(pid: u32, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("field present")
}

#[tokio::test]
#[ignore = "measurement: writes and serves a 1 GiB file; run by hand with --ignored"]
async fn serving_a_1_gib_file_keeps_memory_flat() {
    let dir = tempfile::tempdir().expect("tempdir");
    let started = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tencentcloud-redis-emulator"))
        .args([
            "--demo-files",
            "1",
            "--demo-file-size",
            &SIZE.to_string(),
            "--data",
        ])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("emulator binary runs");
    let pid = child.id();
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("start line");
    let generated_in = started.elapsed();
    let start: Value = serde_json::from_str(&line).expect("start line is JSON");
    let hwm_generation = status_kib(pid, "VmHWM:");
    let rss_idle = status_kib(pid, "VmRSS:");
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("reset peak RSS");

    // Ask for the URL with a hand-signed call.
    let endpoint = start["endpoint"].as_str().expect("endpoint");
    let host = endpoint.trim_start_matches("http://");
    let body = serde_json::to_vec(&serde_json::json!({
        "InstanceId": start["instances"][0]["instance_id"],
        "BackupId": start["instances"][0]["backups"][0]["backup_id"],
    }))
    .expect("json");
    let timestamp = common::now();
    let auth = sign_stages(
        &SigningParams {
            method: "POST",
            host,
            content_type: "application/json",
            canonical_query: "",
            payload: &body,
            timestamp,
            service: "redis",
        },
        start["secret_id"].as_str().expect("id"),
        start["secret_key"].as_str().expect("key"),
    )
    .authorization;
    let client = reqwest::Client::new();
    let v: Value = client
        .post(format!("{endpoint}/"))
        .header("Content-Type", "application/json")
        .header("X-TC-Action", "DescribeBackupUrl")
        .header("X-TC-Version", "2018-04-12")
        .header("X-TC-Region", "ap-guangzhou")
        .header("X-TC-Timestamp", timestamp.to_string())
        .header("Authorization", auth)
        .body(body)
        .send()
        .await
        .expect("call")
        .json()
        .await
        .expect("json");
    let url = v["Response"]["BackupInfos"][0]["DownloadUrl"]
        .as_str()
        .expect("url")
        .to_owned();

    let download_started = std::time::Instant::now();
    let mut resp = client.get(&url).send().await.expect("download");
    let expected_crc: u64 = resp.headers()["x-cos-hash-crc64ecma"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("decimal");
    let mut crc = CosCrc64::new();
    let mut got = 0u64;
    let mut next_sample = 0u64;
    let mut max_rss = 0u64;
    while let Some(chunk) = resp.chunk().await.expect("chunk") {
        crc.update(&chunk);
        got += chunk.len() as u64;
        if got >= next_sample {
            max_rss = max_rss.max(status_kib(pid, "VmRSS:"));
            next_sample += 64 << 20;
        }
    }
    let download_time = download_started.elapsed();
    let hwm_serving = status_kib(pid, "VmHWM:");
    let _ = child.kill();
    let _ = child.wait();

    assert_eq!(got, SIZE);
    assert_eq!(crc.value(), expected_crc);
    println!(
        "1 GiB file: generated and started in {:.1} s; peak RSS during generation {} KiB; \
         RSS idle {} KiB; served in {:.1} s ({:.0} MiB/s); peak RSS while serving (VmHWM after \
         reset) {} KiB; max sampled VmRSS while serving {} KiB",
        generated_in.as_secs_f64(),
        hwm_generation,
        rss_idle,
        download_time.as_secs_f64(),
        SIZE as f64 / (1 << 20) as f64 / download_time.as_secs_f64(),
        hwm_serving,
        max_rss
    );
    assert!(
        hwm_serving < 64 * 1024,
        "peak RSS while serving: {hwm_serving} KiB"
    );
}
