//! The macros of [lambda-contract](https://docs.rs/lambda-contract): use them through that
//! crate, which re-exports them with their documentation.
//!
//! Every handler attribute runs one pipeline, driven by its caller's descriptor
//! (`callers`): its arguments are read (`attr`) and its function parsed (`ast`), both are
//! checked (`valid`), every error collected (`ctxt`) and spanned at the user's token, then the
//! code is generated (`expand`) as calls into `::lambda_contract::__private`, where behaviour
//! lives.

mod ast;
mod attr;
mod callers;
mod ctxt;
mod derive;
mod expand;
mod rules;
mod valid;

use proc_macro::TokenStream;

/// See `lambda_contract::connect_handler`.
#[proc_macro_attribute]
pub fn connect_handler(args: TokenStream, item: TokenStream) -> TokenStream {
    handler(&callers::connect(), args, item)
}

/// See `lambda_contract::apigw_proxy`.
#[proc_macro_attribute]
pub fn apigw_proxy(args: TokenStream, item: TokenStream) -> TokenStream {
    handler(&callers::apigw_proxy(), args, item)
}

/// See `lambda_contract::apigw_custom`.
#[proc_macro_attribute]
pub fn apigw_custom(args: TokenStream, item: TokenStream) -> TokenStream {
    handler(&callers::apigw_custom(), args, item)
}

fn handler(caller: &callers::Caller, args: TokenStream, item: TokenStream) -> TokenStream {
    pipeline(caller, args.into(), item.into()).into()
}

/// The pipeline of every handler attribute: parse, validate, then expand, or stand in.
fn pipeline(
    caller: &callers::Caller,
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let mut errors = ctxt::Errors::default();
    let attrs = attr::Attrs::parse(caller, args, &mut errors);
    let handler = ast::Handler::parse(caller, item.clone(), &mut errors);
    if let Some(handler) = &handler {
        valid::check(caller, &attrs, handler, &mut errors);
    }
    match (errors.check(), &handler) {
        (Ok(()), Some(handler)) => expand::handler(caller, &attrs, handler),
        (result, _) => {
            let errors = result.err().unwrap_or_default();
            expand::fallback(caller, &attrs, item, handler.as_ref(), errors)
        }
    }
}

/// See `lambda_contract::ConnectResponse`.
#[proc_macro_derive(ConnectResponse, attributes(connect))]
pub fn derive_connect_response(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::expand(&input).into()
}

/// For `lambda_contract`'s own tests: the names the derive reserves, checked there against the
/// runtime's list. Not an API.
#[doc(hidden)]
#[proc_macro]
pub fn __connect_reserved_names(input: TokenStream) -> TokenStream {
    rules::reserved_names(input.into()).into()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    /// What rustc does not show (it reports the attribute's error alone either way), an IDE
    /// and a test calling `<name>_lambda()` see: both names are kept beside the errors.
    #[test]
    fn a_rejected_handler_keeps_its_function_and_its_glue() {
        for (caller, args) in [
            (callers::connect(), quote!(timeout_ms = 0)),
            (callers::apigw_proxy(), quote!(timeout_ms = 1)),
            (callers::apigw_custom(), quote!(errors(302))),
        ] {
            let item = quote!(
                async fn lookup(input: Input) -> Result<(), Error> {
                    Ok(())
                }
            );
            let out = pipeline(&caller, args, item.clone()).to_string();
            for expected in [
                "compile_error",
                &item.to_string(),
                "fn lookup_lambda () -> impl :: lambda_contract :: Handler",
                "fn main () { }",
            ] {
                assert!(
                    out.contains(expected),
                    "{}: no `{expected}` in {out}",
                    caller.attribute
                );
            }
        }
    }
}
