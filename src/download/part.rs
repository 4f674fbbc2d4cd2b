//! `NAME.part`: the file a download is written to, and the CRC-64 of what it holds.
//!
//! Each received chunk is checksummed while it is still in the CPU's cache and copied into one
//! of two reused 1 MiB buffers; a full buffer is written on the blocking pool while the other
//! one fills, so the network and the disk overlap. Two buffers per file keep memory flat
//! whatever the file's size.
//!
//! The copy costs less than it saves. A chunk given back to the HTTP client at once lets it
//! read into the same memory again; holding chunks until they were written made it read into
//! fresh allocations, with a page fault for every few KiB received (26,000 to 42,000 faults
//! and 0.5 to 1.7 s of system time per GiB; bench/NOTES.md).

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;

use tokio::io::AsyncReadExt;
use tokio::task::JoinHandle;

use super::crc::Crc64;
use super::error::{io_err, DownloadError};

/// Bytes collected before a batch goes to the disk: large enough that handing a batch to the
/// blocking pool (two context switches) is rare, small enough to keep memory flat.
const BATCH_BYTES: usize = 1 << 20;

/// How far the file may run ahead of the disk before write-back of the newest bytes is
/// started (Linux), so that the fsync before the rename has little left to wait for.
#[cfg(target_os = "linux")]
const WRITE_BACK_EVERY: u64 = 32 << 20;

/// The file; away on the blocking pool while a batch is written.
struct Disk {
    file: File,
    /// Bytes on disk (or in the page cache); only early write-back reads it.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    written: u64,
    /// Start of the range whose write-back has not been started yet.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    unflushed_from: u64,
}

/// What a batch write gives back: the disk, the emptied buffer and the outcome.
type BatchDone = (Disk, Vec<u8>, io::Result<()>);

/// The part file of one transfer.
pub(super) struct PartWriter {
    disk: Option<Disk>,
    /// CRC-64 of every byte handed to [`PartWriter::write`], written or queued.
    crc: Crc64,
    /// A batch being written.
    in_flight: Option<JoinHandle<BatchDone>>,
    /// The batch being filled.
    batch: Vec<u8>,
    /// The other buffer, once its batch is written (`None` while it is in flight or before it
    /// is first needed).
    spare: Option<Vec<u8>>,
}

impl PartWriter {
    /// Takes over `file` positioned at `len`, whose first `len` bytes have the digest `crc`.
    pub(super) fn new(file: File, len: u64, crc: Crc64) -> Self {
        Self {
            disk: Some(Disk {
                file,
                written: len,
                unflushed_from: len,
            }),
            crc,
            in_flight: None,
            batch: Vec::new(),
            spare: None,
        }
    }

    /// Copies `chunk` into the batch; writes the batch each time it is full. An error is that of
    /// an earlier batch or of this one.
    pub(super) async fn write(&mut self, mut chunk: &[u8]) -> io::Result<()> {
        self.crc.update(chunk);
        while !chunk.is_empty() {
            if self.batch.capacity() == 0 {
                self.batch = self
                    .spare
                    .take()
                    .unwrap_or_else(|| Vec::with_capacity(BATCH_BYTES));
            }
            let room = BATCH_BYTES - self.batch.len();
            let (now, later) = chunk.split_at(room.min(chunk.len()));
            self.batch.extend_from_slice(now);
            chunk = later;
            if self.batch.len() == BATCH_BYTES {
                self.submit().await?;
            }
        }
        Ok(())
    }

    /// Writes everything queued and waits for it.
    pub(super) async fn flush(&mut self) -> io::Result<()> {
        if !self.batch.is_empty() {
            self.submit().await?;
        }
        self.settle().await
    }

    /// Empties the file and the checksum (the transfer starts over from byte 0).
    pub(super) async fn restart(&mut self) -> io::Result<()> {
        self.flush().await?;
        self.blocking(|disk| {
            disk.file.set_len(0)?;
            disk.file.seek(SeekFrom::Start(0))?;
            disk.written = 0;
            disk.unflushed_from = 0;
            Ok(())
        })
        .await?;
        self.crc = Crc64::new();
        Ok(())
    }

