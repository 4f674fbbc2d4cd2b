//! The API endpoint with hand-signed requests: success, every error the emulator produces,
//! authentication, validation, rate limits, faults.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use tencentcloud_redis_emulator::Faults;

#[tokio::test]
async fn success_lists_every_file_with_its_real_size() {
    let emu = start_small().await;
    let (status, v) = Call::describe(&emu).send(&emu).await;
    assert_eq!(status, 200);
    assert_eq!(error_code(&v), None, "{v}");
    assert_request_id(&v);
    let r = &v["Response"];
    let infos = r["BackupInfos"].as_array().expect("BackupInfos");
    assert_eq!(infos.len(), 5);
    let paths = emu.backup_file_paths(INSTANCE, BACKUP);
    for (i, info) in infos.iter().enumerate() {
        let size = std::fs::metadata(&paths[i]).expect("file").len();
        assert_eq!(info["FileSize"].as_u64(), Some(size));
        assert_eq!(size, 20_000 + 1_000 * i as u64);
        let name = info["FileName"].as_str().expect("name");
        assert!(name.ends_with(&format!("-{}-ignore.rdb", i + 1)), "{name}");
        assert_eq!(r["Filenames"][i], info["FileName"]);
        assert_eq!(r["DownloadUrl"][i], info["DownloadUrl"]);
        assert_eq!(r["InnerDownloadUrl"][i], info["InnerDownloadUrl"]);
        let url = info["DownloadUrl"].as_str().expect("url");
        assert!(
            url.starts_with(&format!("{}/backups/{INSTANCE}/{BACKUP}/", emu.endpoint())),
            "{url}"
        );
        let inner = info["InnerDownloadUrl"].as_str().expect("inner");
        assert!(
            inner.starts_with(&format!("{}/internal/backups/", emu.endpoint())),
            "{inner}"
        );
    }
    // Every RequestId is fresh.
    let (_, v2) = Call::describe(&emu).send(&emu).await;
    assert_ne!(v["Response"]["RequestId"], v2["Response"]["RequestId"]);
}

#[tokio::test]
async fn start_line_has_the_documented_shape() {
    let emu = start_small().await;
    let line = emu.start_line();
    assert!(!line.contains('\n'));
    let prefix = format!(
        "{{\"endpoint\": \"{}\", \"region\": \"ap-guangzhou\", \"secret_id\": \"",
        emu.endpoint()
    );
    assert!(line.starts_with(&prefix), "{line}");
    let v: Value = serde_json::from_str(&line).expect("json");
    assert_eq!(v["secret_key"], emu.secret_key());
    assert_eq!(
        v["instances"],
        json!([{"instance_id": INSTANCE, "backups": [{"backup_id": BACKUP, "files": 5}]}])
    );
    assert!(line.ends_with("\"files\": 5}]}]}"), "{line}");
}

#[tokio::test]
async fn business_errors() {
    let emu = start_small().await;
    let cases = [
        (
            json!({"InstanceId": "crs-nothere", "BackupId": BACKUP}),
            "ResourceNotFound.InstanceNotExists",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": "1"}),
            "InvalidParameterValue.BackupNotExists",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitType": "Customize"}),
            "InvalidParameterValue",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitType": "Customize", "LimitVpc": [], "LimitIp": []}),
            "InvalidParameterValue",
        ),
    ];
    for (body, code) in cases {
        let (status, v) = Call::new(&emu, &body).send(&emu).await;
        assert_eq!(status, 200);
        assert_eq!(error_code(&v).as_deref(), Some(code), "{body} -> {v}");
        assert_request_id(&v);
        assert!(!error_message(&v).is_empty());
    }
    // Customize with either list is fine.
    for body in [
        json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitType": "Customize", "LimitIp": ["10.0.0.1"]}),
        json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitType": "Customize", "VpcComparisonSymbol": "In", "LimitVpc": [{"Region": "ap-guangzhou", "VpcList": ["vpc-1"]}]}),
    ] {
        let (_, v) = Call::new(&emu, &body).send(&emu).await;
        assert_eq!(error_code(&v), None, "{v}");
    }
    // Another region has no instances.
    let mut call = Call::describe(&emu);
    call.region = Some("ap-shanghai".into());
    let (_, v) = call.send(&emu).await;
    assert_eq!(
        error_code(&v).as_deref(),
        Some("ResourceNotFound.InstanceNotExists")
    );
}

