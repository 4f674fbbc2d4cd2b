//! Structs: requests, responses and data types, with `new(..)` for the required members and a
//! chained setter for every other one.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::tokens::{doc_attrs, ident};
use super::usage::{serde_derives, Directions};
use crate::docs;
use crate::schema::names;
use crate::schema::{BaseType, Member};

/// Which module an item is emitted into: an action's module under `operation`, or `types`.
/// Paths to data types differ between the two.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Operation,
    Types,
}

/// How a struct treats its members when decoding.
///
/// Requests and types only ever sent are `Strict`: a required member is a bare field and a
/// missing one fails to decode. Anything the server sends is `Tolerant`: missing members,
/// `null` and unknown fields all decode.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
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

/// One struct to emit.
pub(super) struct StructSpec<'a> {
    pub name: &'a Ident,
    pub paragraphs: &'a [String],
    pub members: &'a [Member],
    pub mode: Mode,
    pub scope: Scope,
    pub directions: Directions,
}

fn base_type(member: &Member, scope: Scope) -> TokenStream {
    let path = |name: &str| {
        let name = ident(name);
        match scope {
            Scope::Operation => quote!(crate::types::#name),
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

fn shape(member: &Member, mode: Mode) -> Shape {
    match (mode, member.required, member.ty.array) {
        (Mode::Strict, true, _) => Shape::Bare,
        (_, _, true) => Shape::Defaulted,
        (Mode::Tolerant, true, false) if value_has_default(member) => Shape::Defaulted,
        _ => Shape::Optional,
    }
}

/// Whether the member's field is an `Option` in a struct of `mode`.
pub(super) fn is_optional(member: &Member, mode: Mode) -> bool {
    matches!(shape(member, mode), Shape::Optional)
}

fn field<'a>(member: &'a Member, mode: Mode, scope: Scope) -> Field<'a> {
    let value_ty = base_type(member, scope);
    let shape = shape(member, mode);
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

fn facts(member: &Member, mode: Mode, scope: Scope) -> String {
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
    match (mode, scope) {
        (Mode::Strict, _) => facts.push(
            if member.required {
                "Required"
            } else {
                "Optional"
            }
            .to_owned(),
        ),
        // A response's own members: `required` is the project's promise (RequestId).
        (Mode::Tolerant, Scope::Operation) if member.required => {
            facts.push("Always returned".into())
        }
        // A type that is also sent: `required` is the request's.
        (Mode::Tolerant, Scope::Types) if member.required => {
            facts.push("Required when sent".into())
        }
        _ => {}
    }
    if member.always_returned && !(scope == Scope::Operation && member.required) {
        facts.push("Always returned, the API spec says".to_owned());
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

pub(super) fn emit_struct(spec: &StructSpec<'_>) -> TokenStream {
    let StructSpec {
        name,
        paragraphs,
        members,
        mode,
        scope,
        directions,
    } = *spec;
    let fields: Vec<Field<'_>> = members.iter().map(|m| field(m, mode, scope)).collect();
    let null_as_default = "crate::serde_support::null_as_default";

    let decls = fields.iter().map(|f| {
        let wire = &f.member.name;
        let ident = &f.ident;
        let ty = &f.ty;
        let doc = doc_attrs(&[
            docs::description_or_none(&f.member.description, "member"),
            facts(f.member, mode, scope),
        ]);
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
    let (serde_always, serde_optional) = serde_derives(directions);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default_derive #serde_always)]
        #serde_optional
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
