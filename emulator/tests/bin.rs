//! The `tencentcloud-redis-emulator` binary: its start line, its flags, bad flags.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_tencentcloud-redis-emulator");

#[tokio::test]
async fn prints_the_start_line_and_serves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dump = dir.path().join("dump.rdb");
    tencentcloud_redis_emulator::rdb::write_demo_file(&dump, 9, 50_000).expect("dump");
    let mut child = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--region",
            "ap-shanghai",
            "--secret-id",
            "AKIDbin",
            "--secret-key",
            "bin-key",
            "--demo-files",
            "2",
            "--demo-file-size",
            "30000",
            "--url-ttl",
            "60",
            "--backup-task-ms",
            "0",
            "--no-rate-limit",
            "--fault-seed",
            "5",
            "--data",
        ])
        .arg(dir.path().join("data"))
        .arg("--backup")
        .arg(format!("crs-dump:42:{}", dump.display()))
        .stdout(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("line");
    let start: Value = serde_json::from_str(&line).expect("json");
    assert_eq!(start["region"], "ap-shanghai");
    assert_eq!(start["secret_id"], "AKIDbin");
    assert_eq!(start["secret_key"], "bin-key");
    assert_eq!(
        start["instances"],
        serde_json::json!([
            {"instance_id": "crs-4y9t57vt", "backups": [{"backup_id": common::BACKUP, "files": 2}]},
            {"instance_id": "crs-dump", "backups": [{"backup_id": "42", "files": 1}]},
        ])
    );
    let endpoint = start["endpoint"].as_str().expect("endpoint");
    assert!(endpoint.starts_with("http://127.0.0.1:"));
    // It answers (unsigned, so an auth error in the service's envelope).
    let v: Value = reqwest::Client::new()
        .post(format!("{endpoint}/"))
        .header("X-TC-Action", "DescribeBackupUrl")
        .header("X-TC-Version", "2018-04-12")
        .header("X-TC-Timestamp", common::now().to_string())
        .body("{}")
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("json");
    assert_eq!(
        common::error_code(&v).as_deref(),
        Some("AuthFailure.InvalidAuthorization")
    );
    // A manual backup with --backup-task-ms 0 completes as soon as its files are written.
    let client = tencentcloud_transport::Client::builder()
        .region("ap-shanghai")
        .endpoint(tencentcloud_transport::Endpoint::Url(endpoint.to_owned()))
        .credentials(tencentcloud_transport::Credentials::new(
            "AKIDbin", "bin-key",
        ))
        .build()
        .expect("client");
    let started = std::time::Instant::now();
    let task_id = client
        .send(tencentcloud_redis::ManualBackupInstanceRequest::new(
            "crs-dump",
        ))
        .await
        .expect("ManualBackupInstance")
        .task_id
        .expect("TaskId");
    let task_id = u64::try_from(task_id).expect("a positive TaskId");
    loop {
        let info = client
            .send(tencentcloud_redis::DescribeTaskInfoRequest::new(task_id))
            .await
            .expect("DescribeTaskInfo");
        if info.status == Some(tencentcloud_redis::types::TaskStatus::Succeed) {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            info.status
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let files = std::fs::read_dir(
        dir.path()
            .join("data/crs-4y9t57vt/678362566696298532848117"),
    )
    .expect("demo folder")
    .count();
    assert_eq!(files, 2);
    child.kill().expect("kill");
    let _ = child.wait();
}

#[test]
fn bad_flags_exit_2_with_a_message() {
    for args in [
        vec!["--bogus"],
        vec!["--listen", "nowhere"],
        vec!["--fault-5xx", "2"],
        vec!["--url-ttl"],
        vec!["--backup", "no-colons"],
        vec!["--backup-task-ms", "soon"],
    ] {
        let out = Command::new(BIN).args(&args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
    let out = Command::new(BIN).arg("--help").output().expect("runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--fault-cut-after"));
    assert!(help.contains("--backup-task-ms"));
}
