//! `DescribeTaskInfo`: the state of a task that a manual backup or another action started.

use serde_json::Value;
use tencentcloud_redis::{DescribeTaskInfoRequest, DescribeTaskInfoResponse};
use tencentcloud_schema::request::shorten;

use super::call::{decode, respond, Call};
use crate::clock::format_time;
use crate::error::ApiError;

pub(super) fn describe_task_info(call: &Call<'_>, body: Value) -> Result<Value, ApiError> {
    let state = call.state;
    let request: DescribeTaskInfoRequest = decode(body)?;
    let task = state
        .store
        .task(request.task_id)
        .filter(|_| call.region == state.config.region)
        .ok_or_else(|| {
            ApiError::new(
                "InvalidParameterValue.TaskNotExists",
                format!(
                    "The task {} does not exist in region `{}`.",
                    request.task_id,
                    shorten(call.region)
                ),
            )
        })?;
    let phase = task.phase();
    let message = match &phase {
        crate::store::TaskPhase::Failed(m) => m.clone(),
        _ => String::new(),
    };
    respond(
        &DescribeTaskInfoResponse::new()
            .status(phase.as_str())
            .start_time(format_time(task.start_time))
            .task_type(task.task_type.clone())
            .instance_id(task.instance_id.clone())
            .task_message(message)
            .request_id(call.request_id),
    )
}
