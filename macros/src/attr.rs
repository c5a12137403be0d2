//! A handler attribute's arguments: the keys its caller accepts (`init = path`,
//! `timeout_ms = N` and its flag, `errors(..)`), each read once, each error spanned at the
//! argument.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, Meta, Token};

use crate::callers::{Caller, Raised, Statuses, Timeout};
use crate::ctxt::Errors;

/// The keys, in one place.
const INIT: &str = "init";
const TIMEOUT_MS: &str = "timeout_ms";
const ERRORS: &str = "errors";

/// The arguments as read. A value that is wrong is reported and left at its default, so the
/// handler is still judged as the user meant it.
pub(crate) struct Attrs {
    /// `init = path`.
    pub(crate) init: Option<syn::Path>,
    /// Whether `init` is given at all, valid or not: whether a `&S` parameter can be served.
    pub(crate) has_init: bool,
    /// `timeout_ms`, or the caller's longest; unused by a caller without one.
    pub(crate) timeout_ms: u64,
    /// `errors(..)`.
    pub(crate) statuses: Vec<u16>,
}

/// How a key is written.
enum Shape {
    /// `key = value`: what the value is, and an example.
    Value(&'static str, String),
    /// `key` alone; what it means.
    Flag(&'static str),
    /// `key(item, ..)`; an example.
    List(&'static str),
}

/// The keys `caller` accepts, in the order messages list them.
fn keys(caller: &Caller) -> Vec<(&'static str, Shape)> {
    let mut keys = Vec::new();
    if caller.statuses.is_some() {
        keys.push((ERRORS, Shape::List("errors(400, 404)")));
    }
    keys.push((
        INIT,
        Shape::Value("the path of an async fn", format!("{INIT} = setup")),
    ));
    if let Some(timeout) = &caller.timeout {
        keys.push((
            TIMEOUT_MS,
            Shape::Value(
                "an integer literal",
                format!("{TIMEOUT_MS} = {}", timeout.range.end()),
            ),
        ));
        if let Some(raised) = &timeout.raised {
            keys.push((raised.flag, Shape::Flag(raised.meaning)));
        }
    }
    keys
}

/// One argument, as written.
struct Given {
    key: syn::Ident,
    meta: Meta,
}

impl Attrs {
    /// Reads the attribute's arguments for `caller`: unknown and repeated keys and misshapen
    /// arguments first, then each value.
    pub(crate) fn parse(caller: &Caller, tokens: TokenStream, errors: &mut Errors) -> Attrs {
        let given = shapes(caller, tokens, errors);
        let raised = caller.timeout.as_ref().and_then(|timeout| {
            let raised = timeout.raised.as_ref()?;
            given
                .iter()
                .any(|arg| arg.key == raised.flag)
                .then_some(raised)
        });
        let mut attrs = Attrs {
            init: None,
            has_init: false,
            timeout_ms: caller.timeout.as_ref().map_or(0, |timeout| {
                *raised.map_or(&timeout.range, |raised| &raised.range).end()
            }),
            statuses: Vec::new(),
        };
        // In the order written, so that errors are too.
        for arg in &given {
            if arg.key == INIT {
                attrs.has_init = true;
                attrs.init = path(arg, errors);
            } else if arg.key == TIMEOUT_MS {
                let timeout = caller.timeout.as_ref();
                if let Some(value) =
                    timeout.and_then(|timeout| timeout_ms(arg, timeout, raised, errors))
                {
                    attrs.timeout_ms = value;
                }
            } else if arg.key == ERRORS {
                if let Some(spec) = &caller.statuses {
                    attrs.statuses = statuses(arg, spec, errors);
                }
            }
        }
        attrs
    }
}

/// The arguments whose key is accepted, each the first time it is given.
fn shapes(caller: &Caller, tokens: TokenStream, errors: &mut Errors) -> Vec<Given> {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(metas) => metas,
        Err(error) => {
            errors.push(error);
            return Vec::new();
        }
    };
    let keys = keys(caller);
    let expected = keys
        .iter()
        .map(|(key, shape)| match shape {
            Shape::List(_) => format!("`{key}(..)`"),
            _ => format!("`{key}`"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut given: Vec<Given> = Vec::new();
    for meta in metas {
        let Some(key) = meta.path().get_ident().cloned() else {
            errors.spanned(
                meta.path(),
                format!("unknown argument; expected one of: {expected}"),
            );
            continue;
        };
        let Some((_, shape)) = keys.iter().find(|(name, _)| key == name) else {
            errors.spanned(
                &key,
                format!("unknown argument `{key}`; expected one of: {expected}"),
            );
            continue;
        };
        // A misshapen argument is still read as given (its value as missing), so that the
        // handler is judged as the user meant it: `init(setup)` still serves a `&S`.
        match (shape, &meta) {
            (Shape::Value(..), Meta::NameValue(_))
            | (Shape::Flag(_), Meta::Path(_))
            | (Shape::List(_), Meta::List(_)) => {}
            (Shape::Value(value, example), _) => errors.spanned(
                &meta,
                format!("`{key}` takes {value} after `=`: write `{example}`"),
            ),
            (Shape::Flag(meaning), _) => errors.spanned(
                &meta,
                format!("`{key}` takes no value: write `{key}` alone ({meaning}), or leave it out"),
            ),
            (Shape::List(example), _) => errors.spanned(
                &meta,
                format!("`{key}` takes a list in parentheses, such as `{example}`"),
            ),
        }
        if given.iter().any(|arg| arg.key == key) {
            errors.spanned(&key, format!("`{key}` is given twice"));
        } else {
            given.push(Given { key, meta });
        }
    }
    given
}

/// `timeout_ms`: an integer literal within the caller's limits, or the raised ones.
fn timeout_ms(
    arg: &Given,
    timeout: &Timeout,
    raised: Option<&Raised>,
    errors: &mut Errors,
) -> Option<u64> {
    let (range, why) = match raised {
        Some(raised) => (&raised.range, raised.why),
        None => (&timeout.range, timeout.why),
    };
    let int = int_literal(arg, errors, || {
        format!(
            "`{TIMEOUT_MS}` takes an integer literal, such as `{TIMEOUT_MS} = {}`",
            range.end()
        )
    })?;
    let value = int.base10_parse::<u64>();
    if let Ok(value) = value {
        if range.contains(&value) {
            return Some(value);
        }
    }
    // Over the limit a flag would raise: say so.
    let over = raised.is_none()
        && timeout.raised.is_some()
        && value.map_or(true, |value| value > *timeout.range.end());
    let why = if over { timeout.over } else { why };
    errors.spanned(
        int,
        format!(
            "`{TIMEOUT_MS}` must be between {} and {}: {why}",
            range.start(),
            range.end()
        ),
    );
    None
}

/// The value of `key = value` when it is an integer literal; otherwise `expected` is reported.
fn int_literal<'a>(
    arg: &'a Given,
    errors: &mut Errors,
    expected: impl FnOnce() -> String,
) -> Option<&'a syn::LitInt> {
    let Meta::NameValue(pair) = &arg.meta else {
        return None;
    };
    match &pair.value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => Some(int),
        other => {
            errors.spanned(other, expected());
            None
        }
    }
}

/// `init = path`: the path of an async fn.
fn path(arg: &Given, errors: &mut Errors) -> Option<syn::Path> {
    let Meta::NameValue(pair) = &arg.meta else {
        return None;
    };
    match &pair.value {
        Expr::Path(path) if path.qself.is_none() => Some(path.path.clone()),
        other => {
            errors.spanned(
                other,
                format!("`{INIT}` takes the path of an async fn, such as `{INIT} = setup`"),
            );
            None
        }
    }
}

/// `errors(..)`: integer literals within the caller's statuses, each once.
fn statuses(arg: &Given, spec: &Statuses, errors: &mut Errors) -> Vec<u16> {
    let Meta::List(list) = &arg.meta else {
        return Vec::new();
    };
    let items = match list.parse_args_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
        Ok(items) => items,
        Err(error) => {
            errors.push(error);
            return Vec::new();
        }
    };
    let mut statuses: Vec<u16> = Vec::new();
    for item in &items {
        let Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) = item
        else {
            errors.spanned(item, spec.not_integer);
            continue;
        };
        match int.base10_parse::<u16>() {
            Ok(status) if statuses.contains(&status) => {
                errors.spanned(int, format!("{status} is declared twice"));
            }
            Ok(status) if spec.range.contains(&status) => statuses.push(status),
            _ => errors.spanned(
                int,
                format!(
                    "{} is not an error status: {}",
                    int.base10_digits(),
                    spec.out_of_range
                ),
            ),
        }
    }
    statuses
}
