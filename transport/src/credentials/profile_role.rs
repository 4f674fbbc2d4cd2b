//! Role sections of a profile file: a section naming `role_arn` (and optionally
//! `role_session_name`, `duration_seconds`, `external_id`) assumes that role with the
//! section's keys, as aws-config's profiles do. [`ProfileRoles`] keeps the
//! [`AssumeRoleProvider`] of the section last read, so its credentials are cached across
//! calls and a new one is made only when the section changes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::assume_role::AssumeRoleProvider;
use super::error::CredentialsError;
use super::keys::Credentials;
use super::sts::MAX_ROLE_DURATION;
use crate::client::builder::ClientBuilder;

/// What a role section asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RoleSpec {
    role_arn: String,
    session_name: Option<String>,
    duration: Option<Duration>,
    external_id: Option<String>,
}

/// The role a section names, if it names one; `get` looks a key up in the section and
/// `where_` names the section for messages.
pub(super) fn role_spec<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
    where_: &str,
) -> Result<Option<RoleSpec>, CredentialsError> {
    let Some(role_arn) = get("role_arn") else {
        for key in ["role_session_name", "duration_seconds", "external_id"] {
            if get(key).is_some() {
                return Err(CredentialsError::invalid(format!(
                    "{where_}: {key} is set but role_arn is not"
                )));
            }
        }
        return Ok(None);
    };
    let duration = match get("duration_seconds") {
        None => None,
        Some(text) => match text.trim().parse::<u64>() {
            Ok(secs) if (1..=MAX_ROLE_DURATION.as_secs()).contains(&secs) => {
                Some(Duration::from_secs(secs))
            }
            _ => {
                return Err(CredentialsError::invalid(format!(
                    "{where_}: duration_seconds must be a whole number of seconds from 1 to {}",
                    MAX_ROLE_DURATION.as_secs()
                )))
            }
        },
    };
    Ok(Some(RoleSpec {
        role_arn: role_arn.to_owned(),
        session_name: get("role_session_name").map(str::to_owned),
        duration,
        external_id: get("external_id").map(str::to_owned),
    }))
}

/// The section a provider was made for: its keys, its role and its name.
struct Current {
    keys: Credentials,
    spec: RoleSpec,
    where_: String,
    provider: Arc<AssumeRoleProvider>,
}

/// The STS configuration of role sections and the provider of the one last read. Clones
/// share the provider.
#[derive(Clone, Default)]
pub(super) struct ProfileRoles {
    sts: ClientBuilder,
    current: Arc<Mutex<Option<Current>>>,
}

impl ProfileRoles {
    /// Calls STS with this client configuration.
    pub(super) fn set_sts_client(&mut self, builder: ClientBuilder) {
        self.sts = builder;
    }

    /// The provider assuming `spec` with `keys`, made again only when they changed.
    pub(super) fn provider(
        &self,
        where_: &str,
        keys: Credentials,
        spec: RoleSpec,
    ) -> Result<Arc<AssumeRoleProvider>, CredentialsError> {
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(known) = current.as_ref() {
            if known.keys == keys && known.spec == spec && known.where_ == where_ {
                return Ok(Arc::clone(&known.provider));
            }
        }
        let mut builder =
            AssumeRoleProvider::builder(spec.role_arn.clone()).sts_client(self.sts.clone());
        if let Some(name) = &spec.session_name {
            builder = builder.session_name(name.clone());
        }
        if let Some(duration) = spec.duration {
            builder = builder.duration(duration);
        }
        if let Some(external_id) = &spec.external_id {
            builder = builder.external_id(external_id.clone());
        }
        let provider = builder
            .build(keys.clone())
            .map(Arc::new)
            .map_err(|e| CredentialsError::invalid(format!("{where_}: {e}")))?;
        *current = Some(Current {
            keys,
            spec,
            where_: where_.to_owned(),
            provider: Arc::clone(&provider),
        });
        Ok(provider)
    }

    /// What the provider of the last role section read assumes, if the last section read
    /// named a role.
    pub(super) fn description(&self) -> Option<String> {
        let current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        current.as_ref().map(|c| {
            format!(
                "role {} (session {}) assumed with the keys of {}",
                c.spec.role_arn,
                c.provider.session_name(),
                c.where_
            )
        })
    }

    /// Forgets the provider: the section read last named no role.
    pub(super) fn clear(&self) {
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = None;
    }
}
