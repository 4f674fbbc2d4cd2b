//! Credentials and where they come from.
//!
//! [`Credentials`] holds a SecretId, a SecretKey and an optional session token; its `Debug`
//! redacts the key and the token. A [`ProvideCredentials`] implementation produces them on
//! demand; the client asks before every attempt, so temporary credentials are refreshed in
//! time. Providers:
//!
//! - [`Credentials`] itself (static credentials);
//! - [`EnvProvider`]: `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and optionally
//!   `TENCENTCLOUD_SESSION_TOKEN`;
//! - [`ProfileProvider`]: the INI file `~/.tencentcloud/credentials`, section `[default]` or the
//!   one named by `TENCENTCLOUD_PROFILE`, keys `secret_id`, `secret_key` and optionally `token`;
//!   [`ProfileProvider::system`] reads the system-wide file `/etc/tencentcloud/credentials`
//!   the same way;
//! - [`CvmRoleProvider`]: temporary keys of the CVM instance's CAM role from the metadata
//!   service, cached and refreshed before they expire;
//! - [`DefaultCredentialsChain`]: the environment, the user's profile file, the system-wide
//!   profile file, the CVM role, in that order, as the official SDKs look; its error names every
//!   place it looked.
//!
//! Every provider takes its environment (a variable lookup function, a home directory, a file
//! path, a metadata URL) as a constructor argument, so tests never need to change the process
//! environment or touch `/etc`.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A secret string (SecretKey or session token) whose `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<Arc<str>>) -> Self {
        Self(value.into())
    }

    /// The secret value. Keep it out of logs and messages.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A SecretId, SecretKey and optional session token, with an optional expiry.
///
/// Cheap to clone. `Debug` shows the SecretId (it is not secret: it travels in every
/// `Authorization` header) and redacts the key and the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    secret_id: Arc<str>,
    secret_key: Secret,
    token: Option<Secret>,
    expires_at: Option<SystemTime>,
}

impl Credentials {
    /// Long-term credentials: a SecretId and a SecretKey.
    pub fn new(secret_id: impl Into<Arc<str>>, secret_key: impl Into<Arc<str>>) -> Self {
        Self {
            secret_id: secret_id.into(),
            secret_key: Secret::new(secret_key),
            token: None,
            expires_at: None,
        }
    }

    /// Adds a session token (sent as `X-TC-Token`), as temporary credentials carry.
    pub fn with_token(mut self, token: impl Into<Arc<str>>) -> Self {
        self.token = Some(Secret::new(token));
        self
    }

    /// Sets when these credentials stop being valid.
    pub fn with_expiry(mut self, expires_at: SystemTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// The SecretId.
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The SecretKey. Keep it out of logs and messages.
    pub fn secret_key(&self) -> &str {
        self.secret_key.expose()
    }

    /// The session token, if any. Keep it out of logs and messages.
    pub fn token(&self) -> Option<&str> {
        self.token.as_ref().map(Secret::expose)
    }

    /// When these credentials expire, if they do.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    fn validate(self, origin: &str) -> Result<Self, CredentialsError> {
        if self.secret_id.trim().is_empty() || self.secret_key.expose().trim().is_empty() {
            return Err(CredentialsError::invalid(format!(
                "{origin}: the SecretId or SecretKey is empty"
            )));
        }
        Ok(self)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &self.secret_key)
            .field("token", &self.token)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The kind of a [`CredentialsError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The source has no credentials (variables not set, no file, not on CVM). A chain moves
    /// on to its next source.
    NotFound,
    /// The source has credentials but they are incomplete or malformed. A chain stops here:
    /// a misconfiguration should not silently fall through to another identity.
    Invalid,
    /// The source could not be read (I/O error, metadata service unreachable or answering
    /// badly). A chain moves on to its next source.
    Unavailable,
}

/// Why no credentials could be obtained. Messages name where the provider looked and never
/// contain a secret.
#[derive(Debug)]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl CredentialsError {
    /// A "nothing there" error.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            kind: CredentialsErrorKind::NotFound,
            message: message.into(),
            source: None,
        }
    }

    /// An "incomplete or malformed" error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            kind: CredentialsErrorKind::Invalid,
            message: message.into(),
            source: None,
        }
    }

    /// A "could not read it" error with its cause.
    pub fn unavailable(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            kind: CredentialsErrorKind::Unavailable,
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// The message, naming where the provider looked.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The message followed by its root cause, for a chain's summary (the intermediate
    /// causes tend to repeat the URL the message already names).
    fn full_message(&self) -> String {
        let mut out = self.message.clone();
        let mut cause = self
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static));
        let mut root = None;
        while let Some(e) = cause {
            root = Some(e);
            cause = e.source();
        }
        if let Some(root) = root {
            out.push_str(" (");
            out.push_str(&root.to_string());
            out.push(')');
        }
        out
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The future a [`ProvideCredentials`] implementation returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials, asked before every attempt.
///
/// Implementations should cache what is expensive to obtain and refresh it before it expires.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Current credentials.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let creds = self.clone();
        Box::pin(async move { Ok(creds) })
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }
}

/// A function that looks up an environment variable.
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

fn process_env() -> EnvLookup {
    Arc::new(|name| std::env::var(name).ok())
}

/// The variable holding the SecretId.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// The variable holding the SecretKey.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// The variable holding the optional session token.
pub const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";
/// The variable naming the profile section to read.
pub const ENV_PROFILE: &str = "TENCENTCLOUD_PROFILE";

/// Credentials from `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and optionally
/// `TENCENTCLOUD_SESSION_TOKEN`.
#[derive(Clone)]
pub struct EnvProvider {
    lookup: EnvLookup,
}

impl fmt::Debug for EnvProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvProvider").finish_non_exhaustive()
    }
}

