//! The implemented actions. Each one decodes its request into the generated request type
//! (the schema walk in [`crate::validate`] has already checked names, types and enums),
//! applies the emulator's semantics and encodes the generated response type.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use tencentcloud_redis::types::{BackupDownloadInfo, BackupLimitVpcItem, RedisBackupSet};
use tencentcloud_redis::{
    DescribeBackupDownloadRestrictionResponse, DescribeBackupUrlRequest, DescribeBackupUrlResponse,
    DescribeInstanceBackupsRequest, DescribeInstanceBackupsResponse, DescribeTaskInfoRequest,
    DescribeTaskInfoResponse, ManualBackupInstanceRequest, ManualBackupInstanceResponse,
    ModifyBackupDownloadRestrictionRequest, ModifyBackupDownloadRestrictionResponse,
};

use crate::clock::{format_time, parse_time};
use crate::download;
use crate::rdb;
use crate::server::Shared;
use crate::store::{BackupFile, BackupState, Lookup, StoredRestriction, Task};
use crate::ApiError;
use tencentcloud_schema::request::shorten;

/// What every action gets besides its body.
pub(crate) struct Call<'a> {
    pub shared: &'a Arc<Shared>,
    /// `X-TC-Region`.
    pub region: &'a str,
    /// The authenticated SecretId (the "account" restrictions are stored for).
    pub secret_id: &'a str,
    pub request_id: &'a str,
}

/// The default page size of `DescribeInstanceBackups`.
pub(crate) const DEFAULT_LIMIT: i64 = 20;
/// The largest page size of `DescribeInstanceBackups`.
pub(crate) const MAX_LIMIT: i64 = 100;
/// The longest `BeginTime`..`EndTime` span `DescribeInstanceBackups` accepts.
pub(crate) const MAX_SPAN_SECS: u64 = 30 * 86_400;
/// The longest `StorageDays` of `ManualBackupInstance`.
pub(crate) const MAX_STORAGE_DAYS: i64 = 1825;
/// `StorageDays` when omitted.
pub(crate) const DEFAULT_STORAGE_DAYS: i64 = 7;
/// `TaskType` of a manual backup's task.
pub(crate) const BACKUP_TASK_TYPE: &str = "Back up Instance";

/// Runs an implemented action; `None` for one the emulator does not implement.
pub(crate) fn dispatch(
    call: &Call<'_>,
    action: &str,
    body: Value,
) -> Option<Result<Value, ApiError>> {
    Some(match action {
        "DescribeBackupUrl" => describe_backup_url(call, body),
        "DescribeInstanceBackups" => describe_instance_backups(call, body),
        "ManualBackupInstance" => manual_backup_instance(call, body),
        "DescribeTaskInfo" => describe_task_info(call, body),
        "DescribeBackupDownloadRestriction" => describe_backup_download_restriction(call),
        "ModifyBackupDownloadRestriction" => modify_backup_download_restriction(call, body),
        _ => return None,
    })
}

fn decode<T: DeserializeOwned>(body: Value) -> Result<T, ApiError> {
    serde_json::from_value(body).map_err(|e| {
        ApiError::new(
            "InvalidParameter",
            format!("The request does not decode: {e}."),
        )
    })
}

fn respond<T: Serialize>(response: &T) -> Result<Value, ApiError> {
    let value = serde_json::to_value(response)
        .map_err(|e| ApiError::new("InternalError", format!("cannot encode the response: {e}")))?;
    Ok(json!({ "Response": value }))
}

fn invalid_value(message: impl Into<String>) -> ApiError {
    ApiError::new("InvalidParameterValue", message)
}

fn instance_not_found(instance_id: &str, region: &str) -> ApiError {
    ApiError::new(
        "ResourceNotFound.InstanceNotExists",
        format!(
            "No Redis instance `{}` is found in region `{}`.",
            shorten(instance_id),
            shorten(region)
        ),
    )
}

fn size_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

// ---------------------------------------------------------------------------------------------
// DescribeBackupUrl

