//! The built `tcredis` binary against the embedded emulator: output shapes, bad input and
//! exit codes, and the download rules seen from the command line.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use tencentcloud_redis_emulator::{DemoData, Emulator, Faults, RunningEmulator};

/// A small demo data set keeps the suite fast.
async fn emulator() -> RunningEmulator {
    emulator_with(|b| b).await
}

async fn emulator_with(
    f: impl FnOnce(
        tencentcloud_redis_emulator::EmulatorBuilder,
    ) -> tencentcloud_redis_emulator::EmulatorBuilder,
) -> RunningEmulator {
    let demo = DemoData {
        file_sizes: vec![700_000, 300_000, 123_457],
        ..DemoData::default()
    };
    f(Emulator::builder().demo(demo).rate_limit(false))
        .start()
        .await
        .expect("emulator starts")
}

/// `tcredis` with a clean environment: an empty temporary HOME, no credentials unless given.
struct Run {
    cmd: Command,
    _home: tempfile::TempDir,
    home: PathBuf,
}

impl Run {
    /// `make` builds the command for a fresh temporary HOME.
    fn in_new_home(make: impl FnOnce(&Path) -> Command) -> Self {
        let home = tempfile::tempdir().expect("temp home");
        let path = home.path().to_path_buf();
        Self {
            cmd: make(&path),
            _home: home,
            home: path,
        }
    }

    fn new(args: &[&str]) -> Self {
        Self::in_new_home(|home| {
            let mut cmd = tcredis(home);
            cmd.args(args);
            cmd
        })
    }

    /// Against `emu`, with its credentials in the environment.
    fn against(emu: &RunningEmulator, args: &[&str]) -> Self {
        Self::in_new_home(|home| tcredis_against(emu, emu.endpoint(), home, args))
    }

    fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// Sets `TCREDIS_MAX_ATTEMPTS` when `value` is given.
    fn max_attempts_env(self, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.env("TCREDIS_MAX_ATTEMPTS", value),
            None => self,
        }
    }

    fn env_remove(mut self, key: &str) -> Self {
        self.cmd.env_remove(key);
        self
    }

    fn output(mut self) -> Result {
        let out = self.cmd.output().expect("tcredis runs");
        Result::from(out)
    }
}

#[derive(Debug)]
struct Result {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<Output> for Result {
    fn from(o: Output) -> Self {
        Self {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Result {
    fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "unexpected exit code: {self:#?}");
        self
    }

    /// Exit code 2, nothing on stdout, and every needle in stderr (`what` names the case).
    fn expect_usage_error(&self, what: impl std::fmt::Debug, needles: &[&str]) -> &Self {
        self.expect_code(2);
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "{what:?}: stderr lacks {n:?}: {}",
                self.stderr
            );
        }
        assert!(self.stdout.is_empty(), "{what:?}: {}", self.stdout);
        self
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }

    /// No signature in stderr (and stdout when it is not the API's own JSON).
    fn no_signature(&self, check_stdout: bool) -> &Self {
        assert!(
            !self.stderr.contains("q-signature"),
            "signature in stderr: {}",
            self.stderr
        );
        if check_stdout {
            assert!(
                !self.stdout.contains("q-signature"),
                "signature in stdout: {}",
                self.stdout
            );
        }
        self
    }
}

