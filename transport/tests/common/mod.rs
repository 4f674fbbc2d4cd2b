//! Shared test fixtures: hand-written actions, an independent reference signer, and a real
//! local HTTP server on 127.0.0.1 that records every request.
#![allow(dead_code)]

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tencentcloud_transport::{Action, ActionError, ServiceError, ServiceInfo};

pub const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
pub const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
pub const TOKEN: &str = "exampleSessionToken-3f2a9c_ABCDEFGHIJ.0123456789";

pub static TEST_SERVICE: ServiceInfo = ServiceInfo {
    name: "redis",
    version: "2018-04-12",
    default_host: "redis.intl.tencentcloudapi.com",
    mainland_host: "redis.tencentcloudapi.com",
    regional_host: "redis.{region}.tencentcloudapi.com",
    region_required: true,
};

/// A request like DescribeBackupUrl, without a rate limit.
#[derive(Debug, Clone, Serialize)]
pub struct GetUrl {
    #[serde(rename = "InstanceId")]
    pub instance_id: String,
    #[serde(rename = "BackupId")]
    pub backup_id: String,
}

impl GetUrl {
    pub fn new() -> Self {
        Self {
            instance_id: "crs-4y9t57vt".into(),
            backup_id: "678362566696298532848117".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct GetUrlResponse {
    #[serde(rename = "DownloadUrl")]
    pub download_url: Vec<String>,
    #[serde(rename = "RequestId")]
    pub request_id: String,
}

#[derive(Debug)]
pub enum GetUrlError {
    BackupNotFound(ServiceError),
    Other(ServiceError),
}

impl fmt::Display for GetUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.service_error(), f)
    }
}

impl std::error::Error for GetUrlError {}

impl ActionError for GetUrlError {
    fn from_service_error(raw: ServiceError) -> Self {
        if raw.code == "InvalidParameterValue.BackupNotExists" {
            GetUrlError::BackupNotFound(raw)
        } else {
            GetUrlError::Other(raw)
        }
    }

    fn service_error(&self) -> &ServiceError {
        match self {
            GetUrlError::BackupNotFound(e) | GetUrlError::Other(e) => e,
        }
    }
}

impl Action for GetUrl {
    type Response = GetUrlResponse;
    type Error = GetUrlError;
    const NAME: &'static str = "DescribeBackupUrl";
    const SERVICE: &'static ServiceInfo = &TEST_SERVICE;
    const RATE_LIMIT_PER_SECOND: Option<u32> = None;
}

/// The same request, documented at 20 requests per second.
#[derive(Debug, Clone, Serialize)]
pub struct LimitedGetUrl(pub GetUrl);

impl Action for LimitedGetUrl {
    type Response = GetUrlResponse;
    type Error = GetUrlError;
    const NAME: &'static str = "DescribeBackupUrlLimited";
    const SERVICE: &'static ServiceInfo = &TEST_SERVICE;
    const RATE_LIMIT_PER_SECOND: Option<u32> = Some(20);
}

pub fn success_body(request_id: &str) -> String {
    format!(
        r#"{{"Response":{{"DownloadUrl":["https://example.invalid/a.rdb"],"InnerDownloadUrl":[],"RequestId":"{request_id}"}}}}"#
    )
}

pub fn error_body(code: &str, message: &str, request_id: &str) -> String {
    format!(
        r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"{message}"}},"RequestId":"{request_id}"}}}}"#
    )
}

// ---------------------------------------------------------------------------------------------
// An independent reference signer, written plainly with format! and the hmac/sha2 crates, to
// check what the client sends without trusting the crate's own signer.
// ---------------------------------------------------------------------------------------------

fn hmac256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// UTC date of a unix timestamp by counting days from 1970 (slow and obvious).
pub fn naive_date(ts: u64) -> String {
    let mut days = ts / 86400;
    let mut year = 1970u64;
    loop {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let len = if leap { 366 } else { 365 };
        if days < len {
            let months = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ];
            let mut month = 0;
            while days >= months[month] {
                days -= months[month];
                month += 1;
            }
            return format!("{year:04}-{:02}-{:02}", month + 1, days + 1);
        }
        days -= len;
        year += 1;
    }
}

#[allow(clippy::too_many_arguments)]
pub fn reference_signature(
    secret_key: &str,
    method: &str,
    query: &str,
    content_type: &str,
    host: &str,
    payload: &[u8],
    timestamp: u64,
    service: &str,
) -> String {
    let canonical = format!(
        "{method}\n/\n{query}\ncontent-type:{content_type}\nhost:{host}\n\ncontent-type;host\n{}",
        hex(&Sha256::digest(payload))
    );
    let date = naive_date(timestamp);
    let to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k_date = hmac256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac256(&k_date, service.as_bytes());
    let k_signing = hmac256(&k_service, b"tc3_request");
    hex(&hmac256(&k_signing, to_sign.as_bytes()))
}

