//! What the two STS role providers share: the options of a role session ([`RoleOptions`]:
//! session name, duration, STS client, refresh margin) and, once checked, the session itself
//! ([`RoleSession`]: the STS client, the cache of the temporary keys, and the call that turns
//! an STS answer into credentials).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::cache::RefreshCache;
use super::error::CredentialsError;
use super::keys::Credentials;
use super::provider::ProvideCredentials;
use super::sts::{
    call_failed, check_duration, check_role_arn, check_session_name, default_session_name,
    sts_client, AssumeRoleResponse, StsError, DEFAULT_ROLE_DURATION,
};
use crate::action::Action;
use crate::client::builder::ClientBuilder;
use crate::client::call::Client;
use crate::error::ConstructionError;

/// How long before their expiry assumed credentials are refreshed unless configured: five
/// minutes (at most half their lifetime).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// The options both role builders take.
#[derive(Clone)]
pub(super) struct RoleOptions {
    pub(super) session_name: Option<String>,
    pub(super) duration: Duration,
    pub(super) sts: ClientBuilder,
    pub(super) refresh_margin: Duration,
}

impl Default for RoleOptions {
    fn default() -> Self {
        Self {
            session_name: None,
            duration: DEFAULT_ROLE_DURATION,
            sts: ClientBuilder::new(),
            refresh_margin: DEFAULT_REFRESH_MARGIN,
        }
    }
}

impl RoleOptions {
    /// Checks the options for `role_arn` and builds the STS client, signing with
    /// `credentials` and sending `region` (else the STS client's, else the default).
    pub(super) fn build(
        self,
        role_arn: String,
        credentials: Arc<dyn ProvideCredentials>,
        region: Option<&str>,
    ) -> Result<RoleSession, ConstructionError> {
        check_role_arn(&role_arn)?;
        let session_name = self.session_name.unwrap_or_else(default_session_name);
        check_session_name(&session_name)?;
        let duration_secs = check_duration(self.duration)?;
        let (client, endpoint) = sts_client(self.sts, credentials, region)?;
        Ok(RoleSession {
            role_arn,
            session_name,
            duration_secs,
            client,
            endpoint,
            cache: RefreshCache::new(self.refresh_margin),
        })
    }
}

/// A checked role session: what to ask STS for, the client to ask it with, and the cache.
pub(super) struct RoleSession {
    pub(super) role_arn: String,
    pub(super) session_name: String,
    pub(super) duration_secs: u64,
    pub(super) endpoint: String,
    client: Client,
    cache: RefreshCache,
}

impl RoleSession {
    /// The refresh margin.
    pub(super) fn refresh_margin(&self) -> Duration {
        self.cache.margin()
    }

    /// The cached credentials, or those `fetch` gets when they are due for a refresh (see
    /// [`RefreshCache::get`]).
    pub(super) async fn credentials<F, Fut>(
        &self,
        fetch: F,
    ) -> Result<Credentials, CredentialsError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Credentials, CredentialsError>>,
    {
        let what = format!("the credentials of role {}", self.role_arn);
        self.cache.get(&what, fetch).await
    }

    /// Sends `request` to STS (`what` names it in errors) and returns the credentials of
    /// the answer; logs the RequestId and how long they last (never the keys), with
    /// `source` naming where the call's own keys came from (asked after the call: a chain
    /// knows only then which of its providers answered).
    pub(super) async fn assume<A>(
        &self,
        what: &str,
        source: impl FnOnce() -> String,
        request: A,
    ) -> Result<Credentials, CredentialsError>
    where
        A: Action<Response = AssumeRoleResponse, Error = StsError>,
    {
        let answer = self
            .client
            .send(request)
            .await
            .map_err(|e| call_failed(what, &self.endpoint, e))?;
        let credentials = answer.to_credentials()?;
        tracing::debug!(
            target: "tencentcloud_transport::credentials",
            action = A::NAME,
            role = %self.role_arn,
            session = %self.session_name,
            request_id = %answer.request_id,
            valid_for_secs = credentials
                .expires_at()
                .and_then(|at| at.duration_since(SystemTime::now()).ok())
                .map_or(0, |d| d.as_secs()),
            "assumed role with {}",
            source()
        );
        Ok(credentials)
    }
}
