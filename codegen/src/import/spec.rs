//! The vendor's machine-readable API spec, the official CLI's
//! `tccli/services/<service>/<version>/api.json`, read into facts: for every action its request
//! and response members, and every data type they reach, each member with its type, integer
//! width and flags. Nothing of the spec's prose is kept (`document`, the actions' `name`): the
//! schema's descriptions are the project's own.
//!
//! The flags changed over the releases, and are read the same whichever a release uses:
//!
//! - a request member (and a member of a type some request sends) is *required* when
//!   `required` is true;
//! - a response member (and a member of a type some response carries) is *always returned*
//!   when `output_required` is true, or, in releases before `output_required` existed, when
//!   `required` is true on a member only responses carry;
//! - `value_allowed_null` is *may be null*; `disabled` is *deprecated* (the docs' "will be
//!   disused soon").
//!
//! Which way a data type travels is worked out from the actions that reach it, not from the
//! spec's `usage`, which some releases leave out or get wrong.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::error::ImportError;
use crate::schema::names::is_pascal_identifier;
use crate::schema::{BaseType, IntegerType, TypeExpr};

/// One member as the spec gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecMember {
    /// Wire name.
    pub name: String,
    /// Its type.
    pub ty: TypeExpr,
    /// Required in requests.
    pub required: bool,
    /// Always returned in responses.
    pub always_returned: bool,
    /// May be `null`.
    pub nullable: bool,
    /// The spec's `disabled`.
    pub deprecated: bool,
}

/// One action: its name and members.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecAction {
    /// Wire name.
    pub name: String,
    /// Request members.
    pub input: Vec<SpecMember>,
    /// Response members, `RequestId` included.
    pub output: Vec<SpecMember>,
}

/// A release of the spec, read.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorSpec {
    /// The spec's API version (`metadata.apiVersion`), e.g. `2018-04-12`.
    pub api_version: String,
    /// Actions, sorted by name.
    pub actions: Vec<SpecAction>,
    /// Data types reached from any action, by name.
    pub types: BTreeMap<String, Vec<SpecMember>>,
}

/// Which sides reach an object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Reach {
    sent: bool,
    received: bool,
}

impl VendorSpec {
    /// Reads `api.json`; `label` names it in errors, which carry a JSON pointer.
    pub fn parse(label: &str, text: &str) -> Result<Self, ImportError> {
        let api: Value = serde_json::from_str(text).map_err(|e| {
            ImportError::new(
                label,
                format!("line {}", e.line()),
                format!("malformed JSON: {e}"),
            )
        })?;
        let at = |pointer: &str, message: String| ImportError::new(label, pointer, message);
        let actions = api
            .get("actions")
            .and_then(Value::as_object)
            .ok_or_else(|| at("/actions", "expected an object of actions".into()))?;
        let objects = api
            .get("objects")
            .and_then(Value::as_object)
            .ok_or_else(|| at("/objects", "expected an object of objects".into()))?;
        let api_version = api
            .pointer("/metadata/apiVersion")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();

        // Action name -> (request object, response object).
        let mut ends = BTreeMap::new();
        for (name, spec) in actions {
            if !is_pascal_identifier(name) {
                return Err(at(
                    &format!("/actions/{name}"),
                    format!(
                        "\"{name}\" is not an action name; expected PascalCase letters and digits"
                    ),
                ));
            }
            let object_name = |key: &str| -> Result<String, ImportError> {
                let name_of = spec.get(key).and_then(Value::as_str).ok_or_else(|| {
                    at(
                        &format!("/actions/{name}/{key}"),
                        format!("expected the name of the action's {key} object"),
                    )
                })?;
                if objects.contains_key(name_of) {
                    Ok(name_of.to_owned())
                } else {
                    Err(at(
                        &format!("/actions/{name}/{key}"),
                        format!("the {key} object {name_of} is not defined under /objects"),
                    ))
                }
            };
            ends.insert(
                name.clone(),
                (object_name("input")?, object_name("output")?),
            );
        }

        let reach = reachability(label, objects, &ends)?;
        let mut out_actions = Vec::new();
        for (name, (input, output)) in &ends {
            out_actions.push(SpecAction {
                name: name.clone(),
                input: members(
                    label,
                    objects,
                    input,
                    Reach {
                        sent: true,
                        received: false,
                    },
                )?,
                output: members(
                    label,
                    objects,
                    output,
                    Reach {
                        sent: false,
                        received: true,
                    },
                )?,
            });
        }
        let mut types = BTreeMap::new();
        for (name, sides) in &reach {
            types.insert(name.clone(), members(label, objects, name, *sides)?);
        }
        Ok(Self {
            api_version,
            actions: out_actions,
            types,
        })
    }
}

