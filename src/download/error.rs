//! Why a download, or one of its files, failed: [`DownloadError`], its broad class
//! ([`DownloadErrorKind`]) and what a verification found ([`VerifyError`]).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::crc::CRC64_HEADER;
use crate::DescribeBackupUrlError;

/// What went wrong. `Display` is one line naming the file, the redacted URL and what was
/// expected; it never contains a URL signature. Like the transport's errors, `Display` says
/// only what failed at this level: the cause (the API call's error, the I/O or network error)
/// is the [`source`](std::error::Error::source), so print the whole chain to show it.
#[derive(Debug)]
#[non_exhaustive]
pub enum DownloadError {
    /// The `DescribeBackupUrl` call failed (service error, credentials, network, ...).
    Api(tencentcloud_transport::Error<DescribeBackupUrlError>),
    /// `BackupInfos` was empty.
    NoFiles {
        /// The instance asked about.
        instance_id: String,
        /// The backup asked about.
        backup_id: String,
    },
    /// The output folder could not be used.
    OutDir {
        /// The folder.
        path: PathBuf,
        /// What failed, e.g. "create" or "write into".
        action: &'static str,
        /// The cause.
        source: io::Error,
    },
    /// The service sent a file name that is not a plain file name; nothing was written.
    UnsafeFileName {
        /// The name as sent (print it with `{:?}`).
        name: String,
        /// Which rule it broke.
        reason: &'static str,
    },
    /// Two files of the backup have the same name.
    DuplicateFileName {
        /// The name.
        name: String,
    },
    /// A file has no download URL of the requested kind.
    MissingUrl {
        /// The file name.
        name: String,
        /// Whether the inner (private network) URL was asked for.
        inner: bool,
    },
    /// Reading or writing a local file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// What failed, e.g. "write".
        action: &'static str,
        /// The cause.
        source: io::Error,
    },
    /// The storage answered with an unexpected HTTP status.
    Http {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The storage kept answering `403` after fresh URLs were fetched.
    UrlExpired {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// How many refreshes were made.
        refreshes: u32,
    },
    /// The connection failed or broke.
    Network {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// The cause, without its URL.
        source: reqwest::Error,
    },
    /// No byte arrived for the stall timeout.
    Stalled {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// The timeout.
        timeout: Duration,
    },
    /// The connection closed before the whole body arrived.
    Truncated {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// Bytes on disk.
        received: u64,
        /// Bytes expected.
        expected: u64,
    },
    /// The storage's answer does not follow HTTP range semantics (e.g. a `Content-Range`
    /// that does not match the request).
    Protocol {
        /// The file name.
        name: String,
        /// The redacted URL.
        url: String,
        /// What was wrong.
        detail: String,
    },
    /// The downloaded bytes do not match what was announced.
    Verification {
        /// The file name.
        name: String,
        /// What did not match.
        reason: VerifyError,
    },
}

/// A verification failure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// Two sizes disagree.
    Size {
        /// Where the expected size came from, e.g. "FileSize" or "Content-Length".
        expected_from: &'static str,
        /// The expected size.
        expected: u64,
        /// What was found instead.
        actual: u64,
    },
    /// The CRC-64 of the bytes differs from the storage's `x-cos-hash-crc64ecma`.
    Crc64 {
        /// The storage's value.
        expected: u64,
        /// The value of the bytes on disk.
        actual: u64,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Size {
                expected_from,
                expected,
                actual,
            } => write!(
                f,
                "size mismatch: {expected_from} says {expected} bytes, got {actual}"
            ),
            VerifyError::Crc64 { expected, actual } => write!(
                f,
                "CRC-64 mismatch: the storage's {CRC64_HEADER} is {expected}, the downloaded bytes give {actual}"
            ),
        }
    }
}

/// The broad class of a [`DownloadError`], for exit codes and retry decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DownloadErrorKind {
    /// The `DescribeBackupUrl` call failed; inspect [`DownloadError::Api`].
    Api,
    /// The network or the storage failed (connection, stall, HTTP status, expired URL).
    Network,
    /// The data or the service's answer is wrong: size or checksum mismatch, unsafe or
    /// duplicate names, a missing URL, no files, broken range semantics.
    Verification,
    /// The local file system failed: the output folder or a file could not be written.
    LocalIo,
}

