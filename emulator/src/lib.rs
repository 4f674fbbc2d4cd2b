//! A local emulator of the Tencent Cloud Redis API (2018-04-12): it checks TC3-HMAC-SHA256
//! signatures like the real service, validates requests against the project's schema, and
//! serves real RDB backups over signed, expiring download URLs. What LocalStack or moto are to
//! AWS users, for this API: run the project's client, the CLI or the official SDKs against it
//! with no cloud account.
//!
//! It implements the backup workflow: `DescribeBackupUrl`, `DescribeInstanceBackups`,
//! `ManualBackupInstance`, `DescribeTaskInfo`, `DescribeBackupDownloadRestriction` and
//! `ModifyBackupDownloadRestriction`. Any other action of the schema passes every check below
//! and then answers `UnsupportedOperation`.
//!
//! # Starting it from a test
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use tencentcloud_redis_emulator::{Emulator, Faults};
//!
//! let emulator = Emulator::builder()
//!     .url_ttl(Duration::from_secs(60))
//!     .backup_task_duration(Duration::ZERO)
//!     .faults(Faults::none().seed(7).internal_error(0.1))
//!     .start()
//!     .await?;
//! println!("{}", emulator.start_line());
//! let endpoint = emulator.endpoint(); // "http://127.0.0.1:PORT"
//! let (id, key) = (emulator.secret_id(), emulator.secret_key());
//! # let _ = (endpoint, id, key);
//! // ... call it ...
//! for entry in emulator.request_log() {
//!     println!("{} {} {:?} -> {}", entry.method, entry.path, entry.range, entry.status);
//! }
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The `tencentcloud-redis-emulator` binary does the same from a shell: it prints one JSON
//! line (see [`RunningEmulator::start_line`]) and serves until it is killed.
//!
//! # The API endpoint (`POST /`)
//!
//! Checks run in this order; the first failure answers, always as the service's envelope
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` with HTTP 200 and a fresh UUID
//! as RequestId:
//!
//! 1. Injected faults ([`Faults`]), before anything else, as a gateway would.
//! 2. Method: anything but `POST` → `UnsupportedProtocol` (the emulator does not take the
//!    GET/query-string style).
//! 3. Body size: over [`EmulatorBuilder::max_body_bytes`] (10 MiB by default) →
//!    `RequestSizeLimitExceeded`. A `Content-Length` over the limit is refused before the body
//!    is read; a chunked body is refused as soon as it crosses the limit.
//! 4. Headers `X-TC-Action`, `X-TC-Version`, `X-TC-Timestamp` missing → `MissingParameter`
//!    (naming `Action`, `Version`, `Timestamp`); a non-numeric timestamp → `InvalidParameter`.
//! 5. Authentication, verified over the exact bytes received with the transport crate's
//!    server-side helpers ([`tencentcloud_transport::sign`]), compared in constant time:
//!    missing or malformed `Authorization`, or `SignedHeaders` without `content-type` and
//!    `host` → `AuthFailure.InvalidAuthorization`; timestamp more than 300 s from the server
//!    clock → `AuthFailure.SignatureExpire`; unknown SecretId → `AuthFailure.SecretIdNotFound`;
//!    wrong signature, wrong credential-scope date or service → `AuthFailure.SignatureFailure`;
//!    a session token that does not match the configured one (or any token when none is
//!    configured, or none when one is) → `AuthFailure.TokenFailure`. The signature may cover
//!    the `Host` header as sent (`127.0.0.1:PORT`, as the Python SDK signs it) or the bare host
//!    name (as the Node.js SDK signs it). Authentication comes before the action lookup, so an
//!    unauthenticated caller learns nothing about the actions.
//! 6. Unknown action → `InvalidAction`; a version other than `2018-04-12` → `NoSuchVersion`;
//!    no `X-TC-Region` → `MissingParameter`.
//! 7. Rate limit: more calls than the action's documented rate (from the schema; 20 per
//!    second for DescribeBackupUrl) for one SecretId within any sliding one-second window →
//!    `RequestLimitExceeded`. Refused calls do not count. Switch it off with
//!    [`EmulatorBuilder::rate_limit`] (benchmarks).
//! 8. Scripted errors ([`RunningEmulator::push_error`]), so tests can see every documented
//!    code of an action.
//! 9. Body: not JSON → `InvalidParameter`; then the schema walk (see [`validate`]):
//!    `UnknownParameter`, `MissingParameter`, `InvalidParameter` (wrong JSON type),
//!    `InvalidParameterValue` (value outside a documented enum, or an integer out of range).
//!    Messages name the parameter path the way the API does, e.g. `LimitVpc.0.Region`, and
//!    what is accepted. `null` counts as absent.
//! 10. The action (below); `UnsupportedOperation` for one the emulator does not implement.
//!
//! Times in requests and answers are `YYYY-MM-DD hh:mm:ss` in UTC (the docs do not say which
//! time zone the real service uses; the emulator chose UTC). Instances live in the emulator's region
//! (`ap-guangzhou` by default): asked for in another region, an instance does not exist.
//!
//! # DescribeBackupUrl
//!
//! - Instances live in the emulator's region (`ap-guangzhou` by default): an unknown
//!   instance, or a known one asked for in another region → `ResourceNotFound.InstanceNotExists`;
//!   an unknown backup of a known instance → `InvalidParameterValue.BackupNotExists`.
//! - A backup that is still being made (a manual backup whose task has not succeeded) or whose
//!   task failed → `ResourceUnavailable.BackupStatusInvalid`.
//! - No `LimitType` means the account's "user-defined configuration": the restriction stored
//!   by `ModifyBackupDownloadRestriction` for the caller's SecretId in the request's region
//!   (`NoLimit` until one is stored); the request's own `LimitVpc`/`LimitIp` are then ignored.
//!   An explicit `LimitType` overrides the stored one.
//! - `LimitType=Customize` with neither a `LimitVpc` nor a `LimitIp` entry →
//!   `InvalidParameterValue` (the docs say one of them "is required if LimitType is
//!   Customize"; the real service's answer is not documented, so the emulator chose the
//!   closest common code).
//! - The answer has one `BackupInfos` entry per RDB file with its real size, and the
//!   deprecated `DownloadUrl`, `InnerDownloadUrl` and `Filenames` lists filled in the same
//!   order, as the doc example shows.
//!
//! # DescribeInstanceBackups
//!
//! - Lists the backups of every instance in the region, or of `InstanceId` only; an unknown
//!   `InstanceId` (or one asked for in another region) → `ResourceNotFound.InstanceNotExists`
//!   rather than an empty list. Without `InstanceId`, another region has an empty list.
//! - Newest first by `StartTime`; backups that started in the same second, the most recently
//!   registered first. `TotalCount` counts every match; `Offset` (0 by default, any
//!   non-negative number, not necessarily a multiple of `Limit`) and `Limit` (20 when omitted
//!   or 0, at most 100) select the page. `Limit` above 100 or negative, or a negative
//!   `Offset` → `InvalidParameterValue`.
//! - `Status`: `1` in progress, `2` complete; omitted means `[2]`. Any other value →
//!   `InvalidParameterValue`. A backup whose task failed is never listed.
//! - `BeginTime` and `EndTime` bound `StartTime`, both ends included. A time not shaped
//!   `YYYY-MM-DD hh:mm:ss` or not a real date, `BeginTime` after `EndTime`, or a range of
//!   more than 30 days → `InvalidParameterValue`.
//! - `InstanceName` matches instance names containing it, ignoring case. An instance's name
//!   is its ID unless set with [`RunningEmulator::set_instance_name`].
//! - Each entry: `BackupId`, `InstanceId`, `InstanceName`, `Region`, `StartTime`, `EndTime`
//!   (omitted while in progress), `ExpireTime` (`StartTime` plus the storage days; the
//!   emulator never deletes or expires a backup), `Status` 1 or 2, `BackupType` (`0` manual,
//!   `1` for the demo backup and backups registered from files, which count as automatic
//!   ones taken when they were registered, kept seven days), `Remark`, `BackupSize` (the sum
//!   of the file sizes), `FileType` (`RDB-Redis 5.0` for files the emulator writes, `RDB` for
//!   registered ones), `Locked` 0, `FullBackup` 0, `Encrypted` false. `InstanceType`, an
//!   internal field, is omitted.
//!
//! # ManualBackupInstance and DescribeTaskInfo
//!
//! - `ManualBackupInstance` of an unknown instance → `ResourceNotFound.InstanceNotExists`;
//!   `StorageDays` outside 0..=1825 → `InvalidParameterValue` (7 when omitted; 0 gives an
//!   `ExpireTime` equal to the `StartTime`). Backups of one instance may run at the same time.
//! - It answers at once with a `TaskId` (counting up from 100001) and registers a new backup
//!   with a fresh 24-digit `BackupId`, `BackupType` 0 and the `Remark`. Its files are real
//!   RDB files written by [`rdb::write_snapshot_file`] in the background into
//!   `DATA/INSTANCE/BACKUP/`: a snapshot of the instance's data set, stamped with the task's
//!   start time. The demo instance's data set is the demo's shards (same count and sizes as
//!   the demo backup, same keys, a new `ctime`); any other instance has one shard of
//!   [`DEFAULT_SNAPSHOT_SIZE`] bytes; [`RunningEmulator::set_backup_file_sizes`] changes that.
//! - The task is `preparing` for the first quarter of [`EmulatorBuilder::backup_task_duration`]
//!   (one second by default; `--backup-task-ms` for the binary), then `running` until that
//!   duration has passed and the files are written, then `succeed`; if writing fails it is
//!   `failed` with the reason in `TaskMessage` (which is empty otherwise). Until it succeeds,
//!   the backup is listed only when `Status` asks for 1, and `DescribeBackupUrl` refuses it;
//!   afterwards it is an ordinary complete backup whose `EndTime` is when the task ended.
//!   The emulator never answers `error`.
//! - `DescribeTaskInfo`: `Status`, `StartTime`, `TaskType` (`Back up Instance`),
//!   `InstanceId`, `TaskMessage`. An unknown `TaskId` (or one asked for in another region) →
//!   `InvalidParameterValue.TaskNotExists`: the real service's code is not documented, this is
//!   the emulator's choice. [`RunningEmulator::task`] reports the same, with the backup's ID.
//!
//! # Download restrictions
//!
//! `ModifyBackupDownloadRestriction` stores a restriction per SecretId (the emulator's idea of
//! an account) and region; `DescribeBackupDownloadRestriction` reads it back (`NoLimit`, both
//! comparison symbols `In`, empty lists until one is stored), and so does
//! [`RunningEmulator::download_restriction`]. `Customize` without a `LimitVpc` or `LimitIp`
//! entry → `InvalidParameterValue`, as for `DescribeBackupUrl`, and nothing is stored. The
//! comparison symbols default to `In`; `LimitVpc` and `LimitIp` are kept only with
//! `Customize` (with another `LimitType` they are dropped). The stored restriction applies to
//! `DescribeBackupUrl` calls that omit `LimitType`, with the URL rules below.
//!
//! # Download URLs
//!
//! Both URLs point at the emulator itself:
//!
//! ```text
//! DownloadUrl       http://127.0.0.1:PORT/backups/INSTANCE/BACKUP/FILE?q-sign-time=START%3BEND&q-limit=LIMIT&q-signature=HEX
//! InnerDownloadUrl  http://127.0.0.1:PORT/internal/backups/INSTANCE/BACKUP/FILE?...same query...
//! ```
//!
//! Under `Customize` the query also carries `q-ip` and `q-ip-op`. `q-signature` is an
//! HMAC-SHA256, under a key drawn at random when the emulator starts, of the network (public
//! or internal), the three path segments, the validity window and the restriction; so a URL
//! stops working when the emulator restarts, and changing any part (including switching the
//! `/internal` prefix on or off) makes it `SignatureDoesNotMatch`. URLs are valid for six
//! hours, like the real ones, unless [`EmulatorBuilder::url_ttl`] says otherwise (a TTL of zero
//! gives URLs that are already expired).
//!
//! The private network is modelled by the path: every caller of `/internal/...` counts as
//! being inside Tencent Cloud. So under `LimitOnlyIntranet` the public URL is refused (403
//! `AccessDenied`) while the inner one works; under `Customize` the public URL works only for a
//! caller whose IP address is in `LimitIp` (`IpComparisonSymbol=In`, the default) or not in it
//! (`NotIn`) — a caller is never in a `LimitVpc` VPC — and the inner URL works.
//!
//! Downloads answer `GET` and `HEAD` with `Content-Length`, `ETag` (the quoted hex CRC),
//! `Accept-Ranges: bytes`, and `x-cos-hash-crc64ecma`: the whole file's CRC-64/ECMA-182 as the
//! object store computes it (CRC-64/XZ), in decimal, also on partial responses, computed once
//! per file. A single `Range` (`bytes=A-B`, `bytes=A-`, `bytes=-N`) gets 206 with
//! `Content-Range`; an unsatisfiable one gets 416 with `Content-Range: bytes */SIZE`; a
//! malformed or multi-range header is ignored and the whole file is served, and so is a
//! `Range` whose `If-Range` is not the current `ETag`.
//!
//! Refusals carry an object-store-like XML body (`<Error><Code>..</Code><Message>..</Message>
//! <Resource>..</Resource><RequestId>..</RequestId></Error>`). Like the object store, the
//! emulator checks the signature before it looks for the key, so every request under
//! `/backups` or `/internal/backups` without a valid signature for exactly its path is refused
//! with 403, whether or not the key exists. In order, the first failure answers:
//!
//! 1. A path outside both prefixes (`/nothing`, `/backupsX`) → 404 `NoSuchKey`.
//! 2. A segment that is `.`, contains `..`, `/`, `\` or NUL (also percent-encoded), or is not
//!    percent-encoded UTF-8 → 403 `AccessDenied` (path traversal).
//! 3. No `q-sign-time`, `q-limit` or `q-signature`, or a malformed `q-sign-time` → 403
//!    `AccessDenied` ("Request is missing its signature.").
//! 4. A signature that is not the one for this method, path, query and network → 403
//!    `SignatureDoesNotMatch`. That includes every path not shaped `INSTANCE/BACKUP/FILE` with
//!    three non-empty segments: `/backups`, `/backups/`, too few or too many segments, an empty
//!    segment, a trailing slash; no signature is ever issued for those. URLs are signed for
//!    `GET`, as the object store signs the method; the emulator also takes `HEAD` with them,
//!    and any other method (`PUT`, `DELETE`, ...) does not match.
//! 5. An expired URL → 403 `AccessDenied` ("Request has expired"); a network restriction →
//!    403 `AccessDenied`.
//! 6. A correctly signed URL whose file no longer exists (its backup was registered again
//!    without it) → 404 `NoSuchKey`.
//!
//! Files are looked up by name in the backup, never by joining the path to a folder, and are
//! streamed from disk in 1 MiB pieces, each read on the blocking pool while the one before it
//! is sent.
//!
//! # Faults and the request log
//!
//! [`Faults`] (builder, [`RunningEmulator::set_faults`], or the binary's `--fault-*` flags)
//! draw from a generator seeded with [`Faults::seed`], so a test sees the same sequence on
//! every run. For API calls they fire before any check: `RequestLimitExceeded` or
//! `InternalError` in the envelope, HTTP 503 with a plain-text body, or a TCP reset (the
//! socket is closed with `SO_LINGER` 0). For downloads they fire after the URL is verified:
//! HTTP 503 with an XML body, a reset, or a response cut after N body bytes (the connection is
//! dropped mid-body; `cut_download_times` limits how many responses are cut). Latency is added
//! to both.
//!
//! [`RunningEmulator::request_log`] lists every answered request: method, path (without the
//! query string, so no URL signature is kept), `Range` header, status (0 for a reset), action,
//! error code (the envelope's for API calls, the XML body's for downloads), SecretId, and where
//! a download was cut, so tests can assert retries and Range resumption.
//!
//! # Data
//!
//! The demo data set ([`DemoData`]) is one instance, `crs-4y9t57vt`, with backup
//! `678362566696298532848117` of five shard files whose sizes are those of the doc example
//! (about 1.2 MiB each). The files are real, deterministic RDB files (format 9) written by
//! [`rdb`] at start into the data folder (a temporary one unless
//! [`EmulatorBuilder::data_dir`] is given), and every one passes `redis-check-rdb`. Sizes can
//! be set up to gigabytes; generation streams. A backup can also be registered from existing
//! files such as a `dump.rdb` ([`EmulatorBuilder::backup_from_files`],
//! [`RunningEmulator::register_backup`]); those are served in place. Manual backups add
//! files to the data folder (see above). For tests of the listing,
//! [`RunningEmulator::set_backup_start_time`] moves a backup in time.

