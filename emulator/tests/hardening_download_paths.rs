//! Download paths of the wrong shape. The object store checks the signature before it looks
//! for the key, so any request under a download prefix (`/backups`, `/internal/backups`)
//! without a valid signature for exactly that path is refused with 403 and the body an
//! unsigned or tampered URL of a real file gets: the answer never tells whether a key exists.
//! Only a correctly signed URL whose file is gone gets 404 `NoSuchKey`.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use tencentcloud_redis_emulator::{LogEntry, RunningEmulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One raw HTTP answer.
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `<Code>` of the XML error body.
    fn code(&self) -> Option<String> {
        let text = self.text();
        let start = text.find("<Code>")? + "<Code>".len();
        let end = start + text[start..].find("</Code>")?;
        Some(text[start..end].to_owned())
    }

    /// The `<Message>` of the XML error body.
    fn message(&self) -> Option<String> {
        let text = self.text();
        let start = text.find("<Message>")? + "<Message>".len();
        let end = start + text[start..].find("</Message>")?;
        Some(text[start..end].to_owned())
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// Sends `METHOD target` as written (HTTP clients normalise paths before sending).
async fn raw(emu: &RunningEmulator, method: &str, target: &str) -> Answer {
    let mut stream = TcpStream::connect(emu.addr()).await.expect("connect");
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        emu.addr()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("answer in time")
        .expect("read");
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("status line of {target}: {head}"));
    Answer {
        status,
        head,
        body: response[split + 4..].to_vec(),
    }
}

/// Nothing of a backup file came back: no object headers, no RDB bytes.
fn assert_nothing_served(target: &str, a: &Answer) {
    assert!(a.status != 200 && a.status != 206, "{target}: {}", a.head);
    assert_eq!(a.header("x-cos-hash-crc64ecma"), None, "{target}");
    assert_eq!(a.header("etag"), None, "{target}");
    assert_eq!(
        a.header("content-type").as_deref(),
        Some("application/xml"),
        "{target}"
    );
    assert!(
        !a.body.windows(5).any(|w| w == b"REDIS"),
        "{target} served RDB bytes"
    );
}

fn describe_body() -> serde_json::Value {
    json!({"InstanceId": INSTANCE, "BackupId": BACKUP})
}

/// Path and query of a URL the emulator issued.
fn path_and_query<'a>(emu: &RunningEmulator, url: &'a str) -> (&'a str, &'a str) {
    url.strip_prefix(emu.endpoint())
        .expect("URL on the emulator")
        .split_once('?')
        .expect("query")
}

/// Paths of the wrong shape under `prefix` (the real key is `prefix/INSTANCE/BACKUP/file`).
fn wrong_shapes(prefix: &str, file: &str) -> Vec<String> {
    let i = INSTANCE;
    let b = BACKUP;
    vec![
        // Too few segments.
        prefix.to_owned(),
        format!("{prefix}/"),
        format!("{prefix}//"),
        format!("{prefix}///"),
        format!("{prefix}/{i}"),
        format!("{prefix}/{i}/"),
        format!("{prefix}/{i}/{file}"),
        format!("{prefix}/{i}/{b}"),
        format!("{prefix}/crs-x/file.rdb"),
        // Empty segments and trailing slashes.
        format!("{prefix}/{i}/{b}/"),
        format!("{prefix}/{i}//{file}"),
        format!("{prefix}//{b}/{file}"),
        format!("{prefix}/{i}/{b}/{file}/"),
        format!("{prefix}/{i}/{b}//{file}"),
        format!("{prefix}//{i}/{b}/{file}"),
        // Too many segments.
        format!("{prefix}/{i}/{b}/{file}/extra"),
        format!("{prefix}/x/{i}/{b}/{file}"),
        format!("{prefix}/a/b/c/d.rdb"),
        format!("{prefix}/{i}/{b}/{file}/{i}/{b}/{file}"),
    ]
}

