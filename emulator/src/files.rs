//! The download endpoint: serving a backup file (whole or one byte range, with the object
//! store's headers and checksum) once its URL checked out, with the download faults.

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

use crate::conn::ConnCtx;
use crate::faults::Draw;
use crate::log::LogEntry;
use crate::state::State;
use crate::store::BackupFile;
use crate::urls::{self, Refusal};

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
    state: Arc<State>,
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
    let response = serve(&state, &ctx, &method, &path, &query, &headers, &mut cut).await;
    state.log.push(LogEntry {
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
    state: &Arc<State>,
    ctx: &ConnCtx,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    cut: &mut Option<u64>,
) -> Response<Body> {
    let refused = |r: Refusal| xml_error(r.status, r.code, &r.message, path);
    let target = match urls::check_url(state, ctx, method, path, query) {
        Ok(t) => t,
        Err(refusal) => return refused(refusal),
    };
    let Some(file) = state
        .store
        .file(&target.instance_id, &target.backup_id, &target.file)
    else {
        return refused(urls::no_such_key());
    };

    let (draw, latency) = state.draw_fault(false);
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
        *cut = state.download_cut(len);
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
    use crate::urls::tests::garbage;

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
    fn garbage_ranges_never_panic() {
        let mut rng = fastrand::Rng::with_seed(1);
        let mut h = HeaderMap::new();
        for _ in 0..20_000 {
            let g = garbage(&mut rng);
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
}
