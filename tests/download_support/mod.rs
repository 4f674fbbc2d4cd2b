//! A tiny, fully scriptable HTTP server for the download tests: it answers
//! `DescribeBackupUrl` (without checking signatures; the emulator tests do that) and serves
//! files with `Range`, `ETag` and `x-cos-hash-crc64ecma`, with faults on demand: cut
//! connections, expired URLs, ignored ranges, stalls, wrong checksums or sizes.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tencentcloud_redis::download::Crc64;
use tencentcloud_redis::{Client, Credentials, Endpoint, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One file the server offers.
#[derive(Clone)]
pub struct FileSpec {
    pub name: String,
    pub data: Vec<u8>,
    /// `FileSize` in the API answer (default: the real size).
    pub advertised_size: Option<i64>,
    /// What `x-cos-hash-crc64ecma` says: `Some(real)` by default, `None` to leave it out.
    pub crc_header: Option<u64>,
}

impl FileSpec {
    pub fn new(name: &str, len: usize, seed: u8) -> Self {
        let data: Vec<u8> = (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 9) as u8)
            .collect();
        let crc = Crc64::checksum(&data);
        Self {
            name: name.to_owned(),
            advertised_size: Some(len as i64),
            crc_header: Some(crc),
            data,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub range: Option<String>,
    pub status: u16,
}

#[derive(Default)]
pub struct State {
    pub files: Vec<FileSpec>,
    /// URLs from describe answers numbered below this are expired (403).
    pub expired_before: u64,
    describes: u64,
    /// An error code and message to answer DescribeBackupUrl with.
    pub describe_error: Option<(String, String)>,
    /// Close file responses after this many body bytes, `cut_times` times.
    pub cut_after: Option<usize>,
    pub cut_times: u32,
    /// Answer this many range requests with 200 and the whole file.
    pub ignore_range_times: u32,
    /// Wait this long after the headers of this many file responses.
    pub stall: Option<Duration>,
    pub stall_times: u32,
    /// Delay every file response (to observe concurrency).
    pub latency: Option<Duration>,
    /// Answer this many file requests with 503.
    pub unavailable_times: u32,
    /// After this many responses that serve the first file, it is replaced by this one (the
    /// object changed on the storage: new bytes, new CRC-64).
    pub replace_first_after: Option<(u32, FileSpec)>,
    pub active: usize,
    pub max_active: usize,
    pub log: Vec<Logged>,
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<State>>,
}

impl TestServer {
    pub async fn start(files: Vec<FileSpec>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            files,
            ..State::default()
        }));
        let st = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let st = st.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, addr, st).await;
                });
            }
        });
        Self { addr, state }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn client(&self) -> Client {
        Client::builder()
            .region("ap-guangzhou")
            .endpoint(Endpoint::Url(self.endpoint()))
            .credentials(Credentials::new("AKIDtest", "test-key"))
            .retry(RetryPolicy::disabled())
            .build()
            .unwrap()
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }

    pub fn log(&self) -> Vec<Logged> {
        self.with(|s| s.log.clone())
    }

    pub fn gets(&self) -> Vec<Logged> {
        self.log()
            .into_iter()
            .filter(|l| l.method == "GET")
            .collect()
    }

    pub fn describes(&self) -> usize {
        self.log().iter().filter(|l| l.method == "POST").count()
    }
}

async fn read_head(
    stream: &mut TcpStream,
) -> std::io::Result<(String, Vec<(String, String)>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut tmp).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = buf[head_end + 4..].to_vec();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while body.len() < len {
        let n = stream.read(&mut tmp).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    Ok((request_line, headers, body))
}

