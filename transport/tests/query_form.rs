//! The flattened GET form reproduces the query string the official Python SDK signed and sent
//! (the GET vector of the shared signing vectors).

use serde_json::Value;
use tencentcloud_transport::query;

#[test]
fn get_vector_query_string_is_reproduced() {
    let text = include_str!("data/tc3-signing-vectors.json");
    let vectors: Value = serde_json::from_str(text).expect("vectors parse");
    let get = vectors["vectors"]
        .as_array()
        .expect("vector list")
        .iter()
        .find(|v| v["http_method"] == "GET")
        .expect("a GET vector");
    let body = &get["inputs"]["request_params"];
    let expected = get["canonical_querystring"].as_str().expect("query string");
    assert_eq!(query::to_query_string(body), expected);
    assert_eq!(get["payload"].as_str(), Some(expected));
}
