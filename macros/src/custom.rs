//! `#[apigw_custom]`: validate the handler and its declared error statuses, then generate
//! `main` and `<name>_lambda()`, whose errors carry the `[NNN]` markers the integration
//! responses printed by `--openapi` select on.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit};

use crate::args::{self, ListArg};
use crate::ctxt::Errors;
use crate::handler::{self, Param};

const WHAT: &str = "an API Gateway custom-integration handler";
const INPUT: &str = "its input (`input: T` where `T: serde::Deserialize`)";

/// The statuses a custom integration maps as errors.
const STATUSES: std::ops::RangeInclusive<u16> = 400..=599;

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let (values, lists) = args::parse_with_lists(
        args,
        &["init"],
        &[("errors", "errors(400, 404)")],
        &mut errors,
    );
    let init = values.iter().find_map(|arg| args::path(arg, &mut errors));
    let has_init = !values.is_empty();
    let statuses = lists
        .first()
        .map(|list| statuses(list, &mut errors))
        .unwrap_or_default();
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
            "an API Gateway custom-integration handler must return a `Result`: its `Err` is the \
             invocation error the integration responses map to a status; write \
             `-> Result<T, lambda_contract::apigw::ApiError>`",
        );
    }
    if !errors.is_empty() {
        let item = &handler.item;
        return handler::fallback(quote!(#item), &errors);
    }
    generate(&handler, init, &statuses)
}

/// The statuses in `errors(..)`: integer literals from 400 to 599, each once.
fn statuses(list: &ListArg, errors: &mut Errors) -> Vec<u16> {
    let mut statuses: Vec<u16> = Vec::new();
    for item in &list.items {
        let Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) = item
        else {
            errors.spanned(
                item,
                "`errors(..)` takes HTTP statuses as integer literals, such as `errors(400, 404)`: \
                 they are written into the `[NNN]` markers and the integration's selection patterns",
            );
            continue;
        };
        match int.base10_parse::<u16>() {
            Ok(status) if statuses.contains(&status) => {
                errors.spanned(int, format!("{status} is declared twice"));
            }
            Ok(status) if STATUSES.contains(&status) => statuses.push(status),
            _ => errors.spanned(
                int,
                format!(
                    "{} is not an error status: `errors(..)` takes the 4xx and 5xx statuses (400 to 599) \
                     the handler fails with; a successful return is `Ok(..)`, sent as 200",
                    int.base10_digits()
                ),
            ),
        }
    }
    statuses
}

fn generate(handler: &handler::Handler, init: Option<syn::Path>, statuses: &[u16]) -> TokenStream {
    let name = &handler.item.sig.ident;
    let name_text = name.to_string();
    let input = handler::local("input");
    let state = handler::local("state");
    let context = handler::local("context");
    let future = handler::local("future");
    let value = handler::local("value");
    let error = handler::local("error");

    // Each argument is spanned at its parameter's type, so a wrong type is reported there. The
    // input's type is judged once, by `lambda`'s bound, which is spanned at it too.
    let input_type = handler.params.iter().find_map(|param| match param {
        Param::Input(ty) => Some(ty),
        _ => None,
    });
    let lambda_fn = match input_type {
        Some(ty) => {
            quote_spanned!(ty.span()=> ::lambda_contract::__private::apigw_custom::lambda::<#ty, _, _, _>)
        }
        None => quote!(::lambda_contract::__private::apigw_custom::lambda),
    };
    let call_args = handler.params.iter().map(|param| match param {
        Param::Input(ty) => {
            let input = handler::respan(&input, ty.span());
            quote_spanned!(ty.span()=> #input)
        }
        Param::State(ty) => {
            let state = handler::respan(&state, ty.span());
            quote_spanned!(ty.span()=> #state)
        }
        Param::Context(ty) => {
            let context = handler::respan(&context, ty.span());
            quote_spanned!(ty.span()=> <#ty as ::lambda_contract::__private::apigw_custom::ContextParam>::from_context(#context))
        }
    });
    let statuses = statuses
        .iter()
        .map(|&status| Literal::u16_unsuffixed(status));
    let init = handler::init_path(init);
    let outcome = handler.outcome(&RETURNS, &future, &value, &error);
    let lambda = quote! {
        #lambda_fn(#name_text, &[#(#statuses),*], #init, |#input, #state, #context| {
            let _ = (&#state, &#context);
            let #future = #name(#(#call_args),*);
            #outcome
        })
    };
    handler::emit(handler, "apigw_custom", lambda)
}

/// The `Ok` through `ResponseBody` (serialized), the `Err` through `HandlerError`, anything
/// else through `HandlerResult` (which says the handler returns a `Result`).
const RETURNS: handler::Returns = handler::Returns {
    ok: |ty, value| {
        quote_spanned!(ty.span()=> ::lambda_contract::__private::apigw_custom::Outcome::Response(
            <#ty as ::lambda_contract::__private::apigw_custom::ResponseBody>::to_json(&#value)
        ))
    },
    err: |ty, error| {
        quote_spanned!(ty.span()=> ::lambda_contract::__private::apigw_custom::Outcome::Failed(
            <#ty as ::lambda_contract::__private::apigw_custom::HandlerError<_>>::into_api_error(#error)
        ))
    },
    whole: |ty, output| quote_spanned!(ty.span()=> <#ty as ::lambda_contract::__private::apigw_custom::HandlerResult<_>>::into_outcome(#output)),
};
