//! Credential providers and the default chain, with a temporary HOME and a local metadata
//! server; nothing here touches the process environment.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use tencentcloud_transport::credentials::{
    CredentialsChain, CredentialsError, CredentialsErrorKind, CvmRoleProvider,
    DefaultCredentialsChain, EnvProvider, ProfileProvider, CVM_METADATA_URL, SYSTEM_PROFILE_FILE,
};
use tencentcloud_transport::{Client, Credentials, Endpoint, ProvideCredentials};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

/// The system-wide step of the default chain pointed at a file that does not exist, so that
/// a real `/etc/tencentcloud/credentials` cannot change what a test sees.
fn no_system_file(dir: &Path) -> ProfileProvider {
    ProfileProvider::with_file(dir.join("etc/tencentcloud/credentials"), env(&[]))
}

fn write_profile(home: &Path, text: &str) {
    std::fs::create_dir_all(home.join(".tencentcloud")).unwrap();
    std::fs::write(home.join(".tencentcloud/credentials"), text).unwrap();
}

const PROFILE_TEXT: &str = "\
# Tencent Cloud credentials
[default]
secret_id = AKIDdefault
secret_key = default-key

[work]
secret_id=AKIDwork
secret_key=work-key
token = work-token
";

#[tokio::test]
async fn env_provider_reads_the_three_variables() {
    let p = EnvProvider::from_lookup(env(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
        ("TENCENTCLOUD_SECRET_KEY", "env-key"),
        ("TENCENTCLOUD_SESSION_TOKEN", "env-token"),
    ]));
    let c = p.provide_credentials().await.unwrap();
    assert_eq!(c.secret_id(), "AKIDenv");
    assert_eq!(c.secret_key(), "env-key");
    assert_eq!(c.token(), Some("env-token"));

    let p = EnvProvider::from_lookup(env(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
        ("TENCENTCLOUD_SECRET_KEY", "env-key"),
    ]));
    assert_eq!(p.provide_credentials().await.unwrap().token(), None);

    let err = EnvProvider::from_lookup(env(&[])).load().unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::NotFound);
    assert!(err.to_string().contains("TENCENTCLOUD_SECRET_ID"));
    assert!(err.to_string().contains("TENCENTCLOUD_SECRET_KEY"));

    let err = EnvProvider::from_lookup(env(&[("TENCENTCLOUD_SECRET_ID", "AKIDenv")]))
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
    assert!(err.to_string().contains("TENCENTCLOUD_SECRET_KEY is not"));
}

#[tokio::test]
async fn profile_provider_reads_default_named_and_env_selected_sections() {
    let home = tempfile::tempdir().unwrap();
    write_profile(home.path(), PROFILE_TEXT);

    let c = ProfileProvider::with_home(home.path(), env(&[]))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(
        (c.secret_id(), c.secret_key(), c.token()),
        ("AKIDdefault", "default-key", None)
    );

    let c = ProfileProvider::with_home(home.path(), env(&[("TENCENTCLOUD_PROFILE", "work")]))
        .load()
        .unwrap();
    assert_eq!(
        (c.secret_id(), c.secret_key(), c.token()),
        ("AKIDwork", "work-key", Some("work-token"))
    );

    // An explicit profile wins over the variable.
    let c = ProfileProvider::with_home(home.path(), env(&[("TENCENTCLOUD_PROFILE", "work")]))
        .with_profile("default")
        .load()
        .unwrap();
    assert_eq!(c.secret_id(), "AKIDdefault");

    // HOME read through the lookup.
    let home_str = home.path().to_str().unwrap().to_owned();
    let c = ProfileProvider::from_lookup(env(&[("HOME", &home_str)]))
        .load()
        .unwrap();
    assert_eq!(c.secret_id(), "AKIDdefault");

    let c = ProfileProvider::from_path(home.path().join(".tencentcloud/credentials"))
        .with_profile("work")
        .load()
        .unwrap();
    assert_eq!(c.token(), Some("work-token"));
}

#[tokio::test]
async fn profile_provider_errors_name_the_file_and_section_without_secrets() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join(".tencentcloud/credentials");

    let err = ProfileProvider::with_home(home.path(), env(&[]))
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::NotFound);
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );

    write_profile(home.path(), PROFILE_TEXT);
    let err = ProfileProvider::with_home(home.path(), env(&[("TENCENTCLOUD_PROFILE", "nope")]))
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::NotFound);
    assert!(err.to_string().contains("[nope]"), "{err}");

    write_profile(home.path(), "[default]\nsecret_id = AKIDonly\n");
    let err = ProfileProvider::with_home(home.path(), env(&[]))
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
    assert!(err.to_string().contains("secret_key"), "{err}");

    write_profile(
        home.path(),
        "[default]\nsecret_id = AKID\nsecret_key = s3cr3t-value\nthis line leaks s3cr3t-value\n",
    );
    let err = ProfileProvider::with_home(home.path(), env(&[]))
        .load()
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
    assert!(err.to_string().contains("line 4"), "{err}");
    assert!(!err.to_string().contains("s3cr3t"), "{err}");
}

