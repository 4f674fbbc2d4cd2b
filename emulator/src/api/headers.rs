//! Reading the common parameters an API call carries in its headers, and the answers to the
//! ones that are missing or cannot be what they claim to be.
//!
//! A header that is absent or empty is *missing* (`MissingParameter`). A header that is present
//! but not UTF-8, or not a valid value, gets the code the service answers for a wrong value of
//! that parameter, with a message that says which: `InvalidAction` for `X-TC-Action`,
//! `NoSuchVersion` for `X-TC-Version`, `InvalidParameterValue` for `X-TC-Region` and
//! `InvalidParameter` for `X-TC-Timestamp`.

use axum::http::HeaderMap;
use tencentcloud_schema::request::shorten;

use crate::error::ApiError;

/// A header's value, if it is present and visible ASCII.
pub(super) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// A common parameter's header as received (the first one, when it is repeated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Param<'a> {
    /// Absent, or present with an empty value.
    Missing,
    /// Present, but its bytes are not UTF-8.
    NotUtf8,
    /// Present: the value as text (any UTF-8, not only ASCII).
    Text(&'a str),
}

impl<'a> Param<'a> {
    /// The text of the header, `None` when it is missing or not UTF-8.
    pub(super) fn text(self) -> Option<&'a str> {
        match self {
            Param::Text(s) => Some(s),
            Param::Missing | Param::NotUtf8 => None,
        }
    }
}

/// Reads the header `name` as a common parameter.
pub(super) fn param<'a>(headers: &'a HeaderMap, name: &str) -> Param<'a> {
    let Some(value) = headers.get(name) else {
        return Param::Missing;
    };
    if value.is_empty() {
        return Param::Missing;
    }
    match std::str::from_utf8(value.as_bytes()) {
        Ok(s) => Param::Text(s),
        Err(_) => Param::NotUtf8,
    }
}

/// The answer to a missing common parameter.
pub(super) fn missing(name: &str, header: &str) -> ApiError {
    ApiError::new(
        "MissingParameter",
        format!("The required parameter `{name}` is missing (header {header})."),
    )
}

/// The answer to an `X-TC-Action` that names no action of `service`: `InvalidAction`.
/// `action` is `None` when the header is not UTF-8.
pub(super) fn unknown_action(action: Option<&str>, service: &str) -> ApiError {
    let message = match action {
        Some(name) => format!(
            "The action `{}` does not exist for service `{service}`.",
            shorten(name)
        ),
        None => format!(
            "The action in header X-TC-Action is not valid UTF-8, so it names no action of service `{service}`."
        ),
    };
    ApiError::new("InvalidAction", message)
}

/// The answer to an `X-TC-Version` other than `supported`: `NoSuchVersion`. `version` is
/// `None` when the header is not UTF-8.
pub(super) fn unknown_version(version: Option<&str>, supported: &str) -> ApiError {
    let message = match version {
        Some(v) => format!(
            "The API version `{}` does not exist; the supported version is {supported}.",
            shorten(v)
        ),
        None => format!(
            "The API version in header X-TC-Version is not valid UTF-8; the supported version is {supported}."
        ),
    };
    ApiError::new("NoSuchVersion", message)
}

/// Whether `region` has the form of a region name: letters, digits, `-` and `_` (the rule the
/// transport's client applies before it sends one).
fn is_region_name(region: &str) -> bool {
    region
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The region of the call: `Ok(None)` when `X-TC-Region` is missing, the region when it is a
/// region name, else `InvalidParameterValue` saying why.
pub(super) fn region(param: Param<'_>) -> Result<Option<&str>, ApiError> {
    const RULE: &str = "a region is letters, digits and '-', e.g. ap-guangzhou";
    match param {
        Param::Missing => Ok(None),
        Param::Text(r) if is_region_name(r) => Ok(Some(r)),
        Param::Text(r) => Err(ApiError::new(
            "InvalidParameterValue",
            format!(
                "The region `{}` (header X-TC-Region) is not valid: {RULE}.",
                shorten(r)
            ),
        )),
        Param::NotUtf8 => Err(ApiError::new(
            "InvalidParameterValue",
            format!("The region in header X-TC-Region is not valid UTF-8: {RULE}."),
        )),
    }
}

/// The Unix time of `X-TC-Timestamp`: decimal digits (surrounding blanks aside) that fit in 64
/// bits; else `MissingParameter` or `InvalidParameter` saying why.
pub(super) fn timestamp(param: Param<'_>) -> Result<u64, ApiError> {
    let text = match param {
        Param::Missing => return Err(missing("Timestamp", "X-TC-Timestamp")),
        Param::NotUtf8 => {
            return Err(ApiError::new(
                "InvalidParameter",
                "The parameter `Timestamp` (header X-TC-Timestamp) is not valid UTF-8; it must be a Unix time in seconds.",
            ))
        }
        Param::Text(t) => t,
    };
    let digits = text.trim();
    match digits.parse::<u64>() {
        Ok(t) if digits.bytes().all(|b| b.is_ascii_digit()) => Ok(t),
        _ => Err(ApiError::new(
            "InvalidParameter",
            format!(
                "The parameter `Timestamp` (header X-TC-Timestamp) must be a Unix time in seconds (decimal digits), not `{}`.",
                shorten(text)
            ),
        )),
    }
}
