//! The download rules of `tencentcloud_redis::download`, against a scriptable local server.

mod download_support;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use download_support::{FileSpec, Logged, TestServer};
use tencentcloud_redis::download::{
    download_backup, DownloadError, DownloadErrorKind, DownloadOptions, DownloadSummary,
    FileOutcome, ProgressEvent, VerifyError,
};
use tencentcloud_redis::RetryPolicy;

const INSTANCE: &str = "crs-test";
const BACKUP: &str = "b-1";

fn three_files() -> Vec<FileSpec> {
    vec![
        FileSpec::new("a-1.rdb", 300_000, 1),
        FileSpec::new("a-2.rdb", 70_001, 2),
        FileSpec::new("a-3.rdb", 1, 3),
    ]
}

/// Downloads the backup `server` describes into `out`, with a new client.
async fn download(
    server: &TestServer,
    out: impl AsRef<Path>,
    options: DownloadOptions,
) -> Result<DownloadSummary, DownloadError> {
    download_backup(&server.client(), INSTANCE, BACKUP, out, options).await
}

fn fast() -> DownloadOptions {
    DownloadOptions::new().retry(
        RetryPolicy::new()
            .with_max_attempts(4)
            .with_initial_backoff(Duration::from_millis(10))
            .with_max_backoff(Duration::from_millis(50)),
    )
}

fn assert_files(dir: &Path, files: &[FileSpec]) {
    for f in files {
        let got = std::fs::read(dir.join(&f.name)).unwrap();
        assert!(got == f.data, "{} differs", f.name);
    }
    let parts: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(parts.is_empty(), "part files left: {parts:?}");
}

/// Downloads every file, one at a time, into a fresh folder; the download must succeed.
async fn download_serially(server: &TestServer) -> (tempfile::TempDir, DownloadSummary) {
    let dir = tempfile::tempdir().unwrap();
    let summary = download(server, dir.path(), fast().parallel(1))
        .await
        .unwrap();
    (dir, summary)
}

/// The GET requests the server logged for the first file, in order.
fn gets_of_first_file(server: &TestServer) -> Vec<Logged> {
    server
        .gets()
        .into_iter()
        .filter(|g| g.path == "/f/0")
        .collect()
}

/// The download succeeded and `dir` holds every file, correct, and no part file.
#[track_caller]
fn assert_complete(summary: &DownloadSummary, dir: &Path, files: &[FileSpec]) {
    assert!(summary.is_success(), "{summary:?}");
    assert_files(dir, files);
}

/// Every message a caller can see, for the redaction checks.
fn collect_events(options: DownloadOptions) -> (DownloadOptions, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let options = options.on_progress(move |e: &ProgressEvent<'_>| {
        s.lock().unwrap().push(format!("{e:?}"));
    });
    (options, seen)
}

fn assert_no_signature(texts: &[String]) {
    for t in texts {
        assert!(
            !t.contains("q-signature") && !t.contains("secret") && !t.contains("gen="),
            "a signed URL leaked: {t}"
        );
    }
}

#[tokio::test]
async fn downloads_and_verifies_every_file() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new/nested");
    let (options, events) = collect_events(fast());
    let summary = download(&server, &out, options).await.unwrap();
    assert!(summary.is_success(), "{summary:?}");
    assert_eq!(summary.downloaded(), 3);
    assert_eq!(summary.request_id, "req-0");
    assert_eq!(summary.transferred(), 370_002);
    for (report, spec) in summary.files.iter().zip(&files) {
        assert_eq!(report.size, spec.data.len() as u64);
        assert_eq!(report.crc64, spec.crc_header);
        assert_eq!(report.path.as_deref(), Some(out.join(&spec.name).as_path()));
    }
    assert_files(&out, &files);
    let events = events.lock().unwrap();
    assert!(events.iter().any(|e| e.starts_with("Listed")));
    assert_eq!(
        events.iter().filter(|e| e.starts_with("FileDone")).count(),
        3
    );
    assert_no_signature(&events);
}

