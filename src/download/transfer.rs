//! One file's transfer into `NAME.part`: attempts until the file is complete, continuing a
//! broken transfer with a range request, starting over when the server ignores the range or
//! the object changed, then verifying the file and renaming it to `NAME`.

mod attempt;

use std::io;
use std::path::{Path, PathBuf};

use tokio::io::AsyncSeekExt;

use super::crc::Crc64;
use super::error::{io_err, DownloadError, VerifyError};
use super::names::PART_SUFFIX;
use super::part::{digest_of_file, PartWriter};
use super::progress::ProgressEvent;
use super::shared::Shared;
use crate::error_chain::Chain;

/// Per-file progress kept across attempts.
struct Transfer<'a> {
    shared: &'a Shared,
    index: usize,
    name: &'a str,
    final_path: &'a Path,
    part_path: PathBuf,
    /// Expected total size, from FileSize or the first response.
    expected: Option<u64>,
    /// Bytes received into the part file (written or queued for writing).
    offset: u64,
    /// The storage's whole-object CRC, once seen.
    remote_crc: Option<u64>,
    etag: Option<String>,
    /// Whether the bytes on disk came from an earlier run (a mismatch then restarts once).
    inherited: bool,
    transferred: u64,
    resumes: u32,
    restarts: u32,
}

/// How one attempt ended, for the loop in `run_with` to decide what comes next.
enum Step {
    /// The file is complete on disk.
    Complete,
    /// Try again (the error says why); `progress` tells whether bytes were written.
    Retry {
        error: DownloadError,
        progress: bool,
    },
    /// The URL was rejected with 403.
    Expired { url: String, generation: u64 },
    /// Give up.
    Fatal(DownloadError),
}

/// A file that ended well: transferred, or skipped as already complete (by the job).
pub(super) struct Done {
    pub(super) size: u64,
    pub(super) skipped: bool,
    pub(super) transferred: u64,
    pub(super) resumes: u32,
    pub(super) restarts: u32,
    pub(super) crc64: Option<u64>,
}

/// What a failed transfer did before it gave up, for the file's report.
#[derive(Default)]
pub(super) struct Stats {
    pub(super) transferred: u64,
    pub(super) resumes: u32,
    pub(super) restarts: u32,
}

/// Downloads one file into `NAME.part`, verifies it and renames it to `NAME`.
pub(super) async fn transfer(
    shared: &Shared,
    index: usize,
    name: &str,
    final_path: &Path,
    expected: Option<u64>,
) -> Result<Done, (DownloadError, Stats)> {
    let mut part_name = final_path.as_os_str().to_owned();
    part_name.push(PART_SUFFIX);
    let part_path = PathBuf::from(part_name);
    let mut t = Transfer {
        shared,
        index,
        name,
        final_path,
        part_path,
        expected,
        offset: 0,
        remote_crc: None,
        etag: None,
        inherited: false,
        transferred: 0,
        resumes: 0,
        restarts: 0,
    };
    let result = t.run().await;
    let stats = Stats {
        transferred: t.transferred,
        resumes: t.resumes,
        restarts: t.restarts,
    };
    match result {
        Ok(crc64) => Ok(Done {
            size: t.offset,
            skipped: false,
            transferred: t.transferred,
            resumes: t.resumes,
            restarts: t.restarts,
            crc64,
        }),
        Err(e) => {
            // An empty part file is litter; a non-empty one is kept so a later run resumes it.
            if t.offset == 0 {
                let _ = tokio::fs::remove_file(&t.part_path).await;
            }
            Err((e, stats))
        }
    }
}

