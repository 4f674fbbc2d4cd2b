//! `DescribeBackupUrl`: the download addresses of a backup's files, signed and expiring, under
//! the network restriction asked for or stored for the account.

use serde_json::Value;
use tencentcloud_redis::types::BackupDownloadInfo;
use tencentcloud_redis::{DescribeBackupUrlRequest, DescribeBackupUrlResponse};
use tencentcloud_schema::request::shorten;

use super::call::{decode, instance_not_found, invalid_value, respond, size_i64, Call};
use crate::error::ApiError;
use crate::store::{BackupState, Lookup};
use crate::urls::{self, Network, Restriction};

#[allow(deprecated)]
pub(super) fn describe_backup_url(call: &Call<'_>, body: Value) -> Result<Value, ApiError> {
    let state = call.state;
    let request: DescribeBackupUrlRequest = decode(body)?;
    let files = match state.store.lookup(&request.instance_id, &request.backup_id) {
        _ if call.region != state.config.region => {
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
            let stored = state.store.restriction(call.secret_id, call.region);
            Restriction {
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
            Restriction {
                limit: "Customize".to_owned(),
                ips: request.limit_ip.clone(),
                ip_op: request
                    .ip_comparison_symbol
                    .as_ref()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_else(|| "In".to_owned()),
            }
        }
        Some(limit) => Restriction {
            limit: limit.as_str().to_owned(),
            ips: Vec::new(),
            ip_op: String::new(),
        },
    };

    let ttl = state.settings().url_ttl;
    let mut public = Vec::new();
    let mut inner = Vec::new();
    let mut names = Vec::new();
    let mut infos = Vec::new();
    for file in &files {
        let mint = |network| {
            urls::mint_url(
                state,
                network,
                &request.instance_id,
                &request.backup_id,
                &file.name,
                ttl,
                &restriction,
            )
        };
        let url = mint(Network::Public);
        let inner_url = mint(Network::Inner);
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