#[tokio::test]
async fn inner_urls_are_used_when_asked() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let summary = download(&server, dir.path(), fast().inner(true))
        .await
        .unwrap();
    assert!(summary.is_success());
    assert!(server
        .gets()
        .iter()
        .all(|g| g.path.starts_with("/inner/f/")));
}

#[tokio::test]
async fn a_cut_connection_is_resumed_with_range() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    server.with(|s| {
        s.cut_after = Some(100_000);
        s.cut_times = 2;
    });
    let (dir, summary) = download_serially(&server).await;
    assert_complete(&summary, dir.path(), &files);
    // The first file was cut at 100000 and again at 200000; each resume asked for the rest.
    let ranges: Vec<_> = gets_of_first_file(&server)
        .into_iter()
        .map(|g| g.range)
        .collect();
    assert_eq!(
        ranges,
        vec![
            None,
            Some("bytes=100000-".to_owned()),
            Some("bytes=200000-".to_owned())
        ]
    );
    assert_eq!(summary.files[0].resumes, 2);
    assert_eq!(summary.files[0].transferred, 300_000);
}

#[tokio::test]
async fn an_object_replaced_between_responses_is_downloaded_again_from_byte_0() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    // Same name and size, other bytes: only the CRC-64 header tells the two apart.
    let mut replaced = files.clone();
    replaced[0] = FileSpec::new(&files[0].name, files[0].data.len(), 99);
    assert_ne!(replaced[0].crc_header, files[0].crc_header);
    let replacement = replaced[0].clone();
    server.with(move |s| {
        s.cut_after = Some(100_000);
        s.cut_times = 1;
        s.replace_first_after = Some((1, replacement));
    });
    let (dir, summary) = download_serially(&server).await;
    // The resume brought the new object's CRC-64: the old bytes on disk were dropped and the
    // new object fetched whole, so the file is the new object, verified.
    assert_complete(&summary, dir.path(), &replaced);
    assert_eq!(summary.files[0].restarts, 1);
    assert_eq!(summary.files[0].crc64, replaced[0].crc_header);
    let ranges: Vec<_> = gets_of_first_file(&server)
        .into_iter()
        .map(|g| g.range)
        .collect();
    assert_eq!(
        ranges,
        vec![None, Some("bytes=100000-".to_owned()), None],
        "first try, the resume that saw the new CRC-64, the fetch from byte 0"
    );
}

#[tokio::test]
async fn a_200_answer_to_a_range_request_starts_over() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    server.with(|s| {
        s.cut_after = Some(50_000);
        s.cut_times = 1;
        s.ignore_range_times = 1;
    });
    let (dir, summary) = download_serially(&server).await;
    assert_complete(&summary, dir.path(), &files);
    assert_eq!(summary.files[0].restarts, 1);
    assert_eq!(summary.files[0].transferred, 350_000);
}

#[tokio::test]
async fn an_expired_url_is_refreshed() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    server.with(|s| s.expired_before = 1);
    let dir = tempfile::tempdir().unwrap();
    let (options, events) = collect_events(fast());
    let summary = download(&server, dir.path(), options).await.unwrap();
    assert_complete(&summary, dir.path(), &files);
    // One refresh serves every file, however many hit the 403 at the same time.
    assert_eq!(summary.url_refreshes, 1);
    assert_eq!(server.describes(), 2);
    assert!(server.gets().iter().any(|g| g.status == 403));
    assert_no_signature(&events.lock().unwrap());
}

