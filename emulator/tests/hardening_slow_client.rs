//! Slow clients: a connection that sends part of a request line and then nothing must be
//! closed by the server after a header read timeout, so idle half-requests cannot pin
//! connections forever (slowloris).
//!
//! How long to wait for the close: `TC_SLOW_CLIENT_WAIT_SECS` (default 15 s).

mod common;

use std::time::{Duration, Instant};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let emu = start_small().await;
    let wait = std::env::var("TC_SLOW_CLIENT_WAIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15u64);
    let mut partial = Vec::new();
    for head in [
        "POST / HT",
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-TC-Action: Desc",
    ] {
        let mut stream = TcpStream::connect(emu.addr()).await.expect("connect");
        stream.write_all(head.as_bytes()).await.expect("write");
        partial.push((head, stream));
    }
    let started = Instant::now();
    for (head, mut stream) in partial {
        let mut buf = [0u8; 1024];
        let left = Duration::from_secs(wait).saturating_sub(started.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(_)) | Ok(Err(_)) => {
                eprintln!("{head:?}: closed after {:?}", started.elapsed());
            }
            Err(_) => panic!(
                "the emulator kept a connection open for {:?} with an unfinished request \
                 {head:?}: no header read timeout",
                started.elapsed()
            ),
        }
    }
    // And it still serves.
    assert_eq!(error_code(&Call::describe(&emu).send(&emu).await.1), None);
}
