//! Restore check with a real Redis: a `dump.rdb` written by `redis-server` goes through the
//! emulator and `tcredis download`, passes `redis-check-rdb`, and a second `redis-server`
//! started on the downloaded file has the same keys and values.
//!
//! Needs `redis-server`, `redis-cli` and `redis-check-rdb` (Debian packages `redis-server` and
//! `redis-tools`); `scripts/test` installs them. Without them this test fails: it is never
//! skipped.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::tcredis_against;
use tencentcloud_redis_emulator::Emulator;

const TOOLS: [&str; 3] = ["redis-server", "redis-cli", "redis-check-rdb"];

fn require_tools() {
    let missing: Vec<&str> = TOOLS
        .iter()
        .copied()
        .filter(|tool| {
            Command::new(tool)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_err()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "the restore test needs {missing:?} on PATH: run scripts/test, which installs the Debian \
         packages redis-server and redis-tools (or: apt-get install -y redis-server redis-tools)"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A `redis-server` child, killed on drop.
struct Redis {
    child: Child,
    port: u16,
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Redis {
    fn start(dir: &Path) -> Self {
        let port = free_port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .arg("--dir")
            .arg(dir)
            .args([
                "--dbfilename",
                "dump.rdb",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--logfile",
                "",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        let redis = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if redis.cli(&["PING"]).trim() == "PONG" {
                return redis;
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer PING"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn cli(&self, args: &[&str]) -> String {
        let out = Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(args)
            .output()
            .expect("redis-cli runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends commands through `redis-cli --pipe` in the Redis protocol.
    fn pipe(&self, commands: &[Vec<String>]) {
        let mut payload = Vec::new();
        for cmd in commands {
            write!(payload, "*{}\r\n", cmd.len()).unwrap();
            for arg in cmd {
                write!(payload, "${}\r\n{}\r\n", arg.len(), arg).unwrap();
            }
        }
        let mut child = Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "--pipe"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("redis-cli --pipe");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(&payload)
            .expect("pipe");
        let out = child.wait_with_output().expect("redis-cli --pipe ends");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("errors: 0"), "redis-cli --pipe: {text}");
    }
}

fn dataset() -> Vec<Vec<String>> {
    let s = |parts: &[&str]| parts.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    let mut cmds = Vec::new();
    for i in 0..2000 {
        cmds.push(s(&[
            "SET",
            &format!("string:{i}"),
            &format!("value-{i}-{}", "x".repeat(i % 50)),
        ]));
    }
    for i in 0..300 {
        let mut c = s(&["RPUSH", &format!("list:{i}")]);
        c.extend((0..(i % 20 + 1)).map(|j| format!("item-{i}-{j}")));
        cmds.push(c);
        let mut c = s(&["HSET", &format!("hash:{i}")]);
        for j in 0..(i % 10 + 1) {
            c.push(format!("field-{j}"));
            c.push(format!("{}", i * 1000 + j));
        }
        cmds.push(c);
        let mut c = s(&["SADD", &format!("set:{i}")]);
        c.extend((0..(i % 15 + 1)).map(|j| format!("member-{j}")));
        cmds.push(c);
        let mut c = s(&["ZADD", &format!("zset:{i}")]);
        for j in 0..(i % 12 + 1) {
            c.push(format!("{}.5", j * 3));
            c.push(format!("m-{i}-{j}"));
        }
        cmds.push(c);
    }
    // A large value and a key with an expiry far in the future.
    cmds.push(s(&["SET", "big", &"0123456789".repeat(100_000)]));
    cmds.push(s(&["SET", "expiring", "soon", "EX", "86400"]));
    cmds
}

fn samples(redis: &Redis) -> Vec<String> {
    let mut out = Vec::new();
    for i in [0, 1, 17, 499, 1999] {
        out.push(redis.cli(&["GET", &format!("string:{i}")]));
    }
    for i in [0, 5, 123, 299] {
        out.push(redis.cli(&["LRANGE", &format!("list:{i}"), "0", "-1"]));
        let mut hash: Vec<String> = redis
            .cli(&["HGETALL", &format!("hash:{i}")])
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
            .chunks(2)
            .map(|kv| kv.join("="))
            .collect();
        hash.sort();
        out.push(hash.join(","));
        let mut set: Vec<String> = redis
            .cli(&["SMEMBERS", &format!("set:{i}")])
            .lines()
            .map(str::to_owned)
            .collect();
        set.sort();
        out.push(set.join(","));
        out.push(redis.cli(&["ZRANGE", &format!("zset:{i}"), "0", "-1", "WITHSCORES"]));
    }
    out.push(redis.cli(&["STRLEN", "big"]));
    out.push(redis.cli(&["GET", "expiring"]));
    for t in ["string:3", "list:3", "hash:3", "set:3", "zset:3"] {
        out.push(redis.cli(&["TYPE", t]));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_downloaded_backup_restores_into_redis() {
    require_tools();
    let work = tempfile::tempdir().expect("temp dir");
    let source_dir = work.path().join("source");
    let backup_dir = work.path().join("backup-store");
    let out = work.path().join("downloaded");
    let restore_dir = work.path().join("restore");
    for d in [&source_dir, &backup_dir, &restore_dir] {
        std::fs::create_dir_all(d).unwrap();
    }

    // 1. A real Redis with a few thousand keys of every type, saved to dump.rdb.
    let source = Redis::start(&source_dir);
    source.pipe(&dataset());
    let dbsize = source.cli(&["DBSIZE"]);
    assert_eq!(dbsize.trim(), "3202");
    assert_eq!(source.cli(&["SAVE"]).trim(), "OK");
    let expected = samples(&source);
    let dump: PathBuf = backup_dir.join("dump.rdb");
    std::fs::copy(source_dir.join("dump.rdb"), &dump).expect("copy dump.rdb");

    // 2. The dump becomes a backup in the emulator.
    let emu = Emulator::builder()
        .no_demo()
        .backup_from_files("crs-restore1", "restore-backup-1", [&dump])
        .start()
        .await
        .expect("emulator starts");

    // 3. tcredis download, the built binary.
    let home = tempfile::tempdir().unwrap();
    let args = [
        "download",
        "--instance-id",
        "crs-restore1",
        "--backup-id",
        "restore-backup-1",
        "--out",
    ];
    let run = tcredis_against(&emu, emu.endpoint(), home.path(), &args)
        .arg(&out)
        .output()
        .expect("tcredis runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        run.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stdout.contains("1 downloaded"), "{stdout}");
    let downloaded = out.join("dump.rdb");
    assert_eq!(
        std::fs::read(&downloaded).expect("downloaded dump.rdb"),
        std::fs::read(&dump).unwrap()
    );

    // 4. redis-check-rdb accepts it.
    let check = Command::new("redis-check-rdb")
        .arg(&downloaded)
        .output()
        .expect("redis-check-rdb runs");
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "redis-check-rdb: {report}");
    assert!(report.contains("RDB looks OK"), "{report}");

    // 5. A second Redis loads it with the same keys and values.
    std::fs::copy(&downloaded, restore_dir.join("dump.rdb")).unwrap();
    let restored = Redis::start(&restore_dir);
    assert_eq!(restored.cli(&["DBSIZE"]), dbsize);
    assert_eq!(samples(&restored), expected);
    drop(restored);
    drop(source);
    emu.shutdown().await;
}
