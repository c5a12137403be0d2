//! The generated `main` in Lambda mode: the starter binary (`examples/connect-customer-lookup`)
//! runs the real lambda_runtime loop against a mock Lambda Runtime API on loopback, which hands
//! out queued events on `GET /runtime/invocation/next` and records what the function posts to
//! `/response` and `/error`.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use lambda_contract_tests::{build_binary, workspace_root};
use tokio::net::TcpListener;

/// The longest a test waits for the child (it takes well under a second); only to never hang.
const WAIT_LIMIT: Duration = Duration::from_secs(30);
const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:111122223333:function:customer-lookup";

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

// ------------------------------------------------------------------------------------------
// The mock Runtime API
// ------------------------------------------------------------------------------------------

/// Where the function posted an invocation's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Response,
    Error,
}

/// One outcome posted to `/runtime/invocation/{id}/{response|error}`.
#[derive(Debug, Clone)]
struct Posted {
    request_id: String,
    outcome: Outcome,
    body: String,
}

#[derive(Default)]
struct State {
    /// Events not handed out yet: (request id, payload).
    queue: VecDeque<(String, Vec<u8>)>,
    /// How many `GET /next` requests arrived, answered or held.
    next_requests: usize,
    posted: Vec<Posted>,
    /// Bodies posted to `/runtime/init/error`.
    init_errors: Vec<String>,
    /// Requests the mock does not know, as `METHOD path`.
    unexpected: Vec<String>,
}

/// A Lambda Runtime API on 127.0.0.1 (ephemeral port), served by hyper on its own tokio
/// runtime. A `GET /next` that finds the queue empty is held until the mock is dropped, as the
/// real API holds it until the next invocation.
struct MockRuntimeApi {
    address: SocketAddr,
    state: Arc<Mutex<State>>,
    // Dropped last: shuts the server (and any held request) down.
    _runtime: tokio::runtime::Runtime,
}

impl MockRuntimeApi {
    fn start(events: Vec<(&str, Vec<u8>)>) -> Self {
        let state = Arc::new(Mutex::new(State {
            queue: events
                .into_iter()
                .map(|(id, payload)| (id.to_owned(), payload))
                .collect(),
            ..State::default()
        }));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("cannot start the mock's tokio runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("cannot bind 127.0.0.1:0");
        let address = listener.local_addr().expect("the listener has an address");
        let shared = Arc::clone(&state);
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = service_fn(move |request| handle(request, Arc::clone(&state)));
                    // A connection the child drops when it is killed ends with an error.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        MockRuntimeApi {
            address,
            state,
            _runtime: runtime,
        }
    }

    fn snapshot<T>(&self, read: impl FnOnce(&State) -> T) -> T {
        read(&self.state.lock().expect("the mock's state is not poisoned"))
    }

    fn posted(&self) -> Vec<Posted> {
        self.snapshot(|state| state.posted.clone())
    }

    fn next_requests(&self) -> usize {
        self.snapshot(|state| state.next_requests)
    }
}

