//! The Rust emitter: a validated [`Schema`] in, tokens out. No file access.
//!
//! The output is a [`Binding`]: the items of the crate root (the service constant, a private
//! serde helper, the common error codes ([`errors`]), the registry of action names and the
//! re-exports of every action's request, response and error), the `types` module ([`types`]:
//! shared data types and every enum), and one module per action under `operation`
//! ([`action`]), as aws-sdk-rust lays its operations out. Which serde impls each type gets is
//! decided by [`usage`]. Items refer to each other by `crate::` paths, so the binding must
//! be the root of its crate.

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
use crate::schema::task::task_id;
use crate::schema::{BaseType, Schema};
pub use options::Options;
use tokens::doc_attrs;
use usage::{Usage, DESERIALIZE_FEATURE, SERIALIZE_FEATURE};

/// The generated binding, module by module, before it is laid out in files.
pub struct Binding {
    /// Items of the crate root, before the module declarations.
    pub root: TokenStream,
    /// The `types` module.
    pub types: Module,
    /// One module per action, in the schema's (sorted) order, declared under `operation`.
    pub operations: Vec<Module>,
    /// Items of the crate root after the module declarations: re-exports and the registry.
    pub root_tail: TokenStream,
}

/// One generated module: its name, its file, the paragraphs of its doc comment and its items.
pub struct Module {
    /// The module's name (`types`, `describe_backup_url`).
    pub name: String,
    /// The module's file, relative to the binding's folder (`types.rs`,
    /// `operation/describe_backup_url.rs`).
    pub file: String,
    /// The doc comment, as paragraphs; attached to the module's declaration.
    pub doc: Vec<String>,
    /// The items inside the module.
    pub items: TokenStream,
}

/// Generates the binding for `schema`. Deterministic: the same schema gives the same tokens.
pub fn generate(schema: &Schema, options: &Options) -> Binding {
    let usage = Usage::new(schema);
    let service = emit_service(schema);
    let display_macro = errors::emit_display_macro();
    let common_errors = errors::emit_common_errors(schema);
    let float_task_id = if schema
        .actions
        .iter()
        .filter_map(task_id)
        .any(|m| m.ty.base == BaseType::Float)
    {
        quote! {
            /// A task ID the schema types as `Float`, if it is a whole, non-negative number.
            fn task_id_from_float(id: f64) -> Option<u64> {
                // 2^64 as f64; every whole float below it converts exactly.
                const LIMIT: f64 = 18_446_744_073_709_551_616.0;
                (id.fract() == 0.0 && (0.0..LIMIT).contains(&id)).then_some(id as u64)
            }
        }
    } else {
        TokenStream::new()
    };
    let root = quote! {
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

        #display_macro

        #common_errors

        /// A response that names the task its action started (its `TaskId`), which
        /// `DescribeTaskInfo` follows until it succeeds or fails.
        pub trait StartsTask {
            /// The started task's ID; `None` when the response names none (or one that is
            /// negative or fractional, which no task has).
            fn started_task(&self) -> Option<u64>;
        }

        #float_task_id

        /// A request that lists items a page at a time by item offset (`Offset`, `Limit`,
        /// `TotalCount`), which a paginator can walk page by page.
        pub trait Paginated: tencentcloud_transport::Action + Clone {
            /// One listed item.
            type Item;

            /// The offset of the first item this request asks for (0 when unset).
            fn page_offset(&self) -> u64;

            /// Asks for the page starting at `offset`.
            fn set_page_offset(&mut self, offset: u64);

            /// How many items match in all, as the response says.
            fn total_count(response: &Self::Response) -> Option<u64>;

            /// The page's items.
            fn into_items(response: Self::Response) -> Vec<Self::Item>;
        }
    };
    let types = Module {
        name: "types".to_owned(),
        file: "types.rs".to_owned(),
        doc: vec![
            "Data types shared by several actions, and the enumerated values of string members."
                .to_owned(),
        ],
        items: types::emit_types_items(schema, &usage),
    };
    let operations = schema
        .actions
        .iter()
        .map(|a| Module {
            name: names::snake_case(&a.name),
            file: format!("operation/{}.rs", names::snake_case(&a.name)),
            doc: vec![format!(
                "The `{}` action: {}",
                a.name,
                docs::description_or_none(&a.description, "action")
            )],
            items: action::emit_action(schema, a, options),
        })
        .collect();
    let reexports = schema.actions.iter().map(|a| {
        let module = format_ident!("{}", names::snake_case(&a.name));
        let items = ["Request", "Response", "Error"]
            .map(|suffix| format_ident!("{}", names::action_item(&a.name, suffix)));
        quote!(pub use operation::#module::{#(#items),*};)
    });
    let registry = emit_registry(schema);
    let root_tail = quote! {
        #(#reexports)*

        #registry
    };
    Binding {
        root,
        types,
        operations,
        root_tail,
    }
}

/// How [`Binding::tokens`] places each module's items.
pub enum ModuleBodies<'a> {
    /// Inside the module's braces: one self-contained file.
    Inline,
    /// `include!(concat!(env!(<var>), "/<path>"))`: each module in a file of its own, in the
    /// folder the environment variable names when the crate compiles (`OUT_DIR`).
    Included {
        /// The environment variable naming the folder of the module files.
        dir_var: &'a str,
    },
}

impl Binding {
    /// The crate root's tokens, with every module's items placed as `bodies` says.
    pub fn tokens(&self, bodies: &ModuleBodies<'_>) -> TokenStream {
        let declare = |module: &Module| {
            let name = format_ident!("{}", module.name);
            let doc = doc_attrs(&module.doc);
            let body = match bodies {
                ModuleBodies::Inline => module.items.clone(),
                ModuleBodies::Included { dir_var } => {
                    let file = format!("/{}", module.file);
                    quote!(include!(concat!(env!(#dir_var), #file));)
                }
            };
            quote! {
                #doc
                pub mod #name {
                    #body
                }
            }
        };
        let (root, root_tail) = (&self.root, &self.root_tail);
        let types = declare(&self.types);
        let operations = self.operations.iter().map(declare);
        quote! {
            #root

            #types

            /// One module per action: its request, response and error. The crate root
            /// re-exports all three, so `DescribeBackupUrlRequest` and
            /// `operation::describe_backup_url::DescribeBackupUrlRequest` are the same type.
            pub mod operation {
                #(#operations)*
            }

            #root_tail
        }
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
