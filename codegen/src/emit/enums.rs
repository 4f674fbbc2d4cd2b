//! Enums of documented string values: `#[non_exhaustive]`, an `Unknown(String)` arm that
//! keeps any value the binding does not know, and lossless serde impls.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::tokens::{doc_attrs, ident};
use super::usage::{impl_cfg, Directions};
use crate::docs;
use crate::schema::names;
use crate::schema::Member;

pub(super) fn emit_enum(name: &str, member: &Member, directions: Directions) -> TokenStream {
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
    let serialize_cfg = impl_cfg(directions, true);
    let deserialize_cfg = impl_cfg(directions, false);
    let doc = doc_attrs(&[
        docs::description_or_none(&member.description, "member"),
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

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #serialize_cfg
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #deserialize_cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value: String = serde::Deserialize::deserialize(deserializer)?;
                Ok(Self::from(value))
            }
        }

        #default_impl
    }
}