fn role_body(id: &str, key: &str, token: &str, expires_in: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    format!(
        r#"{{"TmpSecretId":"{id}","TmpSecretKey":"{key}","ExpiredTime":{},"Expiration":"x","Token":"{token}","Code":"Success"}}"#,
        now + expires_in
    )
}

/// A metadata server: `/meta/` lists `role-a`, `/meta/role-a` answers credentials that expire
/// `expires_in` seconds from now, numbered by request.
fn metadata_server(expires_in: i64) -> TestServer {
    TestServer::start(move |i, r| {
        if r.uri == "/meta/" {
            Reply::raw(200, "text/plain", "role-a\n")
        } else if r.uri == "/meta/role-a" {
            Reply::json(role_body(
                &format!("AKIDtmp{i}"),
                &format!("tmp-key-{i}"),
                &format!("tmp-token-{i}"),
                expires_in,
            ))
        } else {
            Reply::raw(404, "text/plain", "not found")
        }
    })
}

#[tokio::test]
async fn cvm_role_provider_discovers_the_role_and_caches_until_near_expiry() {
    let server = metadata_server(3600);
    let p = CvmRoleProvider::with_base_url(format!("{}/meta", server.url()));
    assert!(p.base_url().ends_with("/meta/"));
    let c = p.provide_credentials().await.unwrap();
    assert_eq!(c.secret_id(), "AKIDtmp1");
    assert_eq!(c.secret_key(), "tmp-key-1");
    assert_eq!(c.token(), Some("tmp-token-1"));
    assert!(c.expires_at().unwrap() > SystemTime::now() + Duration::from_secs(3000));
    // Cached: no new requests.
    for _ in 0..5 {
        assert_eq!(
            p.provide_credentials().await.unwrap().secret_id(),
            "AKIDtmp1"
        );
    }
    assert_eq!(server.count(), 2);
    let uris: Vec<String> = server.requests().into_iter().map(|r| r.uri).collect();
    assert_eq!(uris, ["/meta/", "/meta/role-a"]);
    // Requests to the metadata service carry no credentials.
    for r in server.requests() {
        assert_eq!(r.header("authorization"), None);
    }
}

