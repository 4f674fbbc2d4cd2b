//! Signing, sending and decoding for Tencent Cloud API 3.0.
//!
//! This crate is generic: it knows nothing about Redis. Generated request types implement
//! [`Action`]; the transport signs them with TC3-HMAC-SHA256, sends them, and decodes the
//! `{"Response": {...}}` envelope into the action's response or its typed error.

mod action;
mod error;

pub use action::{Action, ServiceInfo};
pub use error::{ActionError, ServiceError};