#[tokio::test]
async fn a_url_that_stays_rejected_fails_without_leaking_it() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    server.with(|s| s.expired_before = u64::MAX);
    let dir = tempfile::tempdir().unwrap();
    let summary = download(&server, dir.path(), fast().max_url_refreshes(2))
        .await
        .unwrap();
    assert!(!summary.is_success());
    assert_eq!(summary.url_refreshes, 2);
    let messages: Vec<String> = summary.failed().map(|(_, e)| e.to_string()).collect();
    assert_eq!(messages.len(), 3);
    for (_, e) in summary.failed() {
        assert!(matches!(e, DownloadError::UrlExpired { .. }), "{e}");
        assert_eq!(e.kind(), DownloadErrorKind::Network);
    }
    assert!(messages[0].contains("HTTP 403"), "{}", messages[0]);
    assert!(messages[0].contains(&format!("http://{}/f/", server.addr)));
    assert_no_signature(&messages);
    // Nothing was written: no final file, no part file.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn complete_files_are_skipped_unless_forced() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let client = server.client();
    let first = download_backup(&client, INSTANCE, BACKUP, dir.path(), fast())
        .await
        .unwrap();
    assert_eq!(first.downloaded(), 3);

    server.with(|s| s.log.clear());
    let second = download_backup(&client, INSTANCE, BACKUP, dir.path(), fast())
        .await
        .unwrap();
    assert!(second.is_success());
    assert_eq!(second.skipped(), 3);
    assert_eq!(second.transferred(), 0);
    for f in &second.files {
        assert!(matches!(f.outcome, FileOutcome::Skipped));
        assert!(f.crc64.is_some(), "the skip was checked against the CRC");
    }
    // Only one-byte probes for the checksum.
    assert!(server
        .gets()
        .iter()
        .all(|g| g.range.as_deref() == Some("bytes=0-0")));

    server.with(|s| s.log.clear());
    let forced = download_backup(&client, INSTANCE, BACKUP, dir.path(), fast().force(true))
        .await
        .unwrap();
    assert_eq!(forced.downloaded(), 3);
    assert_eq!(forced.transferred(), 370_002);
    assert!(server.gets().iter().all(|g| g.range.is_none()));
    assert_files(dir.path(), &files);
}

#[tokio::test]
async fn a_present_file_with_the_right_size_but_wrong_bytes_is_downloaded_again() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-2.rdb"), vec![0u8; 70_001]).unwrap();
    let summary = download(&server, dir.path(), fast()).await.unwrap();
    assert_eq!(summary.downloaded(), 3);
    assert_files(dir.path(), &files);
}

#[tokio::test]
async fn a_part_file_of_an_earlier_run_is_resumed() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-1.rdb.part"), &files[0].data[..123_456]).unwrap();
    let summary = download(&server, dir.path(), fast()).await.unwrap();
    assert_complete(&summary, dir.path(), &files);
    // Resumed one byte early, so the last byte on disk is fetched again.
    assert_eq!(summary.files[0].transferred, 300_000 - 123_455);
    assert!(server
        .gets()
        .iter()
        .any(|g| g.path == "/f/0" && g.range.as_deref() == Some("bytes=123455-")));
}

#[tokio::test]
async fn a_complete_part_file_of_an_earlier_run_is_checked_with_the_storage_before_the_rename() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    // The earlier run wrote every byte and died before renaming.
    std::fs::write(dir.path().join("a-1.rdb.part"), &files[0].data).unwrap();
    let summary = download(&server, dir.path(), fast()).await.unwrap();
    assert_complete(&summary, dir.path(), &files);
    assert_eq!(summary.files[0].transferred, 1);
    assert_eq!(summary.files[0].crc64, files[0].crc_header);
    assert!(server
        .gets()
        .iter()
        .any(|g| g.path == "/f/0" && g.range.as_deref() == Some("bytes=299999-")));
}

#[tokio::test]
async fn a_complete_part_file_with_wrong_bytes_fails_the_checksum_and_starts_over() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut wrong = files[0].data.clone();
    wrong[1000] ^= 0xff;
    std::fs::write(dir.path().join("a-1.rdb.part"), &wrong).unwrap();
    let summary = download(&server, dir.path(), fast()).await.unwrap();
    assert_complete(&summary, dir.path(), &files);
    assert_eq!(summary.files[0].restarts, 1);
}