#[tokio::test]
async fn cvm_role_provider_refreshes_before_expiry() {
    // Credentials valid for 100 s, refreshed when within 300 s of expiry: every call fetches.
    let server = metadata_server(100);
    let p = CvmRoleProvider::with_base_url(format!("{}/meta/", server.url())).with_role("role-a");
    assert_eq!(
        p.provide_credentials().await.unwrap().secret_id(),
        "AKIDtmp0"
    );
    assert_eq!(
        p.provide_credentials().await.unwrap().secret_id(),
        "AKIDtmp1"
    );
    assert_eq!(server.count(), 2, "an explicit role skips discovery");

    // With a smaller margin they are fresh enough to be cached.
    let server = metadata_server(100);
    let p = CvmRoleProvider::with_base_url(format!("{}/meta/", server.url()))
        .with_role("role-a")
        .with_refresh_margin(Duration::from_secs(10));
    p.provide_credentials().await.unwrap();
    p.provide_credentials().await.unwrap();
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn cvm_role_provider_keeps_valid_credentials_when_a_refresh_fails() {
    let server = TestServer::start(|i, _| {
        if i == 0 {
            Reply::json(role_body("AKIDfirst", "k", "t", 100))
        } else {
            Reply::raw(500, "text/plain", "down")
        }
    });
    let p = CvmRoleProvider::with_base_url(format!("{}/meta/", server.url())).with_role("r");
    assert_eq!(
        p.provide_credentials().await.unwrap().secret_id(),
        "AKIDfirst"
    );
    // Inside the refresh margin, the refresh fails, the cached ones are still valid.
    assert_eq!(
        p.provide_credentials().await.unwrap().secret_id(),
        "AKIDfirst"
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn cvm_role_provider_errors() {
    // No role attached.
    let server = TestServer::always(Reply::raw(404, "text/plain", ""));
    let err = CvmRoleProvider::with_base_url(server.url())
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::NotFound);
    assert!(err.to_string().contains(&server.url()), "{err}");

    // A body that is not credentials; its content (which may hold secrets) is not echoed.
    let server = TestServer::always(Reply::json(r#"{"TmpSecretKey":"leaky-secret"}"#));
    let err = CvmRoleProvider::with_base_url(server.url())
        .with_role("r")
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
    assert!(!format!("{err} {err:?}").contains("leaky-secret"));

    // Nothing listening: fails fast.
    let addr = closed_port();
    let started = std::time::Instant::now();
    let err = CvmRoleProvider::with_base_url(format!("http://{addr}/meta/"))
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Unavailable);
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(
        CVM_METADATA_URL,
        "http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/"
    );
}

#[tokio::test]
async fn default_chain_order_env_then_profile_then_cvm() {
    let home = tempfile::tempdir().unwrap();
    write_profile(home.path(), PROFILE_TEXT);
    let server = metadata_server(3600);
    let meta = format!("{}/meta/", server.url());
    let env_vars = [
        ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
        ("TENCENTCLOUD_SECRET_KEY", "env-key"),
    ];

    let chain = DefaultCredentialsChain::with_providers(
        EnvProvider::from_lookup(env(&env_vars)),
        ProfileProvider::with_home(home.path(), env(&env_vars)),
        CvmRoleProvider::with_base_url(&meta),
    )
    .with_system_profile(no_system_file(home.path()));
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDenv"
    );

    let chain = DefaultCredentialsChain::with_providers(
        EnvProvider::from_lookup(env(&[])),
        ProfileProvider::with_home(home.path(), env(&[])),
        CvmRoleProvider::with_base_url(&meta),
    )
    .with_system_profile(no_system_file(home.path()));
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDdefault"
    );
    assert_eq!(server.count(), 0);

    let empty_home = tempfile::tempdir().unwrap();
    let chain = DefaultCredentialsChain::with_providers(
        EnvProvider::from_lookup(env(&[])),
        ProfileProvider::with_home(empty_home.path(), env(&[])),
        CvmRoleProvider::with_base_url(&meta),
    )
    .with_system_profile(no_system_file(empty_home.path()));
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDtmp1"
    );
    // Remembered: the next call asks the CVM provider first (and it answers from its cache).
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDtmp1"
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn default_chain_failure_names_every_place_it_looked() {
    let home = tempfile::tempdir().unwrap();
    let addr = closed_port();
    let meta = format!("http://{addr}/latest/meta-data/cam/security-credentials/");
    let chain = DefaultCredentialsChain::with_providers(
        EnvProvider::from_lookup(env(&[])),
        ProfileProvider::with_home(home.path(), env(&[])),
        CvmRoleProvider::with_base_url(&meta),
    )
    .with_system_profile(no_system_file(home.path()));
    let err = chain.provide_credentials().await.unwrap_err();
    let message = err.to_string();
    assert_eq!(err.kind(), CredentialsErrorKind::NotFound);
    for place in [
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        &home
            .path()
            .join(".tencentcloud/credentials")
            .display()
            .to_string(),
        "[default]",
        &meta,
    ] {
        assert!(message.contains(place), "{place} missing from: {message}");
    }

    // The client reports it as a credentials error, without sending anything.
    let server = TestServer::always(Reply::json(success_body("r")));
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .credentials(chain)
        .build()
        .unwrap();
    let err = client.send(GetUrl::new()).await.unwrap_err();
    assert!(matches!(err, tencentcloud_transport::Error::Credentials(_)));
    assert!(err.to_string().contains("TENCENTCLOUD_SECRET_ID"));
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn chain_stops_at_an_invalid_source() {
    let home = tempfile::tempdir().unwrap();
    write_profile(home.path(), PROFILE_TEXT);
    let chain = DefaultCredentialsChain::with_providers(
        EnvProvider::from_lookup(env(&[("TENCENTCLOUD_SECRET_ID", "AKIDhalf")])),
        ProfileProvider::with_home(home.path(), env(&[])),
        CvmRoleProvider::with_base_url(format!("http://{}/", closed_port())),
    )
    .with_system_profile(no_system_file(home.path()));
    let err = chain.provide_credentials().await.unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
    assert!(err.to_string().contains("TENCENTCLOUD_SECRET_KEY"));

    let empty = CredentialsChain::new(vec![]);
    assert!(empty.provide_credentials().await.is_err());
}

/// A temporary stand-in for `/etc/tencentcloud/credentials` holding `text`.
fn write_system_file(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("etc/tencentcloud/credentials");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

const SYSTEM_TEXT: &str = "[default]\nsecret_id = AKIDsystem\nsecret_key = system-key\n\n[work]\nsecret_id = AKIDsystemwork\nsecret_key = system-work-key\ntoken = system-token\n";

/// The default chain with every source under `dir`, the metadata service at `meta`.
fn chain_in(
    dir: &Path,
    vars: &'static [(&'static str, &'static str)],
    meta: &str,
) -> DefaultCredentialsChain {
    DefaultCredentialsChain::with_providers(
        EnvProvider::from_lookup(env(vars)),
        ProfileProvider::with_home(dir.join("home"), env(vars)),
        CvmRoleProvider::with_base_url(meta),
    )
    .with_system_profile(ProfileProvider::with_file(
        dir.join("etc/tencentcloud/credentials"),
        env(vars),
    ))
}

/// What [`chain_in`]'s chain answers.
async fn resolve(
    dir: &Path,
    vars: &'static [(&'static str, &'static str)],
    meta: &str,
) -> Result<Credentials, CredentialsError> {
    chain_in(dir, vars, meta).provide_credentials().await
}

#[test]
fn system_profile_provider_reads_etc() {
    let p = ProfileProvider::system();
    assert_eq!(p.path(), Some(Path::new("/etc/tencentcloud/credentials")));
    assert_eq!(SYSTEM_PROFILE_FILE, "/etc/tencentcloud/credentials");
    // The default chain asks the user's file, then the system-wide one, then the CVM role.
    let etc = "\"/etc/tencentcloud/credentials\"";
    let shown = format!("{:?}", DefaultCredentialsChain::new());
    assert!(at_in(&shown, "EnvProvider") < at_in(&shown, etc), "{shown}");
    assert!(
        at_in(&shown, etc) < at_in(&shown, "CvmRoleProvider"),
        "{shown}"
    );
    let shown = format!(
        "{:?}",
        DefaultCredentialsChain::with_providers(
            EnvProvider::from_lookup(env(&[])),
            ProfileProvider::with_home("/nonexistent-home", env(&[])),
            CvmRoleProvider::with_base_url("http://127.0.0.1:9/"),
        )
    );
    assert!(
        at_in(&shown, "/nonexistent-home") < at_in(&shown, etc),
        "{shown}"
    );
    assert!(
        at_in(&shown, etc) < at_in(&shown, "CvmRoleProvider"),
        "{shown}"
    );
}

fn at_in(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {haystack}"))
}

#[tokio::test]
async fn default_chain_falls_back_to_the_system_file_after_the_home_file() {
    let dir = tempfile::tempdir().unwrap();
    let server = metadata_server(3600);
    let meta = format!("{}/meta/", server.url());
    write_system_file(dir.path(), SYSTEM_TEXT);

    // No variables, no home file: the system-wide file answers, the CVM role is not asked.
    let c = resolve(dir.path(), &[], &meta).await.unwrap();
    assert_eq!(
        (c.secret_id(), c.secret_key()),
        ("AKIDsystem", "system-key")
    );
    // TENCENTCLOUD_PROFILE selects its section there too.
    let c = resolve(dir.path(), &[("TENCENTCLOUD_PROFILE", "work")], &meta)
        .await
        .unwrap();
    assert_eq!(
        (c.secret_id(), c.token()),
        ("AKIDsystemwork", Some("system-token"))
    );
    // A home file without the profile's section passes on to the system-wide file.
    write_profile(
        &dir.path().join("home"),
        "[other]\nsecret_id = x\nsecret_key = y\n",
    );
    let c = resolve(dir.path(), &[], &meta).await.unwrap();
    assert_eq!(c.secret_id(), "AKIDsystem");
    // The home file wins when it has the section; the environment wins over both.
    write_profile(&dir.path().join("home"), PROFILE_TEXT);
    let c = resolve(dir.path(), &[], &meta).await.unwrap();
    assert_eq!(c.secret_id(), "AKIDdefault");
    let vars = &[
        ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
        ("TENCENTCLOUD_SECRET_KEY", "env-key"),
    ];
    let c = resolve(dir.path(), vars, &meta).await.unwrap();
    assert_eq!(c.secret_id(), "AKIDenv");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn a_missing_or_unreadable_system_file_passes_on_to_the_cvm_role() {
    let dir = tempfile::tempdir().unwrap();
    let server = metadata_server(3600);
    let meta = format!("{}/meta/", server.url());
    let path = dir.path().join("etc/tencentcloud/credentials");
    let cases = [
        (CredentialsErrorKind::NotFound, "does not exist", "AKIDtmp1"),
        // A directory where the file should be: it cannot be read. (The chain's new
        // CVM provider fetches again: metadata requests 2 and 3.)
        (
            CredentialsErrorKind::Unavailable,
            "could not be read",
            "AKIDtmp3",
        ),
    ];
    for (kind, what, from_cvm) in cases {
        if kind == CredentialsErrorKind::Unavailable {
            std::fs::create_dir_all(&path).unwrap();
        }
        let err = ProfileProvider::with_file(&path, env(&[]))
            .load()
            .unwrap_err();
        let message = err.to_string();
        assert_eq!(err.kind(), kind, "{message}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains(what), "{what} missing from: {message}");
        let c = resolve(dir.path(), &[], &meta).await.unwrap();
        assert_eq!(c.secret_id(), from_cvm);
    }
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn default_chain_failure_names_the_system_file() {
    let dir = tempfile::tempdir().unwrap();
    let meta = format!("http://{}/meta/", closed_port());
    let err = resolve(dir.path(), &[], &meta).await.unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::NotFound);
    let message = err.to_string();
    let home_file = dir.path().join("home/.tencentcloud/credentials");
    let system_file = dir.path().join("etc/tencentcloud/credentials");
    let home_at = at_in(&message, &home_file.display().to_string());
    let system_at = at_in(&message, &system_file.display().to_string());
    assert!(home_at < system_at, "{message}");
    assert!(system_at < at_in(&message, &meta), "{message}");
}

#[tokio::test]
async fn a_broken_system_file_stops_the_chain_naming_the_file_not_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let server = metadata_server(3600);
    let meta = format!("{}/meta/", server.url());
    let cases = [
        (
            "[default]\nsecret_id = AKIDsys\nsecret_key = s3cr3t-sys\nstray s3cr3t-sys\n",
            "line 4",
        ),
        ("[default]\nsecret_id = AKIDsys\n", "secret_key"),
        ("[default\nsecret_key = s3cr3t-sys\n", "line 1"),
    ];
    for (text, what) in cases {
        let path = write_system_file(dir.path(), text);
        let err = resolve(dir.path(), &[], &meta).await.unwrap_err();
        let message = err.to_string();
        assert_eq!(err.kind(), CredentialsErrorKind::Invalid, "{message}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains(what), "{what} missing from: {message}");
        assert!(!message.contains("s3cr3t"), "{message}");
        assert!(!format!("{err:?}").contains("s3cr3t"), "{err:?}");
    }
    let mut not_utf8 = b"[default]\nsecret_id = AKIDsys\nsecret_key = ".to_vec();
    not_utf8.extend_from_slice(b"\xff\xfe\n");
    let path = dir.path().join("etc/tencentcloud/credentials");
    std::fs::write(&path, not_utf8).unwrap();
    let err = resolve(dir.path(), &[], &meta).await.unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
    assert!(err.to_string().contains("not UTF-8"), "{err}");
    // Nothing after the broken file was asked.
    assert_eq!(server.count(), 0);

    // A broken home file stops the chain before the system-wide file is read.
    write_system_file(dir.path(), SYSTEM_TEXT);
    write_profile(
        &dir.path().join("home"),
        "[default]\nsecret_id = AKIDhome\n",
    );
    let err = resolve(dir.path(), &[], &meta).await.unwrap_err();
    assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
    assert!(
        err.to_string().contains("home/.tencentcloud/credentials"),
        "{err}"
    );
}

#[tokio::test]
async fn client_signs_with_cvm_role_credentials_and_sends_the_token() {
    let meta = metadata_server(3600);
    let api = TestServer::always(Reply::json(success_body("r")));
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(api.url()))
        .credentials(CvmRoleProvider::with_base_url(format!(
            "{}/meta/",
            meta.url()
        )))
        .build()
        .unwrap();
    client.send(GetUrl::new()).await.unwrap();
    client.send(GetUrl::new()).await.unwrap();
    for r in api.requests() {
        assert_eq!(r.header("x-tc-token"), Some("tmp-token-1"));
        r.assert_signed_by("AKIDtmp1", "tmp-key-1");
    }
    assert_eq!(meta.count(), 2);
}

#[test]
fn static_credentials_validate_nothing_but_redact() {
    let c = Credentials::new("AKID", "key").with_token("tok");
    assert_eq!(c.secret_id(), "AKID");
    assert!(c.expires_at().is_none());
}