#[allow(deprecated)]
fn describe_backup_url(call: &Call<'_>, body: Value) -> Result<Value, ApiError> {
    let shared = call.shared;
    let request: DescribeBackupUrlRequest = decode(body)?;
    let files = match shared
        .store
        .lookup(&request.instance_id, &request.backup_id)
    {
        _ if call.region != shared.region => {
            return Err(instance_not_found(&request.instance_id, call.region))
        }
        Lookup::Found(files) => files,
        Lookup::NotReady(state) => {
            let why = match state {
                BackupState::Failed(message) => format!("it failed: {message}"),
                _ => "it is still in progress".to_owned(),
            };
            return Err(ApiError::new(
                "ResourceUnavailable.BackupStatusInvalid",
                format!(
                    "The backup `{}` cannot be downloaded: {why}.",
                    shorten(&request.backup_id)
                ),
            ));
        }
        Lookup::NoBackup => {
            return Err(ApiError::new(
                "InvalidParameterValue.BackupNotExists",
                format!(
                    "The backup `{}` does not exist for instance `{}`.",
                    shorten(&request.backup_id),
                    shorten(&request.instance_id)
                ),
            ))
        }
        Lookup::NoInstance => return Err(instance_not_found(&request.instance_id, call.region)),
    };

    let restriction = match &request.limit_type {
        // No LimitType: the account's stored ("user-defined") configuration.
        None => {
            let stored = shared.store.restriction(call.secret_id, call.region);
            download::Restriction {
                ips: if stored.limit_type == "Customize" {
                    stored.limit_ip.clone()
                } else {
                    Vec::new()
                },
                ip_op: if stored.limit_type == "Customize" {
                    stored.ip_op.clone()
                } else {
                    String::new()
                },
                limit: stored.limit_type,
            }
        }
        Some(limit) if limit.as_str() == "Customize" => {
            if request.limit_vpc.is_empty() && request.limit_ip.is_empty() {
                return Err(invalid_value(
                    "LimitType `Customize` requires LimitVpc or LimitIp (at least one entry).",
                ));
            }
            download::Restriction {
                limit: "Customize".to_owned(),
                ips: request.limit_ip.clone(),
                ip_op: request
                    .ip_comparison_symbol
                    .as_ref()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_else(|| "In".to_owned()),
            }
        }
        Some(limit) => download::Restriction {
            limit: limit.as_str().to_owned(),
            ips: Vec::new(),
            ip_op: String::new(),
        },
    };

    let ttl = shared.url_ttl();
    let mut public = Vec::new();
    let mut inner = Vec::new();
    let mut names = Vec::new();
    let mut infos = Vec::new();
    for file in &files {
        let mint = |network| {
            download::mint_url(
                shared,
                network,
                &request.instance_id,
                &request.backup_id,
                &file.name,
                ttl,
                &restriction,
            )
        };
        let url = mint(download::Network::Public);
        let inner_url = mint(download::Network::Inner);
        infos.push(
            BackupDownloadInfo::new()
                .file_name(file.name.clone())
                .file_size(size_i64(file.size))
                .download_url(url.clone())
                .inner_download_url(inner_url.clone()),
        );
        public.push(url);
        inner.push(inner_url);
        names.push(file.name.clone());
    }
    respond(
        &DescribeBackupUrlResponse::new()
            .download_url(public)
            .inner_download_url(inner)
            .filenames(names)
            .backup_infos(infos)
            .request_id(call.request_id),
    )
}

// ---------------------------------------------------------------------------------------------
// DescribeInstanceBackups

fn parse_time_param(name: &str, value: &str) -> Result<u64, ApiError> {
    parse_time(value).ok_or_else(|| {
        invalid_value(format!(
            "The parameter `{name}` must be a time as YYYY-MM-DD hh:mm:ss (UTC), got `{}`.",
            shorten(value)
        ))
    })
}

