//! `NAME.part`: the file a download is written to, and the CRC-64 of what it holds.
//!
//! Received chunks are collected (not copied) into batches of about 256 KiB; a batch is
//! checksummed and written with one vectored write on the blocking pool while the next batch
//! is received, so the network, the checksum and the disk overlap. At most two batches are
//! held per file, which keeps memory flat whatever the file's size.

use std::fs::File;
use std::io::{self, IoSlice, Seek, SeekFrom, Write};

use tokio::task::JoinHandle;

use super::Crc64;

/// Bytes collected before a batch goes to the disk. Larger batches save no time and cost
/// memory: a received chunk can pin a larger receive buffer (1 MiB batches peaked at 16.5 MiB
/// RSS, 256 KiB ones at 13.5 MiB, at the same throughput).
const BATCH_BYTES: usize = 256 << 10;

/// How far the file may run ahead of the disk before write-back of the newest bytes is
/// started (Linux), so that the fsync before the rename has little left to wait for.
#[cfg(target_os = "linux")]
const WRITE_BACK_EVERY: u64 = 32 << 20;

/// The file and its running checksum; away on the blocking pool while a batch is written.
struct Disk {
    file: File,
    crc: Crc64,
    /// Bytes on disk (or in the page cache); only early write-back reads it.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    written: u64,
    /// Start of the range whose write-back has not been started yet.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    unflushed_from: u64,
}

/// The part file of one transfer.
pub(super) struct PartWriter {
    disk: Option<Disk>,
    in_flight: Option<JoinHandle<(Disk, io::Result<()>)>>,
    batch: Vec<bytes::Bytes>,
    batch_bytes: usize,
}

impl PartWriter {
    /// Takes over `file` positioned at `len`, whose first `len` bytes have the digest `crc`.
    pub(super) fn new(file: File, len: u64, crc: Crc64) -> Self {
        Self {
            disk: Some(Disk {
                file,
                crc,
                written: len,
                unflushed_from: len,
            }),
            in_flight: None,
            batch: Vec::new(),
            batch_bytes: 0,
        }
    }

    /// Queues `chunk`; writes a batch when enough has arrived. An error is that of an earlier
    /// batch or of this one.
    pub(super) async fn write(&mut self, chunk: bytes::Bytes) -> io::Result<()> {
        self.batch_bytes += chunk.len();
        self.batch.push(chunk);
        if self.batch_bytes >= BATCH_BYTES {
            self.submit().await?;
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
            disk.crc = Crc64::new();
            disk.written = 0;
            disk.unflushed_from = 0;
            Ok(())
        })
        .await
    }

    /// Flushes, fsyncs and returns `(length on disk, CRC-64 of the bytes written)`.
    pub(super) async fn finish(&mut self) -> io::Result<(u64, u64)> {
        self.flush().await?;
        self.blocking(|disk| {
            disk.file.sync_all()?;
            Ok((disk.file.metadata()?.len(), disk.crc.value()))
        })
        .await
    }

    /// Hands the current batch to the blocking pool, after the previous one is done.
    async fn submit(&mut self) -> io::Result<()> {
        let mut disk = self.take_disk().await?;
        let batch = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        self.in_flight = Some(tokio::task::spawn_blocking(move || {
            let result = write_batch(&mut disk, &batch);
            (disk, result)
        }));
        Ok(())
    }

    /// Waits for the batch in flight, if any, and puts the disk back.
    async fn settle(&mut self) -> io::Result<()> {
        if let Some(handle) = self.in_flight.take() {
            let (disk, result) = handle.await.map_err(task_failed)?;
            self.disk = Some(disk);
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

/// Checksums and writes one batch with as few system calls as the kernel allows.
fn write_batch(disk: &mut Disk, batch: &[bytes::Bytes]) -> io::Result<()> {
    let mut slices: Vec<IoSlice<'_>> = batch.iter().map(|b| IoSlice::new(b)).collect();
    for chunk in batch {
        disk.crc.update(chunk);
    }
    let mut rest = &mut slices[..];
    while !rest.is_empty() {
        match disk.file.write_vectored(rest) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                disk.written += n as u64;
                IoSlice::advance_slices(&mut rest, n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    start_write_back(disk);
    Ok(())
}

/// Starts (does not wait for) write-back of the bytes written since the last call, once
/// there are enough of them.
#[cfg(target_os = "linux")]
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
