//! [`ProfileProvider`]: credentials from an INI profile file (`~/.tencentcloud/credentials`
//! or `/etc/tencentcloud/credentials`), and the reading of that file's sections.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::CredentialsError;
use super::keys::Credentials;
use super::profile_role::{role_spec, ProfileRoles, RoleSpec};
use super::provider::{process_env, CredentialsFuture, EnvLookup, ProvideCredentials};
use crate::client::builder::ClientBuilder;

/// The variable naming the profile section to read.
pub const ENV_PROFILE: &str = "TENCENTCLOUD_PROFILE";

/// Credentials from an INI profile file, by default `~/.tencentcloud/credentials`;
/// [`ProfileProvider::system`] reads `/etc/tencentcloud/credentials`.
///
/// The section is the one given to [`ProfileProvider::with_profile`], else the one named by
/// `TENCENTCLOUD_PROFILE`, else `default`. Keys: `secret_id`, `secret_key`, optional `token`.
/// Lines starting with `#` or `;` are comments. The file is read on every call, so an edited
/// file takes effect without a restart.
///
/// A role section also names `role_arn` (and optionally `role_session_name`,
/// `duration_seconds`, `external_id`): the provider then assumes that role with the
/// section's keys through an
/// [`AssumeRoleProvider`](super::assume_role::AssumeRoleProvider) (its credentials cached
/// and refreshed as that provider's are; STS is called as
/// [`ProfileProvider::with_sts_client`] configures):
///
/// ```ini
/// [backup-reader]
/// secret_id = AKID...
/// secret_key = ...
/// role_arn = qcs::cam::uin/100000000001:roleName/backup-reader
/// role_session_name = nightly-export
/// duration_seconds = 3600
/// ```
#[derive(Clone)]
pub struct ProfileProvider {
    path: Option<PathBuf>,
    profile: Option<String>,
    lookup: EnvLookup,
    roles: ProfileRoles,
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("path", &self.path)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl Default for ProfileProvider {
    fn default() -> Self {
        Self::new()
    }
}

/// The profile file's path relative to the home directory.
pub const PROFILE_FILE: &str = ".tencentcloud/credentials";

/// The system-wide profile file, read after the user's own.
pub const SYSTEM_PROFILE_FILE: &str = "/etc/tencentcloud/credentials";

impl ProfileProvider {
    /// `~/.tencentcloud/credentials` of the current user (from `HOME`, or `USERPROFILE` on
    /// Windows), with the profile from `TENCENTCLOUD_PROFILE` or `default`.
    pub fn new() -> Self {
        Self::from_env_lookup(process_env())
    }

    /// Like [`ProfileProvider::new`], but reads `HOME`, `USERPROFILE` and
    /// `TENCENTCLOUD_PROFILE` through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self::from_env_lookup(Arc::new(lookup))
    }

    fn from_env_lookup(lookup: EnvLookup) -> Self {
        let home = lookup("HOME")
            .or_else(|| lookup("USERPROFILE"))
            .filter(|h| !h.is_empty());
        Self {
            path: home.map(|h| Path::new(&h).join(PROFILE_FILE)),
            profile: None,
            lookup,
            roles: ProfileRoles::default(),
        }
    }

    /// `<home>/.tencentcloud/credentials`, with the profile from `TENCENTCLOUD_PROFILE` (read
    /// through `lookup`) or `default`.
    pub fn with_home(
        home: impl AsRef<Path>,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self::with_file(home.as_ref().join(PROFILE_FILE), lookup)
    }

    /// The system-wide file `/etc/tencentcloud/credentials`, with the profile from
    /// `TENCENTCLOUD_PROFILE` or `default`.
    /// [`DefaultCredentialsChain`](super::chain::DefaultCredentialsChain) reads it after the user's
    /// own file.
    pub fn system() -> Self {
        Self {
            path: Some(PathBuf::from(SYSTEM_PROFILE_FILE)),
            profile: None,
            lookup: process_env(),
            roles: ProfileRoles::default(),
        }
    }

    /// A specific file, with the profile from `TENCENTCLOUD_PROFILE` (read through `lookup`)
    /// or `default`: e.g. the system-wide file kept somewhere else, in a test.
    pub fn with_file(
        path: impl Into<PathBuf>,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self {
            path: Some(path.into()),
            profile: None,
            lookup: Arc::new(lookup),
            roles: ProfileRoles::default(),
        }
    }