#![deny(missing_docs)]

mod actions;
mod clock;
pub mod crc64;
mod download;
mod faults;
pub mod rdb;
mod server;
mod store;
pub mod validate;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use download::{INNER_PREFIX, PUBLIC_PREFIX};
pub use faults::Faults;
pub use store::{BackupSummary, DemoData, InstanceSummary, DEFAULT_SNAPSHOT_SIZE};

use server::{Credential, Shared, SharedParts};
use store::{BackupFile, Store};

/// How long a manual backup's task takes at least unless
/// [`EmulatorBuilder::backup_task_duration`] says otherwise: one second.
pub const DEFAULT_BACKUP_TASK_DURATION: Duration = Duration::from_secs(1);

/// An error answered in `Response.Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The error code, e.g. `InvalidParameterValue.BackupNotExists`.
    pub code: String,
    /// The message.
    pub message: String,
}

impl ApiError {
    /// An error with `code` and `message`.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// A manual backup's task, as [`RunningEmulator::task`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskInfo {
    /// `TaskId`.
    pub task_id: i64,
    /// The instance backed up.
    pub instance_id: String,
    /// The backup the task makes (listed by `DescribeInstanceBackups` with `Status` 1 until
    /// the task succeeds, then 2).
    pub backup_id: String,
    /// `preparing`, `running`, `succeed` or `failed`.
    pub status: String,
    /// Why it failed; empty otherwise.
    pub message: String,
}

