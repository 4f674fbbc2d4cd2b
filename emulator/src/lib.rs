//! A local emulator of the Tencent Cloud Redis API (2018-04-12): it checks TC3-HMAC-SHA256
//! signatures like the real service, validates requests against the project's schema, and
//! serves real RDB backups over signed, expiring download URLs. What LocalStack or moto are to
//! AWS users, for this API: run the project's client, the CLI or the official SDKs against it
//! with no cloud account.
//!
//! It implements the backup workflow: `DescribeBackupUrl`, `DescribeInstanceBackups`,
//! `ManualBackupInstance`, `DescribeTaskInfo`, `DescribeBackupDownloadRestriction` and
//! `ModifyBackupDownloadRestriction`. Every other action of the schema (the whole Redis API)
//! passes every check below and is then answered from the schema (see "Every other action").
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
//! 10. The action (below).
//!
//! Times in requests and answers are `YYYY-MM-DD hh:mm:ss` in UTC (the docs do not say which
//! time zone the real service uses; the emulator chose UTC). Instances live in the emulator's region
//! (`ap-guangzhou` by default): asked for in another region, an instance does not exist.
//!
//! # DescribeInstances
//!
//! - Lists the emulator's instances in its region (another region: none), sorted by ID.
//!   `TotalCount` counts every match; `Offset` and `Limit` (20 when omitted or 0, at most 1000,
//!   the emulator's choice; above → `InvalidParameterValue`) select the page.
//! - Filters: `InstanceId` and `InstanceIds` exactly; `InstanceName` by containment, ignoring
//!   case; `SearchKey` and every `SearchKeys` entry in the ID or the name, ignoring case. The
//!   other filters (VPCs, projects, tags, ...) are accepted and ignored.
//! - Each entry: `InstanceId`, `InstanceName`, `Region`, and every other member an
//!   `InstanceSet` always has with its zero value, as below.
//!
//! # Every other action
//!
//! - Answered from the schema: every member the action always returns, with the type's zero
//!   value (`0`, `0.0`, `false`, `""` or a string member's first documented value, `[]`, and
//!   for a structure every member it always has), so any client decodes the answer.
//! - An output member named like an input member the call sent (`InstanceId`, say) echoes it.
//! - `TaskId`, `FlowId` and `TaskIds` name a new task (from the same counter as manual
//!   backups, `TaskType` the action's name) that `DescribeTaskInfo` reports as a manual
//!   backup's: `preparing`, `running`, then `succeed` after the backup task duration.
//! - An instance the emulator does not know (`InstanceId`, `SrcInstanceId`, ...), or asked for
//!   in another region →
//!   `ResourceNotFound.InstanceNotExists`.
//! - Nothing changes state: a `ModifyInstance` is accepted and forgotten.
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
//! # STS: roles and temporary credentials
//!
//! The emulator also answers STS (service `sts`, version `2018-08-13`) on the same port, so
//! clients that assume a role ([`tencentcloud_transport::credentials::AssumeRoleProvider`],
//! the Python SDK's `STSAssumeRoleCredential`, `tcredis --role-arn`) can be pointed at it as
//! their STS endpoint. A `POST /` is STS's when its credential scope names `sts`, its `Host`
//! starts with `sts.`, or it is an unsigned (`Authorization: SKIP`)
//! `AssumeRoleWithWebIdentity`; anything else is a Redis call, exactly as before.
//!
//! - `AssumeRole` is authenticated like a Redis call (signed for `sts` by a key the emulator
//!   accepts, its token if it has one); `AssumeRoleWithWebIdentity` is taken unsigned, as the
//!   official SDKs send it, and needs a `WebIdentityToken` the emulator was told to accept
//!   ([`EmulatorBuilder::web_identity_token`], [`EmulatorBuilder::web_identity_token_file`],
//!   read on every call so a test can rotate it; any non-empty `ProviderId`).
//! - The role must be one it was told about ([`EmulatorBuilder::role`], by default
//!   [`DEFAULT_ROLE_ARN`]), else `ResourceNotFound.RoleNotFound`; a role configured with an
//!   external ID needs that `ExternalId`, else `UnauthorizedOperation`. A refused token →
//!   `InvalidParameter.WebIdentityTokenError`; `DurationSeconds` over 43200 →
//!   `InvalidParameter.OverTimeError`; a malformed `RoleSessionName` →
//!   `InvalidParameter.ParamError`; a `Policy` that is not URL-encoded JSON →
//!   `InvalidParameter.StrategyFormatError`.
//! - The answer carries `Credentials` (`TmpSecretId`, `TmpSecretKey`, `Token`),
//!   `ExpiredTime` and `Expiration`. The keys last `DurationSeconds` (7200 by default), at
//!   most [`EmulatorBuilder::sts_credentials_lifetime`] (short in tests).
//! - Redis calls signed with temporary keys must carry their `X-TC-Token`; a missing or wrong
//!   token, or keys that have expired → `AuthFailure.TokenFailure`.
//! - [`RunningEmulator::push_sts_error`] scripts the answer of the next STS call (faults and
//!   [`RunningEmulator::push_error`] are the Redis API's); every STS call is in the request
//!   log with its action. The start line's `sts` member names the role, the identity
//!   provider and the token files.
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

mod actions;
mod api;
mod backup_files;
mod builder;
#[cfg(feature = "cli")]
pub mod cli;
mod clock;
mod config;
mod conn;
pub mod crc64;
mod demo;
mod error;
mod faults;
mod files;
mod log;
mod rate_limit;
pub mod rdb;
mod running;
mod server;
mod state;
mod store;
mod sts;
mod urls;
pub mod validate;

pub use builder::{Emulator, EmulatorBuilder};
pub use config::DEFAULT_BACKUP_TASK_DURATION;
pub use demo::DemoData;
pub use error::{ApiError, StartError};
pub use faults::Faults;
pub use log::LogEntry;
pub use running::{DownloadRestriction, RunningEmulator, TaskInfo};
pub use store::{BackupSummary, InstanceSummary, DEFAULT_SNAPSHOT_SIZE};
pub use sts::config::{DEFAULT_PROVIDER_ID, DEFAULT_ROLE_ARN};
pub use urls::{INNER_PREFIX, PUBLIC_PREFIX};
