//! Tests of lambda-contract: trybuild UI tests, integration tests and benchmarks.
//!
//! This library holds what the integration tests share: building a workspace binary once and
//! running a generated binary in local mode as a user would.

pub mod runtime_api;
pub mod soak;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long one local run may take before a test gives up on it (it takes milliseconds).
pub const RUN_LIMIT: Duration = Duration::from_secs(30);

/// The workspace's root folder.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package is inside the workspace")
}

/// Builds one binary of the workspace with the cargo running the tests (same target
/// directory: `CARGO_TARGET_DIR` and cargo's config are honoured, and cargo itself says where
/// the executable is) and returns its path.
pub fn build_binary(package: &str, bin: &str) -> PathBuf {
    build_binary_with(package, bin, &[])
}

/// [`build_binary`] with more `cargo build` arguments (`--release`).
pub fn build_binary_with(package: &str, bin: &str, extra: &[&str]) -> PathBuf {
    let output = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args([
            "build",
            "--quiet",
            "--message-format=json-render-diagnostics",
        ])
        .args(["--package", package, "--bin", bin])
        .args(extra)
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

/// How many invocation errors `n` invocations must give.
pub type ExpectedErrors = fn(usize) -> usize;

/// A starter's sample events, for long runs, and how many invocation errors a run of `n`
/// invocations cycling through them must give (the Connect starter's missing-parameter event
/// is one, by design; every API Gateway outcome is an envelope, never an invocation error).
pub fn starter_events(starter: &str) -> (Vec<Vec<u8>>, ExpectedErrors) {
    let dir = workspace_root()
        .join("examples")
        .join(starter)
        .join("events");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    names.sort();
    let events = names
        .iter()
        .map(|path| {
            std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        })
        .collect::<Vec<_>>();
    if starter == "connect-customer-lookup" {
        // The events sorted: chat, found, missing-parameter, not-found: every fourth (index 2)
        // is an invocation error.
        assert_eq!(
            names.len(),
            4,
            "the Connect starter's events changed: update starter_events"
        );
        (events, |n| n / 4 + usize::from(n % 4 > 2))
    } else {
        (events, |_| 0)
    }
}

/// What one process run left behind.
pub struct Run {
    /// How the process exited.
    pub status: ExitStatus,
    /// Everything it wrote to stdout.
    pub stdout: String,
    /// Everything it wrote to stderr.
    pub stderr: String,
}

impl Run {
    /// The run, for an assertion's message.
    pub fn describe(&self) -> String {
        format!(
            "exit status: {}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }

    /// Asserts the exit code.
    pub fn assert_exit(&self, code: i32) {
        assert_eq!(self.status.code(), Some(code), "{}", self.describe());
    }
}

/// Runs `binary` in local mode: a clean environment (so `AWS_LAMBDA_RUNTIME_API` is unset and
/// no log setting leaks in) plus `env`, `dir` as working directory, `stdin` fed and then
/// closed (or no stdin at all). Killed after [`RUN_LIMIT`].
pub fn run_local(
    binary: &Path,
    dir: &Path,
    arguments: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&[u8]>,
) -> Run {
    let mut child = Command::new(binary)
        .args(arguments)
        .current_dir(dir)
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

/// Drains a pipe on a thread, so a child never blocks on a full pipe.
pub fn read_in_background(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8(bytes).expect("the output is UTF-8")
    })
}
