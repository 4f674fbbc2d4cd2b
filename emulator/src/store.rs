//! The emulator's data: instances, their backups and the RDB files of each backup, the tasks
//! of manual backups, and the stored download restrictions.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

/// One RDB file of a backup, served from disk.
#[derive(Debug)]
pub struct BackupFile {
    /// The file name shown in `Filenames` / `BackupInfos[].FileName` and used in its URL.
    pub name: String,
    /// Where the bytes are.
    pub path: PathBuf,
    /// Size in bytes, read when the file was registered.
    pub size: u64,
    /// CRC-64/XZ of the file, computed once (at generation, or on first download).
    crc: OnceLock<u64>,
}

impl BackupFile {
    /// A file whose checksum is not known yet.
    pub fn new(name: String, path: PathBuf, size: u64) -> Self {
        Self {
            name,
            path,
            size,
            crc: OnceLock::new(),
        }
    }

    /// A file whose checksum was computed while it was written.
    pub fn with_crc(name: String, path: PathBuf, size: u64, crc: u64) -> Self {
        let file = Self::new(name, path, size);
        let _ = file.crc.set(crc);
        file
    }

    /// The cached CRC-64/XZ, if computed.
    pub fn cached_crc(&self) -> Option<u64> {
        self.crc.get().copied()
    }

    /// Stores the computed CRC-64/XZ (first writer wins; all compute the same value).
    pub fn set_crc(&self, crc: u64) -> u64 {
        *self.crc.get_or_init(|| crc)
    }
}

/// Where a backup stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupState {
    /// Complete: listed with `Status` 2, downloadable.
    Ready,
    /// Its task has not succeeded yet: listed with `Status` 1, not downloadable.
    InProgress,
    /// Its task failed (the message says why): not listed, not downloadable.
    Failed(String),
}

/// A backup: an ordered list of files and what `DescribeInstanceBackups` says about it.
#[derive(Debug)]
pub struct Backup {
    /// The backup's files, in shard order (empty until a manual backup's files are written).
    pub files: Vec<Arc<BackupFile>>,
    /// When it started, Unix seconds.
    pub start_time: u64,
    /// `0` manual, `1` automatic (the demo and registered files), as `BackupType`.
    pub backup_type: &'static str,
    /// The remark given to `ManualBackupInstance`.
    pub remark: String,
    /// How many days it is kept (`ExpireTime` = start + this).
    pub storage_days: u64,
    /// `FileType`.
    pub file_type: &'static str,
    /// Registration order, to order backups that started in the same second.
    pub seq: u64,
    /// The task that makes it, for manual backups.
    pub task: Option<Arc<Task>>,
}

impl Backup {
    /// Where it stands now.
    pub fn state(&self) -> BackupState {
        match &self.task {
            None => BackupState::Ready,
            Some(task) => match task.phase() {
                TaskPhase::Succeed => BackupState::Ready,
                TaskPhase::Failed(message) => BackupState::Failed(message),
                TaskPhase::Preparing | TaskPhase::Running => BackupState::InProgress,
            },
        }
    }

    /// When it finished, Unix seconds; `None` while it runs or after it failed.
    pub fn end_time(&self) -> Option<u64> {
        match &self.task {
            None => Some(self.start_time),
            Some(task) => match task.phase() {
                TaskPhase::Succeed => Some(
                    self.start_time
                        .saturating_add(task.end_time().saturating_sub(task.start_time)),
                ),
                _ => None,
            },
        }
    }
}

/// The phase of a task, computed from the clock and the outcome of its work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskPhase {
    /// The first quarter of the task's duration.
    Preparing,
    /// Until the duration has passed and the work is done.
    Running,
    /// Done.
    Succeed,
    /// The work failed; the message says why.
    Failed(String),
}

impl TaskPhase {
    /// The wire value of `DescribeTaskInfo`'s `Status`.
    pub fn as_str(&self) -> &'static str {
        match self {
            TaskPhase::Preparing => "preparing",
            TaskPhase::Running => "running",
            TaskPhase::Succeed => "succeed",
            TaskPhase::Failed(_) => "failed",
        }
    }
}

/// An asynchronous task: a manual backup, or the task of any other action that answers with a
/// `TaskId`.
#[derive(Debug)]
pub struct Task {
    /// `TaskId`.
    pub id: u64,
    /// `TaskType`: what the task does.
    pub task_type: String,
    /// The instance it works on (empty when the action names none).
    pub instance_id: String,
    /// The backup it makes (empty for a task that makes none).
    pub backup_id: String,
    /// When it started, Unix seconds.
    pub start_time: u64,
    created: Instant,
    duration: Duration,
    /// The outcome of the work and when it ended (Unix seconds); set once.
    outcome: OnceLock<(Result<(), String>, u64)>,
}

