//! The STS endpoint (service `sts`, version `2018-08-13`) on the emulator's own port: a
//! request is STS's when its credential scope names `sts`, when its `Host` is an `sts.` host,
//! or when it is an unsigned (`Authorization: SKIP`) `AssumeRoleWithWebIdentity`; everything
//! else goes to the Redis API as before.
//!
//! `AssumeRole` must be signed (for service `sts`) by a key the emulator accepts, the same
//! checks as Redis calls; `AssumeRoleWithWebIdentity` is taken unsigned, as the official SDKs
//! send it, with a token the emulator was told to accept. Both issue a temporary key pair
//! with a token and an expiry; Redis calls signed with it must carry that token. Every
//! failure is the service's envelope with a fresh RequestId, and every call is in the
//! request log.

mod actions;
pub(crate) mod config;
pub(crate) mod issued;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, Response};
use serde_json::{json, Value};
use tencentcloud_schema::request::shorten;
use tencentcloud_transport::sign;

use crate::api::auth;
use crate::error::ApiError;
use crate::log::LogEntry;
use crate::state::State;

/// STS's API version.
const VERSION: &str = "2018-08-13";

/// A header's value, if it is present, visible ASCII and not empty.
fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
}

/// Whether a `POST /` request is for STS rather than the Redis API.
pub(crate) fn is_sts_request(headers: &HeaderMap) -> bool {
    let authorization = header_str(headers, "authorization").unwrap_or("").trim();
    if let Ok(parsed) = sign::parse_authorization(authorization) {
        return parsed.service == "sts";
    }
    let host = header_str(headers, "host").unwrap_or("");
    let host = host.rsplit("://").next().unwrap_or(host);
    host.to_ascii_lowercase().starts_with("sts.")
        || (authorization == "SKIP"
            && header_str(headers, "x-tc-action") == Some("AssumeRoleWithWebIdentity"))
}

/// Answers one STS call.
pub(crate) async fn handle(state: Arc<State>, req: Request) -> Response<Body> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let (parts, body) = req.into_parts();
    let mut secret_id = None;
    let outcome = call(
        &state,
        &parts.method,
        &parts.headers,
        body,
        &request_id,
        &mut secret_id,
    )
    .await;
    let (value, code) = match outcome {
        Ok(v) => (v, None),
        Err(e) => (
            json!({
                "Response": {
                    "Error": { "Code": e.code, "Message": e.message },
                    "RequestId": request_id,
                }
            }),
            Some(e.code),
        ),
    };
    state.log.push(LogEntry {
        method: parts.method.to_string(),
        path: "/".into(),
        range: None,
        status: 200,
        action: header_str(&parts.headers, "x-tc-action").map(str::to_owned),
        error_code: code,
        secret_id,
        cut_after: None,
    });
    let mut response = Response::new(Body::from(value.to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

async fn call(
    state: &Arc<State>,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
    request_id: &str,
    secret_id: &mut Option<String>,
) -> Result<Value, ApiError> {
    if method != Method::POST {
        return Err(ApiError::new(
            "UnsupportedProtocol",
            format!("The emulator accepts STS calls as POST with a JSON body, not {method}."),
        ));
    }
    let limit = state.config.max_body_bytes;
    let payload = axum::body::to_bytes(body, usize::try_from(limit).unwrap_or(usize::MAX))
        .await
        .map_err(|_| {
            ApiError::new(
                "RequestSizeLimitExceeded",
                format!(
                    "The request body exceeds the limit of {limit} bytes or could not be read."
                ),
            )
        })?;
    let missing = |name: &str, header: &str| {
        ApiError::new(
            "MissingParameter",
            format!("The required parameter `{name}` is missing (header {header})."),
        )
    };
    let action =
        header_str(headers, "x-tc-action").ok_or_else(|| missing("Action", "X-TC-Action"))?;
    let version =
        header_str(headers, "x-tc-version").ok_or_else(|| missing("Version", "X-TC-Version"))?;
    let timestamp = header_str(headers, "x-tc-timestamp")
        .ok_or_else(|| missing("Timestamp", "X-TC-Timestamp"))?
        .trim()
        .parse::<u64>()
        .map_err(|_| {
            ApiError::new(
                "InvalidParameter",
                "The parameter `Timestamp` (X-TC-Timestamp) must be a Unix time in seconds.",
            )
        })?;
    // Only AssumeRoleWithWebIdentity is taken unsigned; anything else is authenticated
    // first, so an unauthenticated caller learns nothing about the actions.
    if action != "AssumeRoleWithWebIdentity" {
        let caller = auth::authenticate_for(state, "sts", method, headers, &payload, timestamp)?;
        *secret_id = Some(caller);
    }
    if version != VERSION {
        return Err(ApiError::new(
            "NoSuchVersion",
            format!(
                "The API version `{}` does not exist; the supported version is {VERSION}.",
                shorten(version)
            ),
        ));
    }
    let known = matches!(action, "AssumeRole" | "AssumeRoleWithWebIdentity");
    if !known {
        return Err(ApiError::new(
            "InvalidAction",
            format!(
                "The action `{}` does not exist for service `sts` (the emulator implements AssumeRole and AssumeRoleWithWebIdentity).",
                shorten(action)
            ),
        ));
    }
    if let Some(error) = state.sts.next_scripted() {
        return Err(error);
    }
    let body: Value = if payload.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        // Never quote the body: it may hold a web identity token.
        serde_json::from_slice(&payload)
            .map_err(|_| ApiError::new("InvalidParameter", "The request body is not valid JSON."))?
    };
    if action == "AssumeRole" {
        actions::assume_role(state, &body, request_id)
    } else {
        actions::assume_role_with_web_identity(state, &body, request_id)
    }
}
