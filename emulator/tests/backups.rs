//! The backup workflow actions through the project's client: DescribeInstanceBackups,
//! ManualBackupInstance with DescribeTaskInfo, Describe/ModifyBackupDownloadRestriction and
//! the stored restriction applied by DescribeBackupUrl.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use tencentcloud_redis::types::{
    BackupLimitVpcItem, IpComparisonSymbol, LimitType, RedisBackupSet, TaskStatus,
};
use tencentcloud_redis::{
    DescribeBackupDownloadRestrictionRequest, DescribeBackupUrlError, DescribeBackupUrlRequest,
    DescribeInstanceBackupsRequest, DescribeInstanceBackupsResponse, DescribeTaskInfoRequest,
    ManualBackupInstanceRequest, ModifyBackupDownloadRestrictionRequest,
};
use tencentcloud_redis_emulator::crc64::cos_crc64;
use tencentcloud_redis_emulator::{RunningEmulator, DEFAULT_SNAPSHOT_SIZE};
use tencentcloud_transport::{Action, Client, Credentials, Endpoint, RateLimit, RetryPolicy};

/// 2020-01-01 00:00:00 UTC.
const JAN_1_2020: u64 = 1_577_836_800;

fn client_in(emu: &RunningEmulator, region: &str, id: &str, key: &str) -> Client {
    Client::builder()
        .region(region)
        .endpoint(Endpoint::Url(emu.endpoint().to_owned()))
        .credentials(Credentials::new(id, key))
        .retry(RetryPolicy::disabled())
        .rate_limit(RateLimit::Disabled)
        .build()
        .expect("client")
}

fn client(emu: &RunningEmulator) -> Client {
    client_in(emu, emu.region(), emu.secret_id(), emu.secret_key())
}

/// The error code of a call that must fail.
async fn code_of<A: Action>(client: &Client, request: A) -> String
where
    A::Response: std::fmt::Debug,
    A::Error: std::fmt::Debug,
{
    let err = client.send(request).await.expect_err("the call fails");
    err.code()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{err:?}"))
}

async fn list(
    client: &Client,
    request: DescribeInstanceBackupsRequest,
) -> DescribeInstanceBackupsResponse {
    client.send(request).await.expect("DescribeInstanceBackups")
}

fn ids(response: &DescribeInstanceBackupsResponse) -> Vec<String> {
    response
        .backup_set
        .iter()
        .map(|b| b.backup_id.clone().unwrap_or_default())
        .collect()
}

fn check_rdb(path: &Path) {
    let output = Command::new("redis-check-rdb")
        .arg(path)
        .output()
        .unwrap_or_else(|e| {
            panic!("redis-check-rdb is required (apt-get install -y redis-tools): {e}")
        });
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success()
            && stdout.contains("RDB looks OK")
            && stdout.contains("Checksum OK"),
        "redis-check-rdb rejected {}:\n{stdout}",
        path.display()
    );
}

/// A small real RDB file to register backups from.
fn dump(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("dump.rdb");
    tencentcloud_redis_emulator::rdb::write_demo_file(&path, 7, 20_000).expect("dump");
    path
}

