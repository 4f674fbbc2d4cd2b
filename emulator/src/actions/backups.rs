//! `DescribeInstanceBackups` (listing, filtered and paged) and `ManualBackupInstance` (a new
//! backup whose files are written in the background while its task runs).

use std::sync::Arc;

use serde_json::Value;
use tencentcloud_redis::types::RedisBackupSet;
use tencentcloud_redis::{
    DescribeInstanceBackupsRequest, DescribeInstanceBackupsResponse, ManualBackupInstanceRequest,
    ManualBackupInstanceResponse,
};
use tencentcloud_schema::request::shorten;

use super::call::{decode, instance_not_found, invalid_value, respond, size_i64, Call};
use crate::backup_files;
use crate::clock::{format_time, parse_time};
use crate::error::ApiError;
use crate::store::BackupState;

/// The default page size of `DescribeInstanceBackups`.
const DEFAULT_LIMIT: i64 = 20;
/// The largest page size of `DescribeInstanceBackups`.
const MAX_LIMIT: i64 = 100;
/// The longest `BeginTime`..`EndTime` span `DescribeInstanceBackups` accepts.
const MAX_SPAN_SECS: u64 = 30 * 86_400;
/// The longest `StorageDays` of `ManualBackupInstance`.
const MAX_STORAGE_DAYS: i64 = 1825;
/// `StorageDays` when omitted.
const DEFAULT_STORAGE_DAYS: i64 = 7;
fn parse_time_param(name: &str, value: &str) -> Result<u64, ApiError> {
    parse_time(value).ok_or_else(|| {
        invalid_value(format!(
            "The parameter `{name}` must be a time as YYYY-MM-DD hh:mm:ss (UTC), got `{}`.",
            shorten(value)
        ))
    })
}

pub(super) fn describe_instance_backups(call: &Call<'_>, body: Value) -> Result<Value, ApiError> {
    let state = call.state;
    let request: DescribeInstanceBackupsRequest = decode(body)?;

    let limit = match request.limit {
        None | Some(0) => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(n) => {
            return Err(invalid_value(format!(
                "The parameter `Limit` must be between 1 and {MAX_LIMIT} (0 or omitted means {DEFAULT_LIMIT}), got {n}."
            )))
        }
    };
    let offset = match request.offset {
        None => 0,
        Some(n) => u64::try_from(n).map_err(|_| {
            invalid_value(format!(
                "The parameter `Offset` must not be negative, got {n}."
            ))
        })?,
    };
    let begin = request
        .begin_time
        .as_deref()
        .map(|t| parse_time_param("BeginTime", t))
        .transpose()?;
    let end = request
        .end_time
        .as_deref()
        .map(|t| parse_time_param("EndTime", t))
        .transpose()?;
    if let (Some(b), Some(e)) = (begin, end) {
        if b > e {
            return Err(invalid_value("`BeginTime` is after `EndTime`."));
        }
        if e - b > MAX_SPAN_SECS {
            return Err(invalid_value(
                "The range from `BeginTime` to `EndTime` spans more than 30 days.",
            ));
        }
    }
    let mut want_in_progress = false;
    let mut want_complete = request.status.is_empty();
    for (i, s) in request.status.iter().enumerate() {
        match s {
            1 => want_in_progress = true,
            2 => want_complete = true,
            other => {
                return Err(invalid_value(format!(
                "The parameter `Status.{i}` must be 1 (in progress) or 2 (complete), got {other}."
            )))
            }
        }
    }
    let in_region = call.region == state.config.region;
    if let Some(id) = &request.instance_id {
        if !in_region || !state.store.has_instance(id) {
            return Err(instance_not_found(id, call.region));
        }
    }
    let name_filter = request.instance_name.as_deref().map(str::to_lowercase);

    let mut rows: Vec<_> = if in_region {
        state.store.rows()
    } else {
        Vec::new()
    };
    rows.retain(|r| {
        let status_ok = match r.state {
            BackupState::Ready => want_complete,
            BackupState::InProgress => want_in_progress,
            BackupState::Failed(_) => false,
        };
        status_ok
            && request
                .instance_id
                .as_ref()
                .is_none_or(|id| &r.instance_id == id)
            && begin.is_none_or(|b| r.start_time >= b)
            && end.is_none_or(|e| r.start_time <= e)
            && name_filter
                .as_ref()
                .is_none_or(|n| r.instance_name.to_lowercase().contains(n.as_str()))
    });
    // Newest first; backups started in the same second by registration order, newest first.
    rows.sort_by_key(|r| std::cmp::Reverse((r.start_time, r.seq)));
    let total = rows.len();
    let page = rows
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|r| {
            let mut set = RedisBackupSet::new()
                .start_time(format_time(r.start_time))
                .backup_id(r.backup_id)
                .backup_type(r.backup_type)
                .status(if r.state == BackupState::Ready { 2 } else { 1 })
                .remark(r.remark)
                .locked(0)
                .backup_size(size_i64(r.size))
                .full_backup(0)
                .instance_id(r.instance_id)
                .instance_name(r.instance_name)
                .region(state.config.region.clone())
                .file_type(r.file_type)
                .expire_time(format_time(
                    r.start_time
                        .saturating_add(r.storage_days.saturating_mul(86_400)),
                ))
                .encrypted(false);
            if let Some(end) = r.end_time {
                set = set.end_time(format_time(end));
            }
            set
        });
    respond(
        &DescribeInstanceBackupsResponse::new()
            .total_count(size_i64(total as u64))
            .backup_set(page)
            .request_id(call.request_id),
    )
}

pub(super) fn manual_backup_instance(call: &Call<'_>, body: Value) -> Result<Value, ApiError> {
    let state = call.state;
    let request: ManualBackupInstanceRequest = decode(body)?;
    let days = request.storage_days.unwrap_or(DEFAULT_STORAGE_DAYS);
    if !(0..=MAX_STORAGE_DAYS).contains(&days) {
        return Err(invalid_value(format!(
            "The parameter `StorageDays` must be between 0 and {MAX_STORAGE_DAYS}, got {days}."
        )));
    }
    if call.region != state.config.region {
        return Err(instance_not_found(&request.instance_id, call.region));
    }
    let Some((task, sizes)) = state.store.start_manual_backup(
        &request.instance_id,
        request.remark.as_deref().unwrap_or(""),
        u64::try_from(days).unwrap_or(0),
        state.settings().backup_task_duration,
    ) else {
        return Err(instance_not_found(&request.instance_id, call.region));
    };

    let dir = state
        .data_dir
        .join(backup_files::folder_name(&task.instance_id))
        .join(&task.backup_id);
    let worker_state = Arc::clone(state);
    let worker_task = Arc::clone(&task);
    let work = move || {
        let outcome = backup_files::write_snapshot(&dir, &worker_task, &sizes).map_err(|e| {
            format!(
                "writing the backup files into {} failed: {e}",
                dir.display()
            )
        });
        worker_state
            .store
            .finish_manual_backup(&worker_task, outcome);
    };
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => {
            handle.spawn_blocking(work);
        }
        Err(_) => work(),
    }

    // The wire type is a signed 64-bit integer; ids count up from 100001, so this only fails
    // after 2^63 backups, and then it says so instead of wrapping.
    let task_id = i64::try_from(task.id).map_err(|_| {
        ApiError::new(
            "InternalError",
            format!("task id {} exceeds Integer", task.id),
        )
    })?;
    respond(
        &ManualBackupInstanceResponse::new()
            .task_id(task_id)
            .request_id(call.request_id),
    )
}
