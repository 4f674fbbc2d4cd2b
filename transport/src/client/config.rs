//! What a client and a call can be configured with: [`Language`], [`Endpoint`], [`Timeouts`],
//! [`RequestForm`], [`CallOptions`], the [`Clock`] and [`MAX_RESPONSE_BYTES`], and the checks
//! that turn a region and an endpoint URL into what is sent and signed.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Url;

use crate::error::ConstructionError;
use crate::ratelimit::RateLimit;
use crate::retry::RetryPolicy;

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
    ///
    /// [`ServiceInfo::default_host`]: crate::ServiceInfo::default_host
    #[default]
    Default,
    /// `https://` + the service's mainland China host ([`ServiceInfo::mainland_host`]).
    ///
    /// [`ServiceInfo::mainland_host`]: crate::ServiceInfo::mainland_host
    Mainland,
    /// `https://` + the service's host for the call's region ([`ServiceInfo::regional_host`]).
    ///
    /// [`ServiceInfo::regional_host`]: crate::ServiceInfo::regional_host
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
    ///
    /// [`ClientBuilder::http_client`]: super::ClientBuilder::http_client
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

pub(super) fn system_clock() -> u64 {
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
    pub(super) retry: Option<RetryPolicy>,
    pub(super) attempt_timeout: Option<Duration>,
    pub(super) total_timeout: Option<Duration>,
    pub(super) region: Option<String>,
    pub(super) language: Option<Language>,
    pub(super) rate_limit: Option<RateLimit>,
    pub(super) form: Option<RequestForm>,
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

pub(super) fn check_region(region: &str) -> Result<(), ConstructionError> {
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
pub(super) fn is_loopback(url: &Url) -> bool {
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
pub(super) fn parse_endpoint(text: &str) -> Result<(Url, String), ConstructionError> {
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
pub(super) enum ResolvedEndpoint {
    Default,
    Mainland,
    Regional,
    Url { url: Url, host: String },
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
