//! `DescribeInstances`: the emulator's instances, filtered and paged. Each entry has every
//! member an `InstanceSet` always has; the emulator knows an instance's ID, name and region,
//! and gives the rest their zero values (see [`super::generic`]).

use serde_json::{json, Value};
use tencentcloud_redis::DescribeInstancesRequest;
use tencentcloud_schema::{Action, Member};

use super::call::{decode, invalid_value, Call};
use super::generic::zero_element;
use crate::error::ApiError;

/// The page size when `Limit` is omitted or 0 (the emulator's choice, as for
/// DescribeInstanceBackups).
const DEFAULT_LIMIT: u64 = 20;
/// The largest page size the emulator accepts (its choice: the docs it follows give none).
const MAX_LIMIT: u64 = 1000;

pub(super) fn describe_instances(
    call: &Call<'_>,
    action: &Action,
    body: Value,
) -> Result<Value, ApiError> {
    let state = call.state;
    let request: DescribeInstancesRequest = decode(body)?;
    let limit = match request.limit {
        None | Some(0) => DEFAULT_LIMIT,
        Some(n) if n <= MAX_LIMIT => n,
        Some(n) => {
            return Err(invalid_value(format!(
                "The parameter `Limit` must be between 1 and {MAX_LIMIT} (0 or omitted means {DEFAULT_LIMIT}), got {n}."
            )))
        }
    };
    let offset = request.offset.unwrap_or(0);
    let contains =
        |haystack: &str, needle: &str| haystack.to_lowercase().contains(&needle.to_lowercase());
    let in_region = call.region == state.config.region;
    let matching: Vec<(String, String)> = state
        .store
        .instance_names()
        .into_iter()
        .filter(|_| in_region)
        .filter(|(id, _)| request.instance_id.as_ref().is_none_or(|want| want == id))
        .filter(|(id, _)| request.instance_ids.is_empty() || request.instance_ids.contains(id))
        .filter(|(_, name)| {
            request
                .instance_name
                .as_ref()
                .is_none_or(|want| contains(name, want))
        })
        .filter(|(id, name)| {
            request
                .search_key
                .iter()
                .chain(&request.search_keys)
                .all(|key| contains(id, key) || contains(name, key))
        })
        .collect();

    let element = instance_set_member(action)?;
    let page = matching
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|(id, name)| {
            let mut entry = zero_element(state.schema, element, 0);
            entry["InstanceId"] = json!(id);
            entry["InstanceName"] = json!(name);
            entry["Region"] = json!(state.config.region);
            entry
        })
        .collect::<Vec<_>>();
    Ok(json!({
        "Response": {
            "TotalCount": matching.len(),
            "InstanceSet": page,
            "RequestId": call.request_id,
        }
    }))
}

/// The element of the `InstanceSet` output, as a member of the element type.
fn instance_set_member(action: &Action) -> Result<&Member, ApiError> {
    action
        .output
        .iter()
        .find(|m| m.name == "InstanceSet")
        .ok_or_else(|| {
            ApiError::new(
                "InternalError",
                "the schema's DescribeInstances has no InstanceSet",
            )
        })
}
