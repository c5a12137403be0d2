//! The local-mode process contract of a generated binary, checked on the starter
//! (`examples/connect-customer-lookup`) as a user runs it: `AWS_LAMBDA_RUNTIME_API` unset, the
//! event from a file argument or stdin, exactly what Lambda would receive on stdout, the exit
//! status 0 (response), 1 (invocation error) or 2 (bad input), logs on stderr.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lambda_contract_tests::{build_binary, workspace_root, Run};

const FOUND: &str = r#"{"found":"true","accountId":"A-1001","tier":"gold","balanceCents":"125000","vip":"true","nickname":"Ada"}
"#;
const NOT_FOUND: &str = "{\"found\":\"false\"}\n";
const CHAT: &str = r#"{"found":"true","accountId":"A-1002","tier":"silver","balanceCents":"-2550","vip":"false"}
"#;
const MISSING_PARAMETER: &str = r#"{"errorType":"MissingParameter","errorMessage":"missing parameter `phone`: the flow block's function input parameters do not include it"}
"#;

fn starter_dir() -> PathBuf {
    workspace_root().join("examples/connect-customer-lookup")
}

fn event_file(name: &str) -> PathBuf {
    starter_dir().join("events").join(name)
}

/// The starter binary, built once per test process.
fn starter_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_binary("connect-customer-lookup", "connect-customer-lookup"))
}

fn run_local(binary: &Path, arguments: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    lambda_contract_tests::run_local(binary, &starter_dir(), arguments, env, stdin)
}

fn run_starter(arguments: &[&str], stdin: Option<&[u8]>) -> Run {
    run_local(starter_binary(), arguments, &[], stdin)
}

fn read_event(name: &str) -> Vec<u8> {
    std::fs::read(event_file(name)).expect("the sample event exists")
}

#[test]
fn found_prints_the_account_and_exits_0() {
    let run = run_starter(&["events/found.json"], None);
    assert_eq!(run.stdout, FOUND, "{}", run.describe());
    run.assert_exit(0);
}

#[test]
fn not_found_prints_found_false_and_exits_0() {
    let run = run_starter(&["events/not-found.json"], None);
    assert_eq!(run.stdout, NOT_FOUND, "{}", run.describe());
    run.assert_exit(0);
}

#[test]
fn a_chat_contact_with_null_endpoints_is_found() {
    let run = run_starter(&["events/chat.json"], None);
    assert_eq!(run.stdout, CHAT, "{}", run.describe());
    run.assert_exit(0);
}

#[test]
fn a_missing_parameter_is_an_invocation_error_with_exit_1() {
    let run = run_starter(&["events/missing-parameter.json"], None);
    assert_eq!(run.stdout, MISSING_PARAMETER, "{}", run.describe());
    run.assert_exit(1);
}

#[test]
fn an_absolute_event_path_works_from_any_directory() {
    let path = event_file("found.json");
    let run = run_starter(&[path.to_str().expect("a UTF-8 path")], None);
    assert_eq!(run.stdout, FOUND, "{}", run.describe());
    run.assert_exit(0);
}

#[test]
fn the_event_is_read_from_stdin_without_an_argument() {
    let run = run_starter(&[], Some(&read_event("found.json")));
    assert_eq!(run.stdout, FOUND, "{}", run.describe());
    run.assert_exit(0);

    let run = run_starter(&[], Some(&read_event("missing-parameter.json")));
    assert_eq!(run.stdout, MISSING_PARAMETER, "{}", run.describe());
    run.assert_exit(1);
}

#[test]
fn the_event_is_read_from_stdin_with_a_dash() {
    let run = run_starter(&["-"], Some(&read_event("not-found.json")));
    assert_eq!(run.stdout, NOT_FOUND, "{}", run.describe());
    run.assert_exit(0);

    let run = run_starter(&["-"], Some(&read_event("chat.json")));
    assert_eq!(run.stdout, CHAT, "{}", run.describe());
    run.assert_exit(0);
}

