//! A small, correct writer of Redis RDB files (format version 9) and the deterministic demo
//! data set built with it.
//!
//! The writer emits only encodings every Redis since 5.0 loads: plain (uncompressed) strings,
//! `RDB_TYPE_STRING` (0), `RDB_TYPE_LIST` (1, a plain list of strings), `RDB_TYPE_SET` (2),
//! `RDB_TYPE_HASH` (4) and `RDB_TYPE_ZSET_2` (5, binary double scores), with the `AUX`,
//! `SELECTDB`, `RESIZEDB`, `EXPIRETIME_MS` and `EOF` opcodes and the trailing CRC-64/REDIS
//! checksum. Large values are written in blocks, so files of any size are produced without
//! holding them in memory.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::crc64::{CosCrc64, RedisCrc64};

/// The RDB format version written in the header (`REDIS0009`).
pub const RDB_VERSION: u32 = 9;

const OP_AUX: u8 = 0xfa;
const OP_RESIZEDB: u8 = 0xfb;
const OP_EXPIRETIME_MS: u8 = 0xfc;
const OP_SELECTDB: u8 = 0xfe;
const OP_EOF: u8 = 0xff;

const TYPE_STRING: u8 = 0;
const TYPE_LIST: u8 = 1;
const TYPE_SET: u8 = 2;
const TYPE_HASH: u8 = 4;
const TYPE_ZSET_2: u8 = 5;

/// The size of a length in RDB's length encoding.
pub fn length_len(n: u64) -> u64 {
    if n < 1 << 6 {
        1
    } else if n < 1 << 14 {
        2
    } else if n <= u64::from(u32::MAX) {
        5
    } else {
        9
    }
}

/// What the writer learned about the bytes it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenFile {
    /// Total size in bytes, checksum included.
    pub size: u64,
    /// CRC-64/XZ of the whole file, as the object store reports it.
    pub cos_crc64: u64,
}

/// Streams an RDB file to `W`, keeping the RDB checksum and the object store's CRC as it goes.
pub struct RdbWriter<W: Write> {
    out: W,
    redis_crc: RedisCrc64,
    cos_crc: CosCrc64,
    written: u64,
}

