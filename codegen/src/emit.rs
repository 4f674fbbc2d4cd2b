//! The Rust emitter: a validated [`Schema`] in, tokens out. No file access.
//!
//! Layout of the output: the service constant, a private serde helper, the `types` module
//! (shared data types and every enum), then per action its request, response and error.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::docs;
use crate::schema::names;
use crate::schema::{Action, BaseType, DataType, ErrorCode, Member, Schema};

/// Which module an item is emitted into; type paths differ between the two.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Root,
    Types,
}

/// How a struct treats its members when decoding.
///
/// Requests and types only ever sent are `Strict`: a required member is a bare field and a
/// missing one fails to decode. Anything the server sends is `Tolerant`: missing members,
/// `null` and unknown fields all decode.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Strict,
    Tolerant,
}

/// How one member is represented as a field.
enum Shape {
    /// `T`, required in `new(..)`, must be present on decode.
    Bare,
    /// `T` that decodes a missing or `null` value as `T::default()` (lists, and required
    /// output scalars such as `RequestId`).
    Defaulted,
    /// `Option<T>`.
    Optional,
}

struct Field<'a> {
    member: &'a Member,
    ident: Ident,
    /// The element or value type, without `Vec`/`Option`.
    value_ty: TokenStream,
    ty: TokenStream,
    shape: Shape,
    /// Taken by `new(..)` rather than set by a setter.
    in_new: bool,
}

/// Choices about the output that are not facts of the API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The name of the crate the binding is compiled into (e.g. `tencentcloud_redis`). When set,
    /// each action's docs carry a `no_run` example that calls it through that crate's `Client`.
    pub crate_name: Option<String>,
}

/// Generates the binding for `schema`. Deterministic: the same schema gives the same tokens.
pub fn generate(schema: &Schema, options: &Options) -> TokenStream {
    let output_types = reachable_types(schema, |a| &a.output);
    let service = emit_service(schema);
    let types = emit_types_module(schema, &output_types);
    let actions = schema
        .actions
        .iter()
        .map(|a| emit_action(schema, a, options));
    let registry = emit_registry(schema);
    // Imports are emitted only where used, so the output compiles warning-free whatever the
    // schema holds.
    let fmt_import = (!schema.actions.is_empty()).then(|| {
        quote!(
            use std::fmt;
        )
    });
    let serde_import = (!schema.actions.is_empty()).then(|| {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    });
    quote! {
        #fmt_import
        #serde_import

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

        #(#actions)*

        #registry
    }
}

/// The run-time registry: every action's wire name, and a way to reach an action's request
/// type from its name (for tools like a CLI that learn the action at run time).
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
        /// decoding a JSON body into it and sending it. See [`visit_action`].
        pub trait ActionVisitor {
            /// What the visit produces.
            type Output;

            /// Called with the request type of the action that was looked up.
            fn visit<A>(self) -> Self::Output
            where
                A: tencentcloud_transport::Action + serde::de::DeserializeOwned + 'static,
                A::Response: Serialize;
        }

        /// Calls `visitor.visit::<XxxRequest>()` for the action with wire name `name`, or
        /// returns `None` if this binding has no such action.
        pub fn visit_action<V: ActionVisitor>(name: &str, visitor: V) -> Option<V::Output> {
            match name {
                #(#names => Some(visitor.visit::<#requests>()),)*
                _ => None,
            }
        }
    }
}

