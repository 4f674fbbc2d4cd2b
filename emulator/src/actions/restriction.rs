//! `DescribeBackupDownloadRestriction` and `ModifyBackupDownloadRestriction`: the download
//! restriction stored per SecretId (the emulator's idea of an account) and region.

use serde_json::Value;
use tencentcloud_redis::types::BackupLimitVpcItem;
use tencentcloud_redis::{
    DescribeBackupDownloadRestrictionResponse, ModifyBackupDownloadRestrictionRequest,
    ModifyBackupDownloadRestrictionResponse,
};

use super::call::{decode, invalid_value, respond, Call};
use crate::error::ApiError;
use crate::store::StoredRestriction;

pub(super) fn describe_backup_download_restriction(call: &Call<'_>) -> Result<Value, ApiError> {
    let r = call.state.store.restriction(call.secret_id, call.region);
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

pub(super) fn modify_backup_download_restriction(
    call: &Call<'_>,
    body: Value,
) -> Result<Value, ApiError> {
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
    call.state
        .store
        .set_restriction(call.secret_id, call.region, stored);
    respond(&ModifyBackupDownloadRestrictionResponse::new().request_id(call.request_id))
}
