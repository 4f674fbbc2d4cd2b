//! The two CRC-64 variants the emulator needs.
//!
//! - [`RedisCrc64`]: the checksum at the end of every RDB file. Redis uses the "Jones"
//!   polynomial `0xad93d23594c935a9`, reflected input and output, initial value 0 and no final
//!   XOR (catalogued as CRC-64/REDIS; check value `0xe9c6d914c4b8d9ca` for `123456789`). The
//!   eight checksum bytes are stored little-endian.
//! - [`cos_crc64`]: what the object store sends in `x-cos-hash-crc64ecma`: CRC-64/ECMA-182 in
//!   the reflected form with all-ones initial value and final XOR (catalogued as CRC-64/XZ,
//!   check value `0x995dc9bbdf1939fa`), sent as an unsigned decimal number.

/// The Jones polynomial in reflected (LSB-first) form.
const JONES_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;

const fn jones_tables() -> [[u64; 256]; 8] {
    let mut tables = [[0u64; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ JONES_REFLECTED
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][i] = crc;
        i += 1;
    }
    // Slice-by-8: tables[k][i] is the CRC of byte i followed by k zero bytes.
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = tables[k - 1][i];
            tables[k][i] = (prev >> 8) ^ tables[0][(prev & 0xff) as usize];
            i += 1;
        }
        k += 1;
    }
    tables
}

static JONES: [[u64; 256]; 8] = jones_tables();

/// Incremental CRC-64/REDIS (Jones polynomial), as `redis-check-rdb` verifies it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RedisCrc64 {
    crc: u64,
}

impl RedisCrc64 {
    /// A fresh checksum (initial value 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        let mut crc = self.crc;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = crc ^ u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            crc = JONES[7][(v & 0xff) as usize]
                ^ JONES[6][((v >> 8) & 0xff) as usize]
                ^ JONES[5][((v >> 16) & 0xff) as usize]
                ^ JONES[4][((v >> 24) & 0xff) as usize]
                ^ JONES[3][((v >> 32) & 0xff) as usize]
                ^ JONES[2][((v >> 40) & 0xff) as usize]
                ^ JONES[1][((v >> 48) & 0xff) as usize]
                ^ JONES[0][(v >> 56) as usize];
        }
        for &b in chunks.remainder() {
            crc = JONES[0][((crc ^ u64::from(b)) & 0xff) as usize] ^ (crc >> 8);
        }
        self.crc = crc;
    }

    /// The checksum of everything fed so far.
    pub fn value(&self) -> u64 {
        self.crc
    }
}

/// CRC-64/XZ, the object store's `crc64ecma`.
static XZ: crc::Crc<u64, crc::Table<16>> = crc::Crc::<u64, crc::Table<16>>::new(&crc::CRC_64_XZ);

/// Incremental CRC-64/ECMA-182 as the object store computes it for `x-cos-hash-crc64ecma`.
#[derive(Clone)]
pub struct CosCrc64 {
    digest: crc::Digest<'static, u64, crc::Table<16>>,
}

impl std::fmt::Debug for CosCrc64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CosCrc64").finish_non_exhaustive()
    }
}

impl Default for CosCrc64 {
    fn default() -> Self {
        Self::new()
    }
}

impl CosCrc64 {
    /// A fresh checksum.
    pub fn new() -> Self {
        Self {
            digest: XZ.digest(),
        }
    }

    /// Feeds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        self.digest.update(bytes);
    }

    /// The checksum of everything fed so far.
    pub fn value(&self) -> u64 {
        self.digest.clone().finalize()
    }
}

/// CRC-64/XZ of a whole byte slice.
pub fn cos_crc64(bytes: &[u8]) -> u64 {
    XZ.checksum(bytes)
}

/// CRC-64/XZ of a file, read in 1 MiB blocks (never the whole file at once).
pub fn cos_crc64_file(path: &std::path::Path) -> std::io::Result<u64> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut digest = CosCrc64::new();
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        digest.update(&buf[..n]);
    }
    Ok(digest.value())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_values() {
        let mut r = RedisCrc64::new();
        r.update(b"123456789");
        assert_eq!(r.value(), 0xe9c6_d914_c4b8_d9ca);
        assert_eq!(cos_crc64(b"123456789"), 0x995d_c9bb_df19_39fa);
    }

    #[test]
    fn redis_crc_matches_catalogue_for_all_lengths_and_splits() {
        let catalogue = crc::Crc::<u64>::new(&crc::CRC_64_REDIS);
        let data: Vec<u8> = (0..1000u32)
            .map(|i| (i.wrapping_mul(7919) >> 3) as u8)
            .collect();
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 999, 1000] {
            let mut whole = RedisCrc64::new();
            whole.update(&data[..len]);
            assert_eq!(whole.value(), catalogue.checksum(&data[..len]), "len {len}");
            let mut split = RedisCrc64::new();
            let (a, b) = data[..len].split_at(len / 3);
            split.update(a);
            split.update(b);
            assert_eq!(split.value(), whole.value());
        }
    }
}
