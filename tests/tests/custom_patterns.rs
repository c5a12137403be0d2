//! The selection patterns of `#[apigw_custom(errors(400, 404))]`, evaluated as API Gateway
//! evaluates them (each against the whole `errorMessage`; the default response, 200, when none
//! matches; a successful invocation as an empty message) against every message the glue can
//! produce and against Lambda's own: each matches exactly one pattern, the one of the status it
//! means, and none is left for the false 200.
//!
//! The patterns keep to the syntax Java's engine (API Gateway's) and the `regex` crate read
//! alike (`[\s\S]`, `[0-9]`, no `.`, no anchors, no lookaround), so `regex` with `^(?:…)$`
//! stands in for Java's full match in the property tests, and
//! [`java_agrees_on_every_message`] runs the same messages through `java.util.regex` itself.

mod external;

use std::fmt::Write as _;
use std::sync::OnceLock;
use std::time::Duration;

use lambda_contract::apigw::custom::{ErrorStatuses, SelectionPattern};
use lambda_contract::testing;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
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

/// A declared set whose unmapped codes take the longest pattern to spell (found by search):
/// the 500 pattern's length has its upper bound here.
const WIDEST: [u16; 50] = [
    404, 406, 412, 416, 421, 424, 426, 433, 436, 443, 447, 450, 454, 458, 464, 467, 472, 475, 478,
    483, 485, 487, 493, 495, 499, 503, 507, 512, 516, 523, 526, 528, 532, 535, 537, 543, 547, 553,
    555, 558, 563, 565, 570, 573, 576, 583, 585, 586, 593, 596,
];

/// The patterns, each compiled for a whole-message match.
fn compile(statuses: &ErrorStatuses) -> Vec<(u16, Regex)> {
    statuses
        .selection_patterns()
        .into_iter()
        .map(|SelectionPattern { status, pattern }| {
            let regex = Regex::new(&format!("^(?:{pattern})$"))
                .unwrap_or_else(|error| panic!("{status}: {error}"));
            (status, regex)
        })
        .collect()
}

fn declared() -> ErrorStatuses {
    ErrorStatuses::new(DECLARED).expect("valid statuses")
}

/// The patterns of [`DECLARED`].
fn patterns() -> &'static [(u16, Regex)] {
    static PATTERNS: OnceLock<Vec<(u16, Regex)>> = OnceLock::new();
    PATTERNS.get_or_init(|| compile(&declared()))
}

/// The statuses of the patterns that match the whole message.
fn matching_in(patterns: &[(u16, Regex)], message: &str) -> Vec<u16> {
    patterns
        .iter()
        .filter(|(_, regex)| regex.is_match(message))
        .map(|(status, _)| *status)
        .collect()
}

fn matching(message: &str) -> Vec<u16> {
    matching_in(patterns(), message)
}

/// What the mapping means, said independently of the patterns: the empty message (what API
/// Gateway matches for a success) is no error; a message that begins with a mapped marker is
/// that status; any other that begins with `[` is an unmapped or malformed marker, 500;
/// otherwise one that ends with Lambda's timeout text is 504; everything else is 500.
fn meant_by(statuses: &ErrorStatuses, message: &str) -> Option<u16> {
    static TIMEOUT_AT_END: OnceLock<Regex> = OnceLock::new();
    let timeout = TIMEOUT_AT_END.get_or_init(|| {
        Regex::new(r"Task timed out after [0-9]+\.[0-9]+ seconds\z").expect("valid regex")
    });
    if message.is_empty() {
        return None;
    }
    if let Some(&status) = statuses
        .statuses()
        .iter()
        .find(|status| message.starts_with(&format!("[{status}]")))
    {
        return Some(status);
    }
    if message.starts_with('[') || !timeout.is_match(message) {
        Some(500)
    } else {
        Some(504)
    }
}

fn meant(message: &str) -> Option<u16> {
    meant_by(&declared(), message)
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
    assert_eq!(meant(message), Some(status), "{message:?}");
}

/// Lambda's timeout messages, with the prefixes it gives them: 504.
const TIMEOUTS: [&str; 9] = [
    "Task timed out after 3.00 seconds",
    "Task timed out after 900.00 seconds",
    "2024-05-01T12:00:00.000Z 8c2c6f0e-1b7a-4c1e-9d62-3f0f8a6b2a11 Task timed out after 3.00 seconds",
    "RequestId: 8c2c6f0e-1b7a-4c1e-9d62-3f0f8a6b2a11 Error: Task timed out after 29.03 seconds",
    "first line\nsecond line\r\nTask timed out after 3.00 seconds",
    "TTask timed out after 3.00 seconds",
    "]Task timed out after 3.00 seconds",
    "Task timed out after 1.00 secondsTask timed out after 2.00 seconds",
    "Task timed out after 3.00 seconds\nTask timed out after 3.00 seconds",
];

