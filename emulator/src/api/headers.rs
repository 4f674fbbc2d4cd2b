//! Reading the common parameters an API call carries in its headers.

use axum::http::HeaderMap;

use crate::error::ApiError;

/// A header's value, if it is present and visible ASCII.
pub(super) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The answer to a missing common parameter.
pub(super) fn missing(name: &str, header: &str) -> ApiError {
    ApiError::new(
        "MissingParameter",
        format!("The required parameter `{name}` is missing (header {header})."),
    )
}
