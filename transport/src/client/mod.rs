//! The HTTP client: one generic [`Client::send`] for every action.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Url;
use tokio::time::Instant;
use tracing::Instrument;

use crate::action::{Action, ServiceInfo};
use crate::credentials::{DefaultCredentialsChain, ProvideCredentials};
use crate::envelope::decode_with_request_id;
use crate::error::{
    ConstructionError, DecodeError, DecodeReason, Error, NetworkError, TimeoutError, TimeoutKind,
};
use crate::ratelimit::{RateLimit, RateLimiter};
use crate::retry::RetryPolicy;
use crate::sign::{Signer, SigningParams};

/// The `X-TC-Language` of error messages and localized fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Language {
    /// `en-US`
    EnUs,
    /// `zh-CN`
    ZhCn,
}

impl Language {
    /// The header value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Language::EnUs => "en-US",
            Language::ZhCn => "zh-CN",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Endpoint {
    /// `https://` + the service's default host ([`ServiceInfo::default_host`], e.g.
    /// `redis.intl.tencentcloudapi.com`).
    #[default]
    Default,
    /// `https://` + the service's mainland China host ([`ServiceInfo::mainland_host`]).
    Mainland,
    /// `https://` + the service's host for the call's region ([`ServiceInfo::regional_host`]).
    Regional,
    /// An explicit URL, e.g. `http://127.0.0.1:8080` for a local emulator or
    /// `https://redis.ap-guangzhou.tencentcloudapi.com`. A value without a scheme gets
    /// `https://`. When the URL carries a non-default port the signature covers `host:port`,
    /// as the Python SDK does.
    Url(String),
}

/// The timeouts of a call. All are finite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a TCP/TLS connection (default 10 s). Applies only to the HTTP client the
    /// builder creates, not to one supplied with [`ClientBuilder::http_client`].
    pub connect: Duration,
    /// One attempt: sending the request and reading the whole response (default 30 s).
    pub attempt: Duration,
    /// The whole call: rate-limit waits, credentials, every attempt and every backoff
    /// (default 90 s).
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            attempt: Duration::from_secs(30),
            total: Duration::from_secs(90),
        }
    }
}

/// The source of `X-TC-Timestamp` values, in unix seconds.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

fn system_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The largest response body the client reads (16 MiB); API answers are a few kilobytes.
pub const MAX_RESPONSE_BYTES: usize = 16 << 20;

/// How a request travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RequestForm {
    /// `POST /` with the request as a compact JSON body (`application/json`). The default,
    /// and what the official SDKs send.
    #[default]
    JsonPost,
    /// `GET /?A=1&B.0=x` with the request in the flattened parameter form the doc pages
    /// describe (`LimitVpc.N`), signed over that query string
    /// (`application/x-www-form-urlencoded`, empty payload). See [`crate::query`].
    QueryGet,
}

/// Per-call overrides of the client's configuration.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    retry: Option<RetryPolicy>,
    attempt_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    region: Option<String>,
    language: Option<Language>,
    rate_limit: Option<RateLimit>,
    form: Option<RequestForm>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses this retry policy ([`RetryPolicy::disabled`] for a single attempt).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Uses this per-attempt timeout.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Uses this total timeout.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Sends to this region.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Asks for messages in this language.
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Uses this rate limit for this call.
    pub fn rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = Some(rate_limit);
        self
    }

    /// Sends this call in this form (JSON POST or flattened GET).
    pub fn form(mut self, form: RequestForm) -> Self {
        self.form = Some(form);
        self
    }
}

/// The result of a call with what it took to get it.
#[derive(Debug)]
pub struct SendOutcome<A: Action> {
    /// The response or the error.
    pub result: Result<A::Response, Error<A::Error>>,
    /// Attempts made (1 when the first attempt settled it; 0 when the call failed before
    /// sending anything).
    pub attempts: u32,
    /// `Response.RequestId` of the last answer, if there was one.
    pub request_id: Option<String>,
}

