//! HTTP-level fuzzing of the emulator's request parsing and signature verification. Every case
//! is a raw request on its own connection: the common-parameter headers with near-valid,
//! invalid and non-UTF-8 values (or absent), random Authorization values assembled from
//! pieces, random bodies; one case in ten then has a few of its bytes changed, inserted or
//! removed, so that it is often no longer valid HTTP.
//!
//! What must hold for every case (see [`check`]):
//! - A request whose head is complete gets an answer: a status line of any HTTP version, never
//!   a dropped connection; only a request cut short (its head incomplete when the client
//!   finished sending) may go unanswered. No answer is a 5xx.
//! - The answer is well framed: its body is exactly what `Content-Length` or the chunked
//!   encoding says (none for `HEAD`).
//! - A request built as valid HTTP is answered 200 with an API envelope; so is every 200:
//!   JSON `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` with a UUID RequestId,
//!   `Content-Type: application/json`. No case is signed, so none may succeed.
//! - `MissingParameter` for a header is answered only when that header (the first of its name)
//!   was absent or empty; an answer that calls a header not UTF-8 is about a header whose bytes
//!   are not UTF-8.
//!
//! A panic hook counts panics anywhere in the process (the emulator runs in it); there must be
//! none, and the emulator must still serve a valid call afterwards.
//!
//! Requests: `TC_FUZZ_CASES` (default 2,000); seed `TC_FUZZ_SEED` (fixed by default). The raw
//! requests under `fuzz/seeds/http/` are replayed first, byte for byte, with `{HOST}` replaced
//! by the emulator's address and `{NOW}` by the current Unix time. A failing case is written
//! in that format to `target/fuzz-failures/http/` (`TC_FUZZ_FAILURES` to choose the folder).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use serde_json::Value;
use tencentcloud_test_support::fuzz;
use tencentcloud_transport::sign::{sign_stages, SigningParams};
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

const CONTENT_TYPES: &[&[u8]] = &[
    b"application/json",
    b"text/plain",
    b"",
    b"application/json; charset=utf-8",
    b"application/json\xff",
    "application/jsön".as_bytes(),
];
const ACTIONS: &[&[u8]] = &[
    b"DescribeBackupUrl",
    b"DescribeTaskInfo",
    b"Nope",
    b"",
    b"describebackupurl",
    b"Describe\x80BackupUrl",
    b"\xff\xfe",
    "Describé".as_bytes(),
];
const VERSIONS: &[&[u8]] = &[
    b"2018-04-12",
    b"2017-03-12",
    b"",
    b"2018-04-\xff12",
    "2018-04-12é".as_bytes(),
];
const REGIONS: &[&[u8]] = &[
    b"ap-guangzhou",
    b"",
    b"xx",
    b"ap guangzhou",
    b"ap-guangzhou\xe9",
    "ap-guängzhou".as_bytes(),
];
const TOKENS: &[&[u8]] = &[b"tok", b"", b"t\xffk"];

fn pick<'a, T: ?Sized>(rng: &mut fastrand::Rng, from: &[&'a T]) -> &'a T {
    from[rng.usize(..from.len())]
}

/// Whether `b` may appear in a header value (RFC 9110 field-vchar, obs-text, SP and HTAB).
fn is_value_byte(b: u8) -> bool {
    b == b'\t' || (b >= 0x20 && b != 0x7f)
}

/// What the emulator must answer to a request built by [`build`], from what it checks in
/// order: the common parameters it needs before authentication, the signature, then the
/// action, version and region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Exactly this code.
    Code(&'static str),
    /// Some `AuthFailure.*` code (an unsigned request with all it needs before that).
    AuthFailure,
    /// The headers are all right: success, or an error about the body (never one about the
    /// headers or the signature).
    AfterHeaders,
}

/// A header's value as the emulator classes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Absent or empty.
    Missing,
    /// What the emulator serves.
    Good,
    /// Present, but wrong (not UTF-8, not a valid value, or not one the emulator serves).
    Wrong,
}

