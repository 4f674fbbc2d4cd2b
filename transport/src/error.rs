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
/// code, message and request id are never lost, whichever variant matched.
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
}
