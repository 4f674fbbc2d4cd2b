//! `paginate::Pages` against the emulator: every page of DescribeInstances (250 instances)
//! and of DescribeInstanceBackups, from any offset, ending at TotalCount or at an empty page.

use tencentcloud_redis::paginate::Pages;
use tencentcloud_redis::transport::RateLimit;
use tencentcloud_redis::{
    Client, Credentials, DescribeInstanceBackupsRequest, DescribeInstancesRequest, Endpoint,
    Paginated, RetryPolicy,
};
use tencentcloud_redis_emulator::{Emulator, RunningEmulator};

fn client(emu: &RunningEmulator) -> Client {
    Client::builder()
        .region(emu.region())
        .endpoint(Endpoint::Url(emu.endpoint().to_owned()))
        .credentials(Credentials::new(emu.secret_id(), emu.secret_key()))
        .retry(RetryPolicy::disabled())
        .rate_limit(RateLimit::Disabled)
        .build()
        .expect("client")
}

async fn with_instances(n: usize) -> RunningEmulator {
    let emu = Emulator::builder().start().await.expect("emulator");
    let existing = emu.instances().len();
    for i in existing..n {
        emu.add_instance(&format!("crs-page{i:04}"));
    }
    assert_eq!(emu.instances().len(), n);
    emu
}

#[tokio::test]
async fn every_page_of_250_instances() {
    let emu = with_instances(250).await;
    let client = client(&emu);
    let mut pages = Pages::new(&client, DescribeInstancesRequest::new().limit(100));
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.expect("page");
        sizes.push(page.len());
        ids.extend(page.into_iter().map(|i| i.instance_id.expect("InstanceId")));
    }
    assert_eq!(
        sizes,
        [100, 100, 50],
        "stops at TotalCount without an extra call"
    );
    assert_eq!(pages.items_seen(), 250);
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), 250);
    let calls = emu
        .request_log()
        .iter()
        .filter(|e| e.action.as_deref() == Some("DescribeInstances"))
        .count();
    assert_eq!(calls, 3);

    // From an offset, with the service's default page size.
    let rest = Pages::new(&client, DescribeInstancesRequest::new().offset(230))
        .all_items()
        .await
        .expect("all");
    assert_eq!(rest.len(), 20);
    assert_eq!(rest[0].instance_id, Some(ids[230].clone()));
    // Past the end: one empty page, then the end.
    let mut beyond = Pages::new(&client, DescribeInstancesRequest::new().offset(900));
    assert_eq!(
        beyond.next_page().await.expect("a page").expect("ok").len(),
        0
    );
    assert!(beyond.next_page().await.is_none());
}

#[tokio::test]
async fn backups_and_errors_page_the_same_way() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let client = client(&emu);
    let instance = emu.instances()[0].instance_id.clone();
    let request = DescribeInstanceBackupsRequest::new()
        .instance_id(instance)
        .limit(1);
    assert_eq!(request.page_offset(), 0);
    let all = Pages::new(&client, request).all_items().await.expect("all");
    assert!(!all.is_empty());
    // A failing page ends the walk with the service's error.
    let mut failing = Pages::new(
        &client,
        DescribeInstanceBackupsRequest::new().instance_id("crs-missing1"),
    );
    let error = failing
        .next_page()
        .await
        .expect("a result")
        .expect_err("not found");
    assert_eq!(error.code(), Some("ResourceNotFound.InstanceNotExists"));
    assert!(failing.next_page().await.is_none());
}
