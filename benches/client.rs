//! Client-side costs of the seed action (DescribeBackupUrl): serializing the request,
//! decoding the documented example response, and one full call against the local emulator on
//! loopback (rate limits off on both sides, retries off). Signing is benchmarked in
//! `transport/benches/sign.rs`.

// criterion_group! and criterion_main! define functions without docs.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use tencentcloud_redis::transport::decode_response;
use tencentcloud_redis::{
    Client, Credentials, DescribeBackupUrlRequest, Endpoint, RateLimit, RetryPolicy,
};
use tencentcloud_redis_emulator::Emulator;

const INSTANCE: &str = "crs-4y9t57vt";
const BACKUP: &str = "678362566696298532848117";

/// The response of the schema's first DescribeBackupUrl example, as compact JSON bytes.
fn example_response() -> Vec<u8> {
    let (_, text) = tencentcloud_redis::schema::FILES
        .iter()
        .find(|(path, _)| path.ends_with("actions/DescribeBackupUrl.json"))
        .expect("the schema has actions/DescribeBackupUrl.json");
    let action: serde_json::Value = serde_json::from_str(text).expect("the schema file is JSON");
    let response = action
        .pointer("/examples/0/response")
        .expect("DescribeBackupUrl has an example response");
    serde_json::to_vec(response).expect("JSON serializes")
}

fn codec(c: &mut Criterion) {
    let mut group = c.benchmark_group("describe_backup_url");
    group.bench_function("serialize_request", |b| {
        b.iter(|| {
            let request = DescribeBackupUrlRequest::new(black_box(INSTANCE), black_box(BACKUP));
            black_box(serde_json::to_vec(&request).expect("serializes"))
        })
    });

    let body = example_response();
    let decoded = decode_response::<DescribeBackupUrlRequest>(200, &body)
        .expect("the documented example decodes");
    assert!(!decoded.backup_infos.is_empty());
    group.bench_function("decode_example_response", |b| {
        b.iter(|| {
            black_box(
                decode_response::<DescribeBackupUrlRequest>(200, black_box(&body))
                    .expect("decodes"),
            )
        })
    });
    // Not the client's path: a lower bound for decoding, deserializing the typed response
    // straight from the bytes with no intermediate `serde_json::Value` and no envelope checks.
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(rename = "Response")]
        response: tencentcloud_redis::DescribeBackupUrlResponse,
    }
    group.bench_function("decode_example_response_typed_floor", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<Envelope>(black_box(&body))
                    .expect("decodes")
                    .response,
            )
        })
    });
    group.finish();
}

fn full_call(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    // The emulator serves from its own threads so the measured thread is the client's.
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime for the emulator");
    let emulator = server
        .block_on(Emulator::builder().rate_limit(false).start())
        .expect("the emulator starts");
    let client = Client::builder()
        .endpoint(Endpoint::Url(emulator.endpoint().to_owned()))
        .region(emulator.region())
        .credentials(Credentials::new(
            emulator.secret_id(),
            emulator.secret_key(),
        ))
        .rate_limit(RateLimit::Disabled)
        .retry(RetryPolicy::disabled())
        .build()
        .expect("the client builds");
    let request = || DescribeBackupUrlRequest::new(INSTANCE, BACKUP);
    runtime
        .block_on(client.send(request()))
        .expect("the warm-up call succeeds");

    let mut group = c.benchmark_group("describe_backup_url");
    group.bench_function("full_call_loopback_emulator", |b| {
        b.iter(|| {
            black_box(
                runtime
                    .block_on(client.send(request()))
                    .expect("the call succeeds"),
            )
        })
    });
    group.finish();
    server.block_on(emulator.shutdown());
}

/// The CRC-64 the downloader computes over every byte it writes, per MiB.
fn download_crc(c: &mut Criterion) {
    let data: Vec<u8> = (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut group = c.benchmark_group("download");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("crc64_1mib", |b| {
        b.iter(|| {
            let mut digest = tencentcloud_redis::download::Crc64::new();
            digest.update(black_box(&data));
            black_box(digest.value())
        })
    });
    group.finish();
}

criterion_group!(benches, codec, full_call, download_crc);
criterion_main!(benches);
