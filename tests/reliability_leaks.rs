//! No leaks (issue 8, item 5): with every tracing event and span of the process captured at
//! TRACE level, a full API call and a full download (with retried faults, a cut connection,
//! expired URLs and their refresh) never write the secret key, the session token, any
//! `Authorization` signature or any download URL signature.
//!
//! The signatures to look for are the real ones of this run: the client talks to the emulator
//! through a recording TCP relay, which keeps the bytes of every request (the
//! `Authorization` headers) and answer (the signed URLs).
//!
//! This is the only test in its binary: the subscriber is the global default, installed before
//! any callsite is hit, so nothing escapes the capture.

use std::sync::Arc;
use std::time::Duration;

use tencentcloud_redis::download::{download_backup, DownloadOptions, ProgressEvent};
use tencentcloud_redis::{
    CallOptions, Client, Credentials, DescribeBackupUrlRequest, Endpoint, RateLimit, RetryPolicy,
};
use tencentcloud_redis_emulator::{DemoData, Emulator, Faults};
use tencentcloud_test_support::leaks::{
    distinct, hex_values_after, leaks_in, markers_in, Capture, Relay,
};

const INSTANCE: &str = "crs-4y9t57vt";
const BACKUP: &str = "678362566696298532848117";
const SECRET_KEY: &str = "LeakCanarySecretKey7f3a9c2e51d84b06";
const TOKEN: &str = "LeakCanarySessionToken_c0ffee_9d8e7f6a5b4c3d2e1f";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_output_of_a_call_and_a_download_holds_no_secret_or_signature() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("first subscriber");

    let emu = Arc::new(
        Emulator::builder()
            .demo(DemoData {
                file_sizes: vec![400_000, 300_000, 350_000],
                ..DemoData::default()
            })
            .secret_key(SECRET_KEY)
            .token(TOKEN)
            .rate_limit(false)
            .url_ttl(Duration::ZERO)
            .faults(
                Faults::none()
                    .seed(0x1550_0005)
                    .request_limit_exceeded(0.3)
                    .internal_error(0.2)
                    .cut_download_after(120_000)
                    .cut_download_times(2),
            )
            .start()
            .await
            .expect("emulator starts"),
    );
    let relay = Relay::start(emu.addr()).await;
    let retry = RetryPolicy::new()
        .with_max_attempts(10)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(4));
    let client = Client::builder()
        .region(emu.region())
        .endpoint(Endpoint::Url(format!("http://{}", relay.addr)))
        .credentials(Credentials::new(emu.secret_id(), SECRET_KEY).with_token(TOKEN))
        .retry(retry)
        .rate_limit(RateLimit::Disabled)
        .build()
        .expect("client");

    // A full call, retried over the injected service errors.
    let outcome = client
        .send_detailed(
            DescribeBackupUrlRequest::new(INSTANCE, BACKUP),
            CallOptions::new(),
        )
        .await;
    let response = outcome.result.expect("call succeeds");
    assert_eq!(response.backup_infos.len(), 3);
    let call_request_id = response.request_id.clone();

    // A full download: born-expired URLs (403, then a refresh) and two cut connections.
    let hook_emu = Arc::clone(&emu);
    let options = DownloadOptions::new()
        .parallel(2)
        .retry(retry)
        .call_options(CallOptions::new().retry(retry))
        .on_progress(move |event: &ProgressEvent<'_>| {
            if let ProgressEvent::Listed { .. } = event {
                hook_emu.set_url_ttl(Duration::from_secs(3600));
            }
        });
    let dir = tempfile::tempdir().expect("temp dir");
    let summary = download_backup(&client, INSTANCE, BACKUP, dir.path().join("b"), options)
        .await
        .expect("download runs");
    assert!(summary.is_success(), "{summary:?}");
    assert_eq!(summary.url_refreshes, 1);
    let resumes: u32 = summary.files.iter().map(|f| f.resumes).sum();
    assert_eq!(resumes, 2);

    let logs = capture.text();

    // The capture works and saw the interesting parts, so the checks below can fail.
    for expected in [
        "DescribeBackupUrl",
        "DEBUG",
        "attempt",
        "retrying",
        "InternalError",
        &call_request_id,
        "GET",
        "offset=",
        "403",
    ] {
        assert!(
            logs.contains(expected),
            "{expected:?} missing from the captured output:\n{logs}"
        );
    }

    // The secrets of this run, taken from the wire.
    let auth_signatures = hex_values_after(&relay.requests(), "Signature=");
    let url_signatures = hex_values_after(&relay.answers(), "q-signature=");
    let log = emu.request_log();
    let posts = log.iter().filter(|e| e.method == "POST").count();
    // Retries within one second sign the same bytes, so signatures repeat.
    assert_eq!(
        auth_signatures.len(),
        posts,
        "one signature per API request relayed"
    );
    let auth_signatures = distinct(auth_signatures);
    let url_signatures = distinct(url_signatures);
    assert!(posts >= 3, "the call was retried and the URLs refreshed");
    assert!(
        url_signatures.len() >= 6,
        "three files, two DescribeBackupUrl answers (at least): {url_signatures:?}"
    );
    // Not even a piece: no 16-hex-digit window of any signature appears.
    let leaked = leaks_in(
        &logs,
        &[SECRET_KEY, TOKEN],
        auth_signatures.iter().chain(&url_signatures),
    );
    assert!(leaked.is_empty(), "leaked {leaked:?} into:\n{logs}");
    let markers = markers_in(&logs);
    assert!(
        markers.is_empty(),
        "{markers:?} in the captured output:\n{logs}"
    );
    eprintln!(
        "no leaks: {} bytes of TRACE output checked against 1 key, 1 token, {} Authorization signatures, {} URL signatures",
        logs.len(),
        auth_signatures.len(),
        url_signatures.len()
    );
}