impl Task {
    /// A task starting now that takes at least `duration`.
    pub fn new(
        id: u64,
        task_type: &str,
        instance_id: &str,
        backup_id: &str,
        duration: Duration,
    ) -> Self {
        Self {
            id,
            task_type: task_type.to_owned(),
            instance_id: instance_id.to_owned(),
            backup_id: backup_id.to_owned(),
            start_time: crate::clock::unix_now(),
            created: Instant::now(),
            duration,
            outcome: OnceLock::new(),
        }
    }

    /// Where it stands: `preparing` for the first quarter of its duration, then `running`
    /// until the duration has passed and its work is done, then `succeed` (or `failed` as
    /// soon as the work fails).
    pub fn phase(&self) -> TaskPhase {
        let elapsed = self.created.elapsed();
        match self.outcome.get() {
            Some((Err(message), _)) => TaskPhase::Failed(message.clone()),
            _ if elapsed < self.duration / 4 => TaskPhase::Preparing,
            Some((Ok(()), _)) if elapsed >= self.duration => TaskPhase::Succeed,
            _ => TaskPhase::Running,
        }
    }

    /// When it ended or ends: the later of start + duration and the end of the work.
    fn end_time(&self) -> u64 {
        let min_end = self
            .start_time
            .saturating_add(self.duration.as_secs_f64().ceil() as u64);
        match self.outcome.get() {
            Some((_, done)) => min_end.max(*done),
            None => min_end,
        }
    }

    /// Records the outcome of the work (the first call wins).
    fn finish(&self, outcome: Result<(), String>) {
        let _ = self.outcome.set((outcome, crate::clock::unix_now()));
    }
}

/// An instance and its backups.
#[derive(Debug)]
pub struct Instance {
    /// `InstanceName` (the instance ID unless set).
    pub name: String,
    /// The sizes of the RDB files a manual backup writes, one per shard.
    pub file_sizes: Vec<u64>,
    /// Backups by id.
    pub backups: BTreeMap<String, Backup>,
}

/// The size of the single RDB file a manual backup writes for an instance that is not the
/// demo's (changed with `RunningEmulator::set_backup_file_sizes`).
pub const DEFAULT_SNAPSHOT_SIZE: u64 = 64 * 1024;

impl Instance {
    fn new(id: &str) -> Self {
        Self {
            name: id.to_owned(),
            file_sizes: vec![DEFAULT_SNAPSHOT_SIZE],
            backups: BTreeMap::new(),
        }
    }
}

/// One row of `DescribeInstanceBackups`, before filtering.
#[derive(Debug, Clone)]
pub struct BackupRow {
    pub instance_id: String,
    pub instance_name: String,
    pub backup_id: String,
    pub start_time: u64,
    pub end_time: Option<u64>,
    pub state: BackupState,
    pub backup_type: &'static str,
    pub remark: String,
    pub size: u64,
    pub storage_days: u64,
    pub file_type: &'static str,
    pub seq: u64,
}

/// A download restriction as stored by `ModifyBackupDownloadRestriction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRestriction {
    pub limit_type: String,
    pub vpc_op: String,
    pub ip_op: String,
    pub limit_vpc: Vec<(String, Vec<String>)>,
    pub limit_ip: Vec<String>,
}

impl Default for StoredRestriction {
    fn default() -> Self {
        Self {
            limit_type: "NoLimit".to_owned(),
            vpc_op: "In".to_owned(),
            ip_op: "In".to_owned(),
            limit_vpc: Vec::new(),
            limit_ip: Vec::new(),
        }
    }
}

/// Every instance, by id, the tasks and the stored download restrictions.
#[derive(Debug, Default)]
pub struct Store {
    instances: RwLock<BTreeMap<String, Instance>>,
    tasks: Mutex<BTreeMap<u64, Arc<Task>>>,
    /// By (SecretId, region).
    restrictions: Mutex<HashMap<(String, String), StoredRestriction>>,
    seq: AtomicU64,
}

/// A summary of one backup for the start line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// The backup id.
    pub backup_id: String,
    /// How many files it has.
    pub files: usize,
}

/// A summary of one instance for the start line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceSummary {
    /// The instance id.
    pub instance_id: String,
    /// Its complete backups, sorted by id.
    pub backups: Vec<BackupSummary>,
}

/// The outcome of looking up a backup.
#[derive(Debug)]
pub enum Lookup {
    /// No such instance.
    NoInstance,
    /// The instance exists, the backup does not.
    NoBackup,
    /// The backup exists but is not complete (in progress or failed).
    NotReady(BackupState),
    /// The backup's files.
    Found(Vec<Arc<BackupFile>>),
}

