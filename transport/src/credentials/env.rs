//! [`EnvProvider`]: credentials from the `TENCENTCLOUD_*` environment variables.

use std::fmt;
use std::sync::Arc;

use super::error::CredentialsError;
use super::keys::Credentials;
use super::provider::{process_env, CredentialsFuture, EnvLookup, ProvideCredentials};

/// The variable holding the SecretId.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// The variable holding the SecretKey.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// The variable holding the optional session token.
pub const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";

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

    fn description(&self) -> String {
        format!("environment variables {ENV_SECRET_ID} and {ENV_SECRET_KEY}")
    }
}