/// A download restriction stored by `ModifyBackupDownloadRestriction`, as
/// [`RunningEmulator::download_restriction`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownloadRestriction {
    /// `NoLimit`, `LimitOnlyIntranet` or `Customize`.
    pub limit_type: String,
    /// `VpcComparisonSymbol` (`In`).
    pub vpc_comparison_symbol: String,
    /// `IpComparisonSymbol` (`In` or `NotIn`).
    pub ip_comparison_symbol: String,
    /// `LimitVpc`: (region, VPC IDs) pairs; empty unless `Customize`.
    pub limit_vpc: Vec<(String, Vec<String>)>,
    /// `LimitIp`; empty unless `Customize`.
    pub limit_ip: Vec<String>,
}

/// One request the emulator answered, for tests to assert on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// The HTTP method.
    pub method: String,
    /// The path without the query string (`/` for API calls).
    pub path: String,
    /// The `Range` header, if one was sent.
    pub range: Option<String>,
    /// The HTTP status answered; 0 when the connection was reset by an injected fault.
    pub status: u16,
    /// The API action (`X-TC-Action`), for API calls.
    pub action: Option<String>,
    /// The error code answered: `Response.Error.Code` for API calls that failed, the XML
    /// body's `Code` for downloads that were refused (`AccessDenied`, `NoSuchKey`, ...); `None`
    /// for a success or a reset.
    pub error_code: Option<String>,
    /// The SecretId of an API call that passed authentication.
    pub secret_id: Option<String>,
    /// For downloads cut by a fault: after how many body bytes.
    pub cut_after: Option<u64>,
}

