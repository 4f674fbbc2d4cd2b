//! [`AssumeRoleProvider`]: temporary credentials of a CAM role, from STS `AssumeRole` called
//! with the keys of another provider, cached and refreshed before they expire.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::error::CredentialsError;
use super::keys::Credentials;
use super::provider::{CredentialsFuture, ProvideCredentials};
use super::role_session::{RoleOptions, RoleSession};
use super::sts::AssumeRoleRequest;
use crate::client::builder::ClientBuilder;
use crate::client::config::Endpoint;
use crate::error::ConstructionError;

/// Temporary credentials of a CAM role (e.g. one of another account that may read its
/// backups), from STS `AssumeRole` signed with the keys of a source provider (the long-term
/// keys; any provider, the default chain included).
///
/// The answer's `TmpSecretId`, `TmpSecretKey` and `Token` (sent as `X-TC-Token`) are cached
/// until [`DEFAULT_REFRESH_MARGIN`](super::role_session::DEFAULT_REFRESH_MARGIN) before their
/// `ExpiredTime` (at most half their lifetime before), then fetched again. Concurrent calls
/// share one refresh: callers wait for it instead of each calling STS. A refresh that fails
/// while the current credentials are still valid keeps using them and logs a warning (target
/// `tencentcloud_transport::credentials`); it is tried again after ten seconds (or half the
/// time left). An error STS answers is available typed from the [`CredentialsError`]
/// ([`CredentialsError::sts_error`]: code, message and RequestId).
///
/// STS is called through a [`Client`](crate::Client) built from
/// [`AssumeRoleProviderBuilder::sts_client`] (default: `https://sts.tencentcloudapi.com`,
/// region `ap-guangzhou`, the default timeouts and retries), so signing, retries and decoding
/// are those of every call.
///
/// ```no_run
/// use tencentcloud_transport::credentials::{AssumeRoleProvider, DefaultCredentialsChain};
/// use tencentcloud_transport::Client;
///
/// # fn demo() -> Result<(), tencentcloud_transport::ConstructionError> {
/// let role = AssumeRoleProvider::builder("qcs::cam::uin/100000000001:roleName/backup-reader")
///     .session_name("nightly-export")
///     .build(DefaultCredentialsChain::new())?;
/// let client = Client::builder().region("ap-guangzhou").credentials(role).build()?;
/// # let _ = client; Ok(()) }
/// ```
pub struct AssumeRoleProvider {
    session: RoleSession,
    policy: Option<String>,
    external_id: Option<String>,
    source: Arc<dyn ProvideCredentials>,
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("role_arn", &self.session.role_arn)
            .field("session_name", &self.session.session_name)
            .field("duration_secs", &self.session.duration_secs)
            .field("external_id", &self.external_id.as_ref().map(|_| "<set>"))
            .field("endpoint", &self.session.endpoint)
            .field("refresh_margin", &self.session.refresh_margin())
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Configures an [`AssumeRoleProvider`].
#[derive(Clone)]
pub struct AssumeRoleProviderBuilder {
    role_arn: String,
    options: RoleOptions,
    policy: Option<String>,
    external_id: Option<String>,
}

impl fmt::Debug for AssumeRoleProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProviderBuilder")
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.options.session_name)
            .field("duration", &self.options.duration)
            .field("sts", &self.options.sts)
            .finish_non_exhaustive()
    }
}

impl AssumeRoleProvider {
    /// A builder for `role_arn` (e.g. `qcs::cam::uin/100000000001:roleName/backup-reader`).
    pub fn builder(role_arn: impl Into<String>) -> AssumeRoleProviderBuilder {
        AssumeRoleProviderBuilder {
            role_arn: role_arn.into(),
            options: RoleOptions::default(),
            policy: None,
            external_id: None,
        }
    }

    /// The role assumed.
    pub fn role_arn(&self) -> &str {
        &self.session.role_arn
    }

    /// The `RoleSessionName` sent.
    pub fn session_name(&self) -> &str {
        &self.session.session_name
    }

    /// Where STS is called.
    pub fn sts_endpoint(&self) -> &str {
        &self.session.endpoint
    }

    async fn assume(&self) -> Result<Credentials, CredentialsError> {
        let s = &self.session;
        let mut request =
            AssumeRoleRequest::new(&s.role_arn, &s.session_name).duration_seconds(s.duration_secs);
        if let Some(policy) = &self.policy {
            request = request.policy(policy);
        }
        if let Some(external_id) = &self.external_id {
            request = request.external_id(external_id.clone());
        }
        let what = format!("assuming role {} (session {})", s.role_arn, s.session_name);
        let source = || format!("credentials from {}", self.source.description());
        s.assume(&what, source, request).await
    }
}

impl AssumeRoleProviderBuilder {
    /// The `RoleSessionName` (2 to 128 letters, digits and `_+=,.@-`; default
    /// `tencentcloud-rust-<unix milliseconds>`), shown in the role's CloudAudit records.
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.options.session_name = Some(name.into());
        self
    }

    /// How long the credentials last (`DurationSeconds`; default 7200 s, at most 43200 s).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.options.duration = duration;
        self
    }

    /// A policy narrowing the role's for these credentials (`Policy`), as JSON text; it is
    /// URL-encoded as the API requires.
    pub fn policy(mut self, policy_json: impl Into<String>) -> Self {
        self.policy = Some(policy_json.into());
        self
    }

    /// The role's external ID (`ExternalId`), when its trust policy asks for one.
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    /// The client configuration STS is called with: endpoint, region, timeouts, HTTP client,
    /// retries (its credentials are replaced by the source provider's). Default
    /// [`ClientBuilder::new`]: `https://sts.tencentcloudapi.com`, region `ap-guangzhou`.
    pub fn sts_client(mut self, builder: ClientBuilder) -> Self {
        self.options.sts = builder;
        self
    }

    /// Calls STS at `endpoint` instead (e.g. [`Endpoint::Url`] of
    /// `https://sts.intl.tencentcloudapi.com` or of a local emulator).
    pub fn sts_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.options.sts = self.options.sts.endpoint(endpoint);
        self
    }

    /// Refreshes the credentials this long before they expire (default five minutes; never
    /// more than half their lifetime).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.options.refresh_margin = margin;
        self
    }

    /// The provider assuming the role with the keys of `source`.
    pub fn build(
        self,
        source: impl ProvideCredentials + 'static,
    ) -> Result<AssumeRoleProvider, ConstructionError> {
        self.build_from(Arc::new(source))
    }

    /// Like [`AssumeRoleProviderBuilder::build`], with a shared source provider.
    pub fn build_from(
        self,
        source: Arc<dyn ProvideCredentials>,
    ) -> Result<AssumeRoleProvider, ConstructionError> {
        let session = self
            .options
            .build(self.role_arn, Arc::clone(&source), None)?;
        Ok(AssumeRoleProvider {
            session,
            policy: self.policy,
            external_id: self.external_id,
            source,
        })
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.session.credentials(|| self.assume()))
    }

    fn description(&self) -> String {
        format!(
            "role {} (session {}) assumed with {}",
            self.session.role_arn,
            self.session.session_name,
            self.source.description()
        )
    }
}
