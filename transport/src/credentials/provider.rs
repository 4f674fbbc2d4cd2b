//! What every source of credentials implements, and how providers read the environment.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::error::CredentialsError;
use super::keys::Credentials;

/// The future a [`ProvideCredentials`] implementation returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials, asked before every attempt.
///
/// Implementations should cache what is expensive to obtain and refresh it before it expires.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Current credentials.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;

    /// Where the credentials come from, in a few words for log lines and messages (e.g.
    /// `environment variables TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY`); a chain
    /// names the provider that answered last. Never a secret. The default names the type.
    fn description(&self) -> String {
        format!("a {} provider", std::any::type_name::<Self>())
    }
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let creds = self.clone();
        Box::pin(async move { Ok(creds) })
    }

    fn description(&self) -> String {
        "credentials given to the client".to_owned()
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }

    fn description(&self) -> String {
        (**self).description()
    }
}

/// A function that looks up an environment variable.
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The process environment, as an [`EnvLookup`].
pub(super) fn process_env() -> EnvLookup {
    Arc::new(|name| std::env::var(name).ok())
}