/// Why the emulator could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The embedded schema does not load (a build problem).
    Schema(String),
    /// Writing or reading data files failed.
    Data(std::io::Error),
    /// The listening socket could not be opened.
    Bind(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Schema(e) => write!(f, "the embedded API schema does not load: {e}"),
            StartError::Data(_) => write!(f, "cannot prepare the emulator's backup files"),
            StartError::Bind(_) => write!(f, "cannot listen"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Schema(_) => None,
            StartError::Data(e) | StartError::Bind(e) => Some(e),
        }
    }
}

/// The emulator, to be configured with [`Emulator::builder`].
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: loopback on a free port, region `ap-guangzhou`, random
    /// credentials, the demo data set in a temporary folder, six-hour URLs, rate limits on, no
    /// faults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configuration of an emulator; [`EmulatorBuilder::start`] runs it.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    listen: SocketAddr,
    region: String,
    secret_id: Option<String>,
    secret_key: Option<String>,
    token: Option<String>,
    extra_credentials: Vec<(String, String)>,
    data_dir: Option<PathBuf>,
    demo: Option<DemoData>,
    file_backups: Vec<(String, String, Vec<PathBuf>)>,
    url_ttl: Duration,
    backup_task_duration: Duration,
    faults: Faults,
    rate_limit: bool,
    max_body_bytes: u64,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            region: "ap-guangzhou".to_owned(),
            secret_id: None,
            secret_key: None,
            token: None,
            extra_credentials: Vec::new(),
            data_dir: None,
            demo: Some(DemoData::default()),
            file_backups: Vec::new(),
            url_ttl: Duration::from_secs(6 * 3600),
            backup_task_duration: DEFAULT_BACKUP_TASK_DURATION,
            faults: Faults::none(),
            rate_limit: true,
            max_body_bytes: 10 * 1024 * 1024,
        }
    }
}

