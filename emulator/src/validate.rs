//! Request validation driven by the schema: the JSON body is walked against the action's
//! input members (and, recursively, the data types they name). Nothing here is specific to
//! one action.

use serde_json::Value;
use tencentcloud_codegen::schema::{Action, BaseType, IntegerType, Member, Schema, TypeExpr};

use crate::ApiError;

/// Validates `body` (the parsed request body) against `action`'s inputs.
///
/// Rules, checked object by object in this order, the first failure wins:
/// 1. a member the schema does not declare → `UnknownParameter` (checked first, so a
///    misspelt name is reported as such rather than as the member it was meant to be);
/// 2. a required member that is absent or `null` → `MissingParameter`;
/// 3. a JSON type that does not match the member's type → `InvalidParameter`;
/// 4. a string outside the member's documented values → `InvalidParameterValue`.
///
/// `null` for an optional member counts as absent. Members are named by their path, with
/// array indexes as in the API's `LimitVpc.N` convention: `LimitVpc.0.Region`.
pub fn validate(schema: &Schema, action: &Action, body: &Value) -> Result<(), ApiError> {
    let Value::Object(_) = body else {
        return Err(ApiError::new(
            "InvalidParameter",
            format!(
                "The request body must be a JSON object, got {}.",
                json_kind(body)
            ),
        ));
    };
    check_object(schema, &action.input, body, "")
}

fn check_object(
    schema: &Schema,
    members: &[Member],
    value: &Value,
    prefix: &str,
) -> Result<(), ApiError> {
    let Value::Object(map) = value else {
        return Ok(());
    };
    for key in map.keys() {
        if !members.iter().any(|m| &m.name == key) {
            let accepted: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
            return Err(ApiError::new(
                "UnknownParameter",
                format!(
                    "The parameter `{}` is not recognized; accepted parameters here: {}.",
                    join(prefix, &shorten(key)),
                    accepted.join(", ")
                ),
            ));
        }
    }
    for member in members {
        let path = join(prefix, &member.name);
        match map.get(&member.name) {
            None | Some(Value::Null) => {
                if member.required {
                    return Err(ApiError::new(
                        "MissingParameter",
                        format!("The required parameter `{path}` is missing."),
                    ));
                }
            }
            Some(v) => check_value(schema, member, &member.ty, v, &path)?,
        }
    }
    Ok(())
}

fn check_value(
    schema: &Schema,
    member: &Member,
    ty: &TypeExpr,
    value: &Value,
    path: &str,
) -> Result<(), ApiError> {
    if ty.array {
        let Value::Array(items) = value else {
            return Err(wrong_type(path, &ty.doc_name(), value));
        };
        let element = TypeExpr {
            base: ty.base.clone(),
            array: false,
        };
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}.{i}");
            if item.is_null() {
                return Err(wrong_type(&item_path, &element.doc_name(), item));
            }
            check_value(schema, member, &element, item, &item_path)?;
        }
        return Ok(());
    }
    match &ty.base {
        BaseType::String => {
            let Value::String(s) = value else {
                return Err(wrong_type(path, "String", value));
            };
            if !member.values.is_empty() && !member.values.iter().any(|v| &v.value == s) {
                let accepted: Vec<&str> = member.values.iter().map(|v| v.value.as_str()).collect();
                return Err(ApiError::new(
                    "InvalidParameterValue",
                    format!(
                        "The value `{}` of parameter `{path}` is not valid; accepted values: {}.",
                        shorten(s),
                        accepted.join(", ")
                    ),
                ));
            }
            Ok(())
        }
        BaseType::Integer(int) => {
            if integer_fits(value, *int) {
                Ok(())
            } else if value.is_number() {
                Err(ApiError::new(
                    "InvalidParameterValue",
                    format!(
                        "The value {value} of parameter `{path}` is out of range for {}.",
                        int_name(*int)
                    ),
                ))
            } else {
                Err(wrong_type(path, &int_name(*int), value))
            }
        }
        BaseType::Boolean => match value {
            Value::Bool(_) => Ok(()),
            _ => Err(wrong_type(path, "Boolean", value)),
        },
        BaseType::Float => match value {
            Value::Number(_) => Ok(()),
            _ => Err(wrong_type(path, "Float", value)),
        },
        BaseType::Named(name) => {
            let Value::Object(_) = value else {
                return Err(wrong_type(path, name, value));
            };
            match schema.types.iter().find(|t| &t.name == name) {
                Some(data_type) => check_object(schema, &data_type.members, value, path),
                // The schema loader rejects dangling type names, so this cannot happen; an
                // unknown type accepts any object rather than failing the call.
                None => Ok(()),
            }
        }
    }
}

fn integer_fits(value: &Value, int: IntegerType) -> bool {
    let Value::Number(n) = value else {
        return false;
    };
    let width = u32::from(int.width.clamp(1, 64));
    if int.unsigned {
        match n.as_u64() {
            Some(v) => width == 64 || v < (1u64 << width),
            None => false,
        }
    } else {
        match n.as_i64() {
            Some(v) => width == 64 || (v >= -(1i64 << (width - 1)) && v < (1i64 << (width - 1))),
            None => false,
        }
    }
}

fn int_name(int: IntegerType) -> String {
    format!(
        "Integer ({}{}-bit)",
        if int.unsigned { "unsigned " } else { "" },
        int.width
    )
}

fn wrong_type(path: &str, expected: &str, got: &Value) -> ApiError {
    ApiError::new(
        "InvalidParameter",
        format!(
            "The parameter `{path}` must be {expected}, got {}.",
            json_kind(got)
        ),
    )
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Caps echoed values so an error message never repeats a huge input.
fn shorten(s: &str) -> String {
    const MAX: usize = 64;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        let files: Vec<tencentcloud_codegen::SourceFile> = tencentcloud_redis::schema::FILES
            .iter()
            .map(|(p, t)| tencentcloud_codegen::SourceFile {
                path: (*p).to_owned(),
                text: (*t).to_owned(),
            })
            .collect();
        tencentcloud_codegen::load(&files).unwrap()
    }

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
        let schema = schema();
        let action = &schema.actions[0];
        let mut rng = fastrand::Rng::with_seed(2);
        for _ in 0..20_000 {
            let body = random_value(&mut rng, 0);
            if let Err(e) = validate(&schema, action, &body) {
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
            }
        }
    }

    #[test]
    fn integer_bounds() {
        let i8_ = IntegerType {
            width: 8,
            unsigned: false,
        };
        let u8_ = IntegerType {
            width: 8,
            unsigned: true,
        };
        let i64_ = IntegerType {
            width: 64,
            unsigned: false,
        };
        let u64_ = IntegerType {
            width: 64,
            unsigned: true,
        };
        assert!(integer_fits(&serde_json::json!(127), i8_));
        assert!(integer_fits(&serde_json::json!(-128), i8_));
        assert!(!integer_fits(&serde_json::json!(128), i8_));
        assert!(!integer_fits(&serde_json::json!(-1), u8_));
        assert!(integer_fits(&serde_json::json!(255), u8_));
        assert!(integer_fits(&serde_json::json!(i64::MIN), i64_));
        assert!(integer_fits(&serde_json::json!(u64::MAX), u64_));
        assert!(!integer_fits(&serde_json::json!(1.5), i64_));
        assert!(!integer_fits(&serde_json::json!("1"), i64_));
    }
}