impl Default for EnvProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl EnvProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self {
            lookup: process_env(),
        }
    }

    /// Reads variables through `lookup` instead of the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            lookup: Arc::new(lookup),
        }
    }

    /// Reads the variables now.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let get = |name: &str| (self.lookup)(name).filter(|v| !v.trim().is_empty());
        match (get(ENV_SECRET_ID), get(ENV_SECRET_KEY)) {
            (Some(id), Some(key)) => {
                let mut creds = Credentials::new(id.trim(), key.trim());
                if let Some(token) = get(ENV_SESSION_TOKEN) {
                    creds = creds.with_token(token.trim());
                }
                creds.validate("environment")
            }
            (None, None) => Err(CredentialsError::not_found(format!(
                "environment variables {ENV_SECRET_ID} and {ENV_SECRET_KEY} are not set"
            ))),
            (Some(_), None) => Err(CredentialsError::invalid(format!(
                "environment variable {ENV_SECRET_ID} is set but {ENV_SECRET_KEY} is not"
            ))),
            (None, Some(_)) => Err(CredentialsError::invalid(format!(
                "environment variable {ENV_SECRET_KEY} is set but {ENV_SECRET_ID} is not"
            ))),
        }
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let result = self.load();
        Box::pin(async move { result })
    }
}

/// Credentials from an INI profile file, by default `~/.tencentcloud/credentials`;
/// [`ProfileProvider::system`] reads `/etc/tencentcloud/credentials`.
///
/// The section is the one given to [`ProfileProvider::with_profile`], else the one named by
/// `TENCENTCLOUD_PROFILE`, else `default`. Keys: `secret_id`, `secret_key`, optional `token`.
/// Lines starting with `#` or `;` are comments. The file is read on every call, so an edited
/// file takes effect without a restart.
#[derive(Clone)]
pub struct ProfileProvider {
    path: Option<PathBuf>,
    profile: Option<String>,
    lookup: EnvLookup,
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("path", &self.path)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl Default for ProfileProvider {
    fn default() -> Self {
        Self::new()
    }
}

/// The profile file's path relative to the home directory.
pub const PROFILE_FILE: &str = ".tencentcloud/credentials";

/// The system-wide profile file, read after the user's own.
pub const SYSTEM_PROFILE_FILE: &str = "/etc/tencentcloud/credentials";

impl ProfileProvider {
    /// `~/.tencentcloud/credentials` of the current user (from `HOME`, or `USERPROFILE` on
    /// Windows), with the profile from `TENCENTCLOUD_PROFILE` or `default`.
    pub fn new() -> Self {
        Self::from_env_lookup(process_env())
    }

