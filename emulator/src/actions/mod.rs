//! The actions. Those with the emulator's own semantics decode their request into the
//! generated request type (the schema walk in [`crate::validate`] has already checked names,
//! types and enums), apply them and encode the generated response type; every other action
//! of the schema is answered from the schema ([`generic`]).

mod backup_url;
mod backups;
mod call;
mod generic;
mod instances;
mod restriction;
mod tasks;

use serde_json::Value;
use tencentcloud_schema::Action;

use crate::error::ApiError;
pub(crate) use call::Call;

/// Runs an action of the schema.
pub(crate) fn dispatch(call: &Call<'_>, action: &Action, body: Value) -> Result<Value, ApiError> {
    match action.name.as_str() {
        "DescribeBackupUrl" => backup_url::describe_backup_url(call, body),
        "DescribeInstanceBackups" => backups::describe_instance_backups(call, body),
        "ManualBackupInstance" => backups::manual_backup_instance(call, body),
        "DescribeTaskInfo" => tasks::describe_task_info(call, body),
        "DescribeInstances" => instances::describe_instances(call, action, body),
        "DescribeBackupDownloadRestriction" => {
            restriction::describe_backup_download_restriction(call)
        }
        "ModifyBackupDownloadRestriction" => {
            restriction::modify_backup_download_restriction(call, body)
        }
        _ => generic::answer_from_schema(call, action, &body),
    }
}
