//! Every action the emulator has no semantics of its own for is answered from the schema: a
//! response with every member the action always returns, of the right type, so a client of
//! any action (the typed crate, `tcredis`, the official SDKs) gets an answer it decodes.
//!
//! What is known is used: an output member named like an input member the call sent (say
//! `InstanceId`) echoes its value; `TaskId` and `FlowId` name a real task that
//! `DescribeTaskInfo` reports until it succeeds; an instance the emulator does not know (in
//! `InstanceId` or any member named `...InstanceId`) is `ResourceNotFound.InstanceNotExists`,
//! as for the backup actions. Everything else is the
//! type's zero value, or a string member's first documented value.

use serde_json::{json, Map, Value};
use tencentcloud_schema::{Action, BaseType, Member, Schema};

use super::call::{instance_not_found, Call};
use crate::error::ApiError;

/// Output members that carry the ID of the task an action starts.
const TASK_MEMBERS: [&str; 3] = ["TaskId", "FlowId", "TaskIds"];

/// How deep nested structures are filled in; the schema's types do not nest deeper, and a
/// type that referred to itself would stop here instead of recursing forever.
const MAX_DEPTH: usize = 6;

pub(super) fn answer_from_schema(
    call: &Call<'_>,
    action: &Action,
    body: &Value,
) -> Result<Value, ApiError> {
    // `InstanceId`, or the instances an action names otherwise (`SrcInstanceId`,
    // `DstInstanceId`): each must exist; the first is the one a task works on.
    let named: Vec<&str> = action
        .input
        .iter()
        .filter(|m| m.name.ends_with("InstanceId"))
        .filter_map(|m| body.get(&m.name).and_then(Value::as_str))
        .collect();
    for id in &named {
        // Instances live in the emulator's region, as for every other action.
        if call.region != call.state.config.region || !call.state.store.has_instance(id) {
            return Err(instance_not_found(id, call.region));
        }
    }
    let instance_id = named.first().copied();
    let schema = call.state.schema;
    let mut response = Map::new();
    for member in action.output.iter().filter(|m| m.name != "RequestId") {
        let value = if TASK_MEMBERS.contains(&member.name.as_str()) {
            task_value(call, action, member, instance_id.unwrap_or(""))?
        } else if let Some(sent) = echoed(action, member, body) {
            sent
        } else if member.required || member.always_returned {
            zero_value(schema, member, 0)
        } else {
            continue;
        };
        response.insert(member.name.clone(), value);
    }
    response.insert("RequestId".to_owned(), json!(call.request_id));
    Ok(json!({ "Response": response }))
}

/// The value the call sent for an input member of the same name and type, if any.
fn echoed(action: &Action, member: &Member, body: &Value) -> Option<Value> {
    let input = action.input.iter().find(|m| m.name == member.name)?;
    (input.ty == member.ty)
        .then(|| body.get(&member.name).cloned())
        .flatten()
}

/// A new task's ID, as the member's type wants it (an integer, a float, or a list of one).
fn task_value(
    call: &Call<'_>,
    action: &Action,
    member: &Member,
    instance_id: &str,
) -> Result<Value, ApiError> {
    let state = call.state;
    let task = state
        .store
        .start_task(
            &action.name,
            instance_id,
            state.config.settings.backup_task_duration,
        )
        .ok_or_else(|| {
            ApiError::new("InternalError", "the emulator's task store is unavailable")
        })?;
    let id = match member.ty.base {
        BaseType::Float => json!(task.id as f64),
        _ => json!(task.id),
    };
    Ok(if member.ty.array { json!([id]) } else { id })
}

/// The zero value of a member: `[]` for a list, `0`, `0.0`, `false`, the first documented
/// value or `""`, and for a structure every member it always has.
fn zero_value(schema: &Schema, member: &Member, depth: usize) -> Value {
    if member.ty.array {
        return json!([]);
    }
    zero_element(schema, member, depth)
}

/// The zero value of one element of a member (the member itself when it is not a list).
pub(super) fn zero_element(schema: &Schema, member: &Member, depth: usize) -> Value {
    match &member.ty.base {
        BaseType::String => json!(member.values.first().map_or("", |v| v.value.as_str())),
        BaseType::Integer(_) => json!(0),
        BaseType::Float => json!(0.0),
        BaseType::Boolean => json!(false),
        BaseType::Named(name) => {
            let mut object = Map::new();
            if depth < MAX_DEPTH {
                if let Some(data_type) = schema.types.iter().find(|t| &t.name == name) {
                    for inner in data_type
                        .members
                        .iter()
                        .filter(|m| m.required || m.always_returned)
                    {
                        object.insert(inner.name.clone(), zero_value(schema, inner, depth + 1));
                    }
                }
            }
            Value::Object(object)
        }
    }
}