impl EmulatorBuilder {
    /// The address to listen on (default `127.0.0.1:0`, a free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// The region the instances live in (default `ap-guangzhou`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// The accepted SecretId and SecretKey (default: random ones, shown in the start line).
    pub fn credentials(
        mut self,
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.secret_id = Some(secret_id.into());
        self.secret_key = Some(secret_key.into());
        self
    }

    /// The accepted SecretId (default: random).
    pub fn secret_id(mut self, secret_id: impl Into<String>) -> Self {
        self.secret_id = Some(secret_id.into());
        self
    }

    /// The accepted SecretKey (default: random).
    pub fn secret_key(mut self, secret_key: impl Into<String>) -> Self {
        self.secret_key = Some(secret_key.into());
        self
    }

    /// Requires this session token (`X-TC-Token`) with the main credentials.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Accepts another key pair too (rate limits are per SecretId).
    pub fn extra_credentials(
        mut self,
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.extra_credentials
            .push((secret_id.into(), secret_key.into()));
        self
    }

    /// Where the demo files are written (default: a temporary folder removed at shutdown).
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// The demo data set to generate (default [`DemoData::default`]).
    pub fn demo(mut self, demo: DemoData) -> Self {
        self.demo = Some(demo);
        self
    }

    /// Generates no demo data.
    pub fn no_demo(mut self) -> Self {
        self.demo = None;
        self
    }

