//! Importer for the machine-readable API description the official CLI ships
//! (`tccli/services/<service>/<version>/api.json`, with `examples.json` beside it).
//!
//! api.json gives actions (`document`, `input`, `output` object names) and objects whose
//! members carry `name`, `type` (`string`, `int`, `bool`, `float`, `list`, `object`),
//! `member` (the element type: `string`, `int64`, `uint64`, ... or an object name),
//! `required`, `output_required`, `value_allowed_null`, `disabled` and `document`.
//! It has no rate limits and no per-action error codes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::error::ImportError;
use crate::schema::flat;
use crate::schema::{
    Action, BaseType, DataType, Example, IntegerType, Member, Provenance, TypeExpr,
};

/// What an import produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The actions, in the spec's order.
    pub actions: Vec<Action>,
    /// Every data type the actions reach, sorted by name.
    pub types: Vec<DataType>,
    /// Examples given as a query string, decoded with the flattened parameter codec.
    pub query_examples: usize,
    /// Examples given as a JSON body.
    pub json_examples: usize,
}

/// Imports `selected` actions (all when empty) and every object they reach.
/// `example_fixups` corrects broken vendor examples before they are read (see
/// [`super::fixups::ExampleFixup`]); pass `(label, parsed fixups)`.
pub fn import_api_json(
    label: &str,
    api_text: &str,
    examples_text: Option<&str>,
    example_fixups: Option<(&str, &[super::fixups::ExampleFixup])>,
    selected: &[String],
) -> Result<Imported, ImportError> {
    let api: Value = serde_json::from_str(api_text).map_err(|e| {
        ImportError::new(
            label,
            format!("line {}", e.line()),
            format!("malformed JSON: {e}"),
        )
    })?;
    let at = |pointer: String, message: String| ImportError::new(label, pointer, message);
    let actions = api
        .get("actions")
        .and_then(Value::as_object)
        .ok_or_else(|| at("/actions".into(), "expected an object of actions".into()))?;
    let objects = api
        .get("objects")
        .and_then(Value::as_object)
        .ok_or_else(|| at("/objects".into(), "expected an object of objects".into()))?;
    let examples: Option<Value> = match examples_text {
        Some(text) => {
            let mut value: Value = serde_json::from_str(text).map_err(|e| {
                ImportError::new(
                    "examples.json",
                    format!("line {}", e.line()),
                    format!("malformed JSON: {e}"),
                )
            })?;
            if let Some((fixups_label, fixups)) = example_fixups {
                super::fixups::apply_example_fixups(fixups_label, fixups, &mut value)?;
            }
            Some(value)
        }
        None => None,
    };

    let names: Vec<&String> = if selected.is_empty() {
        actions.keys().collect()
    } else {
        let mut out = Vec::new();
        for name in selected {
            let key = actions.keys().find(|k| *k == name).ok_or_else(|| {
                at(
                    format!("/actions/{name}"),
                    format!("no action {name} in the spec ({} actions)", actions.len()),
                )
            })?;
            out.push(key);
        }
        out
    };

    let provenance = |what: &str| Provenance {
        source: format!("vendor API spec ({label}), {what}"),
        file: None,
    };
    let mut imported_actions = Vec::new();
    let mut wanted_types: BTreeSet<String> = BTreeSet::new();
    let (mut query_examples, mut json_examples) = (0, 0);
    for name in names {
        let spec = &actions[name.as_str()];
        let pointer = format!("/actions/{name}");
        let object_name = |key: &str| -> Result<&str, ImportError> {
            spec.get(key).and_then(Value::as_str).ok_or_else(|| {
                at(
                    format!("{pointer}/{key}"),
                    format!("expected the {key} object's name"),
                )
            })
        };
        let input = object_members(label, objects, object_name("input")?, Side::Input)?;
        let output = object_members(label, objects, object_name("output")?, Side::Output)?;
        for m in input.iter().chain(&output) {
            if let BaseType::Named(t) = &m.ty.base {
                wanted_types.insert(t.clone());
            }
        }
        let file = format!("schema/actions/{name}.json");
        let mut action = Action {
            file: file.clone(),
            name: name.clone(),
            description: plain_text(
                spec.get("document")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            ),
            rate_limit_per_second: None,
            provenance: Some(provenance("member facts and documentation")),
            input: with_file(input, &file, "input"),
            output: with_file(output, &file, "output"),
            errors: Vec::new(),
            examples: Vec::new(),
        };
        if let Some(list) = examples
            .as_ref()
            .and_then(|e| e.pointer(&format!("/actions/{name}")))
            .and_then(Value::as_array)
        {
            for (i, example) in list.iter().enumerate() {
                let where_ = format!("/actions/{name}/{i}");
                let input_text = example
                    .get("input")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let output_text = example
                    .get("output")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let (request, from_query) = example_request(input_text, &action, objects)
                    .map_err(|m| ImportError::new("examples.json", format!("{where_}/input"), m))?;
                let response: Value = serde_json::from_str(output_text).map_err(|e| {
                    ImportError::new(
                        "examples.json",
                        format!("{where_}/output"),
                        format!("invalid JSON: {e}"),
                    )
                })?;
                if from_query {
                    query_examples += 1;
                } else {
                    json_examples += 1;
                }
                action.examples.push(Example {
                    title: plain_text(
                        example
                            .get("document")
                            .and_then(Value::as_str)
                            .unwrap_or_default(),
                    ),
                    request,
                    response,
                });
            }
        }
        imported_actions.push(action);
    }

    // Every object reachable from the imported actions becomes a data type.
    let mut types = BTreeMap::new();
    let mut pending: Vec<String> = wanted_types.into_iter().collect();
    while let Some(name) = pending.pop() {
        if types.contains_key(&name) {
            continue;
        }
        let spec = objects.get(&name).ok_or_else(|| {
            at(
                format!("/objects/{name}"),
                format!("object {name} is referenced but not defined"),
            )
        })?;
        let members = object_members(label, objects, &name, Side::Data)?;
        for m in &members {
            if let BaseType::Named(t) = &m.ty.base {
                pending.push(t.clone());
            }
        }
        let file = format!("schema/types/{name}.json");
        types.insert(
            name.clone(),
            DataType {
                file: file.clone(),
                name: name.clone(),
                description: plain_text(
                    spec.get("document")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                ),
                provenance: Some(provenance("member facts and documentation")),
                members: with_file(members, &file, "members"),
            },
        );
    }
    Ok(Imported {
        actions: imported_actions,
        types: types.into_values().collect(),
        query_examples,
        json_examples,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Input,
    Output,
    Data,
}

fn with_file(members: Vec<Member>, file: &str, list: &str) -> Vec<Member> {
    members
        .into_iter()
        .enumerate()
        .map(|(i, m)| Member {
            file: file.to_owned(),
            pointer: format!("/{list}/{i}"),
            ..m
        })
        .collect()
}

fn object_members(
    label: &str,
    objects: &Map<String, Value>,
    name: &str,
    side: Side,
) -> Result<Vec<Member>, ImportError> {
    let pointer = format!("/objects/{name}/members");
    let members = objects
        .get(name)
        .and_then(|o| o.get("members"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ImportError::new(
                label,
                pointer.clone(),
                format!("object {name} has no members array"),
            )
        })?;
    let mut out = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let field = |key: &str| m.get(key).and_then(Value::as_str).unwrap_or_default();
        let flag = |key: &str| m.get(key).and_then(Value::as_bool).unwrap_or(false);
        let member_name = field("name");
        let ty = vendor_type(field("type"), field("member")).map_err(|msg| {
            ImportError::new(
                label,
                format!("{pointer}/{i}"),
                format!("{member_name}: {msg}"),
            )
        })?;
        let required = match side {
            Side::Input => flag("required"),
            // The spec marks most outputs `output_required`, yet its own examples omit many of
            // them (DealId, TaskId...): only RequestId is trusted to be always present.
            Side::Output => member_name == "RequestId",
            Side::Data => flag("required"),
        };
        let description = plain_text(field("document"));
        out.push(Member {
            name: member_name.to_owned(),
            ty,
            description: if description.is_empty() {
                "The vendor spec gives no description.".to_owned()
            } else {
                description
            },
            required,
            nullable: flag("value_allowed_null"),
            deprecated: flag("disabled"),
            values: Vec::new(),
            enum_name: None,
            default: None,
            unit: None,
            file: String::new(),
            pointer: String::new(),
        });
    }
    Ok(out)
}

/// Maps a vendor `type`/`member` pair.
fn vendor_type(ty: &str, member: &str) -> Result<TypeExpr, String> {
    let scalar = |name: &str| -> Option<BaseType> {
        Some(match name {
            "string" => BaseType::String,
            "int64" | "int" => BaseType::Integer(IntegerType {
                width: 64,
                unsigned: false,
            }),
            "uint64" => BaseType::Integer(IntegerType {
                width: 64,
                unsigned: true,
            }),
            "bool" => BaseType::Boolean,
            "float" | "double" => BaseType::Float,
            _ => return None,
        })
    };
    let element = |name: &str| -> Result<BaseType, String> {
        match scalar(name) {
            Some(base) => Ok(base),
            None if crate::schema::names::is_pascal_identifier(name) => {
                Ok(BaseType::Named(name.to_owned()))
            }
            None => Err(format!("cannot map member type \"{name}\"")),
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
            // For scalars `member` refines the width (`int64`/`uint64`).
            let base = scalar(member)
                .or_else(|| scalar(ty))
                .ok_or_else(|| format!("cannot map type {ty}/{member}"))?;
            Ok(TypeExpr { base, array: false })
        }
        other => Err(format!(
            "unknown vendor type \"{other}\"; expected string, int, bool, float, list or object"
        )),
    }
}

/// Vendor docs mix HTML and Markdown; the schema keeps plain sentences.
pub(crate) fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            _ => out.push(c),
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An example's request: the JSON body of a POST, or the query string of a GET decoded with
/// the flattened parameter codec. Returns whether it came from a query string.
fn example_request(
    input: &str,
    action: &Action,
    objects: &Map<String, Value>,
) -> Result<(Value, bool), String> {
    if let Some(at) = input.find("<Common request parameters>") {
        if input.trim_start().starts_with("POST") {
            let body = input[at + "<Common request parameters>".len()..].trim();
            let value: Value =
                serde_json::from_str(body).map_err(|e| format!("invalid JSON body: {e}"))?;
            return Ok((value, false));
        }
    }
    let query = input
        .split_once('?')
        .map(|(_, q)| q)
        .ok_or("neither a JSON body nor a query string")?;
    let joined: String = query.lines().map(str::trim).collect();
    let mut pairs = Vec::new();
    for part in joined.split('&') {
        if part.is_empty() || part.starts_with('<') {
            continue;
        }
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        if matches!(key, "Action" | "Version" | "Region") {
            continue;
        }
        let decode = |text: &str| {
            flat::percent_decode(text)
                .ok_or_else(|| format!("{part:?} is not a valid percent-encoded parameter"))
        };
        pairs.push((decode(key)?, decode(value)?));
    }
    let resolver = |type_name: &str| -> Option<Vec<Member>> {
        object_members("api.json", objects, type_name, Side::Data).ok()
    };
    let value = flat::decode(&pairs, &action.input, &resolver)?;
    Ok((value, true))
}
