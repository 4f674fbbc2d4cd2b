//! The schema model back to JSON, in one canonical key order and layout, so that importers
//! write files that diff cleanly and a re-import reproduces a committed file byte for byte.

use serde_json::{json, Map, Value};

use crate::model::{Action, BaseType, DataType, ErrorCode, Member, Provenance, Service};

/// Renders a JSON value the way every schema file is laid out: two-space indentation, UTF-8,
/// a final newline.
pub fn to_pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// An action file (`actions/NAME.json`).
pub fn action_json(action: &Action) -> Value {
    let mut obj = Map::new();
    obj.insert("name".into(), json!(action.name));
    insert_written(&mut obj, "description", &action.description);
    if let Some(rate) = action.rate_limit_per_second {
        obj.insert("rate_limit_per_second".into(), json!(rate));
    }
    if let Some(p) = &action.provenance {
        obj.insert("provenance".into(), provenance_json(p));
    }
    obj.insert("input".into(), members_json(&action.input, true));
    obj.insert("output".into(), members_json(&action.output, false));
    obj.insert("errors".into(), errors_json(&action.errors));
    let examples: Vec<Value> = action
        .examples
        .iter()
        .map(|e| {
            let mut example = Map::new();
            insert_written(&mut example, "title", &e.title);
            example.insert("request".into(), e.request.clone());
            example.insert("response".into(), e.response.clone());
            Value::Object(example)
        })
        .collect();
    obj.insert("examples".into(), Value::Array(examples));
    Value::Object(obj)
}

/// A data type file (`types/NAME.json`).
pub fn data_type_json(data_type: &DataType) -> Value {
    let mut obj = Map::new();
    obj.insert("name".into(), json!(data_type.name));
    insert_written(&mut obj, "description", &data_type.description);
    if let Some(p) = &data_type.provenance {
        obj.insert("provenance".into(), provenance_json(p));
    }
    obj.insert("members".into(), members_json(&data_type.members, false));
    Value::Object(obj)
}

/// `service.json`.
pub fn service_json(service: &Service) -> Value {
    let mut obj = Map::new();
    obj.insert("service".into(), json!(service.service));
    obj.insert("version".into(), json!(service.version));
    obj.insert("title".into(), json!(service.title));
    obj.insert(
        "hosts".into(),
        json!({
            "default": service.hosts.default,
            "mainland": service.hosts.mainland,
            "regional": service.hosts.regional,
        }),
    );
    obj.insert("region_required".into(), json!(service.region_required));
    obj.insert("provenance".into(), provenance_json(&service.provenance));
    if let Some(synced) = &service.synced {
        obj.insert("synced".into(), json!(synced));
    }
    Value::Object(obj)
}

/// Text the project may not have written yet is left out while empty.
fn insert_written(obj: &mut Map<String, Value>, key: &str, text: &str) {
    if !text.is_empty() {
        obj.insert(key.into(), json!(text));
    }
}

fn provenance_json(p: &Provenance) -> Value {
    let mut obj = Map::new();
    obj.insert("source".into(), json!(p.source));
    if let Some(file) = &p.file {
        obj.insert("file".into(), json!(file));
    }
    Value::Object(obj)
}

fn errors_json(errors: &[ErrorCode]) -> Value {
    Value::Array(
        errors
            .iter()
            .map(|e| {
                let mut obj = Map::new();
                obj.insert("code".into(), json!(e.code));
                obj.insert("description".into(), json!(e.description));
                if let Some(retryable) = e.retryable {
                    obj.insert("retryable".into(), json!(retryable));
                }
                Value::Object(obj)
            })
            .collect(),
    )
}

/// Members in canonical key order. Request members always state `required` (the docs'
/// column); elsewhere it is written only when true, like the other flags.
fn members_json(members: &[Member], always_required: bool) -> Value {
    Value::Array(
        members
            .iter()
            .map(|m| {
                let mut obj = Map::new();
                obj.insert("name".into(), json!(m.name));
                obj.insert("type".into(), json!(m.ty.doc_name()));
                if let BaseType::Integer(int) = &m.ty.base {
                    obj.insert("width".into(), json!(int.width));
                    if int.unsigned {
                        obj.insert("unsigned".into(), json!(true));
                    }
                }
                if always_required || m.required {
                    obj.insert("required".into(), json!(m.required));
                }
                if m.always_returned {
                    obj.insert("always_returned".into(), json!(true));
                }
                if m.nullable {
                    obj.insert("nullable".into(), json!(true));
                }
                if m.deprecated {
                    obj.insert("deprecated".into(), json!(true));
                }
                insert_written(&mut obj, "description", &m.description);
                if !m.values.is_empty() {
                    let values: Vec<Value> = m
                        .values
                        .iter()
                        .map(|v| json!({"value": v.value, "description": v.description}))
                        .collect();
                    obj.insert("values".into(), Value::Array(values));
                }
                if let Some(name) = &m.enum_name {
                    obj.insert("enum_name".into(), json!(name));
                }
                if let Some(default) = &m.default {
                    obj.insert("default".into(), json!(default));
                }
                if let Some(unit) = &m.unit {
                    obj.insert("unit".into(), json!(unit));
                }
                Value::Object(obj)
            })
            .collect(),
    )
}