async fn handle(
    request: Request<Incoming>,
    state: Arc<Mutex<State>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    const PREFIX: &str = "/2018-06-01/runtime/";
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let body = match request.into_body().collect().await {
        Ok(collected) => String::from_utf8_lossy(&collected.to_bytes()).into_owned(),
        Err(_) => return Ok(reply(StatusCode::BAD_REQUEST, "")),
    };
    let route = path.strip_prefix(PREFIX).unwrap_or("");

    if method == Method::GET && route == "invocation/next" {
        let next = {
            let mut state = state.lock().expect("the mock's state is not poisoned");
            state.next_requests += 1;
            state.queue.pop_front()
        };
        let Some((request_id, payload)) = next else {
            // No more events: hold the poll, as Lambda does between invocations.
            std::future::pending::<()>().await;
            unreachable!("a pending future never completes");
        };
        let deadline = (SystemTime::now() + Duration::from_secs(10))
            .duration_since(UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_millis();
        let response = Response::builder()
            .status(StatusCode::OK)
            .header("content-type", "application/json")
            .header("lambda-runtime-aws-request-id", request_id)
            .header("lambda-runtime-deadline-ms", deadline.to_string())
            .header("lambda-runtime-invoked-function-arn", FUNCTION_ARN)
            .header(
                "lambda-runtime-trace-id",
                "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
            )
            .body(Full::new(Bytes::from(payload)))
            .expect("a valid response");
        return Ok(response);
    }

    if method == Method::POST {
        if route == "init/error" {
            let mut state = state.lock().expect("the mock's state is not poisoned");
            state.init_errors.push(body);
            return Ok(reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#));
        }
        let outcome = route.strip_prefix("invocation/").and_then(|rest| {
            if let Some(id) = rest.strip_suffix("/response") {
                Some((id, Outcome::Response))
            } else {
                rest.strip_suffix("/error").map(|id| (id, Outcome::Error))
            }
        });
        if let Some((request_id, outcome)) = outcome {
            let mut state = state.lock().expect("the mock's state is not poisoned");
            state.posted.push(Posted {
                request_id: request_id.to_owned(),
                outcome,
                body,
            });
            return Ok(reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#));
        }
    }

    let mut state = state.lock().expect("the mock's state is not poisoned");
    state.unexpected.push(format!("{method} {path}"));
    Ok(reply(StatusCode::NOT_FOUND, ""))
}

fn reply(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response
}

// ------------------------------------------------------------------------------------------
// The child process
// ------------------------------------------------------------------------------------------

/// The function process, killed when the guard is dropped, also when a test fails. Its
/// stdout and stderr are drained by threads so it never blocks on a full pipe.
struct Function {
    child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    drains: Vec<thread::JoinHandle<()>>,
}

impl Function {
    /// Starts `binary` as Lambda starts a custom runtime: a clean environment with the Runtime
    /// API's address and the function's configuration.
    fn spawn(binary: &Path, api: &MockRuntimeApi) -> Self {
        let mut child = Command::new(binary)
            .env_clear()
            .env("AWS_LAMBDA_RUNTIME_API", api.address.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", "customer-lookup")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_LOG_LEVEL", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
        let (stdout, stdout_drain) = drain(child.stdout.take().expect("stdout is piped"));
        let (stderr, stderr_drain) = drain(child.stderr.take().expect("stderr is piped"));
        Function {
            child,
            stdout,
            stderr,
            drains: vec![stdout_drain, stderr_drain],
        }
    }

    /// Waits (bounded) for the function to exit by itself; then all its output is in.
    fn wait_for_exit(&mut self) -> ExitStatus {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.exited() {
                break status;
            }
            assert!(
                started.elapsed() < WAIT_LIMIT,
                "the function did not exit\n{}",
                self.output()
            );
            thread::sleep(Duration::from_millis(10));
        };
        self.join_drains();
        status
    }

    /// Kills the function and returns all it wrote.
    fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.join_drains();
        self.output()
    }

    fn join_drains(&mut self) {
        for drain in self.drains.drain(..) {
            drain.join().expect("a drain thread panicked");
        }
    }

    fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("cannot wait for the child")
    }

    /// Both outputs so far, for failure messages and log checks.
    fn output(&self) -> String {
        let text = |buffer: &Mutex<Vec<u8>>| {
            String::from_utf8_lossy(&buffer.lock().expect("the buffer is not poisoned"))
                .into_owned()
        };
        format!(
            "--- stdout ---\n{}--- stderr ---\n{}",
            text(&self.stdout),
            text(&self.stderr)
        )
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

type Drained = (Arc<Mutex<Vec<u8>>>, thread::JoinHandle<()>);

fn drain(mut pipe: impl Read + Send + 'static) -> Drained {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&buffer);
    let thread = thread::spawn(move || {
        let mut chunk = [0_u8; 4096];
        while let Ok(read @ 1..) = pipe.read(&mut chunk) {
            sink.lock()
                .expect("the buffer is not poisoned")
                .extend_from_slice(&chunk[..read]);
        }
    });
    (buffer, thread)
}

/// Polls `done` until it holds; fails the test if the function exits first or `WAIT_LIMIT`
/// passes.
fn wait_until(function: &mut Function, what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        if let Some(status) = function.exited() {
            panic!(
                "the function exited ({status}) before {what}\n{}",
                function.output()
            );
        }
        assert!(
            started.elapsed() < WAIT_LIMIT,
            "timed out waiting until {what}\n{}",
            function.output()
        );
        thread::sleep(Duration::from_millis(10));
    }
}

// ------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------

const NOT_CONNECT: &[u8] = br#"{"resource": "/accounts", "httpMethod": "GET", "body": null}"#;

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
    ]);
    let mut function = Function::spawn(starter_binary(), &api);

    wait_until(&mut function, "five outcomes are posted", || {
        api.posted().len() >= 5
    });
    // The loop goes on after errors: it polls for a sixth event, which the mock holds.
    wait_until(&mut function, "the sixth `GET /next`", || {
        api.next_requests() >= 6
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
    assert_eq!(posted.len(), 5, "one outcome per event: {summary}");
    assert_eq!(api.next_requests(), 6, "{summary}");
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
    assert_eq!(output.matches("ERROR").count(), 2, "{output}");
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
