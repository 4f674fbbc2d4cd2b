//! The official Python SDK (tencentcloud-sdk-python-redis, from PyPI) against the emulator,
//! through the workspace's `tests/python_sdk/check_emulator.py` (DescribeBackupUrl) and this
//! crate's `tests/python_sdk/backup_workflow.py` (the backup workflow actions) and
//! `tests/python_sdk/sts_roles.py` (the SDK's own role credentials against the emulator's
//! STS).
//!
//! The interpreter is `$TC_PYTHON`, by default `<repo>/.venv/bin/python`, which the README's
//! test command creates. Missing interpreter or SDK is a failure, not a skip.

use std::path::PathBuf;
use std::time::Duration;

use tencentcloud_redis_emulator::Emulator;

const HINT: &str = "run the README's test command, which creates .venv and installs \
tencentcloud-sdk-python-redis (python3 -m venv .venv && .venv/bin/pip install \
tencentcloud-sdk-python-redis), or point TC_PYTHON at an interpreter that has it";

/// Runs `script` with the SDK's interpreter against the emulator's start line and returns its
/// stdout, after checking that the interpreter and the SDK are there and the script passed.
async fn run_sdk_script(script: PathBuf, start_line: String) -> String {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    let python = std::env::var_os("TC_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join(".venv/bin/python"));
    assert!(
        python.exists(),
        "the Python interpreter {} does not exist; {HINT}",
        python.display()
    );
    let mut command = tokio::process::Command::new(&python);
    command
        .arg(&script)
        .arg(start_line)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(120), command.output())
        .await
        .expect("the SDK script finishes within two minutes")
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {HINT}", python.display()));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(
        output.status.code(),
        Some(3),
        "the official SDK is not installed for {}; {HINT}\n{stderr}",
        python.display()
    );
    assert!(
        output.status.success(),
        "{} failed ({}):\n{stdout}\n{stderr}",
        script.display(),
        output.status
    );
    assert!(stdout.contains("all checks passed"), "{stdout}");
    stdout
}

#[tokio::test]
async fn official_python_sdk_talks_to_the_emulator() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .join("tests/python_sdk/check_emulator.py");
    let emulator = Emulator::builder().start().await.expect("emulator starts");
    let stdout = run_sdk_script(script, emulator.start_line()).await;
    assert_eq!(
        stdout.matches("ok   678362566696298532848117").count(),
        5,
        "{stdout}"
    );

    // The SDK's calls show up in the log: five HEADs and three API calls.
    let log = emulator.request_log();
    let api: Vec<Option<String>> = log
        .iter()
        .filter(|e| e.path == "/")
        .map(|e| e.error_code.clone())
        .collect();
    assert_eq!(
        api,
        vec![
            None,
            Some("AuthFailure.SignatureFailure".to_owned()),
            Some("InvalidParameterValue.BackupNotExists".to_owned())
        ]
    );
    assert_eq!(log.iter().filter(|e| e.method == "HEAD").count(), 5);
    emulator.shutdown().await;
}

#[tokio::test]
async fn official_python_sdk_runs_the_backup_workflow() {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python_sdk/backup_workflow.py");
    let emulator = Emulator::builder()
        .demo(tencentcloud_redis_emulator::DemoData {
            file_sizes: vec![20_000, 30_000],
            ..Default::default()
        })
        .backup_task_duration(Duration::from_millis(800))
        .start()
        .await
        .expect("emulator starts");
    let stdout = run_sdk_script(script, emulator.start_line()).await;
    assert!(
        stdout.contains("preparing -> running -> succeed"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("public 403, inner 200").count(),
        2,
        "{stdout}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn official_python_sdk_assumes_a_role_through_the_emulators_sts() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python_sdk/sts_roles.py");
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("oidc-token");
    std::fs::write(&token_file, "python-sdk-oidc-token").expect("token file");
    let emulator = Emulator::builder()
        .demo(tencentcloud_redis_emulator::DemoData {
            file_sizes: vec![20_000, 30_000],
            ..Default::default()
        })
        .web_identity_token_file(&token_file)
        .start()
        .await
        .expect("emulator starts");
    let stdout = run_sdk_script(script, emulator.start_line()).await;
    assert_eq!(stdout.matches("ok   ").count(), 4, "{stdout}");

    // The SDK's calls as the emulator saw them: AssumeRole signed by the long-term key, a
    // Redis call signed by the temporary one, the unsigned web identity call, the refusal.
    let log = emulator.request_log();
    let seen: Vec<(Option<&str>, Option<&str>, bool)> = log
        .iter()
        .filter(|e| e.path == "/")
        .map(|e| {
            (
                e.action.as_deref(),
                e.error_code.as_deref(),
                e.secret_id.as_deref() == Some(emulator.secret_id()),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (Some("AssumeRole"), None, true),
            (Some("DescribeBackupUrl"), None, false),
            (Some("AssumeRoleWithWebIdentity"), None, false),
            (Some("DescribeBackupUrl"), None, false),
            (
                Some("AssumeRole"),
                Some("ResourceNotFound.RoleNotFound"),
                true
            ),
        ],
        "{log:?}"
    );
    assert!(log
        .iter()
        .filter(|e| e.action.as_deref() == Some("DescribeBackupUrl"))
        .all(|e| e
            .secret_id
            .as_deref()
            .is_some_and(|id| id.starts_with("AKIDtmp"))));
    emulator.shutdown().await;
}
