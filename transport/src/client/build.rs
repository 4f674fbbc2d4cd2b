//! [`ClientBuilder::build`]: the configured credentials, else the default chain. Kept apart
//! from the builder so that the credential providers which call STS through a client (and
//! which the default chain includes) use the builder without depending on the chain.

use std::sync::Arc;

use super::builder::ClientBuilder;
use super::call::Client;
use crate::credentials::DefaultCredentialsChain;
use crate::error::ConstructionError;

impl ClientBuilder {
    /// Checks the configuration and builds the client. Without
    /// [`ClientBuilder::credentials`], the client asks [`DefaultCredentialsChain::new`].
    pub fn build(self) -> Result<Client, ConstructionError> {
        self.build_or(|| Arc::new(DefaultCredentialsChain::new()))
    }
}