/// Configures a [`Client`].
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
    /// [`DefaultCredentialsChain`], [`Timeouts::default`], [`RetryPolicy::default`],
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

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, ConstructionError> {
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
        let credentials = self
            .credentials
            .unwrap_or_else(|| Arc::new(DefaultCredentialsChain::new()));
        Ok(Client {
            inner: Arc::new(Inner {
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
            }),
        })
    }
}

fn check_region(region: &str) -> Result<(), ConstructionError> {
    let ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ConstructionError::new(format!(
            "invalid region {region:?}: expected letters, digits and '-', e.g. ap-guangzhou"
        )))
    }
}

/// Whether the URL names this machine (`localhost`, 127.0.0.0/8 or `[::1]`).
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return ip.is_loopback();
    }
    let name = host.to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// Parses an endpoint URL and the `Host` value to sign (`host` or `host:port`).
fn parse_endpoint(text: &str) -> Result<(Url, String), ConstructionError> {
    let text = text.trim();
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let url = Url::parse(&with_scheme)
        .map_err(|e| ConstructionError::with_source(format!("invalid endpoint URL {text:?}"), e))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(ConstructionError::new(format!(
            "invalid endpoint URL {text:?}: the scheme must be http or https"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConstructionError::new(
            "invalid endpoint URL: it must not carry a user name or password",
        ));
    }
    let Some(host) = url.host_str() else {
        return Err(ConstructionError::new(format!(
            "invalid endpoint URL {text:?}: it has no host"
        )));
    };
    let host = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    Ok((url, host))
}

#[derive(Debug, Clone)]
enum ResolvedEndpoint {
    Default,
    Mainland,
    Regional,
    Url { url: Url, host: String },
}

struct Inner {
    http: reqwest::Client,
    credentials: Arc<dyn ProvideCredentials>,
    region: Option<String>,
    endpoint: ResolvedEndpoint,
    language: Option<Language>,
    timeouts: Timeouts,
    retry: RetryPolicy,
    rate_limit: RateLimit,
    form: RequestForm,
    limiter: RateLimiter,
    signer: Signer,
    clock: Clock,
}

/// The Tencent Cloud API client. Cheap to clone (clones share the connection pool, the
/// signing-key cache and the rate limiter); `Send + Sync`.
///
/// ```no_run
/// # use tencentcloud_transport::{Client, Credentials};
/// # fn demo() -> Result<(), tencentcloud_transport::ConstructionError> {
/// let client = Client::builder()
///     .region("ap-guangzhou")
///     .credentials(Credentials::new("AKID...", "secret"))
///     .build()?;
/// // let response = client.send(SomeGeneratedRequest::new(..)).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("region", &i.region)
            .field("endpoint", &i.endpoint)
            .field("language", &i.language)
            .field("credentials", &i.credentials)
            .field("timeouts", &i.timeouts)
            .field("retry", &i.retry)
            .field("rate_limit", &i.rate_limit)
            .finish_non_exhaustive()
    }
}

enum AttemptFailure {
    Http(reqwest::Error),
    TooLarge { status: u16, head: Vec<u8> },
}

impl Client {
    /// A builder with the defaults of [`ClientBuilder::new`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The underlying HTTP client (with the configured proxy, TLS and connect settings), for
    /// related requests such as downloading from URLs an action returned. Those requests are
    /// not signed, retried or rate limited by this client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The configured region, if any.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// Sends `request` with the client's configuration and returns its response or error.
    ///
    /// Works for every type implementing [`Action`] (and references to them).
    pub async fn send<A: Action>(&self, request: A) -> Result<A::Response, Error<A::Error>> {
        self.send_detailed(request, CallOptions::default())
            .await
            .result
    }

