//! Parsing and validating a handler function: shared by every handler attribute.

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{
    Attribute, FnArg, GenericArgument, PathArguments, ReturnType, Signature, Type, Visibility,
};

use crate::ctxt::Errors;

/// A handler function as written: its signature parsed, its body kept as tokens. A body
/// rustc cannot parse is then re-emitted untouched and reported by rustc alone, and spans
/// inside it stay the user's.
pub(crate) struct ItemFn {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    pub(crate) body: Group,
}

impl Parse for ItemFn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let body: Group = input.parse()?;
        if body.delimiter() != Delimiter::Brace {
            return Err(syn::Error::new(body.span(), "expected the function's body"));
        }
        Ok(ItemFn {
            attrs,
            vis,
            sig,
            body,
        })
    }
}

impl ToTokens for ItemFn {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        for attr in &self.attrs {
            attr.to_tokens(tokens);
        }
        self.vis.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        self.body.to_tokens(tokens);
    }
}

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

/// A local of the generated glue. Call-site hygiene, so it can be re-spanned at the user's
/// tokens with [`respan`]; the prefix keeps it apart from the user's names.
pub(crate) fn local(name: &str) -> syn::Ident {
    syn::Ident::new(&format!("__lambda_contract_{name}"), Span::call_site())
}

/// The same local, located at a user's token. Every token of an expression whose bound may
/// fail must carry the user's span, or rustc widens the error to the whole attribute.
pub(crate) fn respan(ident: &syn::Ident, span: Span) -> syn::Ident {
    syn::Ident::new(&ident.to_string(), span)
}

/// How one caller's glue turns the handler's return value into its `Outcome`. Each function
/// returns the expression converting the local it is given, a `<T as Trait>::f(..)` call
/// spanned at `T` (the user's type, as [`nameable`] makes it), whose bound is reported there.
pub(crate) struct Returns {
    /// The `Ok` of a return type spelled `Result<T, E>`.
    pub(crate) ok: fn(&Type, &syn::Ident) -> TokenStream,
    /// The `Err` of a return type spelled `Result<T, E>`.
    pub(crate) err: fn(&Type, &syn::Ident) -> TokenStream,
    /// Any other return type (an alias, no `Result`, `()`), judged whole.
    pub(crate) whole: fn(&Type, &syn::Ident) -> TokenStream,
}