impl Transfer<'_> {
    fn emit(&self, event: &ProgressEvent<'_>) {
        self.shared.emit(event);
    }

    async fn run(&mut self) -> Result<Option<u64>, DownloadError> {
        let mut file = self.open_part().await?;
        let result = self.run_with(&mut file).await;
        // Keep what arrived, so that a later run can resume from it.
        let _ = file.flush().await;
        result
    }

    async fn run_with(&mut self, file: &mut PartWriter) -> Result<Option<u64>, DownloadError> {
        let policy = self.shared.options.retry;
        let mut failures: u32 = 0;
        // A hard cap so that a server dripping a byte per connection cannot loop forever.
        let mut tries: u32 = 0;
        let max_tries = policy.max_attempts().saturating_add(1000);
        loop {
            tries += 1;
            let step = self.attempt(file).await;
            match step {
                Step::Complete => match self.finish(file).await {
                    Ok(crc) => return Ok(crc),
                    Err(e) if self.inherited && matches!(e, DownloadError::Verification { .. }) => {
                        // The part file from an earlier run was not this object's prefix.
                        let reason = Chain(&e).to_string();
                        self.restart(file, &reason).await?;
                        self.inherited = false;
                    }
                    Err(e) => {
                        let _ = tokio::fs::remove_file(&self.part_path).await;
                        return Err(e);
                    }
                },
                Step::Fatal(e) => return Err(e),
                Step::Expired { url, generation } => {
                    if !self.shared.refresh(generation).await {
                        return Err(DownloadError::UrlExpired {
                            name: self.name.to_owned(),
                            url,
                            refreshes: self.shared.refreshes(),
                        });
                    }
                }
                Step::Retry { error, progress } => {
                    // With retries disabled, a broken transfer is not resumed either. An
                    // error that is not transient ends the file, except when the attempt made
                    // progress: a 416 after which the part file was emptied is a start over.
                    if (!error.is_transient() && !progress) || policy.max_attempts() <= 1 {
                        return Err(error);
                    }
                    if progress {
                        failures = 0;
                        self.resumes += 1;
                    } else {
                        failures += 1;
                    }
                    if failures >= policy.max_attempts() || tries >= max_tries {
                        return Err(error);
                    }
                    let wait = if progress {
                        std::time::Duration::ZERO
                    } else {
                        policy.backoff(failures)
                    };
                    // The whole chain: the event and the log line are all a caller sees of a
                    // failure that is retried.
                    let reason = Chain(&error).to_string();
                    tracing::info!(
                        file = %self.name,
                        offset = self.offset,
                        wait_ms = wait.as_millis() as u64,
                        reason = %reason,
                        "retrying"
                    );
                    self.emit(&ProgressEvent::FileRetrying {
                        index: self.index,
                        name: self.name,
                        reason: &reason,
                        offset: self.offset,
                        wait,
                    });
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// Opens `NAME.part`, continuing an earlier run's bytes unless forced.
    async fn open_part(&mut self) -> Result<PartWriter, DownloadError> {
        let path = self.part_path.clone();
        if let Ok(meta) = tokio::fs::symlink_metadata(&path).await {
            if !meta.is_file() {
                return Err(DownloadError::Io {
                    path,
                    action: "write",
                    source: io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "it exists and is not a regular file (a symbolic link?); refusing to write through it",
                    ),
                });
            }
        }
        let mut file = tokio::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .await
            .map_err(io_err(&path, "create"))?;
        let existing = file
            .metadata()
            .await
            .map_err(io_err(&path, "inspect"))?
            .len();
        let mut digest = Crc64::new();
        let usable = !self.shared.options.force
            && existing > 0
            && self.expected.is_none_or(|e| existing <= e);
        if usable {
            // Resume one byte early: even a part file that is already complete (the earlier
            // run died between its last write and the rename) then gets one answer from the
            // storage, which brings the object's size and CRC-64 for `finish` to check.
            let resume_at = existing - 1;
            digest = digest_of_file(&path, resume_at).await?;
            self.offset = resume_at;
            self.inherited = true;
            tracing::info!(file = %self.name, offset = resume_at, "continuing a partial download of an earlier run");
        } else {
            file.set_len(0).await.map_err(io_err(&path, "truncate"))?;
            self.offset = 0;
        }
        file.seek(io::SeekFrom::Start(self.offset))
            .await
            .map_err(io_err(&path, "seek in"))?;
        let file = file.into_std().await;
        Ok(PartWriter::new(file, self.offset, digest))
    }

    async fn restart(&mut self, file: &mut PartWriter, reason: &str) -> Result<(), DownloadError> {
        let path = self.part_path.clone();
        tracing::info!(file = %self.name, reason, "starting over from byte 0");
        file.restart().await.map_err(io_err(&path, "truncate"))?;
        if self.offset > 0 {
            self.restarts += 1;
        }
        self.offset = 0;
        self.remote_crc = None;
        self.etag = None;
        self.emit(&ProgressEvent::FileRestarted {
            index: self.index,
            name: self.name,
            reason,
        });
        Ok(())
    }

    /// Empties the part file and asks for another attempt from byte 0, reporting `error` for
    /// this one. It counts as progress: the next attempt starts at once and the count of
    /// failures in a row starts again.
    async fn start_over(
        &mut self,
        file: &mut PartWriter,
        reason: &str,
        error: DownloadError,
    ) -> Step {
        match self.restart(file, reason).await {
            Ok(()) => Step::Retry {
                error,
                progress: true,
            },
            Err(e) => Step::Fatal(e),
        }
    }

    /// Flushes, fsyncs, verifies and renames. Returns the verified CRC, if any.
    async fn finish(&mut self, file: &mut PartWriter) -> Result<Option<u64>, DownloadError> {
        let path = self.part_path.clone();
        file.flush().await.map_err(io_err(&path, "write"))?;
        let (on_disk, actual) = file.finish().await.map_err(io_err(&path, "fsync"))?;
        if on_disk != self.offset {
            return Err(DownloadError::Verification {
                name: self.name.to_owned(),
                reason: VerifyError::Size {
                    expected_from: "bytes received",
                    expected: self.offset,
                    actual: on_disk,
                },
            });
        }
        if let Some(expected) = self.expected {
            if on_disk != expected {
                return Err(DownloadError::Verification {
                    name: self.name.to_owned(),
                    reason: VerifyError::Size {
                        expected_from: "FileSize",
                        expected,
                        actual: on_disk,
                    },
                });
            }
        }
        if let Some(expected) = self.remote_crc {
            if expected != actual {
                return Err(DownloadError::Verification {
                    name: self.name.to_owned(),
                    reason: VerifyError::Crc64 { expected, actual },
                });
            }
        }
        tokio::fs::rename(&path, self.final_path)
            .await
            .map_err(io_err(self.final_path, "rename the finished download to"))?;
        sync_parent(self.final_path).await;
        self.emit(&ProgressEvent::FileDone {
            index: self.index,
            name: self.name,
            size: on_disk,
            crc64: self.remote_crc,
        });
        tracing::info!(file = %self.name, size = on_disk, crc64 = ?self.remote_crc, "done");
        Ok(self.remote_crc)
    }
}

/// Makes the rename durable (fsync of the folder, where the platform supports it).
async fn sync_parent(path: &Path) {
    #[cfg(unix)]
    if let Some(parent) = path.parent() {
        if let Ok(dir) = tokio::fs::File::open(parent).await {
            let _ = dir.sync_all().await;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}
