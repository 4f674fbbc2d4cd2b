//! The HTTP server: the accept loop (with per-connection fault hooks), shared state and the
//! API endpoint.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tencentcloud_schema::Schema;
use tencentcloud_transport::sign;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use crate::actions;
use crate::download;
use crate::faults::{Draw, FaultState, Faults};
use crate::store::Store;
use crate::validate;
use crate::{unix_now, ApiError, LogEntry};

/// How long a connection may take to send a complete request head; a client that never
/// finishes its headers (slowloris) is dropped then.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// One accepted key pair.
#[derive(Clone)]
pub(crate) struct Credential {
    pub secret_id: String,
    pub secret_key: String,
    pub token: Option<String>,
}

/// Everything the handlers share.
pub(crate) struct Shared {
    pub schema: &'static Schema,
    pub store: Store,
    pub region: String,
    pub credentials: Vec<Credential>,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Key of the download URL signatures; random per start.
    pub url_key: [u8; 32],
    pub max_body_bytes: u64,
    pub max_clock_skew: u64,
    pub url_ttl: Mutex<Duration>,
    /// Where manual backups are written.
    pub data_dir: PathBuf,
    /// How long a manual backup's task takes at least.
    backup_task_duration: Mutex<Duration>,
    pub rate_limit_enabled: AtomicBool,
    rate: Mutex<HashMap<(String, String), VecDeque<Instant>>>,
    faults: Mutex<FaultState>,
    log: Mutex<Vec<LogEntry>>,
    scripted: Mutex<VecDeque<ApiError>>,
}

/// Construction parameters of [`Shared`].
pub(crate) struct SharedParts {
    pub schema: &'static Schema,
    pub store: Store,
    pub region: String,
    pub credentials: Vec<Credential>,
    pub endpoint: String,
    pub max_body_bytes: u64,
    pub max_clock_skew: u64,
    pub url_ttl: Duration,
    pub data_dir: PathBuf,
    pub backup_task_duration: Duration,
    pub rate_limit: bool,
    pub faults: Faults,
}

impl Shared {
    pub fn new(p: SharedParts) -> Self {
        let mut url_key = [0u8; 32];
        let mut rng = fastrand::Rng::new();
        url_key.iter_mut().for_each(|b| *b = rng.u8(..));
        Self {
            schema: p.schema,
            store: p.store,
            region: p.region,
            credentials: p.credentials,
            endpoint: p.endpoint,
            url_key,
            max_body_bytes: p.max_body_bytes,
            max_clock_skew: p.max_clock_skew,
            url_ttl: Mutex::new(p.url_ttl),
            data_dir: p.data_dir,
            backup_task_duration: Mutex::new(p.backup_task_duration),
            rate_limit_enabled: AtomicBool::new(p.rate_limit),
            rate: Mutex::new(HashMap::new()),
            faults: Mutex::new(FaultState::new(p.faults)),
            log: Mutex::new(Vec::new()),
            scripted: Mutex::new(VecDeque::new()),
        }
    }

    pub fn log(&self, entry: LogEntry) {
        if let Ok(mut log) = self.log.lock() {
            log.push(entry);
        }
    }

    pub fn request_log(&self) -> Vec<LogEntry> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn clear_log(&self) {
        if let Ok(mut l) = self.log.lock() {
            l.clear();
        }
    }

    pub fn set_faults(&self, faults: Faults) {
        if let Ok(mut f) = self.faults.lock() {
            *f = FaultState::new(faults);
        }
    }

    pub fn push_scripted(&self, error: ApiError) {
        if let Ok(mut s) = self.scripted.lock() {
            s.push_back(error);
        }
    }

    pub fn url_ttl(&self) -> Duration {
        self.url_ttl
            .lock()
            .map(|t| *t)
            .unwrap_or(Duration::from_secs(6 * 3600))
    }

    pub fn set_url_ttl(&self, ttl: Duration) {
        if let Ok(mut t) = self.url_ttl.lock() {
            *t = ttl;
        }
    }

    pub fn backup_task_duration(&self) -> Duration {
        self.backup_task_duration
            .lock()
            .map(|t| *t)
            .unwrap_or(crate::DEFAULT_BACKUP_TASK_DURATION)
    }

    pub fn set_backup_task_duration(&self, duration: Duration) {
        if let Ok(mut t) = self.backup_task_duration.lock() {
            *t = duration;
        }
    }

