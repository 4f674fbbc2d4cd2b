//! A running emulator: its address and keys, the start line, and the handles tests use to
//! change faults and settings, script errors, read the request log and shape the data.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::backup_files;
use crate::error::ApiError;
use crate::faults::Faults;
use crate::log::LogEntry;
use crate::server;
use crate::state::State;
use crate::store::{self, InstanceSummary};

/// A manual backup's task, as [`RunningEmulator::task`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskInfo {
    /// `TaskId`.
    pub task_id: u64,
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

/// A running emulator. Dropping it stops the server (and removes a temporary data folder);
/// [`RunningEmulator::shutdown`] also waits for the server task to end.
pub struct RunningEmulator {
    state: Arc<State>,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    _temp: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("endpoint", &self.state.endpoint)
            .field("secret_id", &self.secret_id())
            .field("secret_key", &"<redacted>")
            .field("data_dir", &self.state.data_dir)
            .finish_non_exhaustive()
    }
}

impl RunningEmulator {
    /// Starts the accept loop for `state` on `listener` (the builder's last step); `temp` is
    /// the temporary data folder, removed when the emulator is dropped.
    pub(crate) fn serve(
        listener: tokio::net::TcpListener,
        addr: SocketAddr,
        state: Arc<State>,
        temp: Option<tempfile::TempDir>,
    ) -> Self {
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(server::serve(listener, Arc::clone(&state), stopped));
        Self {
            state,
            addr,
            stop: Some(stop),
            task: Some(task),
            _temp: temp,
        }
    }

    /// The main key pair, the one the start line shows.
    fn main_credential(&self) -> &crate::state::Credential {
        // The builder always puts the main key pair first.
        &self.state.credentials[0]
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.state.endpoint
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The region the instances live in.
    pub fn region(&self) -> &str {
        &self.state.config.region
    }

    /// The accepted SecretId.
    pub fn secret_id(&self) -> &str {
        &self.main_credential().secret_id
    }

    /// The accepted SecretKey.
    pub fn secret_key(&self) -> &str {
        &self.main_credential().secret_key
    }

    /// The required session token, if one was configured.
    pub fn token(&self) -> Option<&str> {
        self.main_credential().token.as_deref()
    }

    /// Where the demo files are.
    pub fn data_dir(&self) -> &Path {
        &self.state.data_dir
    }

    /// Every instance and its complete backups (a manual backup appears once its task has
    /// succeeded).
    pub fn instances(&self) -> Vec<InstanceSummary> {
        self.state.store.summary()
    }

    /// The paths of a complete backup's files, in order (for tests that compare downloads);
    /// empty for an unknown backup or one still in progress.
    pub fn backup_file_paths(&self, instance_id: &str, backup_id: &str) -> Vec<PathBuf> {
        match self.state.store.lookup(instance_id, backup_id) {
            store::Lookup::Found(files) => files.iter().map(|f| f.path.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// The start line, one JSON object:
    /// `{"endpoint": "http://127.0.0.1:PORT", "region": "ap-guangzhou", "secret_id": "...",
    /// "secret_key": "...", "sts": {...}, "instances": [{"instance_id": "crs-...", "backups":
    /// [{"backup_id": "...", "files": 5}]}]}` (keys in this order, `": "` and `", "`
    /// separators, no newline). `sts` says how to use a role: `{"endpoint": ...,
    /// "role_arns": [...], "provider_id": "...", "web_identity_token_files": [...]}` (STS is
    /// on the same endpoint; assume one of the roles with the key pair above, or with a web
    /// identity token from one of the files and the provider ID).
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
            "endpoint": self.endpoint(),
            "region": self.region(),
            "secret_id": self.secret_id(),
            "secret_key": self.secret_key(),
            "sts": serde_json::json!({
                "endpoint": self.endpoint(),
                "role_arns": self.role_arns(),
                "provider_id": crate::DEFAULT_PROVIDER_ID,
                "web_identity_token_files": self
                    .state
                    .config
                    .sts
                    .token_files()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>(),
            }),
            "instances": instances,
        });
        spaced_json(&value)
    }

    /// The roles STS lets callers assume.
    pub fn role_arns(&self) -> Vec<String> {
        self.state
            .config
            .sts
            .roles()
            .into_iter()
            .map(|r| r.arn)
            .collect()
    }

    /// Makes the next STS call (`AssumeRole` after authentication,
    /// `AssumeRoleWithWebIdentity`) answer this error (queued; one call each).
    pub fn push_sts_error(&self, code: impl Into<String>, message: impl Into<String>) {
        self.state.sts.push_scripted(ApiError::new(code, message));
    }

    /// Replaces the faults in force (the generator restarts from the new seed).
    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    /// Changes the validity of URLs issued from now on.
    pub fn set_url_ttl(&self, ttl: Duration) {
        self.state.change_settings(|s| s.url_ttl = ttl);
    }

    /// Switches the documented rate limits on or off.
    pub fn set_rate_limit(&self, enabled: bool) {
        self.state.change_settings(|s| s.rate_limit = enabled);
    }

    /// Makes the next authenticated, rate-admitted API call answer this error (queued; one
    /// call each).
    pub fn push_error(&self, code: impl Into<String>, message: impl Into<String>) {
        self.state.push_scripted(ApiError::new(code, message));
    }

    /// Every request answered so far, in order.
    pub fn request_log(&self) -> Vec<LogEntry> {
        self.state.log.entries()
    }

    /// Forgets the request log.
    pub fn clear_request_log(&self) {
        self.state.log.clear();
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
        let files = backup_files::register(&paths)?;
        self.state
            .store
            .insert_backup(instance_id, backup_id, files);
        Ok(())
    }

    /// Adds an instance without backups.
    pub fn add_instance(&self, instance_id: &str) {
        self.state.store.insert_instance(instance_id);
    }

    /// Sets an instance's `InstanceName` (by default its ID); false if there is no such
    /// instance.
    pub fn set_instance_name(&self, instance_id: &str, name: &str) -> bool {
        self.state
            .store
            .with_instance(instance_id, |i| i.name = name.to_owned())
    }

    /// Sets the sizes of the RDB files a manual backup of the instance writes, one file per
    /// entry (the demo instance: the demo's sizes; any other: one file of
    /// [`DEFAULT_SNAPSHOT_SIZE`](crate::DEFAULT_SNAPSHOT_SIZE) bytes). False if there is no such instance or `sizes` is
    /// empty. A size too small for an RDB file of the data set makes the backup's task fail,
    /// which is how tests see a `failed` task.
    pub fn set_backup_file_sizes(&self, instance_id: &str, sizes: impl Into<Vec<u64>>) -> bool {
        let sizes = sizes.into();
        !sizes.is_empty()
            && self
                .state
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
        self.state.store.with_instance(instance_id, |i| {
            if let Some(b) = i.backups.get_mut(backup_id) {
                b.start_time = unix_secs;
                found = true;
            }
        });
        found
    }

    /// How long manual backup tasks take at least.
    pub fn backup_task_duration(&self) -> Duration {
        self.state.settings().backup_task_duration
    }

    /// Changes how long manual backup tasks started from now on take at least.
    pub fn set_backup_task_duration(&self, duration: Duration) {
        self.state
            .change_settings(|s| s.backup_task_duration = duration);
    }

    /// A task started by `ManualBackupInstance`, as `DescribeTaskInfo` would report it now.
    pub fn task(&self, task_id: u64) -> Option<TaskInfo> {
        let task = self.state.store.task(task_id)?;
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
        let r = self.state.store.restriction(secret_id, region);
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
