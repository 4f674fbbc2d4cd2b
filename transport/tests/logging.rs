//! Logs carry the call's details but never a secret or a signature.
//!
//! This is the only test in its binary: tracing caches per-callsite interest process-wide, so
//! a scoped subscriber is only reliable when no other test thread hits the same callsites.

mod common;

use std::time::Duration;

use common::*;
use tencentcloud_test_support::leaks::Capture;
use tencentcloud_transport::{CallOptions, Client, Credentials, Endpoint, RetryPolicy};

fn assert_clean(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "secret {secret:?} leaked into: {text}"
        );
    }
}

#[test]
fn trace_logs_carry_call_details_but_no_secrets_or_signatures() {
    let server = TestServer::start(|i, _| {
        if i == 0 {
            Reply::json(error_body("RequestLimitExceeded", "slow down", "rid-first"))
        } else {
            Reply::json(success_body("rid-trace"))
        }
    });
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let client = Client::builder()
                .region("ap-guangzhou")
                .endpoint(Endpoint::Url(server.url()))
                .credentials(Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN))
                .retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(1)))
                .build()
                .unwrap();
            let outcome = client
                .send_detailed(GetUrl::new(), CallOptions::new())
                .await;
            assert_eq!(outcome.attempts, 2);
            outcome.result.unwrap();
        });
    });
    let logs = capture.text();
    for expected in [
        "tencentcloud.call",
        "DescribeBackupUrl",
        "ap-guangzhou",
        "attempt=2",
        "rid-trace",
        "RequestLimitExceeded",
        "retrying",
    ] {
        assert!(
            logs.contains(expected),
            "{expected:?} missing from logs:\n{logs}"
        );
    }
    let mut secrets = vec![SECRET_KEY.to_owned(), TOKEN.to_owned()];
    for r in server.requests() {
        let auth = r.header("authorization").unwrap();
        secrets.push(auth.rsplit('=').next().unwrap().to_owned());
    }
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    assert_clean(&logs, &secrets);
}
