//! Parsing and validating a handler function: shared by every handler attribute.

use proc_macro2::TokenStream;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Type};

use crate::ctxt::Errors;

/// What a handler parameter is, judged by its position and shape; its type is judged by the
/// runtime's traits, at the parameter's span.
pub(crate) enum Param {
    /// The caller's input (the event, or an extractor).
    Input(Type),
    /// `&S`: the state `init` produced.
    State(Type),
    /// Anything else after the event: the Lambda context.
    Context(Type),
}

/// A validated handler function.
pub(crate) struct Handler {
    pub(crate) item: ItemFn,
    pub(crate) params: Vec<Param>,
    /// The declared return type, or `None` for `()`.
    pub(crate) output: Option<Type>,
}

impl Handler {
    /// The `Ok` and `Err` types when the return type is spelled `Result<T, E>`.
    pub(crate) fn result_types(&self) -> Option<(&Type, &Type)> {
        let Some(Type::Path(path)) = &self.output else {
            return None;
        };
        let last = path.path.segments.last()?;
        if last.ident != "Result" {
            return None;
        }
        let PathArguments::AngleBracketed(generics) = &last.arguments else {
            return None;
        };
        let mut types = generics.args.iter().filter_map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        });
        match (types.next(), types.next(), types.next()) {
            (Some(ok), Some(err), None) => Some((ok, err)),
            _ => None,
        }
    }
}

/// Parses the item under a handler attribute. `what` names the handler in messages
/// ("a Connect handler"); `has_init` says whether an `&S` parameter can be served.
pub(crate) fn parse(
    item: TokenStream,
    what: &str,
    input_hint: &str,
    has_init: bool,
    errors: &mut Errors,
) -> Option<Handler> {
    let item: ItemFn = match syn::parse2(item) {
        Ok(item) => item,
        Err(error) => {
            errors.at(error.span(), format!("{what} is an `async fn`: {error}"));
            return None;
        }
    };
    let sig = &item.sig;
    if sig.asyncness.is_none() {
        errors.spanned(
            sig.fn_token,
            format!("{what} is an `async fn`: write `async fn {}`", sig.ident),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.spanned(
            &sig.generics,
            format!("{what} cannot be generic: Lambda calls one concrete function"),
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.spanned(variadic, format!("{what} cannot be variadic"));
    }
    let mut params = Vec::new();
    let mut state_seen = false;
    let mut context_seen = false;
    for (index, input) in sig.inputs.iter().enumerate() {
        let ty = match input {
            FnArg::Receiver(receiver) => {
                errors.spanned(
                    receiver,
                    format!("{what} is a free function, not a method: remove `self`"),
                );
                continue;
            }
            FnArg::Typed(pat) => (*pat.ty).clone(),
        };
        if index == 0 {
            params.push(Param::Input(ty));
            continue;
        }
        if index > 2 {
            errors.spanned(
                input,
                format!("{what} takes at most three parameters: {input_hint}, then `&S` (the init state) and the Lambda `Context`"),
            );
            continue;
        }
        match &ty {
            Type::Reference(reference) if reference.mutability.is_some() => {
                errors.spanned(
                    reference,
                    "the init state is shared by every invocation: take it as `&S`, not `&mut S`",
                );
            }
            Type::Reference(_) if state_seen => {
                errors.spanned(input, format!("{what} takes the init state once"));
            }
            Type::Reference(reference) if !has_init => {
                let state = &reference.elem;
                errors.spanned(
                    input,
                    format!(
                        "this parameter takes the state `init` produces, but no `init` is given: add `init = path` \
                         to the attribute, where `path` is an `async fn() -> Result<{}, E>`",
                        quote::quote!(#state)
                    ),
                );
            }
            Type::Reference(_) => {
                state_seen = true;
                params.push(Param::State(ty));
            }
            _ if context_seen => {
                errors.spanned(input, format!("{what} takes the Lambda `Context` once"));
            }
            _ => {
                context_seen = true;
                params.push(Param::Context(ty));
            }
        }
    }
    if sig.inputs.is_empty() {
        errors.at(
            sig.paren_token.span.join(),
            format!("{what} takes {input_hint} as its first parameter"),
        );
    }
    let output = match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => Some((**ty).clone()),
    };
    Some(Handler {
        item,
        params,
        output,
    })
}