    /// Like [`ProfileProvider::new`], but reads `HOME`, `USERPROFILE` and
    /// `TENCENTCLOUD_PROFILE` through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self::from_env_lookup(Arc::new(lookup))
    }

    fn from_env_lookup(lookup: EnvLookup) -> Self {
        let home = lookup("HOME")
            .or_else(|| lookup("USERPROFILE"))
            .filter(|h| !h.is_empty());
        Self {
            path: home.map(|h| Path::new(&h).join(PROFILE_FILE)),
            profile: None,
            lookup,
        }
    }

    /// `<home>/.tencentcloud/credentials`, with the profile from `TENCENTCLOUD_PROFILE` (read
    /// through `lookup`) or `default`.
    pub fn with_home(
        home: impl AsRef<Path>,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self::with_file(home.as_ref().join(PROFILE_FILE), lookup)
    }

    /// The system-wide file `/etc/tencentcloud/credentials`, with the profile from
    /// `TENCENTCLOUD_PROFILE` or `default`. [`DefaultCredentialsChain`] reads it after the
    /// user's own file.
    pub fn system() -> Self {
        Self {
            path: Some(PathBuf::from(SYSTEM_PROFILE_FILE)),
            profile: None,
            lookup: process_env(),
        }
    }

    /// A specific file, with the profile from `TENCENTCLOUD_PROFILE` (read through `lookup`)
    /// or `default`: e.g. the system-wide file kept somewhere else, in a test.
    pub fn with_file(
        path: impl Into<PathBuf>,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self {
            path: Some(path.into()),
            profile: None,
            lookup: Arc::new(lookup),
        }
    }

    /// A specific file, profile `default` unless [`ProfileProvider::with_profile`] is used
    /// (`TENCENTCLOUD_PROFILE` is not consulted).
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Some(path.into()),
            profile: None,
            lookup: Arc::new(|_| None),
        }
    }

    /// Reads this section instead of the one `TENCENTCLOUD_PROFILE` names.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// The file this provider reads, if a home directory was found.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The section this provider reads.
    pub fn profile(&self) -> String {
        self.profile
            .clone()
            .or_else(|| (self.lookup)(ENV_PROFILE).filter(|p| !p.trim().is_empty()))
            .map(|p| p.trim().to_owned())
            .unwrap_or_else(|| "default".to_owned())
    }

    /// Reads the file now.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let profile = self.profile();
        let Some(path) = &self.path else {
            return Err(CredentialsError::not_found(format!(
                "profile file ~/{PROFILE_FILE}: no home directory (HOME is not set)"
            )));
        };
        let where_ = format!("profile [{profile}] in {}", path.display());
        let text = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(CredentialsError::not_found(format!(
                    "{where_}: the file does not exist"
                )))
            }
            Err(e) => {
                return Err(CredentialsError::unavailable(
                    format!("{where_}: the file could not be read"),
                    e,
                ))
            }
        };
        let text = String::from_utf8(text)
            .map_err(|_| CredentialsError::invalid(format!("{where_}: the file is not UTF-8")))?;
        let section = parse_ini_section(&text, &profile)
            .map_err(|line| {
                CredentialsError::invalid(format!(
                    "{where_}: line {line} is not a [section], a key = value pair or a comment"
                ))
            })?
            .ok_or_else(|| {
                CredentialsError::not_found(format!("{where_}: the file has no such section"))
            })?;
        let get = |key: &str| {
            section
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let (Some(id), Some(key)) = (get("secret_id"), get("secret_key")) else {
            return Err(CredentialsError::invalid(format!(
                "{where_}: the section needs both secret_id and secret_key"
            )));
        };
        let mut creds = Credentials::new(id, key);
        if let Some(token) = get("token") {
            creds = creds.with_token(token);
        }
        creds.validate(&where_)
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        // A small local file: reading it inline is cheaper than a blocking-pool hop.
        let result = self.load();
        Box::pin(async move { result })
    }
}

