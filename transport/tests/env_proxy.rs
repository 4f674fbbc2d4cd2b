//! The default HTTP client takes its proxy from the usual environment variables, except for
//! endpoints on this machine.
//!
//! This is the only test in its binary because it sets process environment variables.

mod common;

use common::*;
use tencentcloud_transport::{Client, Credentials, Endpoint, Error, RetryPolicy};

#[tokio::test]
async fn default_client_uses_proxy_from_environment() {
    static REFUSE: &[u8] =
        b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\nproxy say";
    let (proxy, seen) = raw_server(REFUSE);
    let proxy_url = format!("http://{proxy}");
    for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"] {
        std::env::set_var(name, &proxy_url);
    }
    for name in ["NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::remove_var(name);
    }
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url("http://redis.emulator.invalid:8080".into()))
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.send(GetUrl::new()).await.unwrap_err();
    // The proxy's own 502 page is not an envelope: a decode error carrying its status.
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.status, 502);
    assert_eq!(
        seen.lock().unwrap().as_slice(),
        ["POST http://redis.emulator.invalid:8080/ HTTP/1.1"]
    );

    // A local endpoint is reached directly even with a proxy in the environment.
    let server = TestServer::always(Reply::json(success_body("direct")));
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert_eq!(
        client.send(GetUrl::new()).await.unwrap().request_id,
        "direct"
    );
    assert_eq!(server.count(), 1);
    assert_eq!(seen.lock().unwrap().len(), 1);
}
