//! Asks for the download addresses of a backup's RDB files.
//!
//! ```sh
//! export TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=...
//! cargo run --example describe_backup_url -- ap-guangzhou crs-4y9t57vt 678362566696298532848117
//! ```
//!
//! Credentials come from the default chain (environment, `~/.tencentcloud/credentials`,
//! `/etc/tencentcloud/credentials`, CVM role). Set `TENCENTCLOUD_ENDPOINT` to call another endpoint, such as a local emulator
//! (`tcredis emulator` prints its endpoint and keys).

use std::process::ExitCode;

use tencentcloud_redis::{ActionError, Client, DescribeBackupUrlRequest, Endpoint, Error};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [region, instance_id, backup_id] = args.as_slice() else {
        eprintln!("usage: describe_backup_url REGION INSTANCE_ID BACKUP_ID");
        return ExitCode::from(2);
    };
    let mut builder = Client::builder().region(region.as_str());
    if let Ok(url) = std::env::var("TENCENTCLOUD_ENDPOINT") {
        builder = builder.endpoint(Endpoint::Url(url));
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(3);
        }
    };
    match client
        .send(DescribeBackupUrlRequest::new(
            instance_id.as_str(),
            backup_id.as_str(),
        ))
        .await
    {
        Ok(response) => {
            for file in &response.backup_infos {
                // The URLs carry a signature: print only where they point.
                let url = file.download_url.as_deref().unwrap_or_default();
                let without_query = url.split('?').next().unwrap_or_default();
                println!(
                    "{}\t{} bytes\t{without_query}",
                    file.file_name.as_deref().unwrap_or("?"),
                    file.file_size.unwrap_or_default()
                );
            }
            println!("RequestId {}", response.request_id);
            ExitCode::SUCCESS
        }
        Err(Error::Service(e)) => {
            eprintln!(
                "{}: {} (RequestId {})",
                e.code(),
                e.message(),
                e.request_id()
            );
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(4)
        }
    }
}
