//! Decoding cost of a realistic DescribeBackupUrl answer (five files, about 9.6 KB: the API
//! documentation's own example) through [`decode_response`], next to the two ways of doing it
//! by hand: parsing into a `serde_json::Value` first and converting that (what the decoder
//! did before issue 7), and deserializing the typed shape straight from the bytes.

// criterion_group! and criterion_main! define functions without docs.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde::{Deserialize, Deserializer, Serialize};
use tencentcloud_transport::{decode_response, Action, ServiceError, ServiceInfo};

const SUCCESS: &[u8] = include_bytes!("data/describe_backup_url.json");
const ERROR: &[u8] = br#"{"Response":{"Error":{"Code":"InvalidParameterValue.BackupNotExists","Message":"backup 678362566696298532848117 does not exist"},"RequestId":"6ad7b4a2-27b4-4f2b-9a4f-1a2b3c4d5e6f"}}"#;

#[path = "../tests/common/mod.rs"]
mod common;

/// `DescribeBackupUrl`; its parameters play no part in decoding the answer.
#[derive(Serialize)]
struct DescribeBackupUrl;

/// `null` decodes as the default, as the generated `serde_support::null_as_default` does.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The generated `DescribeBackupUrlResponse`, with the same serde attributes.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct DescribeBackupUrlResponse {
    #[serde(rename = "DownloadUrl", default, deserialize_with = "null_as_default")]
    download_url: Vec<String>,
    #[serde(
        rename = "InnerDownloadUrl",
        default,
        deserialize_with = "null_as_default"
    )]
    inner_download_url: Vec<String>,
    #[serde(rename = "Filenames", default, deserialize_with = "null_as_default")]
    filenames: Vec<String>,
    #[serde(rename = "BackupInfos", default, deserialize_with = "null_as_default")]
    backup_infos: Vec<BackupDownloadInfo>,
    #[serde(rename = "RequestId", default, deserialize_with = "null_as_default")]
    request_id: String,
}

/// The generated `types::BackupDownloadInfo`.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct BackupDownloadInfo {
    #[serde(rename = "FileName", default)]
    file_name: Option<String>,
    #[serde(rename = "FileSize", default)]
    file_size: Option<i64>,
    #[serde(rename = "DownloadUrl", default)]
    download_url: Option<String>,
    #[serde(rename = "InnerDownloadUrl", default)]
    inner_download_url: Option<String>,
}

impl Action for DescribeBackupUrl {
    type Response = DescribeBackupUrlResponse;
    type Error = ServiceError;
    const NAME: &'static str = "DescribeBackupUrl";
    const SERVICE: &'static ServiceInfo = &common::TEST_SERVICE;
    const RATE_LIMIT_PER_SECOND: Option<u32> = Some(20);
}

/// The typed shape of the whole body, for the direct reference case.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "Response")]
    response: DescribeBackupUrlResponse,
}

fn bench(c: &mut Criterion) {
    let decoded = decode_response::<DescribeBackupUrl>(200, SUCCESS).expect("example decodes");
    assert_eq!(decoded.backup_infos.len(), 5);
    assert_eq!(decoded.download_url.len(), 5);
    let err = decode_response::<DescribeBackupUrl>(200, ERROR).expect_err("error body");
    assert_eq!(err.code(), Some("InvalidParameterValue.BackupNotExists"));

    let mut group = c.benchmark_group("decode_describe_backup_url");
    group.bench_function("decode_response", |b| {
        b.iter(|| {
            black_box(decode_response::<DescribeBackupUrl>(
                200,
                black_box(SUCCESS),
            ))
        })
    });
    group.bench_function("reference_value_then_typed", |b| {
        b.iter(|| {
            let mut value: serde_json::Value = serde_json::from_slice(black_box(SUCCESS)).unwrap();
            let response = value.get_mut("Response").unwrap().take();
            black_box(serde_json::from_value::<DescribeBackupUrlResponse>(response).unwrap())
        })
    });
    group.bench_function("reference_typed_direct", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<Envelope>(black_box(SUCCESS))
                    .unwrap()
                    .response,
            )
        })
    });
    group.bench_function("decode_response_error_body", |b| {
        b.iter(|| black_box(decode_response::<DescribeBackupUrl>(200, black_box(ERROR))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