/// The first task ID handed out.
const FIRST_TASK_ID: u64 = 100_001;
/// `TaskType` of a manual backup's task.
const BACKUP_TASK_TYPE: &str = "Back up Instance";

impl Store {
    fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    /// Adds (or replaces) a complete backup made of existing files, started now (an automatic
    /// backup, kept seven days).
    pub fn insert_backup(&self, instance_id: &str, backup_id: &str, files: Vec<Arc<BackupFile>>) {
        self.insert_backup_as(instance_id, backup_id, files, "RDB");
    }

    /// [`Store::insert_backup`] with a `FileType`.
    pub fn insert_backup_as(
        &self,
        instance_id: &str,
        backup_id: &str,
        files: Vec<Arc<BackupFile>>,
        file_type: &'static str,
    ) {
        let seq = self.next_seq();
        if let Ok(mut map) = self.instances.write() {
            map.entry(instance_id.to_owned())
                .or_insert_with(|| Instance::new(instance_id))
                .backups
                .insert(
                    backup_id.to_owned(),
                    Backup {
                        files,
                        start_time: crate::clock::unix_now(),
                        backup_type: "1",
                        remark: String::new(),
                        storage_days: 7,
                        file_type,
                        seq,
                        task: None,
                    },
                );
        }
    }

    /// Adds an instance without backups (no-op if it exists).
    pub fn insert_instance(&self, instance_id: &str) {
        if let Ok(mut map) = self.instances.write() {
            map.entry(instance_id.to_owned())
                .or_insert_with(|| Instance::new(instance_id));
        }
    }

    /// Runs `f` on an instance; false if there is none.
    pub fn with_instance(&self, instance_id: &str, f: impl FnOnce(&mut Instance)) -> bool {
        match self.instances.write() {
            Ok(mut map) => match map.get_mut(instance_id) {
                Some(instance) => {
                    f(instance);
                    true
                }
                None => false,
            },
            Err(_) => false,
        }
    }

    /// Whether the instance exists.
    pub fn has_instance(&self, instance_id: &str) -> bool {
        self.instances
            .read()
            .map(|m| m.contains_key(instance_id))
            .unwrap_or(false)
    }

    /// Looks a backup up.
    pub fn lookup(&self, instance_id: &str, backup_id: &str) -> Lookup {
        let Ok(map) = self.instances.read() else {
            return Lookup::NoInstance;
        };
        match map.get(instance_id) {
            None => Lookup::NoInstance,
            Some(instance) => match instance.backups.get(backup_id) {
                None => Lookup::NoBackup,
                Some(backup) => match backup.state() {
                    BackupState::Ready => Lookup::Found(backup.files.clone()),
                    other => Lookup::NotReady(other),
                },
            },
        }
    }

    /// One file of a complete backup by name.
    pub fn file(&self, instance_id: &str, backup_id: &str, name: &str) -> Option<Arc<BackupFile>> {
        match self.lookup(instance_id, backup_id) {
            Lookup::Found(files) => files.into_iter().find(|f| f.name == name),
            _ => None,
        }
    }