    /// Draws a fault for one call; returns it with the latency to add.
    pub fn draw_fault(&self, api: bool) -> (Draw, Duration) {
        match self.faults.lock() {
            Ok(mut f) => {
                let latency = f.faults.latency;
                (f.draw(api), latency)
            }
            Err(_) => (Draw::None, Duration::ZERO),
        }
    }

    pub fn download_cut(&self, body_len: u64) -> Option<u64> {
        self.faults
            .lock()
            .ok()
            .and_then(|mut f| f.download_cut(body_len))
    }

    /// Sliding one-second window per (action, secret id): true if this call is within the
    /// documented rate (and then counts it).
    fn admit(&self, action: &str, secret_id: &str, per_second: u32) -> bool {
        if !self.rate_limit_enabled.load(Ordering::Relaxed) || per_second == 0 {
            return true;
        }
        let Ok(mut map) = self.rate.lock() else {
            return true;
        };
        let now = Instant::now();
        let window = map
            .entry((action.to_owned(), secret_id.to_owned()))
            .or_default();
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            window.pop_front();
        }
        if window.len() >= per_second as usize {
            return false;
        }
        window.push_back(now);
        true
    }
}

/// Per-connection context handed to handlers.
#[derive(Clone)]
pub(crate) struct ConnCtx {
    pub remote: SocketAddr,
    kill: Arc<AtomicBool>,
}

impl ConnCtx {
    /// Makes the connection fail with a TCP reset at its next read or write.
    pub fn reset(&self) {
        self.kill.store(true, Ordering::SeqCst);
    }

    /// Whether [`ConnCtx::reset`] was called.
    pub fn is_reset(&self) -> bool {
        self.kill.load(Ordering::SeqCst)
    }
}

/// A TCP stream that turns into a reset when its connection's kill flag is set.
struct ConnStream {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

impl ConnStream {
    fn killed(&self) -> Option<io::Error> {
        if self.kill.load(Ordering::SeqCst) {
            // Linger zero makes the close send RST instead of FIN.
            let _ = socket2::SockRef::from(&self.inner).set_linger(Some(Duration::ZERO));
            Some(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "emulated fault: connection reset",
            ))
        } else {
            None
        }
    }
}

impl AsyncRead for ConnStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(e) = self.killed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ConnStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(e) = self.killed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.killed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.killed() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The router: `POST /` is the API, `GET|HEAD /backups/...` and `/internal/backups/...` are
/// downloads.
fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(dispatch).with_state(shared)
}

async fn dispatch(State(shared): State<Arc<Shared>>, req: Request) -> Response<Body> {
    let ctx = match req.extensions().get::<ConnCtx>() {
        Some(c) => c.clone(),
        None => ConnCtx {
            remote: SocketAddr::from(([127, 0, 0, 1], 0)),
            kill: Arc::new(AtomicBool::new(false)),
        },
    };
    let path = req.uri().path().to_owned();
    if path == "/" {
        api(shared, ctx, req).await
    } else {
        let query = req.uri().query().unwrap_or("").to_owned();
        let method = req.method().clone();
        let headers = req.headers().clone();
        download::handle(shared, ctx, method, path, query, headers).await
    }
}

