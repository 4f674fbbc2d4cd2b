//! The client against a real HTTP server on 127.0.0.1: every header, the signature recomputed
//! independently from the exact received body, every error class, retries and timeouts.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use tencentcloud_transport::{
    ActionError, CallOptions, Client, ClientBuilder, Credentials, CredentialsError, DecodeReason,
    Endpoint, Error, Language, ProvideCredentials, RateLimit, RetryPolicy, TimeoutKind,
};

fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

fn builder(server: &TestServer) -> ClientBuilder {
    Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .retry(fast_retry())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn success_sends_every_header_and_a_verifiable_signature() {
    let server = TestServer::always(Reply::json(success_body("req-ok-1")));
    let client = builder(&server)
        .language(Language::EnUs)
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN))
        .build()
        .unwrap();

    let before = now();
    let response = client.send(GetUrl::new()).await.unwrap();
    let after = now();
    assert_eq!(response.request_id, "req-ok-1");
    assert_eq!(response.download_url, ["https://example.invalid/a.rdb"]);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.uri, "/");
    // Compact JSON, exactly what serde_json::to_vec gives.
    assert_eq!(
        r.body,
        br#"{"InstanceId":"crs-4y9t57vt","BackupId":"678362566696298532848117"}"#
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("host"), Some(server.addr.to_string().as_str()));
    assert_eq!(r.header("x-tc-action"), Some("DescribeBackupUrl"));
    assert_eq!(r.header("x-tc-version"), Some("2018-04-12"));
    assert_eq!(r.header("x-tc-region"), Some("ap-guangzhou"));
    assert_eq!(r.header("x-tc-language"), Some("en-US"));
    assert_eq!(r.header("x-tc-token"), Some(TOKEN));
    let ts: u64 = r.header("x-tc-timestamp").unwrap().parse().unwrap();
    assert!(
        (before..=after).contains(&ts),
        "{ts} not in {before}..={after}"
    );
    for name in [
        "content-type",
        "host",
        "x-tc-action",
        "x-tc-version",
        "x-tc-region",
        "x-tc-timestamp",
        "authorization",
    ] {
        assert_eq!(r.header_count(name), 1, "{name} sent more than once");
    }
    // Host with a non-default port is signed as host:port; checked by an independent signer
    // and by the verifier the emulator uses.
    r.assert_signed_by(SECRET_ID, SECRET_KEY);
}

#[tokio::test]
async fn no_token_and_no_language_headers_unless_configured() {
    let server = TestServer::always(Reply::json(success_body("r")));
    let client = builder(&server).build().unwrap();
    // A reference to a request works too, and the request can be reused.
    let request = GetUrl::new();
    client.send(&request).await.unwrap();
    client.send(&request).await.unwrap();
    for r in server.requests() {
        assert_eq!(r.header("x-tc-token"), None);
        assert_eq!(r.header("x-tc-language"), None);
        r.assert_signed_by(SECRET_ID, SECRET_KEY);
    }
}

#[tokio::test]
async fn per_call_region_and_language_override_the_client() {
    let server = TestServer::always(Reply::json(success_body("r")));
    let client = builder(&server).language(Language::EnUs).build().unwrap();
    client
        .send_with(
            GetUrl::new(),
            CallOptions::new()
                .region("ap-shanghai")
                .language(Language::ZhCn),
        )
        .await
        .unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.header("x-tc-region"), Some("ap-shanghai"));
    assert_eq!(r.header("x-tc-language"), Some("zh-CN"));
}

