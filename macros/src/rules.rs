//! The naming rules: names that make a success look like an HTTP status or an error.

/// Folds a serialized name for comparison: case, `_` and `-` ignored.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A field serialized under an HTTP status name: `statusCode`, `httpStatus`, `httpStatusCode`.
pub(crate) fn is_status_code(name: &str) -> bool {
    matches!(
        fold(name).as_str(),
        "statuscode" | "httpstatus" | "httpstatuscode"
    )
}

/// A field serialized under an error carrier's name: `error`, `errorMessage`, `errorType`.
pub(crate) fn is_error_carrier(name: &str) -> bool {
    matches!(fold(name).as_str(), "error" | "errormessage" | "errortype")
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
