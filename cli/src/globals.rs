//! What the global options mean for every command: the client, the retry budgets, the output
//! format, the credentials hint of messages, and logging.

use std::path::PathBuf;

use tencentcloud_redis::download::DownloadOptions;
use tencentcloud_transport::credentials::PROFILE_FILE;
use tencentcloud_transport::{CallOptions, Client, Endpoint, Language, RetryPolicy};

pub use crate::args::Globals;
use crate::credentials;
use crate::exit::{self, CliError, Exit};
use crate::output::Format;
use crate::progress::Progress;

impl Globals {
    /// Attempts per call and per file when the command line or environment sets them.
    pub fn attempts(&self) -> Option<u32> {
        if self.no_retry {
            Some(1)
        } else {
            self.max_attempts
        }
    }

    /// Whether every call and file gets a single attempt (then polls do not retry either).
    pub fn single_attempt(&self) -> bool {
        self.attempts() == Some(1)
    }

    /// The retry policy of API calls.
    pub fn retry_policy(&self) -> RetryPolicy {
        match self.attempts() {
            Some(n) => RetryPolicy::new().with_max_attempts(n),
            None => RetryPolicy::default(),
        }
    }

    /// Options of API calls: their retry budget.
    pub fn call_options(&self) -> CallOptions {
        CallOptions::new().retry(self.retry_policy())
    }

    /// Download options with the retry budgets of the calls and of each file.
    pub fn download_options(&self) -> DownloadOptions {
        let options = DownloadOptions::new().call_options(self.call_options());
        match self.attempts() {
            Some(n) => options.retry(RetryPolicy::new().with_max_attempts(n)),
            None => options,
        }
    }

    /// Where credentials are looked for, for messages.
    pub fn profile_hint(&self) -> String {
        let path = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(|h| PathBuf::from(h).join(PROFILE_FILE).display().to_string())
            .unwrap_or_else(|| format!("~/{PROFILE_FILE}"));
        let section = self
            .profile
            .clone()
            .or_else(|| std::env::var("TENCENTCLOUD_PROFILE").ok())
            .unwrap_or_else(|| "default".into());
        format!("the [{section}] section of the profile file {path}")
    }

    /// A client for the region, endpoint, language, credentials (and role) and retry budget
    /// given.
    pub fn client(&self) -> Result<Client, CliError> {
        let Some(region) = self.region.clone().filter(|r| !r.is_empty()) else {
            return Err(CliError::new(
                Exit::Config,
                "no region: pass --region REGION or set TENCENTCLOUD_REGION (e.g. ap-guangzhou)",
            ));
        };
        let mut builder = Client::builder().region(region).retry(self.retry_policy());
        if let Some(endpoint) = &self.endpoint {
            builder = builder.endpoint(Endpoint::Url(endpoint.clone()));
        }
        if let Some(lang) = &self.language {
            builder = builder.language(if lang == "zh-CN" {
                Language::ZhCn
            } else {
                Language::EnUs
            });
        }
        builder = builder.credentials(credentials::provider(self)?);
        builder.build().map_err(|e| {
            CliError::new(
                Exit::Config,
                format!("invalid configuration: {}", exit::chain(&e)),
            )
        })
    }

    /// The output format: `--output`, else the command's own default.
    pub fn format(&self, default: Format) -> Format {
        self.output.unwrap_or(default)
    }

    /// Progress on stderr for downloads: bars on a terminal, lines with -v.
    pub fn progress(&self) -> Progress {
        Progress::auto(self.verbose > 0)
    }
}

/// Logs to stderr at the level -v, -vv or -vvv asks for.
pub fn init_tracing(verbose: u8) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let level = match verbose {
        0 => return,
        1 => LevelFilter::INFO,
        2 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    // Only this project's crates: HTTP libraries below could log full (signed) URLs.
    let targets = Targets::new()
        .with_target("tcredis", level)
        .with_target("tencentcloud_redis", level)
        .with_target("tencentcloud_transport", level)
        .with_target("tencentcloud_redis_emulator", level)
        .with_default(LevelFilter::WARN);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())),
        )
        .with(targets)
        .try_init();
}