fn doc_attrs(paragraphs: &[String]) -> TokenStream {
    let mut lines = Vec::new();
    for (i, p) in paragraphs.iter().filter(|p| !p.is_empty()).enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        lines.extend(docs::lines(p));
    }
    quote! { #(#[doc = #lines])* }
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
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

/// Names of data types reachable from the given members of any action, transitively.
fn reachable_types<'a>(
    schema: &'a Schema,
    roots: fn(&'a Action) -> &'a Vec<Member>,
) -> BTreeSet<&'a str> {
    let by_name: BTreeMap<&str, &DataType> =
        schema.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let named = |m: &'a Member| match &m.ty.base {
        BaseType::Named(n) => Some(n.as_str()),
        _ => None,
    };
    for action in &schema.actions {
        stack.extend(roots(action).iter().filter_map(named));
    }
    while let Some(name) = stack.pop() {
        if seen.insert(name) {
            if let Some(t) = by_name.get(name) {
                stack.extend(t.members.iter().filter_map(named));
            }
        }
    }
    seen
}

fn emit_types_module(schema: &Schema, output_types: &BTreeSet<&str>) -> TokenStream {
    let input_types = reachable_types(schema, |a| &a.input);
    let structs = schema.types.iter().map(|t| {
        // A type only ever sent is strict; anything the server may send decodes tolerantly.
        let mode =
            if input_types.contains(t.name.as_str()) && !output_types.contains(t.name.as_str()) {
                Mode::Strict
            } else {
                Mode::Tolerant
            };
        let mut paragraphs = vec![docs::escape(&t.description)];
        if let Some(p) = &t.provenance {
            paragraphs.push(format!("Source: {}.", docs::escape(&p.source)));
        }
        emit_struct(&ident(&t.name), &paragraphs, &t.members, mode, Scope::Types)
    });

    // Every member with documented values gets one enum; the validator made sure members that
    // share an enum name share its values.
    let mut enums: BTreeMap<&str, &Member> = BTreeMap::new();
    for member in schema.types.iter().flat_map(|t| t.members.iter()).chain(
        schema
            .actions
            .iter()
            .flat_map(|a| a.input.iter().chain(a.output.iter())),
    ) {
        if let Some(name) = member.enum_type_name() {
            enums.entry(name).or_insert(member);
        }
    }
    let fmt_import = (!enums.is_empty()).then(|| {
        quote!(
            use std::fmt;
        )
    });
    let serde_import = (!enums.is_empty() || !schema.types.is_empty()).then(|| {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    });
    let enums = enums
        .into_iter()
        .map(|(name, member)| emit_enum(name, member));

    quote! {
        /// Data types shared by several actions, and the enumerated values of string members.
        pub mod types {
            #fmt_import
            #serde_import

            #(#structs)*
            #(#enums)*
        }
    }
}

