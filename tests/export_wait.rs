//! `tencentcloud_redis::export` against a scripted local API server: every path of
//! `wait_for_task` (success, failure, unknown statuses, transient errors, timeouts, backoff)
//! and the steps of `export_backup` before the download (output folder check, task failure,
//! which backup is picked, what is sent).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tencentcloud_redis::export::{
    export_backup, wait_for_task, ExportError, ExportOptions, TaskError, WaitOptions,
};
use tencentcloud_redis::types::TaskStatus;
use tencentcloud_redis::{Client, Credentials, Endpoint, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET_KEY: &str = "export-test-secret-key";

/// What the server does with one call.
#[derive(Clone, Debug)]
enum Answer {
    /// `{"Response": {..value, "RequestId"}}`.
    Ok(Value),
    /// A service error.
    Error(&'static str, &'static str),
    /// Close the connection without answering.
    Drop,
    /// Never answer.
    Hang,
}

#[derive(Default)]
struct Script {
    /// Answers per action, in order; the last one repeats.
    answers: HashMap<String, VecDeque<Answer>>,
    /// Every call: action, body, when.
    log: Vec<(String, Value, Instant)>,
}

struct Server {
    addr: SocketAddr,
    script: Arc<Mutex<Script>>,
}

impl Server {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let script = Arc::new(Mutex::new(Script::default()));
        let s = script.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, s).await;
                });
            }
        });
        Self { addr, script }
    }

    fn script(&self, action: &str, answers: impl IntoIterator<Item = Answer>) {
        self.script
            .lock()
            .unwrap()
            .answers
            .insert(action.to_owned(), answers.into_iter().collect());
    }

    fn calls(&self, action: &str) -> Vec<(Value, Instant)> {
        self.script
            .lock()
            .unwrap()
            .log
            .iter()
            .filter(|(a, _, _)| a == action)
            .map(|(_, b, t)| (b.clone(), *t))
            .collect()
    }

    fn total_calls(&self) -> usize {
        self.script.lock().unwrap().log.len()
    }

    fn client(&self) -> Client {
        Client::builder()
            .region("ap-guangzhou")
            .endpoint(Endpoint::Url(format!("http://{}", self.addr)))
            .credentials(Credentials::new("AKIDexporttest", SECRET_KEY))
            .retry(RetryPolicy::disabled())
            .build()
            .unwrap()
    }
}

async fn serve(mut stream: TcpStream, script: Arc<Mutex<Script>>) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut tmp).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    let len: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = stream.read(&mut tmp).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    let body: Value = serde_json::from_slice(&buf[head_end..head_end + len]).unwrap_or(Value::Null);
    let action = header("x-tc-action").unwrap_or_default();
    let answer = {
        let mut s = script.lock().unwrap();
        s.log.push((action.clone(), body, Instant::now()));
        let n = s.log.len();
        let queue = s.answers.entry(action.clone()).or_default();
        let answer = if queue.len() > 1 {
            queue.pop_front()
        } else {
            queue.front().cloned()
        };
        (answer, format!("req-{n}"))
    };
    let (answer, request_id) = answer;
    let response = match answer {
        None => {
            json!({"Error": {"Code": "UnsupportedOperation", "Message": format!("{action} is not scripted")}})
        }
        Some(Answer::Ok(v)) => v,
        Some(Answer::Error(code, message)) => json!({"Error": {"Code": code, "Message": message}}),
        Some(Answer::Drop) => return Ok(()),
        Some(Answer::Hang) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return Ok(());
        }
    };
    let mut response = response;
    response["RequestId"] = json!(request_id);
    let text = json!({ "Response": response }).to_string();
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
    stream.write_all(reply.as_bytes()).await?;
    stream.shutdown().await
}

fn task(status: &str) -> Answer {
    Answer::Ok(json!({
        "Status": status,
        "StartTime": "2024-06-01 12:00:00",
        "TaskType": "Manual backup",
        "InstanceId": "crs-1",
        "TaskMessage": if status == "failed" { "disk full on the backup host" } else { "" },
    }))
}

fn fast() -> WaitOptions {
    WaitOptions::new()
        .poll_interval(Duration::from_millis(20))
        .max_poll_interval(Duration::from_millis(40))
        .timeout(Duration::from_secs(10))
}

