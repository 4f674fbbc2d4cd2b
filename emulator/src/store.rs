//! The emulator's data: instances, their backups and the RDB files of each backup.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

use crate::rdb;

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

/// A backup: an ordered list of files.
#[derive(Debug, Default)]
pub struct Backup {
    /// The backup's files, in shard order.
    pub files: Vec<Arc<BackupFile>>,
}

/// An instance and its backups.
#[derive(Debug, Default)]
pub struct Instance {
    /// Backups by id.
    pub backups: BTreeMap<String, Backup>,
}

/// Every instance, by id.
#[derive(Debug, Default)]
pub struct Store {
    instances: RwLock<BTreeMap<String, Instance>>,
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
    /// Its backups, sorted by id.
    pub backups: Vec<BackupSummary>,
}

/// The outcome of looking up a backup.
#[derive(Debug)]
pub enum Lookup {
    /// No such instance.
    NoInstance,
    /// The instance exists, the backup does not.
    NoBackup,
    /// The backup's files.
    Found(Vec<Arc<BackupFile>>),
}

impl Store {
    /// Adds (or replaces) a backup.
    pub fn insert_backup(&self, instance_id: &str, backup_id: &str, files: Vec<Arc<BackupFile>>) {
        if let Ok(mut map) = self.instances.write() {
            map.entry(instance_id.to_owned())
                .or_default()
                .backups
                .insert(backup_id.to_owned(), Backup { files });
        }
    }

    /// Adds an instance without backups (no-op if it exists).
    pub fn insert_instance(&self, instance_id: &str) {
        if let Ok(mut map) = self.instances.write() {
            map.entry(instance_id.to_owned()).or_default();
        }
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
                Some(backup) => Lookup::Found(backup.files.clone()),
            },
        }
    }

    /// One file of a backup by name.
    pub fn file(&self, instance_id: &str, backup_id: &str, name: &str) -> Option<Arc<BackupFile>> {
        match self.lookup(instance_id, backup_id) {
            Lookup::Found(files) => files.into_iter().find(|f| f.name == name),
            _ => None,
        }
    }

    /// Every instance and backup, sorted by id.
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
                    .map(|(bid, b)| BackupSummary {
                        backup_id: bid.clone(),
                        files: b.files.len(),
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The demo data set: one instance with one multi-file backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoData {
    /// The instance id (default `crs-4y9t57vt`, the doc example's).
    pub instance_id: String,
    /// The backup id (default `678362566696298532848117`, the doc example's).
    pub backup_id: String,
    /// The size of each shard file; one file per entry. The default is the five sizes of the
    /// doc example (about 1.2 MiB each).
    pub file_sizes: Vec<u64>,
}

impl Default for DemoData {
    fn default() -> Self {
        Self {
            instance_id: "crs-4y9t57vt".to_owned(),
            backup_id: "678362566696298532848117".to_owned(),
            file_sizes: vec![1_264_547, 1_278_586, 1_467_647, 1_264_987, 1_268_499],
        }
    }
}

impl DemoData {
    /// The name of shard file `index` (1-based), shaped like the doc example's.
    pub fn file_name(&self, index: usize) -> String {
        format!("9527208-4633789-redis-server-5.0.14-1001463-ignore-{index}-ignore.rdb")
    }

    /// Writes the files into `dir/INSTANCE/BACKUP/` (creating it, overwriting earlier demo
    /// files; the content is deterministic). Returns the backup's files.
    pub fn materialize(&self, dir: &Path) -> std::io::Result<Vec<Arc<BackupFile>>> {
        let folder = dir.join(&self.instance_id).join(&self.backup_id);
        std::fs::create_dir_all(&folder)?;
        let mut files = Vec::with_capacity(self.file_sizes.len());
        for (i, &size) in self.file_sizes.iter().enumerate() {
            let name = self.file_name(i + 1);
            let path = folder.join(&name);
            let shard = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let info = rdb::write_demo_file(&path, shard, size)?;
            files.push(Arc::new(BackupFile::with_crc(
                name,
                path,
                info.size,
                info.cos_crc64,
            )));
        }
        Ok(files)
    }
}
