//! Every action of the schema, through the typed client, against the emulator: a request with
//! the action's required members decodes into its generated request type, the emulator
//! answers it, and the answer decodes into the generated response type. Task-starting
//! actions name a task that DescribeTaskInfo follows to `succeed`.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tencentcloud_redis::types::TaskStatus;
use tencentcloud_redis::{ActionVisitor, DescribeTaskInfoRequest, ACTION_NAMES};
use tencentcloud_redis_emulator::RunningEmulator;
use tencentcloud_transport::{Action, Client, Endpoint, RateLimit, RetryPolicy};

fn client(emu: &RunningEmulator) -> Client {
    Client::builder()
        .region(emu.region())
        .endpoint(Endpoint::Url(emu.endpoint().to_owned()))
        .credentials(tencentcloud_transport::Credentials::new(
            emu.secret_id(),
            emu.secret_key(),
        ))
        .retry(RetryPolicy::disabled())
        .rate_limit(RateLimit::Disabled)
        .build()
        .expect("client")
}

/// Decodes the body into the action's request type, sends it and gives the response back as
/// JSON, or the error's code.
struct Send {
    client: Client,
    body: Value,
}

impl ActionVisitor for Send {
    type Output = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Value, String>>>>;

    fn visit<A>(self) -> Self::Output
    where
        A: Action + DeserializeOwned + 'static,
        A::Response: Serialize,
    {
        Box::pin(async move {
            let request: A = serde_json::from_value(self.body)
                .map_err(|e| format!("the request does not decode: {e}"))?;
            let response = self
                .client
                .send(request)
                .await
                .map_err(|e| format!("{e}"))?;
            serde_json::to_value(&response).map_err(|e| format!("encode: {e}"))
        })
    }
}

#[tokio::test]
async fn the_emulator_answers_every_action_and_every_answer_decodes() {
    let emu = start_small().await;
    let client = client(&emu);
    let schema = tencentcloud_redis::schema::load().expect("schema");
    assert_eq!(ACTION_NAMES.len(), schema.actions.len());
    let mut failures = Vec::new();
    let mut task_ids = Vec::new();
    // DescribeTaskInfo needs a task that exists: it is called below, on every task started.
    for action in schema
        .actions
        .iter()
        .filter(|a| a.name != "DescribeTaskInfo")
    {
        let send = Send {
            client: client.clone(),
            body: required_body(schema, action),
        };
        let future = tencentcloud_redis::visit_action(&action.name, send)
            .expect("every action of the schema is in the registry");
        match future.await {
            Ok(response) => {
                assert_eq!(
                    response["RequestId"].as_str().map(str::len),
                    Some(36),
                    "{}: {response}",
                    action.name
                );
                if let Some(id) = response["TaskId"].as_u64() {
                    task_ids.push((action.name.clone(), id));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", action.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} actions failed:\n{}",
        failures.len(),
        schema.actions.len(),
        failures.join("\n")
    );
    // Every integer TaskId the schema's task actions answer (ManualBackupInstance's among
    // them) is one DescribeTaskInfo knows.
    assert!(task_ids.len() >= 25, "task actions: {task_ids:?}");
    for (action, id) in task_ids {
        let info = client
            .send(DescribeTaskInfoRequest::new(id))
            .await
            .unwrap_or_else(|e| panic!("DescribeTaskInfo of {action}'s task {id}: {e}"));
        if action != "ManualBackupInstance" {
            assert_eq!(info.task_type.as_deref(), Some(action.as_str()));
        }
        assert_eq!(info.instance_id.as_deref(), Some(INSTANCE), "{action}");
    }
}

#[tokio::test]
async fn a_task_of_an_action_answered_from_the_schema_runs_to_succeed() {
    let emu = small_builder()
        .backup_task_duration(Duration::from_millis(400))
        .start()
        .await
        .expect("start");
    let client = client(&emu);
    let response = client
        .send(tencentcloud_redis::ClearInstanceRequest::new(INSTANCE))
        .await
        .expect("ClearInstance");
    let task_id = u64::try_from(response.task_id.expect("TaskId")).expect("a task id is positive");
    let started = Instant::now();
    let mut seen = Vec::new();
    loop {
        let info = client
            .send(DescribeTaskInfoRequest::new(task_id))
            .await
            .expect("DescribeTaskInfo");
        let status = info.status.expect("Status");
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == TaskStatus::Succeed {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{seen:?}");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    assert_eq!(seen.first(), Some(&TaskStatus::Preparing), "{seen:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn an_unknown_instance_is_not_found_for_actions_answered_from_the_schema() {
    let emu = start_small().await;
    let error = client(&emu)
        .send(tencentcloud_redis::ClearInstanceRequest::new(
            "crs-nothere1",
        ))
        .await
        .expect_err("unknown instance");
    assert_eq!(error.code(), Some("ResourceNotFound.InstanceNotExists"));
    assert!(error.to_string().contains("crs-nothere1"), "{error}");
}

#[tokio::test]
async fn describe_instances_pages_through_250_instances() {
    use tencentcloud_redis::DescribeInstancesRequest;
    let emu = start_small().await;
    for i in 0..249 {
        emu.add_instance(&format!("crs-page{i:04}"));
    }
    assert!(emu.set_instance_name("crs-page0042", "Orders Cache"));
    let client = client(&emu);
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = client
            .send(DescribeInstancesRequest::new().offset(offset).limit(100))
            .await
            .expect("DescribeInstances");
        assert_eq!(page.total_count, Some(250));
        if page.instance_set.is_empty() {
            break;
        }
        offset += page.instance_set.len() as u64;
        seen.extend(
            page.instance_set
                .into_iter()
                .map(|i| i.instance_id.expect("InstanceId")),
        );
    }
    assert_eq!(seen.len(), 250);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "sorted by ID, each once");
    assert!(seen.contains(&INSTANCE.to_owned()));

    // The default page, and the filters.
    let first = client
        .send(DescribeInstancesRequest::new())
        .await
        .expect("default page");
    assert_eq!(first.instance_set.len(), 20);
    let named = client
        .send(DescribeInstancesRequest::new().instance_name("orders"))
        .await
        .expect("by name");
    assert_eq!(named.total_count, Some(1));
    assert_eq!(
        named.instance_set[0].instance_name.as_deref(),
        Some("Orders Cache")
    );
    let searched = client
        .send(DescribeInstancesRequest::new().search_key("PAGE01"))
        .await
        .expect("by search key");
    assert_eq!(
        searched.total_count,
        Some(100),
        "crs-page0100..crs-page0199"
    );
    let one = client
        .send(DescribeInstancesRequest::new().instance_id(INSTANCE))
        .await
        .expect("by id");
    assert_eq!(one.total_count, Some(1));
    assert_eq!(one.instance_set[0].region.as_deref(), Some(emu.region()));

    let error = client
        .send(DescribeInstancesRequest::new().limit(1001))
        .await
        .expect_err("limit too large");
    assert_eq!(error.code(), Some("InvalidParameterValue"));
    assert!(error.to_string().contains("Limit"), "{error}");
}