/// Lambda's other messages, and texts nobody foresaw: 500.
const CRASHES: [&str; 26] = [
    "Process exited before completing request",
    "RequestId: 8c2c6f0e Process exited before completing request",
    "RequestId: 8c2c6f0e Error: Runtime exited with error: exit status 1\nRuntime.ExitError",
    "Runtime exited without providing a reason",
    "Lambda panicked: boom",
    " ",
    "\n",
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
    "xask timed out after 3.00 seconds",
    "sk timed out after 3.00 seconds",
    "seconds",
    "3.00 seconds",
    "T",
    "Ta",
    "x",
    "🦀",
];

/// Messages that begin with `[` but no mapped marker: unmapped or malformed markers, 500
/// whatever follows (the timeout text included: Lambda's own messages never begin with `[`).
const UNMAPPED_MARKERS: [&str; 17] = [
    "[",
    "[4",
    "[40",
    "[404",
    "[500",
    "[]",
    "[403] forbidden, but 403 is not mapped",
    "[2000] four digits",
    "[40x] not digits",
    "[4044] four digits",
    "[404 Task timed out after 3.00 seconds",
    "[Task timed out after 3.00 seconds",
    "[4Task timed out after 3.00 seconds",
    "[40Task timed out after 3.00 seconds",
    "[5] Task timed out after 3.00 seconds",
    "[403]Task timed out after 3.00 seconds",
    "[[404] nested",
];

/// Mapped markers win over whatever follows them.
const MARKED: [(&str, u16); 8] = [
    ("[404]", 404),
    ("[404] Task timed out after 3.00 seconds", 404),
    ("[400]\nmulti\nline", 400),
    ("[500]Task timed out after 3.00 seconds", 500),
    ("[500]", 500),
    ("[504] Process exited before completing request", 504),
    ("[504]", 504),
    ("[404]] doubled", 404),
];

async fn error_of(handler: &impl lambda_contract::Handler, input: Value) -> String {
    let context = testing::context("req-7", Duration::from_secs(30));
    testing::invoke_with_context(handler, input, context)
        .await
        .expect_err("an invocation error")
        .error_message
}

/// Every invocation error the glue gives for the test handlers, with the status it means.
async fn glue_messages() -> Vec<(String, u16)> {
    let glue = handlers::get_user_lambda();
    let cases = [
        (json!({ "id": "bob" }), 404),
        (json!({ "id": "o'brien \"quoted\" \\ back" }), 404),
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
    let mut messages = Vec::new();
    for (input, status) in cases {
        let message = error_of(&glue, input.clone()).await;
        assert!(
            message.starts_with(&format!("[{status}] {{")),
            "{input}: {message}"
        );
        messages.push((message, status));
    }
    let message = error_of(&handlers::boxed::boxed_lambda(), json!({})).await;
    messages.push((message, 500));

    let context = testing::context("req-7", Duration::from_millis(50));
    let timed_out = testing::invoke_with_context(
        &handlers::get_user_lambda(),
        json!({ "id": "slow" }),
        context,
    )
    .await
    .expect_err("abandoned at the deadline");
    assert!(
        timed_out.error_message.starts_with("[504] "),
        "{timed_out:?}"
    );
    messages.push((timed_out.error_message, 504));
    messages
}

#[tokio::test]
async fn every_message_the_glue_produces_maps_to_its_status() {
    let ok = testing::invoke(&handlers::get_user_lambda(), json!({ "id": "ada" })).await;
    assert_eq!(ok.unwrap(), json!({ "id": "ada" }), "a success is no error");
    for (message, status) in glue_messages().await {
        assert_maps(&message, status);
    }
}

#[test]
fn a_success_matches_no_pattern() {
    // API Gateway matches the patterns against a successful invocation as an empty message:
    // a pattern that matched it would answer every success with its status.
    assert_eq!(matching(""), Vec::<u16>::new());
    for declared in [&[][..], &DECLARED, &WIDEST] {
        let statuses = ErrorStatuses::new(declared.iter().copied()).expect("in range");
        assert_eq!(matching_in(&compile(&statuses), ""), Vec::<u16>::new());
    }
}

#[test]
fn lambdas_own_messages_map_to_500_or_504() {
    for message in TIMEOUTS {
        assert_maps(message, 504);
    }
    for message in CRASHES {
        assert_maps(message, 500);
    }
}

#[test]
fn a_message_that_begins_with_a_bracket_is_a_marker_message() {
    for message in UNMAPPED_MARKERS {
        assert_maps(message, 500);
    }
}

#[test]
fn markers_win_over_everything_after_them() {
    for (message, status) in MARKED {
        assert_maps(message, status);
    }
}

#[test]
fn the_widest_declared_set_partitions_the_messages() {
    let statuses = ErrorStatuses::new(WIDEST).expect("in range");
    let compiled = compile(&statuses);
    let mut messages: Vec<String> = TIMEOUTS
        .iter()
        .chain(&CRASHES)
        .chain(&UNMAPPED_MARKERS)
        .map(|message| message.to_string())
        .collect();
    for code in 0..1000 {
        messages.push(format!("[{code:03}] x"));
        messages.push(format!("[{code:03}]Task timed out after 1.0 seconds"));
    }
    for message in &messages {
        let want: Vec<u16> = meant_by(&statuses, message).into_iter().collect();
        assert_eq!(matching_in(&compiled, message), want, "{message:?}");
    }
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
        "ask",
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
        "sk timed out after 1.2 seconds",
    ]);
    prop::collection::vec(pieces, 0..12).prop_map(|pieces| pieces.concat())
}