#[tokio::test]
async fn a_part_file_longer_than_the_object_gets_416_and_starts_over() {
    // Without a FileSize in the answer, only the storage can say the part file is too long.
    let mut files = three_files();
    files[0].advertised_size = None;
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut longer = files[0].data.clone();
    longer.extend_from_slice(&[9u8; 5000]);
    std::fs::write(dir.path().join("a-1.rdb.part"), &longer).unwrap();
    let summary = download(&server, dir.path(), fast()).await.unwrap();
    assert_complete(&summary, dir.path(), &files);
    assert_eq!(summary.files[0].restarts, 1);
    let gets = gets_of_first_file(&server);
    assert_eq!(gets[0].status, 416, "{gets:?}");
    assert_eq!(gets[0].range.as_deref(), Some("bytes=304999-"));
    assert!(gets[1..].iter().any(|g| g.status == 200), "{gets:?}");
}

#[tokio::test]
async fn a_foreign_part_file_fails_the_checksum_and_starts_over() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-1.rdb.part"), vec![7u8; 1000]).unwrap();
    let summary = download(&server, dir.path(), fast()).await.unwrap();
    assert_complete(&summary, dir.path(), &files);
    assert_eq!(summary.files[0].restarts, 1);
}

#[tokio::test]
async fn a_checksum_mismatch_fails_and_leaves_nothing() {
    let mut files = three_files();
    files[1].crc_header = Some(12345);
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let summary = download(&server, dir.path(), fast()).await.unwrap();
    assert!(!summary.is_success());
    let failed: Vec<_> = summary.failed().collect();
    assert_eq!(failed.len(), 1);
    let (report, error) = failed[0];
    assert_eq!(report.name, "a-2.rdb");
    assert_eq!(error.kind(), DownloadErrorKind::Verification);
    assert!(matches!(
        error,
        DownloadError::Verification {
            reason: VerifyError::Crc64 {
                expected: 12345,
                ..
            },
            ..
        }
    ));
    assert!(!dir.path().join("a-2.rdb").exists());
    assert!(!dir.path().join("a-2.rdb.part").exists());
    assert!(dir.path().join("a-1.rdb").exists());
}

#[tokio::test]
async fn a_size_that_disagrees_with_file_size_fails() {
    let mut files = three_files();
    files[0].advertised_size = Some(299_999);
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let summary = download(&server, dir.path(), fast()).await.unwrap();
    let failed: Vec<_> = summary.failed().collect();
    assert_eq!(failed.len(), 1);
    let message = failed[0].1.to_string();
    assert!(
        message.contains("FileSize says 299999 bytes, got 300000"),
        "{message}"
    );
    assert!(!dir.path().join("a-1.rdb").exists());
}

