//! `tcredis --role-arn` (issue 16, item 4) against the emulator's STS: every command assumes
//! the role on top of the keys the chain (or `--profile`) found, from the flags or their
//! environment variables; `-v` names the provider that supplied the keys and never a key;
//! refusals and bad values are errors that say what is accepted.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;
use tencentcloud_redis_emulator::{DemoData, Emulator, RunningEmulator, DEFAULT_ROLE_ARN};
use tencentcloud_test_support::leaks::{json_string_values, leaks_in, Relay};

async fn emulator() -> RunningEmulator {
    Emulator::builder()
        .demo(DemoData {
            file_sizes: vec![40_000, 30_000],
            ..DemoData::default()
        })
        .rate_limit(false)
        .start()
        .await
        .expect("emulator starts")
}

/// `tcredis` against `emu` with its long-term keys in the environment, STS at `sts`.
fn run(emu: &RunningEmulator, sts: &str, home: &Path, args: &[&str]) -> Output {
    tcredis_against(
        emu,
        emu.endpoint(),
        home,
        &[&["--sts-endpoint", sts][..], args].concat(),
    )
    .output()
    .expect("tcredis runs")
}

/// The (action, signed with the long-term key?) of every API call the emulator saw.
fn calls(emu: &RunningEmulator) -> Vec<(String, bool)> {
    emu.request_log()
        .into_iter()
        .filter(|e| e.method == "POST")
        .map(|e| {
            (
                e.action.unwrap_or_default(),
                e.secret_id.as_deref() == Some(emu.secret_id()),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_arn_assumes_the_role_with_the_keys_found_and_v_names_the_provider() {
    let emu = emulator().await;
    let home = tempfile::tempdir().expect("home");
    let out = run(
        &emu,
        emu.endpoint(),
        home.path(),
        &[
            &[
                "-vv",
                "--role-arn",
                DEFAULT_ROLE_ARN,
                "--role-session-name",
                "cli-test",
                "--role-duration",
                "900",
            ][..],
            &DESCRIBE,
        ]
        .concat(),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(json["BackupInfos"].is_array(), "{json}");
    // STS with the long-term key, then the Redis call with the temporary one.
    assert_eq!(
        calls(&emu),
        vec![
            ("AssumeRole".to_owned(), true),
            ("DescribeBackupUrl".to_owned(), false)
        ]
    );
    let line = format!(
        "credentials from role {DEFAULT_ROLE_ARN} (session cli-test) assumed with environment variables TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY"
    );
    assert!(stderr.contains(&line), "{line:?} missing from:\n{stderr}");
    // The duration asked for is the one STS granted (the transport logs it at -vv).
    let valid_for: u64 = stderr
        .split("valid_for_secs=")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no valid_for_secs in:\n{stderr}"));
    assert!((890..=900).contains(&valid_for), "{valid_for}");
    assert!(!stderr.contains(emu.secret_key()), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environment_variables_set_the_role_for_every_command() {
    let emu = emulator().await;
    let home = tempfile::tempdir().expect("home");
    let out_dir = home.path().join("backup");
    for args in [
        &download(&out_dir)[..],
        &["backup", "list", "--instance-id", INSTANCE][..],
        &[
            "call",
            "DescribeBackupUrl",
            "--json",
            &format!(r#"{{"InstanceId":"{INSTANCE}","BackupId":"{BACKUP}"}}"#),
        ][..],
    ] {
        emu.clear_request_log();
        let out = tcredis_against(
            &emu,
            emu.endpoint(),
            home.path(),
            &[&["-v"][..], args].concat(),
        )
        .env("TENCENTCLOUD_ROLE_ARN", DEFAULT_ROLE_ARN)
        .env("TENCENTCLOUD_ROLE_SESSION_NAME", "from-env")
        .env("TENCENTCLOUD_ROLE_DURATION", "1200")
        .env("TENCENTCLOUD_STS_ENDPOINT", emu.endpoint())
        .output()
        .expect("tcredis runs");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        let calls = calls(&emu);
        assert_eq!(
            calls.first(),
            Some(&("AssumeRole".to_owned(), true)),
            "{args:?}"
        );
        assert!(calls.len() >= 2, "{args:?}: {calls:?}");
        assert!(
            calls[1..].iter().all(|(_, long_term)| !long_term),
            "{args:?}: every Redis call signed with the temporary key: {calls:?}"
        );
        assert!(stderr.contains("(session from-env)"), "{args:?}: {stderr}");
    }
    assert_eq!(names_in(&out_dir).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_on_top_of_a_profile_section_names_that_section() {
    let emu = emulator().await;
    let home = tempfile::tempdir().expect("home");
    let dir = home.path().join(".tencentcloud");
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("credentials");
    std::fs::write(
        &file,
        format!(
            "[work]\nsecret_id = {}\nsecret_key = {}\n",
            emu.secret_id(),
            emu.secret_key()
        ),
    )
    .expect("profile file");
    let out = tcredis(home.path())
        .args(["--endpoint", emu.endpoint(), "--region", emu.region()])
        .args(["--sts-endpoint", emu.endpoint(), "--profile", "work", "-v"])
        .args(["--role-arn", DEFAULT_ROLE_ARN])
        .args(DESCRIBE)
        .output()
        .expect("tcredis runs");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let source = format!("assumed with profile [work] in {}", file.display());
    assert!(
        stderr.contains(&source),
        "{source:?} missing from:\n{stderr}"
    );
    assert_eq!(calls(&emu).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_role_is_a_configuration_error_with_the_sts_code_and_request_id() {
    let emu = emulator().await;
    let home = tempfile::tempdir().expect("home");
    // STS through a recording relay, so the test knows the RequestId it answered.
    let relay = Relay::start(emu.addr()).await;
    let wrong = "qcs::cam::uin/100000000001:roleName/no-such-role";
    let out = run(
        &emu,
        &format!("http://{}", relay.addr),
        home.path(),
        &[&["--role-arn", wrong][..], &DESCRIBE].concat(),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let request_ids = json_string_values(&relay.answers(), "RequestId");
    assert_eq!(request_ids.len(), 1, "one STS answer");
    for needle in [
        wrong,
        "ResourceNotFound.RoleNotFound",
        request_ids[0].as_str(),
        "--role-arn or TENCENTCLOUD_ROLE_ARN",
    ] {
        assert!(
            stderr.contains(needle),
            "{needle:?} missing from:\n{stderr}"
        );
    }
    assert!(
        !stderr.contains("Set TENCENTCLOUD_SECRET_ID"),
        "the keys were found; the hint is about the role:\n{stderr}"
    );
    assert_eq!(calls(&emu).len(), 1, "no Redis call without the role");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_role_values_are_errors_naming_what_is_accepted() {
    let emu = emulator().await;
    let home = tempfile::tempdir().expect("home");
    let cases: [(&[&str], i32, &[&str]); 5] = [
        (
            &["--role-arn", DEFAULT_ROLE_ARN, "--role-duration", "0"],
            2,
            &["--role-duration", "1 to 43200"],
        ),
        (
            &["--role-arn", DEFAULT_ROLE_ARN, "--role-duration", "43201"],
            2,
            &["1 to 43200"],
        ),
        (
            &["--role-arn", DEFAULT_ROLE_ARN, "--role-duration", "1.5"],
            2,
            &["whole seconds"],
        ),
        (
            &["--role-session-name", "lonely"],
            2,
            &["--role-session-name", "--role-arn"],
        ),
        (
            &[
                "--role-arn",
                DEFAULT_ROLE_ARN,
                "--role-session-name",
                "has space",
            ],
            3,
            &["--role-*", "\"has space\"", "2 to 128 letters"],
        ),
    ];
    for (flags, code, needles) in cases {
        let out = run(
            &emu,
            emu.endpoint(),
            home.path(),
            &[flags, &DESCRIBE].concat(),
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{flags:?}: {stderr}");
        for needle in needles {
            assert!(
                stderr.contains(needle),
                "{flags:?}: {needle:?} missing from:\n{stderr}"
            );
        }
        assert!(out.stdout.is_empty(), "{flags:?}");
    }
    // The same value from the environment is refused the same way.
    let out = tcredis_against(&emu, emu.endpoint(), home.path(), &DESCRIBE)
        .env("TENCENTCLOUD_ROLE_ARN", DEFAULT_ROLE_ARN)
        .env("TENCENTCLOUD_ROLE_DURATION", "forever")
        .output()
        .expect("tcredis runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("TENCENTCLOUD_ROLE_DURATION"));
    assert!(emu.request_log().is_empty(), "nothing sent");

    // A session name in the environment alone (no role) is not an error: it has no role to
    // name, and the keys are used as found.
    let out = tcredis_against(&emu, emu.endpoint(), home.path(), &DESCRIBE)
        .env("TENCENTCLOUD_ROLE_SESSION_NAME", "unused")
        .output()
        .expect("tcredis runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(calls(&emu), vec![("DescribeBackupUrl".to_owned(), true)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vvv_with_a_role_leaks_no_long_term_key_temporary_key_or_token() {
    let emu = emulator().await;
    // STS through a recording relay, so the test knows the keys it issued.
    let relay = Relay::start(emu.addr()).await;
    let home = tempfile::tempdir().expect("home");
    let out_dir = home.path().join("backup");
    let out = run(
        &emu,
        &format!("http://{}", relay.addr),
        home.path(),
        &[
            &["-vvv", "--role-arn", DEFAULT_ROLE_ARN][..],
            &download(&out_dir),
        ]
        .concat(),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let answers = relay.answers();
    let tmp_keys = json_string_values(&answers, "TmpSecretKey");
    let tokens = json_string_values(&answers, "Token");
    assert_eq!(
        (tmp_keys.len(), tokens.len()),
        (1, 1),
        "one AssumeRole answer"
    );
    // The capture saw the interesting parts, so the check below can fail.
    for expected in [
        "AssumeRole",
        "assumed role with credentials from environment variables",
        "credentials from role",
    ] {
        assert!(
            stderr.contains(expected),
            "{expected:?} missing from:\n{stderr}"
        );
    }
    let secrets = [emu.secret_key(), tmp_keys[0].as_str(), tokens[0].as_str()];
    let both = format!("{stderr}{}", text(&out.stdout));
    let leaked = leaks_in(&both, &secrets, std::iter::empty::<&String>());
    assert!(leaked.is_empty(), "leaked {leaked:?} into:\n{both}");
}
