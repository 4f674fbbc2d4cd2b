//! Download progress on stderr: bars on a terminal, one line per event otherwise (and with
//! -v, so log lines and bars never mix), and byte counts in binary units.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tencentcloud_redis::download::{DownloadOptions, ProgressEvent};

use crate::exit;

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
