//! Configuring and starting an emulator: [`Emulator::builder`], [`EmulatorBuilder`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::backup_files;
use crate::config::Config;
use crate::demo::DemoData;
use crate::error::StartError;
use crate::faults::Faults;
use crate::running::RunningEmulator;
use crate::state::{Credential, State};
use crate::store::{self, Store};
use crate::sts::config::{AcceptedToken, Role};

/// The emulator, to be configured with [`Emulator::builder`].
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: loopback on a free port, region `ap-guangzhou`, random
    /// credentials, the demo data set in a temporary folder, six-hour URLs, rate limits on, no
    /// faults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configuration of an emulator; [`EmulatorBuilder::start`] runs it.
#[derive(Debug, Clone, Default)]
pub struct EmulatorBuilder {
    config: Config,
}

impl EmulatorBuilder {
    /// The address to listen on (default `127.0.0.1:0`, a free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.config.listen = addr;
        self
    }

    /// The region the instances live in (default `ap-guangzhou`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = region.into();
        self
    }

    /// The accepted SecretId and SecretKey (default: random ones, shown in the start line).
    pub fn credentials(
        mut self,
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.config.secret_id = Some(secret_id.into());
        self.config.secret_key = Some(secret_key.into());
        self
    }

    /// The accepted SecretId (default: random).
    pub fn secret_id(mut self, secret_id: impl Into<String>) -> Self {
        self.config.secret_id = Some(secret_id.into());
        self
    }

    /// The accepted SecretKey (default: random).
    pub fn secret_key(mut self, secret_key: impl Into<String>) -> Self {
        self.config.secret_key = Some(secret_key.into());
        self
    }

    /// Requires this session token (`X-TC-Token`) with the main credentials.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.config.token = Some(token.into());
        self
    }

    /// Accepts another key pair too (rate limits are per SecretId).
    pub fn extra_credentials(
        mut self,
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.config
            .extra_credentials
            .push((secret_id.into(), secret_key.into()));
        self
    }

    /// Where the demo files are written (default: a temporary folder removed at shutdown).
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config.data_dir = Some(dir.into());
        self
    }

    /// The demo data set to generate (default [`DemoData::default`]).
    pub fn demo(mut self, demo: DemoData) -> Self {
        self.config.demo = Some(demo);
        self
    }

    /// Generates no demo data.
    pub fn no_demo(mut self) -> Self {
        self.config.demo = None;
        self
    }

    /// Registers a backup made of existing RDB files (e.g. a `dump.rdb`), served in place.
    /// File names in the API are the files' base names.
    pub fn backup_from_files(
        mut self,
        instance_id: impl Into<String>,
        backup_id: impl Into<String>,
        files: impl IntoIterator<Item = impl Into<PathBuf>>,
    ) -> Self {
        self.config.file_backups.push((
            instance_id.into(),
            backup_id.into(),
            files.into_iter().map(Into::into).collect(),
        ));
        self
    }

    /// How long download URLs are valid (default six hours).
    pub fn url_ttl(mut self, ttl: Duration) -> Self {
        self.config.settings.url_ttl = ttl;
        self
    }

    /// How long the task of a manual backup (`ManualBackupInstance`) takes at least (default
    /// [`DEFAULT_BACKUP_TASK_DURATION`](crate::DEFAULT_BACKUP_TASK_DURATION), one second): `preparing` for the first quarter,
    /// then `running` until this has passed and the files are written, then `succeed`. Zero
    /// makes a backup complete as soon as its files are written.
    pub fn backup_task_duration(mut self, duration: Duration) -> Self {
        self.config.settings.backup_task_duration = duration;
        self
    }

    /// Faults to inject (default none).
    pub fn faults(mut self, faults: Faults) -> Self {
        self.config.faults = faults;
        self
    }

    /// Whether the documented per-action rate limits are enforced (default true).
    pub fn rate_limit(mut self, enabled: bool) -> Self {
        self.config.settings.rate_limit = enabled;
        self
    }

    /// The largest accepted request body (default 10 MiB).
    pub fn max_body_bytes(mut self, bytes: u64) -> Self {
        self.config.max_body_bytes = bytes;
        self
    }

    /// Lets STS callers assume this role (`AssumeRole`, `AssumeRoleWithWebIdentity`); the
    /// first role given replaces the default, [`DEFAULT_ROLE_ARN`](crate::DEFAULT_ROLE_ARN).
    pub fn role(mut self, role_arn: impl Into<String>) -> Self {
        self.config.sts.add_role(Role {
            arn: role_arn.into(),
            external_id: None,
        });
        self
    }

    /// Like [`EmulatorBuilder::role`], for a role whose trust policy asks for this
    /// `ExternalId`.
    pub fn role_with_external_id(
        mut self,
        role_arn: impl Into<String>,
        external_id: impl Into<String>,
    ) -> Self {
        self.config.sts.add_role(Role {
            arn: role_arn.into(),
            external_id: Some(external_id.into()),
        });
        self
    }

    /// Accepts this OIDC token in `AssumeRoleWithWebIdentity` (repeatable; none by default,
    /// so every token is refused).
    pub fn web_identity_token(mut self, token: impl Into<String>) -> Self {
        self.config
            .sts
            .tokens
            .push(AcceptedToken::Value(token.into()));
        self
    }

    /// Accepts the OIDC token in this file, read on every `AssumeRoleWithWebIdentity` call
    /// (so a test can rotate it, as TKE does); surrounding whitespace is ignored.
    pub fn web_identity_token_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config
            .sts
            .tokens
            .push(AcceptedToken::File(path.into()));
        self
    }

    /// The longest the temporary keys STS issues last, whatever `DurationSeconds` asks
    /// (default: as asked; whole seconds, at least one).
    pub fn sts_credentials_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.sts.max_lifetime = Some(lifetime);
        self
    }

    /// Writes the data, binds the socket and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<RunningEmulator, StartError> {
        let schema =
            tencentcloud_redis::schema::load().map_err(|e| StartError::Schema(e.to_string()))?;
        let config = self.config;

        let (temp, data_dir) = match &config.data_dir {
            Some(dir) => (None, dir.clone()),
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("tencentcloud-redis-emulator-")
                    .tempdir()
                    .map_err(StartError::Data)?;
                let path = temp.path().to_path_buf();
                (Some(temp), path)
            }
        };
        let store = Store::default();
        if let Some(demo) = config.demo.clone() {
            let dir = data_dir.clone();
            let writer = demo.clone();
            let files = tokio::task::spawn_blocking(move || writer.materialize(&dir))
                .await
                .map_err(|e| StartError::Data(std::io::Error::other(e)))?
                .map_err(StartError::Data)?;
            store.insert_backup_as(
                &demo.instance_id,
                &demo.backup_id,
                files,
                store::SNAPSHOT_FILE_TYPE,
            );
            store.with_instance(&demo.instance_id, |i| {
                i.file_sizes = demo.file_sizes.clone();
            });
        }
        for (instance, backup, paths) in &config.file_backups {
            let files = backup_files::register(paths).map_err(StartError::Data)?;
            store.insert_backup(instance, backup, files);
        }

        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let endpoint = format!("http://{addr}");

        let mut rng = fastrand::Rng::new();
        let secret_id = config
            .secret_id
            .clone()
            .unwrap_or_else(|| format!("AKIDemu{}", random_alnum(&mut rng, 29)));
        let secret_key = config
            .secret_key
            .clone()
            .unwrap_or_else(|| random_alnum(&mut rng, 32));
        let mut credentials = vec![Credential {
            secret_id,
            secret_key,
            token: config.token.clone(),
        }];
        credentials.extend(config.extra_credentials.iter().map(|(id, key)| Credential {
            secret_id: id.clone(),
            secret_key: key.clone(),
            token: None,
        }));

        let state = Arc::new(State::new(
            config,
            schema,
            store,
            credentials,
            endpoint,
            data_dir,
        ));
        Ok(RunningEmulator::serve(listener, addr, state, temp))
    }
}

fn random_alnum(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| rng.alphanumeric()).collect()
}
