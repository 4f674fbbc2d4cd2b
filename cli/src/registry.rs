//! From an action name known only at run time to a typed call.
//!
//! TEMPORARY, hand-written: the list in [`visit_action`] is the only per-action code in the
//! CLI, and it is meant to be emitted by the code generator next to the request types (same
//! signature, one `match` arm per action), at which point this module keeps only the visitor
//! that sends. Until then an action added to `schema/` gets its subcommand, options, help and
//! validation automatically, and `call`/the subcommand report that it is not wired yet.

use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tencentcloud_transport::{Action, CallOptions, Client};

use crate::exit::{self, CliError};

/// Something done with the type of an action: the generator-facing half of the registry.
pub trait ActionVisitor {
    /// What the visit produces.
    type Output;
    /// Called with the request type of the action that was looked up.
    fn visit<A>(self) -> Self::Output
    where
        A: Action + DeserializeOwned + 'static,
        A::Response: Serialize;
}

/// Calls `visitor.visit::<XxxRequest>()` for the action named `name` (wire name, e.g.
/// `DescribeBackupUrl`); `None` for an unknown name.
// TEMPORARY: to be generated from the schema (one arm per action).
pub fn visit_action<V: ActionVisitor>(name: &str, visitor: V) -> Option<V::Output> {
    match name {
        "DescribeBackupUrl" => {
            Some(visitor.visit::<tencentcloud_redis::DescribeBackupUrlRequest>())
        }
        _ => None,
    }
}

/// A boxed call that yields the response as JSON.
pub type CallFuture = Pin<Box<dyn Future<Output = Result<Value, CliError>> + Send>>;

/// Decodes a JSON body into the typed request and sends it.
pub struct SendJson {
    pub client: Client,
    pub body: Value,
    pub options: CallOptions,
    pub profile_hint: String,
}

impl ActionVisitor for SendJson {
    type Output = Result<CallFuture, CliError>;

    fn visit<A>(self) -> Self::Output
    where
        A: Action + DeserializeOwned + 'static,
        A::Response: Serialize,
    {
        let request: A = serde_json::from_value(self.body).map_err(|e| {
            CliError::usage(format!(
                "the parameters do not make a valid {} request: {e}",
                A::NAME
            ))
        })?;
        let SendJson {
            client,
            options,
            profile_hint,
            ..
        } = self;
        Ok(Box::pin(async move {
            let response = client
                .send_with(request, options)
                .await
                .map_err(|e| exit::from_call(A::NAME, &e, &profile_hint))?;
            serde_json::to_value(&response).map_err(|e| {
                CliError::new(
                    exit::Exit::Network,
                    format!("the {} response could not be shown as JSON: {e}", A::NAME),
                )
            })
        }))
    }
}
