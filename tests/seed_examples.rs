//! The seed doc page's example call, through the generated types.

use serde_json::{json, Value};
use tencentcloud_redis::types::{BackupLimitVpcItem, IpComparisonSymbol, LimitType};
use tencentcloud_redis::{DescribeBackupUrlRequest, DescribeBackupUrlResponse};

/// The example response, as transcribed into the schema.
fn documented_response() -> Value {
    let (_, text) = tencentcloud_redis::schema::FILES
        .iter()
        .find(|(path, _)| path.ends_with("actions/DescribeBackupUrl.json"))
        .expect("the schema has DescribeBackupUrl");
    let action: Value = serde_json::from_str(text).expect("schema JSON");
    action["examples"][0]["response"].clone()
}

#[test]
fn example_request_serializes_to_the_documented_body() {
    let request = DescribeBackupUrlRequest::new("crs-4y9t57vt", "678362566696298532848117");
    let body: Value = serde_json::to_value(&request).expect("serializes");
    // The page's example body, written out here independently of the schema.
    assert_eq!(
        body,
        json!({"InstanceId": "crs-4y9t57vt", "BackupId": "678362566696298532848117"})
    );
    // Compact and in documentation order: the signature covers these exact bytes.
    assert_eq!(
        serde_json::to_string(&request).expect("serializes"),
        r#"{"InstanceId":"crs-4y9t57vt","BackupId":"678362566696298532848117"}"#
    );
}

#[test]
fn optional_members_serialize_with_their_wire_names() {
    let request = DescribeBackupUrlRequest::new("crs-1", "b-1")
        .limit_type(LimitType::Customize)
        .vpc_comparison_symbol("In")
        .ip_comparison_symbol(IpComparisonSymbol::NotIn)
        .limit_vpc([BackupLimitVpcItem::new("ap-guangzhou", ["vpc-a", "vpc-b"])])
        .limit_ip(["10.0.0.1"]);
    assert_eq!(
        serde_json::to_value(&request).expect("serializes"),
        json!({
            "InstanceId": "crs-1",
            "BackupId": "b-1",
            "LimitType": "Customize",
            "VpcComparisonSymbol": "In",
            "IpComparisonSymbol": "NotIn",
            "LimitVpc": [{"Region": "ap-guangzhou", "VpcList": ["vpc-a", "vpc-b"]}],
            "LimitIp": ["10.0.0.1"]
        })
    );
    let back: DescribeBackupUrlRequest =
        serde_json::from_value(serde_json::to_value(&request).expect("serializes"))
            .expect("decodes");
    assert_eq!(back, request);
}

#[test]
fn required_members_are_required_on_decode() {
    let err = serde_json::from_value::<DescribeBackupUrlRequest>(json!({"InstanceId": "crs-1"}))
        .expect_err("BackupId is required");
    assert!(err.to_string().contains("BackupId"), "{err}");
}

#[test]
#[allow(deprecated)]
fn example_response_decodes_every_field() {
    let envelope = documented_response();
    let response: DescribeBackupUrlResponse =
        serde_json::from_value(envelope["Response"].clone()).expect("decodes");
    assert_eq!(response.request_id, "f1b5aabe-806a-4886-b839-9907baa24c85");

    // FileName and FileSize of all five files, as printed on the page.
    let expected: [(u32, i64, &str); 5] = [
        (1, 1264547, "28cc6edebf7f9d8e34aa3daf19d30ec521c03b5b"),
        (2, 1278586, "2b081fdb65c591f8e000ed55625af24049b15795"),
        (3, 1467647, "87eda5611679fb9bc2529631ae97b218317e9598"),
        (4, 1264987, "b17a8297bf5637f0ce7ddb970ffd566b484a5063"),
        (5, 1268499, "e69f614cffd54c1be7d609e05d20be15eb82fc13"),
    ];
    assert_eq!(response.backup_infos.len(), 5);
    assert_eq!(response.filenames.len(), 5);
    assert_eq!(response.download_url.len(), 5);
    assert_eq!(response.inner_download_url.len(), 5);
    let prefix = "https://redis-database-backup-1251937656.cos.ap-chengdu.myqcloud.com/251005863/redis/1001463/data/2019-03-07/-";
    for (info, (n, size, signature)) in response.backup_infos.iter().zip(expected) {
        let name = format!("9527208-4633789-redis-server-4.0.8-1001463-ignore-{n}-ignore.rdb");
        assert_eq!(info.file_name.as_deref(), Some(name.as_str()));
        assert_eq!(info.file_size, Some(size));
        let url = info.download_url.as_deref().expect("DownloadUrl present");
        assert!(url.starts_with(&format!("{prefix}{name}?sign=")), "{url}");
        assert!(url.ends_with(signature), "{url}");
        let inner = info
            .inner_download_url
            .as_deref()
            .expect("InnerDownloadUrl present");
        assert!(
            inner.starts_with(&format!("{prefix}{name}?sign=")),
            "{inner}"
        );
        assert!(inner.ends_with(signature), "{inner}");
        assert_eq!(response.filenames[(n - 1) as usize], name);
        assert!(response.download_url[(n - 1) as usize].ends_with(signature));
    }
}