#[tokio::test]
async fn every_documented_error_can_be_scripted() {
    let emu = start_small().await;
    let schema: Value = serde_json::from_str(
        tencentcloud_redis::schema::FILES
            .iter()
            .find(|(p, _)| p.ends_with("DescribeBackupUrl.json"))
            .expect("schema file")
            .1,
    )
    .expect("json");
    let codes: Vec<String> = schema["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["code"].as_str().expect("code").to_owned())
        .collect();
    assert!(codes.len() >= 10);
    for code in &codes {
        emu.push_error(code, format!("scripted {code}"));
        let (_, v) = Call::describe(&emu).send(&emu).await;
        assert_eq!(error_code(&v).as_deref(), Some(code.as_str()));
        assert_eq!(error_message(&v), format!("scripted {code}"));
    }
    let (_, v) = Call::describe(&emu).send(&emu).await;
    assert_eq!(error_code(&v), None);
}

#[tokio::test]
async fn authentication_failures() {
    let emu = small_builder()
        .extra_credentials("AKIDother", "other-key")
        .start()
        .await
        .expect("start");

    let mut c = Call::describe(&emu);
    c.omit_authorization = true;
    assert_eq!(
        error_code(&c.send(&emu).await.1).as_deref(),
        Some("AuthFailure.InvalidAuthorization")
    );

    let mut c = Call::describe(&emu);
    c.authorization = Some("Bearer abc".into());
    assert_eq!(
        error_code(&c.send(&emu).await.1).as_deref(),
        Some("AuthFailure.InvalidAuthorization")
    );

    let mut c = Call::describe(&emu);
    c.authorization = Some(format!(
        "TC3-HMAC-SHA256 Credential={}/2024-01-01/redis/tc3_request, SignedHeaders=host, Signature={}",
        emu.secret_id(),
        "0".repeat(64)
    ));
    let (_, v) = c.send(&emu).await;
    assert_eq!(
        error_code(&v).as_deref(),
        Some("AuthFailure.InvalidAuthorization"),
        "{v}"
    );

    let mut c = Call::describe(&emu);
    c.secret_id = "AKIDnobody".into();
    assert_eq!(
        error_code(&c.send(&emu).await.1).as_deref(),
        Some("AuthFailure.SecretIdNotFound")
    );

    let mut c = Call::describe(&emu);
    c.secret_key = "wrong".into();
    let (_, v) = c.send(&emu).await;
    assert_eq!(
        error_code(&v).as_deref(),
        Some("AuthFailure.SignatureFailure")
    );
    assert_request_id(&v);

    // A clock ten minutes off either way.
    for skew in [-600i64, 600] {
        let mut c = Call::describe(&emu);
        c.timestamp = (now() as i64 + skew) as u64;
        assert_eq!(
            error_code(&c.send(&emu).await.1).as_deref(),
            Some("AuthFailure.SignatureExpire")
        );
    }
    // Within five minutes is fine.
    let mut c = Call::describe(&emu);
    c.timestamp = now() - 240;
    assert_eq!(error_code(&c.send(&emu).await.1), None);

    // A token when none is configured.
    let mut c = Call::describe(&emu);
    c.token = Some("tok".into());
    assert_eq!(
        error_code(&c.send(&emu).await.1).as_deref(),
        Some("AuthFailure.TokenFailure")
    );

    // The other key pair works.
    let mut c = Call::describe(&emu);
    c.secret_id = "AKIDother".into();
    c.secret_key = "other-key".into();
    assert_eq!(error_code(&c.send(&emu).await.1), None);
}

#[tokio::test]
async fn session_tokens() {
    let emu = small_builder()
        .token("session-token")
        .start()
        .await
        .expect("start");
    let (_, v) = Call::describe(&emu).send(&emu).await;
    assert_eq!(error_code(&v), None, "{v}");
    for token in [None, Some("other".to_owned())] {
        let mut c = Call::describe(&emu);
        c.token = token;
        assert_eq!(
            error_code(&c.send(&emu).await.1).as_deref(),
            Some("AuthFailure.TokenFailure")
        );
    }
}

#[tokio::test]
async fn signature_over_bare_host_and_exact_bytes() {
    let emu = start_small().await;
    // The Node.js SDK signs the host without its port.
    let mut c = Call::describe(&emu);
    c.signed_host = Some("127.0.0.1".into());
    assert_eq!(error_code(&c.send(&emu).await.1), None);
    // Any other host fails.
    let mut c = Call::describe(&emu);
    c.signed_host = Some("redis.tencentcloudapi.com".into());
    assert_eq!(
        error_code(&c.send(&emu).await.1).as_deref(),
        Some("AuthFailure.SignatureFailure")
    );
    // Python's json.dumps separators: the signature covers these exact bytes.
    let mut c = Call::describe(&emu);
    c.body = format!("{{\"InstanceId\": \"{INSTANCE}\", \"BackupId\": \"{BACKUP}\"}}").into_bytes();
    assert_eq!(error_code(&c.send(&emu).await.1), None);
}

#[tokio::test]
async fn action_version_and_common_parameters() {
    let emu = start_small().await;
    let mut c = Call::describe(&emu);
    c.action = "DescribeUnicorns".into();
    let (_, v) = c.send(&emu).await;
    assert_eq!(error_code(&v).as_deref(), Some("InvalidAction"));
    assert!(error_message(&v).contains("DescribeUnicorns"));

    let mut c = Call::describe(&emu);
    c.version = "2017-03-12".into();
    let (_, v) = c.send(&emu).await;
    assert_eq!(error_code(&v).as_deref(), Some("NoSuchVersion"));
    assert!(error_message(&v).contains("2018-04-12"));

    let mut c = Call::describe(&emu);
    c.region = None;
    let (_, v) = c.send(&emu).await;
    assert_eq!(error_code(&v).as_deref(), Some("MissingParameter"));
    assert!(error_message(&v).contains("Region"));

    let mut c = Call::describe(&emu);
    c.action = String::new();
    let (_, v) = c.send(&emu).await;
    assert_eq!(error_code(&v).as_deref(), Some("MissingParameter"));
    assert!(error_message(&v).contains("Action"));

    // GET is not an API call.
    let resp = reqwest::get(format!("{}/", emu.endpoint()))
        .await
        .expect("get");
    let v: Value = resp.json().await.expect("json");
    assert_eq!(error_code(&v).as_deref(), Some("UnsupportedProtocol"));
    assert_request_id(&v);
}

#[tokio::test]
async fn validation_from_the_schema() {
    let emu = start_small().await;
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"BackupId": BACKUP}),
            "MissingParameter",
            "`InstanceId`",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": null}),
            "MissingParameter",
            "`BackupId`",
        ),
        (
            json!({"InstanceId": 12, "BackupId": BACKUP}),
            "InvalidParameter",
            "`InstanceId` must be String",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitIp": "1.2.3.4"}),
            "InvalidParameter",
            "`LimitIp` must be Array of String",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitIp": ["1.2.3.4", 5]}),
            "InvalidParameter",
            "`LimitIp.1` must be String",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitVpc": [{"VpcList": ["v"]}]}),
            "MissingParameter",
            "`LimitVpc.0.Region`",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitVpc": [{"Region": "r", "VpcList": "v"}]}),
            "InvalidParameter",
            "`LimitVpc.0.VpcList` must be Array of String",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitVpc": [{"Region": "r", "VpcList": [], "Zone": 1}]}),
            "UnknownParameter",
            "`LimitVpc.0.Zone`",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitType": "Anything"}),
            "InvalidParameterValue",
            "NoLimit, LimitOnlyIntranet, Customize",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "IpComparisonSymbol": "Out"}),
            "InvalidParameterValue",
            "In, NotIn",
        ),
        (
            json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "Foo": 1}),
            "UnknownParameter",
            "`Foo`",
        ),
        (json!([1, 2]), "InvalidParameter", "JSON object"),
    ];
    for (body, code, needle) in cases {
        let (_, v) = Call::new(&emu, &body).send(&emu).await;
        assert_eq!(error_code(&v).as_deref(), Some(code), "{body} -> {v}");
        assert!(
            error_message(&v).contains(needle),
            "{body} -> {}",
            error_message(&v)
        );
        assert_request_id(&v);
    }
    let mut c = Call::describe(&emu);
    c.body = b"{not json".to_vec();
    assert_eq!(
        error_code(&c.send(&emu).await.1).as_deref(),
        Some("InvalidParameter")
    );
}

