//! Secrets (SecretKey, session token) and signatures never appear in Debug, Display or logs.

mod common;

use std::time::Duration;

use common::*;
use tencentcloud_transport::credentials::{
    CvmRoleProvider, DefaultCredentialsChain, EnvProvider, ProfileProvider, Secret,
};
use tencentcloud_transport::sign::{parse_authorization, sign_stages, Signer, SigningParams};
use tencentcloud_transport::{
    Client, Credentials, Endpoint, Language, ProvideCredentials, RetryPolicy,
};

fn assert_clean(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "secret {secret:?} leaked into: {text}"
        );
    }
}

#[test]
fn credentials_debug_redacts_key_and_token() {
    let c = Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN);
    let shown = format!("{c:?} {c:#?}");
    assert_clean(&shown, &[SECRET_KEY, TOKEN]);
    assert!(
        shown.contains(SECRET_ID),
        "the SecretId is not secret: {shown}"
    );
    assert!(shown.contains("redacted"));
    let s = Secret::new(SECRET_KEY);
    assert_clean(&format!("{s:?} {s}"), &[SECRET_KEY]);
    assert_eq!(s.expose(), SECRET_KEY);
}

#[test]
fn client_and_builder_debug_redact() {
    let builder = Client::builder()
        .region("ap-guangzhou")
        .language(Language::ZhCn)
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN));
    assert_clean(&format!("{builder:?}"), &[SECRET_KEY, TOKEN]);
    let client = builder.build().unwrap();
    let shown = format!("{client:?} {client:#?}");
    assert_clean(&shown, &[SECRET_KEY, TOKEN]);
    assert!(shown.contains("ap-guangzhou"));
}

#[tokio::test]
async fn providers_debug_redact_even_after_loading() {
    let env = EnvProvider::from_lookup(|name| match name {
        "TENCENTCLOUD_SECRET_ID" => Some(SECRET_ID.into()),
        "TENCENTCLOUD_SECRET_KEY" => Some(SECRET_KEY.into()),
        "TENCENTCLOUD_SESSION_TOKEN" => Some(TOKEN.into()),
        _ => None,
    });
    env.provide_credentials().await.unwrap();
    let meta = TestServer::always(Reply::json(format!(
        r#"{{"TmpSecretId":"AKIDtmp","TmpSecretKey":"{SECRET_KEY}","Token":"{TOKEN}","ExpiredTime":9999999999}}"#
    )));
    let cvm = CvmRoleProvider::with_base_url(meta.url()).with_role("r");
    cvm.provide_credentials().await.unwrap();
    let chain = DefaultCredentialsChain::with_providers(
        env.clone(),
        ProfileProvider::from_path("/nonexistent"),
        CvmRoleProvider::with_base_url(meta.url()).with_role("r"),
    );
    chain.provide_credentials().await.unwrap();
    assert_clean(&format!("{env:?} {cvm:?} {chain:?}"), &[SECRET_KEY, TOKEN]);
}

#[test]
fn signing_values_debug_hides_signatures() {
    let params = SigningParams {
        method: "POST",
        host: "redis.tencentcloudapi.com",
        content_type: "application/json",
        canonical_query: "",
        payload: b"{}",
        timestamp: 1_700_000_000,
        service: "redis",
    };
    let stages = sign_stages(&params, SECRET_ID, SECRET_KEY);
    let signer = Signer::new();
    let header = signer.authorization(&params, SECRET_ID, SECRET_KEY);
    let parsed = parse_authorization(&header).unwrap();
    let shown = format!("{stages:?} {signer:?} {parsed:?}");
    assert_clean(&shown, &[SECRET_KEY, &stages.signature]);
}

#[tokio::test]
async fn errors_never_show_secrets() {
    // Every error class, from a client holding a key and a token.
    let creds = Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN);
    let fast = RetryPolicy::default().with_initial_backoff(Duration::from_millis(1));
    let mut shown = String::new();
    for reply in [
        Reply::json(error_body(
            "AuthFailure.SignatureFailure",
            "bad signature",
            "rid",
        )),
        Reply::raw(502, "text/html", "<html>bad gateway</html>"),
        Reply::json(r#"{"Response":{"RequestId":"x"}}"#),
        Reply::json(success_body("r")).delayed(Duration::from_secs(2)),
    ] {
        let server = TestServer::always(reply);
        let client = Client::builder()
            .region("ap-guangzhou")
            .endpoint(Endpoint::Url(server.url()))
            .credentials(creds.clone())
            .attempt_timeout(Duration::from_millis(100))
            .retry(fast)
            .build()
            .unwrap();
        let err = client.send(GetUrl::new()).await.unwrap_err();
        shown.push_str(&format!("{err}\n{err:?}\n"));
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            shown.push_str(&format!("{s}\n{s:?}\n"));
            source = s.source();
        }
        for r in server.requests() {
            let auth = r.header("authorization").unwrap().to_owned();
            let sig = auth.rsplit('=').next().unwrap().to_owned();
            assert_clean(&shown, &[SECRET_KEY, TOKEN, &sig]);
        }
    }
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(format!("http://{}", closed_port())))
        .credentials(creds)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.send(GetUrl::new()).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert_clean(&text, &[SECRET_KEY, TOKEN]);
}
