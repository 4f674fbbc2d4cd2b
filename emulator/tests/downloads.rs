//! Download rules: full GET, HEAD, Range, refusals, network restrictions, cuts and resumption.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use tencentcloud_redis_emulator::crc64::cos_crc64;
use tencentcloud_redis_emulator::Faults;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn describe_body() -> serde_json::Value {
    json!({"InstanceId": INSTANCE, "BackupId": BACKUP})
}

#[tokio::test]
async fn full_get_matches_size_and_crc() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    let paths = emu.backup_file_paths(INSTANCE, BACKUP);
    assert_eq!(urls.len(), 5);
    for ((url, inner, size), path) in urls.iter().zip(&paths) {
        let on_disk = std::fs::read(path).expect("file");
        for u in [url, inner] {
            let resp = reqwest::get(u).await.expect("get");
            assert_eq!(resp.status(), 200);
            let h = resp.headers().clone();
            assert_eq!(h["content-length"], size.to_string().as_str());
            let crc: u64 = h["x-cos-hash-crc64ecma"]
                .to_str()
                .expect("ascii")
                .parse()
                .expect("decimal");
            assert!(h["etag"].to_str().expect("etag").starts_with('"'));
            assert_eq!(h["accept-ranges"], "bytes");
            let bytes = resp.bytes().await.expect("body");
            assert_eq!(bytes.len() as u64, *size);
            assert_eq!(&bytes[..], &on_disk[..]);
            assert_eq!(cos_crc64(&bytes), crc);
        }
    }
}

#[tokio::test]
async fn head_gives_headers_without_body() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    let (url, _, size) = &urls[0];
    let resp = reqwest::Client::new().head(url).send().await.expect("head");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-length"], size.to_string().as_str());
    assert!(resp.headers().contains_key("x-cos-hash-crc64ecma"));
    assert!(resp.bytes().await.expect("body").is_empty());
}

#[tokio::test]
async fn ranges_return_exactly_the_bytes_asked_for() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    let (url, _, size) = &urls[2];
    let on_disk = std::fs::read(&emu.backup_file_paths(INSTANCE, BACKUP)[2]).expect("file");
    let whole_crc = cos_crc64(&on_disk);
    let client = reqwest::Client::new();
    let cases = [
        ("bytes=0-0", 0usize, 0usize),
        ("bytes=100-4195", 100, 4195),
        ("bytes=20000-", 20000, *size as usize - 1),
        ("bytes=-10", *size as usize - 10, *size as usize - 1),
        (&*format!("bytes=5-{}", size + 1000), 5, *size as usize - 1),
    ];
    for (range, start, end) in cases {
        let resp = client
            .get(url)
            .header("Range", range)
            .send()
            .await
            .expect("get");
        assert_eq!(resp.status(), 206, "{range}");
        assert_eq!(
            resp.headers()["content-range"],
            format!("bytes {start}-{end}/{size}").as_str()
        );
        assert_eq!(
            resp.headers()["x-cos-hash-crc64ecma"],
            whole_crc.to_string().as_str(),
            "partial responses carry the whole object's CRC"
        );
        let body = resp.bytes().await.expect("body");
        assert_eq!(&body[..], &on_disk[start..=end], "{range}");
    }
    for range in [format!("bytes={size}-"), "bytes=-0".to_owned()] {
        let resp = client
            .get(url)
            .header("Range", &range)
            .send()
            .await
            .expect("get");
        assert_eq!(resp.status(), 416, "{range}");
        assert_eq!(
            resp.headers()["content-range"],
            format!("bytes */{size}").as_str()
        );
    }
    // If-Range: the range holds only for the current ETag.
    let etag = client.head(url).send().await.expect("head").headers()["etag"].clone();
    let resp = client
        .get(url)
        .header("Range", "bytes=10-19")
        .header("If-Range", etag)
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), 206);
    assert_eq!(&resp.bytes().await.expect("body")[..], &on_disk[10..20]);
    let resp = client
        .get(url)
        .header("Range", "bytes=10-19")
        .header("If-Range", "\"0000000000000000\"")
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.bytes().await.expect("body").len() as u64, *size);
    // Multi-range and malformed ranges are ignored: the whole file.
    for range in ["bytes=0-1,5-6", "lines=1-2", "bytes=9-3"] {
        let resp = client
            .get(url)
            .header("Range", range)
            .send()
            .await
            .expect("get");
        assert_eq!(resp.status(), 200, "{range}");
        assert_eq!(resp.bytes().await.expect("body").len() as u64, *size);
    }
}

