//! Error values shared by every action: the raw service error from `Response.Error`, the
//! trait generated per-action error enums implement, and the transport error wrapping both.

use std::fmt;

/// An error answered by the service in `Response.Error`, exactly as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// `Response.Error.Code`, e.g. `InvalidParameterValue.BackupNotExists`.
    pub code: String,
    /// `Response.Error.Message`, the service's human-readable explanation.
    pub message: String,
    /// `Response.RequestId`; empty if the service did not send one.
    pub request_id: String,
}

impl ServiceError {
    /// Builds a service error from its three parts.
    pub fn new(
        code: impl Into<String>,
        message: impl Into<String>,
        request_id: impl Into<String>,
    ) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            request_id: request_id.into(),
        }
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if !self.request_id.is_empty() {
            write!(f, " (RequestId: {})", self.request_id)?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// A per-action error type: one variant per documented code, built from a [`ServiceError`].
///
/// Generated error enums implement it; every variant keeps the raw [`ServiceError`], so the
/// code, message and request id are never lost, whichever variant matched. The client asks it
/// whether a code is worth retrying ([`ActionError::is_retryable`]).
pub trait ActionError: std::error::Error + Send + Sync + 'static {
    /// Classifies a raw service error into the action's variant for its code.
    fn from_service_error(raw: ServiceError) -> Self;

    /// The raw error this value was built from.
    fn service_error(&self) -> &ServiceError;

    /// The error code, e.g. `ResourceNotFound.InstanceNotExists`.
    fn code(&self) -> &str {
        &self.service_error().code
    }

    /// The service's message.
    fn message(&self) -> &str {
        &self.service_error().message
    }

    /// The request id, for support tickets; empty if the service sent none.
    fn request_id(&self) -> &str {
        &self.service_error().request_id
    }

    /// Whether the code is transient, so that the client's retry policy tries the call again.
    ///
    /// Generated error types answer from their schema (its `retryable` flags and rule); this
    /// default, for codes no schema describes, is [`is_retryable_code`](crate::is_retryable_code).
    fn is_retryable(&self) -> bool {
        crate::retry::is_retryable_code(self.code())
    }
}

/// The raw error is an action error with no variants of its own: for an action that needs no
/// typed codes, such as one written by hand for a test or a benchmark.
impl ActionError for ServiceError {
    fn from_service_error(raw: ServiceError) -> Self {
        raw
    }

    fn service_error(&self) -> &ServiceError {
        self
    }
}

/// The error of one call through the [`Client`](crate::Client): the action's typed service
/// error, or one of the transport's own failures.
///
/// `Display` shows one line with what failed; for service errors it shows the code, the message
/// and the RequestId. Underlying causes are available through [`std::error::Error::source`] and
/// are not repeated in the `Display` text.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The service answered with `Response.Error`, classified into the action's error type.
    Service(E),
    /// The call could not be built: missing region, invalid endpoint or header value, a
    /// request that does not serialize.
    Construction(ConstructionError),
    /// No credentials could be obtained.
    Credentials(crate::credentials::error::CredentialsError),
    /// The per-attempt or total timeout elapsed.
    Timeout(TimeoutError),
    /// The request could not be sent or the response could not be read.
    Network(NetworkError),
    /// The response body is not a valid `{"Response": {...}}` envelope for the action.
    Decode(DecodeError),
}

impl<E: ActionError> Error<E> {
    /// The raw service error, if the service answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e.service_error()),
            _ => None,
        }
    }

    /// The service's error code, if the service answered with one.
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(|e| e.code.as_str())
    }

    /// The RequestId of the failed call, when the service sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(e) => Some(e.request_id()).filter(|id| !id.is_empty()),
            Error::Decode(d) => d.request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether the client's retry policy treats this error as transient.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(e) => e.is_retryable(),
            Error::Timeout(_) | Error::Network(_) => true,
            Error::Decode(d) => d.status >= 500,
            Error::Construction(_) | Error::Credentials(_) => false,
        }
    }
}

