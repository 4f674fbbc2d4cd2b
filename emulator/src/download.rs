//! Signed, expiring download URLs and the object-store-like download endpoint.

use std::future::Future as _;
use std::io::{self, Read, Seek, SeekFrom};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use bytes::Bytes;
use futures_util::Stream;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::server::{ConnCtx, Shared};
use crate::store::BackupFile;
use crate::{faults::Draw, unix_now, LogEntry};

/// Path prefix of public download URLs (`DownloadUrl`).
pub const PUBLIC_PREFIX: &str = "/backups";
/// Path prefix of private-network download URLs (`InnerDownloadUrl`).
pub const INNER_PREFIX: &str = "/internal/backups";

/// Which of the two addresses a URL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Network {
    Public,
    Inner,
}

impl Network {
    fn as_str(self) -> &'static str {
        match self {
            Network::Public => "public",
            Network::Inner => "inner",
        }
    }
}

/// The network restriction a URL was issued under (from `LimitType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Restriction {
    /// `NoLimit`, `LimitOnlyIntranet` or `Customize`.
    pub limit: String,
    /// `LimitIp` (Customize only).
    pub ips: Vec<String>,
    /// `IpComparisonSymbol` (Customize only): `In` or `NotIn`.
    pub ip_op: String,
}

type HmacSha256 = Hmac<Sha256>;

fn url_signature(
    key: &[u8; 32],
    network: Network,
    segments: &[String; 3],
    start: u64,
    end: u64,
    r: &Restriction,
) -> String {
    let mut mac = match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        // A 32-byte key is always accepted; never reached.
        Err(_) => return String::new(),
    };
    let text = format!(
        "{}\n{}\n{}\n{}\n{start};{end}\n{}\n{}\n{}",
        network.as_str(),
        segments[0],
        segments[1],
        segments[2],
        r.limit,
        r.ips.join(","),
        r.ip_op
    );
    mac.update(text.as_bytes());
    tencentcloud_transport::sign::hex_encode(&mac.finalize().into_bytes())
}

/// Builds a signed URL for one file.
pub(crate) fn mint_url(
    shared: &Shared,
    network: Network,
    instance_id: &str,
    backup_id: &str,
    file: &str,
    ttl: Duration,
    restriction: &Restriction,
) -> String {
    let start = unix_now();
    let end = start.saturating_add(ttl.as_secs());
    let segments = [
        instance_id.to_owned(),
        backup_id.to_owned(),
        file.to_owned(),
    ];
    let sig = url_signature(&shared.url_key, network, &segments, start, end, restriction);
    let prefix = match network {
        Network::Public => PUBLIC_PREFIX,
        Network::Inner => INNER_PREFIX,
    };
    let mut url = format!(
        "{}{prefix}/{}/{}/{}?q-sign-time={start}%3B{end}&q-limit={}",
        shared.endpoint,
        encode(instance_id),
        encode(backup_id),
        encode(file),
        encode(&restriction.limit)
    );
    if restriction.limit == "Customize" {
        url.push_str(&format!(
            "&q-ip={}&q-ip-op={}",
            encode(&restriction.ips.join(",")),
            encode(&restriction.ip_op)
        ));
    }
    url.push_str("&q-signature=");
    url.push_str(&sig);
    url
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The `<Code>` of an [`xml_error`] answer, kept in the response's extensions for the request
/// log (extensions are not sent).
#[derive(Debug, Clone, Copy)]
struct ErrorCode(&'static str);

/// A COS-like XML error document.
fn xml_error(
    status: StatusCode,
    code: &'static str,
    message: &str,
    resource: &str,
) -> Response<Body> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let body = format!(
        "<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n\t<Code>{}</Code>\n\t<Message>{}</Message>\n\t<Resource>{}</Resource>\n\t<RequestId>{}</RequestId>\n</Error>",
        xml_escape(code),
        xml_escape(message),
        xml_escape(resource),
        request_id
    );
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.extensions_mut().insert(ErrorCode(code));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        headers.insert("x-cos-request-id", v);
    }
    response
}