#[tokio::test]
async fn waits_until_succeed_and_reports_each_status() {
    let server = Server::start().await;
    server.script(
        "DescribeTaskInfo",
        [
            task("preparing"),
            task("running"),
            task("running"),
            task("succeed"),
        ],
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let options = fast().on_status(move |p| {
        s.lock().unwrap().push((
            p.task_id,
            p.status.map(|s| s.as_str().to_owned()),
            p.changed,
            p.polls,
        ))
    });
    let outcome = wait_for_task(&server.client(), 42, options).await.unwrap();
    assert_eq!(outcome.task_id, 42);
    assert_eq!(outcome.status, TaskStatus::Succeed);
    assert_eq!(outcome.polls, 4);
    assert_eq!(outcome.response.task_type.as_deref(), Some("Manual backup"));
    let seen = seen.lock().unwrap().clone();
    let expect = |s: &str, changed, polls| (42, Some(s.to_owned()), changed, polls);
    assert_eq!(
        seen,
        [
            expect("preparing", true, 1),
            expect("running", true, 2),
            expect("running", false, 3),
            expect("succeed", true, 4),
        ]
    );
    let calls = server.calls("DescribeTaskInfo");
    assert!(calls.iter().all(|(b, _)| b == &json!({"TaskId": 42})));
}

#[tokio::test]
async fn a_failed_or_errored_task_is_an_error_with_its_message() {
    let server = Server::start().await;
    server.script("DescribeTaskInfo", [task("running"), task("failed")]);
    let err = wait_for_task(&server.client(), 7, fast())
        .await
        .unwrap_err();
    match &err {
        TaskError::Failed {
            task_id,
            status,
            message,
            request_id,
        } => {
            assert_eq!(*task_id, 7);
            assert_eq!(*status, TaskStatus::Failed);
            assert_eq!(message, "disk full on the backup host");
            assert!(request_id.starts_with("req-"));
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("task 7") && text.contains("failed") && text.contains("disk full"),
        "{text}"
    );
    server.script("DescribeTaskInfo", [task("error")]);
    let err = wait_for_task(&server.client(), 8, fast())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            TaskError::Failed {
                status: TaskStatus::Error,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("no TaskMessage"), "{err}");
}

#[tokio::test]
async fn unknown_statuses_and_missing_ones_keep_polling() {
    let server = Server::start().await;
    server.script(
        "DescribeTaskInfo",
        [task("paused"), Answer::Ok(json!({})), task("succeed")],
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let outcome = wait_for_task(
        &server.client(),
        1,
        fast().on_status(move |p| s.lock().unwrap().push(p.status.cloned())),
    )
    .await
    .unwrap();
    assert_eq!(outcome.polls, 3);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            Some(TaskStatus::Unknown("paused".into())),
            None,
            Some(TaskStatus::Succeed)
        ]
    );
}

#[tokio::test]
async fn the_timeout_names_the_task_and_the_time_waited() {
    let server = Server::start().await;
    server.script("DescribeTaskInfo", [task("running")]);
    let began = Instant::now();
    let err = wait_for_task(
        &server.client(),
        99,
        fast().timeout(Duration::from_millis(300)),
    )
    .await
    .unwrap_err();
    let took = began.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(2),
        "{took:?}"
    );
    match &err {
        TaskError::TimedOut {
            task_id,
            elapsed,
            timeout,
            last_status,
        } => {
            assert_eq!(*task_id, 99);
            assert_eq!(*timeout, Duration::from_millis(300));
            assert!(*elapsed >= Duration::from_millis(300));
            assert_eq!(*last_status, Some(TaskStatus::Running));
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("task 99")
            && text.contains("timeout of 0.3 s")
            && text.contains("waited 0.")
            && text.contains("last status running"),
        "{text}"
    );
    assert!(!text.contains(SECRET_KEY));
}

#[tokio::test]
async fn the_timeout_cuts_a_call_that_never_answers() {
    let server = Server::start().await;
    server.script("DescribeTaskInfo", [Answer::Hang]);
    let began = Instant::now();
    let err = wait_for_task(
        &server.client(),
        5,
        fast().timeout(Duration::from_millis(250)),
    )
    .await
    .unwrap_err();
    assert!(
        began.elapsed() < Duration::from_secs(2),
        "{:?}",
        began.elapsed()
    );
    assert!(
        matches!(
            err,
            TaskError::TimedOut {
                task_id: 5,
                last_status: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("unknown (no answer yet)"), "{err}");
}

#[tokio::test]
async fn transient_errors_are_tolerated_up_to_the_limit() {
    let server = Server::start().await;
    server.script(
        "DescribeTaskInfo",
        [Answer::Drop, Answer::Drop, task("running"), task("succeed")],
    );
    let outcome = wait_for_task(&server.client(), 3, fast().max_consecutive_errors(2))
        .await
        .unwrap();
    assert_eq!(outcome.polls, 2);
    assert_eq!(server.calls("DescribeTaskInfo").len(), 4);

    // One too many in a row.
    server.script(
        "DescribeTaskInfo",
        [Answer::Drop, Answer::Drop, task("succeed")],
    );
    let err = wait_for_task(&server.client(), 3, fast().max_consecutive_errors(1))
        .await
        .unwrap_err();
    assert!(matches!(err, TaskError::Api { task_id: 3, .. }), "{err:?}");

    // A service error that is not transient fails at once, with its code.
    server.script(
        "DescribeTaskInfo",
        [
            Answer::Error("ResourceNotFound.TaskNotExists", "no task 4"),
            task("succeed"),
        ],
    );
    let before = server.calls("DescribeTaskInfo").len();
    let err = wait_for_task(&server.client(), 4, fast())
        .await
        .unwrap_err();
    match &err {
        TaskError::Api { task_id, source } => {
            assert_eq!(*task_id, 4);
            assert_eq!(source.code(), Some("ResourceNotFound.TaskNotExists"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.calls("DescribeTaskInfo").len(), before + 1);
    assert!(
        err.to_string().contains("DescribeTaskInfo for task 4"),
        "{err}"
    );
}

#[tokio::test]
async fn polls_back_off_up_to_the_ceiling() {
    let server = Server::start().await;
    let mut answers = vec![task("running"); 7];
    answers.push(task("succeed"));
    server.script("DescribeTaskInfo", answers);
    let options = WaitOptions::new()
        .poll_interval(Duration::from_millis(40))
        .max_poll_interval(Duration::from_millis(120));
    wait_for_task(&server.client(), 1, options).await.unwrap();
    let times: Vec<Instant> = server
        .calls("DescribeTaskInfo")
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    // Planned waits: 40, 60, 90, 120, 120, 120, 120 ms.
    assert!(gaps[0] >= Duration::from_millis(38), "{gaps:?}");
    assert!(gaps[2] >= Duration::from_millis(85), "{gaps:?}");
    for g in &gaps[3..] {
        assert!(*g >= Duration::from_millis(115), "{gaps:?}");
        assert!(*g < Duration::from_millis(600), "{gaps:?}");
    }
}

fn backup(id: &str, remark: &str, start: &str, ty: &str) -> Value {
    json!({
        "BackupId": id, "Remark": remark, "StartTime": start, "EndTime": start,
        "BackupType": ty, "Status": 2, "InstanceId": "crs-1", "BackupSize": 1024,
    })
}

#[tokio::test]
async fn export_picks_the_new_backup_with_its_remark() {
    let server = Server::start().await;
    let old = backup("b-old", "nightly", "2024-06-01 03:00:00", "1");
    server.script(
        "DescribeInstanceBackups",
        [
            // Before the request.
            Answer::Ok(json!({"TotalCount": 1, "BackupSet": [old.clone()]})),
            // After the task: not there yet.
            Answer::Ok(json!({"TotalCount": 1, "BackupSet": [old.clone()]})),
            // Then: a new one by someone else (other remark), a newer automatic one
            // without remark, and ours.
            Answer::Ok(json!({"TotalCount": 4, "BackupSet": [
                backup("b-auto", "", "2024-06-01 12:00:09", "1"),
                backup("b-other", "someone else", "2024-06-01 12:00:08", "0"),
                backup("b-mine", "release 42", "2024-06-01 12:00:05", "0"),
                old,
            ]})),
        ],
    );
    server.script(
        "ManualBackupInstance",
        [Answer::Ok(json!({"TaskId": 1234}))],
    );
    server.script("DescribeTaskInfo", [task("running"), task("succeed")]);
    server.script(
        "DescribeBackupUrl",
        [Answer::Error(
            "InvalidParameterValue.BackupNotExists",
            "scripted stop",
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let events = Arc::new(Mutex::new(Vec::new()));
    let ev = events.clone();
    let options = ExportOptions::new()
        .remark("release 42")
        .storage_days(3)
        .wait(fast())
        .find_timeout(Duration::from_secs(5))
        .on_event(move |e| ev.lock().unwrap().push(format!("{e:?}")));
    let err = export_backup(&server.client(), "crs-1", &out, options)
        .await
        .unwrap_err();
    match &err {
        ExportError::Download { backup_id, .. } => assert_eq!(backup_id, "b-mine"),
        other => panic!("{other:?}"),
    }
    assert!(!out.exists(), "a failed export wrote {out:?}");
    let manual = server.calls("ManualBackupInstance");
    assert_eq!(
        manual[0].0,
        json!({"InstanceId": "crs-1", "Remark": "release 42", "StorageDays": 3})
    );
    let lists: Vec<Value> = server
        .calls("DescribeInstanceBackups")
        .into_iter()
        .map(|(b, _)| b)
        .collect();
    assert_eq!(
        lists[0],
        json!({"Limit": 100, "Offset": 0, "InstanceId": "crs-1", "Status": [1, 2]})
    );
    assert_eq!(lists[1]["Status"], json!([2]));
    assert_eq!(lists.len(), 3);
    let url = server.calls("DescribeBackupUrl");
    assert_eq!(url[0].0["BackupId"], "b-mine");
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(events[0].contains("BackupStarted") && events[0].contains("1234"));
    assert!(events[2].contains("BackupFound") && events[2].contains("b-mine"));
}

#[tokio::test]
async fn export_generates_a_remark_and_reads_every_page() {
    let server = Server::start().await;
    // 150 old backups over two pages.
    let olds: Vec<Value> = (0..150)
        .map(|i| backup(&format!("old-{i}"), "", "2024-05-01 00:00:00", "1"))
        .collect();
    let page = |from: usize, to: usize, extra: Option<Value>| {
        let mut set: Vec<Value> = extra.into_iter().collect();
        let total = olds.len() + set.len();
        set.extend(olds[from..to].iter().cloned());
        Answer::Ok(json!({"TotalCount": total, "BackupSet": set}))
    };
    let remark = Arc::new(Mutex::new(String::new()));
    server.script(
        "DescribeInstanceBackups",
        [page(0, 100, None), page(100, 150, None)],
    );
    server.script("ManualBackupInstance", [Answer::Ok(json!({"TaskId": 9}))]);
    server.script("DescribeTaskInfo", [task("succeed")]);
    server.script(
        "DescribeBackupUrl",
        [Answer::Error(
            "InvalidParameterValue.BackupNotExists",
            "scripted stop",
        )],
    );
    let r = remark.clone();
    let s = server.script.clone();
    // Once the backup is requested, list it (with the remark the library generated).
    let options = ExportOptions::new()
        .wait(fast())
        .find_timeout(Duration::from_secs(5))
        .on_event(move |e| {
            if let tencentcloud_redis::export::ExportEvent::BackupStarted { started } = e {
                let remark = started.remark.clone().unwrap_or_default();
                *r.lock().unwrap() = remark.clone();
                let new = backup("b-new", &remark, "2024-06-01 12:00:00", "0");
                let mut first: Vec<Value> = vec![new];
                first.extend(
                    (0..99).map(|i| backup(&format!("old-{i}"), "", "2024-05-01 00:00:00", "1")),
                );
                let rest: Vec<Value> = (99..150)
                    .map(|i| backup(&format!("old-{i}"), "", "2024-05-01 00:00:00", "1"))
                    .collect();
                s.lock().unwrap().answers.insert(
                    "DescribeInstanceBackups".into(),
                    [
                        Answer::Ok(json!({"TotalCount": 151, "BackupSet": first})),
                        Answer::Ok(json!({"TotalCount": 151, "BackupSet": rest})),
                    ]
                    .into_iter()
                    .collect(),
                );
            }
        });
    let dir = tempfile::tempdir().unwrap();
    let err = export_backup(&server.client(), "crs-1", dir.path().join("o"), options)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ExportError::Download { backup_id, .. } if backup_id == "b-new"),
        "{err:?}"
    );
    let remark = remark.lock().unwrap().clone();
    assert!(remark.starts_with("tcredis export 20"), "{remark}");
    let manual = server.calls("ManualBackupInstance");
    assert_eq!(manual[0].0["Remark"], json!(remark));
    let offsets: Vec<Value> = server
        .calls("DescribeInstanceBackups")
        .into_iter()
        .map(|(b, _)| b["Offset"].clone())
        .collect();
    assert_eq!(offsets, [json!(0), json!(100), json!(0), json!(100)]);
}

#[tokio::test]
async fn export_stops_at_a_failed_task_and_writes_nothing() {
    let server = Server::start().await;
    server.script(
        "DescribeInstanceBackups",
        [Answer::Ok(json!({"TotalCount": 0, "BackupSet": []}))],
    );
    server.script("ManualBackupInstance", [Answer::Ok(json!({"TaskId": 77}))]);
    server.script("DescribeTaskInfo", [task("running"), task("failed")]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let err = export_backup(
        &server.client(),
        "crs-1",
        &out,
        ExportOptions::new().wait(fast()),
    )
    .await
    .unwrap_err();
    assert_eq!(err.task_id(), Some(77));
    assert!(
        matches!(
            &err,
            ExportError::Task {
                source: TaskError::Failed { .. },
                ..
            }
        ),
        "{err:?}"
    );
    // The export's own step names the instance; the task's failure is its cause.
    assert!(err.to_string().contains("crs-1"), "{err}");
    let cause = std::error::Error::source(&err)
        .expect("the task error")
        .to_string();
    assert!(
        cause.contains("task 77") && cause.contains("disk full"),
        "{cause}"
    );
    assert!(!out.exists());
    assert!(server.calls("DescribeBackupUrl").is_empty());
}

#[tokio::test]
async fn export_gives_up_when_no_new_backup_is_listed() {
    let server = Server::start().await;
    let old = backup("b-old", "x", "2024-06-01 03:00:00", "0");
    server.script(
        "DescribeInstanceBackups",
        [Answer::Ok(json!({"TotalCount": 1, "BackupSet": [old]}))],
    );
    server.script("ManualBackupInstance", [Answer::Ok(json!({"TaskId": 5}))]);
    server.script("DescribeTaskInfo", [task("succeed")]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let began = Instant::now();
    let err = export_backup(
        &server.client(),
        "crs-1",
        &out,
        ExportOptions::new()
            .remark("x")
            .wait(fast())
            .find_timeout(Duration::from_millis(600)),
    )
    .await
    .unwrap_err();
    assert!(began.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(&err, ExportError::BackupNotFound { task_id: 5, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("task 5") && text.contains("\"x\""), "{text}");
    assert!(!out.exists());
}

#[tokio::test]
async fn export_checks_the_output_folder_before_asking_anything() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    for out in [file.clone(), file.join("below")] {
        let err = export_backup(&server.client(), "crs-1", &out, ExportOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(err, ExportError::OutDir { .. }), "{err:?}");
        assert!(err.to_string().contains("not a folder"), "{err}");
    }
    assert_eq!(server.total_calls(), 0);
}

#[tokio::test]
async fn export_reports_a_refused_backup_request() {
    let server = Server::start().await;
    server.script(
        "DescribeInstanceBackups",
        [Answer::Ok(json!({"TotalCount": 0, "BackupSet": []}))],
    );
    server.script(
        "ManualBackupInstance",
        [Answer::Error(
            "ResourceNotFound.InstanceNotExists",
            "no instance crs-1",
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let err = export_backup(&server.client(), "crs-1", &out, ExportOptions::new())
        .await
        .unwrap_err();
    match &err {
        ExportError::Start { source, .. } => {
            assert_eq!(source.code(), Some("ResourceNotFound.InstanceNotExists"));
            assert!(source.request_id().is_some());
        }
        other => panic!("{other:?}"),
    }
    assert!(err.task_id().is_none());
    assert!(!out.exists());
    assert!(server.calls("DescribeTaskInfo").is_empty());
}
