//! The emulator's STS with the transport's role providers (issue 16): AssumeRole then a Redis
//! call with the temporary keys, OIDC web identity from a token file then a download, the TKE
//! form in the default chain, one shared refresh under 50 concurrent calls, a rotated token
//! file, the typed errors with their RequestId, and a failed refresh with keys still valid.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use tencentcloud_redis::download::{download_backup, DownloadOptions};
use tencentcloud_redis::DescribeBackupUrlRequest;
use tencentcloud_redis_emulator::{RunningEmulator, DEFAULT_PROVIDER_ID, DEFAULT_ROLE_ARN};
use tencentcloud_transport::credentials::{
    AssumeRoleProvider, CredentialsErrorKind, CvmRoleProvider, DefaultCredentialsChain,
    EnvProvider, ProfileProvider, StsErrorKind, TkeOidcProvider, WebIdentityProvider,
};
use tencentcloud_transport::{
    ActionError, Client, ClientBuilder, Credentials, Endpoint, Error, ProvideCredentials,
    RateLimit, RetryPolicy,
};

fn sts(emu: &RunningEmulator) -> Endpoint {
    Endpoint::Url(emu.endpoint().to_owned())
}

fn client(emu: &RunningEmulator, provider: impl ProvideCredentials + 'static) -> Client {
    Client::builder()
        .region(emu.region())
        .endpoint(Endpoint::Url(emu.endpoint().to_owned()))
        .credentials(provider)
        .rate_limit(RateLimit::Disabled)
        .build()
        .expect("client")
}

fn long_term(emu: &RunningEmulator) -> Credentials {
    Credentials::new(emu.secret_id(), emu.secret_key())
}

fn role(emu: &RunningEmulator) -> AssumeRoleProvider {
    AssumeRoleProvider::builder(DEFAULT_ROLE_ARN)
        .session_name("sts-test")
        .sts_endpoint(sts(emu))
        .build(long_term(emu))
        .expect("provider")
}

/// The answers of one action in the log: its error codes (`None` for a success).
fn answers(emu: &RunningEmulator, action: &str) -> Vec<Option<String>> {
    emu.request_log()
        .into_iter()
        .filter(|e| e.action.as_deref() == Some(action))
        .map(|e| e.error_code)
        .collect()
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write the token file");
}

/// An emulator accepting the token in `token_file` (written with `token` first), and a web
/// identity provider reading that file.
async fn oidc(
    token_file: &Path,
    token: &str,
    builder: tencentcloud_redis_emulator::EmulatorBuilder,
) -> (RunningEmulator, WebIdentityProvider) {
    write(token_file, token);
    let emu = builder
        .web_identity_token_file(token_file)
        .start()
        .await
        .expect("emulator starts");
    let provider = WebIdentityProvider::builder(DEFAULT_PROVIDER_ID, DEFAULT_ROLE_ARN)
        .token_file(token_file)
        .sts_endpoint(sts(&emu))
        .build()
        .expect("provider");
    (emu, provider)
}

#[tokio::test]
async fn assume_role_then_describe_backup_url_with_the_temporary_keys() {
    let emu = start_small().await;
    let provider = Arc::new(role(&emu));
    let client = client(&emu, Arc::clone(&provider));
    for _ in 0..3 {
        let answer = client
            .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
            .await
            .expect("the call with the role's keys succeeds");
        assert_eq!(answer.backup_infos.len(), 5);
    }
    // One AssumeRole, signed by the long-term key; three calls signed by the temporary one.
    let log = emu.request_log();
    let assume: Vec<_> = log
        .iter()
        .filter(|e| e.action.as_deref() == Some("AssumeRole"))
        .collect();
    assert_eq!(assume.len(), 1, "{log:?}");
    assert_eq!(assume[0].error_code, None);
    assert_eq!(assume[0].secret_id.as_deref(), Some(emu.secret_id()));
    let calls: Vec<_> = log
        .iter()
        .filter(|e| e.action.as_deref() == Some("DescribeBackupUrl"))
        .collect();
    assert_eq!(calls.len(), 3);
    let temporary = provider.provide_credentials().await.expect("cached");
    assert!(temporary.token().is_some() && temporary.expires_at().is_some());
    for call in calls {
        assert_eq!(call.error_code, None);
        assert_eq!(call.secret_id.as_deref(), Some(temporary.secret_id()));
        assert_ne!(call.secret_id.as_deref(), Some(emu.secret_id()));
    }
    assert!(provider.description().contains(DEFAULT_ROLE_ARN));
}

#[tokio::test]
async fn web_identity_from_a_token_file_then_a_download() {
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("token");
    let (emu, provider) = oidc(&token_file, "eyJ.oidc-token-1.sig\n", small_builder()).await;
    let client = client(&emu, provider);
    let summary = download_backup(
        &client,
        INSTANCE,
        BACKUP,
        dir.path().join("out"),
        DownloadOptions::new(),
    )
    .await
    .expect("download runs");
    assert!(summary.is_success(), "{summary:?}");
    assert_eq!(summary.downloaded(), 5);
    // The web identity call is unsigned: no SecretId in the log.
    let log = emu.request_log();
    let oidc: Vec<_> = log
        .iter()
        .filter(|e| e.action.as_deref() == Some("AssumeRoleWithWebIdentity"))
        .collect();
    assert_eq!(oidc.len(), 1, "{log:?}");
    assert_eq!(
        (oidc[0].error_code.as_deref(), oidc[0].secret_id.as_deref()),
        (None, None)
    );
}

