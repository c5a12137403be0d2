//! The naming rules: names that make a success look like an HTTP status or an error, and the
//! `found` flag's name.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{LitStr, Token};

/// Serialized names, folded, that present a success as an HTTP status.
///
/// This list and [`ERROR_CARRIER_NAMES`] copy the runtime's `RESERVED_KEYS`
/// (`lambda_contract::connect`), which its encoders enforce at run time on the keys a map can
/// carry; the runtime's test `the_derive_reserves_the_same_names` checks they agree, through
/// [`reserved_names`].
pub(crate) const STATUS_CODE_NAMES: &[&str] = &["statuscode", "httpstatus", "httpstatuscode"];

/// Serialized names, folded, that carry an error inside a success.
pub(crate) const ERROR_CARRIER_NAMES: &[&str] = &["error", "errormessage", "errortype"];

/// The key `Option<T>`'s flag is written under.
pub(crate) const FOUND: &str = "found";

/// Folds a serialized name for comparison: ASCII case, `_` and `-` ignored (the runtime's
/// fold, so both judge a name alike).
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A field serialized under an HTTP status name: `statusCode`, `httpStatus`, `httpStatusCode`.
pub(crate) fn is_status_code(name: &str) -> bool {
    STATUS_CODE_NAMES.contains(&fold(name).as_str())
}

/// A field serialized under an error carrier's name: `error`, `errorMessage`, `errorType`.
pub(crate) fn is_error_carrier(name: &str) -> bool {
    ERROR_CARRIER_NAMES.contains(&fold(name).as_str())
}

/// A field serialized as `found`, the flag `Option<T>` writes (exactly: the flow reads
/// `$.External.found`, and `Found` is another attribute).
pub(crate) fn is_found(name: &str) -> bool {
    name == FOUND
}

/// `__connect_reserved_names!("statusCode", ..)`, for the runtime's agreement test: the lists
/// as `[(folded name, family)]`, and each argument with its family (`"status code"`,
/// `"error"`, or `""` for an ordinary name).
pub(crate) fn reserved_names(input: TokenStream) -> TokenStream {
    let names = match Punctuated::<LitStr, Token![,]>::parse_terminated.parse2(input) {
        Ok(names) => names,
        Err(error) => return error.to_compile_error(),
    };
    let family = |name: &str| {
        if is_status_code(name) {
            "status code"
        } else if is_error_carrier(name) {
            "error"
        } else {
            ""
        }
    };
    let listed = STATUS_CODE_NAMES
        .iter()
        .map(|name| quote!((#name, "status code")))
        .chain(
            ERROR_CARRIER_NAMES
                .iter()
                .map(|name| quote!((#name, "error"))),
        );
    let judged = names.iter().map(|name| {
        let family = family(&name.value());
        quote!((#name, #family))
    });
    quote! {
        (
            [#(#listed),*],
            [#(#judged),*],
        )
    }
}

/// serde's `rename_all` rules, applied to a snake_case field name.
pub(crate) fn rename_all(rule: &str, field: &str) -> Option<String> {
    let pascal = || {
        field
            .split('_')
            .map(|part| {
                let mut chars = part.chars();
                chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                    .unwrap_or_default()
            })
            .collect::<String>()
    };
    Some(match rule {
        "lowercase" => field.to_ascii_lowercase(),
        "UPPERCASE" => field.to_ascii_uppercase(),
        "PascalCase" => pascal(),
        "camelCase" => {
            let pascal = pascal();
            let mut chars = pascal.chars();
            chars
                .next()
                .map(|first| first.to_lowercase().chain(chars).collect())
                .unwrap_or_default()
        }
        "snake_case" => field.to_owned(),
        "SCREAMING_SNAKE_CASE" => field.to_ascii_uppercase(),
        "kebab-case" => field.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => field.replace('_', "-").to_ascii_uppercase(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_in_any_spelling() {
        for name in [
            "statusCode",
            "status_code",
            "STATUS_CODE",
            "StatusCode",
            "httpStatus",
            "http_status_code",
            "status-code",
        ] {
            assert!(is_status_code(name), "{name}");
        }
        for name in ["status", "code", "status_text", "statusCodes", "http"] {
            assert!(!is_status_code(name), "{name}");
        }
    }

    #[test]
    fn error_carriers_in_any_spelling() {
        for name in [
            "error",
            "Error",
            "errorMessage",
            "error_message",
            "ERROR_TYPE",
            "errorType",
        ] {
            assert!(is_error_carrier(name), "{name}");
        }
        for name in ["error_count", "errors", "last_error_at", "terror"] {
            assert!(!is_error_carrier(name), "{name}");
        }
    }

    #[test]
    fn found_is_reserved_exactly() {
        assert!(is_found("found"));
        for name in ["Found", "FOUND", "found_at", "is_found"] {
            assert!(!is_found(name), "{name}");
        }
    }

    #[test]
    fn rename_all_rules_match_serde() {
        let cases = [
            ("lowercase", "balance_cents"),
            ("UPPERCASE", "BALANCE_CENTS"),
            ("PascalCase", "BalanceCents"),
            ("camelCase", "balanceCents"),
            ("snake_case", "balance_cents"),
            ("SCREAMING_SNAKE_CASE", "BALANCE_CENTS"),
            ("kebab-case", "balance-cents"),
            ("SCREAMING-KEBAB-CASE", "BALANCE-CENTS"),
        ];
        for (rule, expected) in cases {
            assert_eq!(
                rename_all(rule, "balance_cents").as_deref(),
                Some(expected),
                "{rule}"
            );
        }
        assert_eq!(rename_all("nonsense", "a"), None);
    }
}
