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
//! - [`CvmRoleProvider`]: temporary keys of the CVM instance's CAM role from the metadata
//!   service, cached and refreshed before they expire;
//! - [`DefaultCredentialsChain`]: the environment, the user's profile file, the system-wide
//!   profile file, the CVM role, in that order, as the official SDKs look; its error names every
//!   place it looked.
//!
//! Every provider takes its environment (a variable lookup function, a home directory, a file
//! path, a metadata URL) as a constructor argument, so tests never need to change the process
//! environment or touch `/etc`.

// The values (`keys`) and their error (`error`), the trait every source implements
// (`provider`), one provider per file (`env`, `profile`, `cvm_role`), and the chains that
// combine them (`chain`); all public names are re-exported here, so the files are not part of
// the API.
mod chain;
mod cvm_role;
mod env;
mod error;
mod keys;
mod profile;
mod provider;

pub use chain::{CredentialsChain, DefaultCredentialsChain};
pub use cvm_role::{CvmRoleProvider, CVM_METADATA_URL};
pub use env::{EnvProvider, ENV_SECRET_ID, ENV_SECRET_KEY, ENV_SESSION_TOKEN};
pub use error::{CredentialsError, CredentialsErrorKind};
pub use keys::{Credentials, Secret};
pub use profile::{ProfileProvider, ENV_PROFILE, PROFILE_FILE, SYSTEM_PROFILE_FILE};
pub use provider::{CredentialsFuture, EnvLookup, ProvideCredentials};
