//! HTTP-level fuzzing of the emulator's request parsing and signature verification: random
//! bodies, headers and Authorization values (near-valid pieces and noise) sent to a running
//! emulator, plus raw garbage on the socket. Every request gets an answer, never a dropped
//! connection: an API envelope (`Response.RequestId` present) or, for bytes that are not
//! HTTP, an HTTP 4xx. A panic hook counts panics anywhere in the process (the emulator runs
//! in it); there must be none, and the emulator must still serve a valid call afterwards.
//!
//! Requests: `TC_FUZZ_CASES` (default 2,000); seed `TC_FUZZ_SEED` (fixed by default). Raw
//! requests under `fuzz/seeds/http/` are replayed first.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use serde_json::Value;
use tencentcloud_test_support::fuzz;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

static PANICS: AtomicUsize = AtomicUsize::new(0);

const AUTH_PIECES: &[&str] = &[
    "TC3-HMAC-SHA256 ",
    "Credential=",
    "AKIDEMULATOR",
    "/",
    "2024-01-01",
    "redis",
    "tc3_request",
    ", ",
    ",",
    "SignedHeaders=",
    "content-type;host",
    "host",
    ";",
    "Signature=",
    "=",
    " ",
    "\t",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "é",
    "\u{7f}",
];

const BODY_PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"InstanceId\"",
    "\"BackupId\"",
    "\"LimitType\"",
    "\"LimitVpc\"",
    "\"LimitIp\"",
    ":",
    ",",
    "\"crs-4y9t57vt\"",
    "\"678362566696298532848117\"",
    "\"NoLimit\"",
    "\"Customize\"",
    "null",
    "1e999",
    "-1",
    "18446744073709551616",
    "\"\\ud800\"",
    "true",
];

fn pick<'a>(rng: &mut fastrand::Rng, from: &[&'a str]) -> &'a str {
    from[rng.usize(..from.len())]
}

/// Raw bytes on the socket: an answer (any HTTP status line) must come back.
async fn raw(emu: &tencentcloud_redis_emulator::RunningEmulator, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(emu.addr()).await.expect("connect");
    let _ = stream.write_all(bytes).await;
    // Half-close: the server sees the end of the request and closes after answering.
    let _ = stream.shutdown().await;
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out)).await;
    assert!(
        read.is_ok(),
        "no answer within 10 s to {:?}",
        String::from_utf8_lossy(bytes)
    );
    String::from_utf8_lossy(&out).into_owned()
}

fn assert_http_answer(answer: &str, sent: &[u8]) {
    if answer.is_empty() {
        // A request cut short by the mutation (e.g. a Content-Length now larger than the
        // body): the server saw EOF before a complete request, nothing to answer.
        return;
    }
    assert!(
        answer.starts_with("HTTP/1.1 "),
        "no HTTP answer (dropped connection?) to {:?}: {answer:?}",
        String::from_utf8_lossy(sent)
    );
    let status: u16 = answer[9..12].parse().expect("status code");
    assert!(status != 500, "500 for {:?}", String::from_utf8_lossy(sent));
    if status == 200 {
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        assert!(
            body.contains("\"RequestId\""),
            "200 without an envelope: {answer:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_requests_always_get_an_answer_and_nothing_panics() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default_hook(info);
    }));
    let emu = Arc::new(
        small_builder()
            .rate_limit(false)
            .max_body_bytes(64 * 1024)
            .start()
            .await
            .expect("start"),
    );

    // Committed seeds: raw requests (with `{HOST}` replaced by the emulator's address).
    let seeds = fuzz::seeds("http", 4);
    for (_, bytes) in &seeds {
        let text = String::from_utf8_lossy(bytes).replace("{HOST}", &emu.addr().to_string());
        let answer = raw(&emu, text.as_bytes()).await;
        assert_http_answer(&answer, text.as_bytes());
    }

    let cases = fuzz::env_u64("TC_FUZZ_CASES").unwrap_or(2000);
    let mut rng = fastrand::Rng::with_seed(fuzz::env_u64("TC_FUZZ_SEED").unwrap_or(0x00e3_u64));
    let client = reqwest::Client::new();
    let (mut envelopes, mut raw_answers) = (0u64, 0u64);
    for i in 0..cases {
        if i % 10 == 9 {
            // Raw: a mangled request head.
            let mut head = format!(
                "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nX-TC-Action: DescribeBackupUrl\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}",
                emu.addr()
            )
            .into_bytes();
            for _ in 0..rng.usize(1..6) {
                let at = rng.usize(..head.len());
                match rng.u8(..3) {
                    0 => head[at] = rng.u8(..),
                    1 => {
                        head.remove(at);
                    }
                    _ => head.insert(at, rng.u8(..)),
                }
            }
            let answer = raw(&emu, &head).await;
            assert_http_answer(&answer, &head);
            raw_answers += 1;
            continue;
        }
        let auth: String = (0..rng.usize(..10))
            .map(|_| pick(&mut rng, AUTH_PIECES))
            .collect();
        let body: Vec<u8> = match rng.u8(..3) {
            0 => (0..rng.usize(..200)).map(|_| rng.u8(..)).collect(),
            _ => (0..rng.usize(..20))
                .map(|_| pick(&mut rng, BODY_PIECES))
                .collect::<String>()
                .into_bytes(),
        };
        let ts = match rng.u8(..6) {
            0 => "abc".to_owned(),
            1 => "".to_owned(),
            2 => u64::MAX.to_string(),
            3 => (now() - 400).to_string(),
            _ => now().to_string(),
        };
        let mut req = client
            .post(format!("{}/", emu.endpoint()))
            .header(
                "Content-Type",
                [
                    "application/json",
                    "text/plain",
                    "",
                    "application/json; charset=utf-8",
                ][rng.usize(..4)],
            )
            .header(
                "X-TC-Action",
                [
                    "DescribeBackupUrl",
                    "DescribeTaskInfo",
                    "Nope",
                    "",
                    "describebackupurl",
                ][rng.usize(..5)],
            )
            .header(
                "X-TC-Version",
                ["2018-04-12", "2017-03-12", ""][rng.usize(..3)],
            )
            .header("X-TC-Timestamp", ts)
            .body(body);
        if rng.bool() {
            req = req.header("X-TC-Region", ["ap-guangzhou", "", "xx"][rng.usize(..3)]);
        }
        if rng.u8(..4) == 0 {
            req = req.header("X-TC-Token", "tok");
        }
        if let Ok(v) = reqwest::header::HeaderValue::from_str(&auth) {
            req = req.header("Authorization", v);
        }
        let resp = req.send().await.expect("answered, not dropped");
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.expect("an envelope");
        assert!(v["Response"]["RequestId"].is_string(), "{v}");
        assert!(error_code(&v).is_some(), "a random request succeeded: {v}");
        envelopes += 1;
    }
    eprintln!(
        "{cases} requests: {envelopes} envelopes, {raw_answers} raw HTTP answers, {} seeds",
        seeds.len()
    );
    assert_eq!(
        error_code(&Call::describe(&emu).send(&emu).await.1),
        None,
        "still serving"
    );
    assert_eq!(
        PANICS.load(Ordering::SeqCst),
        0,
        "a panic happened while fuzzing"
    );
}