#[tokio::test]
async fn service_error_becomes_the_typed_error_and_is_not_retried() {
    let server = TestServer::always(Reply::json(error_body(
        "InvalidParameterValue.BackupNotExists",
        "The backup does not exist.",
        "req-err-1",
    )));
    let client = builder(&server).build().unwrap();
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new())
        .await;
    assert_eq!(outcome.attempts, 1);
    assert_eq!(outcome.request_id.as_deref(), Some("req-err-1"));
    let err = outcome.result.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterValue.BackupNotExists"));
    assert_eq!(err.request_id(), Some("req-err-1"));
    assert!(!err.is_retryable());
    let Error::Service(GetUrlError::BackupNotFound(raw)) = &err else {
        panic!("expected the typed variant, got {err:?}");
    };
    assert_eq!(raw.message, "The backup does not exist.");
    let shown = err.to_string();
    assert!(
        shown.contains("InvalidParameterValue.BackupNotExists"),
        "{shown}"
    );
    assert!(shown.contains("The backup does not exist."), "{shown}");
    assert!(shown.contains("req-err-1"), "{shown}");
    assert!(std::error::Error::source(&err).is_none());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for code in [
        "AuthFailure.SignatureFailure",
        "AuthFailure.SignatureExpire",
        "InvalidParameter",
        "MissingParameter",
        "ResourceNotFound.InstanceNotExists",
        "UnauthorizedOperation",
    ] {
        let server = TestServer::always(Reply::json(error_body(code, "no", "rid")));
        let client = builder(&server).build().unwrap();
        let outcome = client
            .send_detailed(GetUrl::new(), CallOptions::new())
            .await;
        let err = outcome.result.unwrap_err();
        assert_eq!(err.code(), Some(code));
        assert!(matches!(err, Error::Service(GetUrlError::Other(_))));
        assert_eq!(outcome.attempts, 1, "{code}");
        assert_eq!(server.count(), 1, "{code} was retried");
    }
}

#[tokio::test]
async fn envelope_is_parsed_whatever_the_status_and_content_type() {
    // An error envelope with HTTP 400 and an unusual content type.
    let server = TestServer::always(Reply::raw(
        400,
        "text/plain; charset=GBK",
        error_body("InvalidParameter", "bad", "rid-400"),
    ));
    let client = builder(&server).build().unwrap();
    let err = client.send(GetUrl::new()).await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter"));
    assert_eq!(err.request_id(), Some("rid-400"));

    // A success envelope with no content type at all and HTTP 202.
    let server = TestServer::always(Reply {
        status: 202,
        body: success_body("rid-202").into_bytes(),
        content_type: None,
        delay: Duration::ZERO,
    });
    let client = builder(&server).build().unwrap();
    assert_eq!(
        client.send(GetUrl::new()).await.unwrap().request_id,
        "rid-202"
    );
}

#[tokio::test]
async fn retry_on_request_limit_exceeded_then_success_with_fresh_signature() {
    let server = TestServer::start(|i, _| {
        if i == 0 {
            Reply::json(error_body(
                "RequestLimitExceeded",
                "Too many requests.",
                "rid-throttled",
            ))
        } else {
            Reply::json(success_body("rid-after-retry"))
        }
    });
    // A clock that ticks one second per reading proves each attempt is signed anew.
    let tick = Arc::new(AtomicU64::new(now()));
    let t = tick.clone();
    let client = builder(&server)
        .clock(move || t.fetch_add(1, Ordering::SeqCst))
        .build()
        .unwrap();
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new())
        .await;
    assert_eq!(outcome.attempts, 2);
    assert_eq!(outcome.request_id.as_deref(), Some("rid-after-retry"));
    assert_eq!(outcome.result.unwrap().request_id, "rid-after-retry");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let ts: Vec<u64> = requests
        .iter()
        .map(|r| r.header("x-tc-timestamp").unwrap().parse().unwrap())
        .collect();
    assert_eq!(ts[1], ts[0] + 1, "each attempt takes a fresh timestamp");
    assert_ne!(
        requests[0].header("authorization"),
        requests[1].header("authorization")
    );
    for r in &requests {
        r.assert_signed_by(SECRET_ID, SECRET_KEY);
        assert_eq!(r.body, requests[0].body);
    }
}

#[tokio::test]
async fn real_clock_retry_is_still_validly_signed() {
    let server = TestServer::start(|i, _| {
        if i < 2 {
            Reply::json(error_body("InternalError.DbError", "oops", "rid"))
        } else {
            Reply::json(success_body("rid-3"))
        }
    });
    let client = builder(&server).build().unwrap();
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new())
        .await;
    assert_eq!(outcome.attempts, 3);
    outcome.result.unwrap();
    for r in server.requests() {
        r.assert_signed_by(SECRET_ID, SECRET_KEY);
    }
}

