//! Runs the checks under `tests/tools/` that need the field's own tools: Java's regex engine
//! and Apache Velocity. A missing tool skips the check with a line saying so, unless
//! `LAMBDA_CONTRACT_REQUIRE_TOOLS` is set (as `.ci/run` does), when it fails.

#![allow(dead_code)] // each test file uses its own part of it

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lambda_contract_tests::workspace_root;

/// A file under `tests/tools/`.
pub fn tool(name: &str) -> PathBuf {
    workspace_root().join("tests/tools").join(name)
}

/// Says that a check cannot run: a skip, or a failure when the tools are required.
pub fn missing(check: &str, why: &str) {
    if std::env::var_os("LAMBDA_CONTRACT_REQUIRE_TOOLS").is_some() {
        panic!("{check}: {why} (LAMBDA_CONTRACT_REQUIRE_TOOLS is set)");
    }
    eprintln!("skipped: {check}: {why}");
}

/// Whether `java` can be started; if not, the check is reported [`missing`].
pub fn java(check: &str) -> bool {
    match Command::new("java").arg("-version").output() {
        Ok(output) if output.status.success() => true,
        _ => {
            missing(
                check,
                "`java` was not found (install a Java 11+ runtime, e.g. Debian's default-jre-headless)",
            );
            false
        }
    }
}

/// The class path for Apache Velocity 1.7 and what it needs: `VELOCITY_CLASSPATH`, or the jars
/// Debian's `velocity` package installs. `None` (the check reported [`missing`]) without them.
pub fn velocity_classpath(check: &str) -> Option<String> {
    if let Some(classpath) = std::env::var_os("VELOCITY_CLASSPATH") {
        return Some(classpath.to_string_lossy().into_owned());
    }
    let jars: Vec<PathBuf> = [
        "velocity.jar",
        "commons-collections3.jar",
        "commons-lang.jar",
    ]
    .iter()
    .map(|jar| Path::new("/usr/share/java").join(jar))
    .collect();
    if jars.iter().all(|jar| jar.is_file()) {
        let jars: Vec<String> = jars.iter().map(|jar| jar.display().to_string()).collect();
        return Some(jars.join(":"));
    }
    missing(
        check,
        "Apache Velocity was not found (`apt-get install velocity`, or set VELOCITY_CLASSPATH)",
    );
    None
}

/// Runs `java` with these arguments and returns what it printed, panicking with its output
/// when it cannot start.
pub fn run_java(arguments: &[&str]) -> Output {
    Command::new("java")
        .args(arguments)
        .output()
        .unwrap_or_else(|error| panic!("cannot run java {arguments:?}: {error}"))
}

/// Runs the single-file Java program `tool` (under `tests/tools/`, with `classpath` if any)
/// on `cases`, written to a temporary file named after `name` and this process, and fails the
/// test, with both outputs, unless it exits 0. Returns its stdout.
pub fn run_tool(tool_file: &str, classpath: Option<&str>, name: &str, cases: &str) -> String {
    let file = std::env::temp_dir().join(format!("{name}-{}.txt", std::process::id()));
    std::fs::write(&file, cases).expect("a temporary file");
    let program = tool(tool_file).display().to_string();
    let file_argument = file.display().to_string();
    let mut arguments = Vec::new();
    if let Some(classpath) = classpath {
        arguments.extend(["-cp", classpath]);
    }
    arguments.extend([program.as_str(), file_argument.as_str()]);
    let output = run_java(&arguments);
    let _ = std::fs::remove_file(&file);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{tool_file} failed:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A text as the tools' case files hold it: comma-separated hexadecimal code points.
pub fn code_points(text: &str) -> String {
    text.chars()
        .map(|c| format!("{:x}", u32::from(c)))
        .collect::<Vec<_>>()
        .join(",")
}
