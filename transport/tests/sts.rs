//! The STS role providers against a recording server on 127.0.0.1: what `AssumeRole` and
//! `AssumeRoleWithWebIdentity` send (signed for `sts`, or unsigned with `Authorization:
//! SKIP`), caching and the one shared refresh, the token file read on every refresh, role
//! profiles, the TKE variables, typed STS errors, and that no secret reaches a message or a
//! `Debug`.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use serde::Serialize;
use tencentcloud_transport::credentials::{
    AssumeRoleProvider, AssumeRoleRequest, CredentialsErrorKind, ProfileProvider, StsErrorKind,
    TkeOidcProvider, WebIdentityProvider, STS_SERVICE,
};
use tencentcloud_transport::{
    Action, Client, ClientBuilder, Credentials, CredentialsError, Endpoint, Error,
    ProvideCredentials, RetryPolicy, ServiceInfo,
};

const ROLE: &str = "qcs::cam::uin/100000000001:roleName/backup-reader";
const TMP_KEY: &str = "TmpSecretKeyCanary_5a4b3c2d1e";
const TMP_TOKEN: &str = "TmpTokenCanary_0f1e2d3c4b5a69788796a5b4";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// An STS success answer lasting `secs`, with a TmpSecretId that says which answer it is.
fn sts_answer(n: usize, secs: u64) -> Reply {
    Reply::json(format!(
        r#"{{"Response":{{"Credentials":{{"Token":"{TMP_TOKEN}","TmpSecretId":"AKIDtmp{n}","TmpSecretKey":"{TMP_KEY}"}},"ExpiredTime":{},"Expiration":"","RequestId":"sts-{n}"}}}}"#,
        now() + secs
    ))
}

fn sts_client(server: &TestServer) -> ClientBuilder {
    Client::builder()
        .endpoint(Endpoint::Url(server.url()))
        .retry(RetryPolicy::disabled())
}

fn body_of(request: &Recorded) -> serde_json::Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn chain_of(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

#[tokio::test]
async fn assume_role_is_signed_for_sts_with_the_source_keys_and_cached() {
    let server = TestServer::start(|i, _| sts_answer(i, 7200));
    let provider = AssumeRoleProvider::builder(ROLE)
        .session_name("nightly")
        .duration(Duration::from_secs(3600))
        .policy(r#"{"version":"2.0","statement":[]}"#)
        .external_id("ext-1")
        .sts_client(sts_client(&server))
        .build(Credentials::new(SECRET_ID, SECRET_KEY))
        .unwrap();
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.secret_id(), "AKIDtmp0");
    assert_eq!(creds.secret_key(), TMP_KEY);
    assert_eq!(creds.token(), Some(TMP_TOKEN));
    assert!(creds.expires_at().is_some());
    let again = provider.provide_credentials().await.unwrap();
    assert_eq!(again.secret_id(), "AKIDtmp0", "cached");
    assert_eq!(server.count(), 1);

    let sent = &server.requests()[0];
    assert_eq!(sent.header("x-tc-action"), Some("AssumeRole"));
    assert_eq!(sent.header("x-tc-version"), Some("2018-08-13"));
    assert_eq!(sent.header("x-tc-region"), Some("ap-guangzhou"));
    assert_eq!(sent.header("x-tc-token"), None);
    sent.assert_signed_for(SECRET_ID, SECRET_KEY, "sts");
    assert_eq!(
        body_of(sent),
        serde_json::json!({
            "RoleArn": ROLE,
            "RoleSessionName": "nightly",
            "DurationSeconds": 3600,
            "Policy": "%7B%22version%22%3A%222.0%22%2C%22statement%22%3A%5B%5D%7D",
            "ExternalId": "ext-1",
        })
    );
    assert!(provider.description().contains(ROLE));
    assert_eq!(provider.sts_endpoint(), server.url());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_refresh() {
    let server = TestServer::start(|i, _| sts_answer(i, 7200).delayed(Duration::from_millis(200)));
    let provider = Arc::new(
        AssumeRoleProvider::builder(ROLE)
            .sts_client(sts_client(&server))
            .build(Credentials::new(SECRET_ID, SECRET_KEY))
            .unwrap(),
    );
    let calls = (0..50).map(|_| {
        let provider = Arc::clone(&provider);
        tokio::spawn(async move {
            provider
                .provide_credentials()
                .await
                .map(|c| c.secret_id().to_owned())
        })
    });
    for call in futures_join(calls).await {
        assert_eq!(call.unwrap().unwrap(), "AKIDtmp0");
    }
    assert_eq!(server.count(), 1);
}

async fn futures_join<T>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await);
    }
    out
}