impl<W: Write> std::fmt::Debug for RdbWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RdbWriter")
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl<W: Write> RdbWriter<W> {
    /// Starts a file: writes the `REDIS0009` magic.
    pub fn new(out: W) -> io::Result<Self> {
        let mut w = Self {
            out,
            redis_crc: RedisCrc64::new(),
            cos_crc: CosCrc64::new(),
            written: 0,
        };
        w.raw(format!("REDIS{RDB_VERSION:04}").as_bytes())?;
        Ok(w)
    }

    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.redis_crc.update(bytes);
        self.cos_crc.update(bytes);
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Writes a length in RDB's length encoding.
    pub fn length(&mut self, n: u64) -> io::Result<()> {
        if n < 1 << 6 {
            self.raw(&[n as u8])
        } else if n < 1 << 14 {
            self.raw(&[0x40 | (n >> 8) as u8, (n & 0xff) as u8])
        } else if let Ok(n32) = u32::try_from(n) {
            self.raw(&[0x80])?;
            self.raw(&n32.to_be_bytes())
        } else {
            self.raw(&[0x81])?;
            self.raw(&n.to_be_bytes())
        }
    }

    /// Writes a plain length-prefixed string.
    pub fn string(&mut self, s: &[u8]) -> io::Result<()> {
        self.length(s.len() as u64)?;
        self.raw(s)
    }

    /// Writes an auxiliary field (`AUX key value`).
    pub fn aux(&mut self, key: &str, value: &str) -> io::Result<()> {
        self.raw(&[OP_AUX])?;
        self.string(key.as_bytes())?;
        self.string(value.as_bytes())
    }

    /// Selects database `db`.
    pub fn select_db(&mut self, db: u64) -> io::Result<()> {
        self.raw(&[OP_SELECTDB])?;
        self.length(db)
    }

    /// Writes the `RESIZEDB` hint: number of keys and of keys with an expiry.
    pub fn resize_db(&mut self, keys: u64, expires: u64) -> io::Result<()> {
        self.raw(&[OP_RESIZEDB])?;
        self.length(keys)?;
        self.length(expires)
    }

    /// Gives the next key an absolute expiry time in Unix milliseconds.
    pub fn expire_ms(&mut self, unix_ms: u64) -> io::Result<()> {
        self.raw(&[OP_EXPIRETIME_MS])?;
        self.raw(&unix_ms.to_le_bytes())
    }

    /// A string key.
    pub fn string_key(&mut self, key: &[u8], value: &[u8]) -> io::Result<()> {
        self.raw(&[TYPE_STRING])?;
        self.string(key)?;
        self.string(value)
    }

    /// A string key whose value of `len` bytes is produced block by block by `fill`, so large
    /// values never sit in memory.
    pub fn string_key_streamed(
        &mut self,
        key: &[u8],
        len: u64,
        mut fill: impl FnMut(&mut [u8]),
    ) -> io::Result<()> {
        self.raw(&[TYPE_STRING])?;
        self.string(key)?;
        self.length(len)?;
        let mut block = vec![0u8; 64 * 1024];
        let mut left = len;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            fill(&mut block[..n]);
            self.raw(&block[..n])?;
            left -= n as u64;
        }
        Ok(())
    }

    /// A list key (plain `RDB_TYPE_LIST` encoding).
    pub fn list_key(&mut self, key: &[u8], items: &[Vec<u8>]) -> io::Result<()> {
        self.raw(&[TYPE_LIST])?;
        self.string(key)?;
        self.length(items.len() as u64)?;
        items.iter().try_for_each(|i| self.string(i))
    }

    /// A set key (plain `RDB_TYPE_SET` encoding; members must be distinct).
    pub fn set_key(&mut self, key: &[u8], members: &[Vec<u8>]) -> io::Result<()> {
        self.raw(&[TYPE_SET])?;
        self.string(key)?;
        self.length(members.len() as u64)?;
        members.iter().try_for_each(|m| self.string(m))
    }

    /// A hash key (plain `RDB_TYPE_HASH` encoding; fields must be distinct).
    pub fn hash_key(&mut self, key: &[u8], fields: &[(Vec<u8>, Vec<u8>)]) -> io::Result<()> {
        self.raw(&[TYPE_HASH])?;
        self.string(key)?;
        self.length(fields.len() as u64)?;
        fields.iter().try_for_each(|(f, v)| {
            self.string(f)?;
            self.string(v)
        })
    }

    /// A sorted set key (`RDB_TYPE_ZSET_2`: binary little-endian double scores).
    pub fn zset_key(&mut self, key: &[u8], members: &[(Vec<u8>, f64)]) -> io::Result<()> {
        self.raw(&[TYPE_ZSET_2])?;
        self.string(key)?;
        self.length(members.len() as u64)?;
        members.iter().try_for_each(|(m, score)| {
            self.string(m)?;
            self.raw(&score.to_le_bytes())
        })
    }

    /// Writes `EOF` and the RDB checksum, flushes, and returns the output and what was written.
    pub fn finish(mut self) -> io::Result<(W, WrittenFile)> {
        self.raw(&[OP_EOF])?;
        let checksum = self.redis_crc.value().to_le_bytes();
        self.raw(&checksum)?;
        self.out.flush()?;
        let info = WrittenFile {
            size: self.written,
            cos_crc64: self.cos_crc.value(),
        };
        Ok((self.out, info))
    }
}

/// Size of a string key entry without expiry.
fn string_entry_len(key_len: u64, value_len: u64) -> u64 {
    1 + length_len(key_len) + key_len + length_len(value_len) + value_len
}

/// The fixed moment the demo files claim to have been written (2019-03-07, as in the doc's
/// example), so that they are byte-identical on every run.
const DEMO_CTIME: u64 = 1_551_952_863;
/// Expiry of the demo's volatile keys: 2100-01-01, far enough that a restore keeps them.
const DEMO_EXPIRY_MS: u64 = 4_102_444_800_000;
/// Size of the random filler values.
const FILLER_VALUE_LEN: u64 = 64 * 1024;

