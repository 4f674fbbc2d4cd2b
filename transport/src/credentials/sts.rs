//! The two STS (Security Token Service, `sts`, version `2018-08-13`) actions the role
//! providers call, written by hand: [`AssumeRoleRequest`] and
//! [`AssumeRoleWithWebIdentityRequest`], their answer [`AssumeRoleResponse`], the typed
//! [`StsError`], and what the providers share (turning an answer into [`Credentials`], an
//! STS failure into a [`CredentialsError`], the checks of a session name and a duration).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::error::{CredentialsError, CredentialsErrorKind};
use super::keys::{Credentials, Secret};
use super::provider::ProvideCredentials;
use crate::action::{Action, ServiceInfo};
use crate::client::builder::ClientBuilder;
use crate::client::call::Client;
use crate::error::{ActionError, ConstructionError, Error, ServiceError};

/// The STS service: name `sts`, version `2018-08-13`. Its default host is
/// `sts.tencentcloudapi.com`, the host every official SDK's role credentials call (it answers
/// accounts of both sites); [`STS_INTL_HOST`] is the international site's own.
pub const STS_SERVICE: ServiceInfo = ServiceInfo {
    name: "sts",
    version: "2018-08-13",
    default_host: "sts.tencentcloudapi.com",
    mainland_host: "sts.tencentcloudapi.com",
    regional_host: "sts.{region}.tencentcloudapi.com",
    region_required: false,
};

/// The international site's STS host, for [`Endpoint::Url`](crate::Endpoint::Url).
pub const STS_INTL_HOST: &str = "sts.intl.tencentcloudapi.com";

/// The region sent with STS calls when none is configured, as the official SDKs send it.
pub const DEFAULT_STS_REGION: &str = "ap-guangzhou";

/// How long assumed credentials are asked to last unless configured: 7200 seconds.
pub const DEFAULT_ROLE_DURATION: Duration = Duration::from_secs(7200);

/// The longest validity STS grants: 43200 seconds (12 hours).
pub const MAX_ROLE_DURATION: Duration = Duration::from_secs(43_200);

fn expose<S: Serializer>(secret: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose())
}

fn secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
    String::deserialize(deserializer).map(Secret::new)
}

/// STS `AssumeRole`: temporary credentials of a CAM role, signed with the caller's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AssumeRoleRequest {
    /// `RoleArn`, e.g. `qcs::cam::uin/12345678:roleName/backup-reader`.
    #[serde(rename = "RoleArn")]
    pub role_arn: String,
    /// `RoleSessionName`: 2 to 128 letters, digits and `_+=,.@-`.
    #[serde(rename = "RoleSessionName")]
    pub role_session_name: String,
    /// `DurationSeconds`: how long the credentials last (7200 by default, at most 43200).
    #[serde(rename = "DurationSeconds")]
    pub duration_seconds: u64,
    /// `Policy`: a policy narrowing the role's, URL-encoded as the API requires.
    #[serde(rename = "Policy", skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// `ExternalId`: the role's external ID, when its trust policy asks for one.
    #[serde(rename = "ExternalId", skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

impl AssumeRoleRequest {
    /// A request for `role_arn` under `session_name`, for [`DEFAULT_ROLE_DURATION`].
    pub fn new(role_arn: impl Into<String>, session_name: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: session_name.into(),
            duration_seconds: DEFAULT_ROLE_DURATION.as_secs(),
            policy: None,
            external_id: None,
        }
    }

    /// Asks for credentials lasting `seconds`.
    pub fn duration_seconds(mut self, seconds: u64) -> Self {
        self.duration_seconds = seconds;
        self
    }

    /// Narrows the role with a policy document (JSON text); it is URL-encoded here, as the
    /// API requires.
    pub fn policy(mut self, policy_json: &str) -> Self {
        self.policy = Some(crate::query::encode_component_string(policy_json));
        self
    }

    /// Sends the role's external ID.
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }
}

impl Action for AssumeRoleRequest {
    type Response = AssumeRoleResponse;
    type Error = StsError;
    const NAME: &'static str = "AssumeRole";
    const SERVICE: &'static ServiceInfo = &STS_SERVICE;
    const RATE_LIMIT_PER_SECOND: Option<u32> = None;
    const ANSWER_HAS_SECRETS: bool = true;
}

