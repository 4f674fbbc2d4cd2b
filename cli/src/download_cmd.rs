//! `tcredis download`: the library's download workflow with progress (see
//! [`crate::progress`]) and a summary.

use std::path::Path;

use serde_json::{json, Value};
use tencentcloud_redis::download::{
    download_backup, DownloadOptions, DownloadSummary, FileOutcome,
};
use tencentcloud_transport::Client;

use crate::args::DownloadArgs;
use crate::exit::{self, CliError};
use crate::globals::Globals;
use crate::output::{self, Format};
use crate::progress::{bytes, Progress};

/// The summary as JSON.
pub fn summary_json(summary: &DownloadSummary) -> Value {
    let files: Vec<Value> = summary
        .files
        .iter()
        .map(|f| {
            let (status, error) = match &f.outcome {
                FileOutcome::Downloaded => ("downloaded", None),
                FileOutcome::Skipped => ("skipped", None),
                FileOutcome::Failed(e) => ("failed", Some(exit::chain(e))),
                _ => ("unknown", None),
            };
            json!({
                "FileName": f.name,
                "Path": f.path.as_ref().map(|p| p.display().to_string()),
                "Status": status,
                "Size": f.size,
                "Crc64": f.crc64.map(|c| c.to_string()),
                "Transferred": f.transferred,
                "Resumes": f.resumes,
                "Restarts": f.restarts,
                "Error": error,
            })
        })
        .collect();
    json!({
        "InstanceId": summary.instance_id,
        "BackupId": summary.backup_id,
        "OutDir": summary.out_dir.display().to_string(),
        "RequestId": summary.request_id,
        "Downloaded": summary.downloaded(),
        "Skipped": summary.skipped(),
        "Failed": summary.failed().count(),
        "TransferredBytes": summary.transferred(),
        "UrlRefreshes": summary.url_refreshes,
        "ElapsedSeconds": output::seconds(summary.elapsed),
        "Files": files,
    })
}

/// The summary for people.
pub fn summary_text(summary: &DownloadSummary) -> String {
    let mut out = String::new();
    let secs = summary.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        format!(
            ", {}/s",
            bytes((summary.transferred() as f64 / secs) as u64)
        )
    } else {
        String::new()
    };
    out.push_str(&format!(
        "Backup {} of instance {}: {} downloaded, {} skipped, {} failed; {} transferred in {:.2} s{rate}\n",
        summary.backup_id,
        summary.instance_id,
        summary.downloaded(),
        summary.skipped(),
        summary.failed().count(),
        bytes(summary.transferred()),
        secs,
    ));
    for f in &summary.files {
        let status = match &f.outcome {
            FileOutcome::Downloaded => "downloaded".to_owned(),
            FileOutcome::Skipped => "skipped (already complete)".to_owned(),
            FileOutcome::Failed(e) => format!("FAILED: {}", exit::chain(e)),
            _ => "unknown".to_owned(),
        };
        let crc = f.crc64.map(|c| format!(", CRC-64 {c}")).unwrap_or_default();
        let extra = if f.resumes + f.restarts > 0 {
            format!(", {} resume(s), {} restart(s)", f.resumes, f.restarts)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  {}  {}{crc}{extra}  {status}\n",
            f.name.escape_debug(),
            bytes(f.size)
        ));
    }
    out.push_str(&format!("Files are in {}\n", summary.out_dir.display()));
    if summary.url_refreshes > 0 {
        out.push_str(&format!(
            "Fresh download URLs were fetched {} time(s) after 403 answers.\n",
            summary.url_refreshes
        ));
    }
    out
}

/// How a command shows what happens: progress on stderr, the summary's format, and where
/// credentials were looked for (for error messages).
pub struct Reporting<'a> {
    pub progress: &'a Progress,
    pub format: Format,
    pub profile_hint: &'a str,
}

/// One backup to download, and where to.
pub struct Job<'a> {
    pub instance_id: &'a str,
    pub backup_id: &'a str,
    pub out: &'a Path,
}

/// `tcredis download`.
pub async fn download(globals: &Globals, args: DownloadArgs) -> Result<(), CliError> {
    let client = globals.client()?;
    let options = globals
        .download_options()
        .inner(args.inner)
        .parallel(usize::from(args.parallel.files))
        .force(args.force);
    let job = Job {
        instance_id: &args.instance_id,
        backup_id: &args.backup_id,
        out: &args.out,
    };
    let reporting = Reporting {
        progress: &globals.progress(),
        format: globals.format(Format::Table),
        profile_hint: &globals.profile_hint(),
    };
    run(&client, &job, options, &reporting).await.map(|_| ())
}

/// Runs a download and prints the summary; the error's exit code says what failed first.
pub async fn run(
    client: &Client,
    job: &Job<'_>,
    options: DownloadOptions,
    reporting: &Reporting<'_>,
) -> Result<DownloadSummary, CliError> {
    let options = reporting.progress.attach(options);
    let summary = download_backup(client, job.instance_id, job.backup_id, job.out, options)
        .await
        .map_err(|e| exit::from_download(&e, reporting.profile_hint))?;
    reporting.progress.clear();
    match reporting.format {
        Format::Json => print!("{}", output::json(&summary_json(&summary))),
        Format::Table => print!("{}", summary_text(&summary)),
    }
    match failure(&summary, reporting.profile_hint) {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

/// The error of a download with failed files (exit code of the first), or `None`.
pub fn failure(summary: &DownloadSummary, profile_hint: &str) -> Option<CliError> {
    let (report, error) = summary.failed().next()?;
    let failed = summary.failed().count();
    let first = exit::from_download(error, profile_hint);
    Some(CliError::new(
        first.exit,
        format!(
            "{failed} of {} file(s) failed; first: {}: {}",
            summary.files.len(),
            report.name.escape_debug(),
            first.message
        ),
    ))
}
