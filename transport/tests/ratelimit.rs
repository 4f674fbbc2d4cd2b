//! The client-side rate limiter, as seen by the server.

mod common;

use std::time::{Duration, Instant};

use common::*;
use tencentcloud_transport::{CallOptions, Client, Credentials, Endpoint, RateLimit};

/// The largest number of arrivals in any window `[t, t + width)` that starts at an arrival.
fn max_in_window(mut times: Vec<Instant>, width: Duration) -> usize {
    times.sort();
    let mut best = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end].duration_since(times[start]) >= width {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_concurrent_calls_never_exceed_twenty_in_any_second() {
    let server = TestServer::always(Reply::json(success_body("r")));
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..60 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client.send(LimitedGetUrl(GetUrl::new())).await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    let times: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 60);
    let peak = max_in_window(times.clone(), Duration::from_secs(1));
    assert!(peak <= 20, "{peak} requests within one second");
    // The limiter does not over-throttle: three windows' worth of calls take a little over
    // two seconds.
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    // The first twenty go out at once.
    assert_eq!(max_in_window(times, Duration::from_millis(500)), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_without_a_documented_rate_and_disabled_limits_are_not_throttled() {
    let server = TestServer::always(Reply::json(success_body("r")));
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..60 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                client.send(GetUrl::new()).await.map(|_| ())
            } else {
                client
                    .send_with(
                        LimitedGetUrl(GetUrl::new()),
                        CallOptions::new().rate_limit(RateLimit::Disabled),
                    )
                    .await
                    .map(|_| ())
            }
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_rate_applies_to_every_action() {
    let server = TestServer::always(Reply::json(success_body("r")));
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .rate_limit(RateLimit::PerSecond(5))
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = client.clone();
        tasks.push(tokio::spawn(
            async move { client.send(GetUrl::new()).await },
        ));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let times: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    assert!(max_in_window(times, Duration::from_secs(1)) <= 5);
}
