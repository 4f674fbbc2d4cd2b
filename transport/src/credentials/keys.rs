//! The credential values: [`Credentials`] (SecretId, SecretKey, optional session token and
//! expiry) and [`Secret`], the string wrapper that keeps keys and tokens out of `Debug` and
//! `Display`.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use super::error::CredentialsError;

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

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
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

    // Shared by the providers that read keys from text (environment, profile file).
    pub(super) fn validate(self, origin: &str) -> Result<Self, CredentialsError> {
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