fn describe_instance_backups(call: &Call<'_>, body: Value) -> Result<Value, ApiError> {
    let shared = call.shared;
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
    let in_region = call.region == shared.region;
    if let Some(id) = &request.instance_id {
        if !in_region || !shared.store.has_instance(id) {
            return Err(instance_not_found(id, call.region));
        }
    }
    let name_filter = request.instance_name.as_deref().map(str::to_lowercase);

    let mut rows: Vec<_> = if in_region {
        shared.store.rows()
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
                .region(shared.region.clone())
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

// ---------------------------------------------------------------------------------------------
// ManualBackupInstance and DescribeTaskInfo

fn manual_backup_instance(call: &Call<'_>, body: Value) -> Result<Value, ApiError> {
    let shared = call.shared;
    let request: ManualBackupInstanceRequest = decode(body)?;
    let days = request.storage_days.unwrap_or(DEFAULT_STORAGE_DAYS);
    if !(0..=MAX_STORAGE_DAYS).contains(&days) {
        return Err(invalid_value(format!(
            "The parameter `StorageDays` must be between 0 and {MAX_STORAGE_DAYS}, got {days}."
        )));
    }
    if call.region != shared.region {
        return Err(instance_not_found(&request.instance_id, call.region));
    }
    let Some((task, sizes)) = shared.store.start_manual_backup(
        &request.instance_id,
        request.remark.as_deref().unwrap_or(""),
        u64::try_from(days).unwrap_or(0),
        shared.backup_task_duration(),
    ) else {
        return Err(instance_not_found(&request.instance_id, call.region));
    };

    let dir = shared
        .data_dir
        .join(folder_name(&task.instance_id))
        .join(&task.backup_id);
    let worker_shared = Arc::clone(shared);
    let worker_task = Arc::clone(&task);
    let work = move || {
        let outcome = write_backup(&dir, &worker_task, &sizes).map_err(|e| {
            format!(
                "writing the backup files into {} failed: {e}",
                dir.display()
            )
        });
        worker_shared
            .store
            .finish_manual_backup(&worker_task, outcome);
    };
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => {
            handle.spawn_blocking(work);
        }
        Err(_) => work(),
    }

    respond(
        &ManualBackupInstanceResponse::new()
            .task_id(task.id)
            .request_id(call.request_id),
    )
}

/// A folder name for an instance ID: its characters outside `[A-Za-z0-9._-]` (and a leading
/// dot) become `_`, so an ID can never climb out of the data folder.
fn folder_name(instance_id: &str) -> String {
    let mut name: String = instance_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with('.') {
        name.insert(0, '_');
    }
    name
}

/// Writes the RDB files of a manual backup: shard `i` of the instance's data set, sized as
/// configured, stamped with the task's start time.
fn write_backup(dir: &Path, task: &Task, sizes: &[u64]) -> std::io::Result<Vec<Arc<BackupFile>>> {
    if sizes.is_empty() {
        return Err(std::io::Error::other(
            "the instance has no data set to back up",
        ));
    }
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::with_capacity(sizes.len());
    for (i, &size) in sizes.iter().enumerate() {
        let name = format!("{}-redis-server-5.0.14-{}.rdb", task.backup_id, i + 1);
        let path: PathBuf = dir.join(&name);
        let shard = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let info = rdb::write_snapshot_file(&path, shard, size, task.start_time)?;
        files.push(Arc::new(BackupFile::with_crc(
            name,
            path,
            info.size,
            info.cos_crc64,
        )));
    }
    Ok(files)
}

fn describe_task_info(call: &Call<'_>, body: Value) -> Result<Value, ApiError> {
    let shared = call.shared;
    let request: DescribeTaskInfoRequest = decode(body)?;
    let task = shared
        .store
        .task(request.task_id)
        .filter(|_| call.region == shared.region)
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
            .task_type(BACKUP_TASK_TYPE)
            .instance_id(task.instance_id.clone())
            .task_message(message)
            .request_id(call.request_id),
    )
}

// ---------------------------------------------------------------------------------------------
// Describe/ModifyBackupDownloadRestriction

fn describe_backup_download_restriction(call: &Call<'_>) -> Result<Value, ApiError> {
    let r = call.shared.store.restriction(call.secret_id, call.region);
    respond(
        &DescribeBackupDownloadRestrictionResponse::new()
            .limit_type(r.limit_type)
            .vpc_comparison_symbol(r.vpc_op)
            .ip_comparison_symbol(r.ip_op)
            .limit_vpc(
                r.limit_vpc
                    .into_iter()
                    .map(|(region, vpcs)| BackupLimitVpcItem::new(region, vpcs)),
            )
            .limit_ip(r.limit_ip)
            .request_id(call.request_id),
    )
}

fn modify_backup_download_restriction(call: &Call<'_>, body: Value) -> Result<Value, ApiError> {
    let request: ModifyBackupDownloadRestrictionRequest = decode(body)?;
    let limit_type = request.limit_type.as_str().to_owned();
    let customize = limit_type == "Customize";
    if customize && request.limit_vpc.is_empty() && request.limit_ip.is_empty() {
        return Err(invalid_value(
            "LimitType `Customize` requires LimitVpc or LimitIp (at least one entry).",
        ));
    }
    let stored = StoredRestriction {
        limit_type,
        vpc_op: request
            .vpc_comparison_symbol
            .as_ref()
            .map_or("In", |s| s.as_str())
            .to_owned(),
        ip_op: request
            .ip_comparison_symbol
            .as_ref()
            .map_or("In", |s| s.as_str())
            .to_owned(),
        limit_vpc: if customize {
            request
                .limit_vpc
                .into_iter()
                .map(|v| (v.region, v.vpc_list))
                .collect()
        } else {
            Vec::new()
        },
        limit_ip: if customize {
            request.limit_ip
        } else {
            Vec::new()
        },
    };
    call.shared
        .store
        .set_restriction(call.secret_id, call.region, stored);
    respond(&ModifyBackupDownloadRestrictionResponse::new().request_id(call.request_id))
}

#[cfg(test)]
mod tests {
    use super::folder_name;

    #[test]
    fn folder_names_stay_inside() {
        assert_eq!(folder_name("crs-4y9t57vt"), "crs-4y9t57vt");
        assert_eq!(folder_name("../etc"), "_.._etc");
        assert_eq!(folder_name(".."), "_..");
        assert_eq!(folder_name(""), "_");
        assert_eq!(folder_name("a/b\\c"), "a_b_c");
    }
}
