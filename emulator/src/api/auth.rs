//! Authentication of an API call: the TC3-HMAC-SHA256 signature, verified over the exact bytes
//! received with the transport crate's server-side helpers, the timestamp, the SecretId and
//! the session token. A SecretId the emulator's STS issued is accepted with its token until
//! it expires; the STS endpoint authenticates `AssumeRole` here too, for service `sts`.

use axum::http::{header, HeaderMap, Method};
use tencentcloud_schema::request::shorten;
use tencentcloud_transport::sign;

use crate::clock::unix_now;
use crate::error::ApiError;
use crate::state::{Credential, State};

fn auth_error(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(code, message)
}

/// Verifies the TC3 signature of a call of the Redis service; returns the SecretId.
pub(super) fn authenticate(
    state: &State,
    method: &Method,
    headers: &HeaderMap,
    payload: &[u8],
    timestamp: u64,
) -> Result<String, ApiError> {
    let service = state.schema.service.service.as_str();
    authenticate_for(state, service, method, headers, payload, timestamp)
}

/// Verifies the TC3 signature of a call of `service` (its credential scope must name it);
/// returns the SecretId.
pub(crate) fn authenticate_for(
    state: &State,
    service: &str,
    method: &Method,
    headers: &HeaderMap,
    payload: &[u8],
    timestamp: u64,
) -> Result<String, ApiError> {
    let Some(raw) = headers.get(header::AUTHORIZATION) else {
        return Err(auth_error(
            "AuthFailure.InvalidAuthorization",
            "The Authorization header is missing.",
        ));
    };
    let raw = raw.to_str().map_err(|_| {
        auth_error(
            "AuthFailure.InvalidAuthorization",
            "The Authorization header is not ASCII.",
        )
    })?;
    let auth = sign::parse_authorization(raw).map_err(|e| {
        auth_error(
            "AuthFailure.InvalidAuthorization",
            format!("The Authorization header is malformed: {e}."),
        )
    })?;
    let signed: Vec<String> = auth
        .signed_headers
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    if !signed.iter().any(|h| h == "content-type") || !signed.iter().any(|h| h == "host") {
        return Err(auth_error(
            "AuthFailure.InvalidAuthorization",
            "The Authorization SignedHeaders must include content-type and host.",
        ));
    }
    let now = unix_now();
    if now.abs_diff(timestamp) > state.config.max_clock_skew_secs {
        return Err(auth_error(
            "AuthFailure.SignatureExpire",
            format!(
                "The request timestamp {timestamp} is more than {} seconds away from the server time {now}; check the client clock.",
                state.config.max_clock_skew_secs
            ),
        ));
    }
    let temporary;
    let mut expires_at = None;
    let credential = match state
        .credentials
        .iter()
        .find(|c| c.secret_id == auth.secret_id)
    {
        Some(credential) => credential,
        None => {
            let Some(issued) = state.sts.lookup(auth.secret_id) else {
                return Err(auth_error(
                    "AuthFailure.SecretIdNotFound",
                    "The SecretId is not found; check that it exists and is enabled.",
                ));
            };
            expires_at = Some(issued.expires_at);
            temporary = Credential {
                secret_id: auth.secret_id.to_owned(),
                secret_key: issued.secret_key,
                token: Some(issued.token),
            };
            &temporary
        }
    };
    // The signature covers each signed header's text; one whose bytes are not UTF-8 cannot be
    // part of a signature this server checks (nor of one the SDKs compute).
    if let Some(name) = signed.iter().find(|name| {
        headers
            .get(name.as_str())
            .is_some_and(|v| std::str::from_utf8(v.as_bytes()).is_err())
    }) {
        return Err(auth_error(
            "AuthFailure.SignatureFailure",
            format!(
                "The provided credentials could not be validated: the signed header `{}` is not valid UTF-8.",
                shorten(name)
            ),
        ));
    }
    let header_pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str(), std::str::from_utf8(v.as_bytes()).ok()?)))
        .collect();
    let received = sign::ReceivedRequest {
        method: method.as_str(),
        canonical_uri: "/",
        canonical_query: "",
        headers: &header_pairs,
        payload,
        timestamp,
    };
    sign::verify_accepting_bare_host(&auth, &credential.secret_key, Some(service), &received)
        .map_err(|e| match e {
            sign::VerifyError::SignatureMismatch => auth_error(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated: the signature does not match. Check the SecretKey and the signing steps.",
            ),
            sign::VerifyError::MissingSignedHeader(name) => auth_error(
                "AuthFailure.InvalidAuthorization",
                format!("The signed header `{}` is not in the request.", shorten(&name)),
            ),
            other => auth_error(
                "AuthFailure.SignatureFailure",
                format!("The provided credentials could not be validated: {other}."),
            ),
        })?;
    // A token of any bytes counts as sent: one that is not ASCII matches no token.
    let token = headers
        .get("x-tc-token")
        .map(|t| t.as_bytes())
        .filter(|t| !t.is_empty());
    match (&credential.token, token) {
        (None, None) => {}
        (Some(expected), Some(got)) if sign::constant_time_eq(expected.as_bytes(), got) => {}
        (None, Some(_)) => {
            return Err(auth_error(
                "AuthFailure.TokenFailure",
                "A session token was sent, but this SecretId is a permanent key without one.",
            ))
        }
        (Some(_), _) => {
            return Err(auth_error(
                "AuthFailure.TokenFailure",
                "The session token (X-TC-Token) is missing or does not match this SecretId.",
            ))
        }
    }
    if expires_at.is_some_and(|at| now >= at) {
        return Err(auth_error(
            "AuthFailure.TokenFailure",
            "The temporary credentials and their session token have expired; obtain new ones from STS.",
        ));
    }
    Ok(credential.secret_id.clone())
}