    /// Like [`Client::send`], with per-call overrides.
    pub async fn send_with<A: Action>(
        &self,
        request: A,
        options: CallOptions,
    ) -> Result<A::Response, Error<A::Error>> {
        self.send_detailed(request, options).await.result
    }

    /// Like [`Client::send_with`], also reporting the number of attempts and the RequestId.
    pub async fn send_detailed<A: Action>(
        &self,
        request: A,
        options: CallOptions,
    ) -> SendOutcome<A> {
        let region = options.region.clone().or_else(|| self.inner.region.clone());
        let span = tracing::info_span!(
            "tencentcloud.call",
            action = A::NAME,
            service = A::SERVICE.name,
            region = region.as_deref().unwrap_or(""),
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let mut state = CallState {
            attempts: 0,
            request_id: None,
        };
        let result = self
            .execute(&request, options, region, &mut state)
            .instrument(span.clone())
            .await;
        span.record("attempts", state.attempts);
        if let Some(id) = &state.request_id {
            span.record("request_id", id.as_str());
        }
        SendOutcome {
            result,
            attempts: state.attempts,
            request_id: state.request_id,
        }
    }

    fn target<A: Action>(
        &self,
        service: &ServiceInfo,
        region: Option<&str>,
    ) -> Result<(Url, String), Error<A::Error>> {
        let host = match &self.inner.endpoint {
            ResolvedEndpoint::Url { url, host } => return Ok((url.clone(), host.clone())),
            ResolvedEndpoint::Default => service.default_host.to_owned(),
            ResolvedEndpoint::Mainland => service.mainland_host.to_owned(),
            ResolvedEndpoint::Regional => match region {
                Some(region) => service.regional_host_for(region),
                None => {
                    return Err(Error::Construction(ConstructionError::new(format!(
                        "the regional endpoint of {} needs a region; set ClientBuilder::region or CallOptions::region",
                        service.name
                    ))))
                }
            },
        };
        parse_endpoint(&host).map_err(Error::Construction)
    }

    async fn execute<A: Action>(
        &self,
        request: &A,
        options: CallOptions,
        region: Option<String>,
        state: &mut CallState,
    ) -> Result<A::Response, Error<A::Error>> {
        let inner = &*self.inner;
        let started = Instant::now();
        let total = options.total_timeout.unwrap_or(inner.timeouts.total);
        let attempt_timeout = options.attempt_timeout.unwrap_or(inner.timeouts.attempt);
        // A huge configured timeout means "practically never"; avoid Instant overflow.
        let deadline = started
            .checked_add(total)
            .unwrap_or_else(|| started + Duration::from_secs(100 * 365 * 86_400));
        let retry = options.retry.unwrap_or(inner.retry);
        let rate_limit = options.rate_limit.unwrap_or(inner.rate_limit);
        let language = options.language.or(inner.language);

        let construction = |message: String| Error::Construction(ConstructionError::new(message));
        if let Some(region) = &region {
            check_region(region).map_err(Error::Construction)?;
        } else if A::SERVICE.region_required {
            return Err(construction(format!(
                "{} requires a region; set ClientBuilder::region or CallOptions::region",
                A::NAME
            )));
        }
        let serialization = |e: serde_json::Error| {
            Error::Construction(ConstructionError::with_source(
                format!("the {} request could not be serialized to JSON", A::NAME),
                e,
            ))
        };
        let (mut url, host) = self.target::<A>(A::SERVICE, region.as_deref())?;
        // What is sent and signed: a JSON body, or the flattened parameters as the query.
        let form = options.form.unwrap_or(inner.form);
        let (method, content_type, query, body) = match form {
            RequestForm::JsonPost => (
                reqwest::Method::POST,
                "application/json",
                String::new(),
                serde_json::to_vec(request).map_err(serialization)?,
            ),
            RequestForm::QueryGet => {
                let value = serde_json::to_value(request).map_err(serialization)?;
                let query = crate::query::to_query_string(&value);
                url.set_query((!query.is_empty()).then_some(query.as_str()));
                (
                    reqwest::Method::GET,
                    "application/x-www-form-urlencoded",
                    query,
                    Vec::new(),
                )
            }
        };

        let mut fixed = HeaderMap::with_capacity(10);
        fixed.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        let header = |name: &'static str, value: &str| -> Result<_, Error<A::Error>> {
            let value = HeaderValue::from_str(value).map_err(|e| {
                Error::Construction(ConstructionError::with_source(
                    format!("invalid {name} header value"),
                    e,
                ))
            })?;
            Ok((HeaderName::from_static(name), value))
        };
        for (name, value) in [
            header("x-tc-action", A::NAME)?,
            header("x-tc-version", A::SERVICE.version)?,
        ] {
            fixed.insert(name, value);
        }
        if let Some(region) = &region {
            let (name, value) = header("x-tc-region", region)?;
            fixed.insert(name, value);
        }
        if let Some(language) = language {
            fixed.insert(
                HeaderName::from_static("x-tc-language"),
                HeaderValue::from_static(language.as_str()),
            );
        }

        let total_timeout = |attempts: u32| {
            Error::Timeout(TimeoutError {
                kind: TimeoutKind::Total,
                limit: total,
                action: A::NAME,
                attempts,
            })
        };

        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let attempt_span = tracing::debug_span!("tencentcloud.attempt", attempt);

            if let Some(limit) = rate_limit.limit_for(A::RATE_LIMIT_PER_SECOND) {
                let acquire = inner.limiter.acquire(A::SERVICE.name, A::NAME, limit);
                match tokio::time::timeout_at(deadline, acquire).await {
                    Ok(waited) if !waited.is_zero() => {
                        tracing::debug!(
                            parent: &attempt_span,
                            waited_ms = waited.as_millis() as u64,
                            limit,
                            "waited for the client-side rate limit"
                        );
                    }
                    Ok(_) => {}
                    Err(_) => return Err(total_timeout(attempt - 1)),
                }
            }

            let credentials =
                match tokio::time::timeout_at(deadline, inner.credentials.provide_credentials())
                    .await
                {
                    Ok(Ok(c)) => c,
                    Ok(Err(e)) => return Err(Error::Credentials(e)),
                    Err(_) => return Err(total_timeout(attempt - 1)),
                };

            let timestamp = (inner.clock)();
            let authorization = inner.signer.authorization(
                &SigningParams {
                    method: method.as_str(),
                    host: &host,
                    content_type,
                    canonical_query: &query,
                    payload: &body,
                    timestamp,
                    service: A::SERVICE.name,
                },
                credentials.secret_id(),
                credentials.secret_key(),
            );
            let mut headers = fixed.clone();
            headers.insert(
                HeaderName::from_static("x-tc-timestamp"),
                HeaderValue::from(timestamp),
            );
            if let Some(token) = credentials.token() {
                let mut value = HeaderValue::from_str(token).map_err(|_| {
                    construction(
                        "the session token contains characters not allowed in a header".into(),
                    )
                })?;
                value.set_sensitive(true);
                headers.insert(HeaderName::from_static("x-tc-token"), value);
            }
            let mut value = HeaderValue::from_str(&authorization).map_err(|_| {
                construction("the SecretId contains characters not allowed in a header".into())
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
            drop(authorization);

            state.attempts = attempt;
            let now = Instant::now();
            if now >= deadline {
                return Err(total_timeout(attempt - 1));
            }
            let remaining = deadline - now;
            let (limit, kind) = if attempt_timeout < remaining {
                (attempt_timeout, TimeoutKind::Attempt)
            } else {
                (remaining, TimeoutKind::Total)
            };
            tracing::debug!(parent: &attempt_span, timestamp, "sending");
            let sent = tokio::time::timeout(
                limit,
                self.attempt(method.clone(), url.clone(), headers, body.clone()),
            )
            .instrument(attempt_span.clone())
            .await;

            let error: Error<A::Error> = match sent {
                Err(_) => Error::Timeout(TimeoutError {
                    kind,
                    limit: match kind {
                        TimeoutKind::Attempt => attempt_timeout,
                        _ => total,
                    },
                    action: A::NAME,
                    attempts: attempt,
                }),
                Ok(Err(AttemptFailure::Http(e))) => {
                    Error::Network(NetworkError::new(A::NAME, url.as_str(), e))
                }
                Ok(Err(AttemptFailure::TooLarge { status, head })) => Error::Decode(
                    DecodeError::new(status, &head, None, DecodeReason::TooLarge, None),
                ),
                Ok(Ok((status, bytes))) => {
                    let mut request_id = None;
                    let result = decode_with_request_id::<A>(status, &bytes, &mut request_id);
                    if request_id.is_some() {
                        state.request_id = request_id;
                    }
                    tracing::debug!(
                        parent: &attempt_span,
                        status,
                        request_id = state.request_id.as_deref().unwrap_or(""),
                        "answered"
                    );
                    match result {
                        Ok(response) => return Ok(response),
                        Err(e) => e,
                    }
                }
            };

            if matches!(&error, Error::Timeout(t) if t.kind == TimeoutKind::Total) {
                return Err(error);
            }
            if !error.is_retryable() || attempt >= retry.max_attempts() {
                return Err(error);
            }
            let backoff = retry.backoff(attempt);
            match Instant::now().checked_add(backoff) {
                Some(wake) if wake < deadline => {}
                _ => return Err(error),
            }
            tracing::info!(
                parent: &attempt_span,
                error = %error,
                backoff_ms = backoff.as_millis() as u64,
                "retrying after a transient failure"
            );
            tokio::time::sleep(backoff).await;
        }
    }

    async fn attempt(
        &self,
        method: reqwest::Method,
        url: Url,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), AttemptFailure> {
        let mut response = self
            .inner
            .http
            .request(method, url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(AttemptFailure::Http)?;
        let status = response.status().as_u16();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(AttemptFailure::Http)? {
            if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
                bytes.truncate(DecodeError::EXCERPT_LIMIT * 4);
                return Err(AttemptFailure::TooLarge {
                    status,
                    head: bytes,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok((status, bytes))
    }
}

struct CallState {
    attempts: u32,
    request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let (url, host) = parse_endpoint("http://127.0.0.1:8080").unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(host, "127.0.0.1:8080");
        let (_, host) = parse_endpoint("redis.tencentcloudapi.com").unwrap();
        assert_eq!(host, "redis.tencentcloudapi.com");
        let (_, host) = parse_endpoint("https://redis.tencentcloudapi.com:443").unwrap();
        assert_eq!(host, "redis.tencentcloudapi.com");
        let (_, host) = parse_endpoint("http://[::1]:9000/").unwrap();
        assert_eq!(host, "[::1]:9000");
        assert!(parse_endpoint("ftp://x").is_err());
        assert!(parse_endpoint("http://user:pw@x").is_err());
        assert!(parse_endpoint("http://").is_err());
    }

    #[test]
    fn loopback() {
        for (text, want) in [
            ("http://127.0.0.1:8080", true),
            ("http://127.1.2.3", true),
            ("http://[::1]:80", true),
            ("http://localhost:9000", true),
            ("http://LOCALHOST", true),
            ("http://emulator.localhost", true),
            ("https://redis.tencentcloudapi.com", false),
            ("http://10.0.0.1", false),
        ] {
            let (url, _) = parse_endpoint(text).unwrap();
            assert_eq!(is_loopback(&url), want, "{text}");
        }
    }

    #[test]
    fn regions() {
        assert!(check_region("ap-guangzhou").is_ok());
        assert!(check_region("").is_err());
        assert!(check_region("ap guangzhou").is_err());
        assert!(check_region("ap\r\nx").is_err());
    }
}
