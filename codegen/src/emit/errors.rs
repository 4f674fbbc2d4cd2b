//! Errors: one `CommonError` enum of the codes every action may answer, generated once, and per
//! action an enum of its own documented codes with `Common(CommonError)` and `Unhandled`
//! beside them. Every variant keeps the raw `ServiceError` (code, message, RequestId);
//! retryability comes from the schema (see `Schema::is_retryable`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::tokens::{doc_attrs, ident};
use crate::docs;
use crate::schema::names;
use crate::schema::{Action, ErrorCode, Schema};

/// A code's variant with its doc comment.
fn variant_decl(schema: &Schema, error: &ErrorCode) -> (Ident, TokenStream) {
    let variant = ident(&names::error_variant(&error.code));
    let retry = if schema.is_retryable(error) {
        " Retryable: the client tries again with backoff."
    } else {
        ""
    };
    let doc = doc_attrs(&[format!(
        "`{}`: {}{retry}",
        error.code,
        docs::escape(&error.description)
    )]);
    let decl = quote! { #doc #variant(tencentcloud_transport::ServiceError), };
    (variant, decl)
}

/// `Self::A(_) | Self::B(_)` for the retryable codes, or `None` when there are none.
fn retryable_pattern<'a>(
    schema: &Schema,
    codes: impl Iterator<Item = (&'a ErrorCode, &'a Ident)>,
) -> Option<TokenStream> {
    let variants: Vec<&Ident> = codes
        .filter(|(e, _)| schema.is_retryable(e))
        .map(|(_, v)| v)
        .collect();
    (!variants.is_empty()).then(|| quote!(#(Self::#variants(_))|*))
}

/// The macro that gives an error enum `Display` (the raw error's: code, message, RequestId)
/// and `Error`, said once instead of per action.
pub(super) fn emit_display_macro() -> TokenStream {
    quote! {
        /// `Display` (the raw error's: code, message and RequestId) and `Error` for an error
        /// enum whose raw error `$raw` gives.
        macro_rules! display_as_service_error {
            ($name:ident, $raw:path) => {
                impl std::fmt::Display for $name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        std::fmt::Display::fmt($raw(self), f)
                    }
                }

                impl std::error::Error for $name {}
            };
        }
    }
}

/// The `CommonError` enum: the codes of `common-errors.json`, each once.
pub(super) fn emit_common_errors(schema: &Schema) -> TokenStream {
    let common = &schema.common_errors.errors;
    let (variants, decls): (Vec<Ident>, Vec<TokenStream>) =
        common.iter().map(|e| variant_decl(schema, e)).unzip();
    let codes = common.iter().map(|e| e.code.as_str());
    let service_error = if variants.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(Self::#variants(raw))|* => raw })
    };
    let retryable = match retryable_pattern(schema, common.iter().zip(&variants)) {
        Some(pattern) => quote!(matches!(self, #pattern)),
        None => quote!(false),
    };
    let display = quote!(display_as_service_error!(CommonError, CommonError::service_error););
    let count = common.len();
    let doc = doc_attrs(&[
        format!(
            "An error code any action of the service may answer: the {count} common codes, each \
             the `Common` variant of every action's error enum."
        ),
        "Every variant keeps the raw code, message and request id.".to_owned(),
    ]);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum CommonError {
            #(#decls)*
        }

        impl CommonError {
            /// The common error for `raw`'s code, or `raw` given back when its code is not one
            /// of the common codes.
            pub fn classify(
                raw: tencentcloud_transport::ServiceError,
            ) -> Result<Self, tencentcloud_transport::ServiceError> {
                match raw.code.as_str() {
                    #(#codes => Ok(Self::#variants(raw)),)*
                    _ => Err(raw),
                }
            }

            /// The raw error as received: code, message and request id.
            pub fn service_error(&self) -> &tencentcloud_transport::ServiceError {
                #service_error
            }

            /// Whether the schema marks the code retryable (throttling and transient faults).
            pub fn is_retryable(&self) -> bool {
                #retryable
            }
        }

        #display
    }
}

/// The error enum of one action.
pub(super) fn emit_action_error(
    schema: &Schema,
    action: &Action,
    error: &Ident,
    request: &Ident,
) -> TokenStream {
    // A documented code that is also a common code arrives as `Common`, so that every common
    // code is matched in one place.
    let (own, also_common): (Vec<&ErrorCode>, Vec<&ErrorCode>) = action
        .errors
        .iter()
        .partition(|e| !schema.is_common_code(&e.code));
    let (variants, decls): (Vec<Ident>, Vec<TokenStream>) =
        own.iter().map(|e| variant_decl(schema, e)).unzip();
    let codes = own.iter().map(|e| e.code.as_str());
    let common_or_unhandled = quote! {
        match crate::CommonError::classify(raw) {
            Ok(common) => Self::Common(common),
            Err(raw) => Self::Unhandled(raw),
        }
    };
    let from_service_error = if own.is_empty() {
        common_or_unhandled
    } else {
        quote! {
            match raw.code.as_str() {
                #(#codes => Self::#variants(raw),)*
                _ => #common_or_unhandled,
            }
        }
    };

    let mut retry_arms = TokenStream::new();
    if let Some(pattern) = retryable_pattern(schema, own.iter().copied().zip(&variants)) {
        retry_arms.extend(quote!(#pattern => true,));
    }
    retry_arms.extend(quote! {
        Self::Common(common) => common.is_retryable(),
        Self::Unhandled(raw) => tencentcloud_transport::is_retryable_code(&raw.code),
    });
    if own.iter().any(|e| !schema.is_retryable(e)) {
        retry_arms.extend(quote!(_ => false,));
    }

    let name = &action.name;
    let mut doc = vec![
        format!("An error answered by `{name}` (see [`{request}`])."),
        format!(
            "One variant per code the action documents ({}), `Common` for the codes every \
             action may answer ([`CommonError`](crate::CommonError)), and `Unhandled` for any other code. Every \
             variant keeps the raw code, message and request id; `code()`, `message()`, \
             `request_id()` and `is_retryable()` come from \
             [`ActionError`](tencentcloud_transport::ActionError).",
            own.len()
        ),
    ];
    if !also_common.is_empty() {
        let listed: Vec<String> = also_common
            .iter()
            .map(|e| format!("`{}`", e.code))
            .collect();
        doc.push(format!(
            "The action also documents the common codes {}; they arrive as `Common`.",
            listed.join(", ")
        ));
    }
    let doc = doc_attrs(&doc);
    let display = quote! {
        display_as_service_error!(#error, tencentcloud_transport::ActionError::service_error);
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #error {
            #(#decls)*
            /// A code every action may answer.
            Common(crate::CommonError),
            /// A code not documented for this action, kept as received.
            Unhandled(tencentcloud_transport::ServiceError),
        }

        impl tencentcloud_transport::ActionError for #error {
            fn from_service_error(raw: tencentcloud_transport::ServiceError) -> Self {
                #from_service_error
            }

            fn service_error(&self) -> &tencentcloud_transport::ServiceError {
                match self {
                    #(Self::#variants(raw))|* | Self::Unhandled(raw) => raw,
                    Self::Common(common) => common.service_error(),
                }
            }

            fn is_retryable(&self) -> bool {
                match self {
                    #retry_arms
                }
            }
        }

        #display
    }
}