    /// A specific file, profile `default` unless [`ProfileProvider::with_profile`] is used
    /// (`TENCENTCLOUD_PROFILE` is not consulted).
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Some(path.into()),
            profile: None,
            lookup: Arc::new(|_| None),
            roles: ProfileRoles::default(),
        }
    }

    /// Calls STS with this client configuration (endpoint, timeouts, HTTP client, retries)
    /// for role sections. Default: `https://sts.tencentcloudapi.com`, region `ap-guangzhou`.
    pub fn with_sts_client(mut self, builder: ClientBuilder) -> Self {
        self.roles.set_sts_client(builder);
        self
    }

    /// Reads this section instead of the one `TENCENTCLOUD_PROFILE` names.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// The file this provider reads, if a home directory was found.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The section this provider reads.
    pub fn profile(&self) -> String {
        self.profile
            .clone()
            .or_else(|| (self.lookup)(ENV_PROFILE).filter(|p| !p.trim().is_empty()))
            .map(|p| p.trim().to_owned())
            .unwrap_or_else(|| "default".to_owned())
    }

    /// Reads the file now: the section's keys (for a role section, the keys the role is
    /// assumed with; [`ProvideCredentials::provide_credentials`] assumes it).
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        self.read().map(|(_, keys, _)| keys)
    }

    /// The section's name for messages, its keys and the role it names.
    fn read(&self) -> Result<(String, Credentials, Option<RoleSpec>), CredentialsError> {
        let profile = self.profile();
        let Some(path) = &self.path else {
            return Err(CredentialsError::not_found(format!(
                "profile file ~/{PROFILE_FILE}: no home directory (HOME is not set)"
            )));
        };
        let where_ = format!("profile [{profile}] in {}", path.display());
        let text = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(CredentialsError::not_found(format!(
                    "{where_}: the file does not exist"
                )))
            }
            Err(e) => {
                return Err(CredentialsError::unavailable(
                    format!("{where_}: the file could not be read"),
                    e,
                ))
            }
        };
        let text = String::from_utf8(text)
            .map_err(|_| CredentialsError::invalid(format!("{where_}: the file is not UTF-8")))?;
        let section = parse_ini_section(&text, &profile)
            .map_err(|line| {
                CredentialsError::invalid(format!(
                    "{where_}: line {line} is not a [section], a key = value pair or a comment"
                ))
            })?
            .ok_or_else(|| {
                CredentialsError::not_found(format!("{where_}: the file has no such section"))
            })?;
        let get = |key: &str| {
            section
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let (Some(id), Some(key)) = (get("secret_id"), get("secret_key")) else {
            return Err(CredentialsError::invalid(format!(
                "{where_}: the section needs both secret_id and secret_key"
            )));
        };
        let mut creds = Credentials::new(id, key);
        if let Some(token) = get("token") {
            creds = creds.with_token(token);
        }
        let role = role_spec(get, &where_)?;
        let creds = creds.validate(&where_)?;
        Ok((where_, creds, role))
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        // A small local file: reading it inline is cheaper than a blocking-pool hop.
        match self.read() {
            Err(e) => Box::pin(async move { Err(e) }),
            Ok((_, keys, None)) => {
                self.roles.clear();
                Box::pin(async move { Ok(keys) })
            }
            Ok((where_, keys, Some(role))) => {
                let provider = self.roles.provider(&where_, keys, role);
                Box::pin(async move { provider?.provide_credentials().await })
            }
        }
    }

    fn description(&self) -> String {
        if let Some(role) = self.roles.description() {
            return role;
        }
        match &self.path {
            Some(path) => format!("profile [{}] in {}", self.profile(), path.display()),
            None => format!("profile [{}] in ~/{PROFILE_FILE}", self.profile()),
        }
    }
}

/// The key = value pairs of section `name`, `Ok(None)` if there is no such section, or the
/// 1-based number of the first malformed line. Lines are never echoed: they may hold secrets.
fn parse_ini_section(text: &str, name: &str) -> Result<Option<Vec<(String, String)>>, usize> {
    let mut current: Option<String> = None;
    let mut found = false;
    let mut pairs = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some(section) = rest.strip_suffix(']') else {
                return Err(i + 1);
            };
            let section = section.trim().to_owned();
            if section == name {
                found = true;
            }
            current = Some(section);
            continue;
        }
        let Some((key, value)) = line.split_once('=').or_else(|| line.split_once(':')) else {
            return Err(i + 1);
        };
        if current.as_deref() == Some(name) {
            let value = value.trim().trim_matches('"').to_owned();
            pairs.push((key.trim().to_owned(), value));
        }
    }
    Ok(found.then_some(pairs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_sections() {
        let text = "# c\n[default]\nsecret_id = a\nsecret_key=b\n\n[other]\nsecret_id: c\n";
        let d = parse_ini_section(text, "default").unwrap().unwrap();
        assert_eq!(
            d,
            vec![
                ("secret_id".into(), "a".into()),
                ("secret_key".into(), "b".into())
            ]
        );
        let o = parse_ini_section(text, "other").unwrap().unwrap();
        assert_eq!(o, vec![("secret_id".into(), "c".into())]);
        assert_eq!(parse_ini_section(text, "none").unwrap(), None);
        assert_eq!(parse_ini_section("[default]\nGARBAGE\n", "default"), Err(2));
        assert_eq!(parse_ini_section("[default\n", "default"), Err(1));
    }
}
