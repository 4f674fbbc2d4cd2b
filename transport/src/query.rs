//! The flattened parameter form of API 3.0 GET requests: a JSON body such as
//! `{"InstanceIds": ["crs-1"], "LimitVpc": [{"Region": "ap-guangzhou"}]}` travels as
//! `InstanceIds.0=crs-1&LimitVpc.0.Region=ap-guangzhou` (the docs write such members as
//! `InstanceIds.N`).
//!
//! Members keep the order of the JSON object (the request type's field order), lists are
//! indexed from 0, `null` members are left out, and values are percent-encoded as HTML forms
//! encode them (`application/x-www-form-urlencoded`: space as `+`; letters, digits and
//! `-._~` as they are), which is what the official SDKs send and sign.

use serde_json::Value;

/// Flattens a JSON object into `(name, value)` pairs, unencoded. Non-object input gives no
/// pairs: a request body is always an object.
pub fn to_pairs(body: &Value) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    if let Value::Object(map) = body {
        for (key, value) in map {
            flatten(key.clone(), value, &mut pairs);
        }
    }
    pairs
}

fn flatten(prefix: String, value: &Value, pairs: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Bool(b) => pairs.push((prefix, b.to_string())),
        Value::Number(n) => pairs.push((prefix, n.to_string())),
        Value::String(s) => pairs.push((prefix, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(format!("{prefix}.{i}"), item, pairs);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                flatten(format!("{prefix}.{key}"), item, pairs);
            }
        }
    }
}

/// Encodes pairs as a query string, `a=1&b=x+y`.
pub fn encode(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_component(key, &mut out);
        out.push('=');
        encode_component(value, &mut out);
    }
    out
}

/// Encodes a JSON request body straight to its query string.
pub fn to_query_string(body: &Value) -> String {
    encode(&to_pairs(body))
}

/// One value percent-encoded as [`encode`] encodes it (e.g. an STS `Policy`, which the API
/// takes URL-encoded).
pub(crate) fn encode_component_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_component(text, &mut out);
    out
}

fn encode_component(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in text.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 0x0f)] as char);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_lists_and_objects_flatten_in_order() {
        let body = json!({
            "InstanceId": "crs-4y9t57vt",
            "LimitVpc": [{"Region": "ap-guangzhou", "VpcList": ["vpc-1", "vpc-2"]}],
            "LimitIp": ["10.1.1.12"],
            "Limit": 20,
            "DryRun": false,
            "Skipped": null
        });
        assert_eq!(
            to_query_string(&body),
            "InstanceId=crs-4y9t57vt&LimitVpc.0.Region=ap-guangzhou&LimitVpc.0.VpcList.0=vpc-1\
             &LimitVpc.0.VpcList.1=vpc-2&LimitIp.0=10.1.1.12&Limit=20&DryRun=false"
        );
    }

    #[test]
    fn values_are_form_encoded() {
        let body = json!({"Remark": "before upgrade/é&x=1", "Key": "a~b-c_d.e"});
        assert_eq!(
            to_query_string(&body),
            "Remark=before+upgrade%2F%C3%A9%26x%3D1&Key=a~b-c_d.e"
        );
    }

    #[test]
    fn empty_and_non_object_bodies_give_nothing() {
        assert_eq!(to_query_string(&json!({})), "");
        assert!(to_pairs(&json!([1, 2])).is_empty());
        assert_eq!(to_query_string(&json!({"Empty": []})), "");
    }
}