#[tokio::test]
async fn body_size_limit() {
    let emu = small_builder()
        .max_body_bytes(4096)
        .start()
        .await
        .expect("start");
    let big =
        json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitIp": vec!["10.0.0.1"; 1000]});
    let (_, v) = Call::new(&emu, &big).send(&emu).await;
    assert_eq!(
        error_code(&v).as_deref(),
        Some("RequestSizeLimitExceeded"),
        "{v}"
    );

    // A chunked body without Content-Length is cut off at the limit too.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..64).map(|_| Ok(vec![b' '; 1024])).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let resp = reqwest::Client::new()
        .post(format!("{}/", emu.endpoint()))
        .header("Content-Type", "application/json")
        .header("X-TC-Action", "DescribeBackupUrl")
        .body(body)
        .send()
        .await
        .expect("sent");
    let v: Value = resp.json().await.expect("json");
    assert_eq!(
        error_code(&v).as_deref(),
        Some("RequestSizeLimitExceeded"),
        "{v}"
    );
}

#[tokio::test]
async fn rate_limit_per_action_and_secret_id() {
    let emu = small_builder()
        .extra_credentials("AKIDother", "other-key")
        .start()
        .await
        .expect("start");
    // Fired together so that they land within one second even on a loaded machine.
    let started = std::time::Instant::now();
    let calls = (0..25).map(|_| async { error_code(&Call::describe(&emu).send(&emu).await.1) });
    let codes = futures_util::future::join_all(calls).await;
    let elapsed = started.elapsed();
    let ok = codes.iter().filter(|c| c.is_none()).count();
    let limited = codes
        .iter()
        .filter(|c| c.as_deref() == Some("RequestLimitExceeded"))
        .count();
    assert_eq!(ok + limited, 25, "{codes:?}");
    if elapsed < Duration::from_millis(900) {
        // The documented rate is 20 per second.
        assert_eq!((ok, limited), (20, 5), "{codes:?}");
    } else {
        assert!(ok >= 20 && limited >= 1, "{codes:?} in {elapsed:?}");
    }
    // Another SecretId has its own budget.
    let mut c = Call::describe(&emu);
    c.secret_id = "AKIDother".into();
    c.secret_key = "other-key".into();
    assert_eq!(error_code(&c.send(&emu).await.1), None);
    // The window slides.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(error_code(&Call::describe(&emu).send(&emu).await.1), None);
    // And it can be switched off.
    emu.set_rate_limit(false);
    for _ in 0..30 {
        assert_eq!(error_code(&Call::describe(&emu).send(&emu).await.1), None);
    }
}

