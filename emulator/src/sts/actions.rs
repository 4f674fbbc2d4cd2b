//! The two STS actions: `AssumeRole` (the caller is already authenticated) and
//! `AssumeRoleWithWebIdentity` (the token is the proof). Both check their parameters, find
//! the role, and issue a temporary key pair with a token and an expiry.

use serde_json::{json, Map, Value};
use tencentcloud_schema::flat::percent_decode;
use tencentcloud_schema::request::shorten;
use tencentcloud_transport::sign::constant_time_eq;
use tencentcloud_transport::time::UtcDateTime;

use super::config::{AcceptedToken, Role};
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::state::State;

/// `DurationSeconds` when the request has none.
const DEFAULT_DURATION_SECS: u64 = 7200;
/// The longest `DurationSeconds` STS grants.
const MAX_DURATION_SECS: u64 = 43_200;

fn param_error(message: impl Into<String>) -> ApiError {
    ApiError::new("InvalidParameter.ParamError", message)
}

/// The body as an object with only `accepted` members.
fn members<'a>(body: &'a Value, accepted: &[&str]) -> Result<&'a Map<String, Value>, ApiError> {
    let Value::Object(map) = body else {
        return Err(ApiError::new(
            "InvalidParameter",
            "The request body must be a JSON object.",
        ));
    };
    if let Some(unknown) = map.keys().find(|k| !accepted.contains(&k.as_str())) {
        return Err(ApiError::new(
            "UnknownParameter",
            format!(
                "The parameter `{}` is not recognized; accepted parameters here: {}.",
                shorten(unknown),
                accepted.join(", ")
            ),
        ));
    }
    Ok(map)
}

/// A string member (`null` counts as absent); its value is never quoted.
fn string<'a>(
    map: &'a Map<String, Value>,
    name: &str,
    required: bool,
) -> Result<Option<&'a str>, ApiError> {
    match map.get(name) {
        None | Some(Value::Null) if required => Err(ApiError::new(
            "MissingParameter",
            format!("The required parameter `{name}` is missing."),
        )),
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::new(
            "InvalidParameter",
            format!("The parameter `{name}` must be a string."),
        )),
    }
}

/// `DurationSeconds`: 7200 when absent, at most 43200.
fn duration(map: &Map<String, Value>) -> Result<u64, ApiError> {
    match map.get("DurationSeconds") {
        None | Some(Value::Null) => Ok(DEFAULT_DURATION_SECS),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(secs) if secs > MAX_DURATION_SECS => Err(ApiError::new(
                "InvalidParameter.OverTimeError",
                format!(
                    "DurationSeconds {secs} is longer than the {MAX_DURATION_SECS} seconds STS grants."
                ),
            )),
            Some(secs) if secs >= 1 => Ok(secs),
            _ => Err(param_error(
                "DurationSeconds must be a whole number of seconds from 1 to 43200.",
            )),
        },
        Some(_) => Err(ApiError::new(
            "InvalidParameter",
            "The parameter `DurationSeconds` must be an integer.",
        )),
    }
}

/// `RoleSessionName`: 2 to 128 letters, digits and `_+=,.@-`.
fn check_session_name(name: &str) -> Result<(), ApiError> {
    let ok = (2..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(param_error(
            "RoleSessionName must be 2 to 128 letters, digits and _+=,.@-.",
        ))
    }
}

/// The configured role named `arn`.
fn find_role(state: &State, arn: &str) -> Result<Role, ApiError> {
    state
        .config
        .sts
        .roles()
        .into_iter()
        .find(|r| r.arn == arn)
        .ok_or_else(|| {
            ApiError::new(
                "ResourceNotFound.RoleNotFound",
                format!("The role `{}` does not exist.", shorten(arn)),
            )
        })
}