/// The data types every action reaches, and from which side, transitively.
fn reachability(
    label: &str,
    objects: &Map<String, Value>,
    ends: &BTreeMap<String, (String, String)>,
) -> Result<BTreeMap<String, Reach>, ImportError> {
    let mut reach: BTreeMap<String, Reach> = BTreeMap::new();
    for (input, output) in ends.values() {
        for (root, sent) in [(input, true), (output, false)] {
            let mut pending = vec![root.clone()];
            let mut seen = BTreeSet::new();
            while let Some(object) = pending.pop() {
                if !seen.insert(object.clone()) {
                    continue;
                }
                for (i, m) in member_list(label, objects, &object)?.iter().enumerate() {
                    let Some(named) = named_type(m) else { continue };
                    if !objects.contains_key(named) {
                        return Err(ImportError::new(
                            label,
                            format!("/objects/{object}/members/{i}/member"),
                            format!("object {named} is referenced but not defined under /objects"),
                        ));
                    }
                    let entry = reach.entry(named.to_owned()).or_default();
                    if sent {
                        entry.sent = true;
                    } else {
                        entry.received = true;
                    }
                    pending.push(named.to_owned());
                }
            }
        }
    }
    Ok(reach)
}

fn member_list<'a>(
    label: &str,
    objects: &'a Map<String, Value>,
    name: &str,
) -> Result<&'a Vec<Value>, ImportError> {
    objects
        .get(name)
        .and_then(|o| o.get("members"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ImportError::new(
                label,
                format!("/objects/{name}/members"),
                format!("object {name} has no members array"),
            )
        })
}

/// The data type a member names, if it names one (`list` or `object` of a non-scalar).
fn named_type(member: &Value) -> Option<&str> {
    let ty = member.get("type").and_then(Value::as_str)?;
    let element = member.get("member").and_then(Value::as_str)?;
    (matches!(ty, "list" | "object") && scalar(element).is_none()).then_some(element)
}

fn members(
    label: &str,
    objects: &Map<String, Value>,
    name: &str,
    sides: Reach,
) -> Result<Vec<SpecMember>, ImportError> {
    let mut out = Vec::new();
    for (i, m) in member_list(label, objects, name)?.iter().enumerate() {
        let pointer = format!("/objects/{name}/members/{i}");
        let err = |key: &str, message: String| {
            ImportError::new(label, format!("{pointer}/{key}"), message)
        };
        let text = |key: &str| -> Result<&str, ImportError> {
            m.get(key)
                .and_then(Value::as_str)
                .ok_or_else(|| err(key, format!("expected \"{key}\" as a string")))
        };
        let flag = |key: &str| -> Result<Option<bool>, ImportError> {
            match m.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(other) => Err(err(key, format!("expected true or false, found {other}"))),
            }
        };
        let member_name = text("name")?;
        if !is_pascal_identifier(member_name) {
            return Err(err(
                "name",
                format!("\"{member_name}\" is not a member name; expected PascalCase letters and digits"),
            ));
        }
        let ty = vendor_type(text("type")?, text("member")?)
            .map_err(|message| err("type", format!("{member_name}: {message}")))?;
        let required = flag("required")?.unwrap_or(false);
        let output_required = flag("output_required")?;
        out.push(SpecMember {
            name: member_name.to_owned(),
            ty,
            required: sides.sent && required,
            always_returned: sides.received
                && match output_required {
                    Some(flag) => flag,
                    // Before `output_required`, `required` said it on what only responses carry.
                    None => !sides.sent && required,
                },
            nullable: flag("value_allowed_null")?.unwrap_or(false),
            deprecated: flag("disabled")?.unwrap_or(false),
        });
    }
    Ok(out)
}

fn scalar(name: &str) -> Option<BaseType> {
    let integer = |width, unsigned| BaseType::Integer(IntegerType { width, unsigned });
    Some(match name {
        "string" => BaseType::String,
        "int64" | "int" => integer(64, false),
        "uint64" => integer(64, true),
        "int32" => integer(32, false),
        "uint32" => integer(32, true),
        "bool" => BaseType::Boolean,
        "float" | "double" => BaseType::Float,
        _ => return None,
    })
}