#[tokio::test]
async fn web_identity_is_sent_unsigned_and_its_token_file_read_on_every_refresh() {
    let server = TestServer::start(|i, _| sts_answer(i, 2));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "oidc-token-one\n").unwrap();
    let provider = WebIdentityProvider::builder("oidc-provider", ROLE)
        .token_file(&file)
        .region("ap-shanghai")
        .session_name("pod-1")
        .sts_client(sts_client(&server))
        .build()
        .unwrap();
    provider.provide_credentials().await.unwrap();
    std::fs::write(&file, "oidc-token-two").unwrap();
    // Two seconds of lifetime: refreshed after one.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.secret_id(), "AKIDtmp1");

    let sent = server.requests();
    assert_eq!(sent.len(), 2);
    for (request, token) in sent.iter().zip(["oidc-token-one", "oidc-token-two"]) {
        assert_eq!(request.header("authorization"), Some("SKIP"));
        assert_eq!(request.header("x-tc-token"), None);
        assert_eq!(
            request.header("x-tc-action"),
            Some("AssumeRoleWithWebIdentity")
        );
        assert_eq!(request.header("x-tc-region"), Some("ap-shanghai"));
        assert!(request.header("x-tc-timestamp").is_some());
        assert_eq!(
            body_of(request),
            serde_json::json!({
                "ProviderId": "oidc-provider",
                "WebIdentityToken": token,
                "RoleArn": ROLE,
                "RoleSessionName": "pod-1",
                "DurationSeconds": 7200,
            })
        );
    }
    let debug = format!("{provider:?}");
    assert!(
        debug.contains("token") && !debug.contains("oidc-token"),
        "{debug}"
    );

    // A missing file is a clear error naming it, never quoting a token.
    let missing = WebIdentityProvider::builder("oidc-provider", ROLE)
        .token_file(dir.path().join("nothing-here"))
        .sts_client(sts_client(&server))
        .build()
        .unwrap();
    let err = missing.provide_credentials().await.unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Unavailable);
    assert!(err.to_string().contains("token file"), "{err}");
}

/// A hand-written unsigned action.
#[derive(Debug, Serialize)]
struct Anonymous {
    #[serde(rename = "Name")]
    name: String,
}

impl Action for Anonymous {
    type Response = serde_json::Value;
    type Error = tencentcloud_transport::ServiceError;
    const NAME: &'static str = "Anonymous";
    const SERVICE: &'static ServiceInfo = &STS_SERVICE;
    const RATE_LIMIT_PER_SECOND: Option<u32> = None;
    const UNSIGNED: bool = true;
}

#[derive(Debug, Default)]
struct Counting(AtomicUsize);

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> tencentcloud_transport::credentials::CredentialsFuture<'_> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN)) })
    }
}

