//! The local-mode process contract of a generated binary, checked on the starter
//! (`examples/connect-customer-lookup`) as a user runs it: `AWS_LAMBDA_RUNTIME_API` unset, the
//! event from a file argument or stdin, exactly what Lambda would receive on stdout, the exit
//! status 0 (response), 1 (invocation error) or 2 (bad input), logs on stderr.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

/// How long one local run may take before the test gives up on it (it takes milliseconds).
const RUN_LIMIT: Duration = Duration::from_secs(30);

const FOUND: &str = r#"{"found":"true","accountId":"A-1001","tier":"gold","balanceCents":"125000","vip":"true","nickname":"Ada"}
"#;
const NOT_FOUND: &str = "{\"found\":\"false\"}\n";
const CHAT: &str = r#"{"found":"true","accountId":"A-1002","tier":"silver","balanceCents":"-2550","vip":"false"}
"#;
const MISSING_PARAMETER: &str = r#"{"errorType":"MissingParameter","errorMessage":"missing parameter `phone`: the flow block's function input parameters do not include it"}
"#;

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package is inside the workspace")
}

fn starter_dir() -> PathBuf {
    workspace_root().join("examples/connect-customer-lookup")
}

fn event_file(name: &str) -> PathBuf {
    starter_dir().join("events").join(name)
}

/// The starter binary, built once per test process with the cargo running these tests (same
/// target directory: `CARGO_TARGET_DIR` and cargo's config are honoured, and cargo itself says
/// where the executable is).
fn starter_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_binary("connect-customer-lookup", "connect-customer-lookup"))
}

fn build_binary(package: &str, bin: &str) -> PathBuf {
    let output = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args([
            "build",
            "--quiet",
            "--message-format=json-render-diagnostics",
        ])
        .args(["--package", package, "--bin", bin])
        .stderr(Stdio::inherit())
        .output()
        .expect("cannot run cargo");
    assert!(
        output.status.success(),
        "`cargo build -p {package}` failed: {}",
        output.status
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| {
            message["reason"] == "compiler-artifact" && message["target"]["name"] == bin
        })
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo reported no executable for `{bin}`"))
}

/// What one process run left behind.
struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "exit status: {}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }

    fn assert_exit(&self, code: i32) {
        assert_eq!(self.status.code(), Some(code), "{}", self.describe());
    }
}

/// Runs `binary` in local mode: a clean environment (so `AWS_LAMBDA_RUNTIME_API` is unset and
/// no log setting leaks in) plus `env`, the starter's folder as working directory, `stdin` fed
/// and then closed (or no stdin at all).
fn run_local(binary: &Path, arguments: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(binary)
        .args(arguments)
        .current_dir(starter_dir())
        .env_clear()
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));

    let writer = child.stdin.take().map(|mut pipe| {
        let bytes = stdin.unwrap_or_default().to_vec();
        // Dropping the pipe at the end of the thread closes the child's stdin.
        thread::spawn(move || pipe.write_all(&bytes))
    });
    let stdout = read_in_background(child.stdout.take().expect("stdout is piped"));
    let stderr = read_in_background(child.stderr.take().expect("stderr is piped"));

    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("cannot wait for the child") {
            break status;
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{} {arguments:?} did not exit within {RUN_LIMIT:?}",
                binary.display()
            );
        }
        thread::sleep(Duration::from_millis(5));
    };
    if let Some(writer) = writer {
        // The child may exit without reading everything (a broken pipe is fine then).
        let _ = writer.join().expect("the stdin writer panicked");
    }
    Run {
        status,
        stdout: stdout.join().expect("the stdout reader panicked"),
        stderr: stderr.join().expect("the stderr reader panicked"),
    }
}

fn read_in_background(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8(bytes).expect("the output is UTF-8")
    })
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