impl DownloadError {
    /// The class of this error.
    pub fn kind(&self) -> DownloadErrorKind {
        match self {
            DownloadError::Api(_) => DownloadErrorKind::Api,
            DownloadError::Http { .. }
            | DownloadError::UrlExpired { .. }
            | DownloadError::Network { .. }
            | DownloadError::Stalled { .. }
            | DownloadError::Truncated { .. } => DownloadErrorKind::Network,
            DownloadError::NoFiles { .. }
            | DownloadError::UnsafeFileName { .. }
            | DownloadError::DuplicateFileName { .. }
            | DownloadError::MissingUrl { .. }
            | DownloadError::Protocol { .. }
            | DownloadError::Verification { .. } => DownloadErrorKind::Verification,
            DownloadError::OutDir { .. } | DownloadError::Io { .. } => DownloadErrorKind::LocalIo,
        }
    }

    /// Whether trying the same file again may help.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            DownloadError::Network { .. }
            | DownloadError::Stalled { .. }
            | DownloadError::Truncated { .. } => true,
            DownloadError::Http { status, .. } => {
                *status >= 500 || *status == 429 || *status == 408
            }
            _ => false,
        }
    }
}

impl fmt::Display for DownloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DownloadError::Api(_) => f.write_str("DescribeBackupUrl failed"),
            DownloadError::NoFiles {
                instance_id,
                backup_id,
            } => write!(
                f,
                "DescribeBackupUrl returned no files (empty BackupInfos) for backup {backup_id} of instance {instance_id}"
            ),
            DownloadError::OutDir { path, action, .. } => {
                write!(f, "cannot {action} the output folder {}", path.display())
            }
            DownloadError::UnsafeFileName { name, reason } => write!(
                f,
                "refusing the file name {name:?} sent by the service: {reason}; a file name must be a plain name inside the output folder"
            ),
            DownloadError::DuplicateFileName { name } => write!(
                f,
                "the backup lists the file name {name:?} more than once (or also with `.part`); refusing to let one overwrite the other"
            ),
            DownloadError::MissingUrl { name, inner } => write!(
                f,
                "{name}: the service sent no {} for this file{}",
                if *inner { "InnerDownloadUrl" } else { "DownloadUrl" },
                if *inner {
                    "; try without DownloadOptions::inner"
                } else {
                    ""
                }
            ),
            DownloadError::Io { path, action, .. } => {
                write!(f, "cannot {action} {}", path.display())
            }
            DownloadError::Http { name, url, status } => {
                write!(f, "{name}: HTTP {status} from {url}")
            }
            DownloadError::UrlExpired {
                name,
                url,
                refreshes,
            } => write!(
                f,
                "{name}: HTTP 403 from {url} even after fetching fresh URLs {refreshes} time(s); the URL is rejected (expired or not allowed from this network: check LimitType / DownloadOptions::inner)"
            ),
            DownloadError::Network { name, url, .. } => {
                write!(f, "{name}: network error downloading {url}")
            }
            DownloadError::Stalled { name, url, timeout } => write!(
                f,
                "{name}: no data from {url} for {:?} (stall timeout)",
                timeout
            ),
            DownloadError::Truncated {
                name,
                url,
                received,
                expected,
            } => write!(
                f,
                "{name}: the connection to {url} closed after {received} of {expected} bytes"
            ),
            DownloadError::Protocol { name, url, detail } => {
                write!(f, "{name}: unexpected answer from {url}: {detail}")
            }
            DownloadError::Verification { name, reason } => {
                write!(f, "{name}: verification failed: {reason}")
            }
        }
    }
}

impl std::error::Error for DownloadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DownloadError::Api(e) => Some(e),
            DownloadError::OutDir { source, .. } | DownloadError::Io { source, .. } => Some(source),
            // Stripped of its URL (`without_url`), so the chain shows no signature.
            DownloadError::Network { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Maps an I/O error on `path` to [`DownloadError::Io`].
pub(super) fn io_err<'p>(
    path: &'p Path,
    action: &'static str,
) -> impl FnOnce(io::Error) -> DownloadError + 'p {
    move |source| DownloadError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}
