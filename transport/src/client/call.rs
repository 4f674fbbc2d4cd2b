//! The client itself: [`Client`] and the three ways to send a request through it.

use std::fmt;
use std::sync::Arc;

use tracing::Instrument;

use super::attempt::{self, CallState};
use super::config::CallOptions;
use super::inner::Inner;
use crate::action::Action;
use crate::error::Error;

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

impl Client {
    /// The client of a configuration the builder checked.
    pub(super) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
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
        let result = attempt::execute(&self.inner, &request, options, region, &mut state)
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
}
