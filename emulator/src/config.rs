//! The emulator's configuration, held once: the builder fills it in, the running emulator's
//! state keeps it. What may change while it runs ([`Settings`]) sits behind one lock there.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::demo::DemoData;
use crate::faults::Faults;
use crate::sts::config::StsConfig;

/// How long a manual backup's task takes at least unless
/// [`EmulatorBuilder::backup_task_duration`](crate::EmulatorBuilder::backup_task_duration)
/// says otherwise: one second.
pub const DEFAULT_BACKUP_TASK_DURATION: Duration = Duration::from_secs(1);

/// How far a request's `X-TC-Timestamp` may be from the emulator's clock, as the service
/// allows: five minutes.
const MAX_CLOCK_SKEW_SECS: u64 = 300;

/// Everything an emulator is started with.
#[derive(Clone)]
pub(crate) struct Config {
    pub listen: SocketAddr,
    pub region: String,
    /// The accepted key pair (random when not given) and the session token it requires.
    pub secret_id: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
    /// More accepted key pairs, without tokens.
    pub extra_credentials: Vec<(String, String)>,
    /// Where data files go (a temporary folder when not given).
    pub data_dir: Option<PathBuf>,
    pub demo: Option<DemoData>,
    /// Backups made of existing files: (instance, backup, paths).
    pub file_backups: Vec<(String, String, Vec<PathBuf>)>,
    pub max_body_bytes: u64,
    pub max_clock_skew_secs: u64,
    pub faults: Faults,
    pub settings: Settings,
    /// The roles STS lets callers assume, the web identity tokens it accepts, the lifetime
    /// of the keys it issues.
    pub sts: StsConfig,
}

/// What may be changed while the emulator runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    /// How long download URLs issued from now on are valid.
    pub url_ttl: Duration,
    /// How long manual backup tasks started from now on take at least.
    pub backup_task_duration: Duration,
    /// Whether the documented per-action rate limits are enforced.
    pub rate_limit: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            region: "ap-guangzhou".to_owned(),
            secret_id: None,
            secret_key: None,
            token: None,
            extra_credentials: Vec::new(),
            data_dir: None,
            demo: Some(DemoData::default()),
            file_backups: Vec::new(),
            max_body_bytes: 10 * 1024 * 1024,
            max_clock_skew_secs: MAX_CLOCK_SKEW_SECS,
            faults: Faults::none(),
            settings: Settings {
                url_ttl: Duration::from_secs(6 * 3600),
                backup_task_duration: DEFAULT_BACKUP_TASK_DURATION,
                rate_limit: true,
            },
            sts: StsConfig::default(),
        }
    }
}

/// Keys and tokens are never shown.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |set: bool| if set { "<redacted>" } else { "<none>" };
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("region", &self.region)
            .field("secret_id", &self.secret_id)
            .field("secret_key", &redacted(self.secret_key.is_some()))
            .field("token", &redacted(self.token.is_some()))
            .field(
                "extra_credentials",
                &self
                    .extra_credentials
                    .iter()
                    .map(|(id, _)| (id.as_str(), "<redacted>"))
                    .collect::<Vec<_>>(),
            )
            .field("data_dir", &self.data_dir)
            .field("demo", &self.demo)
            .field("file_backups", &self.file_backups)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("faults", &self.faults)
            .field("settings", &self.settings)
            .field("sts", &self.sts)
            .finish()
    }
}
