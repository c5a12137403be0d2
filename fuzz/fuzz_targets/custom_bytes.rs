//! Arbitrary bytes, and arbitrary inputs, to the custom-integration glue. Every outcome is
//! plain JSON or an invocation error whose message the generated selection patterns map to
//! exactly one status, never 200; a 5xx message carries no internal text, a 4xx only the
//! handler's own detail.
#![no_main]

use std::sync::OnceLock;

use lambda_contract::apigw::custom::ErrorStatuses;
use lambda_contract::testing::invoke_raw;
use lambda_contract_fuzz::{block_on, context, custom, SECRET};
use libfuzzer_sys::fuzz_target;
use regex::Regex;

fn patterns() -> &'static [(u16, Regex)] {
    static PATTERNS: OnceLock<Vec<(u16, Regex)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let statuses = ErrorStatuses::new([404, 409, 503]).expect("valid statuses");
        statuses
            .selection_patterns()
            .into_iter()
            .map(|p| {
                (
                    p.status,
                    Regex::new(&format!("^(?:{})$", p.pattern)).expect("a valid pattern"),
                )
            })
            .collect()
    })
}

fuzz_target!(init: lambda_contract_fuzz::expect_handler_panics(), |data: &[u8]| {
    // Half the inputs as they come, half as a well-formed input with arbitrary fields.
    let payload = match data.split_first() {
        Some((&flag, rest)) if flag % 2 == 0 && rest.len() >= 2 => {
            let status = u16::from_le_bytes([rest[0], rest[1]]) % 1000;
            let text = String::from_utf8_lossy(&rest[2..]);
            serde_json::to_vec(&serde_json::json!({ "status": status, "text": text })).expect("json")
        }
        _ => data.to_vec(),
    };
    match block_on(invoke_raw(&custom::handle_lambda(), &payload, context())) {
        Ok(raw) => {
            serde_json::from_str::<serde_json::Value>(raw.get()).expect("a success is JSON");
        }
        Err(error) => {
            let matching: Vec<u16> = patterns()
                .iter()
                .filter(|(_, pattern)| pattern.is_match(&error.error_message))
                .map(|(status, _)| *status)
                .collect();
            assert_eq!(matching.len(), 1, "{matching:?} match {error:?}");
            let status = matching[0];
            assert_ne!(status, 200);
            assert_eq!(error.error_type, format!("Http{status}"), "{error:?}");
            if status >= 500 {
                assert!(!error.error_message.contains(SECRET), "internal text: {error:?}");
            }
        }
    }
});