#[tokio::test]
async fn the_tke_form_joins_the_default_chain_after_the_cvm_role() {
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("tke-token");
    write(&token_file, "tke-oidc-token");
    let emu = small_builder()
        .web_identity_token_file(&token_file)
        .start()
        .await
        .expect("emulator starts");
    let vars: HashMap<&str, String> = [
        ("TKE_REGION", "ap-guangzhou".to_owned()),
        ("TKE_PROVIDER_ID", "cls-oidc".to_owned()),
        (
            "TKE_WEB_IDENTITY_TOKEN_FILE",
            token_file.display().to_string(),
        ),
        ("TKE_ROLE_ARN", DEFAULT_ROLE_ARN.to_owned()),
    ]
    .into_iter()
    .collect();
    let none = |_: &str| -> Option<String> { None };
    let default_chain = |tke: TkeOidcProvider| {
        DefaultCredentialsChain::with_providers(
            EnvProvider::from_lookup(none),
            ProfileProvider::with_home(dir.path(), none),
            // Nothing listens on port 1: the CVM step fails fast and the chain moves on.
            CvmRoleProvider::with_base_url("http://127.0.0.1:1/"),
        )
        .with_system_profile(ProfileProvider::with_file(dir.path().join("etc"), none))
        .with_tke(tke)
    };
    let tke = TkeOidcProvider::from_lookup(move |name| vars.get(name).cloned())
        .with_sts_client(ClientBuilder::new().endpoint(sts(&emu)));
    let client = client(&emu, default_chain(tke));
    client
        .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
        .await
        .expect("the TKE step supplies the keys");
    assert_eq!(answers(&emu, "AssumeRoleWithWebIdentity"), [None]);

    // Without the TKE variables the chain's failure still names every place it looked.
    let client = client_without_retries(&emu, default_chain(TkeOidcProvider::from_lookup(none)));
    let err = client
        .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
        .await
        .expect_err("no credentials anywhere");
    let Error::Credentials(e) = &err else {
        panic!("{err:?}")
    };
    let message = e.to_string();
    for place in [
        "TENCENTCLOUD_SECRET_ID",
        ".tencentcloud/credentials",
        "etc",
        "127.0.0.1:1",
        "TKE_WEB_IDENTITY_TOKEN_FILE",
    ] {
        assert!(message.contains(place), "{place} missing from: {message}");
    }
    assert!(message.contains("(5) TKE web identity"), "{message}");
}

fn client_without_retries(
    emu: &RunningEmulator,
    provider: impl ProvideCredentials + 'static,
) -> Client {
    Client::builder()
        .region(emu.region())
        .endpoint(Endpoint::Url(emu.endpoint().to_owned()))
        .credentials(provider)
        .retry(RetryPolicy::disabled())
        .build()
        .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_keys_are_refreshed_once_for_50_concurrent_calls() {
    let emu = small_builder()
        .rate_limit(false)
        .sts_credentials_lifetime(Duration::from_secs(3))
        .start()
        .await
        .expect("emulator starts");
    let provider = Arc::new(role(&emu));
    let client = client(&emu, Arc::clone(&provider));
    client
        .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
        .await
        .expect("first call");
    let first = provider.provide_credentials().await.expect("cached");
    tokio::time::sleep(Duration::from_millis(3500)).await;

    // The first keys have expired: the emulator refuses them now.
    let stale = client_without_retries(&emu, first.clone());
    let err = stale
        .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
        .await
        .expect_err("expired keys are refused");
    assert_eq!(err.code(), Some("AuthFailure.TokenFailure"), "{err}");
    assert!(err.request_id().is_some());

    let calls = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
                .await
                .map(|r| r.backup_infos.len())
        })
    });
    for call in futures_util::future::join_all(calls).await {
        assert_eq!(call.expect("task").expect("call succeeds"), 5);
    }
    assert_eq!(
        answers(&emu, "AssumeRole"),
        [None, None],
        "one refresh only"
    );
    let second = provider.provide_credentials().await.expect("cached");
    assert_ne!(first.secret_id(), second.secret_id());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_token_file_is_read_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("token");
    let builder = small_builder().sts_credentials_lifetime(Duration::from_secs(2));
    let (emu, provider) = oidc(&token_file, "token-before-rotation", builder).await;
    let client = client_without_retries(&emu, provider);
    client
        .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
        .await
        .expect("first call");
    // TKE rotates the token; the emulator now accepts only the new one.
    write(&token_file, "token-after-rotation");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    client
        .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
        .await
        .expect("the refresh sends the new token");
    assert_eq!(answers(&emu, "AssumeRoleWithWebIdentity"), [None, None]);
}

