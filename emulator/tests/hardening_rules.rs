//! Emulator hardening (issue 8, item 4), beyond what api.rs and downloads.rs already cover:
//! signatures over something other than what was sent, replays outside the 300 s window,
//! oversize bodies with bounded memory, slow clients, and hostile download paths.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use tencentcloud_transport::sign::{sign_stages, SigningParams};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn describe_body() -> Value {
    json!({"InstanceId": INSTANCE, "BackupId": BACKUP})
}

/// An Authorization header for `body` signed at `timestamp` over `host`, for `service`.
fn authorization(
    emu: &tencentcloud_redis_emulator::RunningEmulator,
    body: &[u8],
    timestamp: u64,
    content_type: &str,
    service: &str,
) -> String {
    let host = emu.endpoint().trim_start_matches("http://").to_owned();
    let params = SigningParams {
        method: "POST",
        host: &host,
        content_type,
        canonical_query: "",
        payload: body,
        timestamp,
        service,
    };
    sign_stages(&params, emu.secret_id(), emu.secret_key()).authorization
}

#[tokio::test]
async fn signatures_over_anything_but_what_was_sent_fail() {
    let emu = start_small().await;
    let sent = serde_json::to_vec(&describe_body()).unwrap();
    let other = serde_json::to_vec(&json!({"InstanceId": INSTANCE, "BackupId": "1"})).unwrap();
    let ts = now();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "signature over another body",
            authorization(&emu, &other, ts, "application/json", "redis"),
            "AuthFailure.SignatureFailure",
        ),
        (
            "signature over another content type",
            authorization(&emu, &sent, ts, "text/plain", "redis"),
            "AuthFailure.SignatureFailure",
        ),
        (
            "signature scoped to another service",
            authorization(&emu, &sent, ts, "application/json", "cvm"),
            "AuthFailure.SignatureFailure",
        ),
        (
            "signature made a day earlier (scope date mismatch)",
            authorization(&emu, &sent, ts - 86_400, "application/json", "redis"),
            "AuthFailure.SignatureFailure",
        ),
        (
            "upper-case hex signature",
            {
                let a = authorization(&emu, &sent, ts, "application/json", "redis");
                let (head, sig) = a.rsplit_once("Signature=").unwrap();
                format!("{head}Signature={}", sig.to_uppercase())
            },
            "AuthFailure.InvalidAuthorization",
        ),
        (
            "truncated signature",
            {
                let mut a = authorization(&emu, &sent, ts, "application/json", "redis");
                a.pop();
                a
            },
            "AuthFailure.InvalidAuthorization",
        ),
        (
            "another algorithm",
            authorization(&emu, &sent, ts, "application/json", "redis")
                .replace("TC3-HMAC-SHA256", "TC3-HMAC-SHA1"),
            "AuthFailure.InvalidAuthorization",
        ),
    ];
    for (what, auth, code) in cases {
        let mut c = Call::describe(&emu);
        c.timestamp = ts;
        c.authorization = Some(auth);
        let (status, v) = c.send(&emu).await;
        assert_eq!(status, 200, "{what}");
        assert_eq!(error_code(&v).as_deref(), Some(code), "{what}: {v}");
        assert_request_id(&v);
    }
    // The untouched request still works, so the failures above are the edits.
    assert_eq!(error_code(&Call::describe(&emu).send(&emu).await.1), None);
}

#[tokio::test]
async fn replays_outside_the_300_second_window_are_expired() {
    let emu = start_small().await;
    // A request captured and replayed byte for byte: the same signature, the same timestamp.
    let mut captured = Call::describe(&emu);
    captured.timestamp = now() - 10;
    assert_eq!(error_code(&captured.send(&emu).await.1), None);
    let auth = {
        let body = serde_json::to_vec(&describe_body()).unwrap();
        authorization(&emu, &body, captured.timestamp, "application/json", "redis")
    };
    let mut replay = captured.clone();
    replay.authorization = Some(auth);
    assert_eq!(
        error_code(&replay.send(&emu).await.1),
        None,
        "within the window"
    );

    for (skew, expired) in [
        (-290i64, false),
        (-310, true),
        (-3_600, true),
        (-86_400 * 365, true),
        (290, false),
        (310, true),
    ] {
        let mut c = Call::describe(&emu);
        c.timestamp = (now() as i64 + skew) as u64;
        let (_, v) = c.send(&emu).await;
        let expect = expired.then_some("AuthFailure.SignatureExpire");
        assert_eq!(error_code(&v).as_deref(), expect, "skew {skew}: {v}");
    }
    // Extreme timestamps: not a number the server can add to, and 0.
    for ts in ["0", "18446744073709551615", "-1", "1e9", " 1700000000"] {
        let c = Call::describe(&emu);
        let resp = reqwest::Client::new()
            .post(format!("{}/", emu.endpoint()))
            .header("Content-Type", "application/json")
            .header("X-TC-Action", "DescribeBackupUrl")
            .header("X-TC-Version", "2018-04-12")
            .header("X-TC-Region", emu.region())
            .header("X-TC-Timestamp", ts)
            .header(
                "Authorization",
                authorization(&emu, &c.body, 0, "application/json", "redis"),
            )
            .body(c.body.clone())
            .send()
            .await
            .expect("answered");
        let v: Value = resp.json().await.expect("envelope");
        let code = error_code(&v).unwrap_or_default();
        assert!(
            code == "AuthFailure.SignatureExpire" || code == "InvalidParameter",
            "timestamp {ts:?}: {v}"
        );
    }
}

