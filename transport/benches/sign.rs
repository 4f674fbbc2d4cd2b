//! Signing cost of the seed request (DescribeBackupUrl, compact body) with the derived-key
//! cache warm and cold, and the stage-by-stage reference path for comparison.

// criterion_group! and criterion_main! define functions without docs.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tencentcloud_transport::sign::{sign_stages, Signer, SigningParams};

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const BODY: &[u8] = br#"{"InstanceId":"crs-4y9t57vt","BackupId":"678362566696298532848117"}"#;

fn params(timestamp: u64) -> SigningParams<'static> {
    SigningParams {
        method: "POST",
        host: "redis.tencentcloudapi.com",
        content_type: "application/json",
        canonical_query: "",
        payload: BODY,
        timestamp,
        service: "redis",
    }
}

fn bench(c: &mut Criterion) {
    let signer = Signer::new();
    let expected = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2023-11-14/redis/tc3_request, SignedHeaders=content-type;host, Signature=aa1bfe9eabb85b507c9b4b0347f4cc06d5c6f42205271838dcc23c1d7b19b29d";
    assert_eq!(
        signer.authorization(&params(1_700_000_000), SECRET_ID, SECRET_KEY),
        expected
    );

    let mut group = c.benchmark_group("sign_seed_request");
    group.bench_function("warm_key_cache", |b| {
        let mut ts = 1_700_000_000u64;
        b.iter(|| {
            // A new timestamp each time (same day), as every real call has.
            ts = 1_700_000_000 + (ts + 1) % 1000;
            black_box(signer.authorization(black_box(&params(ts)), SECRET_ID, SECRET_KEY))
        })
    });
    group.bench_function("cold_key_cache", |b| {
        b.iter(|| {
            signer.clear_cache();
            black_box(signer.authorization(
                black_box(&params(1_700_000_000)),
                SECRET_ID,
                SECRET_KEY,
            ))
        })
    });
    group.bench_function("reference_stages", |b| {
        b.iter(|| {
            black_box(sign_stages(
                black_box(&params(1_700_000_000)),
                SECRET_ID,
                SECRET_KEY,
            ))
        })
    });
    group.finish();

    // Calibration: one SHA-256 compression, the unit the signature's cost is made of.
    c.bench_function("sha256_one_block", |b| {
        use sha2::{Digest, Sha256};
        let block = [0x61u8; 55];
        b.iter(|| black_box(Sha256::digest(black_box(&block))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
