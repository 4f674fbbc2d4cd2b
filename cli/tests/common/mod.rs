//! Helpers shared by the `tcredis` integration tests: the built binary with a clean
//! environment, the demo backup's ids and argument lists, and a look at a download folder.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};

use tencentcloud_redis_emulator::RunningEmulator;

/// The demo instance and backup of the emulator.
pub const INSTANCE: &str = "crs-4y9t57vt";
pub const BACKUP: &str = "678362566696298532848117";

/// `describe-backup-url` of the demo backup.
pub const DESCRIBE: [&str; 5] = [
    "describe-backup-url",
    "--instance-id",
    INSTANCE,
    "--backup-id",
    BACKUP,
];

/// `download` of the demo backup into `out`.
pub fn download(out: &Path) -> [&str; 7] {
    [
        "download",
        "--instance-id",
        INSTANCE,
        "--backup-id",
        BACKUP,
        "--out",
        out.to_str().expect("utf-8 path"),
    ]
}

/// `tcredis` with a clean environment: only `PATH`, `HOME` set to `home` (an empty temporary
/// folder), no credentials, stdin closed.
pub fn tcredis(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcredis"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .stdin(Stdio::null());
    cmd
}

/// [`tcredis`] with `emu`'s credentials in the environment and its region, talking to
/// `endpoint` (the emulator's own, or a relay in front of it), then `args`.
pub fn tcredis_against(
    emu: &RunningEmulator,
    endpoint: &str,
    home: &Path,
    args: &[&str],
) -> Command {
    let mut cmd = tcredis(home);
    cmd.env("TENCENTCLOUD_SECRET_ID", emu.secret_id())
        .env("TENCENTCLOUD_SECRET_KEY", emu.secret_key())
        .args(["--endpoint", endpoint, "--region", emu.region()])
        .args(args);
    cmd
}

/// The names in `dir`, sorted; empty when it does not exist.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