/// VmRSS of this process (the emulator runs in it), in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("VmRSS");
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("VmRSS number");
    kib * 1024
}

/// Sends `head` then up to `body_len` bytes of body from a reused buffer, while reading the
/// answer; returns the answer text and how many body bytes were written before the server
/// answered or stopped reading.
async fn stream_oversize(
    emu: &tencentcloud_redis_emulator::RunningEmulator,
    head: String,
    body_len: u64,
    chunked: bool,
) -> (String, u64) {
    let stream = TcpStream::connect(emu.addr()).await.expect("connect");
    let (mut rd, mut wr) = stream.into_split();
    let writer = tokio::spawn(async move {
        let chunk = vec![b' '; 64 * 1024];
        let mut sent = 0u64;
        if wr.write_all(head.as_bytes()).await.is_err() {
            return sent;
        }
        while sent < body_len {
            let res = if chunked {
                let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                framed.extend_from_slice(&chunk);
                framed.extend_from_slice(b"\r\n");
                wr.write_all(&framed).await
            } else {
                wr.write_all(&chunk).await
            };
            if res.is_err() {
                break;
            }
            sent += chunk.len() as u64;
        }
        sent
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buf[..n]);
                    if answer.windows(4).any(|w| w == b"\r\n\r\n")
                        && String::from_utf8_lossy(&answer).contains("RequestId")
                    {
                        break;
                    }
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("an answer within 60 s");
    writer.abort();
    let sent = writer.await.unwrap_or(0);
    (String::from_utf8_lossy(&answer).into_owned(), sent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mib_body_is_refused_with_bounded_memory() {
    let emu = start_small().await; // the default 10 MiB limit
    const BODY: u64 = 100 * 1024 * 1024;
    let head = |len: Option<u64>| {
        let framing = match len {
            Some(n) => format!("Content-Length: {n}\r\n"),
            None => "Transfer-Encoding: chunked\r\n".to_owned(),
        };
        format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             X-TC-Action: DescribeBackupUrl\r\nX-TC-Version: 2018-04-12\r\n\
             X-TC-Timestamp: {}\r\n{framing}\r\n",
            emu.addr(),
            now()
        )
    };
    // Warm up allocator and runtime so the baseline is fair.
    let _ = Call::describe(&emu).send(&emu).await;
    let before = rss();
    let mut peak = before;
    for (what, len, chunked) in [
        ("declared Content-Length", Some(BODY), false),
        ("chunked", None, true),
    ] {
        let started = Instant::now();
        let (answer, sent) = stream_oversize(&emu, head(len), BODY, chunked).await;
        peak = peak.max(rss());
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "{what}: {answer:?} after {sent} bytes"
        );
        assert!(
            answer.contains("RequestSizeLimitExceeded"),
            "{what}: {answer:?}"
        );
        eprintln!(
            "{what}: answered after {sent} body bytes in {:?}",
            started.elapsed()
        );
    }
    let growth = peak.saturating_sub(before);
    eprintln!("RSS before {before} peak {peak} growth {growth}");
    assert!(
        growth < 64 * 1024 * 1024,
        "RSS grew by {growth} bytes while refusing a 100 MiB body (limit 10 MiB)"
    );
    // Still serving.
    assert_eq!(error_code(&Call::describe(&emu).send(&emu).await.1), None);
}

/// Sends a raw GET and returns the status line and body.
async fn raw_get(emu: &tencentcloud_redis_emulator::RunningEmulator, target: &[u8]) -> String {
    let mut stream = TcpStream::connect(emu.addr()).await.expect("connect");
    let mut request = b"GET ".to_vec();
    request.extend_from_slice(target);
    request.extend_from_slice(
        format!(
            " HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            emu.addr()
        )
        .as_bytes(),
    );
    stream.write_all(&request).await.expect("write");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("answer in time")
        .expect("read");
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn hostile_download_paths_are_refused_with_403() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    let (url, inner, _) = &urls[0];
    let path_and_query = url.trim_start_matches(emu.endpoint());
    let (path, query) = path_and_query.split_once('?').expect("query");
    let inner_query = inner.split_once('?').expect("query").1;
    let file = path.rsplit('/').next().expect("file");
    let data_dir = emu.data_dir().display().to_string();
    let attacks: Vec<String> = vec![
        format!("/backups/{INSTANCE}/{BACKUP}/%2E%2E/{BACKUP}/{file}?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}/%2e%2e%2f{file}?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}/.%2e/{BACKUP}/{file}?{query}"),
        format!(
            "/backups/{INSTANCE}/{BACKUP}/%252e%252e%252f%252e%252e%252fetc%252fpasswd?{query}"
        ),
        format!("/backups/{INSTANCE}/{BACKUP}/..%5c..%5c{file}?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}/..\\..\\{file}?{query}"),
        format!("/backups/{INSTANCE}\\..\\{BACKUP}/{file}?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}/{file}%00.txt?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}/%00?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}//etc/passwd?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}/%2Fetc%2Fpasswd?{query}"),
        format!("/backups/%2F{INSTANCE}/{BACKUP}/{file}?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}/{file}/..?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}/{file}/.?{query}"),
        format!("/backups//{INSTANCE}/{BACKUP}/{file}?{query}"),
        format!("/backups/{INSTANCE}/{BACKUP}/%2e?{query}"),
        format!("/backups{data_dir}/{file}?{query}"),
        format!("/internal/backups/{INSTANCE}/{BACKUP}/%2e%2e/{file}?{inner_query}"),
        format!("/internal/backups/{INSTANCE}/{BACKUP}/..%5c{file}?{inner_query}"),
    ];
    let mut wrong = Vec::new();
    for target in &attacks {
        let response = raw_get(&emu, target.as_bytes()).await;
        let status = response.lines().next().unwrap_or("").to_owned();
        assert!(!response.contains("root:"), "{target} leaked a file");
        assert!(
            !status.contains(" 200 ") && !status.contains(" 206 "),
            "{target}: {status}"
        );
        if !(status.starts_with("HTTP/1.1 403") && response.contains("<Code>")) {
            wrong.push(format!("{target}: {status}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "not refused with 403:\n{}",
        wrong.join("\n")
    );
    // Double encoding is decoded once only, so `%252e%252e` is a literal `%2e%2e` segment, never
    // `..`. With an extra segment the path has the wrong shape, which no signature covers: 403
    // SignatureDoesNotMatch, as the object store checks the signature before the key
    // (hardening_download_paths.rs has the other shapes).
    for target in [
        format!("/backups/{INSTANCE}/%252e%252e/{BACKUP}/{file}?{query}"),
        format!("/internal/backups/{INSTANCE}/{BACKUP}/%252e%252e/{file}?{inner_query}"),
    ] {
        let response = raw_get(&emu, target.as_bytes()).await;
        let status = response.lines().next().unwrap_or("").to_owned();
        assert!(status.starts_with("HTTP/1.1 403"), "{target}: {status}");
        assert!(
            response.contains("<Code>SignatureDoesNotMatch</Code>"),
            "{target}: {response}"
        );
    }
    // A raw NUL or control byte in the request line is not HTTP: refused before routing,
    // and never a 200.
    for target in [
        format!("/backups/{INSTANCE}/{BACKUP}/{file}\0?{query}").into_bytes(),
        format!("/backups/{INSTANCE}/{BACKUP}/\x01..?{query}").into_bytes(),
    ] {
        let response = raw_get(&emu, &target).await;
        let status = response.lines().next().unwrap_or("").to_owned();
        assert!(
            status.starts_with("HTTP/1.1 4") || response.is_empty(),
            "{:?}: {status}",
            String::from_utf8_lossy(&target)
        );
    }
    // The genuine URL still downloads.
    assert_eq!(reqwest::get(url).await.expect("get").status(), 200);
}
