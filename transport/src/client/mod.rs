//! The HTTP client: one generic [`Client::send`] for every action.

// What can be configured (`config`), the builder that checks it (`builder`) and its `build`
// with the default credentials chain (`build`), what every clone of a client shares
// (`inner`), the client and its send methods (`call`), and the loop that signs, sends and
// retries each attempt (`attempt`); every public name is re-exported here, so the files are
// not part of the API. The credential providers that call STS reach `builder`, `call` and
// `config` by their paths (never this file, which leads to the chain through `build`).
mod attempt;
mod build;
pub(crate) mod builder;
pub(crate) mod call;
pub(crate) mod config;
mod inner;

pub use builder::ClientBuilder;
pub use call::{Client, SendOutcome};
pub use config::{
    CallOptions, Clock, Endpoint, Language, RequestForm, Timeouts, MAX_RESPONSE_BYTES,
};
