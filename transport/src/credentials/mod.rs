//! Credentials and where they come from.
//!
//! [`Credentials`] holds a SecretId, a SecretKey and an optional session token; its `Debug`
//! redacts the key and the token. A [`ProvideCredentials`] implementation produces them on
//! demand; the client asks before every attempt, so temporary credentials are refreshed in
//! time. Providers:
//!
//! - [`Credentials`] itself (static credentials);
//! - [`EnvProvider`]: `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and optionally
//!   `TENCENTCLOUD_SESSION_TOKEN`;
//! - [`ProfileProvider`]: the INI file `~/.tencentcloud/credentials`, section `[default]` or the
//!   one named by `TENCENTCLOUD_PROFILE`, keys `secret_id`, `secret_key` and optionally `token`;
//!   [`ProfileProvider::system`] reads the system-wide file `/etc/tencentcloud/credentials`
//!   the same way;
//!   A section naming `role_arn` assumes that role with its keys (a role profile);
//! - [`CvmRoleProvider`]: temporary keys of the CVM instance's CAM role from the metadata
//!   service, cached and refreshed before they expire;
//! - [`AssumeRoleProvider`]: temporary keys of a CAM role from STS `AssumeRole`, called with
//!   the keys of any other provider (cross-account roles);
//! - [`WebIdentityProvider`]: temporary keys of a CAM role for an OIDC token from STS
//!   `AssumeRoleWithWebIdentity` (sent unsigned), the token given or read from a file on every
//!   refresh; [`TkeOidcProvider`] configures one from a TKE pod's `TKE_*` variables;
//! - [`DefaultCredentialsChain`]: the environment, the user's profile file, the system-wide
//!   profile file, the CVM role, the TKE web identity, in that order, as the official SDKs
//!   look; its error names every place it looked.
//!
//! The STS providers cache their temporary keys, refresh them before they expire (one refresh
//! however many calls wait for it), keep using still-valid keys when a refresh fails (with a
//! warning in the log), and report what STS answered as a typed [`StsError`] (code, message,
//! RequestId; [`CredentialsError::sts_error`]). They call STS through a
//! [`Client`](crate::Client) of their own ([`STS_SERVICE`], default host
//! `sts.tencentcloudapi.com`), configured with a [`ClientBuilder`](crate::ClientBuilder).
//!
//! Every provider takes its environment (a variable lookup function, a home directory, a file
//! path, a metadata URL) as a constructor argument, so tests never need to change the process
//! environment or touch `/etc`.

// The values (`keys`) and their error (`error`), the trait every source implements
// (`provider`), one provider per file (`env`, `profile` with its role sections in
// `profile_role`, `cvm_role`, `assume_role`, `web_identity`, `tke`), the STS actions they call
// (`sts`), what they share (`role_session`) and the cache of their temporary keys (`cache`), and the chains that combine them
// (`chain`); all public names are re-exported here, so the files are not part of the API.
// `error` and `provider` are reachable by path for the client, which must not depend on the
// chain (it includes providers that use a client).
mod assume_role;
mod cache;
mod chain;
mod cvm_role;
mod env;
pub(crate) mod error;
mod keys;
mod profile;
mod profile_role;
pub(crate) mod provider;
mod role_session;
mod sts;
mod tke;
mod web_identity;

pub use assume_role::{AssumeRoleProvider, AssumeRoleProviderBuilder};
pub use chain::{CredentialsChain, DefaultCredentialsChain};
pub use cvm_role::{CvmRoleProvider, CVM_METADATA_URL};
pub use env::{EnvProvider, ENV_SECRET_ID, ENV_SECRET_KEY, ENV_SESSION_TOKEN};
pub use error::{CredentialsError, CredentialsErrorKind};
pub use keys::{Credentials, Secret};
pub use profile::{ProfileProvider, ENV_PROFILE, PROFILE_FILE, SYSTEM_PROFILE_FILE};
pub use provider::{CredentialsFuture, EnvLookup, ProvideCredentials};
pub use role_session::DEFAULT_REFRESH_MARGIN;
pub use sts::{
    AssumeRoleRequest, AssumeRoleResponse, AssumeRoleWithWebIdentityRequest, StsCredentials,
    StsError, StsErrorKind, DEFAULT_ROLE_DURATION, DEFAULT_STS_REGION, MAX_ROLE_DURATION,
    STS_INTL_HOST, STS_SERVICE,
};
pub use tke::{
    TkeOidcProvider, ENV_TKE_PROVIDER_ID, ENV_TKE_REGION, ENV_TKE_ROLE_ARN,
    ENV_TKE_WEB_IDENTITY_TOKEN_FILE,
};
pub use web_identity::{WebIdentityProvider, WebIdentityProviderBuilder};
