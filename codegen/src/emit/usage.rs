//! Which way each generated type travels: sent by the client (reachable from some action's
//! input), received (reachable from some output), or both. Decoding rules and derives follow
//! from it: a serde impl the client does not need costs every user compile time, so it sits
//! behind the crate's `serde-serialize` / `serde-deserialize` features instead.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::schema::{Action, BaseType, DataType, Member, Schema};

/// The feature that adds `Serialize` to what the client only receives.
pub(super) const SERIALIZE_FEATURE: &str = "serde-serialize";
/// The feature that adds `Deserialize` to what the client only sends.
pub(super) const DESERIALIZE_FEATURE: &str = "serde-deserialize";

/// The directions of one type or enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Directions {
    /// Part of some request: the client serializes it.
    pub sent: bool,
    /// Part of some response, or of no action at all: the client deserializes it.
    pub received: bool,
}

impl Directions {
    /// A request.
    pub const SENT: Self = Self {
        sent: true,
        received: false,
    };
    /// A response.
    pub const RECEIVED: Self = Self {
        sent: false,
        received: true,
    };
}

/// The directions of every data type and enum of a schema.
pub(super) struct Usage<'a> {
    sent: BTreeSet<&'a str>,
    received: BTreeSet<&'a str>,
}

impl<'a> Usage<'a> {
    pub fn new(schema: &'a Schema) -> Self {
        Self {
            sent: reachable(schema, |a| &a.input),
            received: reachable(schema, |a| &a.output),
        }
    }

    /// The directions of the data type or enum `name`. One no action reaches counts as
    /// received: it is a shape of the API's answers, and its field attributes need a derive.
    pub fn of(&self, name: &str) -> Directions {
        let sent = self.sent.contains(name);
        Directions {
            sent,
            received: self.received.contains(name) || !sent,
        }
    }
}

/// Names of the data types and enums reachable from the given members of every action,
/// transitively through data types.
fn reachable<'a>(
    schema: &'a Schema,
    roots: fn(&'a Action) -> &'a Vec<Member>,
) -> BTreeSet<&'a str> {
    let by_name: BTreeMap<&str, &DataType> =
        schema.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&'a Member> = schema
        .actions
        .iter()
        .flat_map(|a| roots(a).iter())
        .collect();
    while let Some(member) = stack.pop() {
        if let Some(name) = member.enum_type_name() {
            seen.insert(name);
        }
        if let BaseType::Named(name) = &member.ty.base {
            if seen.insert(name.as_str()) {
                if let Some(t) = by_name.get(name.as_str()) {
                    stack.extend(t.members.iter());
                }
            }
        }
    }
    seen
}

/// The serde derives of a struct: `(in the derive list, attributes after it)`, e.g.
/// `serde::Serialize,` and `#[cfg_attr(feature = "serde-deserialize", derive(serde::Deserialize))]`.
pub(super) fn serde_derives(d: Directions) -> (TokenStream, TokenStream) {
    let mut always = TokenStream::new();
    let mut optional = TokenStream::new();
    for (needed, feature, derive) in [
        (d.sent, SERIALIZE_FEATURE, quote!(serde::Serialize)),
        (d.received, DESERIALIZE_FEATURE, quote!(serde::Deserialize)),
    ] {
        if needed {
            always.extend(quote!(#derive,));
        } else {
            optional.extend(quote!(#[cfg_attr(feature = #feature, derive(#derive))]));
        }
    }
    (always, optional)
}

/// The `#[cfg(..)]` of a hand-written `Serialize` impl (`serialize: true`) or `Deserialize`
/// impl: nothing when the client needs it, the feature otherwise.
pub(super) fn impl_cfg(d: Directions, serialize: bool) -> TokenStream {
    let (needed, feature) = if serialize {
        (d.sent, SERIALIZE_FEATURE)
    } else {
        (d.received, DESERIALIZE_FEATURE)
    };
    if needed {
        quote!()
    } else {
        quote!(#[cfg(feature = #feature)])
    }
}
