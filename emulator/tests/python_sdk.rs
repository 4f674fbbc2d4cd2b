//! The official Python SDK (tencentcloud-sdk-python-redis, from PyPI) against the emulator,
//! through the workspace's `tests/python_sdk/check_emulator.py` (DescribeBackupUrl) and this
//! crate's `tests/python_sdk/backup_workflow.py` (the backup workflow actions),
//! `tests/python_sdk/every_action.py` (every action, through the SDK's typed methods) and
//! `tests/python_sdk/sts_roles.py` (the SDK's own role credentials against the emulator's
//! STS).
//!
//! The interpreter is `$TC_PYTHON`, by default `<repo>/.venv/bin/python`, which the README's
//! test command creates. Missing interpreter or SDK is a failure, not a skip.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use tencentcloud_redis_emulator::Emulator;

const HINT: &str = "run the README's test command, which creates .venv and installs \
tencentcloud-sdk-python-redis (python3 -m venv .venv && .venv/bin/pip install \
tencentcloud-sdk-python-redis), or point TC_PYTHON at an interpreter that has it";

/// Runs `script` with the SDK's interpreter against the emulator's start line and returns its
/// stdout, after checking that the interpreter and the SDK are there and the script passed.
async fn run_sdk_script(script: PathBuf, start_line: String) -> String {
    run_sdk_script_with(script, start_line, &[]).await
}

/// [`run_sdk_script`] with more arguments after the start line.
async fn run_sdk_script_with(
    script: PathBuf,
    start_line: String,
    more: &[&std::ffi::OsStr],
) -> String {
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
        .args(more)
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
async fn official_python_sdk_calls_every_action() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python_sdk/every_action.py");
    let schema = tencentcloud_redis::schema::load().expect("schema");
    // DescribeTaskInfo needs a task that exists (null: skipped); the backup workflow script
    // covers it.
    let bodies: serde_json::Map<String, serde_json::Value> = schema
        .actions
        .iter()
        .map(|a| {
            let body = if a.name == "DescribeTaskInfo" {
                serde_json::Value::Null
            } else {
                common::required_body(schema, a)
            };
            (a.name.clone(), body)
        })
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let bodies_file = dir.path().join("bodies.json");
    std::fs::write(&bodies_file, serde_json::Value::Object(bodies).to_string()).expect("write");
    let emulator = common::start_small().await;
    let stdout =
        run_sdk_script_with(script, emulator.start_line(), &[bodies_file.as_os_str()]).await;
    assert!(
        stdout.contains(&format!("{} actions answered", schema.actions.len() - 1)),
        "{stdout}"
    );
    // The pinned SDK (3.1.189) has one action the international CLI's spec (3.1.193.1), and so
    // the schema, does not: a price inquiry for renewals. Anything else is a new difference.
    let sdk_only: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("sdk-only "))
        .collect();
    assert_eq!(sdk_only, ["InquiryPriceRenewInstance"], "{stdout}");
    // Every call reached an action: none was refused before its handler.
    let log = emulator.request_log();
    let answered = log
        .iter()
        .filter(|e| e.path == "/" && e.error_code.is_none())
        .count();
    assert_eq!(answered, schema.actions.len() - 1);
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