/// STS `AssumeRoleWithWebIdentity`: temporary credentials of a CAM role for an OIDC token
/// (TKE pods get one). Sent unsigned ([`Action::UNSIGNED`]), as the official SDKs send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AssumeRoleWithWebIdentityRequest {
    /// `ProviderId`: the identity provider's name in CAM.
    #[serde(rename = "ProviderId")]
    pub provider_id: String,
    /// `WebIdentityToken`: the OIDC token the identity provider issued.
    #[serde(rename = "WebIdentityToken", serialize_with = "expose")]
    pub web_identity_token: Secret,
    /// `RoleArn`.
    #[serde(rename = "RoleArn")]
    pub role_arn: String,
    /// `RoleSessionName`.
    #[serde(rename = "RoleSessionName")]
    pub role_session_name: String,
    /// `DurationSeconds` (7200 by default, at most 43200).
    #[serde(rename = "DurationSeconds")]
    pub duration_seconds: u64,
}

impl AssumeRoleWithWebIdentityRequest {
    /// A request for `role_arn` with `token` of identity provider `provider_id`, for
    /// [`DEFAULT_ROLE_DURATION`].
    pub fn new(
        provider_id: impl Into<String>,
        token: Secret,
        role_arn: impl Into<String>,
        session_name: impl Into<String>,
    ) -> Self {
        Self {
            provider_id: provider_id.into(),
            web_identity_token: token,
            role_arn: role_arn.into(),
            role_session_name: session_name.into(),
            duration_seconds: DEFAULT_ROLE_DURATION.as_secs(),
        }
    }

    /// Asks for credentials lasting `seconds`.
    pub fn duration_seconds(mut self, seconds: u64) -> Self {
        self.duration_seconds = seconds;
        self
    }
}

impl Action for AssumeRoleWithWebIdentityRequest {
    type Response = AssumeRoleResponse;
    type Error = StsError;
    const NAME: &'static str = "AssumeRoleWithWebIdentity";
    const SERVICE: &'static ServiceInfo = &STS_SERVICE;
    const RATE_LIMIT_PER_SECOND: Option<u32> = None;
    const UNSIGNED: bool = true;
    const ANSWER_HAS_SECRETS: bool = true;
}

/// The temporary keys of an STS answer. `Debug` redacts the key and the token.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct StsCredentials {
    /// `TmpSecretId`.
    #[serde(rename = "TmpSecretId")]
    pub tmp_secret_id: String,
    /// `TmpSecretKey`.
    #[serde(rename = "TmpSecretKey", deserialize_with = "secret")]
    pub tmp_secret_key: Secret,
    /// `Token`, sent as `X-TC-Token` with the temporary keys.
    #[serde(rename = "Token", deserialize_with = "secret")]
    pub token: Secret,
}

/// The answer of `AssumeRole` and `AssumeRoleWithWebIdentity`. Unknown members are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct AssumeRoleResponse {
    /// `Credentials`.
    #[serde(rename = "Credentials")]
    pub credentials: StsCredentials,
    /// `ExpiredTime`: when the credentials expire, in Unix seconds.
    #[serde(rename = "ExpiredTime")]
    pub expired_time: i64,
    /// `Expiration`: the same instant in ISO 8601 (UTC).
    #[serde(rename = "Expiration", default)]
    pub expiration: String,
    /// `RequestId`.
    #[serde(rename = "RequestId", default)]
    pub request_id: String,
}

impl AssumeRoleResponse {
    /// The temporary credentials, with their token and expiry.
    pub fn to_credentials(&self) -> Result<Credentials, CredentialsError> {
        let c = &self.credentials;
        // Never quote the values: they are the secrets.
        if c.tmp_secret_id.trim().is_empty()
            || c.tmp_secret_key.expose().trim().is_empty()
            || c.token.expose().trim().is_empty()
        {
            return Err(CredentialsError::invalid(format!(
                "the STS answer (RequestId {}) has an empty TmpSecretId, TmpSecretKey or Token",
                self.request_id
            )));
        }
        let expires = u64::try_from(self.expired_time)
            .ok()
            .and_then(|secs| UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
            .ok_or_else(|| {
                CredentialsError::invalid(format!(
                    "the STS answer (RequestId {}) has an ExpiredTime out of range",
                    self.request_id
                ))
            })?;
        Ok(
            Credentials::new(c.tmp_secret_id.as_str(), c.tmp_secret_key.expose())
                .with_token(c.token.expose())
                .with_expiry(expires),
        )
    }
}

/// What an STS error code means, for the codes the role providers meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StsErrorKind {
    /// `ResourceNotFound.RoleNotFound`: no such role in the account.
    RoleNotFound,
    /// `InvalidParameter.WebIdentityTokenError`: the OIDC token was refused.
    WebIdentityTokenError,
    /// `InvalidParameter.OverTimeError`: `DurationSeconds` is too long.
    OverTimeError,
    /// `InvalidParameter.ParamError` and the other `InvalidParameter*` codes.
    InvalidParameter,
    /// `UnauthorizedOperation`: the caller may not assume the role (trust policy, external
    /// ID).
    UnauthorizedOperation,
    /// `AuthFailure.*`: the keys the call was signed with were refused.
    AuthFailure,
    /// `InternalError*`, `RequestLimitExceeded*`: transient, retried.
    Transient,
    /// Any other code.
    Other,
}