/// Any declared set, as the property tests draw them.
fn declared_set() -> impl Strategy<Value = Vec<u16>> {
    prop::collection::vec(400_u16..=599, 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_text_matches_the_one_pattern_it_means(message in any::<String>()) {
        let want: Vec<u16> = meant(&message).into_iter().collect();
        prop_assert_eq!(matching(&message), want, "{:?}", message);
    }

    #[test]
    fn near_misses_match_the_one_pattern_they_mean(message in tricky_text()) {
        let want: Vec<u16> = meant(&message).into_iter().collect();
        prop_assert_eq!(matching(&message), want, "{:?}", message);
    }
}

proptest! {
    // Each case compiles a set of patterns: fewer cases, more messages each.
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_declared_set_partitions_the_messages(
        declared in declared_set(),
        messages in prop::collection::vec(tricky_text(), 1..40),
    ) {
        let statuses = ErrorStatuses::new(declared.iter().copied()).expect("in range");
        let compiled = compile(&statuses);
        for message in &messages {
            let want: Vec<u16> = meant_by(&statuses, message).into_iter().collect();
            prop_assert_eq!(matching_in(&compiled, message), want, "{:?} with {:?}", message, declared);
        }
    }
}

/// `count` values of `strategy`, the same on every run.
fn samples<S: Strategy>(strategy: S, count: usize, seed: u8) -> Vec<S::Value> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    );
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).expect("a value").current())
        .collect()
}

/// The messages above, through `java.util.regex` (`tests/tools/SelectionPatterns.java`): for
/// the declared sets of the tests above (and the widest, and every status), each message
/// matches exactly the pattern [`meant_by`] says, and the empty one none.
#[tokio::test]
async fn java_agrees_on_every_message() {
    const CHECK: &str = "selection patterns in java.util.regex";
    if !external::java(CHECK) {
        return;
    }
    let mut fixed: Vec<String> = TIMEOUTS
        .iter()
        .chain(&CRASHES)
        .chain(&UNMAPPED_MARKERS)
        .map(|message| message.to_string())
        .chain(MARKED.iter().map(|(message, _)| message.to_string()))
        .chain(
            glue_messages()
                .await
                .into_iter()
                .map(|(message, _)| message),
        )
        .collect();
    fixed.push(String::new());

    let mut sets: Vec<(Vec<u16>, Vec<String>)> = vec![(
        DECLARED.to_vec(),
        fixed
            .iter()
            .cloned()
            .chain(samples(any::<String>(), 1000, 1))
            .chain(samples(tricky_text(), 1000, 2))
            .collect(),
    )];
    let wide: Vec<String> = fixed
        .iter()
        .cloned()
        .chain((0..1000).map(|code| format!("[{code:03}] x")))
        .chain(samples(tricky_text(), 300, 3))
        .collect();
    sets.push((WIDEST.to_vec(), wide.clone()));
    sets.push(((400..=599).collect(), wide.clone()));
    sets.push((Vec::new(), wide));
    for (index, declared) in samples(declared_set(), 24, 4).into_iter().enumerate() {
        let seed = u8::try_from(index + 5).expect("few sets");
        sets.push((declared, samples(tricky_text(), 40, seed)));
    }

    let mut cases = String::new();
    let mut count = 0;
    for (declared, messages) in &sets {
        let statuses = ErrorStatuses::new(declared.iter().copied()).expect("in range");
        cases.push_str("set\n");
        for SelectionPattern { status, pattern } in statuses.selection_patterns() {
            writeln!(
                cases,
                "pattern {status} {}",
                external::code_points(&pattern)
            )
            .expect("a string");
        }
        for message in messages {
            let want = meant_by(&statuses, message).unwrap_or(0);
            writeln!(cases, "message {want} {}", external::code_points(message)).expect("a string");
            count += 1;
        }
    }
    let stdout = external::run_tool("SelectionPatterns.java", None, "selection-patterns", &cases);
    assert!(
        stdout.contains(&format!(
            "{} sets of patterns, {count} messages, 0 disagreements",
            sets.len()
        )),
        "{stdout}"
    );
    eprintln!("java.util.regex: {}", stdout.trim());
}