#[tokio::test]
async fn wrong_shapes_are_refused_like_unsigned_urls_under_both_prefixes() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    let (public_path, public_query) = path_and_query(&emu, &urls[0].0);
    let (inner_path, inner_query) = path_and_query(&emu, &urls[0].1);
    let file = public_path.rsplit('/').next().expect("file");
    assert!(inner_path.starts_with("/internal/backups/"), "{inner_path}");

    // What a real file's URL gets without its query, and with another file's signature.
    let unsigned = raw(&emu, "GET", public_path).await;
    assert_eq!(unsigned.status, 403);
    assert_eq!(unsigned.code().as_deref(), Some("AccessDenied"));
    let other_path = path_and_query(&emu, &urls[1].0).0;
    let tampered = raw(&emu, "GET", &format!("{other_path}?{public_query}")).await;
    assert_eq!(tampered.status, 403);
    assert_eq!(tampered.code().as_deref(), Some("SignatureDoesNotMatch"));

    let mut wrong = Vec::new();
    for (prefix, query) in [
        ("/backups", public_query),
        ("/internal/backups", inner_query),
    ] {
        for path in wrong_shapes(prefix, file) {
            for (target, like) in [
                (path.clone(), &unsigned),
                (format!("{path}?{query}"), &tampered),
                // A signature over another network's path is no signature for this one.
                (format!("{path}?{public_query}"), &tampered),
            ] {
                let a = raw(&emu, "GET", &target).await;
                assert_nothing_served(&target, &a);
                if a.status != 403 || a.code() != like.code() || a.message() != like.message() {
                    wrong.push(format!(
                        "{target}: {} {:?} {:?} (expected 403 {:?} {:?})",
                        a.status,
                        a.code(),
                        a.message(),
                        like.code(),
                        like.message()
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "not refused like an unsigned or tampered URL:\n{}",
        wrong.join("\n")
    );
    // The genuine URLs still download.
    for u in [&urls[0].0, &urls[0].1] {
        assert_eq!(reqwest::get(u).await.expect("get").status(), 200, "{u}");
    }
}

#[tokio::test]
async fn the_answer_does_not_tell_whether_a_key_exists() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    let (path, query) = path_and_query(&emu, &urls[0].0);
    let file = path.rsplit('/').next().expect("file");
    for prefix in ["/backups", "/internal/backups"] {
        let existing = format!("{prefix}/{INSTANCE}/{BACKUP}/{file}");
        let missing_file = format!("{prefix}/{INSTANCE}/{BACKUP}/no-such-file.rdb");
        let missing_backup = format!("{prefix}/{INSTANCE}/000000000000000000000000/{file}");
        let missing_instance = format!("{prefix}/crs-00000000/{BACKUP}/{file}");
        let wrong_shape = format!("{prefix}/{INSTANCE}/{file}");
        for suffix in [String::new(), format!("?{query}")] {
            let mut seen = Vec::new();
            for path in [
                &existing,
                &missing_file,
                &missing_backup,
                &missing_instance,
                &wrong_shape,
            ] {
                if prefix == "/backups" && path == &existing && !suffix.is_empty() {
                    continue; // the genuine URL
                }
                let target = format!("{path}{suffix}");
                for method in ["GET", "HEAD"] {
                    let a = raw(&emu, method, &target).await;
                    assert_eq!(a.status, 403, "{method} {target}: {}", a.head);
                    assert_eq!(a.header("x-cos-hash-crc64ecma"), None, "{method} {target}");
                    if method == "GET" {
                        seen.push((a.code(), a.message()));
                    }
                }
            }
            seen.dedup();
            assert_eq!(seen.len(), 1, "{prefix} {suffix:?}: {seen:?}");
        }
    }
}

#[tokio::test]
async fn methods_other_than_get_and_head_get_403_even_with_a_genuine_url() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    let (path, query) = path_and_query(&emu, &urls[0].0);
    for target in [
        "/backups/".to_owned(),
        "/internal/backups/a/b/c/d.rdb".to_owned(),
        path.to_owned(),
        format!("/backups/crs-x/file.rdb?{query}"),
    ] {
        for method in ["DELETE", "PUT", "POST", "OPTIONS"] {
            let a = raw(&emu, method, &target).await;
            assert_eq!(a.status, 403, "{method} {target}: {}", a.head);
            assert_nothing_served(&target, &a);
        }
    }
    // A URL is signed for GET: with another method even the genuine URL does not match, and
    // the method is checked with the signature, before the expiry.
    for method in ["DELETE", "PUT", "POST"] {
        let a = raw(&emu, method, &format!("{path}?{query}")).await;
        assert_eq!(a.status, 403, "{method}: {}", a.head);
        assert_eq!(
            a.code().as_deref(),
            Some("SignatureDoesNotMatch"),
            "{method}"
        );
    }
    emu.set_url_ttl(Duration::ZERO);
    let expired = common::urls(&emu, describe_body()).await;
    let (path, query) = path_and_query(&emu, &expired[0].0);
    let a = raw(&emu, "DELETE", &format!("{path}?{query}")).await;
    assert_eq!(a.code().as_deref(), Some("SignatureDoesNotMatch"));
    let a = raw(&emu, "GET", &format!("{path}?{query}")).await;
    assert_eq!(a.code().as_deref(), Some("AccessDenied"));
    assert!(a.text().contains("Request has expired"), "{}", a.text());
}

#[tokio::test]
async fn traversal_with_any_segment_count_is_refused_and_reads_nothing_outside() {
    // A file next to the data folder, where a traversal out of it would land.
    let root = tempfile::tempdir().expect("tempdir");
    let emu = small_builder()
        .data_dir(root.path().join("data"))
        .start()
        .await
        .expect("start");
    let canary = "canary.rdb";
    std::fs::write(root.path().join(canary), b"CANARY-OUTSIDE-THE-DATA-FOLDER").expect("canary");
    let urls = urls(&emu, describe_body()).await;
    let (_, query) = path_and_query(&emu, &urls[0].0);
    let (_, inner_query) = path_and_query(&emu, &urls[0].1);
    let mut attacks = Vec::new();
    for (prefix, q) in [("/backups", query), ("/internal/backups", inner_query)] {
        for path in [
            format!("{prefix}/../{canary}"),
            format!("{prefix}/%2e%2e/{canary}"),
            format!("{prefix}/%2E%2E%2F{canary}"),
            format!("{prefix}/..%2f{canary}"),
            format!("{prefix}/..%5c{canary}"),
            format!("{prefix}/..\\{canary}"),
            format!("{prefix}/{INSTANCE}/%2e%2e/%2e%2e/../{canary}"),
            format!("{prefix}/{INSTANCE}/{BACKUP}/../../../{canary}"),
            format!("{prefix}/{INSTANCE}/{BACKUP}/x/../../../../{canary}"),
            format!("{prefix}/%00"),
            format!("{prefix}/{canary}%00"),
            format!("{prefix}/.."),
            format!("{prefix}/./{INSTANCE}/{BACKUP}"),
        ] {
            attacks.push(path.clone());
            attacks.push(format!("{path}?{q}"));
        }
    }
    for target in &attacks {
        let a = raw(&emu, "GET", target).await;
        assert_nothing_served(target, &a);
        assert!(!a.text().contains("CANARY"), "{target} read the canary");
        assert_eq!(a.status, 403, "{target}: {}", a.head);
        assert_eq!(a.code().as_deref(), Some("AccessDenied"), "{target}");
    }
}

#[tokio::test]
async fn a_correctly_signed_url_for_a_missing_key_is_404() {
    let emu = small_builder().no_demo().start().await.expect("start");
    let dir = tempfile::tempdir().expect("tempdir");
    let kept = dir.path().join("kept.rdb");
    let gone = dir.path().join("gone.rdb");
    std::fs::write(&kept, b"REDIS0009 kept").expect("write");
    std::fs::write(&gone, b"REDIS0009 gone").expect("write");
    let (instance, backup) = ("crs-regone", "111111111111111111111111");
    emu.register_backup(instance, backup, [&kept, &gone])
        .expect("register");
    let urls = urls(&emu, json!({"InstanceId": instance, "BackupId": backup})).await;
    assert_eq!(urls.len(), 2);
    // The backup now has only one of the two files: the other URL is still correctly signed.
    emu.register_backup(instance, backup, [&kept])
        .expect("register again");
    emu.clear_request_log();
    for (url, inner, _) in &urls {
        for u in [url, inner] {
            let resp = reqwest::get(u).await.expect("get");
            let status = resp.status().as_u16();
            let text = resp.text().await.expect("body");
            if u.contains("gone.rdb") {
                assert_eq!(status, 404, "{u}: {text}");
                assert!(text.contains("<Code>NoSuchKey</Code>"), "{text}");
                assert!(!text.contains("REDIS0009"), "{text}");
            } else {
                assert_eq!(status, 200, "{u}: {text}");
                assert_eq!(text, "REDIS0009 kept");
            }
        }
    }
    let codes: Vec<(u16, Option<String>)> = emu
        .request_log()
        .into_iter()
        .map(|e| (e.status, e.error_code))
        .collect();
    let mut expected = Vec::new();
    for (url, _, _) in &urls {
        let entry = if url.contains("gone.rdb") {
            (404, Some("NoSuchKey".to_owned()))
        } else {
            (200, None)
        };
        expected.push(entry.clone());
        expected.push(entry);
    }
    assert_eq!(codes, expected);
}

#[tokio::test]
async fn refusals_are_logged_with_path_status_and_code_but_no_signature() {
    let emu = start_small().await;
    let urls = urls(&emu, describe_body()).await;
    let (path, query) = path_and_query(&emu, &urls[0].0);
    let signature = query
        .split('&')
        .find_map(|p| p.strip_prefix("q-signature="))
        .expect("signature");
    emu.clear_request_log();
    let sent = [
        ("GET", "/backups/".to_owned(), 403, "AccessDenied"),
        (
            "GET",
            format!("/internal/backups/crs-x/file.rdb?{query}"),
            403,
            "SignatureDoesNotMatch",
        ),
        (
            "HEAD",
            format!("/backups/a/b/c/d.rdb?{query}"),
            403,
            "SignatureDoesNotMatch",
        ),
        ("DELETE", format!("{path}/"), 403, "AccessDenied"),
        (
            "GET",
            format!("/backups/{INSTANCE}/%2e%2e/x?{query}"),
            403,
            "AccessDenied",
        ),
        ("GET", "/nothing".to_owned(), 404, "NoSuchKey"),
    ];
    for (method, target, status, _) in &sent {
        let a = raw(&emu, method, target).await;
        assert_eq!(a.status, *status, "{method} {target}");
    }
    let log = emu.request_log();
    let expected: Vec<LogEntry> = sent
        .iter()
        .map(|(method, target, status, code)| LogEntry {
            method: (*method).to_owned(),
            path: target.split('?').next().expect("path").to_owned(),
            range: None,
            status: *status,
            action: None,
            error_code: Some((*code).to_owned()),
            secret_id: None,
            cut_after: None,
        })
        .collect();
    assert_eq!(log, expected);
    assert!(
        !format!("{log:?}").contains(signature),
        "a URL signature was logged"
    );
}
