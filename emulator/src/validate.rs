//! Request validation driven by the schema: the rules are the schema crate's
//! ([`tencentcloud_schema::request::check`]); this module answers a violation the way the
//! service does, with its error code and a message that names the parameter path and what is
//! accepted.

use serde_json::Value;
use tencentcloud_schema::request::{self, Violation, ViolationKind};
use tencentcloud_schema::{Action, Schema};

use crate::error::ApiError;

/// Validates `body` (the parsed request body) against `action`'s inputs.
///
/// Codes: `UnknownParameter` for a member the schema does not declare, `MissingParameter` for
/// a required member that is absent or `null`, `InvalidParameter` for a wrong JSON type (or a
/// body that is not an object), `InvalidParameterValue` for a string outside the documented
/// values or an integer out of range. Paths read as in the API's `LimitVpc.N` convention:
/// `LimitVpc.0.Region`.
pub fn validate(schema: &Schema, action: &Action, body: &Value) -> Result<(), ApiError> {
    request::check(schema, action, body).map_err(|v| answer(&v))
}

fn answer(violation: &Violation) -> ApiError {
    let path = &violation.path;
    match &violation.kind {
        ViolationKind::NotAnObject { found } => ApiError::new(
            "InvalidParameter",
            format!("The request body must be a JSON object, got {found}."),
        ),
        ViolationKind::Unknown { accepted } => ApiError::new(
            "UnknownParameter",
            format!(
                "The parameter `{path}` is not recognized; accepted parameters here: {}.",
                accepted.join(", ")
            ),
        ),
        ViolationKind::Missing => ApiError::new(
            "MissingParameter",
            format!("The required parameter `{path}` is missing."),
        ),
        ViolationKind::WrongType { expected, found } => ApiError::new(
            "InvalidParameter",
            format!("The parameter `{path}` must be {expected}, got {found}."),
        ),
        ViolationKind::NotAllowed { value, allowed } => ApiError::new(
            "InvalidParameterValue",
            format!(
                "The value `{value}` of parameter `{path}` is not valid; accepted values: {}.",
                allowed.join(", ")
            ),
        ),
        ViolationKind::OutOfRange { value, expected } => ApiError::new(
            "InvalidParameterValue",
            format!("The value {value} of parameter `{path}` is out of range for {expected}."),
        ),
        // A kind added to the schema crate later is still a parameter error.
        _ => ApiError::new("InvalidParameter", format!("{violation}.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
        const NAMES: &[&str] = &[
            "InstanceId",
            "BackupId",
            "LimitType",
            "LimitVpc",
            "LimitIp",
            "Region",
            "VpcList",
            "IpComparisonSymbol",
            "VpcComparisonSymbol",
            "X",
        ];
        match rng.u8(..if depth > 3 { 4 } else { 6 }) {
            0 => Value::Null,
            1 => Value::Bool(rng.bool()),
            2 => serde_json::json!(rng.i64(..)),
            3 => Value::String(
                ["In", "NotIn", "NoLimit", "Customize", "", "x"][rng.usize(..6)].to_owned(),
            ),
            4 => Value::Array(
                (0..rng.usize(..4))
                    .map(|_| random_value(rng, depth + 1))
                    .collect(),
            ),
            _ => Value::Object(
                (0..rng.usize(..5))
                    .map(|_| {
                        (
                            NAMES[rng.usize(..NAMES.len())].to_owned(),
                            random_value(rng, depth + 1),
                        )
                    })
                    .collect(),
            ),
        }
    }

    #[test]
    fn random_bodies_never_panic_and_codes_are_from_the_set() {
        let schema = tencentcloud_redis::schema::load().unwrap();
        let action = &schema.actions[0];
        let mut rng = fastrand::Rng::with_seed(2);
        for _ in 0..20_000 {
            let body = random_value(&mut rng, 0);
            if let Err(e) = validate(schema, action, &body) {
                assert!(
                    [
                        "InvalidParameter",
                        "InvalidParameterValue",
                        "MissingParameter",
                        "UnknownParameter"
                    ]
                    .contains(&e.code.as_str()),
                    "{e:?}"
                );
                assert!(e.message.ends_with('.'), "{e:?}");
            }
        }
    }
}
