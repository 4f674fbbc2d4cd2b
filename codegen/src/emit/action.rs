//! One action: its request (with the `Action` impl the transport sends it through), its
//! response and its error.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::errors::emit_action_error;
use super::options::Options;
use super::structs::{emit_struct, is_optional, Mode, Scope, StructSpec};
use super::usage::Directions;
use crate::docs;
use crate::schema::names;
use crate::schema::pagination::{pagination, Pagination};
use crate::schema::task::task_id;
use crate::schema::{Action, BaseType, Member, Schema};

pub(super) fn emit_action(schema: &Schema, action: &Action, options: &Options) -> TokenStream {
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
        format!(
            "Request of the `{name}` action. {}",
            docs::description_or_none(&action.description, "action")
        ),
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
    let request_struct = emit_struct(&StructSpec {
        name: &request,
        paragraphs: &request_doc,
        members: &action.input,
        mode: Mode::Strict,
        scope: Scope::Operation,
        directions: Directions::SENT,
    });
    let response_doc = vec![format!(
        "The `Response` object of a successful `{name}` call. Unknown members are ignored; members the docs say may be null decode from `null`."
    )];
    let response_struct = emit_struct(&StructSpec {
        name: &response,
        paragraphs: &response_doc,
        members: &action.output,
        mode: Mode::Tolerant,
        scope: Scope::Operation,
        directions: Directions::RECEIVED,
    });
    let error_enum = emit_action_error(schema, action, &error, &request);
    let starts_task = emit_starts_task(action, &response);
    let paginated = emit_paginated(action, &request);

    quote! {
        #request_struct

        impl tencentcloud_transport::Action for #request {
            type Response = #response;
            type Error = #error;
            const NAME: &'static str = #name;
            const SERVICE: &'static tencentcloud_transport::ServiceInfo = &crate::SERVICE;
            const RATE_LIMIT_PER_SECOND: Option<u32> = #rate;
        }

        #paginated

        #response_struct

        #starts_task

        #error_enum
    }
}

/// `StartsTask` for a response whose action starts a task (the rule is
/// [`task_id`](crate::schema::task::task_id)'s). Nothing for other responses.
fn emit_starts_task(action: &Action, response: &proc_macro2::Ident) -> TokenStream {
    let Some(member) = task_id(action) else {
        return TokenStream::new();
    };
    let value = u64_of(&quote!(self), member, Mode::Tolerant);
    // A deprecated TaskId is still the task's ID while the service sends it.
    let allow = if member.deprecated {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    quote! {
        impl crate::StartsTask for #response {
            #allow
            fn started_task(&self) -> Option<u64> {
                #value
            }
        }
    }
}

/// An `Option<u64>` expression reading the integer or float field of `member` from `owner`
/// (a struct of `mode`): `None` when absent, negative, fractional or out of range.
fn u64_of(owner: &TokenStream, member: &Member, mode: Mode) -> TokenStream {
    let field = format_ident!("{}", names::field_name(&member.name));
    let value = if is_optional(member, mode) {
        quote!(#owner.#field)
    } else {
        quote!(Some(#owner.#field))
    };
    match &member.ty.base {
        BaseType::Integer(int) if int.unsigned => value,
        BaseType::Float => quote!(#value.and_then(crate::task_id_from_float)),
        _ => quote!(#value.and_then(|n| u64::try_from(n).ok())),
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

/// `Paginated` for a request that pages by item offset (the rule is
/// [`pagination`](crate::schema::pagination::pagination)'s). Nothing for other requests.
fn emit_paginated(action: &Action, request: &proc_macro2::Ident) -> TokenStream {
    let Some(Pagination {
        offset,
        total,
        items,
        ..
    }) = pagination(action)
    else {
        return TokenStream::new();
    };
    let item_ty = match &items.ty.base {
        BaseType::Named(name) => {
            let name = format_ident!("{}", name);
            quote!(crate::types::#name)
        }
        _ => return TokenStream::new(),
    };
    let get_offset = u64_of(&quote!(self), offset, Mode::Strict);
    let offset_field = format_ident!("{}", names::field_name(&offset.name));
    let new_offset = if matches!(offset.ty.base, BaseType::Integer(int) if int.unsigned) {
        quote!(offset)
    } else {
        quote!(i64::try_from(offset).unwrap_or(i64::MAX))
    };
    let set_offset = if is_optional(offset, Mode::Strict) {
        quote!(self.#offset_field = Some(#new_offset);)
    } else {
        quote!(self.#offset_field = #new_offset;)
    };
    let total_value = u64_of(&quote!(response), total, Mode::Tolerant);
    let items_field = format_ident!("{}", names::field_name(&items.name));
    quote! {
        impl crate::Paginated for #request {
            type Item = #item_ty;

            fn page_offset(&self) -> u64 {
                #get_offset.unwrap_or(0)
            }

            fn set_page_offset(&mut self, offset: u64) {
                #set_offset
            }

            fn total_count(response: &Self::Response) -> Option<u64> {
                #total_value
            }

            fn into_items(response: Self::Response) -> Vec<Self::Item> {
                response.#items_field
            }
        }
    }
}