fn small_entries(shard: u32, rng: &mut fastrand::Rng) -> io::Result<(Vec<u8>, u64, u64)> {
    // Written to a scratch writer to learn their exact bytes; the scratch checksum is unused.
    let mut w = RdbWriter::new(Vec::new())?;
    let header_len = w.written();
    let mut keys = 0u64;
    let mut expires = 0u64;
    for i in 0..5u32 {
        let fields = vec![
            (b"name".to_vec(), format!("user-{shard}-{i}").into_bytes()),
            (
                b"visits".to_vec(),
                rng.u32(..100_000).to_string().into_bytes(),
            ),
            (
                b"plan".to_vec(),
                ["free", "pro", "team"][rng.usize(..3)].as_bytes().to_vec(),
            ),
        ];
        w.hash_key(format!("user:{shard}:{i}").as_bytes(), &fields)?;
        keys += 1;
    }
    let items: Vec<Vec<u8>> = (0..10)
        .map(|i| format!("job-{shard}-{i}-{}", rng.u32(..1000)).into_bytes())
        .collect();
    w.list_key(format!("queue:{shard}").as_bytes(), &items)?;
    let members: Vec<Vec<u8>> = (0..8).map(|i| format!("tag-{i}").into_bytes()).collect();
    w.set_key(format!("tags:{shard}").as_bytes(), &members)?;
    let zmembers: Vec<(Vec<u8>, f64)> = (0..10)
        .map(|i| {
            (
                format!("player-{shard}-{i}").into_bytes(),
                f64::from(rng.u32(..10_000)) / 4.0,
            )
        })
        .collect();
    w.zset_key(format!("leaderboard:{shard}").as_bytes(), &zmembers)?;
    w.string_key(format!("counter:{shard}").as_bytes(), b"12345")?;
    w.expire_ms(DEMO_EXPIRY_MS)?;
    w.string_key(
        format!("session:{shard}").as_bytes(),
        format!("token-{:016x}", rng.u64(..)).as_bytes(),
    )?;
    keys += 5;
    expires += 1;
    let (bytes, _) = w.finish()?;
    // Strip the scratch magic and the EOF + checksum trailer.
    let body = bytes
        .get(header_len as usize..bytes.len().saturating_sub(9))
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    Ok((body, keys, expires))
}

/// Writes one deterministic demo RDB file of exactly `size` bytes at `path`.
///
/// The content depends only on `shard` and `size`: a few hashes, a list, a set, a sorted set
/// and strings (one with an expiry), then random 64 KiB string values up to the size, then
/// one string sized to land exactly on `size`. Memory use is independent of `size`.
pub fn write_demo_file(path: &Path, shard: u32, size: u64) -> io::Result<WrittenFile> {
    write_snapshot_file(path, shard, size, DEMO_CTIME)
}

/// Writes one RDB file of exactly `size` bytes holding shard `shard` of the demo data set, as
/// a snapshot taken at `ctime` (Unix seconds, recorded in the `ctime` auxiliary field).
///
/// The keys and values are those of [`write_demo_file`] (the same data set); only the
/// recorded snapshot time differs, so [`write_demo_file`] is this function at the demo's
/// fixed time. The emulator's manual backups (`ManualBackupInstance`) are written with it.
pub fn write_snapshot_file(
    path: &Path,
    shard: u32,
    size: u64,
    ctime: u64,
) -> io::Result<WrittenFile> {
    let mut rng = fastrand::Rng::with_seed(0x5eed_0000_0000 + u64::from(shard));
    let (small, small_keys, small_expires) = small_entries(shard, &mut rng)?;

    // Header bytes, measured with a scratch writer.
    let mut scratch = RdbWriter::new(io::sink())?;
    write_demo_header(&mut scratch, ctime)?;
    let prefix = scratch.written();
    let trailer = 9;
    let filler_key_len = format!("blob:{shard}:{:06}", 0).len() as u64;
    let filler_len = string_entry_len(filler_key_len, FILLER_VALUE_LEN);
    let fixed = prefix + small.len() as u64 + trailer;

    let too_small = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "a demo RDB file must be at least {} bytes",
                fixed + 16 + string_entry_len(16, 64)
            ),
        )
    };
    // RESIZEDB's own size depends on the key count; iterate to the fixed point.
    let mut resize_len = 3;
    let (fillers, pad_key, pad_len) = loop {
        let budget = size.checked_sub(fixed + resize_len).ok_or_else(too_small)?;
        let fillers = (budget / filler_len).saturating_sub(1);
        let rest = budget - fillers * filler_len;
        let (pad_key, pad_len) = solve_pad(shard, rest).ok_or_else(too_small)?;
        let keys = small_keys + fillers + 1;
        let needed = 1 + length_len(keys) + length_len(small_expires);
        if needed == resize_len {
            break (fillers, pad_key, pad_len);
        }
        resize_len = needed;
    };

    let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut w = RdbWriter::new(file)?;
    write_demo_header(&mut w, ctime)?;
    w.resize_db(small_keys + fillers + 1, small_expires)?;
    w.raw(&small)?;
    let mut fill = |buf: &mut [u8]| fill_random(&mut rng, buf);
    for i in 0..fillers {
        w.string_key_streamed(
            format!("blob:{shard}:{i:06}").as_bytes(),
            FILLER_VALUE_LEN,
            &mut fill,
        )?;
    }
    w.string_key_streamed(pad_key.as_bytes(), pad_len, &mut fill)?;
    let (file, info) = w.finish()?;
    file.into_inner()
        .map_err(io::IntoInnerError::into_error)?
        .sync_all()?;
    if info.size != size {
        return Err(io::Error::other(format!(
            "RDB file came out at {} bytes instead of {size}",
            info.size
        )));
    }
    Ok(info)
}