/// The key = value pairs of section `name`, `Ok(None)` if there is no such section, or the
/// 1-based number of the first malformed line. Lines are never echoed: they may hold secrets.
fn parse_ini_section(text: &str, name: &str) -> Result<Option<Vec<(String, String)>>, usize> {
    let mut current: Option<String> = None;
    let mut found = false;
    let mut pairs = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some(section) = rest.strip_suffix(']') else {
                return Err(i + 1);
            };
            let section = section.trim().to_owned();
            if section == name {
                found = true;
            }
            current = Some(section);
            continue;
        }
        let Some((key, value)) = line.split_once('=').or_else(|| line.split_once(':')) else {
            return Err(i + 1);
        };
        if current.as_deref() == Some(name) {
            let value = value.trim().trim_matches('"').to_owned();
            pairs.push((key.trim().to_owned(), value));
        }
    }
    Ok(found.then_some(pairs))
}

/// The default metadata URL listing the CVM instance's CAM role.
pub const CVM_METADATA_URL: &str =
    "http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/";

/// Temporary credentials of the CVM instance's CAM role, from the instance metadata service.
///
/// `GET <base>` names the role (unless one is configured), `GET <base><role>` returns
/// `TmpSecretId`, `TmpSecretKey`, `Token` and `ExpiredTime` (unix seconds). The credentials are
/// cached and fetched again once they are within the refresh margin (five minutes by default)
/// of expiring. Requests use short timeouts and no proxy, so off-cloud the provider fails fast.
pub struct CvmRoleProvider {
    base_url: String,
    role: Option<String>,
    http: reqwest::Client,
    refresh_margin: Duration,
    cache: tokio::sync::Mutex<Option<Credentials>>,
}

impl fmt::Debug for CvmRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CvmRoleProvider")
            .field("base_url", &self.base_url)
            .field("role", &self.role)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl Default for CvmRoleProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl CvmRoleProvider {
    /// The provider for the real metadata service.
    pub fn new() -> Self {
        Self::with_base_url(CVM_METADATA_URL)
    }

    /// A provider reading another metadata URL (for tests); a trailing `/` is added if
    /// missing.
    pub fn with_base_url(base_url: impl Into<String>) -> Self {
        let mut base_url = base_url.into();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let http = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(3))
            .build()
            .unwrap_or_default();
        Self {
            base_url,
            role: None,
            http,
            refresh_margin: Duration::from_secs(300),
            cache: tokio::sync::Mutex::new(None),
        }
    }

    /// Uses this role instead of asking the metadata service which role is attached.
    pub fn with_role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// Fetches new credentials once the cached ones are within `margin` of expiring.
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The metadata URL this provider reads.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    async fn get_text(&self, url: &str) -> Result<(u16, String), reqwest::Error> {
        let response = self.http.get(url).send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        Ok((status, text))
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let where_ = format!("CVM role credentials at {}", self.base_url);
        let role = match &self.role {
            Some(role) => role.clone(),
            None => {
                let (status, text) = self.get_text(&self.base_url).await.map_err(|e| {
                    CredentialsError::unavailable(
                        format!("{where_}: the metadata service is not reachable"),
                        e,
                    )
                })?;
                if status == 404 {
                    return Err(CredentialsError::not_found(format!(
                        "{where_}: no CAM role is attached to this instance"
                    )));
                }
                if !(200..300).contains(&status) {
                    return Err(CredentialsError::not_found(format!(
                        "{where_}: the metadata service answered HTTP {status}"
                    )));
                }
                match text.lines().map(str::trim).find(|l| !l.is_empty()) {
                    Some(role) => role.to_owned(),
                    None => {
                        return Err(CredentialsError::not_found(format!(
                            "{where_}: no CAM role is attached to this instance"
                        )))
                    }
                }
            }
        };
        let url = format!("{}{}", self.base_url, role);
        let (status, text) = self.get_text(&url).await.map_err(|e| {
            CredentialsError::unavailable(
                format!("{where_}: the credentials of role {role} could not be fetched"),
                e,
            )
        })?;
        if !(200..300).contains(&status) {
            return Err(CredentialsError::not_found(format!(
                "{where_}: role {role} answered HTTP {status}"
            )));
        }
        parse_role_credentials(&text).map_err(|what| {
            CredentialsError::invalid(format!(
                "{where_}: the answer for role {role} is not usable: {what}"
            ))
        })
    }
}

