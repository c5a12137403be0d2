//! A short soak of each starter through the real lambda_runtime loop (the long run, 100,000
//! invocations with a memory check, is `cargo run --release -p lambda-contract-tests --bin
//! soak`; see RELIABILITY.md): every invocation answered, errors only where the events call
//! for them, no unexpected request, the process still serving at the end.

use std::time::Duration;

use lambda_contract_tests::{build_binary, soak, starter_events};

const COUNT: usize = 1_000;

fn smoke(starter: &str) {
    let binary = build_binary(starter, starter);
    let (events, expected_errors) = starter_events(starter);
    let report = soak::run(
        starter,
        &binary,
        events,
        COUNT,
        10,
        Duration::from_secs(120),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(report.invocations, COUNT, "{report}");
    assert_eq!(report.errors, expected_errors(COUNT), "{report}");
    assert_eq!(report.unexpected, 0, "{report}");
    assert!(!report.samples.is_empty(), "memory was sampled: {report}");
}

#[test]
fn the_connect_starter_serves_a_thousand_invocations() {
    smoke("connect-customer-lookup");
}

#[test]
fn the_api_gateway_starter_serves_a_thousand_invocations() {
    smoke("apigw-rest-api");
}
