//! Attribute arguments: `key = value` pairs and `key(item, ...)` lists from a fixed list of keys.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, Meta, Token};

use crate::ctxt::Errors;

/// One `key = value` argument.
pub(crate) struct Arg {
    pub(crate) key: syn::Ident,
    pub(crate) value: Expr,
}

/// One `key(item, ...)` argument.
pub(crate) struct ListArg {
    pub(crate) key: syn::Ident,
    pub(crate) items: Vec<Expr>,
}

/// Parses `key = value, ...`, reporting unknown and repeated keys with the accepted ones.
pub(crate) fn parse(tokens: TokenStream, accepted: &[&str], errors: &mut Errors) -> Vec<Arg> {
    parse_with_lists(tokens, accepted, &[], errors).0
}

/// Parses `key = value` arguments (keys in `accepted`) and `key(item, ...)` arguments (`lists`:
/// each key with an example of its use), reporting unknown and repeated keys with the accepted
/// ones.
pub(crate) fn parse_with_lists(
    tokens: TokenStream,
    accepted: &[&str],
    lists: &[(&str, &str)],
    errors: &mut Errors,
) -> (Vec<Arg>, Vec<ListArg>) {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(metas) => metas,
        Err(error) => {
            errors.push(error);
            return (Vec::new(), Vec::new());
        }
    };
    let expected = lists
        .iter()
        .map(|(key, _)| format!("`{key}(..)`"))
        .chain(accepted.iter().map(|key| format!("`{key}`")))
        .collect::<Vec<_>>()
        .join(", ");
    let mut args: Vec<Arg> = Vec::new();
    let mut list_args: Vec<ListArg> = Vec::new();
    for meta in metas {
        let Some(key) = meta.path().get_ident().cloned() else {
            errors.spanned(
                meta.path(),
                format!("unknown argument; expected one of: {expected}"),
            );
            continue;
        };
        let name = key.to_string();
        if let Some((_, example)) = lists.iter().find(|(list, _)| *list == name) {
            let Meta::List(list) = meta else {
                errors.spanned(
                    &meta,
                    format!("`{key}` takes a list in parentheses, such as `{example}`"),
                );
                continue;
            };
            if list_args.iter().any(|arg| arg.key == key) {
                errors.spanned(&key, format!("`{key}` is given twice"));
                continue;
            }
            match list.parse_args_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
                Ok(items) => list_args.push(ListArg {
                    key,
                    items: items.into_iter().collect(),
                }),
                Err(error) => errors.push(error),
            }
            continue;
        }
        if !accepted.contains(&name.as_str()) {
            errors.spanned(
                &key,
                format!("unknown argument `{key}`; expected one of: {expected}"),
            );
            continue;
        }
        let Meta::NameValue(pair) = meta else {
            errors.spanned(&meta, format!("expected `{key} = ...`"));
            continue;
        };
        if args.iter().any(|arg| arg.key == key) {
            errors.spanned(&key, format!("`{key}` is given twice"));
            continue;
        }
        args.push(Arg {
            key,
            value: pair.value,
        });
    }
    (args, list_args)
}

/// An integer literal argument within `range`.
pub(crate) fn int_in(
    arg: &Arg,
    range: std::ops::RangeInclusive<u64>,
    why: &str,
    errors: &mut Errors,
) -> Option<u64> {
    let key = &arg.key;
    let Expr::Lit(ExprLit {
        lit: Lit::Int(int), ..
    }) = &arg.value
    else {
        errors.spanned(
            &arg.value,
            format!(
                "`{key}` takes an integer literal, such as `{key} = {}`",
                range.end()
            ),
        );
        return None;
    };
    match int.base10_parse::<u64>() {
        Ok(value) if range.contains(&value) => Some(value),
        _ => {
            errors.spanned(
                int,
                format!(
                    "`{key}` must be between {} and {}: {why}",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }
}

/// A path argument (`init = my_init`).
pub(crate) fn path(arg: &Arg, errors: &mut Errors) -> Option<syn::Path> {
    match &arg.value {
        Expr::Path(path) if path.qself.is_none() => Some(path.path.clone()),
        other => {
            let key = &arg.key;
            errors.spanned(
                other,
                format!("`{key}` takes the path of an async fn, such as `{key} = setup`"),
            );
            None
        }
    }
}