#[derive(serde::Deserialize)]
struct RoleCredentials {
    #[serde(rename = "TmpSecretId")]
    secret_id: String,
    #[serde(rename = "TmpSecretKey")]
    secret_key: String,
    #[serde(rename = "Token")]
    token: String,
    #[serde(rename = "ExpiredTime")]
    expired_time: u64,
    #[serde(rename = "Code", default)]
    code: Option<String>,
}

fn parse_role_credentials(text: &str) -> Result<Credentials, &'static str> {
    // Never include the body in the message: it holds the secret key.
    let parsed: RoleCredentials = serde_json::from_str(text)
        .map_err(|_| "expected JSON with TmpSecretId, TmpSecretKey, Token and ExpiredTime")?;
    if let Some(code) = &parsed.code {
        if code != "Success" {
            return Err("its Code is not Success");
        }
    }
    if parsed.secret_id.is_empty() || parsed.secret_key.is_empty() {
        return Err("TmpSecretId or TmpSecretKey is empty");
    }
    let expires = UNIX_EPOCH
        .checked_add(Duration::from_secs(parsed.expired_time))
        .ok_or("ExpiredTime is out of range")?;
    let mut creds = Credentials::new(parsed.secret_id, parsed.secret_key).with_expiry(expires);
    if !parsed.token.is_empty() {
        creds = creds.with_token(parsed.token);
    }
    Ok(creds)
}

impl ProvideCredentials for CvmRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            let now = SystemTime::now();
            if let Some(creds) = cache.as_ref() {
                let fresh = creds
                    .expires_at()
                    .map(|at| {
                        now.checked_add(self.refresh_margin)
                            .is_some_and(|refresh_at| refresh_at < at)
                    })
                    .unwrap_or(true);
                if fresh {
                    return Ok(creds.clone());
                }
            }
            match self.fetch().await {
                Ok(creds) => {
                    tracing::debug!(
                        target: "tencentcloud_transport::credentials",
                        "fetched CVM role credentials"
                    );
                    *cache = Some(creds.clone());
                    Ok(creds)
                }
                Err(e) => {
                    // Still valid, only inside the refresh margin: keep using them.
                    if let Some(creds) = cache.as_ref() {
                        if creds.expires_at().map(|at| now < at).unwrap_or(false) {
                            tracing::warn!(
                                target: "tencentcloud_transport::credentials",
                                error = %e,
                                "refreshing CVM role credentials failed; using the cached ones until they expire"
                            );
                            return Ok(creds.clone());
                        }
                    }
                    Err(e)
                }
            }
        })
    }
}

/// Tries providers in order and uses the first that has credentials.
///
/// A provider answering [`CredentialsErrorKind::NotFound`] or
/// [`CredentialsErrorKind::Unavailable`] is skipped; [`CredentialsErrorKind::Invalid`] stops
/// the chain. When every provider is skipped, the error lists each one's message, so it names
/// every place that was looked at. The chain remembers which provider answered and asks it
/// first next time.
pub struct CredentialsChain {
    providers: Vec<Box<dyn ProvideCredentials>>,
    last_good: AtomicUsize,
}

impl fmt::Debug for CredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsChain")
            .field("providers", &self.providers)
            .finish()
    }
}

impl CredentialsChain {
    /// A chain of `providers`, asked in order.
    pub fn new(providers: Vec<Box<dyn ProvideCredentials>>) -> Self {
        Self {
            providers,
            last_good: AtomicUsize::new(usize::MAX),
        }
    }

    async fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let remembered = self.last_good.load(Ordering::Relaxed);
        if let Some(provider) = self.providers.get(remembered) {
            if let Ok(creds) = provider.provide_credentials().await {
                return Ok(creds);
            }
        }
        let mut looked = Vec::with_capacity(self.providers.len());
        for (i, provider) in self.providers.iter().enumerate() {
            match provider.provide_credentials().await {
                Ok(creds) => {
                    self.last_good.store(i, Ordering::Relaxed);
                    return Ok(creds);
                }
                Err(e) if e.kind() == CredentialsErrorKind::Invalid => return Err(e),
                Err(e) => looked.push(e.full_message()),
            }
        }
        let mut message = String::from("no Tencent Cloud credentials found; looked at");
        for (i, place) in looked.iter().enumerate() {
            message.push_str(&format!(" ({}) {place}", i + 1));
            message.push(if i + 1 == looked.len() { '.' } else { ';' });
        }
        if looked.is_empty() {
            message.push_str(" nothing (the chain is empty).");
        }
        Err(CredentialsError::not_found(message))
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.resolve())
    }
}