#[tokio::test]
async fn list_pages_filters_and_limits() {
    let emu = start_small().await;
    let client = client(&emu);
    let dir = tempfile::tempdir().expect("tempdir");
    let dump = dump(dir.path());
    // 25 backups of another instance, one an hour from 2020-01-01 00:00:00.
    for i in 0..25u64 {
        let id = format!("b{i:02}");
        emu.register_backup("crs-page0001", &id, [&dump])
            .expect("register");
        assert!(emu.set_backup_start_time("crs-page0001", &id, JAN_1_2020 + i * 3600));
    }
    assert!(emu.set_instance_name("crs-page0001", "Orders-Cache"));

    // Defaults: every complete backup in the region, 20 a page, newest first (the demo
    // backup was registered at start, so it is the newest).
    let all = list(&client, DescribeInstanceBackupsRequest::new()).await;
    assert_eq!(all.total_count, Some(26));
    assert_eq!(all.backup_set.len(), 20);
    assert_eq!(all.backup_set[0].backup_id.as_deref(), Some(BACKUP));
    let expected: Vec<String> = (5..25).rev().map(|i| format!("b{i:02}")).collect();
    assert_eq!(ids(&all)[1..], expected[..19]);
    assert_eq!(all.request_id.len(), 36);

    // The demo backup's fields.
    let demo = &all.backup_set[0];
    let size: u64 = emu
        .backup_file_paths(INSTANCE, BACKUP)
        .iter()
        .map(|p| std::fs::metadata(p).expect("file").len())
        .sum();
    assert_eq!(demo.backup_size, Some(size as i64));
    assert_eq!(demo.instance_id.as_deref(), Some(INSTANCE));
    assert_eq!(demo.instance_name.as_deref(), Some(INSTANCE));
    assert_eq!(demo.region.as_deref(), Some(emu.region()));
    assert_eq!(demo.status, Some(2));
    assert_eq!(demo.backup_type.as_deref(), Some("1"));
    assert_eq!(demo.locked, Some(0));
    assert_eq!(demo.encrypted, Some(false));
    assert_eq!(demo.file_type.as_deref(), Some("RDB-Redis 5.0"));
    let start = demo.start_time.clone().expect("StartTime");
    assert_eq!(start.len(), 19, "{start}");
    assert_eq!(demo.end_time.as_deref(), Some(start.as_str()));

    // A registered backup's times, formatted in UTC.
    let one = list(
        &client,
        DescribeInstanceBackupsRequest::new()
            .instance_id("crs-page0001")
            .limit(1)
            .offset(24),
    )
    .await;
    assert_eq!(one.total_count, Some(25));
    let b00: &RedisBackupSet = &one.backup_set[0];
    assert_eq!(b00.backup_id.as_deref(), Some("b00"));
    assert_eq!(b00.start_time.as_deref(), Some("2020-01-01 00:00:00"));
    assert_eq!(b00.expire_time.as_deref(), Some("2020-01-08 00:00:00"));
    assert_eq!(b00.instance_name.as_deref(), Some("Orders-Cache"));
    assert_eq!(b00.file_type.as_deref(), Some("RDB"));

    // Paging by Offset and Limit.
    let page = list(
        &client,
        DescribeInstanceBackupsRequest::new()
            .instance_id("crs-page0001")
            .limit(10)
            .offset(20),
    )
    .await;
    assert_eq!(page.total_count, Some(25));
    assert_eq!(ids(&page), ["b04", "b03", "b02", "b01", "b00"]);
    let max = list(&client, DescribeInstanceBackupsRequest::new().limit(100)).await;
    assert_eq!(max.backup_set.len(), 26);
    let zero = list(&client, DescribeInstanceBackupsRequest::new().limit(0)).await;
    assert_eq!(zero.backup_set.len(), 20, "Limit 0 means the default");
    let past = list(&client, DescribeInstanceBackupsRequest::new().offset(26)).await;
    assert_eq!((past.total_count, past.backup_set.len()), (Some(26), 0));

    // Time range, both ends inclusive, on StartTime.
    let range = list(
        &client,
        DescribeInstanceBackupsRequest::new()
            .begin_time("2020-01-01 02:00:00")
            .end_time("2020-01-01 05:00:00"),
    )
    .await;
    assert_eq!(range.total_count, Some(4));
    assert_eq!(ids(&range), ["b05", "b04", "b03", "b02"]);
    let from = list(
        &client,
        DescribeInstanceBackupsRequest::new()
            .instance_id("crs-page0001")
            .begin_time("2020-01-01 23:30:00"),
    )
    .await;
    assert_eq!(ids(&from), ["b24"]);

    // Name filter: a case-insensitive substring.
    let named = list(
        &client,
        DescribeInstanceBackupsRequest::new().instance_name("orders"),
    )
    .await;
    assert_eq!(named.total_count, Some(25));
    let none = list(
        &client,
        DescribeInstanceBackupsRequest::new().instance_name("nothing-like-it"),
    )
    .await;
    assert_eq!((none.total_count, none.backup_set.len()), (Some(0), 0));

    // Status: 2 is the default; in-progress backups only with 1.
    let complete = list(&client, DescribeInstanceBackupsRequest::new().status([2])).await;
    assert_eq!(complete.total_count, Some(26));
    let running = list(&client, DescribeInstanceBackupsRequest::new().status([1])).await;
    assert_eq!(running.total_count, Some(0));

    // Refusals.
    for bad in [
        DescribeInstanceBackupsRequest::new().limit(101),
        DescribeInstanceBackupsRequest::new().limit(-1),
        DescribeInstanceBackupsRequest::new().offset(-1),
        DescribeInstanceBackupsRequest::new().status([3]),
        DescribeInstanceBackupsRequest::new().begin_time("2020-01-01T00:00:00"),
        DescribeInstanceBackupsRequest::new().end_time("2026-02-30 00:00:00"),
        DescribeInstanceBackupsRequest::new()
            .begin_time("2020-01-02 00:00:00")
            .end_time("2020-01-01 00:00:00"),
        DescribeInstanceBackupsRequest::new()
            .begin_time("2020-01-01 00:00:00")
            .end_time("2020-02-01 00:00:00"),
    ] {
        assert_eq!(
            code_of(&client, bad.clone()).await,
            "InvalidParameterValue",
            "{bad:?}"
        );
    }
    // Exactly 30 days is accepted.
    list(
        &client,
        DescribeInstanceBackupsRequest::new()
            .begin_time("2020-01-01 00:00:00")
            .end_time("2020-01-31 00:00:00"),
    )
    .await;

    // An unknown instance is an error, not an empty list; another region has none.
    assert_eq!(
        code_of(
            &client,
            DescribeInstanceBackupsRequest::new().instance_id("crs-none")
        )
        .await,
        "ResourceNotFound.InstanceNotExists"
    );
    let elsewhere = client_in(&emu, "ap-beijing", emu.secret_id(), emu.secret_key());
    let empty = list(&elsewhere, DescribeInstanceBackupsRequest::new()).await;
    assert_eq!((empty.total_count, empty.backup_set.len()), (Some(0), 0));
    assert_eq!(
        code_of(
            &elsewhere,
            DescribeInstanceBackupsRequest::new().instance_id(INSTANCE)
        )
        .await,
        "ResourceNotFound.InstanceNotExists"
    );
}