fn class_of(value: Option<&[u8]>, good: impl Fn(&[u8]) -> bool) -> Class {
    match value {
        None | Some(b"") => Class::Missing,
        Some(v) if good(v) => Class::Good,
        Some(_) => Class::Wrong,
    }
}

/// A request built as valid HTTP/1.1 (header values may be any bytes HTTP allows), and what
/// the answer must be.
struct Built {
    bytes: Vec<u8>,
    expect: Expect,
    /// Whether it carries a valid signature (it may succeed).
    signed: bool,
}

/// Builds a request from the pieces above; one in two is correctly signed with the
/// emulator's key (over the Content-Type, Host, body and time sent), so that the checks after
/// authentication are reached.
fn build(
    rng: &mut fastrand::Rng,
    emu: &tencentcloud_redis_emulator::RunningEmulator,
    host: &str,
    now: u64,
) -> Built {
    // Each header is absent one time in sixteen; when present, it has its first (good) value
    // one time in two, else any of the list, so that every check is reached often.
    let present = |rng: &mut fastrand::Rng| rng.u8(..16) != 0;
    let value = |rng: &mut fastrand::Rng, list: &[&'static [u8]]| {
        if rng.bool() {
            list[0]
        } else {
            pick(rng, list)
        }
    };
    let content_type = present(rng).then(|| value(rng, CONTENT_TYPES));
    let action = present(rng).then(|| value(rng, ACTIONS));
    let version = present(rng).then(|| value(rng, VERSIONS));
    let timestamp: Option<Vec<u8>> = present(rng).then(|| match rng.u8(..14) {
        0 => b"abc".to_vec(),
        1 => Vec::new(),
        2 => u64::MAX.to_string().into_bytes(),
        3 => (now - 400).to_string().into_bytes(),
        4 => format!("+{now}").into_bytes(),
        5 => b"17000\xff00000".to_vec(),
        6 => "١٧٠٠٠٠٠٠٠٠".as_bytes().to_vec(),
        _ => now.to_string().into_bytes(),
    });
    let region = present(rng).then(|| value(rng, REGIONS));
    let token = (rng.u8(..8) == 0).then(|| pick(rng, TOKENS));
    let body: Vec<u8> = match rng.u8(..4) {
        0 => (0..rng.usize(..200)).map(|_| rng.u8(..)).collect(),
        1 => format!(r#"{{"InstanceId":"{INSTANCE}","BackupId":"{BACKUP}"}}"#).into_bytes(),
        _ => (0..rng.usize(..20))
            .map(|_| pick(rng, BODY_PIECES))
            .collect::<String>()
            .into_bytes(),
    };
    let signed = rng.bool();
    let auth: String = if signed {
        // Over what is sent (a Content-Type that is not UTF-8 cannot be signed: its lossy
        // text is, which the emulator must refuse).
        let ct = String::from_utf8_lossy(content_type.unwrap_or(b""));
        let params = SigningParams {
            method: "POST",
            host,
            content_type: &ct,
            canonical_query: "",
            payload: &body,
            timestamp: now,
            service: "redis",
        };
        sign_stages(&params, emu.secret_id(), emu.secret_key()).authorization
    } else {
        (0..rng.usize(..10))
            .map(|_| pick(rng, AUTH_PIECES))
            .collect()
    };

    let mut out = format!("POST / HTTP/1.1\r\nHost: {host}\r\n").into_bytes();
    let mut header = |name: &str, value: Option<&[u8]>| {
        if let Some(value) = value {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
    };
    header("Content-Type", content_type);
    header("X-TC-Action", action);
    header("X-TC-Version", version);
    header("X-TC-Timestamp", timestamp.as_deref());
    header("X-TC-Region", region);
    header("X-TC-Token", token);
    // What no client can send as a header (a control character) is left out, as a client
    // library refuses it.
    let auth = auth.trim();
    if auth.bytes().all(is_value_byte) {
        header("Authorization", Some(auth.as_bytes()));
    }
    header("Content-Length", Some(body.len().to_string().as_bytes()));
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&body);

    let action = class_of(action, |v| {
        v == b"DescribeBackupUrl" || v == b"DescribeTaskInfo"
    });
    let version = class_of(version, |v| v == b"2018-04-12");
    let now_text = now.to_string();
    let timestamp_class = class_of(timestamp.as_deref(), |v| v.iter().all(u8::is_ascii_digit));
    let fresh = timestamp.as_deref() == Some(now_text.as_bytes());
    let region = class_of(region, |v| {
        v.iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
    });
    let expect = if action == Class::Missing
        || version == Class::Missing
        || timestamp_class == Class::Missing
    {
        Expect::Code("MissingParameter")
    } else if timestamp_class == Class::Wrong {
        Expect::Code("InvalidParameter")
    } else if !signed {
        Expect::AuthFailure
    } else if !fresh {
        Expect::Code("AuthFailure.SignatureExpire")
    } else if content_type.is_none() {
        Expect::Code("AuthFailure.InvalidAuthorization")
    } else if content_type.is_some_and(|c| std::str::from_utf8(c).is_err()) {
        Expect::Code("AuthFailure.SignatureFailure")
    } else if token.is_some_and(|t| !t.is_empty()) {
        Expect::Code("AuthFailure.TokenFailure")
    } else if action == Class::Wrong {
        Expect::Code("InvalidAction")
    } else if version == Class::Wrong {
        Expect::Code("NoSuchVersion")
    } else if region == Class::Wrong {
        Expect::Code("InvalidParameterValue")
    } else if region == Class::Missing {
        Expect::Code("MissingParameter")
    } else {
        Expect::AfterHeaders
    };
    Built {
        bytes: out,
        expect,
        signed,
    }
}

/// A few bytes changed, removed or inserted.
fn mutate(rng: &mut fastrand::Rng, bytes: &mut Vec<u8>) {
    for _ in 0..rng.usize(1..6) {
        let at = rng.usize(..bytes.len().max(1));
        match rng.u8(..3) {
            0 if at < bytes.len() => bytes[at] = rng.u8(..),
            1 if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => bytes.insert(at.min(bytes.len()), rng.u8(..)),
        }
    }
}

/// Sends raw bytes on a fresh connection, half-closes it and reads the whole answer.
async fn send_raw(addr: std::net::SocketAddr, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    // The server may answer (and close) before it has read everything: a failed write is fine.
    let _ = stream.write_all(bytes).await;
    // Half-close: the server sees the end of the request and closes after answering.
    let _ = stream.shutdown().await;
    let mut out = Vec::new();
    match tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out)).await {
        Err(_) => Err("no answer and no close within 10 s".into()),
        // A reset after (part of) an answer: judge what arrived.
        Ok(_) => Ok(out),
    }
}

