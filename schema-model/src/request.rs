//! Checking a request body against an action's input members, and the data types they name.
//!
//! The emulator answers a violation with the service's error code; `tcredis` refuses the
//! command line with it. Both read the same rules here, so a body one accepts the other does
//! too.

use serde_json::{Map, Value};

use crate::json::kind;
use crate::model::{Action, BaseType, IntegerType, Member, Schema, TypeExpr};

/// The first thing wrong with a request body.
///
/// Members are named by their path, with array indexes as in the API's `LimitVpc.N`
/// convention: `LimitVpc.0.Region`. The path is empty when the body itself is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where: a member path such as `LimitVpc.0.Region`, or empty for the whole body.
    pub path: String,
    /// What.
    pub kind: ViolationKind,
}

/// What is wrong with one value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The body is not a JSON object.
    NotAnObject {
        /// The kind of value found instead, e.g. `an array`.
        found: &'static str,
    },
    /// A member the schema does not declare at this place.
    Unknown {
        /// The members accepted here, in schema order.
        accepted: Vec<String>,
    },
    /// A required member is absent or `null`.
    Missing,
    /// The JSON type does not match the member's type.
    WrongType {
        /// The type expected, in the docs' words (`String`, `Array of String`,
        /// `Integer (32-bit)`).
        expected: String,
        /// The kind of value found, e.g. `a number`.
        found: &'static str,
    },
    /// A string outside the member's documented values.
    NotAllowed {
        /// The value sent (at most 64 characters, then `…`).
        value: String,
        /// The documented values.
        allowed: Vec<String>,
    },
    /// A number that does not fit the member's integer type.
    OutOfRange {
        /// The number as sent.
        value: String,
        /// The type it must fit, e.g. `Integer (32-bit)`.
        expected: String,
    },
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = &self.path;
        match &self.kind {
            ViolationKind::NotAnObject { found } => {
                write!(f, "the request body must be a JSON object, got {found}")
            }
            ViolationKind::Unknown { accepted } => write!(
                f,
                "unknown parameter {path}; accepted: {}",
                accepted.join(", ")
            ),
            ViolationKind::Missing => write!(f, "missing required parameter {path}"),
            ViolationKind::WrongType { expected, found } => {
                write!(f, "{path}: expected {expected}, got {found}")
            }
            ViolationKind::NotAllowed { value, allowed } => write!(
                f,
                "{path}: invalid value {value:?}; allowed values: {}",
                allowed.join(", ")
            ),
            ViolationKind::OutOfRange { value, expected } => {
                write!(f, "{path}: {value} is out of range for {expected}")
            }
        }
    }
}

impl std::error::Error for Violation {}

/// Checks `body` against `action`'s input members.
///
/// Rules, checked object by object in this order, the first failure wins:
/// 1. a member the schema does not declare → [`ViolationKind::Unknown`] (checked first, so a
///    misspelt name is reported as such rather than as the member it was meant to be);
/// 2. a required member that is absent or `null` → [`ViolationKind::Missing`];
/// 3. a JSON type that does not match the member's type → [`ViolationKind::WrongType`]
///    (`null` inside a list counts as a wrong type);
/// 4. a string outside the member's documented values → [`ViolationKind::NotAllowed`]; an
///    integer outside its width → [`ViolationKind::OutOfRange`].
///
/// `null` for an optional member counts as absent.
pub fn check(schema: &Schema, action: &Action, body: &Value) -> Result<(), Violation> {
    let Value::Object(map) = body else {
        return Err(Violation {
            path: String::new(),
            kind: ViolationKind::NotAnObject { found: kind(body) },
        });
    };
    check_object(schema, &action.input, map, "")
}

