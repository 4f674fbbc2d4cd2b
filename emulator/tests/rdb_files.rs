//! The backups are real RDB files: every demo file passes `redis-check-rdb`, and a backup can
//! be registered from an existing dump.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::json;
use tencentcloud_redis_emulator::crc64::cos_crc64;
use tencentcloud_redis_emulator::rdb::RdbWriter;
use tencentcloud_redis_emulator::{DemoData, Emulator};

const INSTALL_HINT: &str = "redis-check-rdb is required for this test and was not found; \
install it (apt-get install -y redis-tools), as the README's test command does";

fn check_rdb(path: &Path) {
    let output = match Command::new("redis-check-rdb").arg(path).output() {
        Ok(o) => o,
        Err(e) => panic!("{INSTALL_HINT} ({e})"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("RDB looks OK"),
        "redis-check-rdb rejected {}:\n{stdout}\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Checksum OK"), "{stdout}");
}

#[tokio::test]
async fn every_default_demo_file_passes_redis_check_rdb() {
    let emu = Emulator::builder().start().await.expect("start");
    let paths = emu.backup_file_paths(INSTANCE, BACKUP);
    let sizes: Vec<u64> = paths
        .iter()
        .map(|p| std::fs::metadata(p).expect("file").len())
        .collect();
    assert_eq!(sizes, DemoData::default().file_sizes);
    for path in &paths {
        check_rdb(path);
    }
}

#[tokio::test]
async fn demo_files_in_a_given_folder_are_deterministic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = DemoData {
        file_sizes: vec![100_000, 300_000],
        ..Default::default()
    };
    let a = Emulator::builder()
        .data_dir(dir.path().join("a"))
        .demo(demo.clone())
        .start()
        .await
        .expect("start");
    let b = Emulator::builder()
        .data_dir(dir.path().join("b"))
        .demo(demo)
        .start()
        .await
        .expect("start");
    let pa = a.backup_file_paths(INSTANCE, BACKUP);
    let pb = b.backup_file_paths(INSTANCE, BACKUP);
    assert_eq!(pa.len(), 2);
    for (x, y) in pa.iter().zip(&pb) {
        assert!(x.starts_with(dir.path().join("a")));
        assert_eq!(std::fs::read(x).expect("a"), std::fs::read(y).expect("b"));
        check_rdb(x);
    }
}

#[tokio::test]
async fn a_dump_rdb_can_be_registered_and_downloaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dump = dir.path().join("dump.rdb");
    {
        let file = std::fs::File::create(&dump).expect("create");
        let mut w = RdbWriter::new(file).expect("writer");
        w.aux("redis-ver", "7.0.15").expect("aux");
        w.select_db(0).expect("select");
        w.resize_db(2, 0).expect("resize");
        w.string_key(b"greeting", b"hello").expect("key");
        w.list_key(b"list", &[b"a".to_vec(), b"b".to_vec()])
            .expect("list");
        w.finish().expect("finish");
    }
    check_rdb(&dump);
    let bytes = std::fs::read(&dump).expect("read");

    // At start ...
    let emu = Emulator::builder()
        .no_demo()
        .backup_from_files("crs-dump0001", "1", [&dump])
        .start()
        .await
        .expect("start");
    // ... and later.
    emu.register_backup("crs-dump0002", "2", [&dump])
        .expect("register");
    assert!(emu
        .start_line()
        .contains("\"instance_id\": \"crs-dump0002\""));
    for (instance, backup) in [("crs-dump0001", "1"), ("crs-dump0002", "2")] {
        let infos = urls(&emu, json!({"InstanceId": instance, "BackupId": backup})).await;
        assert_eq!(infos.len(), 1);
        assert_eq!(infos[0].2, bytes.len() as u64);
        assert!(infos[0].0.contains("/dump.rdb?"));
        let resp = reqwest::get(&infos[0].0).await.expect("get");
        let crc: u64 = resp.headers()["x-cos-hash-crc64ecma"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("decimal");
        assert_eq!(crc, cos_crc64(&bytes));
        assert_eq!(&resp.bytes().await.expect("body")[..], &bytes[..]);
    }
    assert!(emu
        .register_backup("crs-x", "3", [dir.path().join("missing.rdb")])
        .is_err());
}
