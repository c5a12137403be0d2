//! A mock Lambda Runtime API on loopback, and the function process it serves, as
//! lambda_runtime's own tests drive the runtime loop.

use std::collections::VecDeque;
use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// How long a test waits for the function before it fails.
pub const WAIT_LIMIT: Duration = Duration::from_secs(30);
const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:111122223333:function:customer-lookup";

/// Where the function posted an invocation's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `/response`
    Response,
    /// `/error`
    Error,
}

/// One outcome posted to `/runtime/invocation/{id}/{response|error}`.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The request id in the path.
    pub request_id: String,
    /// Where it was posted.
    pub outcome: Outcome,
    /// The body posted.
    pub body: String,
}

/// What the mock has seen so far.
#[derive(Default)]
pub struct State {
    /// Events not handed out yet: (request id, payload).
    queue: VecDeque<(String, Vec<u8>)>,
    /// In cycling mode: the events handed out in turn, and how many remain to hand out.
    cycle: Vec<Vec<u8>>,
    remaining: usize,
    /// How many `GET /next` requests arrived, answered or held.
    pub next_requests: usize,
    /// Outcomes posted, with their bodies (not kept in cycling mode: only counted).
    pub posted: Vec<Posted>,
    /// How many outcomes were posted to `/response` and to `/error`.
    pub responses: usize,
    /// See `responses`.
    pub errors: usize,
    /// Bodies posted to `/runtime/init/error`.
    pub init_errors: Vec<String>,
    /// Requests the mock does not know, as `METHOD path`.
    pub unexpected: Vec<String>,
    /// Drop the connection, without answering, when this many outcomes have been posted.
    drop_at: Option<usize>,
    /// Invocations handed out whose outcome has not been posted yet.
    pub in_flight: usize,
    /// The most invocations that were in flight at once.
    pub peak_in_flight: usize,
}

/// A Lambda Runtime API on 127.0.0.1 (ephemeral port), served by hyper on its own tokio
/// runtime. A `GET /next` that finds the queue empty is held until the mock is dropped, as the
/// real API holds it until the next invocation.
pub struct MockRuntimeApi {
    /// Where it listens.
    pub address: SocketAddr,
    state: Arc<Mutex<State>>,
    // Dropped last: shuts the server (and any held request) down.
    _runtime: tokio::runtime::Runtime,
}

impl MockRuntimeApi {
    /// Serves `events` once each, in order, under the given request ids, and keeps every
    /// posted body.
    pub fn start(events: Vec<(&str, Vec<u8>)>) -> Self {
        Self::with_state(State {
            queue: events
                .into_iter()
                .map(|(id, payload)| (id.to_owned(), payload))
                .collect(),
            ..State::default()
        })
    }

    /// Serves `events` in turn, `count` invocations in all (request ids `inv-N`), counting
    /// outcomes without keeping their bodies: for long runs.
    pub fn cycling(events: Vec<Vec<u8>>, count: usize) -> Self {
        Self::with_state(State {
            cycle: events,
            remaining: count,
            ..State::default()
        })
    }

    /// Like [`MockRuntimeApi::start`], but the connection is dropped without an answer when
    /// the function posts its `n`th outcome (0-based): a Runtime API failing mid-invocation.
    pub fn dropping_at(events: Vec<(&str, Vec<u8>)>, n: usize) -> Self {
        let api = Self::start(events);
        api.state
            .lock()
            .expect("the mock's state is not poisoned")
            .drop_at = Some(n);
        api
    }

    fn with_state(state: State) -> Self {
        let state = Arc::new(Mutex::new(state));
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

    /// Reads the state.
    pub fn snapshot<T>(&self, read: impl FnOnce(&State) -> T) -> T {
        read(&self.state.lock().expect("the mock's state is not poisoned"))
    }

    /// The outcomes posted so far.
    pub fn posted(&self) -> Vec<Posted> {
        self.snapshot(|state| state.posted.clone())
    }

    /// How many `GET /next` arrived.
    pub fn next_requests(&self) -> usize {
        self.snapshot(|state| state.next_requests)
    }
}

async fn handle(
    request: Request<Incoming>,
    state: Arc<Mutex<State>>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
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
            match state.queue.pop_front() {
                Some(next) => Some(next),
                None if state.remaining > 0 && !state.cycle.is_empty() => {
                    state.remaining -= 1;
                    let index = state.next_requests - 1;
                    let payload = state.cycle[index % state.cycle.len()].clone();
                    Some((format!("inv-{index}"), payload))
                }
                None => None,
            }
        };
        if next.is_some() {
            let mut state = state.lock().expect("the mock's state is not poisoned");
            state.in_flight += 1;
            state.peak_in_flight = state.peak_in_flight.max(state.in_flight);
        }
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
            let seen = state.responses + state.errors;
            if state.drop_at == Some(seen) {
                state.drop_at = None;
                // An error from the service makes hyper close the connection unanswered.
                return Err(std::io::Error::other("the mock drops the connection"));
            }
            match outcome {
                Outcome::Response => state.responses += 1,
                Outcome::Error => state.errors += 1,
            }
            state.in_flight = state.in_flight.saturating_sub(1);
            if state.cycle.is_empty() {
                state.posted.push(Posted {
                    request_id: request_id.to_owned(),
                    outcome,
                    body,
                });
            }
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

/// The function process, killed when the guard is dropped, also when a test fails. Its
/// stdout and stderr are drained by threads so it never blocks on a full pipe.
pub struct Function {
    child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    drains: Vec<thread::JoinHandle<()>>,
}

impl Function {
    /// Starts `binary` as Lambda starts a custom runtime: a clean environment with the Runtime
    /// API's address and the function's configuration.
    pub fn spawn(binary: &Path, api: &MockRuntimeApi) -> Self {
        Self::spawn_with(binary, api, &[])
    }

    /// [`Function::spawn`] with more environment variables (`AWS_LAMBDA_MAX_CONCURRENCY`, as
    /// Lambda Managed Instances set it).
    pub fn spawn_with(binary: &Path, api: &MockRuntimeApi, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(binary)
            .env_clear()
            .env("AWS_LAMBDA_RUNTIME_API", api.address.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", "customer-lookup")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_LOG_LEVEL", "info")
            .envs(env.iter().copied())
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
    pub fn wait_for_exit(&mut self) -> ExitStatus {
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
    pub fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.join_drains();
        self.output()
    }

    /// The process id, to sample its memory.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn join_drains(&mut self) {
        for drain in self.drains.drain(..) {
            drain.join().expect("a drain thread panicked");
        }
    }

    /// The exit status, if the function has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("cannot wait for the child")
    }

    /// Both outputs so far, for failure messages and log checks.
    pub fn output(&self) -> String {
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
pub fn wait_until(function: &mut Function, what: &str, mut done: impl FnMut() -> bool) {
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
