//! Calls `DescribeBackupUrl` through the transport alone, with a hand-written request type.
//!
//! The `tencentcloud-redis` crate generates these types from the schema; this example shows
//! what the transport needs from them and runs against a real account or any endpoint:
//!
//! ```text
//! TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... \
//!   cargo run -p tencentcloud-transport --example hand_written_action -- crs-xxxxxxxx 1234567890
//! # against a local emulator:
//! TENCENTCLOUD_ENDPOINT=http://127.0.0.1:8080 cargo run -p tencentcloud-transport \
//!   --example hand_written_action -- crs-xxxxxxxx 1234567890
//! ```
//!
//! Environment: `TENCENTCLOUD_REGION` (default `ap-guangzhou`), `TENCENTCLOUD_ENDPOINT`
//! (`default`, `mainland`, `regional` or a URL; default `default`), credentials from the
//! default chain (environment, `~/.tencentcloud/credentials`, `/etc/tencentcloud/credentials`,
//! CVM role).

use std::fmt;
use std::process::ExitCode;

use serde::{Deserialize, Serialize};
use tencentcloud_transport::{
    Action, ActionError, Client, Endpoint, Error, Language, ServiceError, ServiceInfo,
};

static REDIS: ServiceInfo = ServiceInfo {
    name: "redis",
    version: "2018-04-12",
    default_host: "redis.intl.tencentcloudapi.com",
    mainland_host: "redis.tencentcloudapi.com",
    regional_host: "redis.{region}.tencentcloudapi.com",
    region_required: true,
};

#[derive(Serialize)]
struct DescribeBackupUrl {
    #[serde(rename = "InstanceId")]
    instance_id: String,
    #[serde(rename = "BackupId")]
    backup_id: String,
}

#[derive(Debug, Deserialize)]
struct DescribeBackupUrlResponse {
    #[serde(rename = "DownloadUrl", default)]
    download_url: Vec<String>,
    #[serde(rename = "InnerDownloadUrl", default)]
    inner_download_url: Vec<String>,
    #[serde(rename = "RequestId")]
    request_id: String,
}

#[derive(Debug)]
struct DescribeBackupUrlError(ServiceError);

impl fmt::Display for DescribeBackupUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for DescribeBackupUrlError {}

impl ActionError for DescribeBackupUrlError {
    fn from_service_error(raw: ServiceError) -> Self {
        Self(raw)
    }
    fn service_error(&self) -> &ServiceError {
        &self.0
    }
}

impl Action for DescribeBackupUrl {
    type Response = DescribeBackupUrlResponse;
    type Error = DescribeBackupUrlError;
    const NAME: &'static str = "DescribeBackupUrl";
    const SERVICE: &'static ServiceInfo = &REDIS;
    const RATE_LIMIT_PER_SECOND: Option<u32> = Some(20);
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(instance_id), Some(backup_id)) = (args.next(), args.next()) else {
        eprintln!("usage: hand_written_action INSTANCE_ID BACKUP_ID");
        return ExitCode::from(2);
    };
    let region = std::env::var("TENCENTCLOUD_REGION").unwrap_or_else(|_| "ap-guangzhou".into());
    let endpoint = match std::env::var("TENCENTCLOUD_ENDPOINT").as_deref() {
        Err(_) | Ok("") | Ok("default") => Endpoint::Default,
        Ok("mainland") => Endpoint::Mainland,
        Ok("regional") => Endpoint::Regional,
        Ok(url) => Endpoint::Url(url.to_owned()),
    };
    let client = match Client::builder()
        .region(region)
        .endpoint(endpoint)
        .language(Language::EnUs)
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let request = DescribeBackupUrl {
        instance_id,
        backup_id,
    };
    match client.send(request).await {
        Ok(response) => {
            println!("RequestId: {}", response.request_id);
            for url in &response.download_url {
                println!("public:   {url}");
            }
            for url in &response.inner_download_url {
                println!("internal: {url}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            if let Error::Service(service) = &e {
                eprintln!("  code: {}", service.code());
            }
            ExitCode::FAILURE
        }
    }
}
