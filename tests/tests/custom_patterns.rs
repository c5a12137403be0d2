//! The selection patterns of `#[apigw_custom(errors(400, 404))]`, evaluated as API Gateway
//! evaluates them (each against the whole `errorMessage`; the default response, 200, when none
//! matches) against every message the glue can produce and against Lambda's own: each matches
//! exactly one pattern, the one of the status it means, and none is left for the false 200.
//!
//! The patterns keep to the syntax Java's engine (API Gateway's) and the `regex` crate read
//! alike (`[\s\S]`, `[0-9]`, no `.`, no lookaround), so `regex` with `^(?:…)$` stands in for
//! Java's full match here.

use std::sync::OnceLock;
use std::time::Duration;

use lambda_contract::apigw::custom::{ErrorStatuses, SelectionPattern};
use lambda_contract::testing;
use proptest::prelude::*;
use regex::Regex;
use serde_json::{json, Value};

/// The handlers whose messages are checked; in a module, so that the generated `main` does
/// not meet the test harness's.
mod handlers {
    use lambda_contract::apigw::ApiError;
    use lambda_contract::{apigw_custom, Error};
    use serde::{Deserialize, Serialize};

    #[derive(Deserialize)]
    pub struct GetUser {
        id: String,
    }

    #[derive(Serialize)]
    pub struct User {
        id: String,
    }

    #[apigw_custom(errors(400, 404))]
    pub async fn get_user(input: GetUser) -> Result<User, ApiError> {
        match input.id.as_str() {
            "ada" => Ok(User { id: input.id }),
            "" => Err(ApiError::bad_request("`id` must not be empty")),
            "multi" => Err(ApiError::not_found(
                "no user\nwith that id,\r\nnor [500] nor\nTask timed out after 3.00 seconds",
            )),
            "taken" => Err(ApiError::conflict("undeclared 409")),
            "unavailable" => Err(ApiError::new(
                lambda_contract::apigw::StatusCode::SERVICE_UNAVAILABLE,
                "undeclared 503",
            )),
            "io" => Err(std::io::Error::other("disk on fire"))?,
            "panic" => panic!("deliberate"),
            "slow" => {
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                Ok(User { id: input.id })
            }
            other => Err(ApiError::not_found(format!("no user {other}"))),
        }
    }

    pub mod boxed {
        use super::*;

        #[apigw_custom(errors(400, 404))]
        pub async fn boxed(_input: serde_json::Value) -> Result<User, Error> {
            Err("a boxed lambda_contract::Error".into())
        }
    }
}

const DECLARED: [u16; 2] = [400, 404];

/// The patterns, each compiled for a whole-message match.
fn patterns() -> &'static [(u16, Regex)] {
    static PATTERNS: OnceLock<Vec<(u16, Regex)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        ErrorStatuses::new(DECLARED)
            .expect("valid statuses")
            .selection_patterns()
            .into_iter()
            .map(|SelectionPattern { status, pattern }| {
                let regex = Regex::new(&format!("^(?:{pattern})$"))
                    .unwrap_or_else(|error| panic!("{status}: {error}"));
                (status, regex)
            })
            .collect()
    })
}

/// The statuses of the patterns that match the whole message.
fn matching(message: &str) -> Vec<u16> {
    patterns()
        .iter()
        .filter(|(_, regex)| regex.is_match(message))
        .map(|(status, _)| *status)
        .collect()
}

/// What the mapping means, said independently of the patterns: a message that begins with a
/// mapped marker is that status; otherwise one that ends with Lambda's timeout text is 504;
/// everything else is 500.
fn meant(message: &str) -> u16 {
    static TIMEOUT_AT_END: OnceLock<Regex> = OnceLock::new();
    let timeout = TIMEOUT_AT_END.get_or_init(|| {
        Regex::new(r"Task timed out after [0-9]+\.[0-9]+ seconds\z").expect("valid regex")
    });
    let statuses = ErrorStatuses::new(DECLARED).expect("valid statuses");
    if let Some(&status) = statuses
        .statuses()
        .iter()
        .find(|status| message.starts_with(&format!("[{status}]")))
    {
        return status;
    }
    if timeout.is_match(message) {
        504
    } else {
        500
    }
}

