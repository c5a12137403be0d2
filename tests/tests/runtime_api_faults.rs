//! The Runtime API failing under the function: the connection is dropped, unanswered, while
//! the function posts an invocation's outcome. The process must not panic: it logs the
//! failure and exits non-zero, so Lambda starts a fresh runtime (the invocation is retried or
//! reported by Lambda itself).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lambda_contract_tests::runtime_api::{Function, MockRuntimeApi};
use lambda_contract_tests::{build_binary, workspace_root};

fn starter_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_binary("connect-customer-lookup", "connect-customer-lookup"))
}

fn event(name: &str) -> Vec<u8> {
    std::fs::read(
        workspace_root()
            .join("examples/connect-customer-lookup/events")
            .join(name),
    )
    .expect("event")
}

#[test]
fn a_connection_dropped_mid_invocation_ends_the_process_cleanly() {
    let api = MockRuntimeApi::dropping_at(
        vec![
            ("req-1", event("found.json")),
            ("req-2", event("not-found.json")),
        ],
        0,
    );
    let mut function = Function::spawn(starter_binary(), &api);
    let status = function.wait_for_exit();
    let output = function.output();
    assert_eq!(status.code(), Some(1), "{output}");
    assert!(!output.contains("panicked"), "{output}");
    assert!(
        output.contains("the Lambda runtime loop stopped"),
        "the failure is logged: {output}"
    );
    assert_eq!(
        api.next_requests(),
        1,
        "no event is taken after the failure: {output}"
    );
    assert!(api.posted().is_empty(), "{:?}", api.posted());
}
