//! Small token builders every emitter uses: doc attributes and identifiers.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::docs;

pub(super) fn doc_attrs(paragraphs: &[String]) -> TokenStream {
    let mut lines = Vec::new();
    for (i, p) in paragraphs.iter().filter(|p| !p.is_empty()).enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        lines.extend(docs::lines(p));
    }
    quote! { #(#[doc = #lines])* }
}

pub(super) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}