    /// Registers a backup made of existing RDB files (e.g. a `dump.rdb`), served in place.
    /// File names in the API are the files' base names.
    pub fn backup_from_files(
        mut self,
        instance_id: impl Into<String>,
        backup_id: impl Into<String>,
        files: impl IntoIterator<Item = impl Into<PathBuf>>,
    ) -> Self {
        self.file_backups.push((
            instance_id.into(),
            backup_id.into(),
            files.into_iter().map(Into::into).collect(),
        ));
        self
    }

    /// How long download URLs are valid (default six hours).
    pub fn url_ttl(mut self, ttl: Duration) -> Self {
        self.url_ttl = ttl;
        self
    }

    /// How long the task of a manual backup (`ManualBackupInstance`) takes at least (default
    /// [`DEFAULT_BACKUP_TASK_DURATION`], one second): `preparing` for the first quarter,
    /// then `running` until this has passed and the files are written, then `succeed`. Zero
    /// makes a backup complete as soon as its files are written.
    pub fn backup_task_duration(mut self, duration: Duration) -> Self {
        self.backup_task_duration = duration;
        self
    }

    /// Faults to inject (default none).
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Whether the documented per-action rate limits are enforced (default true).
    pub fn rate_limit(mut self, enabled: bool) -> Self {
        self.rate_limit = enabled;
        self
    }

    /// The largest accepted request body (default 10 MiB).
    pub fn max_body_bytes(mut self, bytes: u64) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Writes the data, binds the socket and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<RunningEmulator, StartError> {
        let schema =
            tencentcloud_redis::schema::load().map_err(|e| StartError::Schema(e.to_string()))?;

        let (temp, data_dir) = match &self.data_dir {
            Some(dir) => (None, dir.clone()),
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("tencentcloud-redis-emulator-")
                    .tempdir()
                    .map_err(StartError::Data)?;
                let path = temp.path().to_path_buf();
                (Some(temp), path)
            }
        };
        let store = Store::default();
        if let Some(demo) = self.demo.clone() {
            let dir = data_dir.clone();
            let files = tokio::task::spawn_blocking(move || demo.materialize(&dir))
                .await
                .map_err(|e| StartError::Data(std::io::Error::other(e)))?
                .map_err(StartError::Data)?;
            let demo = self.demo.clone().unwrap_or_default();
            store.insert_backup_as(
                &demo.instance_id,
                &demo.backup_id,
                files,
                store::SNAPSHOT_FILE_TYPE,
            );
            store.with_instance(&demo.instance_id, |i| {
                i.file_sizes = demo.file_sizes.clone();
            });
        }
        for (instance, backup, paths) in &self.file_backups {
            let files = backup_files(paths).map_err(StartError::Data)?;
            store.insert_backup(instance, backup, files);
        }

        let listener = tokio::net::TcpListener::bind(self.listen)
            .await
            .map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let endpoint = format!("http://{addr}");