fn xml_escape(s: &str) -> String {
    s.chars()
        .take(512)
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&apos;".to_owned(),
            c if c.is_control() => "?".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// A parsed and checked download URL.
struct Target {
    instance_id: String,
    backup_id: String,
    file: String,
}

/// Why a URL was refused: (status, code, message).
type Refusal = (StatusCode, &'static str, String);

fn access_denied(message: impl Into<String>) -> Refusal {
    (StatusCode::FORBIDDEN, "AccessDenied", message.into())
}

fn no_such_key() -> Refusal {
    (
        StatusCode::NOT_FOUND,
        "NoSuchKey",
        "The specified key does not exist.".to_owned(),
    )
}

/// The network of a path under one of the download prefixes, and the rest of the path (empty
/// or starting with `/`); `None` for any other path (`/backupsX` is not under `/backups`).
fn split_prefix(path: &str) -> Option<(Network, &str)> {
    [
        (INNER_PREFIX, Network::Inner),
        (PUBLIC_PREFIX, Network::Public),
    ]
    .into_iter()
    .find_map(|(prefix, network)| {
        let rest = path.strip_prefix(prefix)?;
        (rest.is_empty() || rest.starts_with('/')).then_some((network, rest))
    })
}

/// The percent-decoded segments of `rest` (empty or starting with `/`), empty ones included.
/// A segment that is not percent-encoded UTF-8, or that could leave its folder if it were ever
/// joined to one (`.`, anything containing `..`, `/`, `\` or NUL, also percent-encoded), is
/// refused outright: no signature is ever issued for such a path.
fn path_segments(rest: &str) -> Result<Vec<String>, Refusal> {
    let Some(rest) = rest.strip_prefix('/') else {
        return Ok(Vec::new());
    };
    rest.split('/')
        .map(|raw| {
            let seg = decode(raw).ok_or_else(|| {
                access_denied("The object key is not valid percent-encoded UTF-8.")
            })?;
            if seg == "." || seg.contains("..") || seg.contains(['/', '\\', '\0']) {
                return Err(access_denied(
                    "Access to this object key is denied: path traversal is not allowed.",
                ));
            }
            Ok(seg)
        })
        .collect()
}

/// Checks path, signature, expiry and network, in the object store's order: the signature
/// before anything that depends on which keys exist, so that every request under a download
/// prefix without a valid signature for exactly its path is refused alike (403), whatever its
/// shape. URLs are signed for `GET` (the object store signs the method too); `HEAD` is let
/// through for convenience, any other method does not match the signature. Returns the file
/// the URL names, not yet looked up.
fn check_url(
    shared: &Shared,
    ctx: &ConnCtx,
    method: &Method,
    path: &str,
    query: &str,
) -> Result<Target, Refusal> {
    let Some((network, rest)) = split_prefix(path) else {
        return Err(no_such_key());
    };
    // `INSTANCE/BACKUP/FILE`, all non-empty, is the only shape a signature is issued for; any
    // other path under the prefix (too few or too many segments, an empty one, a trailing
    // slash) goes on to the signature check, which it fails.
    let key: Option<[String; 3]> = <[String; 3]>::try_from(path_segments(rest)?)
        .ok()
        .filter(|segments| segments.iter().all(|s| !s.is_empty()));

    let mut sign_time = None;
    let mut limit = None;
    let mut ips = None;
    let mut ip_op = None;
    let mut signature = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode(v).ok_or_else(|| access_denied("The query string is not valid."))?;
        match k {
            "q-sign-time" => sign_time = Some(v),
            "q-limit" => limit = Some(v),
            "q-ip" => ips = Some(v),
            "q-ip-op" => ip_op = Some(v),
            "q-signature" => signature = Some(v),
            _ => {}
        }
    }
    let (Some(sign_time), Some(limit), Some(signature)) = (sign_time, limit, signature) else {
        return Err(access_denied("Request is missing its signature."));
    };
    let (start, end) = sign_time
        .split_once(';')
        .and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?)))
        .ok_or_else(|| access_denied("The q-sign-time parameter is malformed."))?;
    let restriction = Restriction {
        limit,
        ips: ips
            .map(|s| {
                s.split(',')
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        ip_op: ip_op.unwrap_or_default(),
    };
    let signed_method = method == Method::GET || method == Method::HEAD;
    let key =
        match key {
            Some(key)
                if signed_method
                    && tencentcloud_transport::sign::constant_time_eq(
                        url_signature(&shared.url_key, network, &key, start, end, &restriction)
                            .as_bytes(),
                        signature.as_bytes(),
                    ) =>
            {
                key
            }
            _ => return Err((
                StatusCode::FORBIDDEN,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided."
                    .to_owned(),
            )),
        };
    let now = unix_now();
    if now >= end || now.saturating_add(60) < start {
        return Err(access_denied("Request has expired"));
    }
    if network == Network::Public {
        match restriction.limit.as_str() {
            "LimitOnlyIntranet" => {
                return Err(access_denied(
                    "This backup may only be downloaded from the private network (LimitOnlyIntranet); use InnerDownloadUrl.",
                ))
            }
            "Customize" => {
                let caller = ctx.remote.ip().to_string();
                let listed = restriction.ips.iter().any(|ip| ip == &caller);
                let allowed = if restriction.ip_op == "NotIn" { !listed } else { listed };
                if !allowed {
                    return Err(access_denied(format!(
                        "The caller address {caller} is not allowed by this backup's custom download restriction."
                    )));
                }
            }
            _ => {}
        }
    }
    let [instance_id, backup_id, file] = key;
    Ok(Target {
        instance_id,
        backup_id,
        file,
    })
}

/// A parsed `Range` header.
enum RangeSpec {
    /// No (usable) range: serve the whole file.
    Full,
    /// Serve `start..=end`.
    Part(u64, u64),
    /// 416.
    Unsatisfiable,
}

/// Single byte ranges only. A malformed or multi-range header is ignored (the whole file is
/// served), as RFC 9110 allows.
fn parse_range(headers: &HeaderMap, size: u64) -> RangeSpec {
    let Some(value) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return RangeSpec::Full;
    };
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeSpec::Full;
    };
    if spec.contains(',') {
        return RangeSpec::Full;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeSpec::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        // Suffix range: the last N bytes.
        let Ok(n) = b.parse::<u64>() else {
            return RangeSpec::Full;
        };
        if n == 0 || size == 0 {
            return RangeSpec::Unsatisfiable;
        }
        return RangeSpec::Part(size.saturating_sub(n), size - 1);
    }
    let Ok(start) = a.parse::<u64>() else {
        return RangeSpec::Full;
    };
    let end = if b.is_empty() {
        u64::MAX
    } else {
        match b.parse::<u64>() {
            Ok(end) if end >= start => end,
            _ => return RangeSpec::Full,
        }
    };
    if start >= size {
        return RangeSpec::Unsatisfiable;
    }
    RangeSpec::Part(start, end.min(size - 1))
}