/// Runs the accept loop until `shutdown` fires.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let app = router(shared);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, remote)) = accepted else {
                    // Out of descriptors or similar: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let kill = Arc::new(AtomicBool::new(false));
                let ctx = ConnCtx { remote, kill: Arc::clone(&kill) };
                let io = TokioIo::new(ConnStream { inner: stream, kill });
                let app = app.clone();
                let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ctx.clone());
                    app.clone().oneshot(req.map(Body::new))
                });
                connections.spawn(async move {
                    // A client that never finishes its headers (slowloris) is dropped after
                    // HEADER_READ_TIMEOUT instead of holding a connection forever.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(HEADER_READ_TIMEOUT)
                        .serve_connection(io, service)
                        .await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.abort_all();
}

// ---------------------------------------------------------------------------------------------
// The API endpoint.

fn envelope(error: &ApiError, request_id: &str) -> Value {
    json!({
        "Response": {
            "Error": { "Code": error.code, "Message": error.message },
            "RequestId": request_id,
        }
    })
}

fn json_response(value: &Value) -> Response<Body> {
    let mut response = Response::new(Body::from(value.to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Reads the body, refusing it as soon as it exceeds `limit` (a `Content-Length` over the
/// limit is refused before anything is read).
async fn read_limited(headers: &HeaderMap, body: Body, limit: u64) -> Result<Vec<u8>, ApiError> {
    let too_big = || {
        ApiError::new(
            "RequestSizeLimitExceeded",
            format!("The request body exceeds the limit of {limit} bytes."),
        )
    };
    if let Some(len) =
        header_str(headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok())
    {
        if len > limit {
            return Err(too_big());
        }
    }
    let mut body = body;
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::new(
                "InvalidRequest",
                format!("The request body could not be read: {e}"),
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if out.len() as u64 + data.len() as u64 > limit {
                return Err(too_big());
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

struct Called {
    action: Option<String>,
    secret_id: Option<String>,
}

async fn api(shared: Arc<Shared>, ctx: ConnCtx, req: Request) -> Response<Body> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let (parts, body) = req.into_parts();
    let mut called = Called {
        action: None,
        secret_id: None,
    };
    let (draw, latency) = shared.draw_fault(true);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let outcome: Result<Value, ApiError> = match draw {
        Draw::Http5xx => {
            let mut r = Response::new(Body::from(
                "503 Service Temporarily Unavailable (emulated fault)\n",
            ));
            *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            shared.log(LogEntry {
                method: parts.method.to_string(),
                path: "/".into(),
                range: None,
                status: 503,
                action: header_str(&parts.headers, "x-tc-action").map(str::to_owned),
                error_code: None,
                secret_id: None,
                cut_after: None,
            });
            return r;
        }
        Draw::ConnectionReset => {
            ctx.reset();
            Err(ApiError::new(
                "InternalError",
                "emulated fault: connection reset",
            ))
        }
        Draw::RequestLimitExceeded => Err(ApiError::new(
            "RequestLimitExceeded",
            "Your current request times equals to `MaxRequestTimes` in a second. (emulated fault)",
        )),
        Draw::InternalError => Err(ApiError::new(
            "InternalError",
            "An internal error has occurred. Retry your request. (emulated fault)",
        )),
        Draw::None => {
            handle_call(
                &shared,
                &parts.method,
                &parts.headers,
                body,
                &request_id,
                &mut called,
            )
            .await
        }
    };
    let (value, code) = match outcome {
        Ok(v) => (v, None),
        Err(e) => (envelope(&e, &request_id), Some(e.code)),
    };
    shared.log(LogEntry {
        method: parts.method.to_string(),
        path: "/".into(),
        range: None,
        status: if draw == Draw::ConnectionReset {
            0
        } else {
            200
        },
        action: called
            .action
            .or_else(|| header_str(&parts.headers, "x-tc-action").map(str::to_owned)),
        error_code: code,
        secret_id: called.secret_id,
        cut_after: None,
    });
    json_response(&value)
}

async fn handle_call(
    shared: &Arc<Shared>,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
    request_id: &str,
    called: &mut Called,
) -> Result<Value, ApiError> {
    if method != Method::POST {
        return Err(ApiError::new(
            "UnsupportedProtocol",
            format!("The emulator accepts API calls as POST with a JSON body, not {method}."),
        ));
    }
    let payload = read_limited(headers, body, shared.max_body_bytes).await?;

    // Common parameters from the headers.
    let action_name = header_str(headers, "x-tc-action")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("Action", "X-TC-Action"))?;
    called.action = Some(action_name.to_owned());
    let version = header_str(headers, "x-tc-version")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("Version", "X-TC-Version"))?;
    let timestamp_text = header_str(headers, "x-tc-timestamp")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("Timestamp", "X-TC-Timestamp"))?;
    let timestamp = timestamp_text.trim().parse::<u64>().map_err(|_| {
        ApiError::new(
            "InvalidParameter",
            "The parameter `Timestamp` (X-TC-Timestamp) must be a Unix time in seconds.",
        )
    })?;

    let secret_id = authenticate(shared, method, headers, &payload, timestamp)?;
    called.secret_id = Some(secret_id.clone());

    let Some(action) = shared.schema.actions.iter().find(|a| a.name == action_name) else {
        return Err(ApiError::new(
            "InvalidAction",
            format!(
                "The action `{}` does not exist for service `{}`.",
                tencentcloud_schema::request::shorten(action_name),
                shared.schema.service.service
            ),
        ));
    };
    if version != shared.schema.service.version {
        return Err(ApiError::new(
            "NoSuchVersion",
            format!(
                "The API version `{}` does not exist; the supported version is {}.",
                tencentcloud_schema::request::shorten(version),
                shared.schema.service.version
            ),
        ));
    }
    let region = header_str(headers, "x-tc-region").filter(|s| !s.is_empty());
    let region = match region {
        Some(r) => r,
        None if shared.schema.service.region_required => {
            return Err(missing("Region", "X-TC-Region"))
        }
        None => "",
    };

    if let Some(per_second) = action.rate_limit_per_second {
        if !shared.admit(&action.name, &secret_id, per_second) {
            return Err(ApiError::new(
                "RequestLimitExceeded",
                format!(
                    "Your current request times equals to `MaxRequestTimes` in a second: {} allows {per_second} requests per second per SecretId.",
                    action.name
                ),
            ));
        }
    }

    if let Some(error) = shared.scripted.lock().ok().and_then(|mut s| s.pop_front()) {
        return Err(error);
    }

    let body: Value = if payload.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(&payload).map_err(|e| {
            ApiError::new(
                "InvalidParameter",
                format!("The request body is not valid JSON: {e}."),
            )
        })?
    };
    validate::validate(shared.schema, action, &body)?;

    let call = actions::Call {
        shared,
        region,
        secret_id: &secret_id,
        request_id,
    };
    actions::dispatch(&call, &action.name, body).unwrap_or_else(|| {
        Err(ApiError::new(
            "UnsupportedOperation",
            format!(
                "The emulator does not implement the action `{}`.",
                action.name
            ),
        ))
    })
}

fn missing(name: &str, header: &str) -> ApiError {
    ApiError::new(
        "MissingParameter",
        format!("The required parameter `{name}` is missing (header {header})."),
    )
}

fn auth_error(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(code, message)
}

/// Verifies the TC3 signature; returns the SecretId.
fn authenticate(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    payload: &[u8],
    timestamp: u64,
) -> Result<String, ApiError> {
    let Some(raw) = headers.get(header::AUTHORIZATION) else {
        return Err(auth_error(
            "AuthFailure.InvalidAuthorization",
            "The Authorization header is missing.",
        ));
    };
    let raw = raw.to_str().map_err(|_| {
        auth_error(
            "AuthFailure.InvalidAuthorization",
            "The Authorization header is not ASCII.",
        )
    })?;
    let auth = sign::parse_authorization(raw).map_err(|e| {
        auth_error(
            "AuthFailure.InvalidAuthorization",
            format!("The Authorization header is malformed: {e}."),
        )
    })?;
    let signed: Vec<String> = auth
        .signed_headers
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    if !signed.iter().any(|h| h == "content-type") || !signed.iter().any(|h| h == "host") {
        return Err(auth_error(
            "AuthFailure.InvalidAuthorization",
            "The Authorization SignedHeaders must include content-type and host.",
        ));
    }
    let now = unix_now();
    if now.abs_diff(timestamp) > shared.max_clock_skew {
        return Err(auth_error(
            "AuthFailure.SignatureExpire",
            format!(
                "The request timestamp {timestamp} is more than {} seconds away from the server time {now}; check the client clock.",
                shared.max_clock_skew
            ),
        ));
    }
    let Some(credential) = shared
        .credentials
        .iter()
        .find(|c| c.secret_id == auth.secret_id)
    else {
        return Err(auth_error(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found; check that it exists and is enabled.",
        ));
    };
    let header_pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?)))
        .collect();
    let received = sign::ReceivedRequest {
        method: method.as_str(),
        canonical_uri: "/",
        canonical_query: "",
        headers: &header_pairs,
        payload,
        timestamp,
    };
    let service = shared.schema.service.service.as_str();
    sign::verify_accepting_bare_host(&auth, &credential.secret_key, Some(service), &received)
        .map_err(|e| match e {
            sign::VerifyError::SignatureMismatch => auth_error(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated: the signature does not match. Check the SecretKey and the signing steps.",
            ),
            sign::VerifyError::MissingSignedHeader(name) => auth_error(
                "AuthFailure.InvalidAuthorization",
                format!("The signed header `{}` is not in the request.", tencentcloud_schema::request::shorten(&name)),
            ),
            other => auth_error(
                "AuthFailure.SignatureFailure",
                format!("The provided credentials could not be validated: {other}."),
            ),
        })?;
    let token = header_str(headers, "x-tc-token").filter(|t| !t.is_empty());
    match (&credential.token, token) {
        (None, None) => {}
        (Some(expected), Some(got))
            if sign::constant_time_eq(expected.as_bytes(), got.as_bytes()) => {}
        (None, Some(_)) => {
            return Err(auth_error(
                "AuthFailure.TokenFailure",
                "A session token was sent, but this SecretId is a permanent key without one.",
            ))
        }
        (Some(_), _) => {
            return Err(auth_error(
                "AuthFailure.TokenFailure",
                "The session token (X-TC-Token) is missing or does not match this SecretId.",
            ))
        }
    }
    Ok(credential.secret_id.clone())
}
