//! The generated `main` in Lambda mode: the starter binary (`examples/connect-customer-lookup`)
//! runs the real lambda_runtime loop against a mock Lambda Runtime API on loopback, which hands
//! out queued events on `GET /runtime/invocation/next` and records what the function posts to
//! `/response` and `/error`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lambda_contract_tests::runtime_api::{wait_until, Function, MockRuntimeApi, Outcome};
use lambda_contract_tests::{build_binary, workspace_root};

fn read_event(name: &str) -> Vec<u8> {
    let path = workspace_root()
        .join("examples/connect-customer-lookup/events")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The starter binary, built once per test process.
fn starter_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_binary("connect-customer-lookup", "connect-customer-lookup"))
}

const NOT_CONNECT: &[u8] = br#"{"resource": "/accounts", "httpMethod": "GET", "body": null}"#;
const NO_CONTACT_ID: &[u8] =
    br#"{"Name": "ContactFlowEvent", "Details": {"ContactData": {"Channel": "VOICE"}, "Parameters": {}}}"#;

#[test]
fn the_lambda_loop_posts_responses_and_errors_to_the_runtime_api() {
    let api = MockRuntimeApi::start(vec![
        ("req-1-found", read_event("found.json")),
        ("req-2-not-found", read_event("not-found.json")),
        ("req-3-chat", read_event("chat.json")),
        (
            "req-4-missing-parameter",
            read_event("missing-parameter.json"),
        ),
        ("req-5-not-connect", NOT_CONNECT.to_vec()),
        ("req-6-no-contact-id", NO_CONTACT_ID.to_vec()),
    ]);
    let mut function = Function::spawn(starter_binary(), &api);

    wait_until(&mut function, "six outcomes are posted", || {
        api.posted().len() >= 6
    });
    // The loop goes on after errors: it polls for a seventh event, which the mock holds.
    wait_until(&mut function, "the seventh `GET /next`", || {
        api.next_requests() >= 7
    });
    assert_eq!(
        function.exited(),
        None,
        "the function still runs\n{}",
        function.output()
    );
    // Stopped before its logs are read, so they are all in.
    let output = function.stop();

    let posted = api.posted();
    let summary = format!("{posted:#?}\n{output}");
    assert_eq!(posted.len(), 6, "one outcome per event: {summary}");
    assert_eq!(api.next_requests(), 7, "{summary}");
    assert!(
        api.snapshot(|state| state.unexpected.is_empty() && state.init_errors.is_empty()),
        "unexpected requests: {:?}\n{summary}",
        api.snapshot(|state| (state.unexpected.clone(), state.init_errors.clone()))
    );

    // Sequential, in queue order, each under its own request id.
    let ids: Vec<&str> = posted.iter().map(|p| p.request_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "req-1-found",
            "req-2-not-found",
            "req-3-chat",
            "req-4-missing-parameter",
            "req-5-not-connect",
            "req-6-no-contact-id",
        ],
        "{summary}"
    );

    let expect_response = |index: usize, body: &str| {
        let post = &posted[index];
        assert_eq!(post.outcome, Outcome::Response, "{post:?}\n{summary}");
        assert_eq!(post.body, body, "{post:?}\n{summary}");
    };
    expect_response(
        0,
        r#"{"found":"true","accountId":"A-1001","tier":"gold","balanceCents":"125000","vip":"true","nickname":"Ada"}"#,
    );
    expect_response(1, r#"{"found":"false"}"#);
    expect_response(
        2,
        r#"{"found":"true","accountId":"A-1002","tier":"silver","balanceCents":"-2550","vip":"false"}"#,
    );

    let error_of = |index: usize| -> (String, String) {
        let post = &posted[index];
        assert_eq!(post.outcome, Outcome::Error, "{post:?}\n{summary}");
        let body: serde_json::Value = serde_json::from_str(&post.body)
            .unwrap_or_else(|error| panic!("{error}: {post:?}\n{summary}"));
        let object = body.as_object().expect("the error body is an object");
        assert_eq!(
            {
                let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
                keys.sort_unstable();
                keys
            },
            ["errorMessage", "errorType"],
            "{post:?}"
        );
        (
            body["errorType"].as_str().unwrap_or_default().to_owned(),
            body["errorMessage"].as_str().unwrap_or_default().to_owned(),
        )
    };
    assert_eq!(
        error_of(3),
        (
            "MissingParameter".to_owned(),
            "missing parameter `phone`: the flow block's function input parameters do not include it"
                .to_owned()
        )
    );
    let (error_type, message) = error_of(4);
    assert_eq!(error_type, "InvalidConnectEvent", "{summary}");
    assert!(
        message.starts_with("the payload is not an Amazon Connect contact flow event: ")
            && message.contains("`Details`"),
        "{message}"
    );
    // A nested mistake is named, with where it is.
    let (error_type, message) = error_of(5);
    assert_eq!(error_type, "InvalidConnectEvent", "{summary}");
    assert!(
        message.contains("missing field `ContactId` at line 1 column "),
        "{message}"
    );

    // Lambda mode logs to stdout (Lambda collects both streams); each error was logged once,
    // with its request id, and the starter's successful invocations logged no error.
    assert!(
        output.contains("connect handler failed; the contact takes the block's Error branch")
            && output.contains("req-4-missing-parameter"),
        "{output}"
    );
    assert!(
        output.contains("the payload is not an Amazon Connect event")
            && output.contains("req-5-not-connect"),
        "{output}"
    );
    assert_eq!(output.matches("ERROR").count(), 3, "{output}");
}

#[test]
fn a_failing_init_exits_non_zero_before_polling_for_events() {
    let api = MockRuntimeApi::start(vec![("req-never-served", read_event("found.json"))]);
    let mut function = Function::spawn(Path::new(env!("CARGO_BIN_EXE_failing_init")), &api);

    let status = function.wait_for_exit();
    let output = function.output();

    assert!(!status.success(), "{status}\n{output}");
    assert_eq!(status.code(), Some(1), "{output}");
    assert!(
        output.contains("init failed; exiting")
            && output.contains("failing_init: the customer table is not configured"),
        "{output}"
    );
    assert_eq!(api.next_requests(), 0, "no event was polled\n{output}");
    assert!(api.posted().is_empty(), "{:?}", api.posted());
    // Lambda is told why, so the init failure it reports names the cause, not only an exit.
    let init_errors = api.snapshot(|state| state.init_errors.clone());
    assert_eq!(init_errors.len(), 1, "{init_errors:?}\n{output}");
    let diagnostic: serde_json::Value = serde_json::from_str(&init_errors[0]).unwrap();
    assert_eq!(diagnostic["errorType"], "InitFailed");
    assert_eq!(
        diagnostic["errorMessage"],
        "init of `never_called` failed: failing_init: the customer table is not configured"
    );
}