#[tokio::test]
async fn without_a_checksum_header_the_size_is_still_verified() {
    let mut files = three_files();
    for f in &mut files {
        f.crc_header = None;
    }
    let server = TestServer::start(files.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let summary = download(&server, dir.path(), fast()).await.unwrap();
    assert!(summary.is_success());
    assert!(summary.files.iter().all(|f| f.crc64.is_none()));
    assert_files(dir.path(), &files);
}

#[tokio::test]
async fn hostile_file_names_never_escape_the_folder() {
    let mut files = vec![
        FileSpec::new("../escape.rdb", 10, 1),
        FileSpec::new("/tmp/absolute-tcredis-test.rdb", 10, 2),
        FileSpec::new("sub/dir.rdb", 10, 3),
        FileSpec::new("..", 10, 4),
        FileSpec::new("ok.rdb", 10, 5),
        FileSpec::new("dup.rdb", 10, 6),
        FileSpec::new("dup.rdb", 10, 7),
    ];
    files[1].name = "/tmp/absolute-tcredis-test.rdb".into();
    let server = TestServer::start(files.clone()).await;
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let summary = download(&server, &out, fast()).await.unwrap();
    assert_eq!(summary.downloaded(), 1);
    let kinds: Vec<_> = summary
        .failed()
        .map(|(r, e)| (r.name.clone(), e.kind()))
        .collect();
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    assert!(kinds
        .iter()
        .all(|(_, k)| *k == DownloadErrorKind::Verification));
    // Nothing outside `out`, only ok.rdb inside.
    let outside: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(outside, vec![std::ffi::OsString::from("out")]);
    let inside: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(inside, vec![std::ffi::OsString::from("ok.rdb")]);
    assert!(!Path::new("/tmp/absolute-tcredis-test.rdb").exists());
    // No file request was made for a refused name.
    assert!(server.gets().iter().all(|g| g.path == "/f/4"));
}

#[tokio::test]
async fn transient_failures_are_retried_and_stalls_time_out() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    server.with(|s| {
        s.unavailable_times = 2;
        s.stall = Some(Duration::from_secs(5));
        s.stall_times = 1;
    });
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let summary = download(
        &server,
        dir.path(),
        fast().parallel(1).stall_timeout(Duration::from_millis(300)),
    )
    .await
    .unwrap();
    assert!(summary.is_success(), "{summary:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_files(dir.path(), &files);
    assert_eq!(server.gets().iter().filter(|g| g.status == 503).count(), 2);
}

#[tokio::test]
async fn retries_give_up_after_the_budget() {
    let files = three_files();
    let server = TestServer::start(files.clone()).await;
    server.with(|s| s.unavailable_times = 1000);
    let dir = tempfile::tempdir().unwrap();
    let summary = download(&server, dir.path(), fast()).await.unwrap();
    assert_eq!(summary.failed().count(), 3);
    // 4 attempts per file.
    assert_eq!(server.gets().len(), 12);
    let (_, e) = summary.failed().next().unwrap();
    assert!(e.to_string().contains("HTTP 503"), "{e}");
}

#[tokio::test]
async fn parallelism_is_bounded() {
    let files: Vec<_> = (0..6)
        .map(|i| FileSpec::new(&format!("f{i}.rdb"), 1000, i as u8))
        .collect();
    let server = TestServer::start(files.clone()).await;
    server.with(|s| s.latency = Some(Duration::from_millis(100)));
    let dir = tempfile::tempdir().unwrap();
    let summary = download(&server, dir.path(), fast().parallel(2))
        .await
        .unwrap();
    assert!(summary.is_success());
    let max = server.with(|s| s.max_active);
    assert_eq!(max, 2);
}

#[tokio::test]
async fn an_unknown_backup_writes_nothing() {
    let server = TestServer::start(three_files()).await;
    server.with(|s| {
        s.describe_error = Some((
            "InvalidParameterValue.BackupNotExists".into(),
            "The backup does not exist.".into(),
        ))
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let error = download(&server, &out, fast()).await.unwrap_err();
    assert_eq!(error.kind(), DownloadErrorKind::Api);
    let DownloadError::Api(api) = &error else {
        panic!("{error}")
    };
    assert_eq!(api.code(), Some("InvalidParameterValue.BackupNotExists"));
    assert!(!out.exists());
}

#[tokio::test]
async fn an_out_dir_that_is_a_file_fails_before_any_call() {
    let server = TestServer::start(three_files()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let error = download(&server, &file, fast()).await.unwrap_err();
    assert_eq!(error.kind(), DownloadErrorKind::LocalIo);
    // The error names the folder; why it cannot be used is its cause.
    assert!(
        error.to_string().contains(&*file.to_string_lossy()),
        "{error}"
    );
    let cause = std::error::Error::source(&error)
        .expect("a cause")
        .to_string();
    assert!(cause.contains("is not a folder"), "{cause}");
    assert_eq!(server.log().len(), 0);
}

#[tokio::test]
async fn an_empty_backup_is_an_error() {
    let server = TestServer::start(Vec::new()).await;
    let dir = tempfile::tempdir().unwrap();
    let error = download(&server, dir.path(), fast()).await.unwrap_err();
    assert!(matches!(error, DownloadError::NoFiles { .. }), "{error}");
}