#[tokio::test]
async fn a_wrong_role_a_refused_token_and_a_missing_or_wrong_session_token_are_typed_errors() {
    let emu = small_builder()
        .web_identity_token("the-right-token")
        .start()
        .await
        .expect("emulator starts");

    // A role the account does not have.
    let wrong_role = AssumeRoleProvider::builder("qcs::cam::uin/100000000001:roleName/nobody")
        .sts_endpoint(sts(&emu))
        .build(long_term(&emu))
        .expect("provider");
    let err = client_without_retries(&emu, wrong_role)
        .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
        .await
        .expect_err("the role does not exist");
    let Error::Credentials(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.kind(), CredentialsErrorKind::Invalid);
    let sts_error = e.sts_error().expect("the STS answer");
    assert_eq!(sts_error.kind(), StsErrorKind::RoleNotFound);
    assert_eq!(sts_error.code(), "ResourceNotFound.RoleNotFound");
    assert!(!sts_error.message().is_empty());
    assert_eq!(sts_error.request_id().len(), 36, "{sts_error}");
    let full = chain_of(&err);
    assert!(
        full.contains("nobody") && full.contains(sts_error.request_id()),
        "{full}"
    );

    // A web identity token the emulator does not accept.
    let wrong_token = WebIdentityProvider::builder(DEFAULT_PROVIDER_ID, DEFAULT_ROLE_ARN)
        .token("not-the-right-token")
        .sts_endpoint(sts(&emu))
        .build()
        .expect("provider");
    let err = client_without_retries(&emu, wrong_token)
        .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
        .await
        .expect_err("the token is refused");
    let Error::Credentials(e) = &err else {
        panic!("{err:?}")
    };
    let sts_error = e.sts_error().expect("the STS answer");
    assert_eq!(sts_error.kind(), StsErrorKind::WebIdentityTokenError);
    assert_eq!(sts_error.request_id().len(), 36);
    assert!(!chain_of(&err).contains("not-the-right-token"));

    // Temporary keys without their token, or with another one.
    let temporary = role(&emu).provide_credentials().await.expect("assumed");
    let bare = Credentials::new(temporary.secret_id(), temporary.secret_key());
    for creds in [bare.clone(), bare.with_token("a-wrong-token")] {
        let err = client_without_retries(&emu, creds)
            .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
            .await
            .expect_err("the token is missing or wrong");
        assert_eq!(err.code(), Some("AuthFailure.TokenFailure"), "{err}");
        assert_eq!(err.request_id().map(str::len), Some(36));
    }
    // With it, they work.
    client_without_retries(&emu, temporary)
        .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
        .await
        .expect("the temporary keys with their token");
}

/// The error and its causes, `: `-separated, as `tcredis` prints them.
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_with_keys_still_valid_does_not_fail_the_call() {
    let emu = small_builder()
        .sts_credentials_lifetime(Duration::from_secs(6))
        .start()
        .await
        .expect("emulator starts");
    let provider = Arc::new(
        AssumeRoleProvider::builder(DEFAULT_ROLE_ARN)
            .sts_client(
                ClientBuilder::new()
                    .endpoint(sts(&emu))
                    .retry(RetryPolicy::disabled()),
            )
            .build(long_term(&emu))
            .expect("provider"),
    );
    let client = client_without_retries(&emu, Arc::clone(&provider));
    client
        .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
        .await
        .expect("first call");
    let first = provider.provide_credentials().await.expect("cached");
    // Inside the refresh margin (half of six seconds), still valid: STS fails.
    tokio::time::sleep(Duration::from_millis(3300)).await;
    emu.push_sts_error("InternalError", "STS is down (scripted)");
    client
        .send(DescribeBackupUrlRequest::new(INSTANCE, BACKUP))
        .await
        .expect("the still-valid keys are used");
    assert_eq!(
        answers(&emu, "AssumeRole"),
        [None, Some("InternalError".to_owned())]
    );
    let calls = emu
        .request_log()
        .into_iter()
        .filter(|e| e.action.as_deref() == Some("DescribeBackupUrl"))
        .collect::<Vec<_>>();
    assert_eq!(calls.len(), 2);
    assert!(calls
        .iter()
        .all(|c| c.error_code.is_none() && c.secret_id.as_deref() == Some(first.secret_id())));
}

#[tokio::test]
async fn the_start_line_says_how_to_use_a_role() {
    let emu = small_builder()
        .role("qcs::cam::uin/100000000002:roleName/reader")
        .start()
        .await
        .expect("emulator starts");
    let start: serde_json::Value = serde_json::from_str(&emu.start_line()).expect("json");
    assert_eq!(start["sts"]["endpoint"], emu.endpoint());
    assert_eq!(
        start["sts"]["role_arns"],
        serde_json::json!(["qcs::cam::uin/100000000002:roleName/reader"])
    );
    assert_eq!(start["sts"]["provider_id"], DEFAULT_PROVIDER_ID);
    // The default role is replaced by the one configured.
    let err = role(&emu)
        .provide_credentials()
        .await
        .expect_err("the default role is gone");
    assert_eq!(
        err.sts_error().map(|e| e.code().to_owned()).as_deref(),
        Some("ResourceNotFound.RoleNotFound")
    );
}
