//! [`WebIdentityProvider`]: temporary credentials of a CAM role for an OIDC token, from STS
//! `AssumeRoleWithWebIdentity` (sent unsigned), cached and refreshed before they expire; the
//! token may be read from a file on every refresh.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::error::CredentialsError;
use super::keys::{Credentials, Secret};
use super::provider::{CredentialsFuture, ProvideCredentials};
use super::role_session::{RoleOptions, RoleSession};
use super::sts::AssumeRoleWithWebIdentityRequest;
use crate::client::builder::ClientBuilder;
use crate::client::config::Endpoint;
use crate::error::ConstructionError;

/// Where the OIDC token comes from.
#[derive(Clone)]
enum TokenSource {
    /// A token given once.
    Value(Secret),
    /// A file read on every refresh (TKE rotates it).
    File(PathBuf),
}

/// Temporary credentials of a CAM role for an OIDC token (web identity federation): STS
/// `AssumeRoleWithWebIdentity` with `ProviderId`, `WebIdentityToken`, `RoleArn`,
/// `RoleSessionName` and `DurationSeconds`.
///
/// The call is sent unsigned, as the official SDKs send it (`Authorization: SKIP`, no
/// credentials; see [`Action::UNSIGNED`](crate::Action::UNSIGNED)): the token is the proof.
/// A token file ([`WebIdentityProviderBuilder::token_file`]) is read again on every refresh,
/// so a rotated token is picked up; surrounding whitespace is dropped. Caching, the shared
/// refresh and the fallback to still-valid credentials are those of
/// [`AssumeRoleProvider`](super::assume_role::AssumeRoleProvider), and so is the STS client
/// (default `https://sts.tencentcloudapi.com`).
/// [`TkeOidcProvider`](super::tke::TkeOidcProvider) configures one from TKE's environment.
pub struct WebIdentityProvider {
    provider_id: String,
    token: TokenSource,
    session: RoleSession,
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("provider_id", &self.provider_id)
            .field("token_file", &self.token_file())
            .field("role_arn", &self.session.role_arn)
            .field("session_name", &self.session.session_name)
            .field("duration_secs", &self.session.duration_secs)
            .field("endpoint", &self.session.endpoint)
            .finish_non_exhaustive()
    }
}

/// Configures a [`WebIdentityProvider`].
#[derive(Clone)]
pub struct WebIdentityProviderBuilder {
    provider_id: String,
    role_arn: String,
    token: Option<TokenSource>,
    region: Option<String>,
    options: RoleOptions,
}

impl fmt::Debug for WebIdentityProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token_file = match &self.token {
            Some(TokenSource::File(path)) => Some(path.as_path()),
            _ => None,
        };
        f.debug_struct("WebIdentityProviderBuilder")
            .field("provider_id", &self.provider_id)
            .field("role_arn", &self.role_arn)
            .field("token_file", &token_file)
            .field("session_name", &self.options.session_name)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// The client credentials of an unsigned call: never asked for.
#[derive(Debug)]
struct Unsigned;

impl ProvideCredentials for Unsigned {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async {
            Err(CredentialsError::invalid(
                "AssumeRoleWithWebIdentity is sent unsigned; no credentials are used",
            ))
        })
    }

    fn description(&self) -> String {
        "no credentials (unsigned call)".to_owned()
    }
}

impl WebIdentityProvider {
    /// A builder for `role_arn` with tokens of the identity provider `provider_id` (its name
    /// in CAM). Give the token with [`WebIdentityProviderBuilder::token`] or
    /// [`WebIdentityProviderBuilder::token_file`].
    pub fn builder(
        provider_id: impl Into<String>,
        role_arn: impl Into<String>,
    ) -> WebIdentityProviderBuilder {
        WebIdentityProviderBuilder {
            provider_id: provider_id.into(),
            role_arn: role_arn.into(),
            token: None,
            region: None,
            options: RoleOptions::default(),
        }
    }

    /// The role assumed.
    pub fn role_arn(&self) -> &str {
        &self.session.role_arn
    }

    /// The file the token is read from, if it comes from one.
    pub fn token_file(&self) -> Option<&Path> {
        match &self.token {
            TokenSource::File(path) => Some(path),
            TokenSource::Value(_) => None,
        }
    }

    fn read_token(&self) -> Result<Secret, CredentialsError> {
        let path = match &self.token {
            TokenSource::Value(token) => return Ok(token.clone()),
            TokenSource::File(path) => path,
        };
        let text = std::fs::read(path).map_err(|e| {
            CredentialsError::unavailable(
                format!(
                    "the web identity token file {} could not be read",
                    path.display()
                ),
                e,
            )
        })?;
        // Never quote the file: it is the token.
        let text = String::from_utf8(text).map_err(|_| {
            CredentialsError::invalid(format!(
                "the web identity token file {} is not UTF-8",
                path.display()
            ))
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(CredentialsError::invalid(format!(
                "the web identity token file {} is empty",
                path.display()
            )));
        }
        Ok(Secret::new(token))
    }

    async fn assume(&self) -> Result<Credentials, CredentialsError> {
        let s = &self.session;
        let token = self.read_token()?;
        let request = AssumeRoleWithWebIdentityRequest::new(
            &self.provider_id,
            token,
            &s.role_arn,
            &s.session_name,
        )
        .duration_seconds(s.duration_secs);
        let what = format!(
            "assuming role {} with a web identity token of provider {}",
            s.role_arn, self.provider_id
        );
        s.assume(&what, || "a web identity token".to_owned(), request)
            .await
    }
}

impl WebIdentityProviderBuilder {
    /// The OIDC token, given once.
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(TokenSource::Value(token.into()));
        self
    }

    /// A file holding the OIDC token, read again on every refresh.
    pub fn token_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.token = Some(TokenSource::File(path.into()));
        self
    }

    /// The `RoleSessionName` (default `tencentcloud-rust-<unix milliseconds>`).
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.options.session_name = Some(name.into());
        self
    }

    /// How long the credentials last (`DurationSeconds`; default 7200 s, at most 43200 s).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.options.duration = duration;
        self
    }

    /// The region sent with the call (`X-TC-Region`; TKE gives `TKE_REGION`). Default: the
    /// STS client's, else `ap-guangzhou`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The client configuration STS is called with (endpoint, timeouts, HTTP client,
    /// retries). Default [`ClientBuilder::new`]: `https://sts.tencentcloudapi.com`.
    pub fn sts_client(mut self, builder: ClientBuilder) -> Self {
        self.options.sts = builder;
        self
    }

    /// Calls STS at `endpoint` instead.
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

    /// The provider.
    pub fn build(self) -> Result<WebIdentityProvider, ConstructionError> {
        if self.provider_id.trim().is_empty() {
            return Err(ConstructionError::new(
                "the web identity provider needs a ProviderId (the identity provider's name in CAM)",
            ));
        }
        let Some(token) = self.token else {
            return Err(ConstructionError::new(
                "the web identity provider needs a token or a token file",
            ));
        };
        let session =
            self.options
                .build(self.role_arn, Arc::new(Unsigned), self.region.as_deref())?;
        Ok(WebIdentityProvider {
            provider_id: self.provider_id,
            token,
            session,
        })
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.session.credentials(|| self.assume()))
    }

    fn description(&self) -> String {
        match self.token_file() {
            Some(path) => format!(
                "role {} assumed with the web identity token in {} (provider {})",
                self.session.role_arn,
                path.display(),
                self.provider_id
            ),
            None => format!(
                "role {} assumed with a web identity token (provider {})",
                self.session.role_arn, self.provider_id
            ),
        }
    }
}
