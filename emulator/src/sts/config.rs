//! What the emulator's STS is started with: the roles it lets callers assume, the web
//! identity tokens it accepts, and how long the temporary keys it issues last.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// The role every emulator lets callers assume unless told otherwise:
/// `qcs::cam::uin/100000000001:roleName/tencentcloud-redis-emulator`.
pub const DEFAULT_ROLE_ARN: &str =
    "qcs::cam::uin/100000000001:roleName/tencentcloud-redis-emulator";

/// The identity provider the start line names for `AssumeRoleWithWebIdentity` (any
/// non-empty `ProviderId` is accepted): `tencentcloud-redis-emulator-oidc`.
pub const DEFAULT_PROVIDER_ID: &str = "tencentcloud-redis-emulator-oidc";

/// A role callers may assume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Role {
    pub arn: String,
    /// The `ExternalId` the role's trust policy asks for, if any.
    pub external_id: Option<String>,
}

/// A web identity token `AssumeRoleWithWebIdentity` accepts.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum AcceptedToken {
    /// This token.
    Value(String),
    /// The token in this file, read on every call (so a test can rotate it).
    File(PathBuf),
}

impl fmt::Debug for AcceptedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AcceptedToken::Value(_) => f.write_str("Value(<redacted>)"),
            AcceptedToken::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

/// The STS part of the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StsConfig {
    /// The roles configured; none means [`DEFAULT_ROLE_ARN`] alone.
    pub roles: Vec<Role>,
    /// The web identity tokens accepted (none: `AssumeRoleWithWebIdentity` refuses every
    /// token).
    pub tokens: Vec<AcceptedToken>,
    /// The longest lifetime of issued keys, whatever `DurationSeconds` asks (short in tests).
    pub max_lifetime: Option<Duration>,
}

impl StsConfig {
    /// The roles that may be assumed.
    pub fn roles(&self) -> Vec<Role> {
        if self.roles.is_empty() {
            vec![Role {
                arn: DEFAULT_ROLE_ARN.to_owned(),
                external_id: None,
            }]
        } else {
            self.roles.clone()
        }
    }

    /// Adds a role (replacing one of the same ARN).
    pub fn add_role(&mut self, role: Role) {
        self.roles.retain(|r| r.arn != role.arn);
        self.roles.push(role);
    }

    /// The token files configured, for the start line.
    pub fn token_files(&self) -> Vec<&PathBuf> {
        self.tokens
            .iter()
            .filter_map(|t| match t {
                AcceptedToken::File(path) => Some(path),
                AcceptedToken::Value(_) => None,
            })
            .collect()
    }
}
