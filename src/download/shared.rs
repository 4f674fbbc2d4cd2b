//! What the file tasks of one download share: the checked entries of `BackupInfos`, the HTTP
//! client, and the book of signed URLs. The book is replaced as a whole when a `403` makes
//! one task ask `DescribeBackupUrl` again, so the other tasks that hit the same expiry use
//! the fresh URLs instead of asking too.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use tencentcloud_transport::Client;
use tokio::sync::Mutex;

use super::error::DownloadError;
use super::names::{check_file_name, name_from_url, PART_SUFFIX};
use super::options::DownloadOptions;
use super::progress::ProgressEvent;
use crate::error_chain::Chain;
use crate::{DescribeBackupUrlRequest, DescribeBackupUrlResponse};

/// One entry of `BackupInfos`, checked.
pub(super) struct Entry {
    /// The name as sent (or derived from the URL).
    pub(super) raw_name: String,
    /// `Ok(final path)` or why the name was refused.
    pub(super) target: Result<PathBuf, DownloadError>,
    pub(super) expected: Option<u64>,
}

/// The current URLs, replaced as a whole when refreshed.
struct UrlBook {
    generation: u64,
    urls: Vec<Option<String>>,
}

/// State shared by the file tasks.
pub(crate) struct Shared {
    client: Client,
    instance_id: String,
    backup_id: String,
    pub(super) options: DownloadOptions,
    pub(super) http: reqwest::Client,
    pub(super) entries: Vec<Entry>,
    book: Mutex<UrlBook>,
    refreshes: AtomicU32,
}

fn urls_of(response: &DescribeBackupUrlResponse, inner: bool) -> Vec<Option<String>> {
    response
        .backup_infos
        .iter()
        .map(|info| {
            if inner {
                info.inner_download_url.clone()
            } else {
                info.download_url.clone()
            }
            .filter(|u| !u.is_empty())
        })
        .collect()
}

fn raw_name_of(info: &crate::types::BackupDownloadInfo, index: usize) -> String {
    info.file_name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| {
            info.download_url
                .as_deref()
                .or(info.inner_download_url.as_deref())
                .and_then(name_from_url)
        })
        .unwrap_or_else(|| format!("<file {} without a name>", index + 1))
}

impl Shared {
    pub(crate) fn new(
        client: Client,
        instance_id: &str,
        backup_id: &str,
        out_dir: PathBuf,
        options: DownloadOptions,
        response: &DescribeBackupUrlResponse,
    ) -> Result<Arc<Self>, DownloadError> {
        let http = match &options.http_client {
            Some(c) => c.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(options.connect_timeout)
                .build()
                .map_err(|e| DownloadError::Io {
                    path: out_dir.clone(),
                    action: "create an HTTP client for",
                    source: io::Error::other(e.without_url()),
                })?,
        };
        let raw: Vec<String> = response
            .backup_infos
            .iter()
            .enumerate()
            .map(|(i, info)| raw_name_of(info, i))
            .collect();
        let mut entries = Vec::with_capacity(raw.len());
        for (i, info) in response.backup_infos.iter().enumerate() {
            let name = &raw[i];
            let duplicate = raw.iter().enumerate().any(|(j, other)| {
                j != i
                    && (other == name
                        || other.strip_suffix(PART_SUFFIX) == Some(name.as_str())
                        || name.strip_suffix(PART_SUFFIX) == Some(other.as_str()))
            });
            let target = match check_file_name(name) {
                Err(reason) => Err(DownloadError::UnsafeFileName {
                    name: name.clone(),
                    reason,
                }),
                Ok(_) if duplicate => Err(DownloadError::DuplicateFileName { name: name.clone() }),
                Ok(ok) => Ok(out_dir.join(ok)),
            };
            let expected = info.file_size.and_then(|s| u64::try_from(s).ok());
            entries.push(Entry {
                raw_name: name.clone(),
                target,
                expected,
            });
        }
        let urls = urls_of(response, options.inner);
        Ok(Arc::new(Self {
            client,
            instance_id: instance_id.to_owned(),
            backup_id: backup_id.to_owned(),
            options,
            http,
            entries,
            book: Mutex::new(UrlBook {
                generation: 0,
                urls,
            }),
            refreshes: AtomicU32::new(0),
        }))
    }

    pub(crate) fn emit(&self, event: &ProgressEvent<'_>) {
        if let Some(cb) = &self.options.progress {
            cb(event);
        }
    }

    pub(crate) fn listing(&self) -> Vec<(String, Option<u64>)> {
        self.entries
            .iter()
            .map(|e| (e.raw_name.clone(), e.expected))
            .collect()
    }

    pub(crate) fn refreshes(&self) -> u32 {
        self.refreshes.load(Ordering::Relaxed)
    }

    pub(super) async fn url(&self, index: usize) -> (u64, Option<String>) {
        let book = self.book.lock().await;
        (book.generation, book.urls.get(index).cloned().flatten())
    }

    /// Fetches fresh URLs unless another task already did since `seen_generation`.
    /// Returns `false` when the refresh budget is spent or the call failed.
    pub(super) async fn refresh(&self, seen_generation: u64) -> bool {
        let mut book = self.book.lock().await;
        if book.generation > seen_generation {
            return true;
        }
        let done = self.refreshes.load(Ordering::Relaxed);
        if done >= self.options.max_url_refreshes || self.options.retry.max_attempts() <= 1 {
            return false;
        }
        self.refreshes.store(done + 1, Ordering::Relaxed);
        tracing::info!(
            refresh = done + 1,
            "a download URL was rejected with 403; asking DescribeBackupUrl for fresh URLs"
        );
        match describe(
            &self.client,
            &self.instance_id,
            &self.backup_id,
            &self.options,
        )
        .await
        {
            Ok(response) => {
                // Match by name: the order could change between answers.
                let fresh = urls_of(&response, self.options.inner);
                let mut urls = vec![None; self.entries.len()];
                for (j, info) in response.backup_infos.iter().enumerate() {
                    let name = raw_name_of(info, j);
                    if let Some(i) = self.entries.iter().position(|e| e.raw_name == name) {
                        urls[i] = fresh[j].clone();
                    }
                }
                book.urls = urls;
                book.generation += 1;
                self.emit(&ProgressEvent::UrlsRefreshed {
                    refreshes: done + 1,
                    request_id: &response.request_id,
                });
                true
            }
            Err(e) => {
                tracing::warn!(error = %Chain(&e), "DescribeBackupUrl failed while refreshing URLs");
                false
            }
        }
    }
}

/// Asks `DescribeBackupUrl` for the backup's files and their signed URLs.
pub(super) async fn describe(
    client: &Client,
    instance_id: &str,
    backup_id: &str,
    options: &DownloadOptions,
) -> Result<DescribeBackupUrlResponse, DownloadError> {
    client
        .send_with(
            DescribeBackupUrlRequest::new(instance_id, backup_id),
            options.call_options.clone(),
        )
        .await
        .map_err(DownloadError::Api)
}