async fn crc_of(file: &Arc<BackupFile>) -> std::io::Result<u64> {
    if let Some(crc) = file.cached_crc() {
        return Ok(crc);
    }
    let f = Arc::clone(file);
    let crc = tokio::task::spawn_blocking(move || crate::crc64::cos_crc64_file(&f.path))
        .await
        .map_err(std::io::Error::other)??;
    Ok(file.set_crc(crc))
}

/// Serves `GET`/`HEAD` on a download URL.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    ctx: ConnCtx,
    method: Method,
    path: String,
    query: String,
    headers: HeaderMap,
) -> Response<Body> {
    let range_header = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut cut = None;
    let response = serve(&shared, &ctx, &method, &path, &query, &headers, &mut cut).await;
    shared.log(LogEntry {
        method: method.to_string(),
        path,
        range: range_header,
        status: if ctx.is_reset() {
            0
        } else {
            response.status().as_u16()
        },
        action: None,
        error_code: if ctx.is_reset() {
            None
        } else {
            response
                .extensions()
                .get::<ErrorCode>()
                .map(|c| c.0.to_owned())
        },
        secret_id: None,
        cut_after: cut,
    });
    response
}

async fn serve(
    shared: &Arc<Shared>,
    ctx: &ConnCtx,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    cut: &mut Option<u64>,
) -> Response<Body> {
    let refused = |(status, code, message): Refusal| xml_error(status, code, &message, path);
    let target = match check_url(shared, ctx, method, path, query) {
        Ok(t) => t,
        Err(refusal) => return refused(refusal),
    };
    let Some(file) = shared
        .store
        .file(&target.instance_id, &target.backup_id, &target.file)
    else {
        return refused(no_such_key());
    };

    let (draw, latency) = shared.draw_fault(false);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match draw {
        Draw::Http5xx => {
            return xml_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "Please reduce your request rate. (emulated fault)",
                path,
            )
        }
        Draw::ConnectionReset => {
            ctx.reset();
            return xml_error(StatusCode::SERVICE_UNAVAILABLE, "Reset", "", path);
        }
        _ => {}
    }

    let crc = match crc_of(&file).await {
        Ok(crc) => crc,
        Err(e) => {
            return xml_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                &format!("cannot read the backup file: {e}"),
                path,
            )
        }
    };
    let size = file.size;
    let etag = format!("\"{crc:016x}\"");
    // If-Range: the range applies only while the object is unchanged (strong ETag match;
    // a date never matches since no Last-Modified is sent), otherwise the whole file.
    let range_applies = headers
        .get(header::IF_RANGE)
        .map(|v| v.as_bytes() == etag.as_bytes())
        .unwrap_or(true);
    let spec = if range_applies {
        parse_range(headers, size)
    } else {
        RangeSpec::Full
    };
    let (status, start, len) = match spec {
        RangeSpec::Full => (StatusCode::OK, 0, size),
        RangeSpec::Part(s, e) => (StatusCode::PARTIAL_CONTENT, s, e - s + 1),
        RangeSpec::Unsatisfiable => {
            let mut r = xml_error(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "InvalidRange",
                "The requested range is not satisfiable",
                path,
            );
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
    };

    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        let stream = match FileStream::open(&file.path, start, len).await {
            Ok(stream) => stream,
            Err(e) => {
                return xml_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalError",
                    &format!("cannot read the backup file: {e}"),
                    path,
                )
            }
        };
        *cut = shared.download_cut(len);
        match *cut {
            Some(after) => Body::from_stream(CutStream::new(stream, after)),
            None => Body::from_stream(stream),
        }
    };

    let mut response = Response::new(body);
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let values = [
        (header::CONTENT_LENGTH.as_str(), len.to_string()),
        (header::ETAG.as_str(), etag),
        ("x-cos-hash-crc64ecma", crc.to_string()),
        ("x-cos-request-id", uuid::Uuid::new_v4().to_string()),
    ];
    for (name, value) in values {
        if let Ok(v) = HeaderValue::from_str(&value) {
            if let Ok(n) = header::HeaderName::from_bytes(name.as_bytes()) {
                h.insert(n, v);
            }
        }
    }
    if status == StatusCode::PARTIAL_CONTENT {
        if let Ok(v) = HeaderValue::from_str(&format!(
            "bytes {start}-{}/{size}",
            start + len.saturating_sub(1)
        )) {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    response
}

/// Bytes the reader thread reads at a time. Large pieces keep hand-offs between the reader and
/// the connection rare: 64 KiB reads through `tokio::fs` made the emulator, not the client,
/// the limit of download benchmarks on two cores (bench/NOTES.md).
const READ_PIECE: usize = 1 << 20;

/// A body of `len` bytes of a file from `start`, read on the blocking pool one piece ahead of
/// the connection. The reader holds a blocking-pool thread while the body is sent and stops
/// when the connection goes away.
struct FileStream {
    pieces: tokio::sync::mpsc::Receiver<io::Result<Bytes>>,
}

impl FileStream {
    async fn open(path: &std::path::Path, start: u64, len: u64) -> io::Result<Self> {
        let mut file = tokio::fs::File::open(path).await?.into_std().await;
        // lseek only moves the offset: it does not wait for the disk.
        file.seek(SeekFrom::Start(start))?;
        let (tx, pieces) = tokio::sync::mpsc::channel(1);
        tokio::task::spawn_blocking(move || {
            let mut left = len;
            while left > 0 {
                let want = usize::try_from(left).map_or(READ_PIECE, |l| l.min(READ_PIECE));
                let mut piece = Vec::with_capacity(want);
                let item = match (&mut file).take(want as u64).read_to_end(&mut piece) {
                    Ok(0) => Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the backup file is shorter than its recorded size",
                    )),
                    Ok(n) => {
                        left -= n as u64;
                        Ok(Bytes::from(piece))
                    }
                    Err(e) => Err(e),
                };
                let failed = item.is_err();
                if tx.blocking_send(item).is_err() || failed {
                    return;
                }
            }
        });
        Ok(Self { pieces })
    }
}

