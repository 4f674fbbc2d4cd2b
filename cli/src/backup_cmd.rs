//! `tcredis backup list`, `tcredis backup create [--wait]` and `tcredis export`: faces over the
//! library's backup workflow (`tencentcloud_redis::export`).

use std::time::Duration;

use serde_json::{json, Value};
use tencentcloud_redis::export::{
    export_backup, find_backup, start_backup, wait_for_task, ExportEvent, ExportOptions,
    ExportSummary,
};
use tencentcloud_redis::types::RedisBackupSet;
use tencentcloud_redis::{DescribeInstanceBackupsRequest, ManualBackupInstanceRequest};

use crate::args::{CreateArgs, ExportArgs, ListArgs};
use crate::download_cmd;
use crate::exit::{self, CliError, Exit};
use crate::globals::Globals;
use crate::output::{self, Format};
use crate::progress::bytes;
use crate::task_wait::wait_options;

/// How long `backup create --wait` keeps listing backups for the new one after the task
/// succeeded (the backup id is a bonus there: the task's success is what `--wait` promises).
const CREATE_FIND_TIMEOUT: Duration = Duration::from_secs(10);

fn status_name(status: Option<i64>) -> String {
    match status {
        None => "-".into(),
        Some(1) => "in progress (1)".into(),
        Some(2) => "complete (2)".into(),
        Some(-1) => "expired (-1)".into(),
        Some(3) => "exporting (3)".into(),
        Some(4) => "exported (4)".into(),
        Some(n) => n.to_string(),
    }
}

fn type_name(backup_type: Option<&str>) -> String {
    match backup_type {
        None | Some("") => "-".into(),
        Some("0") => "manual".into(),
        Some("1") => "automatic".into(),
        Some("2") => "config change".into(),
        Some(other) => other.to_owned(),
    }
}

fn text(value: Option<&str>) -> String {
    match value {
        None | Some("") => "-".into(),
        Some(v) => v.escape_debug().to_string(),
    }
}