/// Asserts the message matches exactly one pattern, that of `status`.
#[track_caller]
fn assert_maps(message: &str, status: u16) {
    let matched = matching(message);
    assert_eq!(
        matched,
        [status],
        "{message:?} must match exactly the {status} pattern (none would be API Gateway's default 200)"
    );
    assert_eq!(meant(message), status, "{message:?}");
}

async fn error_of(handler: &impl lambda_contract::Handler, input: Value) -> String {
    let context = testing::context("req-7", Duration::from_secs(30));
    testing::invoke_with_context(handler, input, context)
        .await
        .expect_err("an invocation error")
        .error_message
}

#[tokio::test]
async fn every_message_the_glue_produces_maps_to_its_status() {
    let glue = handlers::get_user_lambda();
    let ok = testing::invoke(&glue, json!({ "id": "ada" })).await;
    assert_eq!(ok.unwrap(), json!({ "id": "ada" }), "a success is no error");

    let cases = [
        (json!({ "id": "bob" }), 404),
        (json!({ "id": "multi" }), 404),
        (json!({ "id": "" }), 400),
        (json!({ "name": "ada" }), 400),
        (json!({ "id": 7 }), 400),
        (json!("not even an object"), 400),
        (json!({ "id": "taken" }), 500),
        (json!({ "id": "unavailable" }), 500),
        (json!({ "id": "io" }), 500),
        (json!({ "id": "panic" }), 500),
    ];
    for (input, status) in cases {
        let message = error_of(&glue, input.clone()).await;
        assert!(
            message.starts_with(&format!("[{status}] {{")),
            "{input}: {message}"
        );
        assert_maps(&message, status);
    }
    let message = error_of(&handlers::boxed::boxed_lambda(), json!({})).await;
    assert_maps(&message, 500);
}

#[tokio::test]
async fn the_glues_own_timeout_maps_to_504() {
    let context = testing::context("req-7", Duration::from_millis(50));
    let error = testing::invoke_with_context(
        &handlers::get_user_lambda(),
        json!({ "id": "slow" }),
        context,
    )
    .await
    .expect_err("abandoned at the deadline");
    assert!(error.error_message.starts_with("[504] "), "{error:?}");
    assert_maps(&error.error_message, 504);
}

#[test]
fn lambdas_own_messages_map_to_500_or_504() {
    let timeouts = [
        "Task timed out after 3.00 seconds",
        "Task timed out after 900.00 seconds",
        "2024-05-01T12:00:00.000Z 8c2c6f0e-1b7a-4c1e-9d62-3f0f8a6b2a11 Task timed out after 3.00 seconds",
        "RequestId: 8c2c6f0e-1b7a-4c1e-9d62-3f0f8a6b2a11 Error: Task timed out after 29.03 seconds",
        "first line\nsecond line\r\nTask timed out after 3.00 seconds",
        "[Task timed out after 3.00 seconds",
        "[4Task timed out after 3.00 seconds",
        "[40Task timed out after 3.00 seconds",
        "[404 Task timed out after 3.00 seconds",
        "[5] Task timed out after 3.00 seconds",
        "TTask timed out after 3.00 seconds",
        "Task timed out after 1.00 secondsTask timed out after 2.00 seconds",
        "Task timed out after 3.00 seconds\nTask timed out after 3.00 seconds",
    ];
    for message in timeouts {
        assert_maps(message, 504);
    }
    let crashes = [
        "Process exited before completing request",
        "RequestId: 8c2c6f0e Process exited before completing request",
        "RequestId: 8c2c6f0e Error: Runtime exited with error: exit status 1\nRuntime.ExitError",
        "Runtime exited without providing a reason",
        "Lambda panicked: boom",
        "",
        " ",
        "\n",
        "[",
        "[4",
        "[40",
        "[404",
        "[500",
        "[]",
        "[403] forbidden, but 403 is not mapped",
        "[2000] four digits",
        "(404) not a marker",
        " [404] a marker not at the start",
        // The timeout text, but not at the end, or not exactly.
        "Task timed out after 3.00 seconds\n",
        "Task timed out after 3.00 seconds.",
        "Task timed out after 3 seconds",
        "Task timed out after 3. seconds",
        "Task timed out after .00 seconds",
        "Task timed out after 3.00 second",
        "task timed out after 3.00 seconds",
        "Task timed out after ٣.٠٠ seconds",
        "ask timed out after 3.00 seconds",
        "T",
    ];
    for message in crashes {
        assert_maps(message, 500);
    }
}