fn assert_same_files(emu: &RunningEmulator, out: &Path) {
    let originals = emu.backup_file_paths(INSTANCE, BACKUP);
    assert_eq!(names_in(out).len(), originals.len(), "{:?}", names_in(out));
    for original in originals {
        let name = original.file_name().expect("name");
        let got = std::fs::read(out.join(name)).expect("downloaded file");
        let want = std::fs::read(&original).expect("original");
        assert!(got == want, "{name:?} differs");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_prints_the_api_response_as_json() {
    let emu = emulator().await;
    let r = Run::against(&emu, &DESCRIBE).output();
    r.expect_code(0).no_signature(false);
    let v = r.json();
    let infos = v["BackupInfos"].as_array().expect("BackupInfos");
    assert_eq!(infos.len(), 3);
    for info in infos {
        let keys: Vec<&str> = info
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys,
            ["FileName", "FileSize", "DownloadUrl", "InnerDownloadUrl"]
        );
    }
    assert_eq!(infos[0]["FileSize"], 700_000);
    assert!(v["RequestId"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(v["DownloadUrl"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["Filenames"].as_array().map(Vec::len), Some(3));
    // Pretty, 4-space indent like the official CLI.
    assert!(r.stdout.starts_with("{\n    \""), "{}", r.stdout);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_takes_a_json_body_and_gives_the_same_shape() {
    let emu = emulator().await;
    let body =
        format!(r#"{{"InstanceId":"{INSTANCE}","BackupId":"{BACKUP}","LimitType":"NoLimit"}}"#);
    let r = Run::against(&emu, &["call", "DescribeBackupUrl", "--json", &body]).output();
    r.expect_code(0);
    assert_eq!(r.json()["BackupInfos"].as_array().map(Vec::len), Some(3));
    // The subcommand name works too.
    let r = Run::against(&emu, &["call", "describe-backup-url", "--json", &body]).output();
    r.expect_code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_output_is_for_people_and_hides_signatures() {
    let emu = emulator().await;
    let r = Run::against(&emu, &[&["--output", "table"][..], &DESCRIBE].concat()).output();
    r.expect_code(0).no_signature(true);
    assert!(r.stdout.contains("BackupInfos (3 items)"), "{}", r.stdout);
    assert!(r.stdout.contains("FileName"));
    assert!(r.stdout.contains("RequestId"));
    assert!(r.stdout.contains("use --output json for the full values"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_are_usage_errors_that_send_nothing() {
    let emu = emulator().await;
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            [&DESCRIBE[..], &["--limit-type", "Bogus"]].concat(),
            vec!["Bogus", "NoLimit", "LimitOnlyIntranet", "Customize"],
        ),
        (
            vec!["describe-backup-url", "--instance-id", INSTANCE],
            vec!["--backup-id"],
        ),
        (
            vec![
                "call",
                "DescribeBackupUrl",
                "--json",
                r#"{"InstanceId":"x","BackupId":"y","LimitType":"Bogus"}"#,
            ],
            vec!["LimitType", "NoLimit, LimitOnlyIntranet, Customize"],
        ),
        (
            vec![
                "call",
                "DescribeBackupUrl",
                "--json",
                r#"{"InstanceId":"x","BackupId":"y","Nope":1}"#,
            ],
            vec!["unknown parameter Nope", "accepted: InstanceId, BackupId"],
        ),
        (
            vec![
                "call",
                "DescribeBackupUrl",
                "--json",
                r#"{"InstanceId":"x"}"#,
            ],
            vec!["missing required parameter BackupId"],
        ),
        (
            vec!["call", "DescribeBackupUrl", "--json", "{not json"],
            vec!["not valid JSON"],
        ),
        (
            vec![
                "call",
                "DescribeBackupUrl",
                "--json",
                r#"{"InstanceId":"x","BackupId":"y","LimitVpc":[{"Region":1}]}"#,
            ],
            vec!["LimitVpc.0.Region", "expected String, got a number"],
        ),
        (
            vec!["call", "NoSuchAction"],
            vec!["unknown action", "DescribeBackupUrl"],
        ),
        (
            [&download(Path::new("x"))[..], &["--parallel", "0"]].concat(),
            vec!["--parallel"],
        ),
        (
            [&["--output", "yaml"][..], &DESCRIBE].concat(),
            vec!["yaml", "json", "table"],
        ),
        (vec!["no-such-command"], vec!["no-such-command"]),
    ];
    for (args, needles) in cases {
        Run::against(&emu, &args)
            .output()
            .expect_usage_error(&args, &needles);
    }
    assert!(emu.request_log().is_empty(), "{:?}", emu.request_log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_lists_enum_values_and_exit_codes() {
    let r = Run::new(&["describe-backup-url", "--help"]).output();
    r.expect_code(0);
    for n in [
        "--limit-type",
        "NoLimit",
        "LimitOnlyIntranet",
        "Customize",
        "--ip-comparison-symbol",
        "NotIn",
    ] {
        assert!(r.stdout.contains(n), "{n}: {}", r.stdout);
    }
    let r = Run::new(&["--help"]).output();
    r.expect_code(0);
    for n in [
        "Exit codes:",
        "describe-backup-url",
        "download",
        "demo",
        "emulator",
        "call",
        "backup",
        "export",
        "  7  a backup task did not finish within --timeout",
        "TENCENTCLOUD_SECRET_ID",
        "--max-attempts <N>",
        "Default: 3 per API call, 5 per file",
        "[env: TCREDIS_MAX_ATTEMPTS=]",
    ] {
        assert!(r.stdout.contains(n), "{n}: {}", r.stdout);
    }
}

/// `tcredis emulator` takes the standalone binary's options: one parser serves both.
#[test]
fn emulator_help_lists_every_option_of_the_standalone_emulator() {
    let ours = Run::new(&["emulator", "--help"]).output();
    ours.expect_code(0);
    for option in [
        "--listen",
        "--data",
        "--region",
        "--secret-id",
        "--secret-key",
        "--token",
        "--url-ttl",
        "--backup-task-ms",
        "--demo-files",
        "--demo-file-size",
        "--no-demo",
        "--backup",
        "--no-rate-limit",
        "--max-body-bytes",
        "--fault-seed",
        "--fault-request-limit",
        "--fault-internal-error",
        "--fault-5xx",
        "--fault-reset",
        "--fault-latency-ms",
        "--fault-cut-after",
        "--fault-cut-times",
    ] {
        assert!(ours.stdout.contains(option), "{option}: {}", ours.stdout);
    }
    // A bad value is a usage error that names the option.
    let r = Run::new(&["emulator", "--fault-reset", "2"]).output();
    r.expect_code(2);
    assert!(r.stderr.contains("--fault-reset"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_name_every_place_looked() {
    let emu = emulator().await;
    let started = Instant::now();
    let r = Run::against(&emu, &DESCRIBE)
        .env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY");
    let home = r.home.clone();
    let r = r.output();
    r.expect_code(3);
    for n in [
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        ".tencentcloud/credentials",
    ] {
        assert!(r.stderr.contains(n), "{n}: {}", r.stderr);
    }
    assert!(
        r.stderr
            .contains(&home.join(".tencentcloud/credentials").display().to_string()),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    assert!(emu.request_log().is_empty());
    assert!(started.elapsed() < Duration::from_secs(20));

    // Half a pair is a configuration error too, and names the missing half.
    let r = Run::against(&emu, &DESCRIBE)
        .env_remove("TENCENTCLOUD_SECRET_KEY")
        .output();
    r.expect_code(3);
    assert!(r.stderr.contains("TENCENTCLOUD_SECRET_KEY"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_come_from_the_profile_file() {
    let emu = emulator().await;
    let run = Run::against(&emu, &[&["--profile", "work"][..], &DESCRIBE].concat())
        .env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY");
    let dir = run.home.join(".tencentcloud");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("credentials"),
        format!(
            "[default]\nsecret_id = wrong\nsecret_key = wrong\n\n[work]\nsecret_id = {}\nsecret_key = {}\n",
            emu.secret_id(),
            emu.secret_key()
        ),
    )
    .unwrap();
    let r = run.output();
    r.expect_code(0);
    assert!(r.json()["BackupInfos"].is_array());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_region_is_a_configuration_error() {
    let emu = emulator().await;
    let r = Run::new(&[&["--endpoint", emu.endpoint()][..], &DESCRIBE].concat())
        .env("TENCENTCLOUD_SECRET_ID", emu.secret_id())
        .env("TENCENTCLOUD_SECRET_KEY", emu.secret_key())
        .output();
    r.expect_code(3);
    assert!(
        r.stderr.contains("--region") && r.stderr.contains("TENCENTCLOUD_REGION"),
        "{}",
        r.stderr
    );
    // The region can come from the environment.
    let r = Run::new(&[&["--endpoint", emu.endpoint()][..], &DESCRIBE].concat())
        .env("TENCENTCLOUD_SECRET_ID", emu.secret_id())
        .env("TENCENTCLOUD_SECRET_KEY", emu.secret_key())
        .env("TENCENTCLOUD_REGION", emu.region())
        .output();
    r.expect_code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_is_a_network_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for args in [DESCRIBE.to_vec(), download(&out).to_vec()] {
        let mut full = vec![
            "--endpoint",
            endpoint.as_str(),
            "--region",
            "ap-guangzhou",
            "--no-retry",
        ];
        full.extend(args.iter().copied());
        let r = Run::new(&full)
            .env("TENCENTCLOUD_SECRET_ID", "AKIDx")
            .env("TENCENTCLOUD_SECRET_KEY", "k")
            .output();
        r.expect_code(4);
        assert!(r.stderr.contains(&endpoint), "{}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    assert!(!out.exists());
    // An endpoint that is not a URL is a configuration error.
    let r = Run::new(&[
        "--endpoint",
        "ftp://x",
        "--region",
        "ap-guangzhou",
        "describe-backup-url",
        "--instance-id",
        "a",
        "--backup-id",
        "b",
    ])
    .env("TENCENTCLOUD_SECRET_ID", "AKIDx")
    .env("TENCENTCLOUD_SECRET_KEY", "k")
    .output();
    r.expect_code(3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_errors_print_code_message_and_request_id() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let cases = [
        ("crs-nope", BACKUP, "ResourceNotFound.InstanceNotExists"),
        (INSTANCE, "999", "InvalidParameterValue.BackupNotExists"),
    ];
    for (instance, backup, code) in cases {
        let r = Run::against(
            &emu,
            &[
                "describe-backup-url",
                "--instance-id",
                instance,
                "--backup-id",
                backup,
            ],
        )
        .output();
        r.expect_code(1);
        assert!(r.stderr.contains(code), "{}", r.stderr);
        assert!(
            r.stderr.contains("Message:") && r.stderr.contains("RequestId:"),
            "{}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
        let r = Run::against(
            &emu,
            &[
                "download",
                "--instance-id",
                instance,
                "--backup-id",
                backup,
                "--out",
                out.to_str().unwrap(),
            ],
        )
        .output();
        r.expect_code(1);
        assert!(r.stderr.contains(code), "{}", r.stderr);
        assert!(!out.exists(), "a failed call wrote {out:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_fetches_and_verifies_every_file() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backup");
    let r = Run::against(&emu, &[&["-vv"][..], &download(&out)].concat()).output();
    r.expect_code(0).no_signature(true);
    assert!(
        r.stdout.contains("3 downloaded, 0 skipped, 0 failed"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("DescribeBackupUrl"),
        "logs at -vv: {}",
        r.stderr
    );
    assert_same_files(&emu, &out);

    // JSON summary.
    let r = Run::against(
        &emu,
        &[
            &["--output", "json"][..],
            &download(&out),
            &["--force", "--parallel", "1"],
        ]
        .concat(),
    )
    .output();
    r.expect_code(0).no_signature(true);
    let v = r.json();
    assert_eq!(v["Downloaded"], 3);
    assert_eq!(v["Failed"], 0);
    assert_eq!(v["Files"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["Files"][0]["Status"], "downloaded");
    assert!(v["Files"][0]["Crc64"].as_str().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_skips_complete_files_unless_forced() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backup");
    let args = download(&out);
    Run::against(&emu, &args).output().expect_code(0);
    emu.clear_request_log();
    let r = Run::against(&emu, &args).output();
    r.expect_code(0);
    assert!(r.stdout.contains("0 downloaded, 3 skipped"), "{}", r.stdout);
    assert!(r.stderr.contains("already complete"), "{}", r.stderr);
    let gets: Vec<_> = emu
        .request_log()
        .into_iter()
        .filter(|e| e.method == "GET")
        .collect();
    assert!(
        gets.iter().all(|g| g.range.as_deref() == Some("bytes=0-0")),
        "{gets:?}"
    );

    emu.clear_request_log();
    let mut forced = args.to_vec();
    forced.push("--force");
    let r = Run::against(&emu, &forced).output();
    r.expect_code(0);
    assert!(r.stdout.contains("3 downloaded, 0 skipped"), "{}", r.stdout);
    let full: Vec<_> = emu
        .request_log()
        .into_iter()
        .filter(|e| e.method == "GET" && e.range.is_none() && e.status == 200)
        .collect();
    assert_eq!(full.len(), 3);
    assert_same_files(&emu, &out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_connection_is_resumed_with_range() {
    let emu = emulator_with(|b| {
        b.faults(
            Faults::none()
                // Below the smallest file (123457 bytes), so a cut fires whichever file the
                // downloader takes first.
                .cut_download_after(100_000)
                .cut_download_times(2),
        )
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backup");
    let r = Run::against(&emu, &[&download(&out)[..], &["--parallel", "1"]].concat()).output();
    r.expect_code(0).no_signature(true);
    assert_same_files(&emu, &out);
    let log = emu.request_log();
    let cut: Vec<_> = log.iter().filter(|e| e.cut_after.is_some()).collect();
    assert_eq!(cut.len(), 2, "{log:?}");
    // Each cut response delivered 100000 bytes; every resume of that file asked for the rest,
    // from where the bytes on disk ended. Which files were cut depends on the download order,
    // so the expectation is derived per file from the log itself.
    let mut cut_paths: Vec<&str> = cut.iter().map(|e| e.path.as_str()).collect();
    cut_paths.sort_unstable();
    cut_paths.dedup();
    for path in cut_paths {
        let gets: Vec<&_> = log
            .iter()
            .filter(|e| e.method == "GET" && e.path == path)
            .collect();
        let mut expected = vec![None];
        let mut offset = 0;
        for entry in &gets {
            if let Some(n) = entry.cut_after {
                offset += n;
                expected.push(Some(format!("bytes={offset}-")));
            }
        }
        let ranges: Vec<Option<String>> = gets.iter().map(|e| e.range.clone()).collect();
        assert_eq!(ranges, expected, "{path}: {log:?}");
    }
    // The summary counts one resume per cut, on whichever files were cut.
    let resumes: usize = r
        .stdout
        .split(" resume(s)")
        .filter_map(|before| before.rsplit(' ').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(resumes, cut.len(), "{}", r.stdout);

    // --no-retry gives up at the first cut, with the network exit code and no final file.
    emu.set_faults(
        Faults::none()
            .cut_download_after(1000)
            .cut_download_times(1),
    );
    let out2 = dir.path().join("backup2");
    let r = Run::against(
        &emu,
        &[&["--no-retry"][..], &download(&out2), &["--parallel", "1"]].concat(),
    )
    .output();
    r.expect_code(4).no_signature(true);
    let names = names_in(&out2);
    assert_eq!(
        names.iter().filter(|n| n.ends_with(".rdb")).count(),
        2,
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| n.ends_with(".rdb.part")).count(),
        1,
        "{names:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_url_is_refreshed() {
    // URLs are born expired until the first DescribeBackupUrl has been answered; the CLI's
    // refresh then gets valid ones.
    let emu = emulator_with(|b| b.url_ttl(Duration::ZERO)).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backup");
    let mut child = Run::against(&emu, &download(&out)).cmd;
    let child = child
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !emu
        .request_log()
        .iter()
        .any(|e| e.action.as_deref() == Some("DescribeBackupUrl"))
    {
        assert!(Instant::now() < deadline, "no DescribeBackupUrl call");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    emu.set_url_ttl(Duration::from_secs(3600));
    let r = Result::from(
        tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .unwrap(),
    );
    r.expect_code(0).no_signature(true);
    assert_same_files(&emu, &out);
    let log = emu.request_log();
    assert!(
        log.iter().any(|e| e.method == "GET" && e.status == 403),
        "{log:?}"
    );
    let describes = log
        .iter()
        .filter(|e| e.action.as_deref() == Some("DescribeBackupUrl"))
        .count();
    assert!(describes >= 2, "{log:?}");
    assert!(
        r.stdout.contains("Fresh download URLs were fetched"),
        "{}",
        r.stdout
    );

    // URLs that never work end with exit code 4 and a message without the signature.
    emu.set_url_ttl(Duration::ZERO);
    let out2 = dir.path().join("backup2");
    let r = Run::against(&emu, &download(&out2)).output();
    r.expect_code(4).no_signature(true);
    assert!(r.stderr.contains("HTTP 403"), "{}", r.stderr);
    assert!(names_in(&out2).is_empty(), "{:?}", names_in(&out2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_out_writes_nothing() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    for out in [file.clone(), file.join("below")] {
        let r = Run::against(&emu, &download(&out)).output();
        r.expect_code(6);
        assert!(
            r.stderr.contains(&out.display().to_string())
                || r.stderr.contains(&file.display().to_string()),
            "{}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
    assert_eq!(names_in(dir.path()), ["a-file"]);
    assert!(emu.request_log().iter().all(|e| e.method != "GET"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_command_prints_its_start_line_and_serves() {
    let mut child = Run::new(&["emulator", "--listen", "127.0.0.1:0", "--url-ttl", "60"]).cmd;
    let mut child = child
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).map(|_| line)
    })
    .await
    .unwrap()
    .unwrap();
    let start: Value = serde_json::from_str(&line).expect("start line is JSON");
    let endpoint = start["endpoint"].as_str().unwrap().to_owned();
    assert_eq!(start["instances"][0]["instance_id"], INSTANCE);
    let r = Run::new(&[
        "--endpoint",
        &endpoint,
        "--region",
        start["region"].as_str().unwrap(),
        "describe-backup-url",
        "--instance-id",
        INSTANCE,
        "--backup-id",
        BACKUP,
    ])
    .env(
        "TENCENTCLOUD_SECRET_ID",
        start["secret_id"].as_str().unwrap(),
    )
    .env(
        "TENCENTCLOUD_SECRET_KEY",
        start["secret_key"].as_str().unwrap(),
    )
    .output();
    let _ = child.kill();
    let _ = child.wait();
    r.expect_code(0);
    assert_eq!(r.json()["BackupInfos"].as_array().map(Vec::len), Some(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let r = Run::new(&["demo", "--out", out.to_str().unwrap()]).output();
    r.expect_code(0).no_signature(true);
    assert!(r.stdout.contains("Verified 5 files"), "{}", r.stdout);
    assert!(r.stdout.contains(&out.display().to_string()));
    assert_eq!(
        names_in(&out)
            .iter()
            .filter(|n| n.ends_with(".rdb"))
            .count(),
        5
    );
}

// ---------------------------------------------------------------------------------------------
// backup list, backup create, export (and the library's backup workflow against the emulator)

fn require_redis_check_rdb() {
    let found = Command::new("redis-check-rdb")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    assert!(
        found,
        "redis-check-rdb is not on PATH: run scripts/install-test-deps (Debian package redis-tools)"
    );
}

fn check_rdb(path: &Path) {
    let out = Command::new("redis-check-rdb")
        .arg(path)
        .output()
        .expect("redis-check-rdb runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "redis-check-rdb {path:?}: {report}");
    assert!(report.contains("RDB looks OK"), "{report}");
}

/// `backup list` of the demo instance, as the API's JSON.
const BACKUP_LIST_JSON: [&str; 6] = [
    "backup",
    "list",
    "--instance-id",
    INSTANCE,
    "--output",
    "json",
];

/// `export` of the demo instance into `out`.
fn export(out: &Path) -> [&str; 5] {
    [
        "export",
        "--instance-id",
        INSTANCE,
        "--out",
        out.to_str().expect("utf-8 path"),
    ]
}

fn actions_sent(emu: &RunningEmulator) -> Vec<String> {
    emu.request_log()
        .into_iter()
        .filter_map(|e| e.action)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_list_prints_a_table_or_the_api_json() {
    let emu = emulator().await;
    let r = Run::against(&emu, &BACKUP_LIST_JSON).output();
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["TotalCount"], 1, "{v}");
    let set = v["BackupSet"].as_array().expect("BackupSet");
    assert_eq!(set[0]["BackupId"], BACKUP);
    for key in ["StartTime", "EndTime", "BackupType", "Status", "InstanceId"] {
        assert!(set[0].get(key).is_some(), "{key} missing: {v}");
    }
    assert!(v["RequestId"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(r.stdout.starts_with("{\n    \""), "{}", r.stdout);

    // Table by default.
    let r = Run::against(
        &emu,
        &["backup", "list", "--instance-id", INSTANCE, "--limit", "10"],
    )
    .output();
    r.expect_code(0);
    let header = r.stdout.lines().nth(1).unwrap_or_default();
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        columns,
        [
            "BackupId",
            "StartTime",
            "EndTime",
            "Status",
            "Size",
            "Type",
            "Remark"
        ],
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(&format!("Backups of instance {INSTANCE}: 1 of 1")),
        "{}",
        r.stdout
    );
    let row = r
        .stdout
        .lines()
        .find(|l| l.starts_with(BACKUP))
        .unwrap_or_else(|| panic!("no row for the backup: {}", r.stdout));
    assert!(row.contains("complete (2)"), "{row}");

    // Filters reach the API: nothing in progress.
    let r = Run::against(
        &emu,
        &[
            "backup",
            "list",
            "--instance-id",
            INSTANCE,
            "--status",
            "in-progress",
            "--begin-time",
            "2000-01-01",
            "--end-time",
            "2000-01-20 10:00:00",
        ],
    )
    .output();
    r.expect_code(0);
    assert!(r.stdout.contains("No backups of instance"), "{}", r.stdout);

    // Bad values are usage errors naming what is accepted; nothing is sent.
    emu.clear_request_log();
    let bad: [(&[&str], &str); 4] = [
        (
            &["--status", "done"],
            "accepted: 1 (or in-progress), 2 (or complete)",
        ),
        (&["--begin-time", "yesterday"], "YYYY-MM-DD hh:mm:ss"),
        (&["--end-time", "2024-13-01"], "a real date from 1970"),
        (&["--limit", "101"], "1..=100"),
    ];
    for (args, hint) in bad {
        let mut all = vec!["backup", "list", "--instance-id", INSTANCE];
        all.extend_from_slice(args);
        let r = Run::against(&emu, &all).output();
        r.expect_code(2);
        assert!(r.stderr.contains(hint), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    assert!(emu.request_log().is_empty(), "{:?}", actions_sent(&emu));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_create_waits_for_the_task_and_names_the_backup() {
    let emu = emulator_with(|b| b.backup_task_duration(Duration::from_millis(800))).await;
    let r = Run::against(
        &emu,
        &[
            "backup",
            "create",
            "--instance-id",
            INSTANCE,
            "--remark",
            "cli test",
            "--wait",
            "--poll-interval",
            "0.1",
            "--output",
            "json",
        ],
    )
    .output();
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["Status"], "succeed", "{v}");
    assert_eq!(v["InstanceId"], INSTANCE);
    assert_eq!(v["Remark"], "cli test");
    let task_id = v["TaskId"].as_u64().expect("TaskId");
    let task = emu.task(task_id).expect("the emulator knows the task");
    assert_eq!(task.status, "succeed");
    assert_eq!(v["BackupId"], task.backup_id.as_str(), "{v}");
    assert_eq!(v["Backup"]["Remark"], "cli test");
    for status in ["preparing", "running", "succeed"] {
        let line = format!("task {task_id}: {status}");
        assert!(r.stderr.contains(&line), "{line}: {}", r.stderr);
    }
    // Each status once: lines only on a change.
    assert_eq!(r.stderr.matches(": running").count(), 1, "{}", r.stderr);

    // The new backup is listed with its remark.
    let r = Run::against(&emu, &BACKUP_LIST_JSON).output();
    r.expect_code(0);
    let v = r.json();
    let listed = v["BackupSet"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["BackupId"] == task.backup_id.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(listed["Remark"], "cli test");
    assert_eq!(listed["BackupType"], "0");

    // Without --wait: the task id at once (table by default, the API's JSON on request).
    let r = Run::against(&emu, &["backup", "create", "--instance-id", INSTANCE]).output();
    r.expect_code(0);
    assert!(r.stdout.contains("TaskId"), "{}", r.stdout);
    assert!(
        r.stderr.contains("describe-task-info --task-id"),
        "{}",
        r.stderr
    );
    let r = Run::against(
        &emu,
        &[
            "backup",
            "create",
            "--instance-id",
            INSTANCE,
            "--storage-days",
            "3",
            "--output",
            "json",
        ],
    )
    .output();
    r.expect_code(0);
    let v = r.json();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(keys, ["TaskId", "RequestId"], "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_makes_downloads_and_verifies_a_new_backup() {
    require_redis_check_rdb();
    let emu = emulator_with(|b| b.backup_task_duration(Duration::from_millis(300))).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let r = Run::against(
        &emu,
        &[
            &export(&out)[..],
            &["--poll-interval", "0.1", "--output", "json"],
        ]
        .concat(),
    )
    .output();
    r.expect_code(0).no_signature(true);
    let v = r.json();
    let task_id = v["TaskId"].as_u64().expect("TaskId");
    let backup_id = v["BackupId"].as_str().expect("BackupId").to_owned();
    let task = emu.task(task_id).expect("task");
    assert_eq!(task.backup_id, backup_id);
    assert_ne!(backup_id, BACKUP);
    assert!(
        v["Remark"].as_str().unwrap().starts_with("tcredis export "),
        "{v}"
    );
    assert_eq!(v["Download"]["Failed"], 0, "{v}");
    assert_eq!(v["Backup"]["Remark"], v["Remark"]);
    let originals = emu.backup_file_paths(INSTANCE, &backup_id);
    assert!(!originals.is_empty());
    assert_eq!(v["Download"]["Downloaded"], originals.len());
    assert_eq!(
        names_in(&out).len(),
        originals.len(),
        "{:?}",
        names_in(&out)
    );
    for original in &originals {
        let name = original.file_name().unwrap();
        let got = out.join(name);
        assert!(
            std::fs::read(&got).unwrap() == std::fs::read(original).unwrap(),
            "{name:?} differs"
        );
        check_rdb(&got);
    }
    assert!(
        r.stderr.contains(&format!("task {task_id}: succeed")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("backup {backup_id} found")),
        "{}",
        r.stderr
    );
    // The order of the calls.
    let actions = actions_sent(&emu);
    let first = |a: &str| actions.iter().position(|x| x == a).unwrap();
    assert!(first("DescribeInstanceBackups") < first("ManualBackupInstance"));
    assert!(first("ManualBackupInstance") < first("DescribeTaskInfo"));
    assert!(first("DescribeTaskInfo") < first("DescribeBackupUrl"));

    // Again into the same folder, with the table summary: a second, new backup.
    let r = Run::against(
        &emu,
        &[
            &export(&out)[..],
            &["--remark", "second", "--poll-interval", "0.1"],
        ]
        .concat(),
    )
    .output();
    r.expect_code(0).no_signature(true);
    assert!(
        r.stdout
            .starts_with(&format!("Exported instance {INSTANCE}: task ")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("(remark \"second\")"), "{}", r.stdout);
    assert!(r.stdout.contains("0 failed"), "{}", r.stdout);
    assert!(!r.stdout.contains(&backup_id), "{}", r.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_and_create_of_an_unknown_instance_fail_and_write_nothing() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for args in [
        vec![
            "export",
            "--instance-id",
            "crs-nope",
            "--out",
            out.to_str().unwrap(),
        ],
        vec!["backup", "create", "--instance-id", "crs-nope", "--wait"],
        vec!["backup", "create", "--instance-id", "crs-nope"],
        vec!["backup", "list", "--instance-id", "crs-nope"],
    ] {
        let r = Run::against(&emu, &args).output();
        r.expect_code(1);
        for part in [
            "ResourceNotFound.InstanceNotExists",
            "Message:",
            "RequestId:",
            "crs-nope",
        ] {
            assert!(r.stderr.contains(part), "{args:?} {part}: {}", r.stderr);
        }
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert!(!out.exists(), "{args:?} wrote {out:?}");
    }
    assert!(
        !actions_sent(&emu).iter().any(|a| a == "DescribeTaskInfo"),
        "{:?}",
        actions_sent(&emu)
    );

    // An unusable --out: exit 6 before any backup is started.
    emu.clear_request_log();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let r = Run::against(
        &emu,
        &[
            "export",
            "--instance-id",
            INSTANCE,
            "--out",
            file.join("sub").to_str().unwrap(),
        ],
    )
    .output();
    r.expect_code(6);
    assert!(r.stderr.contains("not a folder"), "{}", r.stderr);
    assert!(emu.request_log().is_empty(), "{:?}", actions_sent(&emu));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_longer_than_the_timeout_exits_7_naming_the_task() {
    let emu = emulator_with(|b| b.backup_task_duration(Duration::from_secs(120))).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for args in [
        vec!["backup", "create", "--instance-id", INSTANCE, "--wait"],
        export(&out).to_vec(),
    ] {
        let began = Instant::now();
        let mut all = args.clone();
        all.extend(["--timeout", "0.6", "--poll-interval", "0.1"]);
        let r = Run::against(&emu, &all).output();
        let took = began.elapsed();
        r.expect_code(7);
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
        let task_id = emu
            .request_log()
            .iter()
            .filter(|e| e.action.as_deref() == Some("DescribeTaskInfo"))
            .count();
        assert!(task_id > 0);
        assert!(
            r.stderr
                .contains("did not finish within the timeout of 0.6 s")
                && r.stderr.contains("describe-task-info --task-id ")
                && r.stderr.contains("last status "),
            "{args:?}: {}",
            r.stderr
        );
        assert!(!out.exists(), "{args:?} wrote {out:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_waits_for_an_emulator_task_and_exports() {
    use std::sync::{Arc, Mutex};
    use tencentcloud_redis::export::{export_backup, wait_for_task, ExportOptions, WaitOptions};
    use tencentcloud_redis::{Client, Credentials, Endpoint, ManualBackupInstanceRequest};

    let emu = emulator_with(|b| b.backup_task_duration(Duration::from_millis(600))).await;
    let client = Client::builder()
        .region(emu.region())
        .endpoint(Endpoint::Url(emu.endpoint().to_owned()))
        .credentials(Credentials::new(emu.secret_id(), emu.secret_key()))
        .build()
        .unwrap();
    let started = client
        .send(ManualBackupInstanceRequest::new(INSTANCE).remark("lib"))
        .await
        .unwrap();
    let task_id = u64::try_from(started.task_id.expect("TaskId")).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let options = WaitOptions::new()
        .poll_interval(Duration::from_millis(50))
        .max_poll_interval(Duration::from_millis(100))
        .on_status(move |p| {
            if p.changed {
                s.lock()
                    .unwrap()
                    .push(p.status.map(|s| s.as_str().to_owned()));
            }
        });
    let began = Instant::now();
    let outcome = wait_for_task(&client, task_id, options).await.unwrap();
    assert!(
        began.elapsed() >= Duration::from_millis(450),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(outcome.response.instance_id.as_deref(), Some(INSTANCE));
    let seen: Vec<String> = seen.lock().unwrap().iter().flatten().cloned().collect();
    assert_eq!(seen, ["preparing", "running", "succeed"]);

    // A tiny timeout against the same kind of task: TimedOut with the task id.
    let started = client
        .send(ManualBackupInstanceRequest::new(INSTANCE))
        .await
        .unwrap();
    let id = u64::try_from(started.task_id.unwrap()).unwrap();
    let err = wait_for_task(
        &client,
        id,
        WaitOptions::new().timeout(Duration::from_millis(100)),
    )
    .await
    .unwrap_err();
    assert_eq!(err.task_id(), id);
    assert!(
        err.to_string()
            .contains(&format!("task {id} did not finish")),
        "{err}"
    );

    // export_backup end to end.
    let dir = tempfile::tempdir().unwrap();
    let summary = export_backup(
        &client,
        INSTANCE,
        dir.path(),
        ExportOptions::new().wait(WaitOptions::new().poll_interval(Duration::from_millis(50))),
    )
    .await
    .unwrap();
    assert!(summary.download.is_success());
    assert_eq!(
        emu.task(summary.task_id).unwrap().backup_id,
        summary.backup_id
    );
    assert_eq!(
        summary.download.files.len(),
        emu.backup_file_paths(INSTANCE, &summary.backup_id).len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_backup_task_exits_1_with_its_message() {
    let emu = emulator_with(|b| b.backup_task_duration(Duration::from_millis(200))).await;
    // Files too small for the data set: the emulator's backup task fails.
    assert!(emu.set_backup_file_sizes(INSTANCE, vec![100]));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for args in [
        vec!["backup", "create", "--instance-id", INSTANCE, "--wait"],
        export(&out).to_vec(),
    ] {
        let mut all = args.clone();
        all.extend(["--poll-interval", "0.1"]);
        let r = Run::against(&emu, &all).output();
        r.expect_code(1);
        for part in ["failed", "Status: failed", "TaskMessage: ", "RequestId: "] {
            assert!(r.stderr.contains(part), "{args:?} {part}: {}", r.stderr);
        }
        assert!(!r.stderr.contains("TaskMessage: (none)"), "{}", r.stderr);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert!(!out.exists(), "{args:?} wrote {out:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_backup_and_export_arguments_are_usage_errors() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["backup"], "Usage"),
        (
            &[
                "backup",
                "create",
                "--instance-id",
                INSTANCE,
                "--wait",
                "--timeout",
                "0",
            ],
            "out of range",
        ),
        (
            &[
                "export",
                "--instance-id",
                INSTANCE,
                "--out",
                out,
                "--timeout",
                "soon",
            ],
            "not a number of seconds",
        ),
        (
            &[
                "export",
                "--instance-id",
                INSTANCE,
                "--out",
                out,
                "--poll-interval",
                "NaN",
            ],
            "out of range",
        ),
        (
            &[
                "backup",
                "create",
                "--instance-id",
                INSTANCE,
                "--storage-days",
                "5000",
            ],
            "0..=1825",
        ),
        (&["export", "--instance-id", INSTANCE], "--out <DIR>"),
    ];
    for (args, hint) in cases {
        let r = Run::against(&emu, args).output();
        r.expect_code(2);
        assert!(r.stderr.contains(hint), "{args:?}: {}", r.stderr);
    }
    assert!(emu.request_log().is_empty(), "{:?}", actions_sent(&emu));
    assert!(!Path::new(out).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_max_attempts_are_usage_errors_that_send_nothing() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let describe = DESCRIBE;
    let download = download(Path::new(out));
    let create = ["backup", "create", "--instance-id", INSTANCE, "--wait"];
    let export = ["export", "--instance-id", INSTANCE, "--out", out];
    let range = [
        "--max-attempts <N>",
        "from 1 to 100",
        "TCREDIS_MAX_ATTEMPTS",
    ];
    let conflict = ["--no-retry", "--max-attempts 5", "cannot be used with"];
    let commands: [&[&str]; 4] = [&describe, &download, &create, &export];
    // Before the subcommand and after it.
    fn placed<'a>(options: &[&'a str], command: &[&'a str]) -> [Vec<&'a str>; 2] {
        [[options, command].concat(), [command, options].concat()]
    }
    let bad = ["0", "101", "-1", "lots", "99999999999"];
    for (value, command) in bad.into_iter().zip(commands.iter().cycle()) {
        for args in placed(&["--max-attempts", value], command) {
            Run::against(&emu, &args)
                .output()
                .expect_usage_error(&args, &range);
        }
    }
    for (value, command) in [("0", &describe[..]), ("three", &download)] {
        Run::against(&emu, command)
            .max_attempts_env(Some(value))
            .output()
            .expect_usage_error((command, value), &range);
    }
    for command in commands {
        for args in placed(&["--no-retry", "--max-attempts", "5"], command) {
            Run::against(&emu, &args)
                .output()
                .expect_usage_error(&args, &conflict);
        }
    }
    // The command line's value is the one checked, whatever the environment says.
    let args = [&["--max-attempts", "5", "--no-retry"][..], &export].concat();
    Run::against(&emu, &args)
        .max_attempts_env(Some("1"))
        .output()
        .expect_usage_error(&args, &conflict);
    assert!(emu.request_log().is_empty(), "{:?}", actions_sent(&emu));
    assert!(!Path::new(out).exists());

    // Consistent combinations are accepted: --no-retry with --max-attempts 1, and --no-retry
    // over the environment's budget.
    for (args, env) in [
        (
            [&["--no-retry", "--max-attempts", "1"][..], &describe].concat(),
            None,
        ),
        ([&["--no-retry"][..], &describe].concat(), Some("7")),
        ([&["--max-attempts", "100"][..], &describe].concat(), None),
    ] {
        Run::against(&emu, &args)
            .max_attempts_env(env)
            .output()
            .expect_code(0);
    }
}

/// How many GET requests each download path received.
fn gets_per_path(emu: &RunningEmulator) -> std::collections::BTreeMap<String, usize> {
    let mut gets = std::collections::BTreeMap::new();
    for e in emu.request_log().into_iter().filter(|e| e.method == "GET") {
        *gets.entry(e.path).or_default() += 1;
    }
    gets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_attempts_bounds_every_call_and_every_file() {
    // Every API answer is an HTTP 503: a call makes exactly its budget of attempts.
    let emu = emulator_with(|b| {
        b.backup_task_duration(Duration::from_millis(100))
            .faults(Faults::none().http_5xx(1.0))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let describe = DESCRIBE;
    let create = ["backup", "create", "--instance-id", INSTANCE, "--wait"];
    let export = ["export", "--instance-id", INSTANCE, "--out", out];
    // (arguments, TCREDIS_MAX_ATTEMPTS, the action sent, attempts); `backup create --wait`
    // and `export` first list the backups known before.
    let cases: Vec<(Vec<&str>, Option<&str>, &str, usize)> = vec![
        (describe.to_vec(), None, "DescribeBackupUrl", 3),
        (
            [&["--max-attempts", "5"][..], &describe].concat(),
            None,
            "DescribeBackupUrl",
            5,
        ),
        (
            [&describe[..], &["--max-attempts", "1"]].concat(),
            None,
            "DescribeBackupUrl",
            1,
        ),
        (describe.to_vec(), Some("2"), "DescribeBackupUrl", 2),
        (
            [&["--max-attempts", "4"][..], &describe].concat(),
            Some("2"),
            "DescribeBackupUrl",
            4,
        ),
        (
            [&["--no-retry"][..], &describe].concat(),
            Some("6"),
            "DescribeBackupUrl",
            1,
        ),
        (
            [&["--max-attempts", "4"][..], &create].concat(),
            None,
            "DescribeInstanceBackups",
            4,
        ),
        (
            [&["--max-attempts", "2"][..], &export].concat(),
            None,
            "DescribeInstanceBackups",
            2,
        ),
    ];
    for (args, env, action, attempts) in cases {
        emu.clear_request_log();
        let r = Run::against(&emu, &args).max_attempts_env(env).output();
        r.expect_code(4);
        assert!(r.stderr.contains("503"), "{args:?}: {}", r.stderr);
        let sent = actions_sent(&emu);
        assert_eq!(sent, vec![action; attempts], "{args:?} {env:?}");
        assert!(
            emu.request_log().iter().all(|e| e.status == 503),
            "{args:?}"
        );
    }
    assert!(!Path::new(out).exists());

    // Every download response is cut before its first byte: each file of `download` and
    // `export` makes exactly its budget of attempts (5 by default); the API calls succeed.
    emu.set_faults(Faults::none().cut_download_after(0));
    let cases = [
        ("download", None, 5),
        ("download", Some("2"), 2),
        ("download", Some("1"), 1),
        ("export", None, 5),
        ("export", Some("2"), 2),
    ];
    for (command, flag, attempts) in cases {
        emu.clear_request_log();
        let target = dir.path().join(format!("{command}-{attempts}"));
        let target = target.to_str().unwrap();
        let mut args = vec![];
        if let Some(n) = flag {
            args.extend(["--max-attempts", n]);
        }
        args.extend([command, "--instance-id", INSTANCE, "--out", target]);
        args.extend(match command {
            "download" => ["--backup-id", BACKUP],
            _ => ["--poll-interval", "0.1"],
        });
        let r = Run::against(&emu, &args).output();
        r.expect_code(4).no_signature(true);
        let urls = actions_sent(&emu)
            .iter()
            .filter(|a| *a == "DescribeBackupUrl")
            .count();
        assert_eq!(urls, 1, "{args:?}: {:?}", actions_sent(&emu));
        let gets = gets_per_path(&emu);
        assert_eq!(gets.len(), 3, "{args:?}: {gets:?}");
        assert!(gets.values().all(|n| *n == attempts), "{args:?}: {gets:?}");
        let written = names_in(Path::new(target));
        assert!(!written.iter().any(|n| n.ends_with(".rdb")), "{written:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_beyond_the_backups_are_subcommands_and_calls() {
    let emu = emulator().await;
    // A subcommand of an action the emulator knows instances for.
    let r = Run::against(&emu, &["describe-instances", "--instance-id", INSTANCE]).output();
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["TotalCount"], 1, "{v}");
    assert_eq!(v["InstanceSet"][0]["InstanceId"], INSTANCE);
    // `call` with a JSON body, for an action answered from the schema with a task.
    let body = format!(r#"{{"InstanceId":"{INSTANCE}"}}"#);
    let r = Run::against(&emu, &["call", "ClearInstance", "--json", &body]).output();
    r.expect_code(0);
    let task_id = r.json()["TaskId"].as_u64().expect("TaskId");
    assert!(
        emu.task(task_id).is_some(),
        "the emulator knows task {task_id}"
    );
    // A required member missing is named before anything is sent.
    let r = Run::against(&emu, &["clear-instance"]).output();
    assert_ne!(r.code, Some(0));
    assert!(r.stderr.contains("instance-id"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_follows_the_task_of_any_task_action_and_times_out_with_7() {
    let emu = emulator_with(|b| b.backup_task_duration(Duration::from_millis(500))).await;
    let r = Run::against(
        &emu,
        &[
            "clear-instance",
            "--instance-id",
            INSTANCE,
            "--wait",
            "--poll-interval",
            "0.1",
        ],
    )
    .output();
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["Task"]["Status"], "succeed", "{v}");
    assert_eq!(v["Task"]["TaskType"], "ClearInstance");
    assert!(v["TaskId"].as_u64().is_some(), "{v}");
    assert!(r.stderr.contains("running"), "{}", r.stderr);

    // `call --wait` the same; a task longer than --timeout exits 7.
    let slow = emulator_with(|b| b.backup_task_duration(Duration::from_secs(120))).await;
    let body = format!(r#"{{"InstanceId":"{INSTANCE}"}}"#);
    let r = Run::against(
        &slow,
        &[
            "call",
            "ClearInstance",
            "--json",
            &body,
            "--wait",
            "--timeout",
            "0.5",
            "--poll-interval",
            "0.1",
        ],
    )
    .output();
    r.expect_code(7);
    assert!(
        r.stderr.contains("The ClearInstance task may still finish"),
        "{}",
        r.stderr
    );
    // --wait on an action that starts no task is a usage error that sends nothing.
    let before = slow.request_log().len();
    let r = Run::against(&slow, &["call", "DescribeInstances", "--wait"]).output();
    assert_ne!(r.code, Some(0));
    assert!(r.stderr.contains("starts no task"), "{}", r.stderr);
    assert_eq!(slow.request_log().len(), before);
    // Subcommands of actions without a task have no --wait.
    let r = Run::against(&slow, &["describe-instances", "--wait"]).output();
    assert_ne!(r.code, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_fetches_every_page_of_a_listing() {
    let emu = emulator().await;
    for i in 0..44 {
        emu.add_instance(&format!("crs-all{i:04}"));
    }
    let total = emu.instances().len();
    let r = Run::against(&emu, &["describe-instances", "--limit", "10", "--all"]).output();
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["TotalCount"], total);
    let listed = v["InstanceSet"].as_array().expect("InstanceSet");
    assert_eq!(listed.len(), total);
    let pages = emu
        .request_log()
        .iter()
        .filter(|e| e.action.as_deref() == Some("DescribeInstances"))
        .count();
    assert_eq!(pages, total.div_ceil(10));
    // From an offset.
    let r = Run::against(
        &emu,
        &[
            "describe-instances",
            "--limit",
            "10",
            "--offset",
            "40",
            "--all",
        ],
    )
    .output();
    r.expect_code(0);
    assert_eq!(
        r.json()["InstanceSet"].as_array().map(Vec::len),
        Some(total - 40)
    );
    // Only listings have --all.
    let r = Run::against(
        &emu,
        &["clear-instance", "--instance-id", INSTANCE, "--all"],
    )
    .output();
    assert_ne!(r.code, Some(0));
}
