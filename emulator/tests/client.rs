//! The project's own client (tencentcloud-transport's `Client` with the generated Redis types)
//! against the emulator: success, documented errors, auth failures, rate limit, validation.

mod common;

use std::time::Duration;

use common::*;
use serde::Serialize;
use tencentcloud_redis::types::{BackupLimitVpcItem, LimitType};
use tencentcloud_redis::{
    DescribeBackupUrlError, DescribeBackupUrlRequest, DescribeBackupUrlResponse,
};
use tencentcloud_redis_emulator::{Faults, RunningEmulator};
use tencentcloud_transport::{
    Action, Client, Credentials, Endpoint, RateLimit, RetryPolicy, ServiceInfo,
};

fn client_with(emu: &RunningEmulator, creds: Credentials) -> tencentcloud_transport::ClientBuilder {
    Client::builder()
        .region(emu.region())
        .endpoint(Endpoint::Url(emu.endpoint().to_owned()))
        .credentials(creds)
        .retry(RetryPolicy::disabled())
        .rate_limit(RateLimit::Disabled)
}

fn client(emu: &RunningEmulator) -> Client {
    client_with(emu, Credentials::new(emu.secret_id(), emu.secret_key()))
        .build()
        .expect("client")
}

fn request() -> DescribeBackupUrlRequest {
    DescribeBackupUrlRequest::new(INSTANCE, BACKUP)
}

#[tokio::test]
async fn success() {
    let emu = start_small().await;
    let response = client(&emu).send(request()).await.expect("success");
    assert_eq!(response.backup_infos.len(), 5);
    let paths = emu.backup_file_paths(INSTANCE, BACKUP);
    for (info, path) in response.backup_infos.iter().zip(&paths) {
        let size = std::fs::metadata(path).expect("file").len();
        assert_eq!(info.file_size, Some(size as i64));
        assert!(info
            .download_url
            .as_deref()
            .is_some_and(|u| u.starts_with(emu.endpoint())));
    }
    #[allow(deprecated)]
    {
        assert_eq!(response.filenames.len(), 5);
        assert_eq!(response.download_url.len(), 5);
        assert_eq!(response.inner_download_url.len(), 5);
    }
    assert_eq!(response.request_id.len(), 36);
}

#[tokio::test]
async fn documented_errors_arrive_typed() {
    let emu = start_small().await;
    let client = client(&emu);
    let err = client
        .send(DescribeBackupUrlRequest::new(INSTANCE, "0"))
        .await
        .expect_err("no such backup");
    assert!(
        matches!(
            err,
            tencentcloud_transport::Error::Service(
                DescribeBackupUrlError::InvalidParameterValueBackupNotExists(_)
            )
        ),
        "{err:?}"
    );
    assert!(err.request_id().is_some());
    let err = client
        .send(DescribeBackupUrlRequest::new("crs-none", BACKUP))
        .await
        .expect_err("no such instance");
    assert!(
        matches!(
            err,
            tencentcloud_transport::Error::Service(
                DescribeBackupUrlError::ResourceNotFoundInstanceNotExists(_)
            )
        ),
        "{err:?}"
    );
    // Every documented code of the action, scripted, comes back with its code and message.
    let schema: serde_json::Value = serde_json::from_str(
        tencentcloud_redis::schema::FILES
            .iter()
            .find(|(p, _)| p.ends_with("DescribeBackupUrl.json"))
            .expect("schema")
            .1,
    )
    .expect("json");
    for e in schema["errors"].as_array().expect("errors") {
        let code = e["code"].as_str().expect("code");
        emu.push_error(code, "scripted");
        let err = client.send(request()).await.expect_err("scripted");
        assert_eq!(err.code(), Some(code));
        assert!(
            !matches!(
                err,
                tencentcloud_transport::Error::Service(DescribeBackupUrlError::Unhandled(_))
            ),
            "{code} should have its own variant"
        );
    }
}

#[tokio::test]
async fn auth_failures() {
    let emu = start_small().await;
    let code = |c: Result<
        DescribeBackupUrlResponse,
        tencentcloud_transport::Error<DescribeBackupUrlError>,
    >| { c.expect_err("fails").code().map(str::to_owned) };

    let wrong_key = client_with(&emu, Credentials::new(emu.secret_id(), "wrong"))
        .build()
        .expect("client");
    assert_eq!(
        code(wrong_key.send(request()).await).as_deref(),
        Some("AuthFailure.SignatureFailure")
    );

    let wrong_id = client_with(&emu, Credentials::new("AKIDnobody", emu.secret_key()))
        .build()
        .expect("client");
    assert_eq!(
        code(wrong_id.send(request()).await).as_deref(),
        Some("AuthFailure.SecretIdNotFound")
    );

    let with_token = client_with(
        &emu,
        Credentials::new(emu.secret_id(), emu.secret_key()).with_token("t"),
    )
    .build()
    .expect("client");
    assert_eq!(
        code(with_token.send(request()).await).as_deref(),
        Some("AuthFailure.TokenFailure")
    );

    for skew in [-600i64, 600] {
        let skewed = client_with(&emu, Credentials::new(emu.secret_id(), emu.secret_key()))
            .clock(move || (now() as i64 + skew) as u64)
            .build()
            .expect("client");
        assert_eq!(
            code(skewed.send(request()).await).as_deref(),
            Some("AuthFailure.SignatureExpire")
        );
    }
}