#[tokio::test]
async fn injected_service_faults_are_reproducible() {
    let emu = start_small().await;
    emu.set_rate_limit(false);
    let run = |seed| {
        let emu = &emu;
        async move {
            emu.set_faults(
                Faults::none()
                    .seed(seed)
                    .request_limit_exceeded(0.3)
                    .internal_error(0.3),
            );
            let mut out = Vec::new();
            for _ in 0..20 {
                out.push(error_code(&Call::describe(emu).send(emu).await.1));
            }
            out
        }
    };
    let a = run(42).await;
    let b = run(42).await;
    assert_eq!(a, b);
    assert!(
        a.iter()
            .any(|c| c.as_deref() == Some("RequestLimitExceeded")),
        "{a:?}"
    );
    assert!(
        a.iter().any(|c| c.as_deref() == Some("InternalError")),
        "{a:?}"
    );
    assert!(a.iter().any(Option::is_none), "{a:?}");
}

#[tokio::test]
async fn injected_transport_faults() {
    let emu = start_small().await;
    emu.set_faults(Faults::none().http_5xx(1.0));
    let (status, v) = Call::describe(&emu).send(&emu).await;
    assert_eq!(status, 503);
    assert!(v.is_string());

    emu.set_faults(Faults::none().connection_reset(1.0));
    let host = emu.endpoint().trim_start_matches("http://").to_owned();
    let err = reqwest::Client::new()
        .post(format!("{}/", emu.endpoint()))
        .header("Host", host)
        .body("{}")
        .send()
        .await
        .expect_err("connection reset");
    assert!(
        err.is_request() || err.is_connect() || err.is_body(),
        "{err:?}"
    );

    emu.set_faults(Faults::none().latency(Duration::from_millis(300)));
    let started = std::time::Instant::now();
    assert_eq!(error_code(&Call::describe(&emu).send(&emu).await.1), None);
    assert!(started.elapsed() >= Duration::from_millis(300));

    emu.set_faults(Faults::none());
    let log = emu.request_log();
    assert!(log.iter().any(|e| e.status == 503));
    assert!(
        log.iter().any(|e| e.status == 0),
        "the reset is logged with status 0"
    );
    assert!(log
        .iter()
        .any(|e| e.action.as_deref() == Some("DescribeBackupUrl") && e.error_code.is_none()));
}

