//! Common-parameter headers that are present but not UTF-8, or not a valid value (issue 17):
//! each gets the code the service answers for a wrong value of that parameter, with a message
//! that says what is wrong, never `MissingParameter`. Every request here is correctly signed,
//! so that the answer is about the header under test.

mod common;

use common::*;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;
use tencentcloud_redis_emulator::RunningEmulator;
use tencentcloud_transport::sign::{sign_stages, SigningParams};

/// Bytes that are not UTF-8 (a lone continuation byte and an invalid lead byte), but are
/// allowed in an HTTP header value.
const NOT_UTF8: &[u8] = b"Describe\x80Backup\xffUrl";

/// A correctly signed DescribeBackupUrl call with the header `name` set to `value` (added
/// when the call has no such header, replacing it when it has), or removed when `value` is
/// `None`.
async fn send_with(
    emu: &RunningEmulator,
    name: &str,
    value: Option<&[u8]>,
    token: Option<&[u8]>,
) -> Value {
    let body = serde_json::to_vec(&serde_json::json!({"InstanceId": INSTANCE, "BackupId": BACKUP}))
        .expect("json");
    let timestamp = now();
    let host = emu.endpoint().trim_start_matches("http://").to_owned();
    let content_type = "application/json";
    let params = SigningParams {
        method: "POST",
        host: &host,
        content_type,
        canonical_query: "",
        payload: &body,
        timestamp,
        service: "redis",
    };
    let authorization = sign_stages(&params, emu.secret_id(), emu.secret_key()).authorization;
    let mut headers = reqwest::header::HeaderMap::new();
    let ts = timestamp.to_string();
    for (n, v) in [
        ("content-type", content_type),
        ("x-tc-action", "DescribeBackupUrl"),
        ("x-tc-version", "2018-04-12"),
        ("x-tc-region", emu.region()),
        ("x-tc-timestamp", ts.as_str()),
        ("authorization", authorization.as_str()),
    ] {
        headers.insert(n, HeaderValue::from_str(v).expect("header value"));
    }
    let name = HeaderName::from_bytes(name.as_bytes()).expect("header name");
    match value {
        Some(v) => {
            headers.insert(
                name,
                HeaderValue::from_bytes(v).expect("a valid header value"),
            );
        }
        None => {
            headers.remove(name);
        }
    }
    if let Some(t) = token {
        headers.insert("x-tc-token", HeaderValue::from_bytes(t).expect("token"));
    }
    let resp = reqwest::Client::new()
        .post(format!("{}/", emu.endpoint()))
        .headers(headers)
        .body(body)
        .send()
        .await
        .expect("answered");
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.expect("an envelope");
    assert_request_id(&v);
    v
}

/// Asserts the answer's code and that its message contains every one of `needles`.
#[track_caller]
fn assert_answer(v: &Value, code: &str, needles: &[&str]) {
    assert_eq!(error_code(v).as_deref(), Some(code), "{v}");
    let message = error_message(v);
    for needle in needles {
        assert!(message.contains(needle), "{needle:?} not in {message:?}");
    }
}

#[tokio::test]
async fn the_well_formed_call_succeeds() {
    let emu = start_small().await;
    let v = send_with(&emu, "x-tc-action", Some(b"DescribeBackupUrl"), None).await;
    assert_eq!(error_code(&v), None, "{v}");
}

#[tokio::test]
async fn action() {
    let emu = start_small().await;
    let v = send_with(&emu, "x-tc-action", Some(NOT_UTF8), None).await;
    assert_answer(&v, "InvalidAction", &["X-TC-Action", "not valid UTF-8"]);
    assert_eq!(
        error_message(&v),
        "The action in header X-TC-Action is not valid UTF-8, so it names no action of service `redis`."
    );
    // UTF-8, but no action of the service (before, any non-ASCII value was "missing").
    let v = send_with(&emu, "x-tc-action", Some("Describé".as_bytes()), None).await;
    assert_answer(
        &v,
        "InvalidAction",
        &["`Describé` does not exist", "`redis`"],
    );
    let v = send_with(&emu, "x-tc-action", Some(b"Describe BackupUrl"), None).await;
    assert_answer(
        &v,
        "InvalidAction",
        &["`Describe BackupUrl` does not exist"],
    );
    // Absent and empty are missing.
    let v = send_with(&emu, "x-tc-action", None, None).await;
    assert_answer(&v, "MissingParameter", &["`Action`", "X-TC-Action"]);
    let v = send_with(&emu, "x-tc-action", Some(b""), None).await;
    assert_answer(&v, "MissingParameter", &["`Action`", "X-TC-Action"]);
}

#[tokio::test]
async fn version() {
    let emu = start_small().await;
    let v = send_with(&emu, "x-tc-version", Some(b"2018-04-\xff12"), None).await;
    assert_answer(&v, "NoSuchVersion", &[]);
    assert_eq!(
        error_message(&v),
        "The API version in header X-TC-Version is not valid UTF-8; the supported version is 2018-04-12."
    );
    let v = send_with(&emu, "x-tc-version", Some("2018-04-12é".as_bytes()), None).await;
    assert_answer(
        &v,
        "NoSuchVersion",
        &["`2018-04-12é` does not exist", "2018-04-12."],
    );
    let v = send_with(&emu, "x-tc-version", None, None).await;
    assert_answer(&v, "MissingParameter", &["`Version`", "X-TC-Version"]);
}