/// The backups as an aligned table.
fn backups_table(
    instance_id: &str,
    offset: i64,
    total: Option<i64>,
    backups: &[RedisBackupSet],
) -> String {
    let mut out = String::new();
    let total = total.map(|t| format!(" of {t}")).unwrap_or_default();
    if backups.is_empty() {
        out.push_str(&format!(
            "No backups of instance {instance_id} on this page (offset {offset}{total}).\n"
        ));
        return out;
    }
    out.push_str(&format!(
        "Backups of instance {instance_id}: {}{total} (offset {offset})\n",
        backups.len()
    ));
    let headers: Vec<String> = [
        "BackupId",
        "StartTime",
        "EndTime",
        "Status",
        "Size",
        "Type",
        "Remark",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let rows: Vec<Vec<String>> = backups
        .iter()
        .map(|b| {
            vec![
                text(b.backup_id.as_deref()),
                text(b.start_time.as_deref()),
                text(b.end_time.as_deref()),
                status_name(b.status),
                b.backup_size
                    .and_then(|s| u64::try_from(s).ok())
                    .map(bytes)
                    .unwrap_or_else(|| "-".into()),
                type_name(b.backup_type.as_deref()),
                text(b.remark.as_deref()),
            ]
        })
        .collect();
    output::render_rows(&headers, &rows, &mut out);
    out
}

/// `tcredis backup list`.
pub async fn list(globals: &Globals, args: ListArgs) -> Result<(), CliError> {
    let client = globals.client()?;
    let profile_hint = &globals.profile_hint();
    let mut request = DescribeInstanceBackupsRequest::new()
        .instance_id(args.instance_id.clone())
        .status(args.status);
    if let Some(limit) = args.limit {
        request = request.limit(limit);
    }
    if let Some(offset) = args.offset {
        request = request.offset(offset);
    }
    if let Some(begin) = args.begin_time {
        request = request.begin_time(begin);
    }
    if let Some(end) = args.end_time {
        request = request.end_time(end);
    }
    let response = client
        .send_with(request, globals.call_options())
        .await
        .map_err(|e| exit::from_call("DescribeInstanceBackups", &e, profile_hint))?;
    match globals.format(Format::Table) {
        Format::Json => print!("{}", output::json(&to_json(&response)?)),
        Format::Table => print!(
            "{}",
            backups_table(
                &args.instance_id,
                args.offset.unwrap_or(0),
                response.total_count,
                &response.backup_set
            )
        ),
    }
    Ok(())
}

fn to_json(value: &impl serde::Serialize) -> Result<Value, CliError> {
    serde_json::to_value(value).map_err(|e| {
        CliError::new(
            Exit::Network,
            format!("the response could not be shown as JSON: {e}"),
        )
    })
}

/// `tcredis backup create [--wait]`.
pub async fn create(globals: &Globals, args: CreateArgs) -> Result<(), CliError> {
    let client = &globals.client()?;
    let profile_hint = &globals.profile_hint();
    let call_options = globals.call_options();
    let format = globals.format(Format::Table);
    let instance_id = &args.backup.instance_id;
    let mut request = ManualBackupInstanceRequest::new(instance_id.clone());
    if let Some(remark) = &args.backup.remark {
        request = request.remark(remark.clone());
    }
    if let Some(days) = args.backup.storage_days {
        request = request.storage_days(days);
    }
    if !args.wait {
        let response = client
            .send_with(request, call_options)
            .await
            .map_err(|e| exit::from_call("ManualBackupInstance", &e, profile_hint))?;
        let value = to_json(&response)?;
        match format {
            Format::Json => print!("{}", output::json(&value)),
            Format::Table => print!("{}", output::table(&value)),
        }
        if let Some(task) = response.task_id {
            eprintln!(
                "Backup task {task} started; follow it with: tcredis describe-task-info --task-id {task}"
            );
        }
        return Ok(());
    }
    let started = start_backup(client, request, &call_options)
        .await
        .map_err(|e| exit::from_export(&e, profile_hint))?;
    eprintln!(
        "ManualBackupInstance: task {} started for instance {} (RequestId {})",
        started.task_id, started.instance_id, started.request_id
    );
    let wait = wait_options(&args.task_wait, &call_options, globals.single_attempt());
    let outcome = wait_for_task(client, started.task_id, wait)
        .await
        .map_err(|e| exit::from_task(instance_id, &e, profile_hint))?;
    let backup = match find_backup(client, &started, CREATE_FIND_TIMEOUT, &call_options).await {
        Ok(backup) => Some(backup),
        Err(e) => {
            eprintln!(
                "warning: the task succeeded but the new backup could not be identified: {}",
                exit::chain(&e)
            );
            None
        }
    };
    let value = json!({
        "InstanceId": started.instance_id,
        "TaskId": started.task_id,
        "Status": outcome.status.as_str(),
        "TaskType": outcome.response.task_type,
        "StartTime": outcome.response.start_time,
        "TaskMessage": outcome.response.task_message,
        "ElapsedSeconds": output::seconds(outcome.elapsed),
        "BackupId": backup.as_ref().and_then(|b| b.backup_id.clone()),
        "Remark": started.remark,
        "Backup": backup.as_ref().map(to_json).transpose()?,
        "RequestId": started.request_id,
    });
    match format {
        Format::Json => print!("{}", output::json(&value)),
        Format::Table => {
            let mut shown = value.clone();
            if let Some(map) = shown.as_object_mut() {
                map.remove("Backup");
            }
            print!("{}", output::table(&shown));
        }
    }
    Ok(())
}

fn export_event(event: &ExportEvent<'_>) {
    match event {
        ExportEvent::BackupStarted { started } => eprintln!(
            "ManualBackupInstance: task {} started for instance {}, remark {:?} (RequestId {})",
            started.task_id,
            started.instance_id,
            started.remark.as_deref().unwrap_or_default(),
            started.request_id
        ),
        ExportEvent::BackupFound { backup, backup_id } => eprintln!(
            "backup {backup_id} found (started {}, status {})",
            text(backup.start_time.as_deref()),
            status_name(backup.status)
        ),
        _ => {}
    }
}

/// The export summary as JSON.
fn export_json(summary: &ExportSummary) -> Result<Value, CliError> {
    Ok(json!({
        "InstanceId": summary.instance_id,
        "TaskId": summary.task_id,
        "BackupId": summary.backup_id,
        "Remark": summary.remark,
        "RequestId": summary.request_id,
        "TaskSeconds": output::seconds(summary.task.elapsed),
        "ElapsedSeconds": output::seconds(summary.elapsed),
        "Backup": to_json(&summary.backup)?,
        "Download": download_cmd::summary_json(&summary.download),
    }))
}

/// `tcredis export`.
pub async fn export(globals: &Globals, args: ExportArgs) -> Result<(), CliError> {
    let client = &globals.client()?;
    let profile_hint = &globals.profile_hint();
    let call_options = globals.call_options();
    let progress = globals.progress();
    // Every export makes a new backup, so a file of the same name in --out belongs to another
    // backup: always download (and replace), never skip.
    let download = progress.attach(
        globals
            .download_options()
            .parallel(usize::from(args.parallel.files))
            .inner(args.inner)
            .force(true),
    );
    let mut options = ExportOptions::new()
        .wait(wait_options(
            &args.wait,
            &call_options,
            globals.single_attempt(),
        ))
        .download(download)
        .call_options(call_options)
        .on_event(export_event);
    if let Some(remark) = args.backup.remark {
        options = options.remark(remark);
    }
    if let Some(days) = args.backup.storage_days {
        options = options.storage_days(days);
    }
    let summary = export_backup(client, &args.backup.instance_id, &args.out, options)
        .await
        .map_err(|e| exit::from_export(&e, profile_hint))?;
    progress.clear();
    match globals.format(Format::Table) {
        Format::Json => print!("{}", output::json(&export_json(&summary)?)),
        Format::Table => {
            print!(
                "Exported instance {}: task {} made backup {} (remark {:?}) in {:.1} s, {:.1} s in all\n{}",
                summary.instance_id,
                summary.task_id,
                summary.backup_id,
                summary.remark,
                summary.task.elapsed.as_secs_f64(),
                summary.elapsed.as_secs_f64(),
                download_cmd::summary_text(&summary.download)
            );
        }
    }
    match download_cmd::failure(&summary.download, profile_hint) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