async fn serve(
    mut stream: TcpStream,
    addr: SocketAddr,
    st: Arc<Mutex<State>>,
) -> std::io::Result<()> {
    let (request_line, headers, _body) = read_head(&mut stream).await?;
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let range = headers
        .iter()
        .find(|(k, _)| k == "range")
        .map(|(_, v)| v.clone());
    let log = |status: u16| {
        st.lock().unwrap().log.push(Logged {
            method: method.clone(),
            path: path.to_owned(),
            range: range.clone(),
            status,
        })
    };
    if method == "POST" {
        let body = {
            let mut s = st.lock().unwrap();
            let n = s.describes;
            s.describes += 1;
            match &s.describe_error {
                Some((code, message)) => serde_json::json!({"Response": {
                    "Error": {"Code": code, "Message": message},
                    "RequestId": format!("req-{n}")}}),
                None => {
                    let infos: Vec<_> = s
                        .files
                        .iter()
                        .enumerate()
                        .map(|(i, f)| {
                            let url =
                                format!("http://{addr}/f/{i}?sign=q-signature%3Dsecret{n}&gen={n}");
                            serde_json::json!({
                                "FileName": f.name,
                                "FileSize": f.advertised_size,
                                "DownloadUrl": url,
                                "InnerDownloadUrl": url.replace("/f/", "/inner/f/"),
                            })
                        })
                        .collect();
                    serde_json::json!({"Response": {"BackupInfos": infos, "RequestId": format!("req-{n}")}})
                }
            }
        };
        log(200);
        let body = body.to_string();
        let resp = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            body.len(),
            body
        );
        stream.write_all(resp.as_bytes()).await?;
        return stream.shutdown().await;
    }

    let index: Option<usize> = path
        .strip_prefix("/inner")
        .unwrap_or(path)
        .strip_prefix("/f/")
        .and_then(|i| i.parse().ok());
    let generation: u64 = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("gen="))
        .and_then(|g| g.parse().ok())
        .unwrap_or(0);
    enum Plan {
        Status(u16),
        Serve {
            data: Vec<u8>,
            crc: Option<u64>,
            cut: Option<usize>,
            stall: Option<Duration>,
            honour_range: bool,
        },
    }
    let (plan, latency) = {
        let mut s = st.lock().unwrap();
        let latency = s.latency;
        let plan = match index.and_then(|i| s.files.get(i).cloned()) {
            None => Plan::Status(404),
            Some(_) if generation < s.expired_before => Plan::Status(403),
            Some(_) if s.unavailable_times > 0 => {
                s.unavailable_times -= 1;
                Plan::Status(503)
            }
            Some(mut f) => {
                if index == Some(0) {
                    match s.replace_first_after.take() {
                        Some((0, spec)) => {
                            s.files[0] = spec.clone();
                            f = spec;
                        }
                        Some((left, spec)) => s.replace_first_after = Some((left - 1, spec)),
                        None => {}
                    }
                }
                let cut = if s.cut_times > 0 && s.cut_after.is_some() {
                    s.cut_times -= 1;
                    s.cut_after
                } else {
                    None
                };
                let stall = if s.stall_times > 0 {
                    s.stall_times -= 1;
                    s.stall
                } else {
                    None
                };
                let honour_range = if range.is_some() && s.ignore_range_times > 0 {
                    s.ignore_range_times -= 1;
                    false
                } else {
                    true
                };
                Plan::Serve {
                    data: f.data,
                    crc: f.crc_header,
                    cut,
                    stall,
                    honour_range,
                }
            }
        };
        s.active += 1;
        s.max_active = s.max_active.max(s.active);
        (plan, latency)
    };
    if let Some(l) = latency {
        tokio::time::sleep(l).await;
    }
    let result = async {
        match plan {
            Plan::Status(code) => {
                log(code);
                let resp = format!(
                    "HTTP/1.1 {code} Nope\r\nContent-Length: 7\r\nConnection: close\r\n\r\nrefused"
                );
                stream.write_all(resp.as_bytes()).await?;
            }
            Plan::Serve {
                data,
                crc,
                cut,
                stall,
                honour_range,
            } => {
                let total = data.len();
                let start = match (&range, honour_range) {
                    (Some(r), true) => r
                        .strip_prefix("bytes=")
                        .and_then(|r| r.split_once('-'))
                        .and_then(|(a, _)| a.parse::<usize>().ok()),
                    _ => None,
                };
                let end_incl = match (&range, honour_range) {
                    (Some(r), true) => r
                        .strip_prefix("bytes=")
                        .and_then(|r| r.split_once('-'))
                        .and_then(|(_, b)| b.parse::<usize>().ok()),
                    _ => None,
                };
                let mut head = String::new();
                let body: &[u8] = match start {
                    Some(a) if a >= total => {
                        log(416);
                        let resp = format!("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{total}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        stream.write_all(resp.as_bytes()).await?;
                        return stream.shutdown().await;
                    }
                    Some(a) => {
                        let b = end_incl.unwrap_or(total - 1).min(total - 1);
                        log(206);
                        head.push_str("HTTP/1.1 206 Partial Content\r\n");
                        head.push_str(&format!("Content-Range: bytes {a}-{b}/{total}\r\n"));
                        &data[a..=b]
                    }
                    None => {
                        log(200);
                        head.push_str("HTTP/1.1 200 OK\r\n");
                        &data[..]
                    }
                };
                head.push_str(&format!("Content-Length: {}\r\n", body.len()));
                head.push_str("ETag: \"etag-1\"\r\nAccept-Ranges: bytes\r\nConnection: close\r\n");
                if let Some(crc) = crc {
                    head.push_str(&format!("x-cos-hash-crc64ecma: {crc}\r\n"));
                }
                head.push_str("\r\n");
                stream.write_all(head.as_bytes()).await?;
                if let Some(stall) = stall {
                    tokio::time::sleep(stall).await;
                }
                let send = cut.map(|c| c.min(body.len())).unwrap_or(body.len());
                for chunk in body[..send].chunks(16 * 1024) {
                    stream.write_all(chunk).await?;
                }
                if cut.is_some() {
                    // Drop the connection mid-body.
                    stream.flush().await?;
                    return Ok(());
                }
            }
        }
        stream.shutdown().await
    }
    .await;
    st.lock().unwrap().active -= 1;
    result
}