fn write_demo_header<W: Write>(w: &mut RdbWriter<W>, ctime: u64) -> io::Result<()> {
    w.aux("redis-ver", "5.0.14")?;
    w.aux("redis-bits", "64")?;
    w.aux("ctime", &ctime.to_string())?;
    w.aux("used-mem", "1048576")?;
    w.aux("aof-preamble", "0")?;
    w.select_db(0)
}

/// A key and value length whose string entry is exactly `rest` bytes.
fn solve_pad(shard: u32, rest: u64) -> Option<(String, u64)> {
    for extra in 0..4 {
        let key = format!("pad:{shard}{}", "x".repeat(extra));
        let k = key.len() as u64;
        for enc in [1u64, 2, 5, 9] {
            let Some(v) = rest.checked_sub(1 + length_len(k) + k + enc) else {
                continue;
            };
            if length_len(v) == enc {
                return Some((key, v));
            }
        }
    }
    None
}

fn fill_random(rng: &mut fastrand::Rng, buf: &mut [u8]) {
    let mut chunks = buf.chunks_exact_mut(8);
    for c in &mut chunks {
        c.copy_from_slice(&rng.u64(..).to_le_bytes());
    }
    for b in chunks.into_remainder() {
        *b = rng.u8(..);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_encoding_sizes() {
        let mut w = RdbWriter::new(Vec::new()).unwrap();
        for n in [0u64, 63, 64, 16383, 16384, u64::from(u32::MAX), 1 << 33] {
            let before = w.written();
            w.length(n).unwrap();
            assert_eq!(w.written() - before, length_len(n), "n = {n}");
        }
    }

    #[test]
    fn exact_sizes_and_determinism() {
        let dir = tempfile::tempdir().unwrap();
        for (i, size) in [4_000u64, 70_000, 200_003, 1_264_547]
            .into_iter()
            .enumerate()
        {
            let a = dir.path().join(format!("a{i}.rdb"));
            let b = dir.path().join(format!("b{i}.rdb"));
            let ia = write_demo_file(&a, 1, size).unwrap();
            let ib = write_demo_file(&b, 1, size).unwrap();
            assert_eq!(ia.size, size);
            assert_eq!(std::fs::metadata(&a).unwrap().len(), size);
            assert_eq!(ia, ib);
            let bytes = std::fs::read(&a).unwrap();
            assert_eq!(&bytes[..9], b"REDIS0009");
            assert_eq!(crate::crc64::cos_crc64(&bytes), ia.cos_crc64);
            let mut crc = RedisCrc64::new();
            crc.update(&bytes[..bytes.len() - 8]);
            assert_eq!(crc.value().to_le_bytes(), bytes[bytes.len() - 8..]);
        }
        assert!(write_demo_file(&dir.path().join("tiny"), 1, 100).is_err());
    }
}
