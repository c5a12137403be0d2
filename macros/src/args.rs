//! Attribute arguments: `key = value` pairs from a fixed list of keys.

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

/// Parses `key = value, ...`, reporting unknown and repeated keys with the accepted ones.
pub(crate) fn parse(tokens: TokenStream, accepted: &[&str], errors: &mut Errors) -> Vec<Arg> {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(metas) => metas,
        Err(error) => {
            errors.push(error);
            return Vec::new();
        }
    };
    let expected = accepted
        .iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut args: Vec<Arg> = Vec::new();
    for meta in metas {
        let Some(key) = meta.path().get_ident().cloned() else {
            errors.spanned(
                meta.path(),
                format!("unknown argument; expected one of: {expected}"),
            );
            continue;
        };
        if !accepted.contains(&key.to_string().as_str()) {
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
    args
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
