//! The implemented actions. Each one decodes its request into the generated request type
//! (the schema walk in [`crate::validate`] has already checked names, types and enums),
//! applies the emulator's semantics and encodes the generated response type.

mod backup_url;
mod backups;
mod call;
mod restriction;
mod tasks;

use serde_json::Value;

use crate::error::ApiError;
pub(crate) use call::Call;

/// Runs an implemented action; `None` for one the emulator does not implement.
pub(crate) fn dispatch(
    call: &Call<'_>,
    action: &str,
    body: Value,
) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "DescribeBackupUrl" => backup_url::describe_backup_url(call, body),
        "DescribeInstanceBackups" => backups::describe_instance_backups(call, body),
        "ManualBackupInstance" => backups::manual_backup_instance(call, body),
        "DescribeTaskInfo" => tasks::describe_task_info(call, body),
        "DescribeBackupDownloadRestriction" => {
            restriction::describe_backup_download_restriction(call)
        }
        "ModifyBackupDownloadRestriction" => {
            restriction::modify_backup_download_restriction(call, body)
        }
        _ => return None,
    })
}
