//! Chains of providers: [`CredentialsChain`] (the first provider that has credentials wins)
//! and [`DefaultCredentialsChain`] (environment, user profile, system profile, CVM role, TKE
//! web identity).

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::cvm_role::CvmRoleProvider;
use super::env::EnvProvider;
use super::error::{CredentialsError, CredentialsErrorKind};
use super::keys::Credentials;
use super::profile::ProfileProvider;
use super::provider::{CredentialsFuture, ProvideCredentials};
use super::tke::TkeOidcProvider;

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
                    if self.last_good.swap(i, Ordering::Relaxed) != i {
                        tracing::debug!(
                            target: "tencentcloud_transport::credentials",
                            "credentials from {}",
                            provider.description()
                        );
                    }
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

    /// The provider that answered last, else every provider in order.
    fn description(&self) -> String {
        if let Some(provider) = self.providers.get(self.last_good.load(Ordering::Relaxed)) {
            return provider.description();
        }
        let all: Vec<String> = self.providers.iter().map(|p| p.description()).collect();
        format!("the first of: {}", all.join("; "))
    }
}

/// The default chain, in the official SDKs' order: [`EnvProvider`], then the user's
/// [`ProfileProvider`] (`~/.tencentcloud/credentials`), then the system-wide one
/// ([`ProfileProvider::system`], `/etc/tencentcloud/credentials`), then [`CvmRoleProvider`],
/// then [`TkeOidcProvider`] (a TKE pod's web identity from the `TKE_*` variables).
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

/// Where the TKE web identity provider sits in [`DefaultCredentialsChain`]'s chain.
const TKE_STEP: usize = 4;

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultCredentialsChain {
    /// The chain reading the process environment, the current user's profile file, the
    /// system-wide profile file, the real metadata service and TKE's variables.
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
    /// [`DefaultCredentialsChain::with_system_profile`] replaces it; the TKE step reads the
    /// process's `TKE_*` variables ([`TkeOidcProvider::new`]) unless
    /// [`DefaultCredentialsChain::with_tke`] replaces it.
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
            Box::new(TkeOidcProvider::new()),
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

    /// Reads TKE's web identity with `tke` instead (e.g. [`TkeOidcProvider::from_lookup`] in
    /// tests, or one with its own STS client).
    pub fn with_tke(mut self, tke: TkeOidcProvider) -> Self {
        if let Some(step) = self.chain.providers.get_mut(TKE_STEP) {
            *step = Box::new(tke);
        }
        self
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        self.chain.provide_credentials()
    }

    fn description(&self) -> String {
        self.chain.description()
    }
}