#[tokio::test]
async fn retryable_service_errors_stop_after_max_attempts() {
    for code in [
        "InternalError",
        "ServiceUnavailable",
        "RequestLimitExceeded.UinLimitExceeded",
    ] {
        let server = TestServer::always(Reply::json(error_body(code, "busy", "rid")));
        let client = builder(&server).build().unwrap();
        let outcome = client
            .send_detailed(GetUrl::new(), CallOptions::new())
            .await;
        assert_eq!(outcome.attempts, 3, "{code}");
        assert_eq!(server.count(), 3, "{code}");
        let err = outcome.result.unwrap_err();
        assert_eq!(err.code(), Some(code));
        assert!(err.is_retryable());
    }
}

#[tokio::test]
async fn retries_can_be_disabled_per_client_and_per_call() {
    let server = TestServer::always(Reply::json(error_body("InternalError", "x", "rid")));
    let client = builder(&server)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    client.send(GetUrl::new()).await.unwrap_err();
    assert_eq!(server.count(), 1);

    let server = TestServer::always(Reply::json(error_body("InternalError", "x", "rid")));
    let client = builder(&server).build().unwrap();
    client
        .send_with(
            GetUrl::new(),
            CallOptions::new().retry(RetryPolicy::disabled()),
        )
        .await
        .unwrap_err();
    assert_eq!(server.count(), 1);
    client
        .send_with(
            GetUrl::new(),
            CallOptions::new().retry(fast_retry().with_max_attempts(5)),
        )
        .await
        .unwrap_err();
    assert_eq!(server.count(), 6);
}

#[tokio::test]
async fn non_json_502_is_a_decode_error_with_status_and_excerpt_and_is_retried() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body>".to_owned()
        + &"x".repeat(5000)
        + "</body></html>";
    let server = TestServer::always(Reply::raw(502, "text/html", html));
    let client = builder(&server).build().unwrap();
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new())
        .await;
    assert_eq!(outcome.attempts, 3);
    let err = outcome.result.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.status, 502);
    assert_eq!(d.reason, DecodeReason::NotJson);
    assert_eq!(d.request_id, None);
    assert!(d.excerpt.starts_with("<html><head><title>502 Bad Gateway"));
    assert!(d.excerpt.chars().count() <= 201, "excerpt is short");
    let shown = err.to_string();
    assert!(shown.contains("HTTP 502"), "{shown}");
    assert!(shown.len() < 400, "{shown}");
    // The JSON error is the source, not repeated in Display.
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn truncated_json_body_is_a_decode_error_not_retried() {
    let full = success_body("rid-trunc");
    let cut = full[..full.len() / 2].to_owned();
    let server = TestServer::always(Reply::json(cut));
    let client = builder(&server).build().unwrap();
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new())
        .await;
    let err = outcome.result.unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.status == 200 && d.reason == DecodeReason::NotJson)
    );
    assert_eq!(outcome.attempts, 1);
}

#[tokio::test]
async fn body_cut_short_of_its_content_length_is_a_network_error_and_is_retried() {
    static SHORT: &[u8] =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n{\"Response\":{\"Req";
    let (addr, seen) = raw_server(SHORT);
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(format!("http://{addr}")))
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .retry(fast_retry())
        .build()
        .unwrap();
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new())
        .await;
    let err = outcome.result.unwrap_err();
    assert!(matches!(err, Error::Network(_)), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(outcome.attempts, 3);
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn unexpected_response_shape_keeps_the_request_id() {
    let server = TestServer::always(Reply::json(
        r#"{"Response":{"DownloadUrl":"not-a-list","RequestId":"rid-shape"}}"#,
    ));
    let client = builder(&server).build().unwrap();
    let err = client.send(GetUrl::new()).await.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.reason, DecodeReason::UnexpectedShape);
    assert_eq!(d.request_id.as_deref(), Some("rid-shape"));
    assert_eq!(err.request_id(), Some("rid-shape"));
    assert!(err.to_string().contains("rid-shape"));
}

#[tokio::test]
async fn slow_server_hits_the_per_attempt_timeout() {
    let server =
        TestServer::always(Reply::json(success_body("late")).delayed(Duration::from_secs(3)));
    let client = builder(&server)
        .attempt_timeout(Duration::from_millis(200))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.send(GetUrl::new()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    let Error::Timeout(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind, TimeoutKind::Attempt);
    assert_eq!(t.limit, Duration::from_millis(200));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("per-attempt"), "{err}");

    // With retries, each attempt times out and is retried.
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new().retry(fast_retry()))
        .await;
    assert_eq!(outcome.attempts, 3);
    assert!(matches!(outcome.result, Err(Error::Timeout(_))));
}

