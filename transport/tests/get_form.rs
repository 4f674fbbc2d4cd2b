//! The flattened GET form end to end: the request travels as the query string, signed over
//! it with the form content type and an empty payload, and the answer decodes as usual.

mod common;

use common::*;
use tencentcloud_transport::{CallOptions, Client, Credentials, Endpoint, RequestForm};

#[tokio::test]
async fn get_form_sends_and_signs_the_flattened_query() {
    let server = TestServer::always(Reply::json(success_body("req-get-1")));
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .form(RequestForm::QueryGet)
        .build()
        .unwrap();

    let response = client.send(GetUrl::new()).await.unwrap();
    assert_eq!(response.request_id, "req-get-1");

    let requests = server.requests();
    let r = &requests[0];
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.uri,
        "/?InstanceId=crs-4y9t57vt&BackupId=678362566696298532848117"
    );
    assert!(r.body.is_empty());
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.header("x-tc-action"), Some("DescribeBackupUrl"));
    // Checked by an independent signer over the received query, and by the verifier.
    r.assert_signed_by(SECRET_ID, SECRET_KEY);
}

#[tokio::test]
async fn form_is_chosen_per_call_too() {
    let server = TestServer::always(Reply::json(success_body("r")));
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY))
        .build()
        .unwrap();
    client.send(GetUrl::new()).await.unwrap();
    client
        .send_with(
            GetUrl::new(),
            CallOptions::new().form(RequestForm::QueryGet),
        )
        .await
        .unwrap();
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["POST", "GET"]);
    for r in server.requests() {
        r.assert_signed_by(SECRET_ID, SECRET_KEY);
    }
}