fn base_type(member: &Member, scope: Scope) -> TokenStream {
    let path = |name: &str| {
        let name = ident(name);
        match scope {
            Scope::Root => quote!(types::#name),
            Scope::Types => quote!(#name),
        }
    };
    if let Some(enum_name) = member.enum_type_name() {
        return path(enum_name);
    }
    match &member.ty.base {
        BaseType::String => quote!(String),
        BaseType::Integer(int) => match (int.width, int.unsigned) {
            (32, false) => quote!(i32),
            (32, true) => quote!(u32),
            (_, false) => quote!(i64),
            (_, true) => quote!(u64),
        },
        BaseType::Boolean => quote!(bool),
        BaseType::Float => quote!(f64),
        BaseType::Named(name) => path(name),
    }
}

/// Whether the member's value type has a `Default` (plain scalars and strings do; generated
/// enums and structs are not assumed to).
fn value_has_default(member: &Member) -> bool {
    member.enum_type_name().is_none() && !matches!(member.ty.base, BaseType::Named(_))
}

fn field<'a>(member: &'a Member, mode: Mode, scope: Scope) -> Field<'a> {
    let value_ty = base_type(member, scope);
    let shape = match (mode, member.required, member.ty.array) {
        (Mode::Strict, true, _) => Shape::Bare,
        (_, _, true) => Shape::Defaulted,
        (Mode::Tolerant, true, false) if value_has_default(member) => Shape::Defaulted,
        _ => Shape::Optional,
    };
    let element = value_ty.clone();
    let ty = match (&shape, member.ty.array) {
        (Shape::Optional, false) => quote!(Option<#element>),
        (_, true) => quote!(Vec<#element>),
        (_, false) => element,
    };
    Field {
        member,
        ident: ident(&names::field_name(&member.name)),
        value_ty,
        ty,
        // Required members are `new` arguments. A shared type the server also sends decodes
        // them tolerantly (`Defaulted`) but still asks for them when a user builds one.
        in_new: matches!(shape, Shape::Bare)
            || (scope == Scope::Types && member.required && matches!(shape, Shape::Defaulted)),
        shape,
    }
}

fn facts(member: &Member, mode: Mode, with_required: bool) -> String {
    let mut facts = vec![format!(
        "Wire name `{}`, {}",
        member.name,
        member.ty.doc_name()
    )];
    if let BaseType::Integer(int) = &member.ty.base {
        facts[0].push_str(&format!(
            " ({}-bit{})",
            int.width,
            if int.unsigned { ", unsigned" } else { "" }
        ));
    }
    if with_required {
        facts.push(
            if member.required {
                "Required"
            } else {
                "Optional"
            }
            .to_owned(),
        );
    } else if member.required && mode == Mode::Tolerant {
        facts.push("Always returned".to_owned());
    }
    if !member.values.is_empty() {
        let values: Vec<String> = member
            .values
            .iter()
            .map(|v| format!("`{}`", v.value))
            .collect();
        facts.push(format!("Allowed values: {}", values.join(", ")));
    }
    if let Some(default) = &member.default {
        facts.push(format!("Default: `{default}`"));
    }
    if let Some(unit) = &member.unit {
        facts.push(format!("Unit: {}", docs::escape(unit)));
    }
    if member.nullable {
        facts.push("May be null: the service then has no valid value to return".to_owned());
    }
    if member.deprecated {
        facts.push("Deprecated: the docs say it will be disused soon".to_owned());
    }
    format!("{}.", facts.join(". "))
}

fn deprecated_attr(member: &Member) -> TokenStream {
    if member.deprecated {
        quote!(#[deprecated(note = "the API documentation says this member will be disused soon")])
    } else {
        quote!()
    }
}

fn emit_struct(
    name: &Ident,
    paragraphs: &[String],
    members: &[Member],
    mode: Mode,
    scope: Scope,
) -> TokenStream {
    let fields: Vec<Field<'_>> = members.iter().map(|m| field(m, mode, scope)).collect();
    let with_required = mode == Mode::Strict;
    let null_as_default = match scope {
        Scope::Root => "serde_support::null_as_default",
        Scope::Types => "super::serde_support::null_as_default",
    };

    let decls = fields.iter().map(|f| {
        let wire = &f.member.name;
        let ident = &f.ident;
        let ty = &f.ty;
        let doc = doc_attrs(&[docs::escape(&f.member.description), facts(f.member, mode, with_required)]);
        let deprecated = deprecated_attr(f.member);
        let serde = match (&f.shape, f.member.ty.array, mode) {
            (Shape::Bare, _, _) => quote!(#[serde(rename = #wire)]),
            (Shape::Defaulted, true, Mode::Strict) => quote! {
                #[serde(rename = #wire, default, deserialize_with = #null_as_default, skip_serializing_if = "Vec::is_empty")]
            },
            (Shape::Defaulted, _, _) => quote! {
                #[serde(rename = #wire, default, deserialize_with = #null_as_default)]
            },
            (Shape::Optional, _, _) => quote! {
                #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
            },
        };
        quote! {
            #doc
            #deprecated
            #serde
            pub #ident: #ty,
        }
    });

    // `new` takes the bare members; every other member gets a chained setter.
    let new_fields: Vec<&Field<'_>> = fields.iter().filter(|f| f.in_new).collect();
    let params = new_fields.iter().map(|f| {
        let ident = &f.ident;
        let (arg_ty, _) = setter_arg(f);
        quote!(#ident: #arg_ty)
    });
    let inits = fields.iter().map(|f| {
        let ident = &f.ident;
        if f.in_new {
            let (_, convert) = setter_arg(f);
            if *ident == convert.to_string() {
                quote!(#ident)
            } else {
                quote!(#ident: #convert)
            }
        } else {
            quote!(#ident: Default::default())
        }
    });
    let new_doc = if new_fields.is_empty() {
        format!(" A `{name}` with every member unset.")
    } else {
        let names: Vec<String> = new_fields
            .iter()
            .map(|f| format!("`{}`", f.member.name))
            .collect();
        format!(
            " A `{name}` with its required members {}; the others are set with the chained setters.",
            names.join(", ")
        )
    };
    let too_many = if new_fields.len() > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    let setters = fields.iter().filter(|f| !f.in_new).map(|f| {
        let ident = &f.ident;
        let (arg_ty, convert) = setter_arg(f);
        let value = match f.shape {
            Shape::Optional => quote!(Some(#convert)),
            _ => convert,
        };
        let doc = format!(" Sets `{}`.", f.member.name);
        let deprecated = deprecated_attr(f.member);
        quote! {
            #[doc = #doc]
            #deprecated
            #[must_use]
            pub fn #ident(mut self, #ident: #arg_ty) -> Self {
                self.#ident = #value;
                self
            }
        }
    });

    // `Default` only where it cannot leave a required member empty: exactly when `new` takes
    // no arguments.
    let default_derive = if new_fields.is_empty() {
        quote!(Default,)
    } else {
        quote!()
    };
    let doc = doc_attrs(paragraphs);
    let allow_deprecated = if members.iter().any(|m| m.deprecated) {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default_derive Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#decls)*
        }

        #allow_deprecated
        impl #name {
            #[doc = #new_doc]
            #too_many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*
        }
    }
}

/// The argument type a constructor or setter takes for a field, and the expression turning
/// the argument (named like the field) into the field's value type.
fn setter_arg(f: &Field<'_>) -> (TokenStream, TokenStream) {
    let ident = &f.ident;
    let value_ty = &f.value_ty;
    let takes_into = f.member.enum_type_name().is_some() || f.member.ty.base == BaseType::String;
    if f.member.ty.array {
        if takes_into {
            (
                quote!(impl IntoIterator<Item = impl Into<#value_ty>>),
                quote!(#ident.into_iter().map(Into::into).collect()),
            )
        } else {
            (
                quote!(impl IntoIterator<Item = #value_ty>),
                quote!(#ident.into_iter().collect()),
            )
        }
    } else if takes_into {
        (quote!(impl Into<#value_ty>), quote!(#ident.into()))
    } else {
        (quote!(#value_ty), quote!(#ident))
    }
}

fn emit_enum(name: &str, member: &Member) -> TokenStream {
    let name = ident(name);
    let variants: Vec<(Ident, &str, String)> = member
        .values
        .iter()
        .filter_map(|v| {
            names::enum_variant(&v.value).map(|variant| {
                (
                    ident(&variant),
                    v.value.as_str(),
                    docs::escape(&v.description),
                )
            })
        })
        .collect();
    let decls = variants.iter().map(|(variant, value, description)| {
        let doc = doc_attrs(&[format!("`{value}`: {description}")]);
        quote! { #doc #variant, }
    });
    let values: Vec<&str> = variants.iter().map(|(_, value, _)| *value).collect();
    let as_str = variants
        .iter()
        .map(|(variant, value, _)| quote!(Self::#variant => #value,));
    let from_str = variants
        .iter()
        .map(|(variant, value, _)| quote!(#value => Self::#variant,));
    let from_string = variants
        .iter()
        .map(|(variant, value, _)| quote!(#value => Self::#variant,));
    let default_impl = member.default.as_ref().and_then(|default| {
        let (variant, _, _) = variants.iter().find(|(_, value, _)| value == default)?;
        let doc = format!(" The documented default, `{default}`.");
        Some(quote! {
            impl Default for #name {
                #[doc = #doc]
                fn default() -> Self {
                    Self::#variant
                }
            }
        })
    });
    let doc = doc_attrs(&[
        docs::escape(&member.description),
        format!(
            "Values of `{}`. Values this binding does not know decode as `Unknown` with the raw string kept, and encode back unchanged.",
            member.name
        ),
    ]);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
            /// A value not documented when this binding was generated, kept as received.
            Unknown(String),
        }

        impl #name {
            /// Every documented value, in documentation order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_string)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value: String = Deserialize::deserialize(deserializer)?;
                Ok(Self::from(value))
            }
        }

        #default_impl
    }
}

fn emit_action(schema: &Schema, action: &Action, options: &Options) -> TokenStream {
    let request = format_ident!("{}", names::action_item(&action.name, "Request"));
    let response = format_ident!("{}", names::action_item(&action.name, "Response"));
    let error = format_ident!("{}", names::action_item(&action.name, "Error"));
    let name = &action.name;
    let version = &schema.service.version;
    let rate = match action.rate_limit_per_second {
        Some(n) => {
            let n = Literal::u32_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    };

    let mut request_doc = vec![
        format!("Request of the `{name}` action. {}", docs::escape(&action.description)),
        format!(
            "Sent as `POST /` with `X-TC-Action: {name}` and `X-TC-Version: {version}`; the body is this value as JSON."
        ),
    ];
    if let Some(n) = action.rate_limit_per_second {
        request_doc.push(format!("Documented limit: {n} requests per second."));
    }
    if let Some(p) = &action.provenance {
        request_doc.push(format!("Source: {}.", docs::escape(&p.source)));
    }
    if let Some(example) = options
        .crate_name
        .as_deref()
        .and_then(|krate| usage_example(action, krate))
    {
        request_doc.push("# Example".to_owned());
        request_doc.push(example);
    }
    let request_struct = emit_struct(
        &request,
        &request_doc,
        &action.input,
        Mode::Strict,
        Scope::Root,
    );
    let response_doc = vec![format!(
        "The `Response` object of a successful `{name}` call. Unknown members are ignored; members the docs say may be null decode from `null`."
    )];
    let response_struct = emit_struct(
        &response,
        &response_doc,
        &action.output,
        Mode::Tolerant,
        Scope::Root,
    );
    let error_enum = emit_error(schema, action, &error, &request);

    quote! {
        #request_struct

        impl tencentcloud_transport::Action for #request {
            type Response = #response;
            type Error = #error;
            const NAME: &'static str = #name;
            const SERVICE: &'static tencentcloud_transport::ServiceInfo = &SERVICE;
            const RATE_LIMIT_PER_SECOND: Option<u32> = #rate;
        }

        #response_struct

        #error_enum
    }
}

fn emit_error(schema: &Schema, action: &Action, error: &Ident, request: &Ident) -> TokenStream {
    // The action's own codes first, in documentation order, then the common codes it does not
    // document itself.
    let own: BTreeSet<&str> = action.errors.iter().map(|e| e.code.as_str()).collect();
    let codes: Vec<(&ErrorCode, &str)> = action
        .errors
        .iter()
        .map(|e| (e, "documented for this action"))
        .chain(
            schema
                .common_errors
                .errors
                .iter()
                .filter(|e| !own.contains(e.code.as_str()))
                .map(|e| (e, "common to every action")),
        )
        .collect();
    let variants: Vec<Ident> = codes
        .iter()
        .map(|(e, _)| ident(&names::error_variant(&e.code)))
        .collect();
    let decls = codes.iter().zip(&variants).map(|((e, origin), variant)| {
        let doc = doc_attrs(&[format!(
            "`{}` ({origin}): {}",
            e.code,
            docs::escape(&e.description)
        )]);
        quote! { #doc #variant(tencentcloud_transport::ServiceError), }
    });
    let arms = codes.iter().zip(&variants).map(|((e, _), variant)| {
        let code = &e.code;
        quote!(#code => Self::#variant(raw),)
    });
    let name = &action.name;
    let doc = doc_attrs(&[
        format!("An error answered by `{name}` (see [`{request}`])."),
        format!(
            "One variant per code: the {} codes the action documents, then the {} common codes. Any other code becomes `Unhandled`. Every variant keeps the raw code, message and request id.",
            action.errors.len(),
            codes.len() - action.errors.len()
        ),
    ]);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #error {
            #(#decls)*
            /// A code not documented for this action, kept as received.
            Unhandled(tencentcloud_transport::ServiceError),
        }

        impl #error {
            /// Classifies a raw service error by its code.
            pub fn from_service_error(raw: tencentcloud_transport::ServiceError) -> Self {
                match raw.code.as_str() {
                    #(#arms)*
                    _ => Self::Unhandled(raw),
                }
            }

            /// The raw error as received: code, message and request id.
            pub fn service_error(&self) -> &tencentcloud_transport::ServiceError {
                match self {
                    #(Self::#variants(raw))|* | Self::Unhandled(raw) => raw,
                }
            }

            /// The error code, e.g. `ResourceNotFound.InstanceNotExists`.
            pub fn code(&self) -> &str {
                &self.service_error().code
            }

            /// The service's message.
            pub fn message(&self) -> &str {
                &self.service_error().message
            }

            /// The request id to quote to support; empty if the service sent none.
            pub fn request_id(&self) -> &str {
                &self.service_error().request_id
            }
        }

        impl fmt::Display for #error {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self.service_error(), f)
            }
        }

        impl std::error::Error for #error {}

        impl tencentcloud_transport::ActionError for #error {
            fn from_service_error(raw: tencentcloud_transport::ServiceError) -> Self {
                Self::from_service_error(raw)
            }

            fn service_error(&self) -> &tencentcloud_transport::ServiceError {
                self.service_error()
            }
        }
    }
}

/// A `no_run` doc example calling the action, with required arguments taken from the
/// documented example request where it has them. `None` when a required member is of a kind
/// that has no short literal (a list or a structure).
fn usage_example(action: &Action, krate: &str) -> Option<String> {
    let example = action.examples.first().map(|e| &e.request);
    let mut args = Vec::new();
    for member in action.input.iter().filter(|m| m.required) {
        if member.ty.array {
            return None;
        }
        let documented = example.and_then(|body| body.get(&member.name));
        let arg = match (&member.ty.base, documented) {
            (BaseType::String, Some(serde_json::Value::String(s))) => format!("{s:?}"),
            (BaseType::String, _) => format!("{:?}", format!("<{}>", member.name)),
            (BaseType::Integer(_), Some(serde_json::Value::Number(n)))
                if n.is_i64() || n.is_u64() =>
            {
                n.to_string()
            }
            (BaseType::Integer(_), _) => "0".to_owned(),
            (BaseType::Boolean, Some(serde_json::Value::Bool(b))) => b.to_string(),
            (BaseType::Boolean, _) => "false".to_owned(),
            (BaseType::Float, _) | (BaseType::Named(_), _) => return None,
        };
        args.push(arg);
    }
    let request = names::action_item(&action.name, "Request");
    Some(format!(
        "```no_run\n\
         # async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n\
         use {krate}::{{Client, {request}}};\n\
         \n\
         // Credentials from the environment, a credentials file or the CVM role.\n\
         let client = Client::builder().region(\"ap-guangzhou\").build()?;\n\
         let response = client.send({request}::new({})).await?;\n\
         println!(\"{{response:?}}\");\n\
         # Ok(())\n\
         # }}\n\
         ```",
        args.join(", ")
    ))
}