#[tokio::test]
async fn total_timeout_bounds_the_whole_call() {
    let server =
        TestServer::always(Reply::json(success_body("late")).delayed(Duration::from_secs(3)));
    let client = builder(&server)
        .attempt_timeout(Duration::from_millis(250))
        .total_timeout(Duration::from_millis(400))
        .retry(fast_retry().with_max_attempts(10))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new())
        .await;
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    let Err(Error::Timeout(t)) = &outcome.result else {
        panic!("{:?}", outcome.result)
    };
    assert_eq!(t.kind, TimeoutKind::Total);
    assert_eq!(outcome.attempts, 2);

    // Per-call override of the per-attempt timeout.
    let err = client
        .send_with(
            GetUrl::new(),
            CallOptions::new()
                .attempt_timeout(Duration::from_millis(50))
                .total_timeout(Duration::from_secs(5))
                .retry(RetryPolicy::disabled()),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Timeout(t) if t.kind == TimeoutKind::Attempt && t.limit == Duration::from_millis(50))
    );
}

#[tokio::test]
async fn connection_refused_is_a_retried_network_error() {
    let addr = closed_port();
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(format!("http://{addr}")))
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .retry(fast_retry())
        .build()
        .unwrap();
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new())
        .await;
    assert_eq!(outcome.attempts, 3);
    let err = outcome.result.unwrap_err();
    let Error::Network(n) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(n.action, "DescribeBackupUrl");
    assert!(err.to_string().contains(&addr.to_string()));
}

#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials(&self) -> tencentcloud_transport::credentials::CredentialsFuture<'_> {
        Box::pin(async {
            Err(CredentialsError::not_found(
                "nothing configured in the test",
            ))
        })
    }
}

#[tokio::test]
async fn credentials_failure_sends_nothing() {
    let server = TestServer::always(Reply::json(success_body("r")));
    let client = builder(&server).credentials(NoCredentials).build().unwrap();
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new())
        .await;
    let err = outcome.result.unwrap_err();
    assert!(matches!(&err, Error::Credentials(_)), "{err:?}");
    assert!(err.to_string().contains("nothing configured in the test"));
    assert!(!err.is_retryable());
    assert_eq!(outcome.attempts, 0);
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn missing_region_is_a_construction_error() {
    let server = TestServer::always(Reply::json(success_body("r")));
    let client = Client::builder()
        .endpoint(Endpoint::Url(server.url()))
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .build()
        .unwrap();
    let err = client.send(GetUrl::new()).await.unwrap_err();
    let Error::Construction(c) = &err else {
        panic!("{err:?}")
    };
    assert!(c.message().contains("requires a region"), "{c}");
    assert_eq!(server.count(), 0);
    // A per-call region is enough.
    client
        .send_with(GetUrl::new(), CallOptions::new().region("ap-beijing"))
        .await
        .unwrap();
    // A region that cannot be a header value is rejected before sending.
    let err = client
        .send_with(GetUrl::new(), CallOptions::new().region("ap\r\nX-Evil: 1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Construction(_)));
    assert_eq!(server.count(), 1);
}

#[test]
fn builder_rejects_bad_configuration() {
    assert!(Client::builder()
        .endpoint(Endpoint::Url("ftp://example.com".into()))
        .build()
        .is_err());
    assert!(Client::builder()
        .endpoint(Endpoint::Url("http://".into()))
        .build()
        .is_err());
    assert!(Client::builder().region("bad region").build().is_err());
    assert!(Client::builder()
        .attempt_timeout(Duration::ZERO)
        .build()
        .is_err());
    let err = Client::builder()
        .endpoint(Endpoint::Url("http://[not-an-ip".into()))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("invalid endpoint URL"), "{err}");
}

#[test]
fn client_is_cheap_to_clone_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Client>();
    // The future of send is Send, so it can be spawned.
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::builder()
        .credentials(Credentials::new("a", "b"))
        .build()
        .unwrap();
    let fut = client.send(GetUrl::new());
    assert_send(&fut);
}