impl Stream for FileStream {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.pieces.poll_recv(cx)
    }
}

/// Passes through at most `left` bytes, then (after a short pause so they are flushed) fails,
/// which makes the server drop the connection mid-body.
struct CutStream<S> {
    inner: S,
    left: u64,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
    done: bool,
}

impl<S> CutStream<S> {
    fn new(inner: S, left: u64) -> Self {
        Self {
            inner,
            left,
            pause: None,
            done: false,
        }
    }
}

impl<S> Stream for CutStream<S>
where
    S: Stream<Item = std::io::Result<Bytes>> + Unpin,
{
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        if this.left == 0 {
            let pause = this
                .pause
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(Duration::from_millis(50))));
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.done = true;
            return Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "emulated fault: download cut",
            ))));
        }
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(mut chunk))) => {
                if chunk.len() as u64 > this.left {
                    chunk.truncate(this.left as usize);
                }
                this.left -= chunk.len() as u64;
                Poll::Ready(Some(Ok(chunk)))
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn garbage(rng: &mut fastrand::Rng) -> String {
        const ALPHABET: &[char] = &[
            'a', 'Z', '0', '9', '-', '=', ',', ';', '%', '/', '.', '&', '?', ' ', '+', 'é', '\\',
            '\0', 'b', 'y', 't', 'e', 's',
        ];
        let len = rng.usize(..40);
        (0..len)
            .map(|_| ALPHABET[rng.usize(..ALPHABET.len())])
            .collect()
    }

    #[test]
    fn range_parsing() {
        let mut h = HeaderMap::new();
        let mut check = |v: &str, size: u64| {
            h.insert(header::RANGE, HeaderValue::from_str(v).unwrap());
            match parse_range(&h, size) {
                RangeSpec::Full => "full".to_owned(),
                RangeSpec::Part(a, b) => format!("{a}-{b}"),
                RangeSpec::Unsatisfiable => "416".to_owned(),
            }
        };
        assert_eq!(check("bytes=0-9", 100), "0-9");
        assert_eq!(check("bytes=90-", 100), "90-99");
        assert_eq!(check("bytes=-5", 100), "95-99");
        assert_eq!(check("bytes=-500", 100), "0-99");
        assert_eq!(check("bytes=50-5000", 100), "50-99");
        assert_eq!(check("bytes=100-", 100), "416");
        assert_eq!(check("bytes=0-0", 0), "416");
        assert_eq!(check("bytes=-0", 100), "416");
        assert_eq!(check("bytes=5-1", 100), "full");
        assert_eq!(check("bytes=0-1,3-4", 100), "full");
        assert_eq!(check("items=0-1", 100), "full");
        assert_eq!(check("bytes=x-1", 100), "full");
        assert_eq!(check("bytes=18446744073709551615-", 100), "416");
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = fastrand::Rng::with_seed(1);
        let mut h = HeaderMap::new();
        for _ in 0..20_000 {
            let g = garbage(&mut rng);
            let _ = decode(&g);
            let _ = encode(&g);
            if let Ok(v) = HeaderValue::from_str(&format!("bytes={g}")) {
                h.insert(header::RANGE, v);
                for size in [0, 1, 100] {
                    if let RangeSpec::Part(a, b) = parse_range(&h, size) {
                        assert!(a <= b && b < size);
                    }
                }
            }
        }
    }

    #[test]
    fn prefixes_end_at_a_segment_boundary() {
        let split = |p| split_prefix(p).map(|(n, rest)| (n.as_str(), rest));
        assert_eq!(split("/backups"), Some(("public", "")));
        assert_eq!(split("/backups/"), Some(("public", "/")));
        assert_eq!(split("/backups/a/b/c"), Some(("public", "/a/b/c")));
        assert_eq!(split("/internal/backups"), Some(("inner", "")));
        assert_eq!(split("/internal/backups//x"), Some(("inner", "//x")));
        assert_eq!(split("/backupsX/a/b/c"), None);
        assert_eq!(split("/internal/backupsX"), None);
        assert_eq!(split("/internal/"), None);
        assert_eq!(split("/Backups/a/b/c"), None);
        assert_eq!(split("/"), None);
    }

    #[test]
    fn segments_keep_empty_ones_and_refuse_traversal() {
        let segs = |r| path_segments(r).map_err(|(status, code, _)| (status.as_u16(), code));
        assert_eq!(segs(""), Ok(vec![]));
        assert_eq!(segs("/"), Ok(vec![String::new()]));
        assert_eq!(
            segs("/a//b%20c/"),
            Ok(["a", "", "b c", ""].map(String::from).to_vec())
        );
        for bad in [
            "/.", "/a/..", "/%2e%2E", "/a..b", "/a%2fb", "/a%5Cb", "/a\\b", "/%00", "/%ff",
        ] {
            assert_eq!(segs(bad), Err((403, "AccessDenied")), "{bad}");
        }
    }

    #[test]
    fn percent_coding_round_trips() {
        for s in ["crs-4y9t57vt", "a b/c%d", "名字.rdb", ""] {
            assert_eq!(decode(&encode(s)).as_deref(), Some(s));
        }
        assert_eq!(decode("%2e%2E"), Some("..".to_owned()));
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode("%4"), None);
        assert_eq!(decode("%ff"), None);
    }
}
