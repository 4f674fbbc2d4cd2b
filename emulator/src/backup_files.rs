//! The RDB files a backup is made of: written by the emulator (the demo's, and a manual
//! backup's snapshot) or registered from files that already exist (served in place).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::rdb::{self, WrittenFile};
use crate::store::{BackupFile, Task};

/// A folder name for an instance ID: its characters outside `[A-Za-z0-9._-]` (and a leading
/// dot) become `_`, so an ID can never climb out of the data folder.
pub(crate) fn folder_name(instance_id: &str) -> String {
    let mut name: String = instance_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with('.') {
        name.insert(0, '_');
    }
    name
}

/// Writes one RDB file per size into `dir` (created if missing): file `i` (1-based) is named
/// by `name(i)` and written by `write(path, shard i, size)`.
pub(crate) fn write_shards(
    dir: &Path,
    sizes: &[u64],
    name: impl Fn(usize) -> String,
    write: impl Fn(&Path, u32, u64) -> io::Result<WrittenFile>,
) -> io::Result<Vec<Arc<BackupFile>>> {
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::with_capacity(sizes.len());
    for (i, &size) in sizes.iter().enumerate() {
        let name = name(i + 1);
        let path = dir.join(&name);
        let shard = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let info = write(&path, shard, size)?;
        files.push(Arc::new(BackupFile::with_crc(
            name,
            path,
            info.size,
            info.cos_crc64,
        )));
    }
    Ok(files)
}

/// Writes the RDB files of a manual backup: shard `i` of the instance's data set, sized as
/// configured, stamped with the task's start time.
pub(crate) fn write_snapshot(
    dir: &Path,
    task: &Task,
    sizes: &[u64],
) -> io::Result<Vec<Arc<BackupFile>>> {
    if sizes.is_empty() {
        return Err(io::Error::other("the instance has no data set to back up"));
    }
    write_shards(
        dir,
        sizes,
        |i| format!("{}-redis-server-5.0.14-{i}.rdb", task.backup_id),
        |path, shard, size| rdb::write_snapshot_file(path, shard, size, task.start_time),
    )
}

/// Existing files registered as a backup, named by their base names and served in place.
pub(crate) fn register(paths: &[PathBuf]) -> io::Result<Vec<Arc<BackupFile>>> {
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a file", path.display()),
            ));
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| !n.is_empty() && !n.contains(".."))
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} has no usable file name", path.display()),
                )
            })?
            .to_owned();
        files.push(Arc::new(BackupFile::new(name, path.clone(), meta.len())));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::folder_name;

    #[test]
    fn folder_names_stay_inside() {
        assert_eq!(folder_name("crs-4y9t57vt"), "crs-4y9t57vt");
        assert_eq!(folder_name("../etc"), "_.._etc");
        assert_eq!(folder_name(".."), "_..");
        assert_eq!(folder_name(""), "_");
        assert_eq!(folder_name("a/b\\c"), "a_b_c");
    }
}
