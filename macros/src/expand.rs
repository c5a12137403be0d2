//! The code a handler attribute generates, driven by its caller's descriptor: the user's
//! function unchanged, `<name>_lambda()` assembling the glue in a few calls into
//! `::lambda_contract::__private`, and `main` serving it. Never reports errors: the input was
//! validated, or [`fallback`] stands in.

use proc_macro2::{Literal, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::Type;

use crate::ast::{nameable, Handler, Role};
use crate::attr::Attrs;
use crate::callers::{Arg, Call, Caller, Event, LambdaArg, Layout};

/// Everything a valid handler's attribute emits.
pub(crate) fn handler(caller: &Caller, attrs: &Attrs, handler: &Handler) -> TokenStream {
    let item = &handler.item;
    let lambda = local("lambda");
    let concurrent = local("concurrent");
    let glue = glue(caller, attrs, handler);
    let glue_fn = glue_fn(
        caller,
        handler,
        quote! {
            use ::lambda_contract::__private::{ProbeConcurrent as _, ProbeSequential as _};
            let #lambda = #glue;
            // Where the glue's concrete type is known: may its invocations run at once?
            let #concurrent = (&&::lambda_contract::__private::Probe::of(&#lambda)).concurrent();
            #lambda.probed(#concurrent)
        },
    );
    let glue_name = glue_name(handler);
    quote! {
        #item

        #glue_fn

        #[allow(dead_code)]
        fn main() -> ::std::process::ExitCode {
            ::lambda_contract::__private::main(#glue_name())
        }
    }
}

/// What an attribute emits when it reported errors: the user's item unchanged, the errors, and
/// stand-ins for what it would have generated: `<name>_lambda()` (when the item parsed), so that
/// an IDE and a test calling it keep the name, and `main`, so that no second error ("`main`
/// function not found") hides the first. The stand-ins call nothing of the user's, so they add
/// no error of their own.
pub(crate) fn fallback(
    caller: &Caller,
    attrs: &Attrs,
    item: TokenStream,
    handler: Option<&Handler>,
    errors: TokenStream,
) -> TokenStream {
    let stand_in = handler.map(|handler| {
        // Any type the parser takes: the stand-in is never called.
        let input: Type = syn::parse_quote!(());
        let lambda = &caller.lambda.path;
        let leading = leading_args(caller, attrs, handler, None, Some(&input));
        let glue = quote! {
            #lambda(#(#leading,)* |_, _, _| ::core::future::pending())
        };
        glue_fn(caller, handler, glue)
    });
    quote! {
        #item
        #errors
        #stand_in
        #[allow(dead_code)]
        fn main() {}
    }
}

/// `<name>_lambda`.
fn glue_name(handler: &Handler) -> syn::Ident {
    format_ident!("{}_lambda", handler.item.sig.ident)
}

/// `<name>_lambda()`, returning the glue `body` builds.
fn glue_fn(caller: &Caller, handler: &Handler, body: TokenStream) -> TokenStream {
    let name = &handler.item.sig.ident;
    let vis = &handler.item.vis;
    let glue_name = glue_name(handler);
    let doc = format!(
        "The `#[{}]` glue around [`{name}`]: what `main` serves, and what \
         `lambda_contract::testing::invoke` runs in-process.",
        caller.attribute
    );
    quote! {
        #[doc = #doc]
        #[allow(dead_code)]
        #vis fn #glue_name() -> impl ::lambda_contract::Handler {
            #body
        }
    }
}

/// What the caller's `lambda` takes before the function calling the handler.
fn leading_args(
    caller: &Caller,
    attrs: &Attrs,
    handler: &Handler,
    init: Option<&syn::Path>,
    input: Option<&Type>,
) -> Vec<TokenStream> {
    caller
        .lambda
        .args
        .iter()
        .map(|arg| match arg {
            LambdaArg::Name => handler.item.sig.ident.to_string().into_token_stream(),
            // Boxed by the runtime's `InitFn`: a function that is not an
            // `async fn() -> Result<T, E>` is reported once, at the path.
            LambdaArg::Init => match init {
                Some(path) => quote_spanned!(path.span()=>
                    <_ as ::lambda_contract::__private::InitFn<_>>::boxed(#path)
                ),
                None => quote!(::lambda_contract::__private::no_init),
            },
            LambdaArg::TimeoutMs => attrs.timeout_ms.into_token_stream(),
            LambdaArg::Statuses => {
                let statuses = attrs
                    .statuses
                    .iter()
                    .map(|&status| Literal::u16_unsuffixed(status));
                quote!(&[#(#statuses),*])
            }
            LambdaArg::Parser => match (&caller.layout, input) {
                (
                    Layout::EventFirst {
                        event: Event::Parsed(parser),
                        ..
                    },
                    Some(ty),
                ) => {
                    let parser = qualified(parser, ty);
                    quote_spanned!(ty.span()=> #parser())
                }
                // No input parameter: an error of its own already; no parser to take.
                _ => quote!(::core::unreachable!()),
            },
        })
        .collect()
}

/// The locals of the generated glue.
struct Locals {
    input: syn::Ident,
    state: syn::Ident,
    context: syn::Ident,
    future: syn::Ident,
    value: syn::Ident,
    error: syn::Ident,
    output: syn::Ident,
}

/// `lambda(.., |input, state, context| ..)`: the caller's `lambda` with the function that calls
/// the handler and turns what it returns into the caller's outcome.
fn glue(caller: &Caller, attrs: &Attrs, handler: &Handler) -> TokenStream {
    let locals = Locals {
        input: local("input"),
        state: local("state"),
        context: local("context"),
        future: local("future"),
        value: local("value"),
        error: local("error"),
        output: local("output"),
    };
    let Locals {
        input,
        state,
        context,
        ..
    } = &locals;
    let first_input = handler.params.iter().find_map(|param| match &param.role {
        Role::Input(ty) => Some(ty),
        _ => None,
    });
    let lambda = &caller.lambda.path;
    let leading = leading_args(caller, attrs, handler, attrs.init.as_ref(), first_input);
    let body = match &caller.layout {
        Layout::EventFirst { event, context } => {
            call_event_first(caller, handler, &locals, event, context)
        }
        Layout::Extractors {
            parts, last, error, ..
        } => call_extractors(caller, handler, &locals, parts, last, error),
    };
    quote! {
        #lambda(#(#leading,)* |#input, #state, #context| {
            let _ = (&#input, &#state, &#context);
            #body
        })
    }
}

/// Calls the handler with the event, then `&S` and the context in the order it takes them.
fn call_event_first(
    caller: &Caller,
    handler: &Handler,
    locals: &Locals,
    event: &Event,
    context: &Call,
) -> TokenStream {
    let name = &handler.item.sig.ident;
    let future = &locals.future;
    // Each argument is spanned at its parameter's type, so a wrong type is reported there.
    let args = handler.params.iter().filter_map(|param| {
        Some(match &param.role {
            Role::Input(ty) => match event {
                Event::Converted(call) => call.render(ty, &locals.input, locals),
                // Judged where its parser is taken.
                Event::Parsed(_) => respan(&locals.input, ty.span()).into_token_stream(),
            },
            Role::State(ty) => respan(&locals.state, ty.span()).into_token_stream(),
            Role::Context(ty) => context.render(ty, &locals.context, locals),
            _ => return None,
        })
    });
    let outcome = outcome(caller, handler, locals);
    quote! {
        let #future = #name(#(#args),*);
        #outcome
    }
}

/// Extracts each parameter from the request in axum's manner, then calls the handler; an
/// extractor's failure is the outcome without calling it.
fn call_extractors(
    caller: &Caller,
    handler: &Handler,
    locals: &Locals,
    parts: &Call,
    last: &Call,
    error_type: &syn::Path,
) -> TokenStream {
    let name = &handler.item.sig.ident;
    let Locals {
        input: request,
        future,
        error,
        ..
    } = locals;
    let extracted = local("extracted");
    // Every extractor but the last reads the request's parts; the last may consume it (a
    // `Json<T>` body, or the `Request` itself). Each call is spanned at its parameter's type,
    // so "not an extractor" is reported there.
    let inputs: Vec<&Type> = handler
        .params
        .iter()
        .filter_map(|param| match &param.role {
            Role::Input(ty) => Some(ty),
            _ => None,
        })
        .collect();
    let names: Vec<syn::Ident> = (0..inputs.len())
        .map(|index| local(&format!("arg{index}")))
        .collect();
    let extractions = inputs.iter().zip(&names).enumerate().map(|(index, (ty, arg))| {
        let extractor = if index + 1 == inputs.len() { last } else { parts };
        let call = extractor.render(ty, request, locals);
        quote! {
            let #arg = match #call {
                ::core::result::Result::Ok(#arg) => #arg,
                ::core::result::Result::Err(#error) => break 'extract ::core::result::Result::Err(#error),
            };
        }
    });
    let mut input_names = names.iter();
    let args = handler.params.iter().filter_map(|param| match &param.role {
        Role::State(ty) => Some(respan(&locals.state, ty.span()).into_token_stream()),
        Role::Input(_) => input_names.next().map(ToTokens::into_token_stream),
        _ => None,
    });
    let outcome = outcome(caller, handler, locals);
    quote! {
        // Extraction is synchronous, so the returned future does not borrow the context.
        #[allow(unused_labels)]
        let #extracted: ::core::result::Result<_, #error_type> = 'extract: {
            #(#extractions)*
            ::core::result::Result::Ok((#(#names,)*))
        };
        // The function is called here, not in an `async` block, so its arguments move
        // straight into its future and are not kept a second time beside it.
        match #extracted {
            ::core::result::Result::Ok((#(#names,)*)) => {
                let #future = #name(#(#args),*);
                ::lambda_contract::__private::Either::Left(#outcome)
            }
            ::core::result::Result::Err(#error) => ::lambda_contract::__private::Either::Right(
                ::lambda_contract::__private::ready(::core::result::Result::Err(#error)),
            ),
        }
    }
}

/// Maps the handler's future to the caller's outcome. With `Result<T, E>` spelled out, `T` and
/// `E` are judged each at its own token; otherwise (an alias, or no `Result`) the whole return
/// type is judged at once, so there is one error.
///
/// A combinator (`__private::map`), not an `async` block: a block would keep the handler's
/// future twice, as a captured value and again where it is awaited.
fn outcome(caller: &Caller, handler: &Handler, locals: &Locals) -> TokenStream {
    let Locals {
        future,
        value,
        error,
        output,
        ..
    } = locals;
    let returns = &caller.returns;
    let conclude = match handler.result_types() {
        Some((ok, err)) => {
            let (ok, err) = (nameable(ok), nameable(err));
            let respond = returns.ok.render(&ok, value, locals);
            let fail = returns.err.render(&err, error, locals);
            quote! {
                match #output {
                    ::core::result::Result::Ok(#value) => #respond,
                    ::core::result::Result::Err(#error) => #fail,
                }
            }
        }
        None => {
            let whole = match &handler.output {
                Some(ty) => nameable(ty),
                None => syn::parse_quote!(()),
            };
            returns.whole.render(&whole, output, locals)
        }
    };
    quote! {
        ::lambda_contract::__private::map(#future, move |#output| #conclude)
    }
}

impl Call {
    /// `wrap(<ty as Trait>::method(args))` on `value`, every token spanned at `ty` (as
    /// [`nameable`] makes it), so that the trait's bound is reported at the user's type.
    fn render(&self, ty: &Type, value: &syn::Ident, locals: &Locals) -> TokenStream {
        let span = ty.span();
        let value = respan(value, span);
        let context = respan(&locals.context, span);
        let args = self.args.iter().map(|arg| match arg {
            Arg::Value => quote_spanned!(span=> #value),
            Arg::Borrowed => quote_spanned!(span=> &#value),
            Arg::Context => quote_spanned!(span=> #context),
            Arg::Bool(bool) => syn::LitBool::new(*bool, span).into_token_stream(),
        });
        let function = qualified(&self.function, ty);
        let call = quote_spanned!(span=> #function(#(#args),*));
        match &self.wrap {
            Some(wrap) => {
                let wrap = at(wrap, span);
                quote_spanned!(span=> #wrap(#call))
            }
            None => call,
        }
    }
}

/// `Trait::method` as `<T as Trait>::method`, spanned at `ty`: the bound is the call's own,
/// reported at the user's type with no note into the glue.
fn qualified(function: &syn::Path, ty: &Type) -> TokenStream {
    let span = ty.span();
    let mut trait_ = function.clone();
    let method = trait_
        .segments
        .pop()
        .map(|method| method.into_value().ident);
    // The path's last `::` stays with the trait once the method is popped.
    trait_.segments.pop_punct();
    let (trait_, method) = (at(&trait_, span), at(&method, span));
    quote_spanned!(span=> <#ty as #trait_>::#method)
}

/// A local of the generated glue. Call-site hygiene, so it can be re-spanned at the user's
/// tokens with [`respan`]; the prefix keeps it apart from the user's names.
fn local(name: &str) -> syn::Ident {
    syn::Ident::new(&format!("__lambda_contract_{name}"), Span::call_site())
}

/// The same local, located at a user's token. Every token of an expression whose bound may
/// fail must carry the user's span, or rustc widens the error to the whole attribute.
fn respan(ident: &syn::Ident, span: Span) -> syn::Ident {
    syn::Ident::new(&ident.to_string(), span)
}

/// A path of the runtime's, every token located at a user's token, for the same reason.
fn at(tokens: &impl ToTokens, span: Span) -> TokenStream {
    tokens
        .to_token_stream()
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), at(&group.stream(), span));
                inner.set_span(span);
                tree = TokenTree::Group(inner);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}