/// An error STS answered, with its code, message and RequestId.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsError {
    raw: ServiceError,
}

impl StsError {
    /// What the code means.
    pub fn kind(&self) -> StsErrorKind {
        let code = self.raw.code.as_str();
        match code {
            "ResourceNotFound.RoleNotFound" => StsErrorKind::RoleNotFound,
            "InvalidParameter.WebIdentityTokenError" => StsErrorKind::WebIdentityTokenError,
            "InvalidParameter.OverTimeError" => StsErrorKind::OverTimeError,
            "UnauthorizedOperation" => StsErrorKind::UnauthorizedOperation,
            _ if code.starts_with("InvalidParameter") => StsErrorKind::InvalidParameter,
            _ if code.starts_with("AuthFailure") => StsErrorKind::AuthFailure,
            _ if crate::retry::is_retryable_code(code) => StsErrorKind::Transient,
            _ => StsErrorKind::Other,
        }
    }
}

impl fmt::Display for StsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.raw, f)
    }
}

impl std::error::Error for StsError {}

impl ActionError for StsError {
    fn from_service_error(raw: ServiceError) -> Self {
        Self { raw }
    }

    fn service_error(&self) -> &ServiceError {
        &self.raw
    }
}

impl CredentialsError {
    /// The error STS answered, when obtaining role credentials failed because STS refused
    /// (wrong role, refused token, keys not accepted): its code, message and RequestId.
    pub fn sts_error(&self) -> Option<&StsError> {
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            if let Some(Error::Service(e)) = c.downcast_ref::<Error<StsError>>() {
                return Some(e);
            }
            cause = c.source();
        }
        None
    }
}

/// The credentials error of a failed STS call made to obtain credentials (`what`, e.g.
/// "assuming role X"). A refusal is [`CredentialsErrorKind::Invalid`] (a chain stops: the
/// configuration names a role it cannot have); an unreachable or failing STS is
/// [`CredentialsErrorKind::Unavailable`]; a failing source of keys keeps its own kind.
pub(super) fn call_failed(what: &str, endpoint: &str, error: Error<StsError>) -> CredentialsError {
    let (kind, message) = match &error {
        Error::Service(e) if e.kind() != StsErrorKind::Transient => (
            CredentialsErrorKind::Invalid,
            format!("{what}: STS at {endpoint} refused"),
        ),
        Error::Credentials(source) => (
            source.kind(),
            format!("{what}: the keys to call STS with could not be obtained"),
        ),
        Error::Construction(_) => (
            CredentialsErrorKind::Invalid,
            format!("{what}: the STS call could not be built"),
        ),
        _ => (
            CredentialsErrorKind::Unavailable,
            format!("{what}: STS at {endpoint} could not be reached or failed"),
        ),
    };
    CredentialsError::with_kind(kind, message, error)
}

/// `tencentcloud-rust-<unix milliseconds>`, the session name when none is configured (the
/// official SDKs and aws-config name sessions after the SDK and the time the same way).
pub(super) fn default_session_name() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("tencentcloud-rust-{millis}")
}

/// Checks a `RoleSessionName`: 2 to 128 of letters, digits and `_+=,.@-`.
pub(super) fn check_session_name(name: &str) -> Result<(), ConstructionError> {
    let ok = (2..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ConstructionError::new(format!(
            "invalid role session name {:?}: expected 2 to 128 letters, digits and _+=,.@-",
            name.chars().take(140).collect::<String>()
        )))
    }
}

/// Checks a duration: whole seconds from 1 to [`MAX_ROLE_DURATION`].
pub(super) fn check_duration(duration: Duration) -> Result<u64, ConstructionError> {
    let secs = duration.as_secs();
    if duration.subsec_nanos() == 0 && (1..=MAX_ROLE_DURATION.as_secs()).contains(&secs) {
        Ok(secs)
    } else {
        Err(ConstructionError::new(format!(
            "invalid role duration {duration:?}: expected whole seconds from 1 to {}",
            MAX_ROLE_DURATION.as_secs()
        )))
    }
}

/// Checks that a role ARN is not blank (STS says what else is wrong with it).
pub(super) fn check_role_arn(role_arn: &str) -> Result<(), ConstructionError> {
    if role_arn.trim().is_empty() || role_arn.chars().any(char::is_control) {
        Err(ConstructionError::new(
            "invalid role ARN: expected e.g. qcs::cam::uin/12345678:roleName/NAME",
        ))
    } else {
        Ok(())
    }
}

