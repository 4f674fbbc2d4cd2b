//! [`ClientBuilder`]: collects a client's configuration, checks it and builds the [`Client`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::call::Client;
use super::config::{
    check_region, is_loopback, parse_endpoint, system_clock, Clock, Endpoint, Language,
    RequestForm, ResolvedEndpoint, Timeouts,
};
use super::inner::Inner;
use crate::action::ServiceInfo;
use crate::credentials::provider::ProvideCredentials;
use crate::error::ConstructionError;
use crate::ratelimit::{RateLimit, RateLimiter};
use crate::retry::RetryPolicy;
use crate::sign::Signer;

/// Configures a [`Client`].
///
/// Cheap to clone (a shared credentials provider and HTTP client stay shared), so one
/// configuration can build several clients, e.g. the STS client of an
/// [`AssumeRoleProvider`](crate::credentials::AssumeRoleProvider).
#[derive(Clone)]
pub struct ClientBuilder {
    region: Option<String>,
    endpoint: Endpoint,
    language: Option<Language>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    timeouts: Timeouts,
    http_client: Option<reqwest::Client>,
    retry: RetryPolicy,
    rate_limit: RateLimit,
    form: RequestForm,
    clock: Option<Clock>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("language", &self.language)
            .field("credentials", &self.credentials)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// Defaults: no region, [`Endpoint::Default`], no language header, credentials from
    /// [`DefaultCredentialsChain`](crate::credentials::DefaultCredentialsChain),
    /// [`Timeouts::default`], [`RetryPolicy::default`],
    /// [`RateLimit::Documented`].
    pub fn new() -> Self {
        Self {
            region: None,
            endpoint: Endpoint::Default,
            language: None,
            credentials: None,
            timeouts: Timeouts::default(),
            http_client: None,
            retry: RetryPolicy::default(),
            rate_limit: RateLimit::Documented,
            form: RequestForm::JsonPost,
            clock: None,
        }
    }

    /// The region sent as `X-TC-Region`, e.g. `ap-guangzhou`. Required by services whose
    /// [`ServiceInfo::region_required`] is set, unless every call sets
    /// [`CallOptions::region`].
    ///
    /// [`ServiceInfo::region_required`]: crate::ServiceInfo::region_required
    /// [`CallOptions::region`]: super::CallOptions::region
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Where requests go.
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = endpoint;
        self
    }

    /// Sends `X-TC-Language`.
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Uses these credentials or this provider instead of the default chain.
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Uses a shared provider.
    pub fn credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// Sets all timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.connect = timeout;
        self
    }

    /// Sets the per-attempt timeout.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.attempt = timeout;
        self
    }

    /// Sets the total timeout of a call.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.total = timeout;
        self
    }

    /// Uses this HTTP client (its own proxy, TLS and connect settings apply; the connect
    /// timeout set here does not). By default the builder creates one with rustls, the connect
    /// timeout, and proxies from `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY`
    /// (except for an [`Endpoint::Url`] on this machine, `localhost`, `127.0.0.0/8` or
    /// `[::1]`, which is always reached directly).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Sets the retry policy ([`RetryPolicy::disabled`] for a single attempt).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the client-side rate limit.
    pub fn rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    /// Sends every call in this form ([`RequestForm::JsonPost`] unless set).
    pub fn form(mut self, form: RequestForm) -> Self {
        self.form = form;
        self
    }

    /// Takes `X-TC-Timestamp` values from `clock` (unix seconds) instead of the system clock,
    /// e.g. to correct a known clock skew.
    pub fn clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The configured region, if one was set.
    pub(crate) fn configured_region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Where calls of `service` go, for messages: the configured URL as given, or
    /// `https://` and the service's host.
    pub(crate) fn endpoint_for_messages(&self, service: &ServiceInfo) -> String {
        match &self.endpoint {
            Endpoint::Default => format!("https://{}", service.default_host),
            Endpoint::Mainland => format!("https://{}", service.mainland_host),
            Endpoint::Regional => format!(
                "https://{}",
                service.regional_host_for(self.region.as_deref().unwrap_or("{region}"))
            ),
            Endpoint::Url(url) => url.trim().to_owned(),
        }
    }

    /// Checks the configuration and builds the client with the configured credentials, or
    /// with `default()` when none were configured. [`ClientBuilder::build`] passes the
    /// default chain (in its own file, so that the credential providers that call STS through
    /// a client can use this builder without depending on the chain that includes them).
    pub(crate) fn build_or(
        self,
        default: impl FnOnce() -> Arc<dyn ProvideCredentials>,
    ) -> Result<Client, ConstructionError> {
        if let Some(region) = &self.region {
            check_region(region)?;
        }
        let endpoint = match &self.endpoint {
            Endpoint::Default => ResolvedEndpoint::Default,
            Endpoint::Mainland => ResolvedEndpoint::Mainland,
            Endpoint::Regional => ResolvedEndpoint::Regional,
            Endpoint::Url(text) => {
                let (url, host) = parse_endpoint(text)?;
                ResolvedEndpoint::Url { url, host }
            }
        };
        for (name, value) in [
            ("connect", self.timeouts.connect),
            ("per-attempt", self.timeouts.attempt),
            ("total", self.timeouts.total),
        ] {
            if value.is_zero() {
                return Err(ConstructionError::new(format!(
                    "the {name} timeout must be greater than zero"
                )));
            }
        }
        let http = match self.http_client {
            Some(client) => client,
            None => {
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(self.timeouts.connect)
                    .user_agent(concat!(
                        "tencentcloud-transport/",
                        env!("CARGO_PKG_VERSION")
                    ));
                if let ResolvedEndpoint::Url { url, .. } = &endpoint {
                    if is_loopback(url) {
                        // Like Go's ProxyFromEnvironment: a local emulator is never reached
                        // through a proxy from the environment.
                        builder = builder.no_proxy();
                    }
                }
                builder.build().map_err(|e| {
                    ConstructionError::with_source("the HTTP client could not be created", e)
                })?
            }
        };
        let credentials = self.credentials.unwrap_or_else(default);
        Ok(Client::from_inner(Inner {
            http,
            credentials,
            region: self.region,
            endpoint,
            language: self.language,
            timeouts: self.timeouts,
            retry: self.retry,
            rate_limit: self.rate_limit,
            form: self.form,
            limiter: RateLimiter::default(),
            signer: Signer::new(),
            clock: self.clock.unwrap_or_else(|| Arc::new(system_clock)),
        }))
    }
}

impl Client {
    /// A builder with the defaults of [`ClientBuilder::new`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }
}
