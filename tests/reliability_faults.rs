//! Reliability under faults (issue 8, items 1 and 2), the library against the emulator:
//!
//! - the fault matrix: 200 sequential `DescribeBackupUrl` calls while 30% of the emulator's
//!   answers are `RequestLimitExceeded`, `InternalError`, HTTP 503 or a TCP reset all succeed,
//!   with every attempt accounted for in the emulator's request log;
//! - authentication and parameter errors are never retried, even with a generous budget;
//! - a five-file download whose connections are cut at seeded random offsets in every file
//!   (plus download 503s and resets, and URLs that are born expired) ends with every file
//!   byte-identical to its source, each cut resumed with `Range` from exactly where it broke.
//!
//! Every fault is drawn from a fixed seed and every call is sequential, so each run sees the
//! same sequence.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tencentcloud_redis::download::{download_backup, DownloadOptions, FileOutcome, ProgressEvent};
use tencentcloud_redis::types::LimitType;
use tencentcloud_redis::{
    Action, CallOptions, Client, Credentials, DescribeBackupUrlError, DescribeBackupUrlRequest,
    DescribeBackupUrlResponse, Endpoint, RateLimit, RetryPolicy, ServiceInfo,
};
use tencentcloud_redis_emulator::{DemoData, Emulator, Faults, LogEntry, RunningEmulator};

const INSTANCE: &str = "crs-4y9t57vt";
const BACKUP: &str = "678362566696298532848117";
const CALLS: u32 = 200;
const MAX_ATTEMPTS: u32 = 12;

/// Per-kind probability so that one of the four fires on 30% of the calls:
/// 1 - (1 - p)^4 = 0.30.
fn per_kind_probability() -> f64 {
    1.0 - 0.7f64.powf(0.25)
}

fn matrix_faults(seed: u64) -> Faults {
    let p = per_kind_probability();
    Faults::none()
        .seed(seed)
        .request_limit_exceeded(p)
        .internal_error(p)
        .http_5xx(p)
        .connection_reset(p)
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(4))
}

fn client_for(emu: &RunningEmulator, creds: Credentials) -> Client {
    Client::builder()
        .region(emu.region())
        .endpoint(Endpoint::Url(emu.endpoint().to_owned()))
        .credentials(creds)
        .retry(fast_retries())
        .rate_limit(RateLimit::Disabled)
        .build()
        .expect("client")
}

fn small_demo() -> DemoData {
    DemoData {
        file_sizes: vec![20_000, 21_000, 22_000, 23_000, 24_000],
        ..DemoData::default()
    }
}

/// What one logged API answer was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Success,
    RequestLimitExceeded,
    InternalError,
    Http5xx,
    Reset,
    Other,
}