#[tokio::test]
async fn manual_backup_runs_as_a_task_and_serves_real_rdb_files() {
    let emu = small_builder()
        .backup_task_duration(Duration::from_millis(1200))
        .start()
        .await
        .expect("start");
    let client = client(&emu);
    let task_id = client
        .send(
            ManualBackupInstanceRequest::new(INSTANCE)
                .remark("before upgrade")
                .storage_days(3),
        )
        .await
        .expect("ManualBackupInstance")
        .task_id
        .and_then(|id| u64::try_from(id).ok())
        .expect("TaskId");
    let backup_id = emu.task(task_id).expect("task").backup_id;
    assert_eq!(backup_id.len(), 24);

    // Poll until it succeeds, checking the backup's state along the way.
    let started = Instant::now();
    let mut seen: Vec<TaskStatus> = Vec::new();
    let mut checked_running = false;
    loop {
        let info = client
            .send(DescribeTaskInfoRequest::new(task_id))
            .await
            .expect("DescribeTaskInfo");
        let status = info.status.clone().expect("Status");
        assert_eq!(info.instance_id.as_deref(), Some(INSTANCE));
        assert_eq!(info.task_type.as_deref(), Some("Back up Instance"));
        assert_eq!(info.task_message.as_deref(), Some(""));
        assert_eq!(info.start_time.as_deref().map(str::len), Some(19));
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == TaskStatus::Running && !checked_running {
            checked_running = true;
            // Listed as in progress only when asked for Status 1 ...
            let running = list(
                &client,
                DescribeInstanceBackupsRequest::new()
                    .instance_id(INSTANCE)
                    .status([1]),
            )
            .await;
            assert_eq!(ids(&running), std::slice::from_ref(&backup_id));
            let b = &running.backup_set[0];
            assert_eq!(b.status, Some(1));
            assert_eq!(b.end_time, None);
            assert_eq!(b.backup_type.as_deref(), Some("0"));
            assert_eq!(b.remark.as_deref(), Some("before upgrade"));
            let complete = list(
                &client,
                DescribeInstanceBackupsRequest::new().instance_id(INSTANCE),
            )
            .await;
            assert_eq!(ids(&complete), [BACKUP]);
            // ... and not downloadable yet.
            let err = client
                .send(DescribeBackupUrlRequest::new(INSTANCE, backup_id.clone()))
                .await
                .expect_err("in progress");
            assert!(
                matches!(
                    err,
                    tencentcloud_transport::Error::Service(
                        DescribeBackupUrlError::ResourceUnavailableBackupStatusInvalid(_)
                    )
                ),
                "{err:?}"
            );
        }
        if status == TaskStatus::Succeed {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{seen:?}");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    assert_eq!(
        seen,
        [
            TaskStatus::Preparing,
            TaskStatus::Running,
            TaskStatus::Succeed
        ]
    );
    assert!(checked_running);
    assert!(started.elapsed() >= Duration::from_millis(1100));
    assert_eq!(emu.task(task_id).expect("task").status, "succeed");

    // Now the newest complete backup.
    let listed = list(
        &client,
        DescribeInstanceBackupsRequest::new()
            .instance_id(INSTANCE)
            .status([1, 2]),
    )
    .await;
    assert_eq!(ids(&listed), [backup_id.clone(), BACKUP.to_owned()]);
    let b = &listed.backup_set[0];
    assert_eq!(b.status, Some(2));
    let start = b.start_time.clone().expect("StartTime");
    let end = b.end_time.clone().expect("EndTime");
    assert!(end >= start, "{start} .. {end}");
    assert_eq!(b.file_type.as_deref(), Some("RDB-Redis 5.0"));

    // Its URLs serve real RDB files of the demo's layout.
    let response = client
        .send(DescribeBackupUrlRequest::new(INSTANCE, backup_id.clone()))
        .await
        .expect("DescribeBackupUrl");
    assert_eq!(response.backup_infos.len(), 5);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut total = 0u64;
    for (i, info) in response.backup_infos.iter().enumerate() {
        let url = info.download_url.as_deref().expect("url");
        let resp = reqwest::get(url).await.expect("download");
        assert_eq!(resp.status(), 200);
        let crc: u64 = resp.headers()["x-cos-hash-crc64ecma"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("decimal");
        let bytes = resp.bytes().await.expect("body");
        assert_eq!(bytes.len() as u64, 20_000 + 1_000 * i as u64);
        assert_eq!(info.file_size, Some(bytes.len() as i64));
        assert_eq!(crc, cos_crc64(&bytes));
        total += bytes.len() as u64;
        let path = dir.path().join(info.file_name.as_deref().expect("name"));
        std::fs::write(&path, &bytes).expect("write");
        check_rdb(&path);
    }
    assert_eq!(b.backup_size, Some(total as i64));
    // A fresh snapshot: the same data set as the demo backup, a later ctime.
    let demo_first = std::fs::read(&emu.backup_file_paths(INSTANCE, BACKUP)[0]).expect("demo");
    let new_first = std::fs::read(&emu.backup_file_paths(INSTANCE, &backup_id)[0]).expect("new");
    assert_eq!(demo_first.len(), new_first.len());
    assert_ne!(demo_first, new_first);
}

#[tokio::test]
async fn manual_backup_parameters_instances_and_failures() {
    let emu = small_builder()
        .backup_task_duration(Duration::ZERO)
        .start()
        .await
        .expect("start");
    let client = client(&emu);
    assert_eq!(emu.backup_task_duration(), Duration::ZERO);

    for bad in [
        ManualBackupInstanceRequest::new(INSTANCE).storage_days(1826),
        ManualBackupInstanceRequest::new(INSTANCE).storage_days(-1),
    ] {
        assert_eq!(code_of(&client, bad).await, "InvalidParameterValue");
    }
    assert_eq!(
        code_of(&client, ManualBackupInstanceRequest::new("crs-none")).await,
        "ResourceNotFound.InstanceNotExists"
    );
    let elsewhere = client_in(&emu, "ap-beijing", emu.secret_id(), emu.secret_key());
    assert_eq!(
        code_of(&elsewhere, ManualBackupInstanceRequest::new(INSTANCE)).await,
        "ResourceNotFound.InstanceNotExists"
    );

    // Both ends of StorageDays; an instance added empty gets one file of the default size.
    emu.add_instance("crs-empty001");
    let mut tasks = Vec::new();
    for request in [
        ManualBackupInstanceRequest::new(INSTANCE).storage_days(0),
        ManualBackupInstanceRequest::new("crs-empty001").storage_days(1825),
    ] {
        tasks.push(
            client
                .send(request)
                .await
                .expect("accepted")
                .task_id
                .and_then(|id| u64::try_from(id).ok())
                .expect("TaskId"),
        );
    }
    assert_eq!(tasks[1], tasks[0] + 1, "task IDs count up");
    for &task_id in &tasks {
        wait_for(&client, task_id, TaskStatus::Succeed).await;
    }
    let empty = emu.task(tasks[1]).expect("task");
    let paths = emu.backup_file_paths("crs-empty001", &empty.backup_id);
    assert_eq!(paths.len(), 1);
    assert_eq!(
        std::fs::metadata(&paths[0]).expect("file").len(),
        DEFAULT_SNAPSHOT_SIZE
    );
    check_rdb(&paths[0]);
    let listed = list(
        &client,
        DescribeInstanceBackupsRequest::new().instance_id("crs-empty001"),
    )
    .await;
    let b = &listed.backup_set[0];
    let start = b.start_time.as_deref().expect("start");
    let expire = b.expire_time.as_deref().expect("expire");
    // 1825 days later: five years, less the leap day(s) in between.
    let year = |t: &str| t[..4].parse::<u32>().expect("year");
    assert!(
        [4, 5].contains(&(year(expire) - year(start))),
        "{start} .. {expire}"
    );
    let demo_new = list(
        &client,
        DescribeInstanceBackupsRequest::new()
            .instance_id(INSTANCE)
            .limit(1),
    )
    .await;
    assert_eq!(
        demo_new.backup_set[0].expire_time, demo_new.backup_set[0].start_time,
        "StorageDays 0: expires when it starts"
    );

    // A data set too small for an RDB file makes the task fail, with a message.
    assert!(emu.set_backup_file_sizes("crs-empty001", vec![100]));
    assert!(!emu.set_backup_file_sizes("crs-none", vec![100_000]));
    assert!(!emu.set_backup_file_sizes("crs-empty001", Vec::new()));
    let failing = client
        .send(ManualBackupInstanceRequest::new("crs-empty001"))
        .await
        .expect("accepted")
        .task_id
        .and_then(|id| u64::try_from(id).ok())
        .expect("TaskId");
    let info = wait_for(&client, failing, TaskStatus::Failed).await;
    assert!(
        info.contains("at least"),
        "TaskMessage explains the failure: {info}"
    );
    let failed = emu.task(failing).expect("task");
    assert_eq!(failed.status, "failed");
    // A failed backup is neither listed nor downloadable.
    let listed = list(
        &client,
        DescribeInstanceBackupsRequest::new()
            .instance_id("crs-empty001")
            .status([1, 2]),
    )
    .await;
    assert!(!ids(&listed).contains(&failed.backup_id));
    assert_eq!(
        code_of(
            &client,
            DescribeBackupUrlRequest::new("crs-empty001", failed.backup_id.clone())
        )
        .await,
        "ResourceUnavailable.BackupStatusInvalid"
    );

    // Larger files on demand, written as a multi-file backup.
    assert!(emu.set_backup_file_sizes("crs-empty001", vec![30_000, 40_000]));
    let two = client
        .send(ManualBackupInstanceRequest::new("crs-empty001"))
        .await
        .expect("accepted")
        .task_id
        .and_then(|id| u64::try_from(id).ok())
        .expect("TaskId");
    wait_for(&client, two, TaskStatus::Succeed).await;
    let paths = emu.backup_file_paths("crs-empty001", &emu.task(two).expect("task").backup_id);
    let sizes: Vec<u64> = paths
        .iter()
        .map(|p| std::fs::metadata(p).expect("file").len())
        .collect();
    assert_eq!(sizes, [30_000, 40_000]);
    paths.iter().for_each(|p| check_rdb(p));
}

/// Polls DescribeTaskInfo until `status`; returns the TaskMessage.
async fn wait_for(client: &Client, task_id: u64, status: TaskStatus) -> String {
    let started = Instant::now();
    loop {
        let info = client
            .send(DescribeTaskInfoRequest::new(task_id))
            .await
            .expect("DescribeTaskInfo");
        if info.status.as_ref() == Some(&status) {
            return info.task_message.unwrap_or_default();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "task {task_id} stuck at {:?}",
            info.status
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn unknown_tasks() {
    let emu = start_small().await;
    let client = client(&emu);
    for id in [0, 999_999_999, u64::MAX] {
        assert_eq!(
            code_of(&client, DescribeTaskInfoRequest::new(id)).await,
            "InvalidParameterValue.TaskNotExists"
        );
    }
    assert!(emu.task(1).is_none());
    // A task exists only in the emulator's region.
    let task_id = client
        .send(ManualBackupInstanceRequest::new(INSTANCE))
        .await
        .expect("accepted")
        .task_id
        .and_then(|id| u64::try_from(id).ok())
        .expect("TaskId");
    let elsewhere = client_in(&emu, "ap-beijing", emu.secret_id(), emu.secret_key());
    assert_eq!(
        code_of(&elsewhere, DescribeTaskInfoRequest::new(task_id)).await,
        "InvalidParameterValue.TaskNotExists"
    );
}

/// The public URL of the demo backup's first file, fetched: its HTTP status.
async fn public_status(client: &Client, request: DescribeBackupUrlRequest) -> u16 {
    let response = client.send(request).await.expect("DescribeBackupUrl");
    let info = &response.backup_infos[0];
    let public = reqwest::get(info.download_url.as_deref().expect("url"))
        .await
        .expect("get")
        .status()
        .as_u16();
    let inner = reqwest::get(info.inner_download_url.as_deref().expect("inner"))
        .await
        .expect("get")
        .status()
        .as_u16();
    assert_eq!(inner, 200, "the inner URL always works");
    public
}

#[tokio::test]
async fn download_restriction_is_stored_read_and_applied() {
    let emu = small_builder()
        .extra_credentials("AKIDother", "other-key")
        .start()
        .await
        .expect("start");
    let client = client(&emu);
    let url = || DescribeBackupUrlRequest::new(INSTANCE, BACKUP);

    // The default: NoLimit, public URLs work.
    let r = client
        .send(DescribeBackupDownloadRestrictionRequest::new())
        .await
        .expect("describe");
    assert_eq!(r.limit_type, Some(LimitType::NoLimit));
    assert_eq!(r.ip_comparison_symbol, Some(IpComparisonSymbol::In));
    assert!(r.limit_vpc.is_empty() && r.limit_ip.is_empty());
    assert_eq!(r.request_id.len(), 36);
    assert_eq!(public_status(&client, url()).await, 200);

    // Customize needs LimitVpc or LimitIp; a refused change stores nothing.
    assert_eq!(
        code_of(
            &client,
            ModifyBackupDownloadRestrictionRequest::new(LimitType::Customize)
        )
        .await,
        "InvalidParameterValue"
    );
    assert_eq!(
        emu.download_restriction(emu.secret_id(), emu.region())
            .limit_type,
        "NoLimit"
    );

    // LimitOnlyIntranet, stored and applied when DescribeBackupUrl omits LimitType ...
    let modified = client
        .send(ModifyBackupDownloadRestrictionRequest::new(
            LimitType::LimitOnlyIntranet,
        ))
        .await
        .expect("modify");
    assert_eq!(modified.request_id.len(), 36);
    let r = client
        .send(DescribeBackupDownloadRestrictionRequest::new())
        .await
        .expect("describe");
    assert_eq!(r.limit_type, Some(LimitType::LimitOnlyIntranet));
    assert_eq!(public_status(&client, url()).await, 403);
    // ... while an explicit LimitType overrides it.
    assert_eq!(
        public_status(&client, url().limit_type(LimitType::NoLimit)).await,
        200
    );

    // Customize with addresses: the caller (127.0.0.1) is refused under NotIn ...
    client
        .send(
            ModifyBackupDownloadRestrictionRequest::new(LimitType::Customize)
                .ip_comparison_symbol(IpComparisonSymbol::NotIn)
                .limit_ip(["127.0.0.1"])
                .limit_vpc([BackupLimitVpcItem::new("ap-guangzhou", ["vpc-a1b2c3d4"])]),
        )
        .await
        .expect("modify");
    let r = client
        .send(DescribeBackupDownloadRestrictionRequest::new())
        .await
        .expect("describe");
    assert_eq!(r.limit_type, Some(LimitType::Customize));
    assert_eq!(r.ip_comparison_symbol, Some(IpComparisonSymbol::NotIn));
    assert_eq!(r.limit_ip, ["127.0.0.1"]);
    assert_eq!(
        r.limit_vpc,
        [BackupLimitVpcItem::new("ap-guangzhou", ["vpc-a1b2c3d4"])]
    );
    let stored = emu.download_restriction(emu.secret_id(), emu.region());
    assert_eq!(stored.ip_comparison_symbol, "NotIn");
    assert_eq!(
        stored.limit_vpc,
        [("ap-guangzhou".to_owned(), vec!["vpc-a1b2c3d4".to_owned()])]
    );
    assert_eq!(public_status(&client, url()).await, 403);
    // ... and allowed under In.
    client
        .send(
            ModifyBackupDownloadRestrictionRequest::new(LimitType::Customize)
                .limit_ip(["127.0.0.1"]),
        )
        .await
        .expect("modify");
    assert_eq!(public_status(&client, url()).await, 200);
    // An explicit Customize uses the request's own lists.
    assert_eq!(
        public_status(
            &client,
            url()
                .limit_type(LimitType::Customize)
                .limit_ip(["10.9.9.9"])
        )
        .await,
        403
    );
    assert_eq!(
        code_of(&client, url().limit_type(LimitType::Customize)).await,
        "InvalidParameterValue"
    );

    // Lists are kept only for Customize.
    client
        .send(
            ModifyBackupDownloadRestrictionRequest::new(LimitType::NoLimit).limit_ip(["10.0.0.1"]),
        )
        .await
        .expect("modify");
    let r = client
        .send(DescribeBackupDownloadRestrictionRequest::new())
        .await
        .expect("describe");
    assert_eq!(r.limit_type, Some(LimitType::NoLimit));
    assert!(r.limit_ip.is_empty());

    // Stored per SecretId and region.
    client
        .send(ModifyBackupDownloadRestrictionRequest::new(
            LimitType::LimitOnlyIntranet,
        ))
        .await
        .expect("modify");
    let other = client_in(&emu, emu.region(), "AKIDother", "other-key");
    let r = other
        .send(DescribeBackupDownloadRestrictionRequest::new())
        .await
        .expect("describe");
    assert_eq!(r.limit_type, Some(LimitType::NoLimit));
    assert_eq!(public_status(&other, url()).await, 200);
    let elsewhere = client_in(&emu, "ap-beijing", emu.secret_id(), emu.secret_key());
    let r = elsewhere
        .send(DescribeBackupDownloadRestrictionRequest::new())
        .await
        .expect("describe");
    assert_eq!(r.limit_type, Some(LimitType::NoLimit));
    assert_eq!(
        emu.download_restriction("AKIDnobody", emu.region())
            .limit_type,
        "NoLimit"
    );
}

/// A signed call of `action` with a raw JSON body.
async fn raw(emu: &RunningEmulator, action: &str, body: serde_json::Value) -> serde_json::Value {
    let mut call = Call::new(emu, &body);
    call.action = action.to_owned();
    let (status, v) = call.send(emu).await;
    assert_eq!(status, 200, "{v}");
    assert_request_id(&v);
    v
}

#[tokio::test]
async fn schema_validation_and_random_bodies_on_the_wire() {
    use serde_json::json;
    let emu = small_builder()
        .rate_limit(false)
        .backup_task_duration(Duration::ZERO)
        .start()
        .await
        .expect("start");
    for (action, body, code) in [
        ("DescribeTaskInfo", json!({}), "MissingParameter"),
        (
            "DescribeTaskInfo",
            json!({"TaskId": "7"}),
            "InvalidParameter",
        ),
        (
            "ManualBackupInstance",
            json!({"Remark": "x"}),
            "MissingParameter",
        ),
        (
            "ManualBackupInstance",
            json!({"InstanceId": INSTANCE, "StorageDays": "7"}),
            "InvalidParameter",
        ),
        (
            "DescribeInstanceBackups",
            json!({"Status": ["2"]}),
            "InvalidParameter",
        ),
        (
            "DescribeInstanceBackups",
            json!({"Limit": 10, "Page": 2}),
            "UnknownParameter",
        ),
        (
            "ModifyBackupDownloadRestriction",
            json!({"LimitType": "Everyone"}),
            "InvalidParameterValue",
        ),
        (
            "ModifyBackupDownloadRestriction",
            json!({"LimitType": "Customize", "LimitVpc": [{"Region": "ap-guangzhou"}]}),
            "MissingParameter",
        ),
        (
            "DescribeBackupDownloadRestriction",
            json!({"LimitType": "NoLimit"}),
            "UnknownParameter",
        ),
    ] {
        let v = raw(&emu, action, body.clone()).await;
        assert_eq!(
            error_code(&v).as_deref(),
            Some(code),
            "{action} {body}: {v}"
        );
    }

    // Random bodies built from the actions' own member names never break the emulator: every
    // answer is an envelope, a success or an error.
    let names = [
        "InstanceId",
        "Limit",
        "Offset",
        "Status",
        "BeginTime",
        "EndTime",
        "InstanceName",
        "TaskId",
        "Remark",
        "StorageDays",
        "LimitType",
        "LimitIp",
        "LimitVpc",
        "IpComparisonSymbol",
        "VpcComparisonSymbol",
    ];
    let values = [
        json!(null),
        json!(-1),
        json!(0),
        json!(100_001),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(1e300),
        json!(""),
        json!(INSTANCE),
        json!("../.."),
        json!("2020-01-01 00:00:00"),
        json!("9999-12-31 23:59:59"),
        json!("Customize"),
        json!("NotIn"),
        json!([1, 2, -1]),
        json!(["127.0.0.1"]),
        json!([{"Region": "ap-guangzhou", "VpcList": ["vpc-1"]}]),
        json!({"x": 1}),
    ];
    let actions = [
        "DescribeInstanceBackups",
        "ManualBackupInstance",
        "DescribeTaskInfo",
        "DescribeBackupDownloadRestriction",
        "ModifyBackupDownloadRestriction",
        "DescribeBackupUrl",
    ];
    let mut rng = fastrand::Rng::with_seed(11);
    let mut successes = 0;
    for _ in 0..300 {
        let mut body = serde_json::Map::new();
        for _ in 0..rng.usize(..4) {
            body.insert(
                names[rng.usize(..names.len())].to_owned(),
                values[rng.usize(..values.len())].clone(),
            );
        }
        let action = actions[rng.usize(..actions.len())];
        let v = raw(&emu, action, serde_json::Value::Object(body)).await;
        if error_code(&v).is_none() {
            successes += 1;
        }
    }
    assert!(successes > 10, "some random calls succeed: {successes}");
}
