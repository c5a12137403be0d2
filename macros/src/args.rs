//! Attribute arguments: `key = value` pairs and `key(item, ...)` lists from a fixed list of keys.

use proc_macro2::TokenStream;
use quote::ToTokens;
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

/// Parses like [`parse`], and also bare flags (`asynchronous`): `flags` lists each with what
/// it means. Returns the flags given apart; `flag = value` and a repeated flag are errors.
pub(crate) fn parse_with_flags(
    tokens: TokenStream,
    accepted: &[&str],
    flags: &[(&str, &str)],
    errors: &mut Errors,
) -> (Vec<Arg>, Vec<syn::Ident>) {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(metas) => metas,
        Err(error) => {
            errors.push(error);
            return (Vec::new(), Vec::new());
        }
    };
    let mut given: Vec<syn::Ident> = Vec::new();
    let mut rest = Punctuated::<Meta, Token![,]>::new();
    for meta in metas {
        let Some((flag, meaning)) = flags.iter().find(|(flag, _)| meta.path().is_ident(flag))
        else {
            rest.push(meta);
            continue;
        };
        let ident = meta.path().segments[0].ident.clone();
        if !matches!(meta, Meta::Path(_)) {
            // Still read as given, so the other arguments are judged as the user meant them.
            errors.spanned(
                &meta,
                format!(
                    "`{flag}` takes no value: write `{flag}` alone ({meaning}), or leave it out"
                ),
            );
        }
        if given.contains(&ident) {
            errors.spanned(&ident, format!("`{ident}` is given twice"));
        } else {
            given.push(ident);
        }
    }
    // Unknown keys are told the flags too.
    let names = accepted
        .iter()
        .copied()
        .chain(flags.iter().map(|(flag, _)| *flag))
        .collect::<Vec<_>>();
    (parse(rest.into_token_stream(), &names, errors), given)
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