        let mut rng = fastrand::Rng::new();
        let secret_id = self
            .secret_id
            .clone()
            .unwrap_or_else(|| format!("AKIDemu{}", random_alnum(&mut rng, 29)));
        let secret_key = self
            .secret_key
            .clone()
            .unwrap_or_else(|| random_alnum(&mut rng, 32));
        let mut credentials = vec![Credential {
            secret_id: secret_id.clone(),
            secret_key: secret_key.clone(),
            token: self.token.clone(),
        }];
        credentials.extend(self.extra_credentials.iter().map(|(id, key)| Credential {
            secret_id: id.clone(),
            secret_key: key.clone(),
            token: None,
        }));

        let shared = Arc::new(Shared::new(SharedParts {
            schema,
            store,
            region: self.region.clone(),
            credentials,
            endpoint: endpoint.clone(),
            max_body_bytes: self.max_body_bytes,
            max_clock_skew: 300,
            url_ttl: self.url_ttl,
            data_dir: data_dir.clone(),
            backup_task_duration: self.backup_task_duration,
            rate_limit: self.rate_limit,
            faults: self.faults.clone(),
        }));
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared), stopped));
        Ok(RunningEmulator {
            shared,
            addr,
            endpoint,
            secret_id,
            secret_key,
            token: self.token,
            data_dir,
            stop: Some(stop),
            task: Some(task),
            _temp: temp,
        })
    }
}

fn random_alnum(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| rng.alphanumeric()).collect()
}

fn backup_files(paths: &[PathBuf]) -> std::io::Result<Vec<Arc<BackupFile>>> {
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a file", path.display()),
            ));
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| !n.is_empty() && !n.contains(".."))
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{} has no usable file name", path.display()),
                )
            })?
            .to_owned();
        files.push(Arc::new(BackupFile::new(name, path.clone(), meta.len())));
    }
    Ok(files)
}