#[tokio::test]
async fn any_signed_header_list_with_content_type_and_host() {
    use tencentcloud_transport::sign;
    let emu = start_small().await;
    let host = emu.endpoint().trim_start_matches("http://").to_owned();
    let body = format!("{{\"InstanceId\":\"{INSTANCE}\",\"BackupId\":\"{BACKUP}\"}}");
    let timestamp = now();
    let date = sign::UtcDate::from_unix(timestamp).to_string();
    let sign_with = |headers: &[(&str, &str)], key: &str| {
        let canonical = sign::canonical_request_with_headers(
            "POST",
            "/",
            "",
            headers,
            &sign::payload_hash(body.as_bytes()),
        );
        let scope = sign::credential_scope(&date, "redis");
        let to_sign = sign::string_to_sign(timestamp, &scope, &canonical);
        let signature = sign::signature(&sign::derive_signing_key(key, &date, "redis"), &to_sign);
        let names: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
        sign::authorization_header(emu.secret_id(), &scope, &names.join(";"), &signature)
    };
    let send = |auth: String| {
        let host = host.clone();
        let body = body.clone();
        let region = emu.region().to_owned();
        async move {
            let resp = reqwest::Client::new()
                .post(format!("http://{host}/"))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("X-TC-Action", "DescribeBackupUrl")
                .header("X-TC-Version", "2018-04-12")
                .header("X-TC-Region", region)
                .header("X-TC-Timestamp", timestamp.to_string())
                .header("Authorization", auth)
                .body(body)
                .send()
                .await
                .expect("sent");
            let v: Value = resp.json().await.expect("json");
            error_code(&v)
        }
    };
    let ts = timestamp.to_string();
    let headers = [
        ("content-type", "application/json; charset=utf-8"),
        ("host", host.as_str()),
        ("x-tc-action", "DescribeBackupUrl"),
        ("x-tc-timestamp", ts.as_str()),
    ];
    assert_eq!(send(sign_with(&headers, emu.secret_key())).await, None);
    // Signing a header value other than the one sent fails.
    let mut forged = headers;
    forged[2] = ("x-tc-action", "DescribeInstances");
    assert_eq!(
        send(sign_with(&forged, emu.secret_key())).await.as_deref(),
        Some("AuthFailure.SignatureFailure")
    );
    // A header named in SignedHeaders but not sent.
    let mut absent = headers.to_vec();
    absent.push(("x-not-sent", "1"));
    assert_eq!(
        send(sign_with(&absent, emu.secret_key())).await.as_deref(),
        Some("AuthFailure.InvalidAuthorization")
    );
    // Without host in the list.
    assert_eq!(
        send(sign_with(&[headers[0], headers[2]], emu.secret_key()))
            .await
            .as_deref(),
        Some("AuthFailure.InvalidAuthorization")
    );
}

#[tokio::test]
async fn garbage_requests_always_get_an_envelope() {
    let emu = start_small().await;
    let mut rng = fastrand::Rng::with_seed(9);
    let pieces = [
        "TC3-HMAC-SHA256 ",
        "Credential=",
        "/",
        "2024-01-01",
        "redis",
        "tc3_request",
        ", ",
        "SignedHeaders=",
        "content-type;host",
        "Signature=",
        "=",
        ";",
        "\u{7f}",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ];
    let client = reqwest::Client::new();
    for i in 0..200 {
        let auth: String = (0..rng.usize(..8))
            .map(|_| pieces[rng.usize(..pieces.len())])
            .collect();
        let body: Vec<u8> = (0..rng.usize(..64)).map(|_| rng.u8(..)).collect();
        let mut req = client
            .post(format!("{}/", emu.endpoint()))
            .header("Content-Type", "application/json")
            .header(
                "X-TC-Action",
                if i % 3 == 0 {
                    "DescribeBackupUrl"
                } else {
                    "Nope"
                },
            )
            .header("X-TC-Version", "2018-04-12")
            .header(
                "X-TC-Timestamp",
                if i % 5 == 0 {
                    "abc".to_owned()
                } else {
                    now().to_string()
                },
            )
            .body(body);
        if let Ok(v) = reqwest::header::HeaderValue::from_str(&auth) {
            req = req.header("Authorization", v);
        }
        let resp = req.send().await.expect("answered");
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.expect("envelope");
        assert!(error_code(&v).is_some(), "{v}");
        assert_request_id(&v);
    }
}
