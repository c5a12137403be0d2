//! `#[connect_handler]`: validate the handler, then generate `main` and `<name>_lambda()`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::args;
use crate::ctxt::Errors;
use crate::handler::{self, Param};

const WHAT: &str = "a Connect handler";
const INPUT: &str = "the event (`event: ConnectEvent`)";

/// Connect's flow block waits 1 to 8 seconds (`InvocationTimeLimitSeconds`).
const TIMEOUT_MS: std::ops::RangeInclusive<u64> = 1..=8000;

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = args::parse(args, &["init", "timeout_ms"], &mut errors);
    let mut init = None;
    let mut timeout_ms = *TIMEOUT_MS.end();
    for arg in &args {
        if arg.key == "init" {
            init = args::path(arg, &mut errors);
        } else if let Some(value) = args::int_in(
            arg,
            TIMEOUT_MS,
            "the flow block waits at most 8 seconds (`InvocationTimeLimitSeconds` is 1 to 8)",
            &mut errors,
        ) {
            timeout_ms = value;
        }
    }
    let has_init = init.is_some() || args.iter().any(|arg| arg.key == "init");
    let Some(handler) = handler::parse(item.clone(), WHAT, INPUT, has_init, &mut errors) else {
        return fallback(item, &errors);
    };
    if handler.output.is_none() {
        errors.at(
            handler.item.sig.paren_token.span.close(),
            "a Connect handler must return a `Result`: Amazon Connect needs failures as Lambda errors; \
             write `-> Result<T, lambda_contract::Error>`",
        );
    }
    if !errors.is_empty() {
        let item = &handler.item;
        return fallback(quote!(#item), &errors);
    }
    generate(&handler, init, timeout_ms)
}

/// The user's item unchanged, the errors, and a stand-in `main` so that no second error
/// ("`main` function not found") hides the first.
fn fallback(item: TokenStream, errors: &Errors) -> TokenStream {
    let errors = errors.to_compile_errors();
    quote! {
        #item
        #errors
        #[allow(dead_code)]
        fn main() {}
    }
}

fn generate(handler: &handler::Handler, init: Option<syn::Path>, timeout_ms: u64) -> TokenStream {
    let item = &handler.item;
    let name = &item.sig.ident;
    let vis = &item.vis;
    let glue_fn = format_ident!("{}_lambda", name);
    let name_text = name.to_string();
    let private = quote!(::lambda_contract::__private);

    // Call-site hygiene, so the same locals can be re-spanned at the user's tokens below; the
    // prefix keeps them apart from the user's names.
    let event = syn::Ident::new("__lambda_contract_event", Span::call_site());
    let state = syn::Ident::new("__lambda_contract_state", Span::call_site());
    let context = syn::Ident::new("__lambda_contract_context", Span::call_site());
    let future = syn::Ident::new("__lambda_contract_future", Span::call_site());
    let value = syn::Ident::new("__lambda_contract_value", Span::call_site());
    let error = syn::Ident::new("__lambda_contract_error", Span::call_site());

    // Each argument is spanned at its parameter's type, and each conversion at the part of the
    // return type it judges, so a failed bound is reported at the user's token. Every token of
    // those expressions must carry that span, or rustc widens the error to the whole attribute.
    let at = |ident: &syn::Ident, span: Span| syn::Ident::new(&ident.to_string(), span);
    let call_args = handler.params.iter().map(|param| match param {
        Param::Input(ty) => {
            let event = at(&event, ty.span());
            quote_spanned!(ty.span()=> ::lambda_contract::__private::connect::event::<#ty>(#event))
        }
        Param::State(ty) => {
            let state = at(&state, ty.span());
            quote_spanned!(ty.span()=> #state)
        }
        Param::Context(ty) => {
            let context = at(&context, ty.span());
            quote_spanned!(ty.span()=> ::lambda_contract::__private::connect::context::<#ty>(#context))
        }
    });
    let init = match init {
        Some(path) => quote!(#path),
        None => quote!(#private::no_init),
    };
    let output_span = handler
        .output
        .as_ref()
        .map_or_else(Span::call_site, Spanned::span);
    // `Result<T, E>` spelled out: judge `T` and `E` each at its own token. Otherwise (an alias,
    // or not a `Result` at all) judge the whole return type at once.
    let outcome = match handler.result_types() {
        Some((ok, err)) => {
            let (ok_span, err_span) = (ok.span(), err.span());
            let respond = {
                let value = at(&value, ok_span);
                quote_spanned!(ok_span=> ::lambda_contract::__private::connect::respond::<#ok>(&#value))
            };
            let fail = {
                let error = at(&error, err_span);
                quote_spanned!(err_span=> ::lambda_contract::__private::connect::fail::<#err>(#error))
            };
            quote! {
                match #future.await {
                    ::core::result::Result::Ok(#value) => #respond,
                    ::core::result::Result::Err(#error) => #fail,
                }
            }
        }
        None => {
            let future = at(&future, output_span);
            quote_spanned!(output_span=> ::lambda_contract::__private::connect::outcome(#future.await))
        }
    };
    let doc = format!(
        "The `#[connect_handler]` glue around [`{name_text}`]: what `main` serves, and what \
         `lambda_contract::testing::invoke` runs in-process."
    );

    quote! {
        #item

        #[doc = #doc]
        #[allow(dead_code)]
        #vis fn #glue_fn() -> impl ::lambda_contract::Handler {
            #private::connect::lambda(#name_text, #init, #timeout_ms, |#event, #state, #context| {
                let _ = (&#state, &#context);
                let #future = #name(#(#call_args),*);
                async move { #outcome }
            })
        }

        #[allow(dead_code)]
        fn main() -> ::std::process::ExitCode {
            #private::main(#glue_fn())
        }
    }
}