/// Maps a vendor `type`/`member` pair to the schema's type.
fn vendor_type(ty: &str, member: &str) -> Result<TypeExpr, String> {
    let element = |name: &str| -> Result<BaseType, String> {
        match scalar(name) {
            Some(base) => Ok(base),
            None if is_pascal_identifier(name) => Ok(BaseType::Named(name.to_owned())),
            None => Err(format!(
                "cannot map the element type \"{name}\"; expected string, int, int32, int64, \
                 uint32, uint64, bool, float, double or an object's name"
            )),
        }
    };
    match ty {
        "list" => Ok(TypeExpr {
            base: element(member)?,
            array: true,
        }),
        "object" => Ok(TypeExpr {
            base: element(member)?,
            array: false,
        }),
        "string" | "int" | "bool" | "float" => {
            // For scalars `member` refines the width (`int64`, `uint64`).
            let base = scalar(member)
                .or_else(|| scalar(ty))
                .ok_or_else(|| format!("cannot map the type {ty}/{member}"))?;
            Ok(TypeExpr { base, array: false })
        }
        other => Err(format!(
            "unknown vendor type \"{other}\"; expected string, int, bool, float, list or object"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(objects: Value) -> Result<VendorSpec, ImportError> {
        let api = serde_json::json!({
            "metadata": {"apiVersion": "2018-04-12"},
            "actions": {"Act": {"input": "ActRequest", "output": "ActResponse"}},
            "objects": objects,
        });
        VendorSpec::parse("api.json", &api.to_string())
    }

    #[test]
    fn flags_mean_the_same_in_old_and_new_releases() {
        let member = |flags: Value| {
            let mut m = serde_json::json!({"name": "X", "type": "int", "member": "int64"});
            m.as_object_mut()
                .unwrap()
                .extend(flags.as_object().unwrap().clone());
            m
        };
        let objects = |item_flags: Value| {
            serde_json::json!({
                "ActRequest": {"members": [
                    member(serde_json::json!({"required": true})),
                    {"name": "Items", "type": "list", "member": "Item"}
                ]},
                "ActResponse": {"members": [
                    {"name": "Out", "type": "object", "member": "Item"},
                    member(serde_json::json!({"output_required": true, "value_allowed_null": true})),
                    {"name": "Old", "type": "string", "member": "string", "required": true, "disabled": true}
                ]},
                "Item": {"members": [member(item_flags)]},
            })
        };
        let s = spec(objects(serde_json::json!({"required": true}))).unwrap();
        let act = &s.actions[0];
        assert!(act.input[0].required && !act.input[0].always_returned);
        assert!(act.output[1].always_returned && act.output[1].nullable && !act.output[1].required);
        // An old-style `required` on a response member means "always returned".
        assert!(act.output[2].always_returned && act.output[2].deprecated);
        // Item is sent and received: `required` is the request's, `output_required` absent.
        let item = &s.types["Item"][0];
        assert!(item.required && !item.always_returned);
        let s = spec(objects(
            serde_json::json!({"required": true, "output_required": true}),
        ))
        .unwrap();
        assert!(s.types["Item"][0].required && s.types["Item"][0].always_returned);
    }

    #[test]
    fn widths_and_bad_input_are_named() {
        let s = spec(serde_json::json!({
            "ActRequest": {"members": [{"name": "A", "type": "int", "member": "uint64"}]},
            "ActResponse": {"members": [{"name": "B", "type": "list", "member": "int32"}]},
        }))
        .unwrap();
        assert_eq!(
            s.actions[0].input[0].ty,
            TypeExpr {
                base: BaseType::Integer(IntegerType {
                    width: 64,
                    unsigned: true
                }),
                array: false
            }
        );
        assert!(s.actions[0].output[0].ty.array);
        let e = spec(serde_json::json!({
            "ActRequest": {"members": [{"name": "A", "type": "map", "member": "string"}]},
            "ActResponse": {"members": []},
        }))
        .unwrap_err();
        assert_eq!(e.location, "/objects/ActRequest/members/0/type");
        assert!(e.message.contains("unknown vendor type \"map\""), "{e}");
        let e = spec(serde_json::json!({
            "ActRequest": {"members": [{"name": "A", "type": "list", "member": "Missing"}]},
            "ActResponse": {"members": []},
        }))
        .unwrap_err();
        assert_eq!(e.location, "/objects/ActRequest/members/0/member");
        let e = spec(serde_json::json!({"ActRequest": {"members": []}})).unwrap_err();
        assert_eq!(e.location, "/actions/Act/output");
        let e = VendorSpec::parse("api.json", "{").unwrap_err();
        assert!(e.location.starts_with("line "), "{e}");
    }
}
