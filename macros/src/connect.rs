//! `#[connect_handler]`: validate the handler, then generate `main` and `<name>_lambda()`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::args;
use crate::ctxt::Errors;
use crate::handler::{self, Param};

const WHAT: &str = "a Connect handler";
const INPUT: &str = "the event (`event: ConnectEvent`)";

/// A synchronous flow block waits 1 to 8 seconds (`InvocationTimeLimitSeconds`).
const TIMEOUT_MS: std::ops::RangeInclusive<u64> = 1..=8000;

/// An asynchronous one (execution mode Asynchronous) up to 60 seconds.
const ASYNCHRONOUS_TIMEOUT_MS: std::ops::RangeInclusive<u64> = 1..=60_000;

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let (args, flags) = args::parse_with_flags(
        args,
        &["init", "timeout_ms"],
        &[(
            "asynchronous",
            "for a flow block whose execution mode is Asynchronous",
        )],
        &mut errors,
    );
    let asynchronous = !flags.is_empty();
    let range = if asynchronous {
        ASYNCHRONOUS_TIMEOUT_MS
    } else {
        TIMEOUT_MS
    };
    let mut init = None;
    let mut timeout_ms = *range.end();
    for arg in &args {
        if arg.key == "init" {
            init = args::path(arg, &mut errors);
        } else if let Some(value) = args::int_in(
            arg,
            range.clone(),
            timeout_why(asynchronous, arg),
            &mut errors,
        ) {
            timeout_ms = value;
        }
    }
    let has_init = init.is_some() || args.iter().any(|arg| arg.key == "init");
    let Some(handler) = handler::parse(
        item.clone(),
        WHAT,
        INPUT,
        handler::Style::EventFirst,
        has_init,
        &mut errors,
    ) else {
        return handler::fallback(item, &errors);
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
        return handler::fallback(quote!(#item), &errors);
    }
    generate(&handler, init, timeout_ms)
}

/// Why `timeout_ms` is bounded; over 8000 without `asynchronous`, what else the user may mean.
fn timeout_why(asynchronous: bool, arg: &args::Arg) -> &'static str {
    let over_synchronous = match &arg.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) => int
            .base10_parse::<u64>()
            .map_or(true, |value| value > *TIMEOUT_MS.end()),
        _ => false,
    };
    if asynchronous {
        "an asynchronous flow block waits at most 60 seconds"
    } else if over_synchronous {
        "a synchronous flow block waits at most 8 seconds (`InvocationTimeLimitSeconds` is 1 to 8); if the \
         block's execution mode is Asynchronous, which waits up to 60 seconds, add `asynchronous`"
    } else {
        "the flow block waits at most 8 seconds (`InvocationTimeLimitSeconds` is 1 to 8)"
    }
}

fn generate(handler: &handler::Handler, init: Option<syn::Path>, timeout_ms: u64) -> TokenStream {
    let name = &handler.item.sig.ident;
    let name_text = name.to_string();
    let event = handler::local("event");
    let state = handler::local("state");
    let context = handler::local("context");
    let future = handler::local("future");
    let value = handler::local("value");
    let error = handler::local("error");

    // Each argument is spanned at its parameter's type, so a wrong type is reported there.
    let call_args = handler.params.iter().map(|param| match param {
        Param::Input(ty) => {
            let event = handler::respan(&event, ty.span());
            quote_spanned!(ty.span()=> <#ty as ::lambda_contract::__private::connect::EventParam>::from_event(#event))
        }
        Param::State(ty) => {
            let state = handler::respan(&state, ty.span());
            quote_spanned!(ty.span()=> #state)
        }
        Param::Context(ty) => {
            let context = handler::respan(&context, ty.span());
            quote_spanned!(ty.span()=> <#ty as ::lambda_contract::__private::connect::ContextParam>::from_context(#context))
        }
    });
    let init = handler::init_path(init);
    let outcome = handler.outcome(&RETURNS, &future, &value, &error);
    let lambda = quote! {
        ::lambda_contract::__private::connect::lambda(#name_text, #init, #timeout_ms, |#event, #state, #context| {
            let _ = (&#state, &#context);
            let #future = #name(#(#call_args),*);
            #outcome
        })
    };
    handler::emit(handler, "connect_handler", lambda)
}

/// The `Ok` through `ConnectResponse`, the `Err` through `HandlerError`, anything else through
/// `HandlerResult` (which says a Connect handler returns a `Result`).
const RETURNS: handler::Returns = handler::Returns {
    ok: |ty, value| {
        quote_spanned!(ty.span()=> ::lambda_contract::__private::connect::Outcome::Response(
            <#ty as ::lambda_contract::__private::connect::ConnectResponse>::encode_response(&#value, false)
        ))
    },
    err: |ty, error| quote_spanned!(ty.span()=> <#ty as ::lambda_contract::__private::connect::HandlerError>::fail(#error)),
    whole: |ty, output| quote_spanned!(ty.span()=> <#ty as ::lambda_contract::__private::connect::HandlerResult>::into_outcome(#output)),
};
