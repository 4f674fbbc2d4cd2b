//! One attempt of a transfer: a `GET` (with `Range` and `If-Range` when continuing), the
//! checks of the answer's status and headers, and its body streamed into the part file.

use reqwest::header::{ETAG, IF_RANGE, RANGE};
use reqwest::StatusCode;

use super::{Step, Transfer};
use crate::download::error::{io_err, DownloadError, VerifyError};
use crate::download::headers::{content_length, parse_content_range, remote_crc};
use crate::download::part::PartWriter;
use crate::download::progress::ProgressEvent;
use crate::download::redact::redact_url;

impl Transfer<'_> {
    /// Sends one `GET` and streams its body into `file`; the [`Step`] says what comes next.
    pub(super) async fn attempt(&mut self, file: &mut PartWriter) -> Step {
        let (generation, url) = self.shared.url(self.index).await;
        let Some(url) = url else {
            return Step::Fatal(DownloadError::MissingUrl {
                name: self.name.to_owned(),
                inner: self.shared.options.inner,
            });
        };
        let shown = redact_url(&url);
        let mut request = self.shared.http.get(&url);
        if self.offset > 0 {
            request = request.header(RANGE, format!("bytes={}-", self.offset));
            if let Some(etag) = &self.etag {
                request = request.header(IF_RANGE, etag.clone());
            }
        }
        self.emit(&ProgressEvent::FileStarted {
            index: self.index,
            name: self.name,
            total: self.expected,
            offset: self.offset,
        });
        tracing::debug!(file = %self.name, url = %shown, offset = self.offset, "GET");
        let timeout = self.shared.options.stall_timeout;
        let response = match tokio::time::timeout(timeout, request.send()).await {
            Err(_) => {
                return Step::Retry {
                    error: DownloadError::Stalled {
                        name: self.name.to_owned(),
                        url: shown,
                        timeout,
                    },
                    progress: false,
                }
            }
            Ok(Err(e)) => {
                return Step::Retry {
                    error: DownloadError::Network {
                        name: self.name.to_owned(),
                        url: shown,
                        source: e.without_url(),
                    },
                    progress: false,
                }
            }
            Ok(Ok(r)) => r,
        };
        let status = response.status();
        let headers = response.headers().clone();
        let protocol = |detail: String| {
            Step::Fatal(DownloadError::Protocol {
                name: self.name.to_owned(),
                url: redact_url(&url),
                detail,
            })
        };
        // How many body bytes this response must deliver.
        let body_len: u64;
        match status {
            StatusCode::OK => {
                if self.offset > 0 {
                    if let Err(e) = self
                        .restart(file, "the server answered 200 to a range request")
                        .await
                    {
                        return Step::Fatal(e);
                    }
                }
                let Some(len) = content_length(&headers) else {
                    return protocol("no Content-Length in a 200 answer".into());
                };
                if let Some(expected) = self.expected {
                    if len != expected {
                        return Step::Fatal(DownloadError::Verification {
                            name: self.name.to_owned(),
                            reason: VerifyError::Size {
                                expected_from: "FileSize",
                                expected,
                                actual: len,
                            },
                        });
                    }
                }
                self.expected = Some(len);
                body_len = len;
            }
            StatusCode::PARTIAL_CONTENT => {
                let Some((start, end, total)) = parse_content_range(&headers) else {
                    return protocol(
                        "a 206 answer without a valid `Content-Range: bytes START-END/TOTAL`"
                            .into(),
                    );
                };
                if start != self.offset {
                    return protocol(format!(
                        "asked for bytes from {}, the Content-Range starts at {start}",
                        self.offset
                    ));
                }
                if end + 1 != total {
                    return protocol(format!(
                        "asked for bytes {}- (to the end), got {start}-{end} of {total}",
                        self.offset
                    ));
                }
                if let Some(expected) = self.expected {
                    if total != expected {
                        return Step::Fatal(DownloadError::Verification {
                            name: self.name.to_owned(),
                            reason: VerifyError::Size {
                                expected_from: "FileSize",
                                expected,
                                actual: total,
                            },
                        });
                    }
                }
                let len = total - start;
                if let Some(cl) = content_length(&headers) {
                    if cl != len {
                        return protocol(format!(
                            "Content-Length {cl} does not match Content-Range {start}-{end}/{total}"
                        ));
                    }
                }
                self.expected = Some(total);
                body_len = len;
            }
            StatusCode::RANGE_NOT_SATISFIABLE => {
                // The part file is longer than the object or already complete.
                let error = DownloadError::Http {
                    name: self.name.to_owned(),
                    url: shown,
                    status: 416,
                };
                return self
                    .start_over(file, "the server answered 416 to a range request", error)
                    .await;
            }
            StatusCode::FORBIDDEN => {
                return Step::Expired {
                    url: shown,
                    generation,
                }
            }
            other => {
                return Step::Retry {
                    error: DownloadError::Http {
                        name: self.name.to_owned(),
                        url: shown,
                        status: other.as_u16(),
                    },
                    progress: false,
                }
            }
        }
        match remote_crc(&headers) {
            Err(detail) => return protocol(detail),
            Ok(Some(crc)) => {
                if self.remote_crc.is_some_and(|old| old != crc) {
                    // The object changed between responses: start over.
                    let error = DownloadError::Truncated {
                        name: self.name.to_owned(),
                        url: shown,
                        received: 0,
                        expected: self.expected.unwrap_or(0),
                    };
                    return self
                        .start_over(file, "the object's CRC-64 changed between requests", error)
                        .await;
                }
                self.remote_crc = Some(crc);
            }
            Ok(None) => {}
        }
        if let Some(etag) = headers.get(ETAG).and_then(|v| v.to_str().ok()) {
            self.etag = Some(etag.to_owned());
        }

        let start_offset = self.offset;
        let end = self.offset + body_len;
        let mut response = response;
        loop {
            let chunk = match tokio::time::timeout(timeout, response.chunk()).await {
                Err(_) => {
                    return Step::Retry {
                        error: DownloadError::Stalled {
                            name: self.name.to_owned(),
                            url: shown,
                            timeout,
                        },
                        progress: self.offset > start_offset,
                    }
                }
                Ok(Err(e)) => {
                    return Step::Retry {
                        error: DownloadError::Network {
                            name: self.name.to_owned(),
                            url: shown,
                            source: e.without_url(),
                        },
                        progress: self.offset > start_offset,
                    }
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => chunk,
            };
            if self.offset + chunk.len() as u64 > end {
                return Step::Fatal(DownloadError::Verification {
                    name: self.name.to_owned(),
                    reason: VerifyError::Size {
                        expected_from: "Content-Length",
                        expected: end,
                        actual: self.offset + chunk.len() as u64,
                    },
                });
            }
            let len = chunk.len() as u64;
            if let Err(e) = file.write(&chunk).await {
                return Step::Fatal(io_err(&self.part_path, "write")(e));
            }
            self.offset += len;
            self.transferred += len;
            self.emit(&ProgressEvent::FileProgress {
                index: self.index,
                name: self.name,
                downloaded: self.offset,
                total: self.expected,
            });
        }
        if self.offset < end {
            return Step::Retry {
                error: DownloadError::Truncated {
                    name: self.name.to_owned(),
                    url: shown,
                    received: self.offset,
                    expected: end,
                },
                progress: self.offset > start_offset,
            };
        }
        Step::Complete
    }
}