#[tokio::test]
async fn region() {
    let emu = start_small().await;
    let v = send_with(&emu, "x-tc-region", Some(b"ap-guangzhou\xe9"), None).await;
    assert_answer(&v, "InvalidParameterValue", &[]);
    assert_eq!(
        error_message(&v),
        "The region in header X-TC-Region is not valid UTF-8: a region is letters, digits and '-', e.g. ap-guangzhou."
    );
    for bad in [
        "ap-guängzhou",
        "ap guangzhou",
        "ap/guangzhou",
        "ap-guangzhou;x",
    ] {
        let v = send_with(&emu, "x-tc-region", Some(bad.as_bytes()), None).await;
        assert_answer(
            &v,
            "InvalidParameterValue",
            &[
                &format!("The region `{bad}` (header X-TC-Region) is not valid"),
                "e.g. ap-guangzhou",
            ],
        );
    }
    // A well-formed region the emulator does not serve is not an error of the header.
    let v = send_with(&emu, "x-tc-region", Some(b"ap-shanghai"), None).await;
    assert_answer(&v, "ResourceNotFound.InstanceNotExists", &["`ap-shanghai`"]);
    let v = send_with(&emu, "x-tc-region", None, None).await;
    assert_answer(&v, "MissingParameter", &["`Region`", "X-TC-Region"]);
}

#[tokio::test]
async fn timestamp() {
    let emu = start_small().await;
    let v = send_with(&emu, "x-tc-timestamp", Some(b"17000\xff00000"), None).await;
    assert_answer(&v, "InvalidParameter", &[]);
    assert_eq!(
        error_message(&v),
        "The parameter `Timestamp` (header X-TC-Timestamp) is not valid UTF-8; it must be a Unix time in seconds."
    );
    for bad in [
        "abc",
        "-1",
        "1e9",
        "+1700000000",
        "1700000000.5",
        "17000000é",
        "18446744073709551616",
    ] {
        let v = send_with(&emu, "x-tc-timestamp", Some(bad.as_bytes()), None).await;
        assert_answer(
            &v,
            "InvalidParameter",
            &[&format!(
                "The parameter `Timestamp` (header X-TC-Timestamp) must be a Unix time in seconds (decimal digits), not `{bad}`."
            )],
        );
    }
    let v = send_with(&emu, "x-tc-timestamp", None, None).await;
    assert_answer(&v, "MissingParameter", &["`Timestamp`", "X-TC-Timestamp"]);
}

#[tokio::test]
async fn signed_header_that_is_not_utf8() {
    let emu = start_small().await;
    let v = send_with(&emu, "content-type", Some(b"application/json\xff"), None).await;
    assert_answer(&v, "AuthFailure.SignatureFailure", &[]);
    assert_eq!(
        error_message(&v),
        "The provided credentials could not be validated: the signed header `content-type` is not valid UTF-8."
    );
    // UTF-8 that is not ASCII is a value like any other: it is signed over, so a value other
    // than the one signed fails the signature (before, it was "not in the request").
    let v = send_with(
        &emu,
        "content-type",
        Some("application/jsön".as_bytes()),
        None,
    )
    .await;
    assert_answer(&v, "AuthFailure.SignatureFailure", &["does not match"]);
}

#[tokio::test]
async fn token_that_is_not_ascii_is_a_token() {
    // A permanent key: any token sent is one too many, whatever its bytes.
    let emu = start_small().await;
    let v = send_with(
        &emu,
        "x-tc-action",
        Some(b"DescribeBackupUrl"),
        Some(b"tok\xff"),
    )
    .await;
    assert_answer(&v, "AuthFailure.TokenFailure", &["permanent key"]);
    // A temporary key: a token that is not the one issued does not match.
    let emu = small_builder()
        .token("the-token")
        .start()
        .await
        .expect("start");
    let v = send_with(
        &emu,
        "x-tc-action",
        Some(b"DescribeBackupUrl"),
        Some(b"the-t\xe9ken"),
    )
    .await;
    assert_answer(&v, "AuthFailure.TokenFailure", &["does not match"]);
    let v = send_with(
        &emu,
        "x-tc-action",
        Some(b"DescribeBackupUrl"),
        Some(b"the-token"),
    )
    .await;
    assert_eq!(error_code(&v), None, "{v}");
}

#[tokio::test]
async fn a_wrong_action_is_answered_after_authentication() {
    // As for an unknown action: an unauthenticated caller learns nothing about actions.
    let emu = start_small().await;
    let v = send_with(&emu, "authorization", None, None).await;
    assert_answer(&v, "AuthFailure.InvalidAuthorization", &["missing"]);
    let resp = reqwest::Client::new()
        .post(format!("{}/", emu.endpoint()))
        .header("Content-Type", "application/json")
        .header(
            "X-TC-Action",
            HeaderValue::from_bytes(NOT_UTF8).expect("value"),
        )
        .header("X-TC-Version", "2018-04-12")
        .header("X-TC-Timestamp", now().to_string())
        .body("{}")
        .send()
        .await
        .expect("answered");
    let v: Value = resp.json().await.expect("envelope");
    assert_answer(&v, "AuthFailure.InvalidAuthorization", &["missing"]);
}