#[tokio::test]
async fn tokens_are_checked() {
    let emu = small_builder().token("tok").start().await.expect("start");
    let ok = client_with(
        &emu,
        Credentials::new(emu.secret_id(), emu.secret_key()).with_token("tok"),
    )
    .build()
    .expect("client");
    ok.send(request()).await.expect("token accepted");
    let bad = client_with(
        &emu,
        Credentials::new(emu.secret_id(), emu.secret_key()).with_token("other"),
    )
    .build()
    .expect("client");
    assert_eq!(
        bad.send(request()).await.expect_err("bad token").code(),
        Some("AuthFailure.TokenFailure")
    );
}

#[tokio::test]
async fn rate_limit() {
    let emu = start_small().await;
    let client = client(&emu);
    let started = std::time::Instant::now();
    let results = futures_util::future::join_all((0..25).map(|_| client.send(request()))).await;
    let elapsed = started.elapsed();
    let mut limited = 0;
    for result in results {
        if let Err(e) = result {
            assert_eq!(e.code(), Some("RequestLimitExceeded"));
            limited += 1;
        }
    }
    if elapsed < Duration::from_millis(900) {
        assert_eq!(limited, 5);
    } else {
        assert!((1..=5).contains(&limited), "{limited} in {elapsed:?}");
    }
    // With its documented limit on, the client paces itself and never hits it.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let paced = client_with(&emu, Credentials::new(emu.secret_id(), emu.secret_key()))
        .rate_limit(RateLimit::Documented)
        .build()
        .expect("client");
    for _ in 0..25 {
        paced.send(request()).await.expect("paced calls succeed");
    }
}

#[tokio::test]
async fn retries_ride_out_injected_faults() {
    let emu = small_builder()
        .faults(Faults::none().seed(3).internal_error(0.3).http_5xx(0.2))
        .rate_limit(false)
        .start()
        .await
        .expect("start");
    let client = client_with(&emu, Credentials::new(emu.secret_id(), emu.secret_key()))
        .retry(
            RetryPolicy::new()
                .with_max_attempts(8)
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .expect("client");
    for _ in 0..10 {
        client.send(request()).await.expect("retried to success");
    }
    let log = emu.request_log();
    assert!(
        log.len() > 10,
        "faults fired and were retried: {}",
        log.len()
    );
}

#[tokio::test]
async fn validation_errors_through_the_typed_client() {
    let emu = start_small().await;
    let client = client(&emu);
    let err = client
        .send(request().limit_type(LimitType::from("Bogus")))
        .await
        .expect_err("bad enum");
    assert_eq!(err.code(), Some("InvalidParameterValue"));
    let err = client
        .send(request().limit_type(LimitType::Customize))
        .await
        .expect_err("Customize alone");
    assert_eq!(err.code(), Some("InvalidParameterValue"));
    client
        .send(
            request()
                .limit_type(LimitType::Customize)
                .limit_vpc([BackupLimitVpcItem::new("ap-guangzhou", ["vpc-1"])]),
        )
        .await
        .expect("Customize with a VPC");

    // Requests the generated types cannot express, through hand-written Action impls.
    let c = |_: &RunningEmulator| client.clone();
    assert_eq!(
        c(&emu)
            .send(Raw::<Wrong>(Wrong {
                instance_id: 5,
                backup_id: BACKUP
            }))
            .await
            .expect_err("type")
            .code(),
        Some("InvalidParameter")
    );
    assert_eq!(
        c(&emu)
            .send(Raw::<Missing>(Missing {
                instance_id: INSTANCE
            }))
            .await
            .expect_err("missing")
            .code(),
        Some("MissingParameter")
    );
    assert_eq!(
        c(&emu)
            .send(Raw::<Extra>(Extra {
                instance_id: INSTANCE,
                backup_id: BACKUP,
                zone: "x"
            }))
            .await
            .expect_err("unknown")
            .code(),
        Some("UnknownParameter")
    );
    assert_eq!(
        c(&emu)
            .send(OtherVersion(request()))
            .await
            .expect_err("version")
            .code(),
        Some("NoSuchVersion")
    );
    assert_eq!(
        c(&emu)
            .send(OtherAction(request()))
            .await
            .expect_err("action")
            .code(),
        Some("InvalidAction")
    );
}

// ---- hand-written actions for requests the generated types rule out ----

#[derive(Serialize)]
struct Wrong {
    #[serde(rename = "InstanceId")]
    instance_id: u32,
    #[serde(rename = "BackupId")]
    backup_id: &'static str,
}

#[derive(Serialize)]
struct Missing {
    #[serde(rename = "InstanceId")]
    instance_id: &'static str,
}

#[derive(Serialize)]
struct Extra {
    #[serde(rename = "InstanceId")]
    instance_id: &'static str,
    #[serde(rename = "BackupId")]
    backup_id: &'static str,
    #[serde(rename = "Zone")]
    zone: &'static str,
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

static OLD_SERVICE: ServiceInfo = ServiceInfo {
    version: "2017-03-12",
    ..tencentcloud_redis::SERVICE
};

#[derive(Serialize)]
#[serde(transparent)]
struct OtherVersion(DescribeBackupUrlRequest);

impl Action for OtherVersion {
    type Response = DescribeBackupUrlResponse;
    type Error = DescribeBackupUrlError;
    const NAME: &'static str = "DescribeBackupUrl";
    const SERVICE: &'static ServiceInfo = &OLD_SERVICE;
    const RATE_LIMIT_PER_SECOND: Option<u32> = None;
}

#[derive(Serialize)]
#[serde(transparent)]
struct OtherAction(DescribeBackupUrlRequest);

impl Action for OtherAction {
    type Response = DescribeBackupUrlResponse;
    type Error = DescribeBackupUrlError;
    const NAME: &'static str = "DescribeUnicorns";
    const SERVICE: &'static ServiceInfo = &tencentcloud_redis::SERVICE;
    const RATE_LIMIT_PER_SECOND: Option<u32> = None;
}
