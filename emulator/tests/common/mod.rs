//! Helpers shared by the emulator's integration tests: hand-built, hand-signed requests.

#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};
use tencentcloud_redis::schema::{Action, BaseType, Member, Schema};
use tencentcloud_redis_emulator::{Emulator, EmulatorBuilder, RunningEmulator};
use tencentcloud_transport::sign::{sign_stages, SigningParams};

pub const INSTANCE: &str = "crs-4y9t57vt";
pub const BACKUP: &str = "678362566696298532848117";

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// A small demo (five ~20 KiB files) so tests start fast.
pub fn small_builder() -> EmulatorBuilder {
    Emulator::builder().demo(tencentcloud_redis_emulator::DemoData {
        file_sizes: vec![20_000, 21_000, 22_000, 23_000, 24_000],
        ..Default::default()
    })
}

pub async fn start_small() -> RunningEmulator {
    small_builder().start().await.expect("emulator starts")
}

/// How to build one API call.
#[derive(Clone)]
pub struct Call {
    pub action: String,
    pub version: String,
    pub region: Option<String>,
    pub body: Vec<u8>,
    pub timestamp: u64,
    pub secret_id: String,
    pub secret_key: String,
    pub token: Option<String>,
    /// Host value to sign; `None` signs the Host header as sent (`127.0.0.1:PORT`).
    pub signed_host: Option<String>,
    /// Replaces the Authorization header entirely.
    pub authorization: Option<String>,
    pub omit_authorization: bool,
}

impl Call {
    pub fn new(emu: &RunningEmulator, body: &Value) -> Self {
        Self {
            action: "DescribeBackupUrl".into(),
            version: "2018-04-12".into(),
            region: Some(emu.region().to_owned()),
            body: serde_json::to_vec(body).expect("json"),
            timestamp: now(),
            secret_id: emu.secret_id().to_owned(),
            secret_key: emu.secret_key().to_owned(),
            token: emu.token().map(str::to_owned),
            signed_host: None,
            authorization: None,
            omit_authorization: false,
        }
    }

    pub fn describe(emu: &RunningEmulator) -> Self {
        Self::new(
            emu,
            &serde_json::json!({"InstanceId": INSTANCE, "BackupId": BACKUP}),
        )
    }

    /// Sends it; returns the HTTP status and the parsed body (or `Value::String` of the raw
    /// text when it is not JSON).
    pub async fn send(&self, emu: &RunningEmulator) -> (u16, Value) {
        let host = emu.endpoint().trim_start_matches("http://").to_owned();
        let signed_host = self.signed_host.clone().unwrap_or_else(|| host.clone());
        let params = SigningParams {
            method: "POST",
            host: &signed_host,
            content_type: "application/json",
            canonical_query: "",
            payload: &self.body,
            timestamp: self.timestamp,
            service: "redis",
        };
        let stages = sign_stages(&params, &self.secret_id, &self.secret_key);
        let client = reqwest::Client::new();
        let mut req = client
            .post(format!("{}/", emu.endpoint()))
            .header("Content-Type", "application/json")
            .header("X-TC-Action", &self.action)
            .header("X-TC-Version", &self.version)
            .header("X-TC-Timestamp", self.timestamp.to_string())
            .body(self.body.clone());
        if let Some(region) = &self.region {
            req = req.header("X-TC-Region", region);
        }
        if let Some(token) = &self.token {
            req = req.header("X-TC-Token", token);
        }
        if !self.omit_authorization {
            let auth = self.authorization.clone().unwrap_or(stages.authorization);
            req = req.header("Authorization", auth);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }
}

/// `Response.Error.Code`, or `None` for a success.
pub fn error_code(v: &Value) -> Option<String> {
    v["Response"]["Error"]["Code"].as_str().map(str::to_owned)
}

pub fn error_message(v: &Value) -> String {
    v["Response"]["Error"]["Message"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

/// Asserts a UUID-shaped RequestId.
pub fn assert_request_id(v: &Value) {
    let id = v["Response"]["RequestId"]
        .as_str()
        .expect("RequestId present");
    assert_eq!(id.len(), 36, "RequestId {id}");
    assert_eq!(id.matches('-').count(), 4, "RequestId {id}");
}

/// The download URLs of the demo backup.
pub async fn urls(emu: &RunningEmulator, body: Value) -> Vec<(String, String, u64)> {
    let (_, v) = Call::new(emu, &body).send(emu).await;
    assert_eq!(error_code(&v), None, "{v}");
    v["Response"]["BackupInfos"]
        .as_array()
        .expect("BackupInfos")
        .iter()
        .map(|i| {
            (
                i["DownloadUrl"].as_str().expect("url").to_owned(),
                i["InnerDownloadUrl"].as_str().expect("inner").to_owned(),
                i["FileSize"].as_u64().expect("size"),
            )
        })
        .collect()
}

/// A request body of `action` with its required members only, valid for the emulator: see
/// [`sample`].
pub fn required_body(schema: &Schema, action: &Action) -> Value {
    let body: Map<String, Value> = action
        .input
        .iter()
        .filter(|m| m.required)
        .map(|m| (m.name.clone(), sample(schema, m)))
        .collect();
    Value::Object(body)
}

/// A value for a required member: the emulator's instance (and its backup) for an instance
/// ID (a backup ID), a documented
/// value for an enum, and otherwise a small value of the type.
fn sample(schema: &Schema, member: &Member) -> Value {
    let one = match &member.ty.base {
        BaseType::String if member.name.ends_with("InstanceId") => json!(INSTANCE),
        BaseType::String if member.name == "BackupId" => json!(BACKUP),
        BaseType::String => match member.values.first() {
            Some(v) => json!(v.value),
            None => json!("x"),
        },
        BaseType::Integer(_) => json!(1),
        BaseType::Float => json!(1.0),
        BaseType::Boolean => json!(true),
        BaseType::Named(name) => {
            let data_type = schema
                .types
                .iter()
                .find(|t| &t.name == name)
                .expect("the schema defines every type it names");
            let object: Map<String, Value> = data_type
                .members
                .iter()
                .filter(|m| m.required)
                .map(|m| (m.name.clone(), sample(schema, m)))
                .collect();
            Value::Object(object)
        }
    };
    if member.ty.array {
        json!([one])
    } else {
        one
    }
}