impl Handler {
    /// Maps the handler's future to the caller's `Outcome` with `returns`. With `Result<T, E>`
    /// spelled out, `T` and `E` are judged each at its own token; otherwise (an alias, or no
    /// `Result`) the whole return type is judged at once, so there is one error.
    ///
    /// A combinator (`__private::map`), not an `async` block: a block would keep the
    /// handler's future twice, as a captured value and again where it is awaited.
    pub(crate) fn outcome(
        &self,
        returns: &Returns,
        future: &syn::Ident,
        value: &syn::Ident,
        error: &syn::Ident,
    ) -> TokenStream {
        let output = local("output");
        let conclude = self.conclude(returns, &output, value, error);
        quote! {
            ::lambda_contract::__private::map(#future, move |#output| #conclude)
        }
    }

    /// The match turning the handler's output into the caller's `Outcome`.
    fn conclude(
        &self,
        returns: &Returns,
        output: &syn::Ident,
        value: &syn::Ident,
        error: &syn::Ident,
    ) -> TokenStream {
        let Some((ok, err)) = self.result_types() else {
            let whole = match &self.output {
                Some(ty) => nameable(ty),
                None => syn::parse_quote!(()),
            };
            return (returns.whole)(&whole, &respan(output, whole.span()));
        };
        let (ok, err) = (nameable(ok), nameable(err));
        let respond = (returns.ok)(&ok, &respan(value, ok.span()));
        let fail = (returns.err)(&err, &respan(error, err.span()));
        quote! {
            match #output {
                ::core::result::Result::Ok(#value) => #respond,
                ::core::result::Result::Err(#error) => #fail,
            }
        }
    }
}

/// The type with every `impl Trait` in it replaced by `_`, so that it can be written as
/// `<T as Trait>` (`impl Trait` is not allowed in a path, E0562); the compiler infers each `_`
/// from the function's own return type. Other tokens keep their spans, so an error still
/// covers the whole type.
pub(crate) fn nameable(ty: &Type) -> Type {
    let mut ty = ty.clone();
    infer_impl_trait(&mut ty);
    ty
}

fn infer_impl_trait(ty: &mut Type) {
    match ty {
        Type::ImplTrait(impl_trait) => {
            *ty = Type::Infer(syn::TypeInfer {
                underscore_token: syn::Token![_](impl_trait.impl_token.span),
            });
        }
        Type::Array(array) => infer_impl_trait(&mut array.elem),
        Type::Group(group) => infer_impl_trait(&mut group.elem),
        Type::Paren(paren) => infer_impl_trait(&mut paren.elem),
        Type::Ptr(ptr) => infer_impl_trait(&mut ptr.elem),
        Type::Reference(reference) => infer_impl_trait(&mut reference.elem),
        Type::Slice(slice) => infer_impl_trait(&mut slice.elem),
        Type::Tuple(tuple) => tuple.elems.iter_mut().for_each(infer_impl_trait),
        Type::Path(path) => {
            if let Some(qself) = &mut path.qself {
                infer_impl_trait(&mut qself.ty);
            }
            for segment in &mut path.path.segments {
                match &mut segment.arguments {
                    PathArguments::AngleBracketed(generics) => {
                        for arg in &mut generics.args {
                            match arg {
                                GenericArgument::Type(ty) => infer_impl_trait(ty),
                                GenericArgument::AssocType(assoc) => {
                                    infer_impl_trait(&mut assoc.ty)
                                }
                                _ => {}
                            }
                        }
                    }
                    PathArguments::Parenthesized(function) => {
                        function.inputs.iter_mut().for_each(infer_impl_trait);
                        if let ReturnType::Type(_, output) = &mut function.output {
                            infer_impl_trait(output);
                        }
                    }
                    PathArguments::None => {}
                }
            }
        }
        _ => {}
    }
}

/// The user's item unchanged, the errors, and a stand-in `main` so that no second error
/// ("`main` function not found") hides the first.
pub(crate) fn fallback(item: TokenStream, errors: &crate::ctxt::Errors) -> TokenStream {
    let errors = errors.to_compile_errors();
    quote! {
        #item
        #errors
        #[allow(dead_code)]
        fn main() {}
    }
}

/// The `init` argument, boxed by the runtime's `InitFn` (a function that is not an
/// `async fn() -> Result<T, E>` is reported once, at the path), or the runtime's `no_init`.
pub(crate) fn init_path(init: Option<syn::Path>) -> TokenStream {
    match init {
        Some(path) => {
            quote_spanned!(path.span()=> <_ as ::lambda_contract::__private::InitFn<_>>::boxed(#path))
        }
        None => quote!(::lambda_contract::__private::no_init),
    }
}

/// Everything a handler attribute emits: the user's function unchanged, `<name>_lambda()`
/// returning the glue that `lambda` (an expression) assembles, and `main` serving it.
pub(crate) fn emit(handler: &Handler, attribute: &str, lambda: TokenStream) -> TokenStream {
    let item = &handler.item;
    let name = &item.sig.ident;
    let vis = &item.vis;
    let glue_fn = quote::format_ident!("{}_lambda", name);
    let lambda_local = local("lambda");
    let concurrent = local("concurrent");
    let doc = format!(
        "The `#[{attribute}]` glue around [`{name}`]: what `main` serves, and what \
         `lambda_contract::testing::invoke` runs in-process."
    );
    quote! {
        #item

        #[doc = #doc]
        #[allow(dead_code)]
        #vis fn #glue_fn() -> impl ::lambda_contract::Handler {
            use ::lambda_contract::__private::{ProbeConcurrent as _, ProbeSequential as _};
            let #lambda_local = #lambda;
            // Where the glue's concrete type is known: may its invocations run at once?
            let #concurrent = (&&::lambda_contract::__private::Probe::of(&#lambda_local)).concurrent();
            #lambda_local.probed(#concurrent)
        }

        #[allow(dead_code)]
        fn main() -> ::std::process::ExitCode {
            ::lambda_contract::__private::main(#glue_fn())
        }
    }
}

/// How a handler's parameters are laid out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// The event first, then `&S` and the Lambda `Context` in either order (Connect).
    EventFirst,
    /// Extractors in any order, `&S` anywhere (API Gateway, in axum's manner).
    Extractors,
}

/// Parses the item under a handler attribute. `what` names the handler in messages
/// ("a Connect handler"); `has_init` says whether an `&S` parameter can be served.
pub(crate) fn parse(
    item: TokenStream,
    what: &str,
    input_hint: &str,
    style: Style,
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
        let (pat, ty) = match input {
            FnArg::Receiver(receiver) => {
                errors.spanned(
                    receiver,
                    format!("{what} is a free function, not a method: remove `self`"),
                );
                continue;
            }
            FnArg::Typed(typed) => (&typed.pat, (*typed.ty).clone()),
        };
        if let Type::ImplTrait(_) = ty {
            errors.spanned(
                &ty,
                format!("{what} cannot take `impl Trait`: Lambda calls one concrete function; name the type"),
            );
            continue;
        }
        let is_state = matches!(ty, Type::Reference(_));
        if style == Style::Extractors && !is_state {
            params.push(Param::Input(ty));
            continue;
        }
        if style == Style::EventFirst && index == 0 {
            params.push(Param::Input(ty));
            continue;
        }
        if style == Style::EventFirst && index > 2 {
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
                let message = match taken_by_value(state, style) {
                    Some((what, position)) => format!(
                        "a `&T` parameter takes the state `init` produces, shared by every invocation, and \
                         there is no `init`; {what} is taken by value: write `{}: {}`{position}",
                        text(pat),
                        text(state),
                    ),
                    None => format!(
                        "a `&T` parameter takes the state `init` produces, shared by every invocation, but no \
                         `init` is given: add `init = path` to the attribute, where `path` is an \
                         `async fn() -> Result<{}, E>`",
                        text(state)
                    ),
                };
                errors.spanned(input, message);
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
    if style == Style::EventFirst && sig.inputs.is_empty() {
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

/// A parameter type the handler receives by value, named by its last segment: written as
/// `&T`, it is a mistake for it rather than a state. What it is, and where it goes.
fn taken_by_value(ty: &Type, style: Style) -> Option<(&'static str, &'static str)> {
    let Type::Path(path) = ty else {
        return None;
    };
    let name = path.path.segments.last()?.ident.to_string();
    match (name.as_str(), style) {
        ("Request", Style::Extractors) => Some(("the request", ", as the last parameter")),
        ("Json", Style::Extractors) => Some(("the body", ", as the last parameter")),
        ("Path" | "Query", Style::Extractors) => Some(("an extractor", "")),
        ("ConnectEvent", Style::EventFirst) => Some(("the event", ", as the first parameter")),
        ("Context", _) => Some(("the Lambda context", "")),
        _ => None,
    }
}

/// Tokens as the user would write them in a message: `Json<User>`, not `Json < User >`.
pub(crate) fn text(tokens: &impl ToTokens) -> String {
    let mut text = tokens.to_token_stream().to_string();
    for (spaced, tight) in [
        (" , ", ", "),
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" :: ", "::"),
        (":: ", "::"),
        ("& ", "&"),
    ] {
        text = text.replace(spaced, tight);
    }
    text
}
