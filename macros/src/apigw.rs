//! `#[apigw_proxy]`: validate the handler, then generate `main` and `<name>_lambda()`, which
//! extract each parameter in axum's manner and answer with an honest proxy envelope.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::args;
use crate::ctxt::Errors;
use crate::handler::{self, Param};

const WHAT: &str = "an API Gateway handler";
const INPUT: &str = "its extractors (`Request`, `Json<T>`, `Path<T>`, `Query<T>`, `Context`)";

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = args::parse(args, &["init"], &mut errors);
    let init = args.iter().find_map(|arg| args::path(arg, &mut errors));
    let has_init = !args.is_empty();
    let Some(handler) = handler::parse(
        item.clone(),
        WHAT,
        INPUT,
        handler::Style::Extractors,
        has_init,
        &mut errors,
    ) else {
        return handler::fallback(item, &errors);
    };
    check_body_last(&handler, &mut errors);
    if !errors.is_empty() {
        let item = &handler.item;
        return handler::fallback(quote!(#item), &errors);
    }
    generate(&handler, init)
}

/// `Json<T>` and `Request` consume the request, so they come after every other extractor.
/// Judged by name, as axum-macros does: a type the rule does not recognise is still judged
/// by `FromRequestParts`, at its own type.
fn check_body_last(handler: &handler::Handler, errors: &mut Errors) {
    let extractors: Vec<&syn::PatType> = handler
        .item
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(typed) if !matches!(*typed.ty, syn::Type::Reference(_)) => {
                Some(typed)
            }
            _ => None,
        })
        .collect();
    let Some((last, before)) = extractors.split_last() else {
        return;
    };
    for (index, param) in before.iter().enumerate() {
        if !is_body(&param.ty) {
            continue;
        }
        let ty = handler::text(&param.ty);
        let message = if before[index + 1..]
            .iter()
            .chain([last])
            .any(|later| is_body(&later.ty))
        {
            format!(
                "`{ty}` reads the request body, and so does a later parameter: the body is read once, so a \
                 handler takes one `Json<T>` or `Request`, as its last parameter"
            )
        } else {
            format!(
                "`{ty}` reads the request body, so it must be the last parameter: move it after `{}`",
                handler::text(&last.ty)
            )
        };
        errors.spanned(param, message);
    }
}

/// Whether the type is an extractor that consumes the request, recognised by name.
fn is_body(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    path.path
        .segments
        .last()
        .is_some_and(|last| last.ident == "Json" || last.ident == "Request")
}

fn generate(handler: &handler::Handler, init: Option<syn::Path>) -> TokenStream {
    let name = &handler.item.sig.ident;
    let name_text = name.to_string();

    let request = handler::local("request");
    let state = handler::local("state");
    let context = handler::local("context");
    let extracted = handler::local("extracted");
    let future = handler::local("future");
    let value = handler::local("value");
    let error = handler::local("error");

    // Every extractor but the last reads the request's parts; the last may consume it (a
    // `Json<T>` body, or the `Request` itself). Each call is spanned at its parameter's type,
    // so "not an extractor" is reported there.
    let inputs: Vec<&syn::Type> = handler
        .params
        .iter()
        .filter_map(|param| match param {
            Param::Input(ty) => Some(ty),
            _ => None,
        })
        .collect();
    let names: Vec<syn::Ident> = (0..inputs.len())
        .map(|index| handler::local(&format!("arg{index}")))
        .collect();
    let extractions = inputs.iter().zip(&names).enumerate().map(|(index, (ty, arg))| {
        let span = ty.span();
        let (request, context) = (handler::respan(&request, span), handler::respan(&context, span));
        let call = if index + 1 == inputs.len() {
            quote_spanned!(span=> <#ty as ::lambda_contract::__private::apigw::FromRequest>::from_request(#request, #context))
        } else {
            quote_spanned!(span=> <#ty as ::lambda_contract::__private::apigw::FromRequestParts>::from_request_parts(&#request, #context))
        };
        quote! {
            let #arg = match #call {
                ::core::result::Result::Ok(#arg) => #arg,
                ::core::result::Result::Err(#error) => break 'extract ::core::result::Result::Err(#error),
            };
        }
    });
    let mut input_names = names.iter();
    let call_args = handler.params.iter().map(|param| match param {
        Param::State(ty) => {
            let state = handler::respan(&state, ty.span());
            quote_spanned!(ty.span()=> #state)
        }
        _ => {
            let arg = input_names.next();
            quote!(#arg)
        }
    });
    let init = handler::init_path(init);
    let outcome = handler.outcome(&RETURNS, &future, &value, &error);
    let lambda = quote! {
        ::lambda_contract::__private::apigw::lambda(#name_text, #init, |#request, #state, #context| {
            let _ = (&#request, &#state, &#context);
            // Extraction is synchronous, so the returned future does not borrow the context.
            #[allow(unused_labels)]
            let #extracted: ::core::result::Result<_, ::lambda_contract::apigw::ApiError> = 'extract: {
                #(#extractions)*
                ::core::result::Result::Ok((#(#names,)*))
            };
            // The function is called here, not in an `async` block, so its arguments move
            // straight into its future and are not kept a second time beside it.
            match #extracted {
                ::core::result::Result::Ok((#(#names,)*)) => {
                    let #future = #name(#(#call_args),*);
                    ::lambda_contract::__private::Either::Left(#outcome)
                }
                ::core::result::Result::Err(#error) => ::lambda_contract::__private::Either::Right(
                    ::lambda_contract::__private::ready(::core::result::Result::Err(#error)),
                ),
            }
        })
    };
    handler::emit(handler, "apigw_proxy", lambda)
}

/// A response (a plain return value, or the `Ok`) through `IntoResponse`, an error through
/// `HandlerError`: the proxy's `Outcome` is `Result<Response, ApiError>`.
const RETURNS: handler::Returns = handler::Returns {
    ok: respond,
    err: fail,
    whole: respond,
};

fn respond(ty: &syn::Type, value: &syn::Ident) -> TokenStream {
    quote_spanned!(ty.span()=> ::core::result::Result::Ok(
        <#ty as ::lambda_contract::__private::apigw::IntoResponse>::into_response(#value)
    ))
}

fn fail(ty: &syn::Type, error: &syn::Ident) -> TokenStream {
    quote_spanned!(ty.span()=> ::core::result::Result::Err(
        <#ty as ::lambda_contract::__private::apigw::HandlerError<_>>::into_api_error(#error)
    ))
}
