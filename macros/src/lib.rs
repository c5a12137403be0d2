//! The macros of [lambda-contract](https://docs.rs/lambda-contract): use them through that
//! crate, which re-exports them with their documentation.
//!
//! Each macro parses, validates (collecting every error, spanned at the user's token), then
//! expands into calls to `::lambda_contract::__private`; behaviour lives in the runtime crate.

mod apigw;
mod args;
mod connect;
mod ctxt;
mod custom;
mod derive;
mod handler;
mod rules;

use proc_macro::TokenStream;

/// See `lambda_contract::connect_handler`.
#[proc_macro_attribute]
pub fn connect_handler(args: TokenStream, item: TokenStream) -> TokenStream {
    connect::expand(args.into(), item.into()).into()
}

/// See `lambda_contract::apigw_proxy`.
#[proc_macro_attribute]
pub fn apigw_proxy(args: TokenStream, item: TokenStream) -> TokenStream {
    apigw::expand(args.into(), item.into()).into()
}

/// See `lambda_contract::apigw_custom`.
#[proc_macro_attribute]
pub fn apigw_custom(args: TokenStream, item: TokenStream) -> TokenStream {
    custom::expand(args.into(), item.into()).into()
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
