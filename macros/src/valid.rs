//! The rules a handler follows, whatever its caller; each error spanned at the user's token.
//! Types are not judged here: the runtime's traits judge them, at the user's type.

use syn::Type;

use crate::ast::{text, Handler, Role};
use crate::attr::Attrs;
use crate::callers::{Caller, Layout};
use crate::ctxt::Errors;

/// Checks `handler` under `caller`'s attribute with arguments `attrs`.
pub(crate) fn check(caller: &Caller, attrs: &Attrs, handler: &Handler, errors: &mut Errors) {
    check_signature(caller, handler, errors);
    check_params(caller, attrs, handler, errors);
    check_event_given(caller, handler, errors);
    check_returns_result(caller, handler, errors);
    check_body_last(caller, handler, errors);
}

/// Lambda calls one concrete `async fn`.
fn check_signature(caller: &Caller, handler: &Handler, errors: &mut Errors) {
    let what = caller.what;
    let sig = &handler.item.sig;
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
}

/// Each parameter is one the caller can serve: the state once, only with `init`, shared; the
/// context once; a type taken by value not borrowed.
fn check_params(caller: &Caller, attrs: &Attrs, handler: &Handler, errors: &mut Errors) {
    let what = caller.what;
    let mut state_seen = false;
    let mut context_seen = false;
    for param in &handler.params {
        let arg = &param.arg;
        match &param.role {
            Role::Input(_) => {}
            Role::Receiver => errors.spanned(
                arg,
                format!("{what} is a free function, not a method: remove `self`"),
            ),
            Role::ImplTrait(ty) => {
                errors.spanned(
                    ty,
                    format!("{what} cannot take `impl Trait`: Lambda calls one concrete function; name the type"),
                );
            }
            Role::Surplus => errors.spanned(
                arg,
                format!(
                    "{what} takes at most three parameters: {}, then `&S` (the init state) and the Lambda `Context`",
                    caller.input
                ),
            ),
            Role::Borrowed(by_value, ty) => {
                let pat = match arg {
                    syn::FnArg::Typed(typed) => text(&typed.pat),
                    syn::FnArg::Receiver(_) => String::new(),
                };
                errors.spanned(
                    arg,
                    format!(
                        "{what} takes {} by value, not `&{ty}`: write `{pat}: {ty}`{}",
                        by_value.what,
                        by_value.place,
                        ty = text(ty),
                    ),
                );
            }
            Role::State(reference) if reference.mutability.is_some() => errors.spanned(
                reference,
                "the init state is shared by every invocation: take it as `&S`, not `&mut S`",
            ),
            Role::State(_) if state_seen => {
                errors.spanned(arg, format!("{what} takes the init state once"));
            }
            Role::State(reference) if !attrs.has_init => errors.spanned(
                arg,
                format!(
                    "a `&T` parameter takes the state `init` produces, shared by every invocation, but no \
                     `init` is given: add `init = path` to the attribute, where `path` is an \
                     `async fn() -> Result<{}, E>`",
                    text(&reference.elem)
                ),
            ),
            Role::State(_) => state_seen = true,
            Role::Context(_) if context_seen => {
                errors.spanned(arg, format!("{what} takes the Lambda `Context` once"));
            }
            Role::Context(_) => context_seen = true,
        }
    }
}

/// A caller that hands the handler an event hands it first.
fn check_event_given(caller: &Caller, handler: &Handler, errors: &mut Errors) {
    let sig = &handler.item.sig;
    if matches!(caller.layout, Layout::EventFirst { .. }) && sig.inputs.is_empty() {
        errors.at(
            sig.paren_token.span.join(),
            format!(
                "{} takes {} as its first parameter",
                caller.what, caller.input
            ),
        );
    }
}

/// A caller that needs failures as errors needs a `Result`.
fn check_returns_result(caller: &Caller, handler: &Handler, errors: &mut Errors) {
    if let (Some(message), None) = (caller.returns.result_required, &handler.output) {
        errors.at(handler.item.sig.paren_token.span.close(), message);
    }
}

/// An extractor that consumes the request (the proxy's `Json<T>`, `Request`) comes after every
/// other one.
/// Judged by name, as axum-macros does: a type the rule does not recognise is still judged by
/// the runtime's extractor traits, at its own type.
fn check_body_last(caller: &Caller, handler: &Handler, errors: &mut Errors) {
    let Layout::Extractors { body, one_body, .. } = &caller.layout else {
        return;
    };
    let is_body = |ty: &Type| {
        let Type::Path(path) = ty else {
            return false;
        };
        path.path
            .segments
            .last()
            .is_some_and(|last| body.iter().any(|name| last.ident == name))
    };
    let extractors: Vec<(&syn::FnArg, &Type)> = handler
        .params
        .iter()
        .filter_map(|param| match &param.role {
            Role::Input(ty) => Some((&param.arg, ty)),
            _ => None,
        })
        .collect();
    let Some(((_, last), before)) = extractors.split_last() else {
        return;
    };
    for (index, (arg, ty)) in before.iter().enumerate() {
        if !is_body(ty) {
            continue;
        }
        let later_body = before[index + 1..]
            .iter()
            .map(|(_, ty)| *ty)
            .chain([*last])
            .any(is_body);
        let ty = text(ty);
        let message = if later_body {
            format!(
                "`{ty}` reads the request body, and so does a later parameter: the body is read once, so a \
                 handler takes {one_body}, as its last parameter"
            )
        } else {
            format!(
                "`{ty}` reads the request body, so it must be the last parameter: move it after `{}`",
                text(last)
            )
        };
        errors.spanned(arg, message);
    }
}