#[tokio::test]
async fn an_unsigned_action_asks_for_no_credentials_and_sends_authorization_skip() {
    let server = TestServer::always(Reply::json(r#"{"Response":{"RequestId":"r"}}"#));
    let counting = Arc::new(Counting::default());
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .credentials_provider(counting.clone())
        .build()
        .unwrap();
    client.send(Anonymous { name: "x".into() }).await.unwrap();
    assert_eq!(counting.0.load(Ordering::SeqCst), 0);
    let sent = &server.requests()[0];
    assert_eq!(sent.header("authorization"), Some("SKIP"));
    assert_eq!(sent.header("x-tc-token"), None);
    assert_eq!(sent.header("x-tc-action"), Some("Anonymous"));
    // Signed actions still ask.
    client.send(GetUrl::new()).await.unwrap_err();
    assert_eq!(counting.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_answer_with_secrets_is_never_quoted_in_an_error() {
    let bodies = [
        // The right envelope, a wrong type: serde's message would quote the value.
        format!(
            r#"{{"Response":{{"Credentials":{{"Token":"{TMP_TOKEN}","TmpSecretId":"AKIDtmp","TmpSecretKey":"{TMP_KEY}"}},"ExpiredTime":"{TMP_TOKEN}","RequestId":"r-1"}}}}"#
        ),
        // Not JSON at all.
        format!("TmpSecretKey={TMP_KEY} Token={TMP_TOKEN}"),
    ];
    for body in bodies {
        let server = TestServer::always(Reply::raw(200, "application/json", body));
        let client = sts_client(&server)
            .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
            .build()
            .unwrap();
        let err = client
            .send(AssumeRoleRequest::new(ROLE, "s1"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{err:?}");
        for text in [chain_of(&err), format!("{err:?}")] {
            assert!(
                !text.contains(TMP_KEY) && !text.contains(TMP_TOKEN),
                "a secret in: {text}"
            );
        }
    }
}

#[tokio::test]
async fn sts_errors_are_typed_with_code_message_and_request_id() {
    let server = TestServer::always(Reply::json(error_body(
        "ResourceNotFound.RoleNotFound",
        "no such role",
        "rid-404",
    )));
    let provider = AssumeRoleProvider::builder(ROLE)
        .sts_client(sts_client(&server))
        .build(Credentials::new(SECRET_ID, SECRET_KEY))
        .unwrap();
    let err = provider.provide_credentials().await.unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
    let sts = err.sts_error().expect("typed");
    assert_eq!(sts.kind(), StsErrorKind::RoleNotFound);
    assert_eq!(
        tencentcloud_transport::ActionError::request_id(sts),
        "rid-404"
    );
    let text = chain_of(&err);
    assert!(
        text.contains(ROLE) && text.contains("no such role") && text.contains("rid-404"),
        "{text}"
    );
    // Through a client, the credentials error carries it.
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .credentials(provider)
        .build()
        .unwrap();
    match client.send(GetUrl::new()).await.unwrap_err() {
        Error::Credentials(e) => assert_eq!(
            e.sts_error().map(|s| s.kind()),
            Some(StsErrorKind::RoleNotFound)
        ),
        other => panic!("{other:?}"),
    }
    // Unreachable STS: unavailable, so a chain would move on.
    let provider = AssumeRoleProvider::builder(ROLE)
        .sts_client(
            Client::builder()
                .endpoint(Endpoint::Url("http://127.0.0.1:1".into()))
                .retry(RetryPolicy::disabled()),
        )
        .build(Credentials::new(SECRET_ID, SECRET_KEY))
        .unwrap();
    let err = provider.provide_credentials().await.unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Unavailable);
    assert!(err.sts_error().is_none());
}

#[test]
fn builders_refuse_bad_settings_and_debug_shows_no_secret() {
    let source = Credentials::new(SECRET_ID, SECRET_KEY);
    for bad in [
        AssumeRoleProvider::builder(""),
        AssumeRoleProvider::builder(ROLE).session_name("x"),
        AssumeRoleProvider::builder(ROLE).session_name("with space"),
        AssumeRoleProvider::builder(ROLE).duration(Duration::from_secs(43_201)),
        AssumeRoleProvider::builder(ROLE).duration(Duration::ZERO),
        AssumeRoleProvider::builder(ROLE).sts_endpoint(Endpoint::Url("ftp://x".into())),
    ] {
        assert!(bad.build(source.clone()).is_err());
    }
    assert!(
        WebIdentityProvider::builder("p", ROLE).build().is_err(),
        "no token"
    );
    assert!(WebIdentityProvider::builder("", ROLE)
        .token("t")
        .build()
        .is_err());

    let provider = AssumeRoleProvider::builder(ROLE)
        .external_id("ext")
        .build(source.clone())
        .unwrap();
    let web = WebIdentityProvider::builder("p", ROLE)
        .token("JWT-SECRET-VALUE")
        .build()
        .unwrap();
    for debug in [format!("{provider:?}"), format!("{web:?}")] {
        assert!(
            !debug.contains(SECRET_KEY) && !debug.contains("JWT-SECRET-VALUE"),
            "{debug}"
        );
    }
    assert_eq!(provider.sts_endpoint(), "https://sts.tencentcloudapi.com");
    assert!(provider.session_name().starts_with("tencentcloud-rust-"));
}

#[tokio::test]
async fn a_role_profile_assumes_its_role_with_the_sections_keys() {
    let server = TestServer::start(|i, _| sts_answer(i, 7200));
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".tencentcloud")).unwrap();
    let file = home.path().join(".tencentcloud/credentials");
    std::fs::write(
        &file,
        format!(
            "[default]\nsecret_id = AKIDplain\nsecret_key = plain-key\n\n\
             [reader]\nsecret_id = {SECRET_ID}\nsecret_key = {SECRET_KEY}\n\
             role_arn = {ROLE}\nrole_session_name = from-profile\nduration_seconds = 900\n\
             external_id = ext-9\n"
        ),
    )
    .unwrap();
    let env: HashMap<&str, &str> = [("TENCENTCLOUD_PROFILE", "reader")].into_iter().collect();
    let provider =
        ProfileProvider::with_home(home.path(), move |n| env.get(n).map(|v| v.to_string()))
            .with_sts_client(sts_client(&server));
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.secret_id(), "AKIDtmp0");
    provider.provide_credentials().await.unwrap();
    assert_eq!(
        server.count(),
        1,
        "the role's credentials are cached across calls"
    );
    let sent = &server.requests()[0];
    sent.header("authorization")
        .unwrap()
        .contains(&format!("Credential={SECRET_ID}/"))
        .then_some(())
        .expect("signed with the section's keys");
    assert_eq!(
        body_of(sent),
        serde_json::json!({
            "RoleArn": ROLE,
            "RoleSessionName": "from-profile",
            "DurationSeconds": 900,
            "ExternalId": "ext-9",
        })
    );
    assert!(
        provider.description().contains("role qcs::cam"),
        "{}",
        provider.description()
    );
    // load() still gives the section's own keys; the default section has no role.
    assert_eq!(provider.load().unwrap().secret_id(), SECRET_ID);
    let plain =
        ProfileProvider::with_home(home.path(), |_| None).with_sts_client(sts_client(&server));
    assert_eq!(
        plain.provide_credentials().await.unwrap().secret_id(),
        "AKIDplain"
    );
    assert_eq!(server.count(), 1);

    // A bad duration or role options without a role are refused, naming the file.
    for bad in [
        format!("[default]\nsecret_id=a\nsecret_key=b\nrole_arn={ROLE}\nduration_seconds=99999\n"),
        "[default]\nsecret_id=a\nsecret_key=b\nrole_session_name=x1\n".to_owned(),
    ] {
        std::fs::write(&file, bad).unwrap();
        let err: CredentialsError = plain.provide_credentials().await.unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
        assert!(
            err.to_string().contains(&file.display().to_string()),
            "{err}"
        );
    }
}

#[tokio::test]
async fn the_tke_variables_are_all_or_nothing() {
    let none = TkeOidcProvider::from_lookup(|_| None);
    let err = none.provide_credentials().await.unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::NotFound);
    for name in [
        "TKE_REGION",
        "TKE_PROVIDER_ID",
        "TKE_WEB_IDENTITY_TOKEN_FILE",
        "TKE_ROLE_ARN",
    ] {
        assert!(err.to_string().contains(name), "{err}");
    }
    let partial = TkeOidcProvider::from_lookup(|n| (n == "TKE_ROLE_ARN").then(|| ROLE.to_owned()));
    let err = partial.provide_credentials().await.unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
    assert!(err.to_string().contains("TKE_PROVIDER_ID"), "{err}");

    let server = TestServer::start(|i, _| sts_answer(i, 7200));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "tke-token").unwrap();
    let path = file.display().to_string();
    let tke = TkeOidcProvider::from_lookup(move |n| match n {
        "TKE_REGION" => Some("ap-beijing".into()),
        "TKE_PROVIDER_ID" => Some("cls-1".into()),
        "TKE_WEB_IDENTITY_TOKEN_FILE" => Some(path.clone()),
        "TKE_ROLE_ARN" => Some(ROLE.into()),
        _ => None,
    })
    .with_sts_client(sts_client(&server));
    tke.provide_credentials().await.unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.header("authorization"), Some("SKIP"));
    assert_eq!(sent.header("x-tc-region"), Some("ap-beijing"));
    assert_eq!(body_of(sent)["ProviderId"], "cls-1");
    assert!(tke.description().contains("TKE"));
}
