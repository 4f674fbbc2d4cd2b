//! Telling the new backup from the old ones (the rules are in the [module
//! documentation](crate::export)): [`start_backup`] lists the instance's backups before it
//! asks for a new one, [`find_backup`] lists them again once the task has succeeded and
//! [`pick_backup`] takes the new one. Listings are read page by page.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use tencentcloud_transport::{CallOptions, Client};

use super::error::ExportError;
use crate::types::RedisBackupSet;
use crate::StartsTask;
use crate::{DescribeInstanceBackupsRequest, ManualBackupInstanceRequest};

/// The page size used to list backups (the API's maximum).
pub const LIST_PAGE_SIZE: i64 = 100;

/// The most pages [`find_backup`] and [`start_backup`] read from `DescribeInstanceBackups`.
pub const MAX_LIST_PAGES: u32 = 50;

/// A backup requested with [`start_backup`]: what [`find_backup`] needs to recognise it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StartedBackup {
    /// The instance.
    pub instance_id: String,
    /// The task that makes the backup.
    pub task_id: u64,
    /// The remark sent with the request, if any.
    pub remark: Option<String>,
    /// The RequestId of the `ManualBackupInstance` answer.
    pub request_id: String,
    /// The ids of the instance's backups listed just before the request.
    pub known_backup_ids: BTreeSet<String>,
}

/// Every backup of `instance_id` in `status` (all statuses when empty), page by page.
async fn list_backups(
    client: &Client,
    instance_id: &str,
    status: &[i64],
    call_options: &CallOptions,
) -> Result<Vec<RedisBackupSet>, ExportError> {
    let mut all = Vec::new();
    let mut offset = 0i64;
    for _ in 0..MAX_LIST_PAGES {
        let request = DescribeInstanceBackupsRequest::new()
            .instance_id(instance_id)
            .limit(LIST_PAGE_SIZE)
            .offset(offset)
            .status(status.iter().copied());
        let page = client
            .send_with(request, call_options.clone())
            .await
            .map_err(|source| ExportError::List {
                instance_id: instance_id.to_owned(),
                source,
            })?;
        let n = page.backup_set.len();
        all.extend(page.backup_set);
        offset = offset.saturating_add(n as i64);
        let more = match page.total_count {
            Some(total) => offset < total,
            None => n as i64 >= LIST_PAGE_SIZE,
        };
        if n == 0 || !more {
            break;
        }
    }
    Ok(all)
}

/// Lists the instance's backups, then sends `request` (`ManualBackupInstance`). The listing
/// lets [`find_backup`] tell the new backup from the old ones (see the
/// [module documentation](crate::export)); it also fails early, before any backup is made, when the
/// instance cannot be listed.
pub async fn start_backup(
    client: &Client,
    request: ManualBackupInstanceRequest,
    call_options: &CallOptions,
) -> Result<StartedBackup, ExportError> {
    let instance_id = request.instance_id.clone();
    let known_backup_ids = list_backups(client, &instance_id, &[1, 2], call_options)
        .await?
        .into_iter()
        .filter_map(|b| b.backup_id)
        .collect();
    let remark = request.remark.clone();
    let response = client
        .send_with(request, call_options.clone())
        .await
        .map_err(|source| ExportError::Start {
            instance_id: instance_id.clone(),
            source,
        })?;
    let Some(task_id) = response.started_task() else {
        return Err(ExportError::NoTaskId {
            instance_id,
            request_id: response.request_id,
        });
    };
    Ok(StartedBackup {
        instance_id,
        task_id,
        remark,
        request_id: response.request_id,
        known_backup_ids,
    })
}

/// The backup [`find_backup`] takes from a listing, if any (see the module documentation).
pub fn pick_backup(started: &StartedBackup, listing: &[RedisBackupSet]) -> Option<RedisBackupSet> {
    listing
        .iter()
        .filter(|b| match b.instance_id.as_deref() {
            None | Some("") => true,
            Some(id) => id == started.instance_id,
        })
        .filter(|b| {
            b.backup_id
                .as_deref()
                .is_some_and(|id| !id.is_empty() && !started.known_backup_ids.contains(id))
        })
        .filter(|b| match &started.remark {
            Some(remark) => b.remark.as_deref() == Some(remark.as_str()),
            None => true,
        })
        // Later in the listing wins ties, so reverse: the API lists newest first.
        .rev()
        .max_by(|a, b| {
            let manual = |x: &RedisBackupSet| x.backup_type.as_deref() == Some("0");
            let start = |x: &RedisBackupSet| normalize_time(x.start_time.as_deref());
            (manual(a), start(a)).cmp(&(manual(b), start(b)))
        })
        .cloned()
}

/// `YYYY-MM-DD hh:mm:ss` as digits only, so that times compare as strings even when the
/// service varies the separators; missing times sort first.
fn normalize_time(time: Option<&str>) -> String {
    time.unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

/// After the task of `started` succeeded, lists the instance's complete backups until the
/// new one shows up (see the module documentation for the rules) or `timeout` elapses
/// ([`ExportError::BackupNotFound`]). The listing is asked for at once, then after waits
/// growing from 500 ms to 5 s.
pub async fn find_backup(
    client: &Client,
    started: &StartedBackup,
    timeout: Duration,
    call_options: &CallOptions,
) -> Result<RedisBackupSet, ExportError> {
    let begun = Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        let listing = list_backups(client, &started.instance_id, &[2], call_options).await?;
        if let Some(backup) = pick_backup(started, &listing) {
            return Ok(backup);
        }
        let left = timeout.saturating_sub(begun.elapsed());
        if left.is_zero() {
            return Err(ExportError::BackupNotFound {
                instance_id: started.instance_id.clone(),
                task_id: started.task_id,
                remark: started.remark.clone(),
                waited: begun.elapsed(),
                listed: listing.len(),
            });
        }
        tokio::time::sleep(wait.min(left)).await;
        wait = (wait * 2).min(Duration::from_secs(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(id: &str, remark: &str, start: &str, ty: &str) -> RedisBackupSet {
        RedisBackupSet::new()
            .backup_id(id)
            .remark(remark)
            .start_time(start)
            .backup_type(ty)
            .instance_id("crs-1")
    }

    fn started(remark: Option<&str>, known: &[&str]) -> StartedBackup {
        StartedBackup {
            instance_id: "crs-1".into(),
            task_id: 7,
            remark: remark.map(Into::into),
            request_id: "r".into(),
            known_backup_ids: known.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn picks_the_new_backup_with_the_remark() {
        let listing = vec![
            set("c", "other", "2024-06-01 12:00:09", "0"),
            set("b", "mine", "2024-06-01 12:00:05", "0"),
            set("a", "mine", "2024-06-01 11:00:00", "0"),
        ];
        let s = started(Some("mine"), &["a"]);
        assert_eq!(pick_backup(&s, &listing).unwrap().backup_id.unwrap(), "b");
        // Known before: never picked.
        let s = started(Some("mine"), &["a", "b"]);
        assert!(pick_backup(&s, &listing).is_none());
        // No remark: the newest new one, manual preferred over automatic.
        let mut listing = listing;
        listing.insert(0, set("d", "", "2024-06-01 12:00:10", "1"));
        let s = started(None, &["a"]);
        assert_eq!(pick_backup(&s, &listing).unwrap().backup_id.unwrap(), "c");
        // Another instance's backup is ignored.
        let other = set("e", "mine", "2024-06-02 00:00:00", "0").instance_id("crs-2");
        let s = started(Some("mine"), &["a", "b"]);
        assert!(pick_backup(&s, &[other]).is_none());
    }
}