    /// Flushes, fsyncs and returns `(length on disk, CRC-64 of the bytes written)`.
    pub(super) async fn finish(&mut self) -> io::Result<(u64, u64)> {
        self.flush().await?;
        let len = self
            .blocking(|disk| {
                disk.file.sync_all()?;
                Ok(disk.file.metadata()?.len())
            })
            .await?;
        Ok((len, self.crc.value()))
    }

    /// Hands the current batch to the blocking pool, after the previous one is done.
    async fn submit(&mut self) -> io::Result<()> {
        let mut disk = self.take_disk().await?;
        let mut batch = std::mem::take(&mut self.batch);
        self.in_flight = Some(tokio::task::spawn_blocking(move || {
            let result = write_batch(&mut disk, &batch);
            batch.clear();
            (disk, batch, result)
        }));
        Ok(())
    }

    /// Waits for the batch in flight, if any, and puts the disk back.
    async fn settle(&mut self) -> io::Result<()> {
        if let Some(handle) = self.in_flight.take() {
            let (disk, buffer, result) = handle.await.map_err(task_failed)?;
            self.disk = Some(disk);
            self.spare = Some(buffer);
            result?;
        }
        Ok(())
    }

    /// Waits for the batch in flight and takes the disk out for the next operation.
    async fn take_disk(&mut self) -> io::Result<Disk> {
        self.settle().await?;
        // Only a panicked write task loses the disk.
        self.disk.take().ok_or_else(|| task_failed("lost"))
    }

    /// Runs `f` on the disk on the blocking pool.
    async fn blocking<T, F>(&mut self, f: F) -> io::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Disk) -> io::Result<T> + Send + 'static,
    {
        let mut disk = self.take_disk().await?;
        let (disk, result) = tokio::task::spawn_blocking(move || {
            let result = f(&mut disk);
            (disk, result)
        })
        .await
        .map_err(task_failed)?;
        self.disk = Some(disk);
        result
    }
}

fn task_failed(reason: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!(
        "the task writing the file ended abnormally ({reason})"
    ))
}

/// Writes one batch.
fn write_batch(disk: &mut Disk, batch: &[u8]) -> io::Result<()> {
    disk.file.write_all(batch)?;
    disk.written += batch.len() as u64;
    start_write_back(disk);
    Ok(())
}

/// Starts (does not wait for) write-back of the bytes written since the last call, once
/// there are enough of them.
#[cfg(target_os = "linux")]
// A system call through libc; the workspace's lints deny unsafe code elsewhere.
#[allow(unsafe_code)]
fn start_write_back(disk: &mut Disk) {
    use std::os::fd::AsRawFd;
    let pending = disk.written - disk.unflushed_from;
    if pending < WRITE_BACK_EVERY {
        return;
    }
    let (Ok(from), Ok(len)) = (
        libc::off64_t::try_from(disk.unflushed_from),
        libc::off64_t::try_from(pending),
    ) else {
        return;
    };
    // SAFETY: a plain system call on a file descriptor this struct owns; no memory is passed.
    // Failure is harmless: the fsync before the rename writes everything anyway.
    unsafe {
        libc::sync_file_range(
            disk.file.as_raw_fd(),
            from,
            len,
            libc::SYNC_FILE_RANGE_WRITE,
        );
    }
    disk.unflushed_from = disk.written;
}

#[cfg(not(target_os = "linux"))]
fn start_write_back(_disk: &mut Disk) {}

/// The CRC-64 digest of the first `limit` bytes of a file, read in 1 MiB blocks.
pub(super) async fn digest_of_file(path: &Path, limit: u64) -> Result<Crc64, DownloadError> {
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(io_err(path, "read"))?;
    let mut digest = Crc64::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = limit;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = file
            .read(&mut buf[..want])
            .await
            .map_err(io_err(path, "read"))?;
        if n == 0 {
            break;
        }
        digest.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(digest)
}
