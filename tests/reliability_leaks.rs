//! No leaks (issue 8, item 5; issue 16): with every tracing event and span of the process
//! captured at TRACE level, a full API call and a full download (with retried faults, a cut
//! connection, expired URLs and their refresh), then calls with a role assumed through STS
//! (`AssumeRole` with the long-term key, `AssumeRoleWithWebIdentity` with a web identity
//! token, and the refusals of a wrong role and a wrong token) never write the long-term
//! secret key, the session token, a temporary key or token STS issued, a web identity token,
//! any `Authorization` signature or any download URL signature, in the logs, in the `Debug`
//! of the providers and credentials, or in the errors.
//!
//! The secrets and signatures to look for are the real ones of this run: the client talks to
//! the emulator (STS included) through a recording TCP relay, which keeps the bytes of every
//! request (the `Authorization` headers) and answer (the signed URLs, the issued keys).
//!
//! This is the only test in its binary: the subscriber is the global default, installed before
//! any callsite is hit, so nothing escapes the capture.

use std::sync::Arc;
use std::time::Duration;

use tencentcloud_redis::download::{download_backup, DownloadOptions, ProgressEvent};
use tencentcloud_redis::transport::credentials::{AssumeRoleProvider, WebIdentityProvider};
use tencentcloud_redis::transport::ProvideCredentials;
use tencentcloud_redis::{
    CallOptions, Client, ClientBuilder, Credentials, DescribeBackupUrlRequest, Endpoint, RateLimit,
    RetryPolicy,
};
use tencentcloud_redis_emulator::{
    DemoData, Emulator, Faults, RunningEmulator, DEFAULT_PROVIDER_ID, DEFAULT_ROLE_ARN,
};
use tencentcloud_test_support::leaks::{
    distinct, hex_values_after, json_string_values, leaks_in, markers_in, Capture, Relay,
};

const INSTANCE: &str = "crs-4y9t57vt";
const BACKUP: &str = "678362566696298532848117";
const SECRET_KEY: &str = "LeakCanarySecretKey7f3a9c2e51d84b06";
const TOKEN: &str = "LeakCanarySessionToken_c0ffee_9d8e7f6a5b4c3d2e1f";
const WEB_IDENTITY_TOKEN: &str = "LeakCanaryWebIdentityToken.eyJzdWIiOiJwb2QifQ.5e1f";
const WRONG_WEB_IDENTITY_TOKEN: &str = "LeakCanaryRefusedWebIdentityToken.eyJ4Ijoxfq.77aa";
/// Short, so that a refresh comes due (after half of it) within the test.
const ISSUED_LIFETIME: Duration = Duration::from_secs(3);

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
            .web_identity_token(WEB_IDENTITY_TOKEN)
            .sts_credentials_lifetime(ISSUED_LIFETIME)
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

    // The signatures of the call and the download, before the role calls add theirs: the
    // relay saw them all. Retries within one second sign the same bytes, so signatures
    // repeat.
    let auth_signatures = hex_values_after(&relay.requests(), "Signature=");
    let url_signatures = distinct(hex_values_after(&relay.answers(), "q-signature="));
    let posts = emu
        .request_log()
        .iter()
        .filter(|e| e.method == "POST")
        .count();
    assert_eq!(
        auth_signatures.len(),
        posts,
        "one signature per API request relayed"
    );
    assert!(posts >= 3, "the call was retried and the URLs refreshed");
    assert!(
        url_signatures.len() >= 6,
        "three files, two DescribeBackupUrl answers (at least): {url_signatures:?}"
    );

    // The role calls meet no injected fault: their checks are about secrets, not retries.
    emu.set_faults(Faults::none());
    let token_dir = tempfile::tempdir().expect("temp dir");
    let shown = role_calls(&emu, &relay, token_dir.path()).await;
    let tmp_keys = json_string_values(&relay.answers(), "TmpSecretKey");
    let tokens = json_string_values(&relay.answers(), "Token");
    // Two AssumeRole answers and one AssumeRoleWithWebIdentity at least, a key and a token
    // each.
    assert!(tmp_keys.len() >= 3, "{tmp_keys:?}");
    assert_eq!(tmp_keys.len(), tokens.len());

    let logs = capture.text();

    // The capture works and saw the interesting parts, so the checks below can fail.
    for expected in [
        "DescribeBackupUrl",
        "AssumeRole",
        "AssumeRoleWithWebIdentity",
        "assumed role",
        "using the current credentials until they expire",
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

    // The errors and Debug output to check hold the refusals.
    for expected in [
        "ResourceNotFound.RoleNotFound",
        "InvalidParameter.WebIdentityTokenError",
        "AssumeRoleProvider",
        "WebIdentityProvider",
    ] {
        assert!(
            shown.contains(expected),
            "{expected:?} missing from:\n{shown}"
        );
    }

    // The secrets of this run, taken from the wire: every signature, the role calls'
    // included.
    let auth_signatures = distinct(hex_values_after(&relay.requests(), "Signature="));
    let url_signatures = distinct(hex_values_after(&relay.answers(), "q-signature="));
    let mut secrets = vec![
        SECRET_KEY,
        TOKEN,
        WEB_IDENTITY_TOKEN,
        WRONG_WEB_IDENTITY_TOKEN,
    ];
    secrets.extend(tmp_keys.iter().chain(&tokens).map(String::as_str));
    // Not even a piece: no 16-hex-digit window of any signature appears.
    let everything = format!("{logs}\n{shown}");
    let leaked = leaks_in(
        &everything,
        &secrets,
        auth_signatures.iter().chain(&url_signatures),
    );
    assert!(leaked.is_empty(), "leaked {leaked:?} into:\n{everything}");
    let markers = markers_in(&everything);
    assert!(
        markers.is_empty(),
        "{markers:?} in the captured output:\n{everything}"
    );
    eprintln!(
        "no leaks: {} bytes of TRACE output, Debug and errors checked against {} secrets (long-term key and token, web identity tokens, issued keys and tokens), {} Authorization signatures, {} URL signatures",
        everything.len(),
        secrets.len(),
        auth_signatures.len(),
        url_signatures.len()
    );
}