// ---- The request as the server parses it -----------------------------------------------------

/// The head of a sent request, read as an HTTP/1.1 server reads it: leading empty lines are
/// skipped, lines end with LF or CRLF, and the head ends at the first empty line.
struct SentHead<'a> {
    method: &'a [u8],
    headers: Vec<(&'a [u8], &'a [u8])>,
    /// Whether the head ended (an empty line) before the bytes did.
    complete: bool,
}

fn trim_blanks(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

/// The next line of `rest` (without its LF or CRLF), or `None` when no line ends in it.
fn next_line<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let end = rest.iter().position(|&b| b == b'\n')?;
    let line = &rest[..end];
    *rest = &rest[end + 1..];
    Some(line.strip_suffix(b"\r").unwrap_or(line))
}

fn parse_sent(bytes: &[u8]) -> SentHead<'_> {
    let mut rest = bytes;
    let mut request_line = None;
    while let Some(line) = next_line(&mut rest) {
        if !line.is_empty() {
            request_line = Some(line);
            break;
        }
    }
    let mut head = SentHead {
        method: request_line
            .map(|l| l.split(|&b| b == b' ').next().unwrap_or(l))
            .unwrap_or(b""),
        headers: Vec::new(),
        complete: false,
    };
    if request_line.is_none() {
        return head;
    }
    while let Some(line) = next_line(&mut rest) {
        if line.is_empty() {
            head.complete = true;
            break;
        }
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            head.headers
                .push((&line[..colon], trim_blanks(&line[colon + 1..])));
        }
    }
    head
}