/// The STS client of a provider: `builder` (its endpoint, timeouts, HTTP client, retries)
/// with `credentials` and, when it names no region, [`DEFAULT_STS_REGION`]. Also returns the
/// endpoint for messages.
pub(super) fn sts_client(
    builder: ClientBuilder,
    credentials: Arc<dyn ProvideCredentials>,
    region: Option<&str>,
) -> Result<(Client, String), ConstructionError> {
    let region = region
        .or(builder.configured_region())
        .unwrap_or(DEFAULT_STS_REGION)
        .to_owned();
    let builder = builder.region(region);
    let endpoint = builder.endpoint_for_messages(&STS_SERVICE);
    let fallback = Arc::clone(&credentials);
    let client = builder
        .credentials_provider(credentials)
        .build_or(move || fallback)?;
    Ok((client, endpoint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_durations() {
        assert!(check_session_name("ab").is_ok());
        assert!(check_session_name("tencentcloud-rust-1700000000000").is_ok());
        assert!(check_session_name("a").is_err());
        assert!(check_session_name(&"a".repeat(129)).is_err());
        assert!(check_session_name("has space").is_err());
        assert!(check_duration(Duration::from_secs(7200)).is_ok());
        assert!(check_duration(Duration::from_secs(43_200)).is_ok());
        assert!(check_duration(Duration::from_secs(43_201)).is_err());
        assert!(check_duration(Duration::ZERO).is_err());
        assert!(check_duration(Duration::from_millis(1500)).is_err());
        assert!(check_session_name(&default_session_name()).is_ok());
    }

    #[test]
    fn answers_become_credentials_and_debug_redacts() {
        let body = r#"{"Credentials":{"Token":"tok","TmpSecretId":"AKIDtmp","TmpSecretKey":"key"},"ExpiredTime":1700007200,"Expiration":"2023-11-15T00:13:20Z","RequestId":"r-1","Extra":1}"#;
        let answer: AssumeRoleResponse = serde_json::from_str(body).unwrap();
        let creds = answer.to_credentials().unwrap();
        assert_eq!(creds.secret_id(), "AKIDtmp");
        assert_eq!(creds.token(), Some("tok"));
        assert_eq!(
            creds.expires_at(),
            Some(UNIX_EPOCH + Duration::from_secs(1_700_007_200))
        );
        let debug = format!("{answer:?}");
        assert!(
            !debug.contains("tok\"") && !debug.contains("\"key\""),
            "{debug}"
        );
        let empty = r#"{"Credentials":{"Token":"","TmpSecretId":"AKIDtmp","TmpSecretKey":"key"},"ExpiredTime":1}"#;
        let answer: AssumeRoleResponse = serde_json::from_str(empty).unwrap();
        assert!(answer.to_credentials().is_err());
    }

    #[test]
    fn requests_serialize_as_the_sdks_send_them() {
        let r = AssumeRoleRequest::new("qcs::cam::uin/1:roleName/r", "s1")
            .duration_seconds(900)
            .policy(r#"{"version":"2.0"}"#);
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"RoleArn":"qcs::cam::uin/1:roleName/r","RoleSessionName":"s1","DurationSeconds":900,"Policy":"%7B%22version%22%3A%222.0%22%7D"}"#
        );
        let w = AssumeRoleWithWebIdentityRequest::new(
            "oidc",
            Secret::new("jwt"),
            "qcs::cam::uin/1:roleName/r",
            "s1",
        );
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            r#"{"ProviderId":"oidc","WebIdentityToken":"jwt","RoleArn":"qcs::cam::uin/1:roleName/r","RoleSessionName":"s1","DurationSeconds":7200}"#
        );
        assert!(!format!("{w:?}").contains("jwt"));
    }

    #[test]
    fn error_kinds() {
        let kind =
            |code: &str| StsError::from_service_error(ServiceError::new(code, "m", "r")).kind();
        assert_eq!(
            kind("ResourceNotFound.RoleNotFound"),
            StsErrorKind::RoleNotFound
        );
        assert_eq!(
            kind("InvalidParameter.WebIdentityTokenError"),
            StsErrorKind::WebIdentityTokenError
        );
        assert_eq!(
            kind("InvalidParameter.ParamError"),
            StsErrorKind::InvalidParameter
        );
        assert_eq!(
            kind("AuthFailure.SignatureFailure"),
            StsErrorKind::AuthFailure
        );
        assert_eq!(kind("InternalError.DbError"), StsErrorKind::Transient);
        assert_eq!(kind("Whatever"), StsErrorKind::Other);
    }
}
