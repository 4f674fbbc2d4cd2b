//! The attempt loop behind [`Client::send`](super::Client::send): resolving the target, building the request,
//! then per attempt waiting for the rate limit, fetching credentials, signing, sending within
//! the attempt and total timeouts, decoding, and retrying transient failures after a backoff.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Url;
use tokio::time::Instant;
use tracing::Instrument;

use super::config::{
    check_region, parse_endpoint, CallOptions, RequestForm, ResolvedEndpoint, MAX_RESPONSE_BYTES,
};
use super::inner::Inner;
use crate::action::{Action, ServiceInfo};
use crate::envelope::decode_with_request_id;
use crate::error::{
    ConstructionError, DecodeError, DecodeReason, Error, NetworkError, TimeoutError, TimeoutKind,
};
use crate::sign::SigningParams;

/// The target of this loop's log events and spans: the module they were written in before the
/// client was split into files, so log filters and captured output stay the same.
const LOG_TARGET: &str = "tencentcloud_transport::client";

enum AttemptFailure {
    Http(reqwest::Error),
    TooLarge { status: u16, head: Vec<u8> },
}

/// The URL and the `Host` to sign for a call of `service` in `region`.
fn target<A: Action>(
    inner: &Inner,
    service: &ServiceInfo,
    region: Option<&str>,
) -> Result<(Url, String), Error<A::Error>> {
    let host = match &inner.endpoint {
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

/// Every attempt of one call, until it settles or its budget (attempts, total timeout) is
/// spent.
pub(super) async fn execute<A: Action>(
    inner: &Inner,
    request: &A,
    options: CallOptions,
    region: Option<String>,
    state: &mut CallState,
) -> Result<A::Response, Error<A::Error>> {
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
    let (mut url, host) = target::<A>(inner, A::SERVICE, region.as_deref())?;
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
        let attempt_span =
            tracing::debug_span!(target: LOG_TARGET, "tencentcloud.attempt", attempt);

        if let Some(limit) = rate_limit.limit_for(A::RATE_LIMIT_PER_SECOND) {
            let acquire = inner.limiter.acquire(A::SERVICE.name, A::NAME, limit);
            match tokio::time::timeout_at(deadline, acquire).await {
                Ok(waited) if !waited.is_zero() => {
                    tracing::debug!(
                        target: LOG_TARGET,
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

        // An unsigned action asks for no credentials at all.
        let credentials = if A::UNSIGNED {
            None
        } else {
            match tokio::time::timeout_at(deadline, inner.credentials.provide_credentials()).await {
                Ok(Ok(c)) => Some(c),
                Ok(Err(e)) => return Err(Error::Credentials(e)),
                Err(_) => return Err(total_timeout(attempt - 1)),
            }
        };

        let timestamp = (inner.clock)();
        let mut headers = fixed.clone();
        headers.insert(
            HeaderName::from_static("x-tc-timestamp"),
            HeaderValue::from(timestamp),
        );
        match &credentials {
            None => {
                headers.insert(AUTHORIZATION, HeaderValue::from_static("SKIP"));
            }
            Some(credentials) => {
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
            }
        }
        drop(credentials);

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
        tracing::debug!(target: LOG_TARGET, parent: &attempt_span, timestamp, "sending");
        let sent = tokio::time::timeout(
            limit,
            exchange(inner, method.clone(), url.clone(), headers, body.clone()),
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
            Ok(Err(AttemptFailure::TooLarge { status, head })) => {
                let error = DecodeError::new(status, &head, None, DecodeReason::TooLarge, None);
                Error::Decode(if A::ANSWER_HAS_SECRETS {
                    error.without_body()
                } else {
                    error
                })
            }
            Ok(Ok((status, bytes))) => {
                let mut request_id = None;
                let result = decode_with_request_id::<A>(status, &bytes, &mut request_id);
                if request_id.is_some() {
                    state.request_id = request_id;
                }
                tracing::debug!(
                    target: LOG_TARGET,
                    parent: &attempt_span,
                    status,
                    request_id = state.request_id.as_deref().unwrap_or(""),
                    "answered"
                );
                match result {
                    Ok(response) => return Ok(response),
                    Err(Error::Decode(e)) if A::ANSWER_HAS_SECRETS => {
                        Error::Decode(e.without_body())
                    }
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
            target: LOG_TARGET,
            parent: &attempt_span,
            error = %error,
            backoff_ms = backoff.as_millis() as u64,
            "retrying after a transient failure"
        );
        tokio::time::sleep(backoff).await;
    }
}

/// One HTTP request and its whole response body (bounded by [`MAX_RESPONSE_BYTES`]).
async fn exchange(
    inner: &Inner,
    method: reqwest::Method,
    url: Url,
    headers: HeaderMap,
    body: Vec<u8>,
) -> Result<(u16, Vec<u8>), AttemptFailure> {
    let mut response = inner
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

/// What a call took, filled in by the loop as it goes and reported by
/// [`Client::send_detailed`](super::Client::send_detailed).
pub(super) struct CallState {
    pub(super) attempts: u32,
    pub(super) request_id: Option<String>,
}