#[test]
#[allow(deprecated)]
fn null_lists_decode_as_empty() {
    let response: DescribeBackupUrlResponse = serde_json::from_value(json!({
        "Filenames": null,
        "BackupInfos": null,
        "DownloadUrl": null,
        "RequestId": "r-1"
    }))
    .expect("null lists decode");
    assert!(response.filenames.is_empty());
    assert!(response.backup_infos.is_empty());
    assert!(response.download_url.is_empty());
    assert_eq!(response.request_id, "r-1");

    // Null members inside a BackupDownloadInfo decode as absent.
    let response: DescribeBackupUrlResponse = serde_json::from_value(json!({
        "BackupInfos": [{"FileName": null, "FileSize": null}],
        "RequestId": null
    }))
    .expect("null members decode");
    assert_eq!(response.backup_infos[0].file_name, None);
    assert_eq!(response.backup_infos[0].file_size, None);
    assert_eq!(response.request_id, "");
}

#[test]
fn unknown_response_fields_are_tolerated_and_known_ones_round_trip() {
    let mut envelope = documented_response();
    let body = envelope["Response"].as_object_mut().expect("object");
    body.insert("SomeFutureField".into(), json!({"Nested": [1, 2, 3]}));
    body["BackupInfos"][0]
        .as_object_mut()
        .expect("object")
        .insert("Md5".into(), json!("abc"));
    let decoded: DescribeBackupUrlResponse =
        serde_json::from_value(envelope["Response"].clone()).expect("unknown fields decode");
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    let again: DescribeBackupUrlResponse =
        serde_json::from_value(encoded.clone()).expect("decodes");
    assert_eq!(again, decoded);
    assert_eq!(encoded["BackupInfos"][0]["FileSize"], json!(1264547));
    // Re-encoding keeps every documented member of the original.
    let original = documented_response();
    for key in [
        "Filenames",
        "DownloadUrl",
        "InnerDownloadUrl",
        "BackupInfos",
        "RequestId",
    ] {
        assert_eq!(encoded[key], original["Response"][key], "{key}");
    }
}

#[test]
fn unknown_enum_values_round_trip() {
    let request: DescribeBackupUrlRequest = serde_json::from_value(json!({
        "InstanceId": "crs-1",
        "BackupId": "b-1",
        "LimitType": "LimitOnlyMars",
        "IpComparisonSymbol": "In"
    }))
    .expect("an undocumented value decodes");
    assert_eq!(
        request.limit_type,
        Some(LimitType::Unknown("LimitOnlyMars".into()))
    );
    assert_eq!(request.ip_comparison_symbol, Some(IpComparisonSymbol::In));
    let back = serde_json::to_value(&request).expect("encodes");
    assert_eq!(back["LimitType"], json!("LimitOnlyMars"));
    assert_eq!(LimitType::from("LimitOnlyMars").as_str(), "LimitOnlyMars");
}

#[test]
fn enums_expose_values_and_defaults() {
    assert_eq!(
        LimitType::VALUES,
        ["NoLimit", "LimitOnlyIntranet", "Customize"]
    );
    assert_eq!(IpComparisonSymbol::VALUES, ["In", "NotIn"]);
    assert_eq!(IpComparisonSymbol::default(), IpComparisonSymbol::In);
    for value in LimitType::VALUES {
        let parsed = LimitType::from(*value);
        assert!(
            !matches!(parsed, LimitType::Unknown(_)),
            "{value} is documented"
        );
        assert_eq!(parsed.to_string(), *value);
    }
}

#[test]
fn the_action_carries_its_wire_facts() {
    use tencentcloud_redis::Action;
    assert_eq!(DescribeBackupUrlRequest::NAME, "DescribeBackupUrl");
    assert_eq!(DescribeBackupUrlRequest::RATE_LIMIT_PER_SECOND, Some(20));
    let service = DescribeBackupUrlRequest::SERVICE;
    assert_eq!(service.name, "redis");
    assert_eq!(service.version, "2018-04-12");
    assert_eq!(service.default_host, "redis.intl.tencentcloudapi.com");
    assert_eq!(service.mainland_host, "redis.tencentcloudapi.com");
    assert_eq!(
        service.regional_host_for("ap-guangzhou"),
        "redis.ap-guangzhou.tencentcloudapi.com"
    );
    assert!(service.region_required);
}