#[test]
fn markers_win_over_everything_after_them() {
    assert_maps("[404]", 404);
    assert_maps("[404] Task timed out after 3.00 seconds", 404);
    assert_maps("[400]\nmulti\nline", 400);
    assert_maps("[500]Task timed out after 3.00 seconds", 500);
    assert_maps("[504] Process exited before completing request", 504);
    assert_maps("[504]", 504);
}

/// Texts built from the pieces the patterns care about, so that near-misses are frequent.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "[",
        "]",
        "4",
        "0",
        "5",
        "9",
        "400",
        "404",
        "500",
        "504",
        "[400]",
        "[404]",
        "[500]",
        "[504]",
        "[403]",
        "Task timed out after ",
        "Task",
        "T",
        "a",
        "3",
        ".",
        "00",
        "3.00",
        " seconds",
        "seconds",
        " ",
        "\n",
        "\r\n",
        "x",
        "é",
        "٣",
        "\u{2028}",
        "🦀",
        "Task timed out after 3.00 seconds",
        "Task timed out after 12.5 seconds",
    ]);
    prop::collection::vec(pieces, 0..12).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_text_matches_exactly_one_pattern(message in any::<String>()) {
        let matched = matching(&message);
        prop_assert_eq!(matched.len(), 1, "{:?} matched {:?}", message, matched);
        prop_assert_eq!(matched[0], meant(&message), "{:?}", message);
    }

    #[test]
    fn near_misses_match_exactly_one_pattern(message in tricky_text()) {
        let matched = matching(&message);
        prop_assert_eq!(matched.len(), 1, "{:?} matched {:?}", message, matched);
        prop_assert_eq!(matched[0], meant(&message), "{:?}", message);
    }

}

proptest! {
    // Each case compiles a set of patterns: fewer cases, more messages each.
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_declared_set_partitions_the_messages(
        declared in prop::collection::vec(400_u16..=599, 0..6),
        messages in prop::collection::vec(tricky_text(), 1..40),
    ) {
        let statuses = ErrorStatuses::new(declared.iter().copied()).expect("in range");
        let compiled: Vec<(u16, Regex)> = statuses
            .selection_patterns()
            .into_iter()
            .map(|SelectionPattern { status, pattern }| {
                (status, Regex::new(&format!("^(?:{pattern})$")).expect("valid"))
            })
            .collect();
        for message in &messages {
            let matched: Vec<u16> = compiled
                .iter()
                .filter(|(_, regex)| regex.is_match(message))
                .map(|(status, _)| *status)
                .collect();
            prop_assert_eq!(matched.len(), 1, "{:?} with {:?} matched {:?}", message, declared, matched);
            let marked = statuses
                .statuses()
                .iter()
                .find(|status| message.starts_with(&format!("[{status}]")));
            if let Some(&status) = marked {
                prop_assert_eq!(matched[0], status, "{:?}", message);
            }
        }
    }
}