impl SentHead<'_> {
    /// The value of the first header `name` (any case).
    fn first(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| *v)
    }
}

// ---- The answer -------------------------------------------------------------------------------

/// One HTTP response: its status, headers and body as framed.
struct Answer {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

fn split_line(bytes: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let end = bytes
        .windows(2)
        .position(|w| w == b"\r\n")
        .ok_or_else(|| "a line without CRLF".to_owned())?;
    Ok((&bytes[..end], &bytes[end + 2..]))
}

/// Parses the final response at the start of `bytes` (interim 1xx responses skipped). Any HTTP
/// version is accepted; the body is framed by `Content-Length` or the chunked encoding (none
/// for an answer to `HEAD` or a 204/304), else it runs to the end.
fn parse_answer(mut bytes: &[u8], head_request: bool) -> Result<Answer, String> {
    loop {
        let (line, mut rest) = split_line(bytes)?;
        // `HTTP/<digit>.<digit> <3 digits>[ <reason>]`
        let ok_shape = line.len() >= 12
            && line.starts_with(b"HTTP/")
            && line[5].is_ascii_digit()
            && line[6] == b'.'
            && line[7].is_ascii_digit()
            && line[8] == b' '
            && line[9..12].iter().all(u8::is_ascii_digit)
            && (line.len() == 12 || line[12] == b' ');
        if !ok_shape {
            return Err(format!(
                "not an HTTP status line: {:?}",
                line.escape_ascii().to_string()
            ));
        }
        let status: u16 = std::str::from_utf8(&line[9..12])
            .expect("digits")
            .parse()
            .expect("digits");
        let mut headers = Vec::new();
        loop {
            let (h, r) = split_line(rest)?;
            rest = r;
            if h.is_empty() {
                break;
            }
            let colon = h.iter().position(|&b| b == b':').ok_or_else(|| {
                format!(
                    "a header line without ':': {:?}",
                    h.escape_ascii().to_string()
                )
            })?;
            let name = String::from_utf8(h[..colon].to_vec())
                .map_err(|_| "a header name that is not ASCII")?;
            headers.push((name, trim_blanks(&h[colon + 1..]).to_vec()));
        }
        if (100..200).contains(&status) {
            bytes = rest;
            continue;
        }
        let mut answer = Answer {
            status,
            headers,
            body: Vec::new(),
        };
        if head_request || status == 204 || status == 304 {
            return Ok(answer);
        }
        if answer
            .header("transfer-encoding")
            .is_some_and(|te| te.eq_ignore_ascii_case(b"chunked"))
        {
            loop {
                let (size_line, r) = split_line(rest)?;
                let size_text = size_line.split(|&b| b == b';').next().unwrap_or(b"");
                let size = std::str::from_utf8(size_text)
                    .ok()
                    .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
                    .ok_or_else(|| {
                        format!(
                            "a bad chunk size {:?}",
                            size_line.escape_ascii().to_string()
                        )
                    })?;
                if size == 0 {
                    return Ok(answer);
                }
                if r.len() < size + 2 || &r[size..size + 2] != b"\r\n" {
                    return Err("a chunk cut short".into());
                }
                answer.body.extend_from_slice(&r[..size]);
                rest = &r[size + 2..];
            }
        }
        match answer.header("content-length") {
            Some(len) => {
                let len: usize = std::str::from_utf8(len)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or("a bad Content-Length")?;
                if rest.len() < len {
                    return Err(format!(
                        "a body of {} bytes of the {len} announced",
                        rest.len()
                    ));
                }
                answer.body = rest[..len].to_vec();
            }
            None => answer.body = rest.to_vec(),
        }
        return Ok(answer);
    }
}

// ---- The oracle -------------------------------------------------------------------------------

/// The header an error message is about: the name after "header " (`X-TC-...` or a signed
/// header's name in backquotes).
fn named_header(message: &str) -> Option<String> {
    let at = message.find("header ")? + "header ".len();
    let rest = &message[at..];
    let name: String = match rest.strip_prefix('`') {
        Some(quoted) => quoted.split('`').next()?.to_owned(),
        None => rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect(),
    };
    (!name.is_empty()).then_some(name)
}

/// Checks the answer to `sent`. `expect` is what [`build`] predicted, `None` for a mutated
/// request or a seed (then any status but a 5xx will do); `may_succeed` when it was signed.
fn check(
    sent: &[u8],
    answer: &[u8],
    expect: Option<Expect>,
    may_succeed: bool,
) -> Result<(), String> {
    let head = parse_sent(sent);
    if answer.is_empty() {
        return if head.complete {
            Err("no answer (a dropped connection) to a complete request head".into())
        } else {
            // Cut short: the server saw the end of the input before the end of the head.
            Ok(())
        };
    }
    let a = parse_answer(answer, head.method == b"HEAD")?;
    if a.status >= 500 {
        return Err(format!("status {}", a.status));
    }
    if expect.is_some() && a.status != 200 {
        return Err(format!("status {} for valid HTTP", a.status));
    }
    if a.status != 200 || head.method == b"HEAD" {
        return Ok(());
    }
    if a.header("content-type") != Some(b"application/json") {
        return Err("a 200 that is not application/json".into());
    }
    let v: Value =
        serde_json::from_slice(&a.body).map_err(|e| format!("a 200 that is not JSON: {e}"))?;
    let id = v["Response"]["RequestId"].as_str().unwrap_or("");
    if id.len() != 36 || id.matches('-').count() != 4 {
        return Err("an envelope without a UUID RequestId".into());
    }
    let Some(error) = v["Response"].get("Error") else {
        return if !may_succeed {
            Err("a request nobody signed succeeded".into())
        } else if expect.is_some_and(|e| e != Expect::AfterHeaders) {
            Err(format!("success, expected {expect:?}"))
        } else {
            Ok(())
        };
    };
    let (Some(code), Some(message)) = (error["Code"].as_str(), error["Message"].as_str()) else {
        return Err("an Error without a Code and a Message".into());
    };
    match expect {
        Some(Expect::Code(want)) if code != want => {
            return Err(format!("{code} ({message}), expected {want}"));
        }
        Some(Expect::AuthFailure) if !code.starts_with("AuthFailure.") => {
            return Err(format!("{code} ({message}), expected an AuthFailure"));
        }
        Some(Expect::AfterHeaders)
            if code.starts_with("AuthFailure")
                || code == "InvalidAction"
                || code == "NoSuchVersion"
                || message.contains("header") =>
        {
            return Err(format!(
                "{code} ({message}), expected an answer about the body"
            ));
        }
        _ => {}
    }
    if code.is_empty() || message.is_empty() {
        return Err("an empty Error Code or Message".into());
    }
    if code == "MissingParameter" {
        if let Some(name) = named_header(message) {
            if head.first(&name).is_some_and(|v| !v.is_empty()) {
                return Err(format!(
                    "MissingParameter for header {name}, which was sent"
                ));
            }
        }
    }
    if message.contains("not valid UTF-8") {
        let name = named_header(message)
            .ok_or_else(|| "a UTF-8 complaint that names no header".to_owned())?;
        match head.first(&name) {
            Some(v) if std::str::from_utf8(v).is_err() => {}
            _ => {
                return Err(format!(
                    "header {name} called not UTF-8, but it was not sent so"
                ))
            }
        }
    }
    Ok(())
}

/// What an answer was, for the summary: its error code, else its status.
fn answer_code(answer: &[u8]) -> String {
    if answer.is_empty() {
        return "(none)".into();
    }
    let Ok(a) = parse_answer(answer, false) else {
        return "(unframed)".into();
    };
    serde_json::from_slice::<Value>(&a.body)
        .ok()
        .and_then(|v| v["Response"]["Error"]["Code"].as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("HTTP {}", a.status))
}

/// `bytes` with the emulator's address and the current time as the seed placeholders.
fn as_seed(bytes: &[u8], host: &str, now: u64) -> Vec<u8> {
    replace(
        &replace(bytes, host.as_bytes(), b"{HOST}"),
        now.to_string().as_bytes(),
        b"{NOW}",
    )
}

fn replace(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
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
    let host = emu.addr().to_string();

    // Committed seeds: raw requests, placeholders filled in.
    let seeds = fuzz::seeds("http", 4);
    for (path, bytes) in &seeds {
        let now = now();
        let sent = replace(
            &replace(bytes, b"{HOST}", host.as_bytes()),
            b"{NOW}",
            now.to_string().as_bytes(),
        );
        let answer = send_raw(emu.addr(), &sent).await.unwrap_or_else(|e| {
            panic!("seed {}: {e}", path.display());
        });
        if let Err(e) = check(&sent, &answer, None, false) {
            panic!(
                "seed {}: {e}\nsent: b\"{}\"\nanswer: b\"{}\"",
                path.display(),
                sent.escape_ascii(),
                answer.escape_ascii()
            );
        }
    }

    let cases = fuzz::env_u64("TC_FUZZ_CASES").unwrap_or(2000);
    let seed = fuzz::env_u64("TC_FUZZ_SEED").unwrap_or(0x00e3_u64);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut mutated = 0u64;
    let mut codes = std::collections::BTreeMap::new();
    for i in 0..cases {
        let now = now();
        let built = build(&mut rng, &emu, &host, now);
        let mut sent = built.bytes;
        let mut expect = Some(built.expect);
        if i % 10 == 9 {
            mutate(&mut rng, &mut sent);
            mutated += 1;
            expect = None;
        }
        let outcome = match send_raw(emu.addr(), &sent).await {
            Ok(answer) => check(&sent, &answer, expect, built.signed).map(|()| answer),
            Err(e) => Err(e),
        };
        match outcome {
            Ok(answer) => {
                let code = answer_code(&answer);
                *codes.entry(code).or_insert(0u64) += 1;
            }
            Err(e) => {
                let saved = fuzz::save_failure(
                    "http",
                    &format!("seed-{seed}-case-{i}.http"),
                    &as_seed(&sent, &host, now),
                );
                panic!(
                    "case {i} of seed {seed}: {e}\nsent: b\"{}\"\nsaved as a seed: {}",
                    sent.escape_ascii(),
                    saved.map_or("(not saved)".into(), |p| p.display().to_string()),
                );
            }
        }
    }
    eprintln!(
        "{cases} requests ({mutated} mutated), {} seeds; answers: {codes:?}",
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

#[test]
fn the_oracle_reads_answers_of_any_version_and_framing() {
    let sent = b"POST / HTTP/1.0\r\nHost: h\r\nX-TC-Action: \xff\r\nContent-Length: 2\r\n\r\n{}";
    let envelope = br#"{"Response":{"Error":{"Code":"MissingParameter","Message":"The required parameter `Version` is missing (header X-TC-Version)."},"RequestId":"89086aff-a5c1-43ff-9c9c-17ff8cebcffb"}}"#;
    let framed = |status_line: &str, framing: &str, body: &[u8]| {
        let mut a = format!("{status_line}\r\ncontent-type: application/json\r\n{framing}\r\n")
            .into_bytes();
        a.extend_from_slice(body);
        a
    };
    let len = format!("content-length: {}\r\n", envelope.len());
    let mut chunked = format!("{:x}\r\n", 10).into_bytes();
    chunked.extend_from_slice(&envelope[..10]);
    chunked.extend_from_slice(format!("\r\n{:x}\r\n", envelope.len() - 10).as_bytes());
    chunked.extend_from_slice(&envelope[10..]);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    for answer in [
        framed("HTTP/1.0 200 OK", &len, envelope),
        framed("HTTP/1.1 200 OK", &len, envelope),
        framed("HTTP/1.1 200", &len, envelope),
        framed(
            "HTTP/1.1 200 OK",
            "transfer-encoding: chunked\r\n",
            &chunked,
        ),
        framed("HTTP/1.1 200 OK", "", envelope),
    ] {
        check(sent, &answer, MISSING, false)
            .unwrap_or_else(|e| panic!("{e}: {}", answer.escape_ascii()));
    }
    // Interim answers are skipped.
    let mut with_continue = b"HTTP/1.1 100 Continue\r\n\r\n".to_vec();
    with_continue.extend_from_slice(&framed("HTTP/1.1 200 OK", &len, envelope));
    check(sent, &with_continue, MISSING, false).expect("1xx skipped");

    // What is wrong stays wrong.
    let missing_action = br#"{"Response":{"Error":{"Code":"MissingParameter","Message":"The required parameter `Action` is missing (header X-TC-Action)."},"RequestId":"89086aff-a5c1-43ff-9c9c-17ff8cebcffb"}}"#;
    let wrong = [
        (Vec::new(), "no answer"),
        (
            b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n".to_vec(),
            "status 500",
        ),
        (
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n".to_vec(),
            "valid HTTP",
        ),
        (b"HTTX/1.1 200 OK\r\n\r\n".to_vec(), "status line"),
        (framed("HTTP/1.1 200 OK", &len, &envelope[..20]), "of the"),
        (
            framed("HTTP/1.1 200 OK", "", missing_action),
            "which was sent",
        ),
        (
            framed(
                "HTTP/1.1 200 OK",
                "",
                b"{\"Response\":{\"RequestId\":\"89086aff-a5c1-43ff-9c9c-17ff8cebcffb\"}}",
            ),
            "succeeded",
        ),
    ];
    for (answer, why) in wrong {
        let e = check(sent, &answer, MISSING, false).expect_err(why);
        assert!(e.contains(why), "{why:?} not in {e:?}");
    }
    // An incomplete head may go unanswered; a mutated request may get a 400.
    check(b"POST / HTTP/1.1\r\nHost: h\r\n", b"", None, false).expect("cut short");
    check(
        b"POST / HTTP/1.1\r\nHo\x00st: h\r\n\r\n",
        b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
        None,
        false,
    )
    .expect("400 for a mutated request");
    // A header called not UTF-8 must be so.
    let not_utf8 = br#"{"Response":{"Error":{"Code":"InvalidAction","Message":"The action in header X-TC-Action is not valid UTF-8, so it names no action of service `redis`."},"RequestId":"89086aff-a5c1-43ff-9c9c-17ff8cebcffb"}}"#;
    check(sent, &framed("HTTP/1.1 200 OK", "", not_utf8), None, false).expect("it is not UTF-8");
    let e = check(
        b"POST / HTTP/1.1\r\nX-TC-Action: x\r\n\r\n",
        &framed("HTTP/1.1 200 OK", "", not_utf8),
        None,
        false,
    )
    .expect_err("it is UTF-8");
    assert!(e.contains("not sent so"), "{e}");
    // The predicted answer, and success only where it may be.
    let e = check(
        sent,
        &framed("HTTP/1.1 200 OK", "", not_utf8),
        MISSING,
        false,
    )
    .expect_err("not the code predicted");
    assert!(e.contains("expected MissingParameter"), "{e}");
    let success = framed(
        "HTTP/1.1 200 OK",
        "",
        b"{\"Response\":{\"RequestId\":\"89086aff-a5c1-43ff-9c9c-17ff8cebcffb\"}}",
    );
    check(sent, &success, Some(Expect::AfterHeaders), true).expect("a signed request succeeds");
    check(sent, &success, None, true).expect("a mutated signed request may succeed");
    check(sent, &success, MISSING, true).expect_err("not where an error was predicted");
    check(
        sent,
        &framed("HTTP/1.1 200 OK", "", envelope),
        Some(Expect::AfterHeaders),
        true,
    )
    .expect_err("an answer about a header");
}

const MISSING: Option<Expect> = Some(Expect::Code("MissingParameter"));