    /// Every instance and its complete backups, sorted by id.
    pub fn summary(&self) -> Vec<InstanceSummary> {
        let Ok(map) = self.instances.read() else {
            return Vec::new();
        };
        map.iter()
            .map(|(id, instance)| InstanceSummary {
                instance_id: id.clone(),
                backups: instance
                    .backups
                    .iter()
                    .filter(|(_, b)| b.state() == BackupState::Ready)
                    .map(|(bid, b)| BackupSummary {
                        backup_id: bid.clone(),
                        files: b.files.len(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Every instance's ID and `InstanceName`, sorted by ID.
    pub fn instance_names(&self) -> Vec<(String, String)> {
        let Ok(map) = self.instances.read() else {
            return Vec::new();
        };
        map.iter()
            .map(|(id, instance)| (id.clone(), instance.name.clone()))
            .collect()
    }

    /// Every backup of every instance, unfiltered, in no particular order.
    pub fn rows(&self) -> Vec<BackupRow> {
        let Ok(map) = self.instances.read() else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        for (id, instance) in map.iter() {
            for (bid, b) in &instance.backups {
                rows.push(BackupRow {
                    instance_id: id.clone(),
                    instance_name: instance.name.clone(),
                    backup_id: bid.clone(),
                    start_time: b.start_time,
                    end_time: b.end_time(),
                    state: b.state(),
                    backup_type: b.backup_type,
                    remark: b.remark.clone(),
                    size: b.files.iter().map(|f| f.size).sum(),
                    storage_days: b.storage_days,
                    file_type: b.file_type,
                    seq: b.seq,
                });
            }
        }
        rows
    }

    /// Starts a manual backup of an existing instance: registers an in-progress backup with a
    /// fresh 24-digit ID and its task. Returns the task and the shard sizes to write, or
    /// `None` when there is no such instance.
    pub fn start_manual_backup(
        &self,
        instance_id: &str,
        remark: &str,
        storage_days: u64,
        duration: Duration,
    ) -> Option<(Arc<Task>, Vec<u64>)> {
        let seq = self.next_seq();
        let mut map = self.instances.write().ok()?;
        let instance = map.get_mut(instance_id)?;
        let mut rng = fastrand::Rng::new();
        let backup_id = loop {
            let id: String = std::iter::once(char::from(b'1' + rng.u8(..9)))
                .chain((0..23).map(|_| char::from(b'0' + rng.u8(..10))))
                .collect();
            if !instance.backups.contains_key(&id) {
                break id;
            }
        };
        let task = self.register_task(BACKUP_TASK_TYPE, instance_id, &backup_id, duration)?;
        instance.backups.insert(
            backup_id,
            Backup {
                files: Vec::new(),
                start_time: task.start_time,
                backup_type: "0",
                remark: remark.to_owned(),
                storage_days,
                file_type: SNAPSHOT_FILE_TYPE,
                seq,
                task: Some(Arc::clone(&task)),
            },
        );
        Some((task, instance.file_sizes.clone()))
    }

    /// Ends a manual backup's work: on success its files are attached, then the task learns
    /// the outcome (in that order, under the lock, so a backup is never complete without
    /// its files).
    pub fn finish_manual_backup(&self, task: &Task, outcome: Result<Vec<Arc<BackupFile>>, String>) {
        let Ok(mut map) = self.instances.write() else {
            task.finish(Err("the emulator's store is unavailable".to_owned()));
            return;
        };
        match outcome {
            Ok(files) => {
                // Only into the backup this task makes (not one registered over it since).
                if let Some(backup) = map
                    .get_mut(&task.instance_id)
                    .and_then(|i| i.backups.get_mut(&task.backup_id))
                    .filter(|b| b.task.as_ref().is_some_and(|t| std::ptr::eq(&**t, task)))
                {
                    backup.files = files;
                }
                task.finish(Ok(()));
            }
            Err(message) => task.finish(Err(message)),
        }
    }

    /// Starts a task that does nothing but take `duration` and then succeed: the task of an
    /// action the emulator answers from the schema. `None` when the store is unavailable.
    pub fn start_task(
        &self,
        task_type: &str,
        instance_id: &str,
        duration: Duration,
    ) -> Option<Arc<Task>> {
        let task = self.register_task(task_type, instance_id, "", duration)?;
        task.finish(Ok(()));
        Some(task)
    }

    /// Registers a task under the next ID.
    fn register_task(
        &self,
        task_type: &str,
        instance_id: &str,
        backup_id: &str,
        duration: Duration,
    ) -> Option<Arc<Task>> {
        let mut tasks = self.tasks.lock().ok()?;
        let task_id = tasks
            .keys()
            .next_back()
            .map_or(FIRST_TASK_ID, |last| last.saturating_add(1));
        let task = Arc::new(Task::new(
            task_id,
            task_type,
            instance_id,
            backup_id,
            duration,
        ));
        tasks.insert(task_id, Arc::clone(&task));
        Some(task)
    }

    /// A task by ID.
    pub fn task(&self, task_id: u64) -> Option<Arc<Task>> {
        self.tasks.lock().ok()?.get(&task_id).cloned()
    }

    /// The restriction stored for a SecretId in a region (`NoLimit` when none was stored).
    pub fn restriction(&self, secret_id: &str, region: &str) -> StoredRestriction {
        self.restrictions
            .lock()
            .ok()
            .and_then(|m| m.get(&(secret_id.to_owned(), region.to_owned())).cloned())
            .unwrap_or_default()
    }

    /// Stores a restriction for a SecretId in a region.
    pub fn set_restriction(&self, secret_id: &str, region: &str, r: StoredRestriction) {
        if let Ok(mut m) = self.restrictions.lock() {
            m.insert((secret_id.to_owned(), region.to_owned()), r);
        }
    }
}

/// `FileType` of the backups the emulator writes (the demo's and manual ones): RDB files
/// that say `redis-ver 5.0.14`.
pub const SNAPSHOT_FILE_TYPE: &str = "RDB-Redis 5.0";
