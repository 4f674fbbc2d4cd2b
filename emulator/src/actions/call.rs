//! What every action handler shares: the call's context, decoding the request into its
//! generated type, encoding the response, and the errors several actions answer.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use tencentcloud_schema::request::shorten;

use crate::error::ApiError;
use crate::state::State;

/// What every action gets besides its body.
pub(crate) struct Call<'a> {
    pub state: &'a std::sync::Arc<State>,
    /// `X-TC-Region`.
    pub region: &'a str,
    /// The authenticated SecretId (the "account" restrictions are stored for).
    pub secret_id: &'a str,
    pub request_id: &'a str,
}

pub(crate) fn decode<T: DeserializeOwned>(body: Value) -> Result<T, ApiError> {
    serde_json::from_value(body).map_err(|e| {
        ApiError::new(
            "InvalidParameter",
            format!("The request does not decode: {e}."),
        )
    })
}

pub(crate) fn respond<T: Serialize>(response: &T) -> Result<Value, ApiError> {
    let value = serde_json::to_value(response)
        .map_err(|e| ApiError::new("InternalError", format!("cannot encode the response: {e}")))?;
    Ok(json!({ "Response": value }))
}

pub(crate) fn invalid_value(message: impl Into<String>) -> ApiError {
    ApiError::new("InvalidParameterValue", message)
}

pub(crate) fn instance_not_found(instance_id: &str, region: &str) -> ApiError {
    ApiError::new(
        "ResourceNotFound.InstanceNotExists",
        format!(
            "No Redis instance `{}` is found in region `{}`.",
            shorten(instance_id),
            shorten(region)
        ),
    )
}

pub(crate) fn size_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
