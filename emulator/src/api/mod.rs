//! The API endpoint, `POST /`: faults, body limit, common parameters, authentication, action
//! lookup, rate limit, scripted errors, schema validation, then the action; every failure is
//! the service's envelope with a fresh RequestId.

pub(crate) mod auth;
mod headers;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};

use crate::actions;
use crate::conn::ConnCtx;
use crate::error::ApiError;
use crate::faults::Draw;
use crate::log::LogEntry;
use crate::state::State;
use crate::validate;
use headers::{header_str, missing, param, Param};

fn envelope(error: &ApiError, request_id: &str) -> Value {
    json!({
        "Response": {
            "Error": { "Code": error.code, "Message": error.message },
            "RequestId": request_id,
        }
    })
}

fn json_response(value: &Value) -> Response<Body> {
    let mut response = Response::new(Body::from(value.to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Reads the body, refusing it as soon as it exceeds `limit` (a `Content-Length` over the
/// limit is refused before anything is read).
async fn read_limited(headers: &HeaderMap, body: Body, limit: u64) -> Result<Vec<u8>, ApiError> {
    let too_big = || {
        ApiError::new(
            "RequestSizeLimitExceeded",
            format!("The request body exceeds the limit of {limit} bytes."),
        )
    };
    if let Some(len) =
        header_str(headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok())
    {
        if len > limit {
            return Err(too_big());
        }
    }
    let mut body = body;
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::new(
                "InvalidRequest",
                format!("The request body could not be read: {e}"),
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if out.len() as u64 + data.len() as u64 > limit {
                return Err(too_big());
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

struct Called {
    action: Option<String>,
    secret_id: Option<String>,
}

/// Answers one API call.
pub(crate) async fn handle(state: Arc<State>, ctx: ConnCtx, req: Request) -> Response<Body> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let (parts, body) = req.into_parts();
    let mut called = Called {
        action: None,
        secret_id: None,
    };
    let (draw, latency) = state.draw_fault(true);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let outcome: Result<Value, ApiError> = match draw {
        Draw::Http5xx => {
            let mut r = Response::new(Body::from(
                "503 Service Temporarily Unavailable (emulated fault)\n",
            ));
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            state.log.push(LogEntry {
                method: parts.method.to_string(),
                path: "/".into(),
                range: None,
                status: 503,
                action: header_str(&parts.headers, "x-tc-action").map(str::to_owned),
                error_code: None,
                secret_id: None,
                cut_after: None,
            });
            return r;
        }
        Draw::ConnectionReset => {
            ctx.reset();
            Err(ApiError::new(
                "InternalError",
                "emulated fault: connection reset",
            ))
        }
        Draw::RequestLimitExceeded => Err(ApiError::new(
            "RequestLimitExceeded",
            "Your current request times equals to `MaxRequestTimes` in a second. (emulated fault)",
        )),
        Draw::InternalError => Err(ApiError::new(
            "InternalError",
            "An internal error has occurred. Retry your request. (emulated fault)",
        )),
        Draw::None => {
            handle_call(
                &state,
                &parts.method,
                &parts.headers,
                body,
                &request_id,
                &mut called,
            )
            .await
        }
    };
    let (value, code) = match outcome {
        Ok(v) => (v, None),
        Err(e) => (envelope(&e, &request_id), Some(e.code)),
    };
    state.log.push(LogEntry {
        method: parts.method.to_string(),
        path: "/".into(),
        range: None,
        status: if draw == Draw::ConnectionReset {
            0
        } else {
            200
        },
        action: called
            .action
            .or_else(|| header_str(&parts.headers, "x-tc-action").map(str::to_owned)),
        error_code: code,
        secret_id: called.secret_id,
        cut_after: None,
    });
    json_response(&value)
}

async fn handle_call(
    state: &Arc<State>,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
    request_id: &str,
    called: &mut Called,
) -> Result<Value, ApiError> {
    if method != Method::POST {
        return Err(ApiError::new(
            "UnsupportedProtocol",
            format!("The emulator accepts API calls as POST with a JSON body, not {method}."),
        ));
    }
    let payload = read_limited(headers, body, state.config.max_body_bytes).await?;

    // Common parameters from the headers: a missing one is answered before authentication; an
    // action, version or region that is present but wrong only after it, as an unknown one is.
    let action_param = param(headers, "x-tc-action");
    if action_param == Param::Missing {
        return Err(missing("Action", "X-TC-Action"));
    }
    called.action = action_param.text().map(str::to_owned);
    let version_param = param(headers, "x-tc-version");
    if version_param == Param::Missing {
        return Err(missing("Version", "X-TC-Version"));
    }
    let timestamp = headers::timestamp(param(headers, "x-tc-timestamp"))?;

    let secret_id = auth::authenticate(state, method, headers, &payload, timestamp)?;
    called.secret_id = Some(secret_id.clone());

    let service = &state.schema.service;
    let action_name = action_param.text();
    let Some(action) =
        action_name.and_then(|name| state.schema.actions.iter().find(|a| a.name == name))
    else {
        return Err(headers::unknown_action(action_name, &service.service));
    };
    let version = version_param.text();
    if version != Some(service.version.as_str()) {
        return Err(headers::unknown_version(version, &service.version));
    }
    let region = match headers::region(param(headers, "x-tc-region"))? {
        Some(r) => r,
        None if service.region_required => return Err(missing("Region", "X-TC-Region")),
        None => "",
    };

    if let Some(per_second) = action.rate_limit_per_second {
        if !state.admit(&action.name, &secret_id, per_second) {
            return Err(ApiError::new(
                "RequestLimitExceeded",
                format!(
                    "Your current request times equals to `MaxRequestTimes` in a second: {} allows {per_second} requests per second per SecretId.",
                    action.name
                ),
            ));
        }
    }

    if let Some(error) = state.next_scripted() {
        return Err(error);
    }

    let body: Value = if payload.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(&payload).map_err(|e| {
            ApiError::new(
                "InvalidParameter",
                format!("The request body is not valid JSON: {e}."),
            )
        })?
    };
    validate::validate(state.schema, action, &body)?;

    let call = actions::Call {
        state,
        region,
        secret_id: &secret_id,
        request_id,
    };
    actions::dispatch(&call, action, body)
}
