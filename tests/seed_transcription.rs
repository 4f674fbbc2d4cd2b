//! The schema's transcription of DescribeBackupUrl agrees with the seed doc page itself:
//! the example request and response, every error code with its description, and the rate
//! limit. The page is kept beside the schema, in `schema/pages/`.

use serde_json::Value;

const PAGE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/schema/pages/DescribeBackupUrl.txt"
);

fn seed_page() -> String {
    let path = PAGE;
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read the seed page {path}: {e}"))
}

fn schema_action() -> Value {
    let (_, text) = tencentcloud_redis::schema::FILES
        .iter()
        .find(|(path, _)| path.ends_with("actions/DescribeBackupUrl.json"))
        .expect("schema has DescribeBackupUrl");
    serde_json::from_str(text).expect("schema JSON")
}

/// The JSON values that follow `marker` on the page, in order.
fn json_blocks_after(page: &str, marker: &str, count: usize) -> Vec<Value> {
    let mut rest = &page[page.find(marker).expect("marker on page") + marker.len()..];
    let mut out = Vec::new();
    while out.len() < count {
        let start = rest.find('{').expect("another JSON block");
        let mut stream = serde_json::Deserializer::from_str(&rest[start..]).into_iter::<Value>();
        let value = stream
            .next()
            .expect("a value")
            .expect("valid JSON on the page");
        let consumed = stream.byte_offset();
        out.push(value);
        rest = &rest[start + consumed..];
    }
    out
}

#[test]
fn examples_match_the_page() {
    let page = seed_page();
    let blocks = json_blocks_after(&page, "<Common request parameters>", 2);
    let action = schema_action();
    assert_eq!(action["examples"][0]["request"], blocks[0]);
    assert_eq!(action["examples"][0]["response"], blocks[1]);
}

#[test]
fn error_table_matches_the_page() {
    let page = seed_page();
    let table = &page[page
        .find("Error Code | Description |")
        .expect("error table")..];
    let rows: Vec<(String, String)> = table
        .lines()
        .skip(2)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (cells.len() >= 3 && cells[0].contains('.'))
                .then(|| (cells[0].to_owned(), cells[1].to_owned()))
        })
        .collect();
    let action = schema_action();
    let schema_rows: Vec<(String, String)> = action["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["code"].as_str().expect("code").to_owned(),
                e["description"].as_str().expect("description").to_owned(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 13);
    assert_eq!(schema_rows, rows);
}

#[test]
fn facts_from_the_prose_match_the_page() {
    let page = seed_page();
    let action = schema_action();
    assert!(page.contains("A maximum of 20 requests can be initiated per second for this API."));
    assert_eq!(action["rate_limit_per_second"], 20);
    assert!(page.starts_with("Domain name for API request: redis.intl.tencentcloudapi.com."));
    assert_eq!(
        tencentcloud_redis::SERVICE.default_host,
        "redis.intl.tencentcloudapi.com"
    );
    // Every documented input and output member is transcribed, common parameters excluded.
    let names = |key: &str| -> Vec<String> {
        action[key]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| m["name"].as_str().expect("name").to_owned())
            .collect()
    };
    assert_eq!(
        names("input"),
        [
            "InstanceId",
            "BackupId",
            "LimitType",
            "VpcComparisonSymbol",
            "IpComparisonSymbol",
            "LimitVpc",
            "LimitIp"
        ]
    );
    assert_eq!(
        names("output"),
        [
            "DownloadUrl",
            "InnerDownloadUrl",
            "Filenames",
            "BackupInfos",
            "RequestId"
        ]
    );
    for name in names("input").iter().chain(&names("output")) {
        assert!(
            page.contains(&format!("\n{name} |")) || page.contains(&format!("\n{name}.N |")),
            "{name} on the page"
        );
    }
}