// ---------------------------------------------------------------------------------------------
// A recording HTTP server on its own thread and runtime.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub uri: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn header_count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }

    /// Checks the Authorization header against the independent reference signer and against
    /// the crate's server-side verifier, using the exact received body.
    pub fn assert_signed_by(&self, secret_id: &str, secret_key: &str) {
        self.assert_signed_for(secret_id, secret_key, "redis");
    }

    /// [`Recorded::assert_signed_by`] for a call of `service`.
    pub fn assert_signed_for(&self, secret_id: &str, secret_key: &str, service: &str) {
        let ts: u64 = self.header("x-tc-timestamp").unwrap().parse().unwrap();
        let host = self.header("host").unwrap();
        let ct = self.header("content-type").unwrap();
        // GET requests are signed over their query string; POST ones have none.
        let query = self.uri.split_once('?').map_or("", |(_, q)| q);
        let expected = reference_signature(
            secret_key,
            &self.method,
            query,
            ct,
            host,
            &self.body,
            ts,
            service,
        );
        let auth = self.header("authorization").unwrap();
        let want = format!(
            "TC3-HMAC-SHA256 Credential={secret_id}/{}/{service}/tc3_request, SignedHeaders=content-type;host, Signature={expected}",
            naive_date(ts)
        );
        assert_eq!(
            auth, want,
            "Authorization header does not match the reference signer"
        );

        // And through the verifier the emulator uses.
        let parsed = tencentcloud_transport::sign::parse_authorization(auth).unwrap();
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        tencentcloud_transport::sign::verify(
            &parsed,
            secret_key,
            Some(service),
            &tencentcloud_transport::sign::ReceivedRequest {
                method: &self.method,
                canonical_uri: "/",
                canonical_query: query,
                headers: &headers,
                payload: &self.body,
                timestamp: ts,
            },
        )
        .unwrap();
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            body: body.into().into_bytes(),
            content_type: Some("application/json".into()),
            delay: Duration::ZERO,
        }
    }

    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            body: body.into(),
            content_type: Some(content_type.into()),
            delay: Duration::ZERO,
        }
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Script = Box<dyn FnMut(usize, &Recorded) -> Reply + Send>;

struct ServerState {
    requests: Mutex<Vec<Recorded>>,
    script: Mutex<Script>,
}

pub struct TestServer {
    pub addr: SocketAddr,
    state: Arc<ServerState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server whose `script` decides each reply from the request's index (0-based)
    /// and content.
    pub fn start(script: impl FnMut(usize, &Recorded) -> Reply + Send + 'static) -> Self {
        let state = Arc::new(ServerState {
            requests: Mutex::new(Vec::new()),
            script: Mutex::new(Box::new(script)),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let st = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = axum::Router::new().fallback(handle).with_state(st);
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await
                    .unwrap();
            });
            rt.shutdown_timeout(Duration::from_millis(100));
        });
        Self {
            addr,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    /// Always answers with `reply`.
    pub fn always(reply: Reply) -> Self {
        Self::start(move |_, _| reply.clone())
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.state.requests.lock().unwrap().len()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        // Do not join: a test may still hold a slow connection open; the thread ends by itself.
        let _ = self.thread.take();
    }
}

async fn handle(
    axum::extract::State(state): axum::extract::State<Arc<ServerState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let recorded = Recorded {
        method: method.to_string(),
        uri: uri.to_string(),
        headers: headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
        at: Instant::now(),
    };
    let reply = {
        let mut requests = state.requests.lock().unwrap();
        let index = requests.len();
        requests.push(recorded.clone());
        let mut script = state.script.lock().unwrap();
        (script)(index, &recorded)
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = (StatusCode::from_u16(reply.status).unwrap(), reply.body).into_response();
    if let Some(ct) = reply.content_type {
        response
            .headers_mut()
            .insert("content-type", ct.parse().unwrap());
    }
    response
}

/// A raw TCP server answering every connection with `bytes` and closing it; returns its
/// address and a counter of connections.
pub fn raw_server(bytes: &'static [u8]) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let seen = seen2.clone();
            std::thread::spawn(move || {
                stream.set_read_timeout(Some(Duration::from_secs(2))).ok();
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head and a body of Content-Length bytes, if any.
                loop {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(head_end) = text.find("\r\n\r\n") {
                        let len = text[..head_end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= head_end + 4 + len {
                            break;
                        }
                    }
                }
                seen.lock().unwrap().push(
                    String::from_utf8_lossy(&buf)
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_owned(),
                );
                let _ = stream.write_all(bytes);
                let _ = stream.flush();
            });
        }
    });
    (addr, seen)
}

/// A port with nothing listening on it.
pub fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}
