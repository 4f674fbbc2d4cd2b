//! `tcredis download`: the library's download workflow with progress bars (on a terminal) or
//! plain lines, and a summary.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::{Arc, Mutex};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};
use tencentcloud_redis::download::{
    download_backup, DownloadOptions, DownloadSummary, FileOutcome, ProgressEvent,
};
use tencentcloud_transport::Client;

use crate::args::DownloadArgs;
use crate::exit::{self, CliError};
use crate::globals::Globals;
use crate::output::{self, Format};

/// Human-readable byte count.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64;
    let mut unit = "B";
    for u in UNITS {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    format!("{v:.1} {unit}")
}

/// How progress is shown.
pub enum Progress {
    /// Bars on a terminal.
    Bars(Arc<Bars>),
    /// One line per event that matters, on stderr.
    Lines,
}

pub struct Bars {
    multi: MultiProgress,
    bars: Mutex<Vec<Option<ProgressBar>>>,
}

impl Progress {
    /// Bars when stderr is a terminal and no log output competes with them.
    pub fn auto(verbose: bool) -> Self {
        if std::io::stderr().is_terminal() && !verbose {
            Progress::Bars(Arc::new(Bars {
                multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
                bars: Mutex::new(Vec::new()),
            }))
        } else {
            Progress::Lines
        }
    }

    /// Removes the bars (before the summary is printed).
    pub fn clear(&self) {
        if let Progress::Bars(bars) = self {
            let _ = bars.multi.clear();
        }
    }

    /// Installs the progress callback on `options`.
    pub fn attach(&self, options: DownloadOptions) -> DownloadOptions {
        match self {
            Progress::Lines => options.on_progress(line_event),
            Progress::Bars(bars) => {
                let bars = bars.clone();
                options.on_progress(move |e| bars.event(e))
            }
        }
    }
}

fn line_event(event: &ProgressEvent<'_>) {
    match event {
        ProgressEvent::Listed { request_id, files } => {
            let total: u64 = files.iter().filter_map(|(_, s)| *s).sum();
            eprintln!(
                "DescribeBackupUrl: {} file(s), {} (RequestId {request_id})",
                files.len(),
                bytes(total)
            );
        }
        ProgressEvent::FileStarted {
            name,
            total,
            offset,
            ..
        } => {
            let size = total.map(bytes).unwrap_or_else(|| "unknown size".into());
            if *offset > 0 {
                eprintln!("{name}: resuming at {} of {size}", bytes(*offset));
            } else {
                eprintln!("{name}: downloading {size}");
            }
        }
        ProgressEvent::FileRetrying { reason, wait, .. } => {
            eprintln!("{reason}; trying again in {} ms", wait.as_millis())
        }
        ProgressEvent::FileRestarted { name, reason, .. } => {
            eprintln!("{name}: starting over: {reason}")
        }
        ProgressEvent::UrlsRefreshed { refreshes, .. } => eprintln!(
            "download URL rejected (expired?): fetched fresh URLs with DescribeBackupUrl (refresh {refreshes})"
        ),
        ProgressEvent::FileSkipped {
            name,
            size,
            crc_verified,
            ..
        } => eprintln!(
            "{name}: already complete ({}{}), skipped",
            bytes(*size),
            if *crc_verified { ", CRC-64 matches" } else { "" }
        ),
        ProgressEvent::FileDone {
            name, size, crc64, ..
        } => eprintln!(
            "{name}: done, {}{}",
            bytes(*size),
            if crc64.is_some() {
                ", size and CRC-64 verified"
            } else {
                ", size verified (no CRC-64 from the server)"
            }
        ),
        ProgressEvent::FileFailed { error, .. } => eprintln!("FAILED: {}", exit::chain(*error)),
        _ => {}
    }
}

impl Bars {
    fn bar(&self, index: usize, name: &str, total: Option<u64>) -> ProgressBar {
        let mut bars = self.bars.lock().unwrap_or_else(|p| p.into_inner());
        if bars.len() <= index {
            bars.resize(index + 1, None);
        }
        if let Some(bar) = &bars[index] {
            if let Some(t) = total {
                bar.set_length(t);
            }
            return bar.clone();
        }
        let style = ProgressStyle::with_template(
            "{prefix:.bold} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let bar = self
            .multi
            .add(ProgressBar::new(total.unwrap_or(0)).with_style(style));
        bar.set_prefix(name.to_owned());
        bars[index] = Some(bar.clone());
        bar
    }

    fn event(&self, event: &ProgressEvent<'_>) {
        match event {
            ProgressEvent::Listed { files, .. } => {
                for (i, (name, size)) in files.iter().enumerate() {
                    self.bar(i, &name.escape_debug().to_string(), *size);
                }
            }
            ProgressEvent::FileStarted {
                index,
                name,
                total,
                offset,
            } => {
                let bar = self.bar(*index, name, *total);
                bar.set_position(*offset);
                bar.set_message(if *offset > 0 { "resuming" } else { "" });
            }
            ProgressEvent::FileProgress {
                index,
                name,
                downloaded,
                total,
            } => self.bar(*index, name, *total).set_position(*downloaded),
            ProgressEvent::FileRetrying {
                index,
                name,
                reason,
                ..
            } => {
                let bar = self.bar(*index, name, None);
                bar.set_message(format!("retrying: {reason}"));
            }
            ProgressEvent::FileRestarted {
                index,
                name,
                reason,
                ..
            } => self
                .bar(*index, name, None)
                .set_message(format!("starting over: {reason}")),
            ProgressEvent::UrlsRefreshed { refreshes, .. } => {
                let _ = self.multi.println(format!(
                    "download URL rejected (expired?): fetched fresh URLs (refresh {refreshes})"
                ));
            }
            ProgressEvent::FileSkipped {
                index, name, size, ..
            } => {
                let bar = self.bar(*index, name, Some(*size));
                bar.set_position(*size);
                bar.finish_with_message("already complete, skipped");
            }
            ProgressEvent::FileDone {
                index,
                name,
                size,
                crc64,
            } => {
                let bar = self.bar(*index, name, Some(*size));
                bar.set_position(*size);
                bar.finish_with_message(if crc64.is_some() {
                    "verified (size, CRC-64)"
                } else {
                    "verified (size)"
                });
            }
            ProgressEvent::FileFailed { index, name, error } => {
                let bar = self.bar(*index, &name.escape_debug().to_string(), None);
                bar.abandon_with_message(format!("FAILED: {}", exit::chain(*error)));
            }
            _ => {}
        }
    }
}

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
        "ElapsedSeconds": (summary.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
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