/// A running emulator. Dropping it stops the server (and removes a temporary data folder);
/// [`RunningEmulator::shutdown`] also waits for the server task to end.
pub struct RunningEmulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    endpoint: String,
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    data_dir: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    _temp: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("endpoint", &self.endpoint)
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The region the instances live in.
    pub fn region(&self) -> &str {
        &self.shared.region
    }

    /// The accepted SecretId.
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The accepted SecretKey.
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// The required session token, if one was configured.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Where the demo files are.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Every instance and its complete backups (a manual backup appears once its task has
    /// succeeded).
    pub fn instances(&self) -> Vec<InstanceSummary> {
        self.shared.store.summary()
    }

    /// The paths of a complete backup's files, in order (for tests that compare downloads);
    /// empty for an unknown backup or one still in progress.
    pub fn backup_file_paths(&self, instance_id: &str, backup_id: &str) -> Vec<PathBuf> {
        match self.shared.store.lookup(instance_id, backup_id) {
            store::Lookup::Found(files) => files.iter().map(|f| f.path.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// The start line, one JSON object:
    /// `{"endpoint": "http://127.0.0.1:PORT", "region": "ap-guangzhou", "secret_id": "...",
    /// "secret_key": "...", "instances": [{"instance_id": "crs-...", "backups":
    /// [{"backup_id": "...", "files": 5}]}]}` (keys in this order, `": "` and `", "`
    /// separators, no newline).
    pub fn start_line(&self) -> String {
        let instances: Vec<serde_json::Value> = self
            .instances()
            .into_iter()
            .map(|i| {
                serde_json::json!({
                    "instance_id": i.instance_id,
                    "backups": i.backups.into_iter().map(|b| serde_json::json!({
                        "backup_id": b.backup_id,
                        "files": b.files,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let value = serde_json::json!({
            "endpoint": self.endpoint,
            "region": self.shared.region,
            "secret_id": self.secret_id,
            "secret_key": self.secret_key,
            "instances": instances,
        });
        spaced_json(&value)
    }

    /// Replaces the faults in force (the generator restarts from the new seed).
    pub fn set_faults(&self, faults: Faults) {
        self.shared.set_faults(faults);
    }

    /// Changes the validity of URLs issued from now on.
    pub fn set_url_ttl(&self, ttl: Duration) {
        self.shared.set_url_ttl(ttl);
    }

    /// Switches the documented rate limits on or off.
    pub fn set_rate_limit(&self, enabled: bool) {
        self.shared
            .rate_limit_enabled
            .store(enabled, Ordering::Relaxed);
    }

    /// Makes the next authenticated, rate-admitted API call answer this error (queued; one
    /// call each).
    pub fn push_error(&self, code: impl Into<String>, message: impl Into<String>) {
        self.shared.push_scripted(ApiError::new(code, message));
    }

    /// Every request answered so far, in order.
    pub fn request_log(&self) -> Vec<LogEntry> {
        self.shared.request_log()
    }

    /// Forgets the request log.
    pub fn clear_request_log(&self) {
        self.shared.clear_log();
    }

    /// Registers (or replaces) a backup made of existing RDB files, e.g. a `dump.rdb`; served
    /// in place, named by base name.
    pub fn register_backup(
        &self,
        instance_id: &str,
        backup_id: &str,
        files: impl IntoIterator<Item = impl Into<PathBuf>>,
    ) -> std::io::Result<()> {
        let paths: Vec<PathBuf> = files.into_iter().map(Into::into).collect();
        let files = backup_files(&paths)?;
        self.shared
            .store
            .insert_backup(instance_id, backup_id, files);
        Ok(())
    }

    /// Adds an instance without backups.
    pub fn add_instance(&self, instance_id: &str) {
        self.shared.store.insert_instance(instance_id);
    }

    /// Sets an instance's `InstanceName` (by default its ID); false if there is no such
    /// instance.
    pub fn set_instance_name(&self, instance_id: &str, name: &str) -> bool {
        self.shared
            .store
            .with_instance(instance_id, |i| i.name = name.to_owned())
    }

    /// Sets the sizes of the RDB files a manual backup of the instance writes, one file per
    /// entry (the demo instance: the demo's sizes; any other: one file of
    /// [`DEFAULT_SNAPSHOT_SIZE`] bytes). False if there is no such instance or `sizes` is
    /// empty. A size too small for an RDB file of the data set makes the backup's task fail,
    /// which is how tests see a `failed` task.
    pub fn set_backup_file_sizes(&self, instance_id: &str, sizes: impl Into<Vec<u64>>) -> bool {
        let sizes = sizes.into();
        !sizes.is_empty()
            && self
                .shared
                .store
                .with_instance(instance_id, |i| i.file_sizes = sizes)
    }

    /// Moves a backup's start time (Unix seconds; its end and expiry times move with it), so
    /// tests can exercise `DescribeInstanceBackups`' time filters and order. False if there
    /// is no such backup.
    pub fn set_backup_start_time(
        &self,
        instance_id: &str,
        backup_id: &str,
        unix_secs: u64,
    ) -> bool {
        let mut found = false;
        self.shared.store.with_instance(instance_id, |i| {
            if let Some(b) = i.backups.get_mut(backup_id) {
                b.start_time = unix_secs;
                found = true;
            }
        });
        found
    }

    /// How long manual backup tasks take at least.
    pub fn backup_task_duration(&self) -> Duration {
        self.shared.backup_task_duration()
    }

    /// Changes how long manual backup tasks started from now on take at least.
    pub fn set_backup_task_duration(&self, duration: Duration) {
        self.shared.set_backup_task_duration(duration);
    }

    /// A task started by `ManualBackupInstance`, as `DescribeTaskInfo` would report it now.
    pub fn task(&self, task_id: i64) -> Option<TaskInfo> {
        let task = self.shared.store.task(task_id)?;
        let phase = task.phase();
        Some(TaskInfo {
            task_id: task.id,
            instance_id: task.instance_id.clone(),
            backup_id: task.backup_id.clone(),
            status: phase.as_str().to_owned(),
            message: match phase {
                store::TaskPhase::Failed(m) => m,
                _ => String::new(),
            },
        })
    }

    /// The download restriction stored by `ModifyBackupDownloadRestriction` for a SecretId
    /// in a region (`NoLimit` with `In` comparisons when none was stored).
    pub fn download_restriction(&self, secret_id: &str, region: &str) -> DownloadRestriction {
        let r = self.shared.store.restriction(secret_id, region);
        DownloadRestriction {
            limit_type: r.limit_type,
            vpc_comparison_symbol: r.vpc_op,
            ip_comparison_symbol: r.ip_op,
            limit_vpc: r.limit_vpc,
            limit_ip: r.limit_ip,
        }
    }

    /// Stops serving and waits for the server to end. Open connections are closed.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// JSON with Python's default separators (`", "` and `": "`), on one line.
fn spaced_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), spaced_json(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(spaced_json).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}