impl<E: ActionError> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(e) => {
                let raw = e.service_error();
                write!(f, "service error {}", raw)
            }
            Error::Construction(e) => fmt::Display::fmt(e, f),
            Error::Credentials(e) => fmt::Display::fmt(e, f),
            Error::Timeout(e) => fmt::Display::fmt(e, f),
            Error::Network(e) => fmt::Display::fmt(e, f),
            Error::Decode(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<E: ActionError> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // Each variant's Display already says what its inner value says, so the chain
        // continues with the inner value's own cause.
        match self {
            // The service error's Display already shows its code, message and RequestId;
            // its own source (if the generated type has one) would repeat them.
            Error::Service(_) => None,
            Error::Construction(e) => e.source(),
            Error::Credentials(e) => e.source(),
            Error::Timeout(e) => e.source(),
            Error::Network(e) => e.source(),
            Error::Decode(e) => e.source(),
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A call that could not be built.
#[derive(Debug)]
pub struct ConstructionError {
    message: String,
    source: Option<BoxError>,
}

impl ConstructionError {
    /// A construction error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// A construction error with a message and a cause.
    pub fn with_source(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConstructionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConstructionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Which timeout elapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt (connect, send, read the whole response) took too long.
    Attempt,
    /// The whole call (rate-limit waits, credentials, every attempt and backoff) took too long.
    Total,
}

/// A timeout.
#[derive(Debug, Clone)]
pub struct TimeoutError {
    /// Which timeout elapsed.
    pub kind: TimeoutKind,
    /// The limit that was exceeded.
    pub limit: std::time::Duration,
    /// The action being called.
    pub action: &'static str,
    /// Attempts made, including the one that timed out.
    pub attempts: u32,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let which = match self.kind {
            TimeoutKind::Attempt => "per-attempt",
            TimeoutKind::Total => "total",
        };
        write!(
            f,
            "{} timed out: the {which} timeout of {:?} elapsed (after {} attempt{})",
            self.action,
            self.limit,
            self.attempts,
            if self.attempts == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for TimeoutError {}

/// The request could not be sent or its response could not be read.
#[derive(Debug)]
pub struct NetworkError {
    /// The action being called.
    pub action: &'static str,
    /// The endpoint URL (it carries no credentials).
    pub url: String,
    /// The underlying error (a `reqwest::Error`).
    source: BoxError,
}

impl NetworkError {
    /// A network error for `action` sent to `url`.
    pub fn new(action: &'static str, url: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self {
            action,
            url: url.into(),
            source: source.into(),
        }
    }
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "network error calling {} at {}", self.action, self.url)
    }
}

impl std::error::Error for NetworkError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// What was wrong with a response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeReason {
    /// The body is not JSON.
    NotJson,
    /// The body is JSON without a `Response` object.
    NoEnvelope,
    /// `Response.Error` is present but has no string `Code`.
    MalformedError,
    /// `Response` does not match the action's response type.
    UnexpectedShape,
    /// The body is larger than the client accepts.
    TooLarge,
}

impl fmt::Display for DecodeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecodeReason::NotJson => "the body is not JSON",
            DecodeReason::NoEnvelope => "the body has no \"Response\" object",
            DecodeReason::MalformedError => "\"Response.Error\" has no string \"Code\"",
            DecodeReason::UnexpectedShape => "\"Response\" does not match the expected type",
            DecodeReason::TooLarge => "the body is larger than the client accepts",
        })
    }
}

/// A response body that is not a valid envelope for the action.
#[derive(Debug)]
pub struct DecodeError {
    /// The HTTP status code.
    pub status: u16,
    /// `Response.RequestId`, if the body had one.
    pub request_id: Option<String>,
    /// The start of the body (at most [`DecodeError::EXCERPT_LIMIT`] characters, control
    /// characters escaped).
    pub excerpt: String,
    /// What was wrong.
    pub reason: DecodeReason,
    source: Option<serde_json::Error>,
}

impl DecodeError {
    /// The most characters of the body kept in [`DecodeError::excerpt`].
    pub const EXCERPT_LIMIT: usize = 200;

    /// A decode error for a body.
    pub fn new(
        status: u16,
        body: &[u8],
        request_id: Option<String>,
        reason: DecodeReason,
        source: Option<serde_json::Error>,
    ) -> Self {
        Self {
            status,
            request_id,
            excerpt: excerpt(body, Self::EXCERPT_LIMIT),
            reason,
            source,
        }
    }

    /// The same error without any of the body: no excerpt and no cause (a JSON error can
    /// quote a value), for answers that carry secrets
    /// ([`Action::ANSWER_HAS_SECRETS`](crate::Action::ANSWER_HAS_SECRETS)).
    pub(crate) fn without_body(self) -> Self {
        Self {
            excerpt: "(not shown: the answer carries credentials)".to_owned(),
            source: None,
            ..self
        }
    }
}

/// The first `limit` characters of `body`, lossily decoded, with control characters escaped
/// and `…` appended when cut.
pub(crate) fn excerpt(body: &[u8], limit: usize) -> String {
    // Look at a bounded prefix only: a multi-megabyte body is not worth decoding for a message.
    let prefix = &body[..body.len().min(limit * 4)];
    let text = String::from_utf8_lossy(prefix);
    let mut out = String::new();
    let mut cut = prefix.len() < body.len();
    for (count, c) in text.chars().enumerate() {
        if count == limit {
            cut = true;
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if cut {
        out.push('…');
    }
    out
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not decode the response (HTTP {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", RequestId: {id}")?;
        }
        write!(f, "): {}", self.reason)?;
        if self.excerpt.is_empty() {
            f.write_str("; the body is empty")
        } else {
            write!(f, "; body: {}", self.excerpt)
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