fn check_object(
    schema: &Schema,
    members: &[Member],
    map: &Map<String, Value>,
    prefix: &str,
) -> Result<(), Violation> {
    for key in map.keys() {
        if !members.iter().any(|m| &m.name == key) {
            return Err(Violation {
                path: join(prefix, &shorten(key)),
                kind: ViolationKind::Unknown {
                    accepted: members.iter().map(|m| m.name.clone()).collect(),
                },
            });
        }
    }
    for member in members {
        let path = join(prefix, &member.name);
        match map.get(&member.name) {
            None | Some(Value::Null) if member.required => {
                return Err(Violation {
                    path,
                    kind: ViolationKind::Missing,
                })
            }
            None | Some(Value::Null) => {}
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
) -> Result<(), Violation> {
    let wrong_type = |expected: String| Violation {
        path: path.to_owned(),
        kind: ViolationKind::WrongType {
            expected,
            found: kind(value),
        },
    };
    if ty.array {
        let Value::Array(items) = value else {
            return Err(wrong_type(ty.doc_name()));
        };
        let element = TypeExpr {
            base: ty.base.clone(),
            array: false,
        };
        for (i, item) in items.iter().enumerate() {
            check_value(schema, member, &element, item, &format!("{path}.{i}"))?;
        }
        return Ok(());
    }
    match &ty.base {
        BaseType::String => {
            let Value::String(s) = value else {
                return Err(wrong_type("String".into()));
            };
            if !member.values.is_empty() && !member.values.iter().any(|v| &v.value == s) {
                return Err(Violation {
                    path: path.to_owned(),
                    kind: ViolationKind::NotAllowed {
                        value: shorten(s),
                        allowed: member.values.iter().map(|v| v.value.clone()).collect(),
                    },
                });
            }
            Ok(())
        }
        BaseType::Integer(int) => match value {
            Value::Number(n) if fits(n, *int) => Ok(()),
            Value::Number(n) => Err(Violation {
                path: path.to_owned(),
                kind: ViolationKind::OutOfRange {
                    value: n.to_string(),
                    expected: integer_name(*int),
                },
            }),
            _ => Err(wrong_type(integer_name(*int))),
        },
        BaseType::Boolean => match value {
            Value::Bool(_) => Ok(()),
            _ => Err(wrong_type("Boolean".into())),
        },
        BaseType::Float => match value {
            Value::Number(_) => Ok(()),
            _ => Err(wrong_type("Float".into())),
        },
        BaseType::Named(name) => {
            let Value::Object(map) = value else {
                return Err(wrong_type(name.clone()));
            };
            match schema.types.iter().find(|t| &t.name == name) {
                Some(data_type) => check_object(schema, &data_type.members, map, path),
                // The schema loader rejects dangling type names, so this cannot happen; an
                // unknown type accepts any object rather than refusing the call.
                None => Ok(()),
            }
        }
    }
}

/// Whether a JSON number is an integer of the member's width and signedness (a number with a
/// fraction or an exponent is not).
fn fits(n: &serde_json::Number, int: IntegerType) -> bool {
    let width = u32::from(int.width.clamp(1, 64));
    if int.unsigned {
        n.as_u64()
            .is_some_and(|v| width == 64 || v < (1u64 << width))
    } else if let Some(v) = n.as_i64() {
        width == 64 || (v >= -(1i64 << (width - 1)) && v < (1i64 << (width - 1)))
    } else {
        false
    }
}

/// `Integer (32-bit)`, `Integer (unsigned 64-bit)`.
fn integer_name(int: IntegerType) -> String {
    format!(
        "Integer ({}{}-bit)",
        if int.unsigned { "unsigned " } else { "" },
        int.width
    )
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Caps an echoed value so a message never repeats a huge input.
pub fn shorten(s: &str) -> String {
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
    use crate::model::SourceFile;
    use serde_json::json;

    /// One action with a string enum, an i32, a list and a structure: every rule has a member
    /// to break.
    fn schema() -> Schema {
        let file = |path: &str, text: &str| SourceFile {
            path: path.into(),
            text: text.into(),
        };
        crate::load(&[
            file(
                "schema/service.json",
                r#"{"service": "redis", "version": "2018-04-12", "title": "T",
                    "hosts": {"default": "a.b", "mainland": "c.d", "regional": "e.{region}.f"},
                    "provenance": {"source": "test"}}"#,
            ),
            file(
                "schema/common-errors.json",
                r#"{"description": "d", "provenance": {"source": "test"}, "errors": []}"#,
            ),
            file(
                "schema/types/Item.json",
                r#"{"name": "Item", "description": "d", "members": [
                    {"name": "Region", "type": "String", "required": true, "description": "d"},
                    {"name": "Ids", "type": "Array of String", "description": "d"}]}"#,
            ),
            file(
                "schema/actions/Act.json",
                r#"{"name": "Act", "description": "d", "output": [], "input": [
                    {"name": "Id", "type": "String", "required": true, "description": "d"},
                    {"name": "Mode", "type": "String", "required": false, "description": "d",
                     "values": [{"value": "In", "description": "d"},
                                {"value": "NotIn", "description": "d"}]},
                    {"name": "Count", "type": "Integer", "width": 32, "required": false,
                     "description": "d"},
                    {"name": "Items", "type": "Array of Item", "required": false,
                     "description": "d"}]}"#,
            ),
        ])
        .expect("the test schema loads")
    }

    fn violation(body: Value) -> Option<Violation> {
        let schema = schema();
        check(&schema, &schema.actions[0], &body).err()
    }

    #[test]
    fn a_valid_body_passes_and_null_counts_as_absent() {
        assert_eq!(violation(json!({"Id": "x"})), None);
        assert_eq!(
            violation(json!({"Id": "x", "Mode": null, "Count": -5,
                             "Items": [{"Region": "r", "Ids": ["a"]}]})),
            None
        );
    }

    #[test]
    fn each_rule_names_the_path_and_what_is_accepted() {
        let at = |path: &str, kind: ViolationKind| {
            Some(Violation {
                path: path.into(),
                kind,
            })
        };
        assert_eq!(
            violation(json!([1])),
            at("", ViolationKind::NotAnObject { found: "an array" })
        );
        // An unknown member is reported before a missing one.
        assert_eq!(
            violation(json!({"Nope": 1})),
            at(
                "Nope",
                ViolationKind::Unknown {
                    accepted: vec!["Id".into(), "Mode".into(), "Count".into(), "Items".into()]
                }
            )
        );
        assert_eq!(
            violation(json!({"Id": null})),
            at("Id", ViolationKind::Missing)
        );
        assert_eq!(
            violation(json!({"Id": "x", "Mode": "Out"})),
            at(
                "Mode",
                ViolationKind::NotAllowed {
                    value: "Out".into(),
                    allowed: vec!["In".into(), "NotIn".into()]
                }
            )
        );
        assert_eq!(
            violation(json!({"Id": "x", "Count": 2_147_483_648i64})),
            at(
                "Count",
                ViolationKind::OutOfRange {
                    value: "2147483648".into(),
                    expected: "Integer (32-bit)".into()
                }
            )
        );
        assert_eq!(
            violation(json!({"Id": "x", "Count": "1"})),
            at(
                "Count",
                ViolationKind::WrongType {
                    expected: "Integer (32-bit)".into(),
                    found: "a string"
                }
            )
        );
        assert_eq!(
            violation(json!({"Id": "x", "Items": [{"Region": "r", "Ids": "a"}]})),
            at(
                "Items.0.Ids",
                ViolationKind::WrongType {
                    expected: "Array of String".into(),
                    found: "a string"
                }
            )
        );
        assert_eq!(
            violation(json!({"Id": "x", "Items": [null]})),
            at(
                "Items.0",
                ViolationKind::WrongType {
                    expected: "Item".into(),
                    found: "null"
                }
            )
        );
        assert_eq!(
            violation(json!({"Id": "x", "Items": [{"Ids": []}]})),
            at("Items.0.Region", ViolationKind::Missing)
        );
    }

    #[test]
    fn echoed_values_are_capped() {
        let long = "v".repeat(1000);
        let Some(Violation {
            kind: ViolationKind::NotAllowed { value, .. },
            ..
        }) = violation(json!({"Id": "x", "Mode": long}))
        else {
            panic!("expected NotAllowed");
        };
        assert_eq!(value.chars().count(), 65);
        assert!(value.ends_with('…'));
    }

    #[test]
    fn integer_bounds() {
        let int = |width, unsigned| IntegerType { width, unsigned };
        let n = |v: Value| match v {
            Value::Number(n) => n,
            other => panic!("{other}"),
        };
        assert!(fits(&n(json!(127)), int(8, false)));
        assert!(fits(&n(json!(-128)), int(8, false)));
        assert!(!fits(&n(json!(128)), int(8, false)));
        assert!(!fits(&n(json!(-1)), int(8, true)));
        assert!(fits(&n(json!(255)), int(8, true)));
        assert!(fits(&n(json!(i64::MIN)), int(64, false)));
        assert!(!fits(&n(json!(u64::MAX)), int(64, false)));
        assert!(fits(&n(json!(u64::MAX)), int(64, true)));
        assert!(!fits(&n(json!(1.5)), int(64, false)));
    }
}