/// Issues keys for `duration_secs` (capped by the configured lifetime) and answers them.
fn issue(state: &State, duration_secs: u64, request_id: &str) -> Value {
    let now = unix_now();
    let lifetime = state
        .config
        .sts
        .max_lifetime
        .map_or(duration_secs, |max| duration_secs.min(max.as_secs().max(1)));
    let expires_at = now.saturating_add(lifetime);
    let (secret_id, key) = state.sts.issue(now, expires_at);
    let expiration = UtcDateTime::from_unix(expires_at)
        .to_string()
        .replacen(' ', "T", 1)
        + "Z";
    json!({
        "Response": {
            "Credentials": {
                "Token": key.token,
                "TmpSecretId": secret_id,
                "TmpSecretKey": key.secret_key,
            },
            "ExpiredTime": expires_at,
            "Expiration": expiration,
            "RequestId": request_id,
        }
    })
}

/// `AssumeRole`, for a caller the endpoint has authenticated.
pub(crate) fn assume_role(
    state: &State,
    body: &Value,
    request_id: &str,
) -> Result<Value, ApiError> {
    let map = members(
        body,
        &[
            "RoleArn",
            "RoleSessionName",
            "DurationSeconds",
            "Policy",
            "ExternalId",
            "Tags",
            "SourceIdentity",
            "SerialNumber",
            "TokenCode",
        ],
    )?;
    let role_arn = string(map, "RoleArn", true)?.unwrap_or_default();
    let session_name = string(map, "RoleSessionName", true)?.unwrap_or_default();
    let duration_secs = duration(map)?;
    check_session_name(session_name)?;
    if let Some(policy) = string(map, "Policy", false)? {
        let json = percent_decode(policy)
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .filter(Value::is_object);
        if json.is_none() {
            return Err(ApiError::new(
                "InvalidParameter.StrategyFormatError",
                "Policy must be a URL-encoded JSON policy document.",
            ));
        }
    }
    let external_id = string(map, "ExternalId", false)?;
    let role = find_role(state, role_arn)?;
    if let Some(expected) = &role.external_id {
        let matches = external_id
            .is_some_and(|given| constant_time_eq(given.as_bytes(), expected.as_bytes()));
        if !matches {
            return Err(ApiError::new(
                "UnauthorizedOperation",
                format!(
                    "The caller is not allowed to assume role `{}`: the ExternalId is missing or does not match.",
                    shorten(role_arn)
                ),
            ));
        }
    }
    Ok(issue(state, duration_secs, request_id))
}

/// Whether `token` is one of the accepted web identity tokens (files read now).
fn token_accepted(state: &State, token: &str) -> bool {
    state
        .config
        .sts
        .tokens
        .iter()
        .any(|accepted| match accepted {
            AcceptedToken::Value(value) => constant_time_eq(value.as_bytes(), token.as_bytes()),
            AcceptedToken::File(path) => std::fs::read_to_string(path).is_ok_and(|text| {
                let text = text.trim();
                !text.is_empty() && constant_time_eq(text.as_bytes(), token.as_bytes())
            }),
        })
}

/// `AssumeRoleWithWebIdentity`: the call is unsigned; the token proves the identity.
pub(crate) fn assume_role_with_web_identity(
    state: &State,
    body: &Value,
    request_id: &str,
) -> Result<Value, ApiError> {
    let map = members(
        body,
        &[
            "ProviderId",
            "WebIdentityToken",
            "RoleArn",
            "RoleSessionName",
            "DurationSeconds",
        ],
    )?;
    let provider_id = string(map, "ProviderId", true)?.unwrap_or_default();
    let token = string(map, "WebIdentityToken", true)?.unwrap_or_default();
    let role_arn = string(map, "RoleArn", true)?.unwrap_or_default();
    let session_name = string(map, "RoleSessionName", true)?.unwrap_or_default();
    let duration_secs = duration(map)?;
    check_session_name(session_name)?;
    if provider_id.trim().is_empty() {
        return Err(param_error("ProviderId must not be empty."));
    }
    if !token_accepted(state, token) {
        return Err(ApiError::new(
            "InvalidParameter.WebIdentityTokenError",
            "The WebIdentityToken is not valid for this identity provider.",
        ));
    }
    find_role(state, role_arn)?;
    Ok(issue(state, duration_secs, request_id))
}