/// The default chain, in the official SDKs' order: [`EnvProvider`], then the user's
/// [`ProfileProvider`] (`~/.tencentcloud/credentials`), then the system-wide one
/// ([`ProfileProvider::system`], `/etc/tencentcloud/credentials`), then [`CvmRoleProvider`].
///
/// Each step follows [`CredentialsChain`]: a file that does not exist, cannot be read or has no
/// section for the profile passes on to the next step; a file with a malformed line or an
/// incomplete section stops the chain with an error naming the file. (The official Python SDK
/// reads the system-wide file only when the user has no file at all; here a user file without
/// the profile's section passes on to it too.)
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    chain: CredentialsChain,
}

/// Where the system-wide profile provider sits in [`DefaultCredentialsChain`]'s chain.
const SYSTEM_PROFILE_STEP: usize = 2;

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultCredentialsChain {
    /// The chain reading the process environment, the current user's profile file, the
    /// system-wide profile file and the real metadata service.
    pub fn new() -> Self {
        Self::with_providers(
            EnvProvider::new(),
            ProfileProvider::new(),
            CvmRoleProvider::new(),
        )
    }

    /// The chain with the environment, user profile and CVM providers configured explicitly
    /// (e.g. a lookup function, a home directory and a local metadata URL in tests). The
    /// system-wide step reads `/etc/tencentcloud/credentials` ([`ProfileProvider::system`], the
    /// profile from the process's `TENCENTCLOUD_PROFILE`) unless
    /// [`DefaultCredentialsChain::with_system_profile`] replaces it.
    pub fn with_providers(
        env: EnvProvider,
        profile: ProfileProvider,
        cvm: CvmRoleProvider,
    ) -> Self {
        let providers: Vec<Box<dyn ProvideCredentials>> = vec![
            Box::new(env),
            Box::new(profile),
            Box::new(ProfileProvider::system()),
            Box::new(cvm),
        ];
        Self {
            chain: CredentialsChain::new(providers),
        }
    }

    /// Reads the system-wide profile from `system` instead (e.g.
    /// [`ProfileProvider::with_file`] on a temporary file in tests).
    pub fn with_system_profile(mut self, system: ProfileProvider) -> Self {
        if let Some(step) = self.chain.providers.get_mut(SYSTEM_PROFILE_STEP) {
            *step = Box::new(system);
        }
        self
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        self.chain.provide_credentials()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_sections() {
        let text = "# c\n[default]\nsecret_id = a\nsecret_key=b\n\n[other]\nsecret_id: c\n";
        let d = parse_ini_section(text, "default").unwrap().unwrap();
        assert_eq!(
            d,
            vec![
                ("secret_id".into(), "a".into()),
                ("secret_key".into(), "b".into())
            ]
        );
        let o = parse_ini_section(text, "other").unwrap().unwrap();
        assert_eq!(o, vec![("secret_id".into(), "c".into())]);
        assert_eq!(parse_ini_section(text, "none").unwrap(), None);
        assert_eq!(parse_ini_section("[default]\nGARBAGE\n", "default"), Err(2));
        assert_eq!(parse_ini_section("[default\n", "default"), Err(1));
    }

    #[test]
    fn role_answer() {
        let ok = r#"{"TmpSecretId":"id","TmpSecretKey":"k","Token":"t","ExpiredTime":1700000000,"Code":"Success"}"#;
        let c = parse_role_credentials(ok).unwrap();
        assert_eq!(c.token(), Some("t"));
        assert!(parse_role_credentials("{}").is_err());
        assert!(parse_role_credentials("not json").is_err());
        let bad =
            r#"{"TmpSecretId":"id","TmpSecretKey":"k","Token":"t","ExpiredTime":1,"Code":"Fail"}"#;
        assert!(parse_role_credentials(bad).is_err());
    }
}