/// Calls with roles through the relay: `AssumeRole` with the long-term key then
/// `DescribeBackupUrl` with the temporary one, the same with a web identity token read from a
/// file in `dir`, the refusals of a wrong role and a wrong token, and a failed refresh while
/// the keys are still valid (its warning). Returns the `Debug` of the providers and
/// credentials and the `Display` and `Debug` of the errors, for the leak check.
async fn role_calls(emu: &RunningEmulator, relay: &Relay, dir: &std::path::Path) -> String {
    let via_relay = || Endpoint::Url(format!("http://{}", relay.addr));
    let long_term = Credentials::new(emu.secret_id(), SECRET_KEY).with_token(TOKEN);
    let assume = |role: &str| {
        AssumeRoleProvider::builder(role)
            .session_name("leak-check")
            .sts_endpoint(via_relay())
            .build(long_term.clone())
            .expect("role provider")
    };
    let web_identity = |token: &str, name: &str| {
        let file = dir.join(name);
        std::fs::write(&file, token).expect("token file");
        WebIdentityProvider::builder(DEFAULT_PROVIDER_ID, DEFAULT_ROLE_ARN)
            .token_file(file)
            .sts_endpoint(via_relay())
            .build()
            .expect("web identity provider")
    };
    let mut shown = String::new();
    let good: [Arc<dyn ProvideCredentials>; 2] = [
        Arc::new(assume(DEFAULT_ROLE_ARN)),
        Arc::new(web_identity(WEB_IDENTITY_TOKEN, "token")),
    ];
    for provider in good {
        let credentials = provider.provide_credentials().await.expect("role keys");
        assert!(credentials.secret_id().starts_with("AKIDtmp"));
        let client = Client::builder()
            .region(emu.region())
            .endpoint(via_relay())
            .credentials_provider(Arc::clone(&provider))
            .rate_limit(RateLimit::Disabled)
            .retry(RetryPolicy::new().with_max_attempts(10))
            .build()
            .expect("client");
        let response = client
            .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
            .await
            .expect("a call with the role's keys");
        assert_eq!(response.backup_infos.len(), 3);
        shown.push_str(&format!("{provider:?}\n{credentials:?}\n"));
    }
    let bad: [Arc<dyn ProvideCredentials>; 2] = [
        Arc::new(assume("qcs::cam::uin/100000000001:roleName/not-this-one")),
        Arc::new(web_identity(WRONG_WEB_IDENTITY_TOKEN, "wrong-token")),
    ];
    for provider in bad {
        let error = provider
            .provide_credentials()
            .await
            .expect_err("STS refuses");
        assert!(error.sts_error().is_some(), "{error:?}");
        let mut chain = error.to_string();
        let mut cause = std::error::Error::source(&error);
        while let Some(c) = cause {
            chain.push_str(&format!(": {c}"));
            cause = c.source();
        }
        shown.push_str(&format!("{provider:?}\n{chain}\n{error:?}\n"));
    }

    // STS fails (once, not retried) when the keys are due for a refresh but still valid.
    let kept = AssumeRoleProvider::builder(DEFAULT_ROLE_ARN)
        .sts_client(
            ClientBuilder::new()
                .endpoint(via_relay())
                .retry(RetryPolicy::disabled()),
        )
        .build(long_term.clone())
        .expect("role provider");
    let first = kept.provide_credentials().await.expect("role keys");
    tokio::time::sleep(ISSUED_LIFETIME / 2 + Duration::from_millis(200)).await;
    emu.push_sts_error("InternalError", "STS is down (scripted)");
    let again = kept
        .provide_credentials()
        .await
        .expect("the keys still valid");
    assert_eq!(again.secret_id(), first.secret_id());
    shown.push_str(&format!("{kept:?}\n{again:?}\n"));
    shown
}
