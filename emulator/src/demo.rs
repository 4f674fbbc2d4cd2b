//! The demo data set: one instance with one backup of several shard files, shaped like the
//! doc example, written as real RDB files when the emulator starts.

use std::path::Path;
use std::sync::Arc;

use crate::backup_files;
use crate::rdb;
use crate::store::BackupFile;

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
        backup_files::write_shards(
            &folder,
            &self.file_sizes,
            |i| self.file_name(i),
            rdb::write_demo_file,
        )
    }
}
