//! Signing, sending and decoding for Tencent Cloud API 3.0.
//!
//! This crate is generic: it knows nothing about Redis. Generated request types implement
//! [`Action`]; the [`Client`] signs them with TC3-HMAC-SHA256 ([`sign`]), sends them, retries
//! transient failures ([`RetryPolicy`]), keeps to each action's documented rate
//! ([`RateLimit`]), and decodes the `{"Response": {...}}` envelope into the action's response
//! or its typed error ([`Error::Service`]).
//!
//! ```no_run
//! use tencentcloud_transport::{Client, Endpoint, Language};
//!
//! # async fn demo<A: tencentcloud_transport::Action>(request: A)
//! # -> Result<(), Box<dyn std::error::Error>> {
//! // Credentials come from the default chain: environment, ~/.tencentcloud/credentials,
//! // /etc/tencentcloud/credentials, CVM role.
//! let client = Client::builder()
//!     .region("ap-guangzhou")
//!     .endpoint(Endpoint::Default)
//!     .language(Language::EnUs)
//!     .build()?;
//! let response = client.send(request).await;
//! # let _ = response; Ok(()) }
//! ```
//!
//! Servers (the local emulator) verify incoming signatures with [`sign::parse_authorization`]
//! and [`sign::verify`].
//!
//! [`time`] converts between Unix time and UTC calendar dates and times, including the API's
//! `YYYY-MM-DD hh:mm:ss` format ([`time::UtcDateTime`]).

mod action;
mod client;
pub mod credentials;
mod envelope;
mod error;
pub mod query;
mod ratelimit;
mod retry;
pub mod sign;
pub mod time;

pub use action::{Action, ServiceInfo};
pub use client::{
    CallOptions, Client, ClientBuilder, Clock, Endpoint, Language, RequestForm, SendOutcome,
    Timeouts, MAX_RESPONSE_BYTES,
};
pub use credentials::{Credentials, CredentialsError, ProvideCredentials};
pub use envelope::decode_response;
pub use error::{
    ActionError, ConstructionError, DecodeError, DecodeReason, Error, NetworkError, ServiceError,
    TimeoutError, TimeoutKind,
};
pub use ratelimit::RateLimit;
pub use retry::{is_retryable_code, RetryPolicy};

/// The HTTP client library the transport uses, re-exported for [`ClientBuilder::http_client`].
pub use reqwest;
