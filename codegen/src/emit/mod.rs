//! The Rust emitter: a validated [`Schema`] in, tokens out. No file access.
//!
//! Layout of the output: the service constant, a private serde helper, the `types` module
//! ([`types`]: shared data types and every enum), the common error codes ([`errors`]), then
//! per action its request, response and error ([`action`]), and the registry of action names.
//! Which serde impls each type gets is decided by [`usage`].

mod action;
mod enums;
mod errors;
mod options;
mod structs;
mod tokens;
mod types;
mod usage;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::docs;
use crate::schema::names;
use crate::schema::Schema;
pub use options::Options;
use tokens::doc_attrs;
use usage::{Usage, DESERIALIZE_FEATURE, SERIALIZE_FEATURE};

/// Generates the binding for `schema`. Deterministic: the same schema gives the same tokens.
pub fn generate(schema: &Schema, options: &Options) -> TokenStream {
    let usage = Usage::new(schema);
    let service = emit_service(schema);
    let types = types::emit_types_module(schema, &usage);
    let display_macro = errors::emit_display_macro();
    let common_errors = errors::emit_common_errors(schema);
    let actions = schema
        .actions
        .iter()
        .map(|a| action::emit_action(schema, a, options));
    let registry = emit_registry(schema);
    quote! {
        #service

        mod serde_support {
            /// Decodes a missing or `null` value as the type's default: the docs say many
            /// lists "may return null", and an empty list is the same answer.
            pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
            where
                D: serde::Deserializer<'de>,
                T: serde::Deserialize<'de> + Default,
            {
                let value: Option<T> = serde::Deserialize::deserialize(deserializer)?;
                Ok(value.unwrap_or_default())
            }
        }

        #types

        #display_macro

        #common_errors

        #(#actions)*

        #registry
    }
}

fn emit_registry(schema: &Schema) -> TokenStream {
    let names: Vec<&str> = schema.actions.iter().map(|a| a.name.as_str()).collect();
    let requests = schema
        .actions
        .iter()
        .map(|a| format_ident!("{}", names::action_item(&a.name, "Request")));
    quote! {
        /// The wire names of every action in this binding, sorted.
        pub const ACTION_NAMES: &[&str] = &[#(#names),*];

        /// Something to do with the request type of an action chosen at run time, such as
        /// decoding a JSON body into it and sending it. See [`visit_action`]. With the
        /// features `serde-serialize` and `serde-deserialize`, which give requests
        /// `Deserialize` and responses `Serialize`.
        #[cfg(all(feature = #SERIALIZE_FEATURE, feature = #DESERIALIZE_FEATURE))]
        pub trait ActionVisitor {
            /// What the visit produces.
            type Output;

            /// Called with the request type of the action that was looked up.
            fn visit<A>(self) -> Self::Output
            where
                A: tencentcloud_transport::Action + serde::de::DeserializeOwned + 'static,
                A::Response: serde::Serialize;
        }

        /// Calls `visitor.visit::<XxxRequest>()` for the action with wire name `name`, or
        /// returns `None` if this binding has no such action.
        #[cfg(all(feature = #SERIALIZE_FEATURE, feature = #DESERIALIZE_FEATURE))]
        pub fn visit_action<V: ActionVisitor>(name: &str, visitor: V) -> Option<V::Output> {
            match name {
                #(#names => Some(visitor.visit::<#requests>()),)*
                _ => None,
            }
        }
    }
}

fn emit_service(schema: &Schema) -> TokenStream {
    let s = &schema.service;
    let (name, version, default, mainland, regional, region_required) = (
        &s.service,
        &s.version,
        &s.hosts.default,
        &s.hosts.mainland,
        &s.hosts.regional,
        s.region_required,
    );
    let doc = doc_attrs(&[
        format!(
            "The {} service, API version {}: its name, version and hosts.",
            docs::escape(&s.title),
            docs::escape(version)
        ),
        format!(
            "Default host `{default}`; mainland `{mainland}`; regional `{regional}`. {}",
            if region_required {
                "Every call must name a region."
            } else {
                "A region is optional."
            }
        ),
    ]);
    quote! {
        #doc
        pub const SERVICE: tencentcloud_transport::ServiceInfo = tencentcloud_transport::ServiceInfo {
            name: #name,
            version: #version,
            default_host: #default,
            mainland_host: #mainland,
            regional_host: #regional,
            region_required: #region_required,
        };
    }
}