async fn expect_403(url: &str, code: &str) -> String {
    let resp = reqwest::get(url).await.expect("get");
    assert_eq!(resp.status(), 403, "{url}");
    assert_eq!(resp.headers()["content-type"], "application/xml");
    let text = resp.text().await.expect("body");
    assert!(text.contains(&format!("<Code>{code}</Code>")), "{text}");
    assert!(text.contains("<RequestId>"), "{text}");
    assert!(text.starts_with("<?xml"), "{text}");
    text
}

#[tokio::test]
async fn expired_urls_are_refused() {
    let emu = small_builder()
        .url_ttl(Duration::ZERO)
        .start()
        .await
        .expect("start");
    let expired = urls(&emu, describe_body()).await;
    let text = expect_403(&expired[0].0, "AccessDenied").await;
    assert!(text.contains("Request has expired"), "{text}");
    expect_403(&expired[0].1, "AccessDenied").await;
    // After changing the TTL, new URLs work.
    emu.set_url_ttl(Duration::from_secs(60));
    let fresh = urls(&emu, describe_body()).await;
    assert_eq!(reqwest::get(&fresh[0].0).await.expect("get").status(), 200);
}

#[tokio::test]
async fn tampered_urls_are_refused() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    let (url, inner, _) = &urls[0];
    let other_file = urls[1].0.split('?').next().expect("path").to_owned();
    let query = url.split_once('?').expect("query").1.to_owned();
    let tampered = [
        // Another file with this file's signature.
        format!("{other_file}?{query}"),
        // A later expiry.
        url.replacen("q-sign-time=", "q-sign-time=1", 1),
        // A changed signature.
        {
            let mut u = url.clone();
            let last = u.pop().expect("char");
            u.push(if last == '0' { '1' } else { '0' });
            u
        },
        // The public path with the inner URL's query and vice versa are different signatures.
        inner.replace("/internal/backups/", "/backups/"),
        // Restriction removed.
        url.replace("q-limit=NoLimit", "q-limit=LimitOnlyIntranet"),
    ];
    for u in &tampered {
        expect_403(u, "SignatureDoesNotMatch").await;
    }
    // No signature at all.
    expect_403(url.split('?').next().expect("path"), "AccessDenied").await;
}

#[tokio::test]
async fn path_traversal_is_refused() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    let (url, _, _) = &urls[0];
    let path_and_query = url.trim_start_matches(emu.endpoint());
    let (path, query) = path_and_query.split_once('?').expect("query");
    let file = path.rsplit('/').next().expect("file");
    let attacks = [
        format!("/backups/{INSTANCE}/{BACKUP}/../{BACKUP}/{file}?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}/..%2F..%2F..%2Fetc%2Fpasswd?{query}"),
        format!("/backups/{INSTANCE}/%2e%2e/{file}?{query}"),
        format!("/backups/../../../../etc/passwd?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}/.?{query}"),
    ];
    for target in attacks {
        // Sent raw: HTTP clients normalise `..` away before sending.
        let mut stream = tokio::net::TcpStream::connect(emu.addr())
            .await
            .expect("connect");
        let request = format!(
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            emu.addr()
        );
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).await.expect("read");
        assert!(response.starts_with("HTTP/1.1 403"), "{target}: {response}");
        assert!(
            response.contains("<Code>AccessDenied</Code>"),
            "{target}: {response}"
        );
    }
}

#[tokio::test]
async fn intranet_only_refuses_the_public_url() {
    let emu = start_small().await;
    let urls = urls(
        &emu,
        json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitType": "LimitOnlyIntranet"}),
    )
    .await;
    for (url, inner, size) in &urls {
        let text = expect_403(url, "AccessDenied").await;
        assert!(text.contains("LimitOnlyIntranet"), "{text}");
        let resp = reqwest::get(inner).await.expect("get");
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.bytes().await.expect("body").len() as u64, *size);
    }
}

