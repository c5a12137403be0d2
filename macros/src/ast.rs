//! A handler function as parsed: the item kept whole (re-emitted unchanged, its tokens the
//! spans of every message), each parameter with the role its caller gives it.

use proc_macro2::{Delimiter, Group, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{
    Attribute, FnArg, GenericArgument, PathArguments, ReturnType, Signature, Type, Visibility,
};

use crate::callers::{ByValue, Caller, Layout};
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

/// A handler function: the item, its parameters in order, its declared return type.
pub(crate) struct Handler {
    pub(crate) item: ItemFn,
    pub(crate) params: Vec<Param>,
    /// The declared return type, or `None` for `()`.
    pub(crate) output: Option<Type>,
}

/// One parameter: as written (for spans), and its role.
pub(crate) struct Param {
    pub(crate) arg: FnArg,
    pub(crate) role: Role,
}

/// What a parameter is to its caller, judged by its position, its shape and, for a type taken
/// by value, its name; its type is judged by the runtime's traits, at the parameter's span.
pub(crate) enum Role {
    /// The caller's input: the event, or an extractor.
    Input(Type),
    /// `&S`: the state `init` produced.
    State(syn::TypeReference),
    /// After the event: the Lambda context.
    Context(Type),
    /// `&T` where `T` is taken by value (`&Request`, `&Context`): a mistake.
    Borrowed(&'static ByValue, Type),
    /// `self`.
    Receiver,
    /// `impl Trait`.
    ImplTrait(Type),
    /// Beyond the event, the state and the context.
    Surplus,
}

impl Handler {
    /// Parses the item under `caller`'s attribute; an item that is not a function is reported.
    pub(crate) fn parse(caller: &Caller, item: TokenStream, errors: &mut Errors) -> Option<Self> {
        let item: ItemFn = match syn::parse2(item) {
            Ok(item) => item,
            Err(error) => {
                let what = caller.what;
                errors.at(error.span(), format!("{what} is an `async fn`: {error}"));
                return None;
            }
        };
        let params = item
            .sig
            .inputs
            .iter()
            .enumerate()
            .map(|(index, arg)| Param {
                arg: arg.clone(),
                role: Role::of(caller, index, arg),
            })
            .collect();
        let output = match &item.sig.output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => Some((**ty).clone()),
        };
        Some(Handler {
            item,
            params,
            output,
        })
    }

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

impl Role {
    fn of(caller: &Caller, index: usize, arg: &FnArg) -> Role {
        let FnArg::Typed(typed) = arg else {
            return Role::Receiver;
        };
        let ty = &*typed.ty;
        let event_first = matches!(caller.layout, Layout::EventFirst { .. });
        match ty {
            Type::ImplTrait(_) => Role::ImplTrait(ty.clone()),
            _ if event_first && index > 2 => Role::Surplus,
            Type::Reference(reference) => match taken_by_value(caller, &reference.elem) {
                Some(by_value) => Role::Borrowed(by_value, (*reference.elem).clone()),
                None if event_first && index == 0 => Role::Input(ty.clone()),
                None => Role::State(reference.clone()),
            },
            _ if event_first && index > 0 => Role::Context(ty.clone()),
            _ => Role::Input(ty.clone()),
        }
    }
}

/// The caller's type taken by value that `ty` names, by its last segment.
fn taken_by_value(caller: &Caller, ty: &Type) -> Option<&'static ByValue> {
    let Type::Path(path) = ty else {
        return None;
    };
    let name = &path.path.segments.last()?.ident;
    caller
        .by_value
        .iter()
        .find(|by_value| name == by_value.name)
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