fn kind_of(e: &LogEntry) -> Kind {
    match (e.status, e.error_code.as_deref()) {
        (0, _) => Kind::Reset,
        (503, _) => Kind::Http5xx,
        (200, None) => Kind::Success,
        (200, Some("RequestLimitExceeded")) => Kind::RequestLimitExceeded,
        (200, Some("InternalError")) => Kind::InternalError,
        _ => Kind::Other,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_calls_ride_out_thirty_percent_faults_with_every_attempt_accounted_for() {
    let emu = Emulator::builder()
        .demo(small_demo())
        .rate_limit(false)
        .faults(matrix_faults(0x1550_0008))
        .start()
        .await
        .expect("emulator starts");
    let client = client_for(&emu, Credentials::new(emu.secret_id(), emu.secret_key()));

    let mut attempts = Vec::with_capacity(CALLS as usize);
    for i in 0..CALLS {
        let outcome = client
            .send_detailed(
                DescribeBackupUrlRequest::new(INSTANCE, BACKUP),
                CallOptions::new(),
            )
            .await;
        let response = outcome
            .result
            .unwrap_or_else(|e| panic!("call {i} failed after {} attempts: {e}", outcome.attempts));
        assert_eq!(response.backup_infos.len(), 5, "call {i}");
        assert_eq!(
            outcome.request_id.as_deref(),
            Some(response.request_id.as_str()),
            "call {i}: the outcome's RequestId is the answer's"
        );
        assert!(
            (1..=MAX_ATTEMPTS).contains(&outcome.attempts),
            "call {i}: {} attempts",
            outcome.attempts
        );
        attempts.push(outcome.attempts);
    }

    let log: Vec<LogEntry> = emu
        .request_log()
        .into_iter()
        .filter(|e| e.method == "POST")
        .collect();
    let total: u32 = attempts.iter().sum();
    assert_eq!(
        log.len(),
        total as usize,
        "every attempt the client counted reached the emulator, and nothing else did"
    );

    // Replay the log call by call: each call's attempts are faults, then one success.
    let mut entries = log.iter();
    for (i, &n) in attempts.iter().enumerate() {
        let call: Vec<&LogEntry> = entries.by_ref().take(n as usize).collect();
        let (last, before) = call.split_last().expect("at least one attempt");
        assert_eq!(kind_of(last), Kind::Success, "call {i} ended with {last:?}");
        for e in before {
            let k = kind_of(e);
            assert!(
                matches!(
                    k,
                    Kind::RequestLimitExceeded | Kind::InternalError | Kind::Http5xx | Kind::Reset
                ),
                "call {i}: attempt answered {e:?} was retried"
            );
        }
        assert!(
            call.iter()
                .all(|e| e.action.as_deref() == Some("DescribeBackupUrl") || e.status == 0),
            "call {i}: {call:?}"
        );
    }

    let mut per_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for e in &log {
        *per_kind.entry(kind_of(e)).or_default() += 1;
    }
    let faults = log.len() - per_kind.get(&Kind::Success).copied().unwrap_or(0);
    eprintln!(
        "fault matrix: {CALLS} calls, {total} attempts (max {} per call), {faults} faults: {per_kind:?}",
        attempts.iter().max().copied().unwrap_or(0)
    );
    assert_eq!(per_kind.get(&Kind::Success), Some(&(CALLS as usize)));
    assert_eq!(per_kind.get(&Kind::Other), None, "{per_kind:?}");
    for kind in [
        Kind::RequestLimitExceeded,
        Kind::InternalError,
        Kind::Http5xx,
        Kind::Reset,
    ] {
        assert!(
            per_kind.get(&kind).copied().unwrap_or(0) >= 5,
            "{kind:?} was injected too rarely: {per_kind:?}"
        );
    }
    // 30% of all answers were faults (seeded, so this is the same figure on every run).
    let rate = faults as f64 / log.len() as f64;
    assert!((0.22..=0.38).contains(&rate), "fault rate {rate}");
    assert_eq!(
        total as usize,
        CALLS as usize + faults,
        "one retry per fault"
    );
    assert!(
        attempts.iter().any(|&n| n >= 3),
        "some call needed several retries"
    );
}

// ---- hand-written actions for bodies the generated request type rules out ----

#[derive(Serialize)]
struct WrongType {
    #[serde(rename = "InstanceId")]
    instance_id: u32,
    #[serde(rename = "BackupId")]
    backup_id: &'static str,
}

#[derive(Serialize)]
struct MissingBackupId {
    #[serde(rename = "InstanceId")]
    instance_id: &'static str,
}

#[derive(Serialize)]
#[serde(transparent)]
struct Raw<T>(T);

impl<T: Serialize + Send + Sync> Action for Raw<T> {
    type Response = DescribeBackupUrlResponse;
    type Error = DescribeBackupUrlError;
    const NAME: &'static str = "DescribeBackupUrl";
    const SERVICE: &'static ServiceInfo = &tencentcloud_redis::SERVICE;
    const RATE_LIMIT_PER_SECOND: Option<u32> = None;
}

/// Sends `request`, and checks it took exactly one attempt, one logged request, answered
/// with `code`.
async fn assert_not_retried<A: Action>(
    emu: &RunningEmulator,
    client: &Client,
    request: A,
    code: &str,
) {
    emu.clear_request_log();
    let outcome = client.send_detailed(request, CallOptions::new()).await;
    let err = match outcome.result {
        Ok(_) => panic!("{code}: the call succeeded"),
        Err(e) => e,
    };
    assert_eq!(err.code(), Some(code), "{err:?}");
    assert!(!err.is_retryable(), "{code} is classed retryable");
    assert_eq!(outcome.attempts, 1, "{code} was retried");
    let log = emu.request_log();
    assert_eq!(log.len(), 1, "{code}: {log:?}");
    assert_eq!(log[0].error_code.as_deref(), Some(code), "{log:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_and_parameter_errors_are_never_retried() {
    let emu = Emulator::builder()
        .demo(small_demo())
        .rate_limit(false)
        .start()
        .await
        .expect("emulator starts");
    let good = client_for(&emu, Credentials::new(emu.secret_id(), emu.secret_key()));
    let wrong_key = client_for(
        &emu,
        Credentials::new(emu.secret_id(), "not-the-secret-key-at-all"),
    );
    let unknown_id = client_for(&emu, Credentials::new("AKIDnobodyknows", emu.secret_key()));
    let cases: Vec<(&str, &Client)> = vec![
        ("AuthFailure.SignatureFailure", &wrong_key),
        ("AuthFailure.SecretIdNotFound", &unknown_id),
    ];
    for (code, client) in cases {
        assert_not_retried(
            &emu,
            client,
            DescribeBackupUrlRequest::new(INSTANCE, BACKUP),
            code,
        )
        .await;
    }
    assert_not_retried(
        &emu,
        &good,
        DescribeBackupUrlRequest::new(INSTANCE, "000000000000000000000000"),
        "InvalidParameterValue.BackupNotExists",
    )
    .await;
    assert_not_retried(
        &emu,
        &good,
        DescribeBackupUrlRequest::new(INSTANCE, BACKUP).limit_type(LimitType::from("Bogus")),
        "InvalidParameterValue",
    )
    .await;
    assert_not_retried(
        &emu,
        &good,
        Raw(WrongType {
            instance_id: 5,
            backup_id: BACKUP,
        }),
        "InvalidParameter",
    )
    .await;
    assert_not_retried(
        &emu,
        &good,
        Raw(MissingBackupId {
            instance_id: INSTANCE,
        }),
        "MissingParameter",
    )
    .await;

    // Under the fault matrix too: the faults before it are retried, the refusal is final.
    emu.set_faults(matrix_faults(0x1550_0009));
    for i in 0..20 {
        emu.clear_request_log();
        let outcome = wrong_key
            .send_detailed(
                DescribeBackupUrlRequest::new(INSTANCE, BACKUP),
                CallOptions::new(),
            )
            .await;
        let code = outcome.result.as_ref().err().and_then(|e| e.code());
        assert_eq!(code, Some("AuthFailure.SignatureFailure"), "call {i}");
        let log = emu.request_log();
        assert_eq!(log.len(), outcome.attempts as usize, "call {i}: {log:?}");
        let (last, before) = log.split_last().expect("logged");
        assert_eq!(
            last.error_code.as_deref(),
            Some("AuthFailure.SignatureFailure")
        );
        assert!(
            before.iter().all(|e| kind_of(e) != Kind::Other),
            "call {i}: {log:?}"
        );
    }
}

// ---- downloads under faults ----

/// splitmix64: a tiny seeded generator for the cut plan.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// For each file, 1 to 3 distinct offsets in `1..size` where its connection is cut.
fn cut_plan(sizes: &[u64], seed: u64) -> Vec<Vec<u64>> {
    let mut rng = SplitMix(seed);
    sizes
        .iter()
        .map(|&size| {
            let n = 1 + rng.below(3) as usize;
            let mut cuts: Vec<u64> = Vec::new();
            while cuts.len() < n {
                let at = 1 + rng.below(size - 1);
                if !cuts.contains(&at) {
                    cuts.push(at);
                }
            }
            cuts.sort_unstable();
            cuts
        })
        .collect()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("out dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_connections_in_every_file_end_byte_identical_resumed_with_range() {
    let sizes: Vec<u64> = vec![1_100_003, 901_234, 1_300_777, 700_001, 1_000_500];
    let plan = Arc::new(cut_plan(&sizes, 0x1550_0002));
    // URLs are born expired: the first GET gets 403 and the download must refresh them.
    let emu = Arc::new(
        Emulator::builder()
            .demo(DemoData {
                file_sizes: sizes.clone(),
                ..DemoData::default()
            })
            .rate_limit(false)
            .url_ttl(Duration::ZERO)
            .start()
            .await
            .expect("emulator starts"),
    );
    let client = client_for(&emu, Credentials::new(emu.secret_id(), emu.secret_key()));
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("backup");

    // With one file at a time, each transfer's start sets the fault for that very request:
    // a cut at the file's next planned offset, and seeded 503s and resets besides.
    let starts = Arc::new(Mutex::new(0u64));
    let events = Arc::new(Mutex::new(Vec::<String>::new()));
    let (hook_emu, hook_plan, hook_starts, hook_events) = (
        Arc::clone(&emu),
        Arc::clone(&plan),
        Arc::clone(&starts),
        Arc::clone(&events),
    );
    let options = DownloadOptions::new()
        .parallel(1)
        .retry(fast_retries())
        .call_options(CallOptions::new().retry(fast_retries()))
        .stall_timeout(Duration::from_secs(10))
        .on_progress(move |event: &ProgressEvent<'_>| {
            hook_events.lock().unwrap().push(format!("{event:?}"));
            match event {
                ProgressEvent::Listed { .. } => {
                    // The first answer's URLs are already expired; refreshed ones will work.
                    hook_emu.set_url_ttl(Duration::from_secs(3600));
                }
                ProgressEvent::FileStarted { index, offset, .. } => {
                    let mut n = hook_starts.lock().unwrap();
                    *n += 1;
                    let mut faults = Faults::none()
                        .seed(0x1550_0100 + *n)
                        .http_5xx(0.2)
                        .connection_reset(0.2);
                    if let Some(cut) = hook_plan[*index].iter().find(|&&c| c > *offset) {
                        faults = faults
                            .cut_download_after(cut - offset)
                            .cut_download_times(1);
                    }
                    hook_emu.set_faults(faults);
                }
                _ => {}
            }
        });
    let summary = download_backup(&client, INSTANCE, BACKUP, &out, options)
        .await
        .expect("download runs");
    emu.set_faults(Faults::none());

    let failed: Vec<String> = summary
        .failed()
        .map(|(f, e)| format!("{}: {e}", f.name))
        .collect();
    assert!(summary.is_success(), "{failed:?}");
    assert_eq!(summary.downloaded(), 5);
    assert_eq!(summary.url_refreshes, 1, "one refresh for all files");

    // Every final file is byte-identical to its source; no part file is left.
    let sources = emu.backup_file_paths(INSTANCE, BACKUP);
    assert_eq!(sources.len(), 5);
    let mut expected_names: Vec<String> = sources
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    expected_names.sort();
    assert_eq!(names_in(&out), expected_names, "no stray .part");
    let mut total_bytes = 0u64;
    for (i, source) in sources.iter().enumerate() {
        let want = std::fs::read(source).expect("source");
        let name = source.file_name().unwrap();
        let got = std::fs::read(out.join(name)).expect("downloaded");
        assert_eq!(want.len() as u64, sizes[i]);
        assert!(got == want, "{name:?} differs from its source");
        total_bytes += want.len() as u64;
    }
    assert_eq!(
        summary.transferred(),
        total_bytes,
        "resumes fetched only the missing bytes"
    );

    // The log, file by file: after the one expired-URL 403, each planned cut was followed by
    // a Range request from exactly the cut offset; 503s and resets repeat the same request.
    let log = emu.request_log();
    let gets: Vec<&LogEntry> = log.iter().filter(|e| e.method == "GET").collect();
    assert_eq!(
        gets.iter().filter(|e| e.status == 403).count(),
        1,
        "{gets:#?}"
    );
    let describes = log
        .iter()
        .filter(|e| e.action.as_deref() == Some("DescribeBackupUrl") && e.status == 200)
        .count();
    assert!(describes >= 2, "the URLs were fetched again: {log:#?}");
    let (mut transient_5xx, mut transient_reset, mut cuts_seen) = (0, 0, 0);
    for (i, source) in sources.iter().enumerate() {
        let name = source.file_name().unwrap().to_string_lossy().into_owned();
        let file_gets: Vec<&&LogEntry> = gets
            .iter()
            .filter(|e| e.path.ends_with(&format!("/{name}")))
            .collect();
        // Expected (range, cut) of the answered, non-transient requests.
        let mut expected: Vec<(Option<String>, Option<u64>)> = Vec::new();
        let mut from = 0u64;
        for &cut in &plan[i] {
            let range = (from > 0).then(|| format!("bytes={from}-"));
            expected.push((range, Some(cut - from)));
            from = cut;
        }
        expected.push((Some(format!("bytes={from}-")), None));
        let mut seen: Vec<(Option<String>, Option<u64>)> = Vec::new();
        let mut pending_range: Option<Option<String>> = None;
        for e in &file_gets {
            match e.status {
                403 => assert_eq!(e.range, None, "{e:?}"),
                503 | 0 => {
                    if e.status == 503 {
                        transient_5xx += 1;
                    } else {
                        transient_reset += 1;
                    }
                    if let Some(prev) = &pending_range {
                        assert_eq!(&e.range, prev, "{name}: retries repeat the range");
                    }
                    pending_range = Some(e.range.clone());
                }
                200 | 206 => {
                    if let Some(prev) = pending_range.take() {
                        assert_eq!(e.range, prev, "{name}: retries repeat the range");
                    }
                    assert_eq!(e.status == 206, e.range.is_some(), "{e:?}");
                    if e.cut_after.is_some() {
                        cuts_seen += 1;
                    }
                    seen.push((e.range.clone(), e.cut_after));
                }
                other => panic!("{name}: unexpected status {other}: {e:?}"),
            }
        }
        assert_eq!(seen, expected, "{name}: {file_gets:#?}");
        assert_eq!(summary.files[i].resumes as usize, plan[i].len(), "{name}");
        assert_eq!(summary.files[i].restarts, 0, "{name}");
        assert!(matches!(summary.files[i].outcome, FileOutcome::Downloaded));
    }
    let planned: usize = plan.iter().map(Vec::len).sum();
    assert_eq!(cuts_seen, planned);
    assert!(
        transient_5xx > 0 && transient_reset > 0,
        "download 503s and resets were injected: {transient_5xx}, {transient_reset}"
    );
    eprintln!(
        "downloads: 5 files, {total_bytes} bytes, cuts per file {:?} at {:?}, {planned} resumes with Range, {transient_5xx} download 503s, {transient_reset} resets, {} URL refresh",
        plan.iter().map(Vec::len).collect::<Vec<_>>(),
        plan,
        summary.url_refreshes
    );
    // The events carry no signed URL either.
    for event in events.lock().unwrap().iter() {
        assert!(!event.contains("q-signature"), "{event}");
    }
}