#[tokio::test]
async fn customize_restricts_the_public_url_by_ip() {
    let emu = start_small().await;
    let body = |ips: &[&str], op: &str| {
        json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitType": "Customize",
               "IpComparisonSymbol": op, "LimitIp": ips})
    };
    let allowed = urls(&emu, body(&["127.0.0.1"], "In")).await;
    assert_eq!(
        reqwest::get(&allowed[0].0).await.expect("get").status(),
        200
    );
    let denied = urls(&emu, body(&["10.1.1.1"], "In")).await;
    expect_403(&denied[0].0, "AccessDenied").await;
    assert_eq!(reqwest::get(&denied[0].1).await.expect("get").status(), 200);
    let not_in = urls(&emu, body(&["127.0.0.1"], "NotIn")).await;
    expect_403(&not_in[0].0, "AccessDenied").await;
    // Only VPCs: the caller is in none of them.
    let vpc = urls(
        &emu,
        json!({"InstanceId": INSTANCE, "BackupId": BACKUP, "LimitType": "Customize",
               "LimitVpc": [{"Region": "ap-guangzhou", "VpcList": ["vpc-abc"]}]}),
    )
    .await;
    expect_403(&vpc[0].0, "AccessDenied").await;
    assert_eq!(reqwest::get(&vpc[0].1).await.expect("get").status(), 200);
}

#[tokio::test]
async fn cut_downloads_resume_with_ranges() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    let (url, _, size) = urls[4].clone();
    let on_disk = std::fs::read(&emu.backup_file_paths(INSTANCE, BACKUP)[4]).expect("file");
    emu.set_faults(
        Faults::none()
            .cut_download_after(10_000)
            .cut_download_times(2),
    );
    emu.clear_request_log();

    let client = reqwest::Client::new();
    let mut got: Vec<u8> = Vec::new();
    let mut attempts = 0;
    while (got.len() as u64) < size {
        attempts += 1;
        assert!(attempts <= 5, "no progress");
        let mut req = client.get(&url);
        if !got.is_empty() {
            req = req.header("Range", format!("bytes={}-", got.len()));
        }
        let mut resp = req.send().await.expect("get");
        assert!(resp.status() == 200 || resp.status() == 206);
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => got.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(_) => break,
            }
        }
    }
    assert_eq!(got, on_disk);
    assert_eq!(attempts, 3);
    let log = emu.request_log();
    let ranges: Vec<(Option<String>, u16, Option<u64>)> = log
        .iter()
        .map(|e| (e.range.clone(), e.status, e.cut_after))
        .collect();
    assert_eq!(
        ranges,
        vec![
            (None, 200, Some(10_000)),
            (Some("bytes=10000-".into()), 206, Some(10_000)),
            (Some("bytes=20000-".into()), 206, None),
        ]
    );
}

#[tokio::test]
async fn download_faults() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    emu.set_faults(Faults::none().http_5xx(1.0));
    assert_eq!(reqwest::get(&urls[0].0).await.expect("get").status(), 503);
    emu.set_faults(Faults::none().connection_reset(1.0));
    assert!(reqwest::get(&urls[0].0).await.is_err());
    let statuses: Vec<u16> = emu.request_log().iter().map(|e| e.status).collect();
    assert_eq!(&statuses[statuses.len() - 2..], &[503, 0]);
    emu.set_faults(Faults::none());
    assert_eq!(reqwest::get(&urls[0].0).await.expect("get").status(), 200);
}

#[tokio::test]
async fn unknown_objects_and_methods() {
    let emu = start_small().await;
    let resp = reqwest::get(format!("{}/nothing", emu.endpoint()))
        .await
        .expect("get");
    assert_eq!(resp.status(), 404);
    assert!(resp
        .text()
        .await
        .expect("body")
        .contains("<Code>NoSuchKey</Code>"));
    let urls = urls(&emu, describe_body()).await;
    // URLs are signed for GET: another method does not match the signature (the object store
    // signs the method).
    for method in [
        reqwest::Method::DELETE,
        reqwest::Method::PUT,
        reqwest::Method::POST,
    ] {
        let resp = reqwest::Client::new()
            .request(method.clone(), &urls[0].0)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), 403, "{method}");
        let text = resp.text().await.expect("body");
        assert!(
            text.contains("<Code>SignatureDoesNotMatch</Code>"),
            "{method}: {text}"
        );
    }
}