#[test]
fn a_json_payload_that_is_not_a_connect_event_is_an_invocation_error() {
    let run = run_starter(&["-"], Some(br#"{"hello": "world"}"#));
    run.assert_exit(1);
    let line = run
        .stdout
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("stdout is one line: {}", run.describe()));
    assert!(!line.contains('\n'), "{}", run.describe());
    let error: serde_json::Value = serde_json::from_str(line).expect("stdout is JSON");
    let object = error.as_object().expect("the error is a JSON object");
    assert_eq!(
        {
            let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
            keys.sort_unstable();
            keys
        },
        ["errorMessage", "errorType"],
        "{line}"
    );
    assert_eq!(error["errorType"], "InvalidConnectEvent", "{line}");
    // As lambda_runtime would post it: `errorType` first.
    assert!(
        line.starts_with(
            r#"{"errorType":"InvalidConnectEvent","errorMessage":"the payload is not an Amazon Connect contact flow event: "#
        ),
        "{line}"
    );
    let message = error["errorMessage"].as_str().expect("a string message");
    assert!(
        message.starts_with("the payload is not an Amazon Connect contact flow event: "),
        "{message}"
    );
    assert!(message.contains("`Details`"), "{message}");
    // The contract logged it, on stderr.
    assert!(
        run.stderr
            .contains("the payload is not an Amazon Connect event"),
        "{}",
        run.describe()
    );
}

#[test]
fn stdin_that_is_not_json_exits_2_with_a_message_on_stderr() {
    for input in [&b"{\"Name\": "[..], b"not json at all", b""] {
        let run = run_starter(&[], Some(input));
        run.assert_exit(2);
        assert_eq!(run.stdout, "", "{}", run.describe());
        assert!(
            run.stderr
                .starts_with("lookup: the event from stdin is not JSON: "),
            "{}",
            run.describe()
        );
    }
}

#[test]
fn a_file_that_is_not_json_exits_2_and_names_the_file() {
    // Cargo.toml is a file the starter folder always has, and it is not JSON.
    let run = run_starter(&["Cargo.toml"], None);
    run.assert_exit(2);
    assert_eq!(run.stdout, "", "{}", run.describe());
    assert!(
        run.stderr
            .starts_with("lookup: the event from Cargo.toml is not JSON: "),
        "{}",
        run.describe()
    );
}

#[test]
fn a_missing_file_exits_2_and_names_the_file() {
    let run = run_starter(&["events/no-such-event.json"], None);
    run.assert_exit(2);
    assert_eq!(run.stdout, "", "{}", run.describe());
    assert!(
        run.stderr
            .starts_with("lookup: cannot read the event file `events/no-such-event.json`: "),
        "{}",
        run.describe()
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.describe());
}

#[test]
fn logs_go_to_stderr_and_stdout_holds_one_json_line() {
    // The handler's error is logged at ERROR, so whatever the level; with every level on, and
    // in either log format, stdout still holds only the reply.
    let settings: [&[(&str, &str)]; 3] = [
        &[],
        &[("AWS_LAMBDA_LOG_LEVEL", "trace")],
        &[("RUST_LOG", "trace"), ("AWS_LAMBDA_LOG_FORMAT", "json")],
    ];
    for env in settings {
        let run = run_local(
            starter_binary(),
            &["events/missing-parameter.json"],
            env,
            None,
        );
        assert_eq!(run.stdout, MISSING_PARAMETER, "{env:?}: {}", run.describe());
        run.assert_exit(1);
        assert!(
            run.stderr
                .contains("connect handler failed; the contact takes the block's Error branch"),
            "{env:?}: {}",
            run.describe()
        );
        assert!(
            run.stderr.contains("9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4"),
            "the log names the contact: {env:?}: {}",
            run.describe()
        );

        let run = run_local(starter_binary(), &["events/found.json"], env, None);
        assert_eq!(run.stdout, FOUND, "{env:?}: {}", run.describe());
        run.assert_exit(0);
    }
}

#[test]
fn a_failing_init_is_an_init_failed_invocation_error_in_local_mode() {
    let run = run_local(
        Path::new(env!("CARGO_BIN_EXE_failing_init")),
        &["events/found.json"],
        &[],
        None,
    );
    assert_eq!(
        run.stdout,
        "{\"errorType\":\"InitFailed\",\"errorMessage\":\"init of `never_called` failed: \
         failing_init: the customer table is not configured\"}\n",
        "{}",
        run.describe()
    );
    run.assert_exit(1);
    assert!(run.stderr.contains("init failed"), "{}", run.describe());
}

#[test]
fn help_prints_the_local_mode_usage_on_stdout_and_exits_0() {
    for flag in ["--help", "-h"] {
        // Not read as an event file name, and stdin is not waited for.
        let run = run_starter(&[flag], None);
        run.assert_exit(0);
        assert!(
            run.stdout
                .starts_with("usage: connect-customer-lookup [EVENT_FILE | -]"),
            "{}",
            run.describe()
        );
        assert!(
            run.stdout.contains("2  input that cannot be read"),
            "{}",
            run.describe()
        );
        assert!(run.stderr.is_empty(), "{}", run.describe());
    }
}
