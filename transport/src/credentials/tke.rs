//! [`TkeOidcProvider`]: the web identity of a TKE pod, configured by the variables TKE's
//! pod identity sets (`TKE_REGION`, `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE`,
//! `TKE_ROLE_ARN`), as the official SDKs' `DefaultTkeOIDCRoleArnProvider` reads them.

use std::fmt;
use std::sync::{Arc, Mutex};

use super::error::CredentialsError;
use super::provider::{process_env, CredentialsFuture, EnvLookup, ProvideCredentials};
use super::web_identity::WebIdentityProvider;
use crate::client::builder::ClientBuilder;

/// The variable holding the region of the STS call.
pub const ENV_TKE_REGION: &str = "TKE_REGION";
/// The variable holding the identity provider's name in CAM.
pub const ENV_TKE_PROVIDER_ID: &str = "TKE_PROVIDER_ID";
/// The variable naming the file TKE keeps the pod's OIDC token in (and rotates).
pub const ENV_TKE_WEB_IDENTITY_TOKEN_FILE: &str = "TKE_WEB_IDENTITY_TOKEN_FILE";
/// The variable holding the role to assume.
pub const ENV_TKE_ROLE_ARN: &str = "TKE_ROLE_ARN";

const VARIABLES: [&str; 4] = [
    ENV_TKE_REGION,
    ENV_TKE_PROVIDER_ID,
    ENV_TKE_WEB_IDENTITY_TOKEN_FILE,
    ENV_TKE_ROLE_ARN,
];

/// The four values, as read.
#[derive(Clone, PartialEq, Eq)]
struct TkeConfig {
    region: String,
    provider_id: String,
    token_file: String,
    role_arn: String,
}

/// Temporary credentials of a TKE pod's CAM role: a [`WebIdentityProvider`] for
/// `TKE_ROLE_ARN` with the token in `TKE_WEB_IDENTITY_TOKEN_FILE` of identity provider
/// `TKE_PROVIDER_ID`, calling STS in `TKE_REGION`.
///
/// The variables are read on every call (a provider is built again when they change) and the
/// token file on every refresh, so TKE's rotation of the token is picked up. None of the four
/// set: [`CredentialsErrorKind::NotFound`](super::error::CredentialsErrorKind::NotFound), so
/// a chain moves on; some set and others not:
/// [`CredentialsErrorKind::Invalid`](super::error::CredentialsErrorKind::Invalid). The last
/// step of [`DefaultCredentialsChain`](super::chain::DefaultCredentialsChain), after the CVM
/// role, as in the official SDKs.
pub struct TkeOidcProvider {
    lookup: EnvLookup,
    sts: ClientBuilder,
    current: Mutex<Option<(TkeConfig, Arc<WebIdentityProvider>)>>,
}

impl fmt::Debug for TkeOidcProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TkeOidcProvider")
            .field("sts", &self.sts)
            .finish_non_exhaustive()
    }
}

impl Default for TkeOidcProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl TkeOidcProvider {
    /// Reads the process environment; calls STS at `https://sts.tencentcloudapi.com`.
    pub fn new() -> Self {
        Self::from_env_lookup(process_env())
    }

    /// Reads the variables through `lookup` instead of the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self::from_env_lookup(Arc::new(lookup))
    }

    fn from_env_lookup(lookup: EnvLookup) -> Self {
        Self {
            lookup,
            sts: ClientBuilder::new(),
            current: Mutex::new(None),
        }
    }

    /// Calls STS with this client configuration (endpoint, timeouts, HTTP client, retries).
    pub fn with_sts_client(mut self, builder: ClientBuilder) -> Self {
        self.sts = builder;
        self
    }

    fn config(&self) -> Result<TkeConfig, CredentialsError> {
        let values: Vec<Option<String>> = VARIABLES
            .iter()
            .map(|name| {
                (self.lookup)(name)
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
            })
            .collect();
        let missing: Vec<&str> = VARIABLES
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(name, _)| *name)
            .collect();
        if missing.len() == VARIABLES.len() {
            return Err(CredentialsError::not_found(format!(
                "TKE web identity: environment variables {} are not set",
                VARIABLES.join(", ")
            )));
        }
        if !missing.is_empty() {
            return Err(CredentialsError::invalid(format!(
                "TKE web identity: environment variable{} {} {} not set, but others of {} are",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                if missing.len() == 1 { "is" } else { "are" },
                VARIABLES.join(", ")
            )));
        }
        let mut values = values.into_iter().flatten();
        let mut next = || values.next().unwrap_or_default();
        Ok(TkeConfig {
            region: next(),
            provider_id: next(),
            token_file: next(),
            role_arn: next(),
        })
    }

    fn provider(&self) -> Result<Arc<WebIdentityProvider>, CredentialsError> {
        let config = self.config()?;
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((known, provider)) = current.as_ref() {
            if *known == config {
                return Ok(Arc::clone(provider));
            }
        }
        let provider = WebIdentityProvider::builder(&config.provider_id, &config.role_arn)
            .token_file(&config.token_file)
            .region(&config.region)
            .sts_client(self.sts.clone())
            .build()
            .map(Arc::new)
            .map_err(|e| {
                CredentialsError::invalid(format!(
                    "TKE web identity ({}): {e}",
                    VARIABLES.join(", ")
                ))
            })?;
        *current = Some((config, Arc::clone(&provider)));
        Ok(provider)
    }
}

impl ProvideCredentials for TkeOidcProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let provider = self.provider();
        Box::pin(async move { provider?.provide_credentials().await })
    }

    fn description(&self) -> String {
        let current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match current.as_ref() {
            Some((_, provider)) => format!("TKE web identity: {}", provider.description()),
            None => format!("TKE web identity ({})", VARIABLES.join(", ")),
        }
    }
}
