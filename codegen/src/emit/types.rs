//! The items of the `types` module: shared data types, and one enum per set of documented
//! string values.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::enums::emit_enum;
use super::structs::{emit_struct, Mode, Scope, StructSpec};
use super::tokens::ident;
use super::usage::Usage;
use crate::docs;
use crate::schema::{Member, Schema};

pub(super) fn emit_types_items(schema: &Schema, usage: &Usage<'_>) -> TokenStream {
    let structs = schema.types.iter().map(|t| {
        let directions = usage.of(&t.name);
        // A type only ever sent is strict; anything the server may send decodes tolerantly.
        let mode = if directions.received {
            Mode::Tolerant
        } else {
            Mode::Strict
        };
        let mut paragraphs = vec![docs::description_or_none(&t.description, "data type")];
        if let Some(p) = &t.provenance {
            paragraphs.push(format!("Source: {}.", docs::escape(&p.source)));
        }
        emit_struct(&StructSpec {
            name: &ident(&t.name),
            paragraphs: &paragraphs,
            members: &t.members,
            mode,
            scope: Scope::Types,
            directions,
        })
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
    let enums = enums
        .into_iter()
        .map(|(name, member)| emit_enum(name, member, usage.of(name)));

    quote! {
        #(#structs)*
        #(#enums)*
    }
}
