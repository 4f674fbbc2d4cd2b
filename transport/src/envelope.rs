//! Decoding the `{"Response": {...}}` envelope every Tencent Cloud API 3.0 answer uses.
//!
//! A success body is decoded in one pass, straight from the bytes into the action's response
//! type ([`fast`]). Everything else (error envelopes, malformed bodies, anything the one-pass
//! decoder is unsure of) takes the slower path that parses a `serde_json::Value` first and
//! classifies what it finds. The one-pass decoder accepts exactly the bodies the slow path
//! would decode successfully, with the same result, and gives up on everything else.

mod fast;

use serde_json::{Map, Value};

use crate::action::Action;
use crate::error::{ActionError, DecodeError, DecodeReason, Error, ServiceError};

/// Decodes a response body into the action's response or its typed error.
///
/// The envelope is parsed whatever the HTTP status or `Content-Type` say: Tencent Cloud answers
/// errors with HTTP 200, and a proxy may answer with anything. `Response.Error` becomes
/// `A::Error` through [`ActionError::from_service_error`]; otherwise the whole `Response`
/// object (including `RequestId`) is decoded into `A::Response`. Any other body becomes
/// [`Error::Decode`] with the status, the RequestId if one can be found, and an excerpt.
/// Never panics, whatever the bytes.
pub fn decode_response<A: Action>(
    status: u16,
    body: &[u8],
) -> Result<A::Response, Error<A::Error>> {
    decode_with_request_id::<A>(status, body, &mut None)
}

/// [`decode_response`], also storing `Response.RequestId` in `found_id` when the body has
/// one.
pub(crate) fn decode_with_request_id<A: Action>(
    status: u16,
    body: &[u8],
    found_id: &mut Option<String>,
) -> Result<A::Response, Error<A::Error>> {
    if let Some((response, request_id)) = fast::decode_success::<A::Response>(body) {
        *found_id = request_id;
        return Ok(response);
    }
    decode_via_value::<A>(status, body, found_id)
}

/// The path that classifies everything: parse a `Value`, then look at it.
fn decode_via_value<A: Action>(
    status: u16,
    body: &[u8],
    found_id: &mut Option<String>,
) -> Result<A::Response, Error<A::Error>> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Err(Error::Decode(DecodeError::new(
                status,
                body,
                None,
                DecodeReason::NotJson,
                Some(e),
            )))
        }
    };
    let mut response = match value {
        Value::Object(mut top) => match top.remove("Response") {
            Some(Value::Object(response)) => response,
            _ => {
                let request_id = string_field(&top, "RequestId");
                found_id.clone_from(&request_id);
                return Err(Error::Decode(DecodeError::new(
                    status,
                    body,
                    request_id,
                    DecodeReason::NoEnvelope,
                    None,
                )));
            }
        },
        _ => {
            return Err(Error::Decode(DecodeError::new(
                status,
                body,
                None,
                DecodeReason::NoEnvelope,
                None,
            )))
        }
    };
    let request_id = string_field(&response, "RequestId");
    found_id.clone_from(&request_id);

    if let Some(error) = response.remove("Error") {
        let code = error.get("Code").and_then(Value::as_str);
        let Some(code) = code else {
            return Err(Error::Decode(DecodeError::new(
                status,
                body,
                request_id,
                DecodeReason::MalformedError,
                None,
            )));
        };
        let message = error.get("Message").and_then(Value::as_str).unwrap_or("");
        let raw = ServiceError::new(code, message, request_id.unwrap_or_default());
        return Err(Error::Service(A::Error::from_service_error(raw)));
    }

    serde_json::from_value(Value::Object(response)).map_err(|e| {
        Error::Decode(DecodeError::new(
            status,
            body,
            request_id,
            DecodeReason::UnexpectedShape,
            Some(e),
        ))
    })
}

fn string_field(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests;