/// Endpoint selection for the hosted endpoints, observed through an HTTP proxy: the client
/// asks the proxy to CONNECT to the chosen host on port 443.
#[tokio::test]
async fn hosted_endpoints_pick_the_right_host() {
    static REFUSE: &[u8] =
        b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let cases = [
        (Endpoint::Default, "redis.intl.tencentcloudapi.com:443"),
        (Endpoint::Mainland, "redis.tencentcloudapi.com:443"),
        (
            Endpoint::Regional,
            "redis.ap-guangzhou.tencentcloudapi.com:443",
        ),
        (
            Endpoint::Url("https://redis.ap-shanghai.tencentcloudapi.com".into()),
            "redis.ap-shanghai.tencentcloudapi.com:443",
        ),
    ];
    for (endpoint, expected) in cases {
        let (proxy_addr, seen) = raw_server(REFUSE);
        let http = tencentcloud_transport::reqwest::Client::builder()
            .proxy(
                tencentcloud_transport::reqwest::Proxy::all(format!("http://{proxy_addr}"))
                    .unwrap(),
            )
            .build()
            .unwrap();
        let client = Client::builder()
            .region("ap-guangzhou")
            .endpoint(endpoint.clone())
            .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
            .http_client(http)
            .retry(RetryPolicy::disabled())
            .rate_limit(RateLimit::Disabled)
            .build()
            .unwrap();
        let err = client.send(GetUrl::new()).await.unwrap_err();
        assert!(matches!(err, Error::Network(_)), "{err:?}");
        let lines = seen.lock().unwrap().clone();
        assert_eq!(
            lines,
            [format!("CONNECT {expected} HTTP/1.1")],
            "{endpoint:?}"
        );
    }
}

#[tokio::test]
async fn regional_endpoint_without_region_is_a_construction_error() {
    let client = Client::builder()
        .endpoint(Endpoint::Regional)
        .credentials(Credentials::new("a", "b"))
        .build()
        .unwrap();
    let err = client.send(GetUrl::new()).await.unwrap_err();
    assert!(matches!(err, Error::Construction(_)), "{err:?}");
}

#[tokio::test]
async fn service_error_accessors_on_the_typed_error() {
    let server = TestServer::always(Reply::json(error_body("ResourceNotFound", "gone", "rid-x")));
    let client = builder(&server).build().unwrap();
    match client.send(GetUrl::new()).await {
        Err(Error::Service(e)) => {
            assert_eq!(e.code(), "ResourceNotFound");
            assert_eq!(e.message(), "gone");
            assert_eq!(e.request_id(), "rid-x");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_without_reading_them_all() {
    let huge = vec![b'x'; tencentcloud_transport::MAX_RESPONSE_BYTES + 1024];
    let server = TestServer::always(Reply::raw(200, "application/json", huge));
    let client = builder(&server)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.send(GetUrl::new()).await.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.reason, DecodeReason::TooLarge);
    assert!(d.excerpt.starts_with("xxxx"));
    assert!(d.excerpt.chars().count() <= 201);
}

#[test]
fn accessors() {
    let client = Client::builder()
        .region("ap-beijing")
        .credentials(Credentials::new("a", "b"))
        .build()
        .unwrap();
    assert_eq!(client.region(), Some("ap-beijing"));
    let _http: &tencentcloud_transport::reqwest::Client = client.http_client();
}

#[tokio::test]
async fn extreme_timeouts_and_backoffs_do_not_overflow() {
    let server = TestServer::always(Reply::json(error_body("InternalError", "x", "rid")));
    // Unbounded timeouts: no Instant overflow.
    let client = builder(&server)
        .total_timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .build()
        .unwrap();
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new())
        .await;
    assert_eq!(outcome.attempts, 3);
    // A backoff far beyond the deadline: the client gives up with the last error at once
    // instead of sleeping past its deadline (or panicking on overflow).
    let client = builder(&server)
        .total_timeout(Duration::from_secs(5))
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::MAX)
                .with_max_backoff(Duration::MAX),
        )
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let outcome = client
        .send_detailed(GetUrl::new(), CallOptions::new())
        .await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(outcome.result, Err(Error::Service(_))));
    assert_eq!(outcome.attempts, 1);
}
