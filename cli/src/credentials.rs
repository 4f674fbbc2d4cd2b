//! Where a command's keys come from: the default chain (or only the `--profile` section), a
//! role assumed on top of it with the `--role-*` options, and the `-v` line naming the
//! provider that supplied them (never the keys).

use std::sync::atomic::{AtomicBool, Ordering};

use tencentcloud_transport::credentials::{
    AssumeRoleProvider, CredentialsFuture, DefaultCredentialsChain, ProfileProvider,
    ProvideCredentials,
};
use tencentcloud_transport::{ClientBuilder, Endpoint};

use crate::args::Globals;
use crate::exit::{self, CliError, Exit};

/// The provider of every call of a command, as the global options configure it.
pub fn provider(globals: &Globals) -> Result<Reported, CliError> {
    let found: Box<dyn ProvideCredentials> = match &globals.profile {
        Some(profile) => Box::new(ProfileProvider::new().with_profile(profile.clone())),
        None => Box::new(DefaultCredentialsChain::new()),
    };
    let Some(role_arn) = &globals.role.role_arn else {
        return Ok(Reported::new(found));
    };
    // STS is called with the same retry budget and region as the command's own calls.
    let mut sts = ClientBuilder::new().retry(globals.retry_policy());
    if let Some(region) = globals.region.as_deref().filter(|r| !r.is_empty()) {
        sts = sts.region(region);
    }
    if let Some(endpoint) = &globals.role.sts_endpoint {
        sts = sts.endpoint(Endpoint::Url(endpoint.clone()));
    }
    let mut role = AssumeRoleProvider::builder(role_arn.clone()).sts_client(sts);
    if let Some(name) = &globals.role.role_session_name {
        role = role.session_name(name.clone());
    }
    if let Some(duration) = globals.role.role_duration {
        role = role.duration(duration);
    }
    let role = role.build_from(found.into()).map_err(|e| {
        CliError::new(
            Exit::Config,
            format!(
                "cannot assume the role {role_arn} (--role-* options, TENCENTCLOUD_ROLE_* and \
                 TENCENTCLOUD_STS_ENDPOINT variables): {}",
                exit::chain(&e)
            ),
        )
    })?;
    Ok(Reported::new(Box::new(role)))
}

/// A provider that logs, at info level (`-v`), where the first keys it got came from.
#[derive(Debug)]
pub struct Reported {
    inner: Box<dyn ProvideCredentials>,
    reported: AtomicBool,
}

impl Reported {
    fn new(inner: Box<dyn ProvideCredentials>) -> Self {
        Self {
            inner,
            reported: AtomicBool::new(false),
        }
    }
}

impl ProvideCredentials for Reported {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let credentials = self.inner.provide_credentials().await?;
            // Once: the client asks before every attempt, and the answer rarely changes.
            if !self.reported.swap(true, Ordering::Relaxed) {
                tracing::info!("credentials from {}", self.inner.description());
            }
            Ok(credentials)
        })
    }

    fn description(&self) -> String {
        self.inner.description()
    }
}
