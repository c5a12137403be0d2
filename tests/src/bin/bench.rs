//! `bench [--quick]`: the comparisons of BENCHMARKS.md in one run, printed as a table of
//! ratios (ours / twin), its last line the worst ratio against each goal.
//!
//! `cargo run --release -p lambda-contract-tests --bin bench`
//!
//! 1. per invocation: `cargo bench --bench per_invocation` (criterion, whose report goes to
//!    stderr), then the same binary's interleaved rounds (`LAMBDA_CONTRACT_BENCH_ROUNDS`):
//!    ours against hand-written `lambda_runtime` + `aws_lambda_events` code and against
//!    `lambda_http`, on the same events; the ratio is the median of the rounds' ratios, the
//!    times the medians of the rounds;
//! 2. release binary size of each starter against its twins in `tests/twins/`;
//! 3. the whole loop: invocations per second of each release binary through the real
//!    `lambda_runtime` client against the mock Runtime API on loopback, rounds interleaved
//!    so the machine's drift touches every binary alike; the ratio is the median of the
//!    rounds' ratios (the table also shows each binary's median rate);
//! 4. rebuild: `cargo build` (dev profile) after editing a string literal in the handler's
//!    body, rounds interleaved, ratios as for the loop. The edited files are restored.
//! 5. managed: Lambda Managed Instances, `AWS_LAMBDA_MAX_CONCURRENCY=8` and a handler that
//!    waits 5 ms (`tests/src/bin/concurrent_echo.rs`): invocations per second through the
//!    real client against the mock, against a hand-written `run_concurrent` twin and against
//!    the same binary with one slot; rounds interleaved, ratios as for the loop.
//!
//! `--quick` shortens every part (for trying the tool, not for figures). `--only PART`
//! (`per-invocation`, `size`, `loop`, `rebuild` or `managed`; repeatable) runs only those parts, for
//! checking a change; the worst-ratio line then covers only what ran. Exit status 1 when a
//! goal is missed, 2 when something could not be measured.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use lambda_contract_tests::soak;
use lambda_contract_tests::{build_binary_with, workspace_root};

/// A starter and its twins: (package, manifest folder relative to the root, binary).
struct Crate {
    /// What the table calls it.
    label: &'static str,
    /// The package (= binary) name.
    package: &'static str,
    /// `Cargo.toml` of the workspace it belongs to, relative to the root.
    workspace: &'static str,
    /// The handler's source, relative to the root, and the literal the rebuild edits.
    source: &'static str,
    literal: &'static str,
}

const OURS: &str = "Cargo.toml";
const TWINS: &str = "tests/twins/Cargo.toml";

const CONNECT: Crate = Crate {
    label: "ours",
    package: "connect-customer-lookup",
    workspace: OURS,
    source: "examples/connect-customer-lookup/src/main.rs",
    literal: "\"phone\"",
};
const CONNECT_HAND_WRITTEN: Crate = Crate {
    label: "hand-written",
    package: "connect-hand-written",
    workspace: TWINS,
    source: "tests/twins/connect-hand-written/src/main.rs",
    literal: "\"phone\"",
};
const APIGW: Crate = Crate {
    label: "ours",
    package: "apigw-rest-api",
    workspace: OURS,
    source: "examples/apigw-rest-api/src/main.rs",
    literal: "\"no user `{id}`\"",
};
const APIGW_HAND_WRITTEN: Crate = Crate {
    label: "hand-written",
    package: "apigw-hand-written",
    workspace: TWINS,
    source: "tests/twins/apigw-hand-written/src/main.rs",
    literal: "\"no user `{id}`\"",
};
const APIGW_LAMBDA_HTTP: Crate = Crate {
    label: "lambda_http",
    package: "apigw-lambda-http",
    workspace: TWINS,
    source: "tests/twins/apigw-lambda-http/src/main.rs",
    literal: "\"no user `{id}`\"",
};

/// The goals of issue 5, as (name, limit, whether a ratio must stay at or below the limit).
struct Goal {
    name: &'static str,
    limit: f64,
    at_most: bool,
}

const PER_INVOCATION_HAND: Goal = Goal {
    name: "per invocation vs hand-written",
    limit: 1.05,
    at_most: true,
};
const PER_INVOCATION_HTTP: Goal = Goal {
    name: "per invocation vs lambda_http",
    limit: 0.5,
    at_most: true,
};
const LOOP_HAND: Goal = Goal {
    name: "loop vs hand-written",
    limit: 0.97,
    at_most: false,
};
const SIZE_HAND: Goal = Goal {
    name: "size vs hand-written",
    limit: 1.05,
    at_most: true,
};
const SIZE_HTTP: Goal = Goal {
    name: "size vs lambda_http",
    limit: 1.0,
    at_most: true,
};
const REBUILD_HAND: Goal = Goal {
    name: "rebuild vs hand-written",
    limit: 1.15,
    at_most: true,
};
/// Issue 12: Lambda Managed Instances.
const MANAGED_HAND: Goal = Goal {
    name: "managed (8 slots) vs hand-written run_concurrent",
    limit: 0.97,
    at_most: false,
};
const MANAGED_SEQUENTIAL: Goal = Goal {
    name: "managed (8 slots) vs one slot",
    limit: 6.0,
    at_most: false,
};
const GOALS: [&Goal; 8] = [
    &PER_INVOCATION_HAND,
    &PER_INVOCATION_HTTP,
    &LOOP_HAND,
    &SIZE_HAND,
    &SIZE_HTTP,
    &REBUILD_HAND,
    &MANAGED_HAND,
    &MANAGED_SEQUENTIAL,
];

/// One line of the table.
struct Row {
    what: String,
    ours: String,
    twin: String,
    ratio: f64,
    goal: Option<&'static Goal>,
}

struct Settings {
    quick: bool,
    /// The parts to run; empty for all of them.
    only: Vec<String>,
}

impl Settings {
    fn runs(&self, part: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|only| only == part)
    }
}

const PARTS: [&str; 5] = ["per-invocation", "size", "loop", "rebuild", "managed"];

fn main() -> ExitCode {
    let mut quick = false;
    let mut only = Vec::new();
    let mut arguments = std::env::args().skip(1);
    while let Some(argument) = arguments.next() {
        match argument.as_str() {
            "--quick" => quick = true,
            "--only" => match arguments.next() {
                Some(part) if PARTS.contains(&part.as_str()) => only.push(part),
                part => {
                    eprintln!(
                        "bench: `--only` takes one of {}, not {part:?}",
                        PARTS.join(", ")
                    );
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!(
                    "bench: unknown argument `{other}`; usage: bench [--quick] [--only PART]..."
                );
                return ExitCode::from(2);
            }
        }
    }
    let settings = Settings { quick, only };
    match run(&settings) {
        Ok(rows) => report(&rows),
        Err(error) => {
            eprintln!("bench: {error}");
            ExitCode::from(2)
        }
    }
}

fn run(settings: &Settings) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    if settings.runs("per-invocation") {
        eprintln!("bench: 1/5 per invocation (criterion)");
        rows.extend(per_invocation(settings)?);
    }
    if settings.runs("size") || settings.runs("loop") {
        eprintln!("bench: 2/5 release binaries and their sizes");
        let binaries = release_binaries()?;
        if settings.runs("size") {
            rows.extend(sizes(&binaries)?);
        }
        if settings.runs("loop") {
            eprintln!("bench: 3/5 the whole loop against the mock Runtime API");
            rows.extend(whole_loop(settings, &binaries)?);
        }
    }
    if settings.runs("rebuild") {
        eprintln!("bench: 4/5 rebuild after editing the handler's body");
        rows.extend(rebuild(settings)?);
    }
    if settings.runs("managed") {
        eprintln!("bench: 5/5 Lambda Managed Instances: 8 slots, a handler that waits 5 ms");
        rows.extend(managed(settings)?);
    }
    Ok(rows)
}

// ---- 1. per invocation -------------------------------------------------------------------

fn per_invocation(settings: &Settings) -> Result<Vec<Row>, String> {
    let mut command = cargo(OURS, "bench");
    command.args([
        "-p",
        "lambda-contract-tests",
        "--bench",
        "per_invocation",
        "--",
    ]);
    if settings.quick {
        command.args(["--warm-up-time", "1", "--measurement-time", "2"]);
    }
    // Criterion's own report goes to stdout; ours is the table. Keep its lines on stderr.
    let status = command
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .map_err(|error| format!("cannot run cargo bench: {error}"))?;
    if !status.success() {
        return Err(format!("cargo bench failed: {status}"));
    }
    let rounds = interleaved_rounds(settings)?;
    let times = |group: &str, variant: &str| -> Result<Vec<f64>, String> {
        rounds
            .get(&(group.to_owned(), variant.to_owned()))
            .cloned()
            .ok_or_else(|| format!("the interleaved rounds have no `{group}/{variant}`"))
    };
    let mut rows = Vec::new();
    // Each group of the benchmark against each of its twins: Connect has no lambda_http, and
    // its second twin is the same handler on our own event type (the glue alone).
    let mut pairs: Vec<(&str, &str, &str, Option<&'static Goal>)> = vec![
        (
            "connect",
            "hand_written",
            "hand-written (aws_lambda_events)",
            Some(&PER_INVOCATION_HAND),
        ),
        (
            "connect",
            "hand_written_our_event",
            "hand-written on our ConnectEvent (the glue alone)",
            None,
        ),
    ];
    for group in [
        "apigw_v1_get",
        "apigw_v1_post",
        "apigw_v2_get",
        "apigw_v2_post",
    ] {
        pairs.push((
            group,
            "hand_written",
            "hand-written",
            Some(&PER_INVOCATION_HAND),
        ));
        pairs.push((
            group,
            "lambda_http",
            "lambda_http",
            Some(&PER_INVOCATION_HTTP),
        ));
    }
    for (group, twin, label, goal) in pairs {
        let ours = times(group, "ours")?;
        let theirs = times(group, twin)?;
        rows.push(Row {
            what: format!("per invocation, {group}: vs {label}"),
            ours: format!("{:.2} µs", median(&mut ours.clone()) / 1000.0),
            twin: format!("{:.2} µs", median(&mut theirs.clone()) / 1000.0),
            ratio: paired_ratio(&ours, &theirs),
            goal,
        });
    }
    Ok(rows)
}

/// The benchmark binary's interleaved rounds (`LAMBDA_CONTRACT_BENCH_ROUNDS`): the time per
/// invocation (ns) of each group's variants, round by round.
fn interleaved_rounds(settings: &Settings) -> Result<BTreeMap<(String, String), Vec<f64>>, String> {
    let rounds = if settings.quick { 5 } else { 31 };
    let output = cargo(OURS, "bench")
        .args(["-p", "lambda-contract-tests", "--bench", "per_invocation"])
        .env("LAMBDA_CONTRACT_BENCH_ROUNDS", rounds.to_string())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| format!("cannot run the interleaved rounds: {error}"))?;
    if !output.status.success() {
        return Err(format!("the interleaved rounds failed: {}", output.status));
    }
    let mut times: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [group, variant, _round, nanos] = fields[..] else {
            return Err(format!(
                "unexpected line from the interleaved rounds: {line:?}"
            ));
        };
        let nanos: f64 = nanos
            .parse()
            .map_err(|error| format!("{line:?}: {error}"))?;
        times
            .entry((group.to_owned(), variant.to_owned()))
            .or_default()
            .push(nanos);
    }
    Ok(times)
}

// ---- 2. binary size ----------------------------------------------------------------------

/// The release binary of each crate, by package name.
fn release_binaries() -> Result<BTreeMap<&'static str, PathBuf>, String> {
    let mut binaries = BTreeMap::new();
    for (workspace, crates) in [
        (OURS, vec![&CONNECT, &APIGW]),
        (
            TWINS,
            vec![
                &CONNECT_HAND_WRITTEN,
                &APIGW_HAND_WRITTEN,
                &APIGW_LAMBDA_HTTP,
            ],
        ),
    ] {
        let mut command = cargo(workspace, "build");
        command.args(["--release", "--message-format=json-render-diagnostics"]);
        for krate in &crates {
            command.args(["-p", krate.package]);
        }
        let output = command
            .stderr(Stdio::inherit())
            .output()
            .map_err(|error| format!("cannot run cargo build: {error}"))?;
        if !output.status.success() {
            return Err(format!(
                "cargo build --release ({workspace}) failed: {}",
                output.status
            ));
        }
        for message in String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|message| message["reason"] == "compiler-artifact")
        {
            let name = message["target"]["name"].as_str().unwrap_or_default();
            if let (Some(krate), Some(executable)) = (
                crates.iter().find(|krate| krate.package == name),
                message["executable"].as_str(),
            ) {
                binaries.insert(krate.package, PathBuf::from(executable));
            }
        }
        for krate in &crates {
            if !binaries.contains_key(krate.package) {
                return Err(format!(
                    "cargo reported no executable for {}",
                    krate.package
                ));
            }
        }
    }
    Ok(binaries)
}

fn sizes(binaries: &BTreeMap<&'static str, PathBuf>) -> Result<Vec<Row>, String> {
    let size = |krate: &Crate| -> Result<u64, String> {
        let path = &binaries[krate.package];
        std::fs::metadata(path)
            .map(|metadata| metadata.len())
            .map_err(|error| format!("{}: {error}", path.display()))
    };
    let mut rows = Vec::new();
    for (ours, twin, goal) in [
        (&CONNECT, &CONNECT_HAND_WRITTEN, &SIZE_HAND),
        (&APIGW, &APIGW_HAND_WRITTEN, &SIZE_HAND),
        (&APIGW, &APIGW_LAMBDA_HTTP, &SIZE_HTTP),
    ] {
        let (mine, theirs) = (size(ours)?, size(twin)?);
        rows.push(Row {
            what: format!("release binary, {}: vs {}", ours.package, twin.label),
            ours: format!("{:.0} KiB", mine as f64 / 1024.0),
            twin: format!("{:.0} KiB", theirs as f64 / 1024.0),
            ratio: mine as f64 / theirs as f64,
            goal: Some(goal),
        });
    }
    Ok(rows)
}

// ---- 3. the whole loop -------------------------------------------------------------------

fn whole_loop(
    settings: &Settings,
    binaries: &BTreeMap<&'static str, PathBuf>,
) -> Result<Vec<Row>, String> {
    let events = workspace_root().join("tests/benches/events");
    let read = |name: &str| {
        std::fs::read(events.join(name))
            .map_err(|error| format!("{}: {error}", events.join(name).display()))
    };
    let connect_events = vec![read("connect-voice.json")?];
    // The REST API 1.0 GET: the format every API Gateway binary here takes (the hand-written
    // twin takes only that one), answered 200 by each.
    let apigw_events = vec![read("v1-get.json")?];
    let (count, rounds) = if settings.quick {
        (2_000, 3)
    } else {
        (20_000, 9)
    };
    let groups: [(&[&Crate], &Vec<Vec<u8>>); 2] = [
        (&[&CONNECT, &CONNECT_HAND_WRITTEN], &connect_events),
        (
            &[&APIGW, &APIGW_HAND_WRITTEN, &APIGW_LAMBDA_HTTP],
            &apigw_events,
        ),
    ];
    let mut rows = Vec::new();
    for (crates, events) in groups {
        let mut rates: Vec<Vec<f64>> = vec![Vec::new(); crates.len()];
        // The function process's own CPU time per invocation (µs): not shared with the mock.
        let mut cpu: Vec<Vec<f64>> = vec![Vec::new(); crates.len()];
        for round in 0..rounds {
            for (index, krate) in crates.iter().enumerate() {
                let report = soak::run(
                    krate.package,
                    &binaries[krate.package],
                    events.clone(),
                    count,
                    1,
                    Duration::from_secs(600),
                )?;
                if report.errors > 0 || report.unexpected > 0 {
                    return Err(format!(
                        "{} went wrong in the loop: {report}",
                        krate.package
                    ));
                }
                eprintln!("  round {}: {report}", round + 1);
                rates[index].push(report.rate());
                if let Some(time) = report.cpu {
                    cpu[index].push(time.as_secs_f64() * 1e6 / report.invocations as f64);
                }
            }
        }
        let ours = median(&mut rates[0].clone());
        for (index, twin) in crates.iter().enumerate().skip(1) {
            let theirs = median(&mut rates[index].clone());
            rows.push(Row {
                what: format!("loop, {}: vs {}", crates[0].package, twin.label),
                ours: format!("{ours:.0}/s"),
                twin: format!("{theirs:.0}/s"),
                ratio: paired_ratio(&rates[0], &rates[index]),
                goal: (twin.label == "hand-written").then_some(&LOOP_HAND),
            });
            if cpu[0].len() == rounds && cpu[index].len() == rounds {
                rows.push(Row {
                    what: format!(
                        "loop, function CPU per invocation, {}: vs {}",
                        crates[0].package, twin.label
                    ),
                    ours: format!("{:.1} µs", median(&mut cpu[0].clone())),
                    twin: format!("{:.1} µs", median(&mut cpu[index].clone())),
                    ratio: paired_ratio(&cpu[0], &cpu[index]),
                    goal: None,
                });
            }
        }
    }
    Ok(rows)
}

// ---- 4. rebuild --------------------------------------------------------------------------

fn rebuild(settings: &Settings) -> Result<Vec<Row>, String> {
    let groups: [&[&Crate]; 2] = [
        &[&CONNECT, &CONNECT_HAND_WRITTEN],
        &[&APIGW, &APIGW_HAND_WRITTEN, &APIGW_LAMBDA_HTTP],
    ];
    let rounds = if settings.quick { 2 } else { 7 };
    let mut rows = Vec::new();
    for crates in groups {
        // A first build of each, so every round is an incremental rebuild.
        for krate in crates {
            dev_build(krate)?;
        }
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); crates.len()];
        for round in 0..rounds {
            for (index, krate) in crates.iter().enumerate() {
                let edit = Edit::apply(krate, round)?;
                let started = Instant::now();
                let built = dev_build(krate);
                let elapsed = started.elapsed().as_secs_f64();
                edit.restore()?;
                built?;
                eprintln!(
                    "  round {}: {} rebuilt in {elapsed:.2} s",
                    round + 1,
                    krate.package
                );
                times[index].push(elapsed);
            }
        }
        // Leave the build matching the restored sources.
        for krate in crates {
            dev_build(krate)?;
        }
        let ours = median(&mut times[0].clone());
        for (index, twin) in crates.iter().enumerate().skip(1) {
            let theirs = median(&mut times[index].clone());
            rows.push(Row {
                what: format!("rebuild (dev), {}: vs {}", crates[0].package, twin.label),
                ours: format!("{ours:.2} s"),
                twin: format!("{theirs:.2} s"),
                ratio: paired_ratio(&times[0], &times[index]),
                goal: (twin.label == "hand-written").then_some(&REBUILD_HAND),
            });
        }
    }
    Ok(rows)
}

fn dev_build(krate: &Crate) -> Result<(), String> {
    let status = cargo(krate.workspace, "build")
        .args(["-p", krate.package])
        .status()
        .map_err(|error| format!("cannot run cargo build: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo build -p {} failed: {status}", krate.package))
    }
}

/// The handler's source with its literal changed; [`Edit::restore`] (or dropping it) puts the
/// original back.
struct Edit {
    path: PathBuf,
    original: Option<String>,
}

impl Edit {
    fn apply(krate: &Crate, round: usize) -> Result<Edit, String> {
        let path = workspace_root().join(krate.source);
        let original = std::fs::read_to_string(&path)
            .map_err(|error| format!("{}: {error}", path.display()))?;
        if !original.contains(krate.literal) {
            return Err(format!(
                "{} no longer contains {}: update the bench tool",
                path.display(),
                krate.literal
            ));
        }
        // A different text each round: each build sees a real change to the handler's body.
        let edited_literal = format!(
            "{}-edit{round}\"",
            &krate.literal[..krate.literal.len() - 1]
        );
        let edited = original.replacen(krate.literal, &edited_literal, 1);
        std::fs::write(&path, edited).map_err(|error| format!("{}: {error}", path.display()))?;
        Ok(Edit {
            path,
            original: Some(original),
        })
    }

    fn restore(mut self) -> Result<(), String> {
        self.put_back()
    }

    fn put_back(&mut self) -> Result<(), String> {
        match self.original.take() {
            Some(original) => std::fs::write(&self.path, original)
                .map_err(|error| format!("cannot restore {}: {error}", self.path.display())),
            None => Ok(()),
        }
    }
}

impl Drop for Edit {
    fn drop(&mut self) {
        if let Err(error) = self.put_back() {
            eprintln!("bench: {error}");
        }
    }
}

// ---- 5. Lambda Managed Instances ---------------------------------------------------------

const ECHO_HAND_WRITTEN: Crate = Crate {
    label: "hand-written run_concurrent",
    package: "echo-hand-written",
    workspace: TWINS,
    source: "tests/twins/echo-hand-written/src/main.rs",
    literal: "",
};

fn managed(settings: &Settings) -> Result<Vec<Row>, String> {
    let ours = build_binary_with("lambda-contract-tests", "concurrent_echo", &["--release"]);
    let twin = {
        let output = cargo(TWINS, "build")
            .args(["--release", "--message-format=json-render-diagnostics"])
            .args(["-p", ECHO_HAND_WRITTEN.package])
            .stderr(Stdio::inherit())
            .output()
            .map_err(|error| format!("cannot run cargo build: {error}"))?;
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|message| message["reason"] == "compiler-artifact")
            .filter(|message| message["target"]["name"] == ECHO_HAND_WRITTEN.package)
            .find_map(|message| message["executable"].as_str().map(PathBuf::from))
            .ok_or("cargo reported no executable for echo-hand-written")?
    };
    // The bench's voice contact, asking for its `id` after 5 ms.
    let path = workspace_root().join("tests/benches/events/connect-voice.json");
    let mut event: serde_json::Value = serde_json::from_slice(
        &std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?,
    )
    .map_err(|error| format!("{}: {error}", path.display()))?;
    event["Details"]["Parameters"] = serde_json::json!({"id": "7", "delay_ms": "5"});
    let events = vec![serde_json::to_vec(&event).map_err(|error| error.to_string())?];

    let (count, rounds) = if settings.quick { (800, 3) } else { (4_000, 7) };
    let slots = [("AWS_LAMBDA_MAX_CONCURRENCY", "8")];
    let one_slot = [("AWS_LAMBDA_MAX_CONCURRENCY", "1")];
    /// One binary's run: what it is called, its environment, how many invocations (one slot
    /// serves an eighth as many in the same time).
    struct Run<'a> {
        name: &'a str,
        binary: &'a PathBuf,
        env: &'a [(&'a str, &'a str)],
        count: usize,
    }
    let runs = [
        Run {
            name: "concurrent_echo",
            binary: &ours,
            env: &slots,
            count,
        },
        Run {
            name: ECHO_HAND_WRITTEN.package,
            binary: &twin,
            env: &slots,
            count,
        },
        Run {
            name: "concurrent_echo, one slot",
            binary: &ours,
            env: &one_slot,
            count: count / 8,
        },
    ];
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); runs.len()];
    for round in 0..rounds {
        for (
            index,
            Run {
                name,
                binary,
                env,
                count,
            },
        ) in runs.iter().enumerate()
        {
            let report = soak::run_with(
                name,
                binary,
                events.clone(),
                *count,
                1,
                Duration::from_secs(600),
                env,
            )?;
            if report.errors > 0 || report.unexpected > 0 {
                return Err(format!("{name} went wrong in the loop: {report}"));
            }
            eprintln!("  round {}: {report}", round + 1);
            rates[index].push(report.rate());
        }
    }
    let rate = |index: usize| format!("{:.0}/s", median(&mut rates[index].clone()));
    Ok(vec![
        Row {
            what: "managed, 8 slots, 5 ms handler: vs hand-written run_concurrent".to_owned(),
            ours: rate(0),
            twin: rate(1),
            ratio: paired_ratio(&rates[0], &rates[1]),
            goal: Some(&MANAGED_HAND),
        },
        Row {
            what: "managed, 8 slots, 5 ms handler: vs the same binary, one slot".to_owned(),
            ours: rate(0),
            twin: rate(2),
            ratio: paired_ratio(&rates[0], &rates[2]),
            goal: Some(&MANAGED_SEQUENTIAL),
        },
    ])
}

// ---- shared ------------------------------------------------------------------------------

/// `cargo <subcommand> --quiet` for the workspace whose manifest is `workspace` (relative to
/// the root), building in that workspace's own `target/`.
fn cargo(workspace: &str, subcommand: &str) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(workspace_root())
        .args([subcommand, "--quiet"])
        .env_remove("CARGO_TARGET_DIR");
    if workspace != OURS {
        command.args(["--manifest-path", workspace]);
    }
    command
}

/// The median of the rounds' own ratios: each round ran both back to back, so a slow
/// moment of the machine touches both sides of a ratio rather than one side's median.
fn paired_ratio(ours: &[f64], theirs: &[f64]) -> f64 {
    let mut ratios: Vec<f64> = ours.iter().zip(theirs).map(|(a, b)| a / b).collect();
    median(&mut ratios)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    }
}

fn report(rows: &[Row]) -> ExitCode {
    let width = rows.iter().map(|row| row.what.len()).max().unwrap_or(0);
    let mut table = String::new();
    let _ = writeln!(
        table,
        "{:width$}  {:>11}  {:>11}  {:>6}  goal",
        "comparison (ours / twin)", "ours", "twin", "ratio"
    );
    for row in rows {
        let goal = match row.goal {
            Some(goal) => format!(
                "{} {:.2}x {}",
                if goal.at_most { "<=" } else { ">=" },
                goal.limit,
                if met(goal, row.ratio) {
                    "met"
                } else {
                    "MISSED"
                }
            ),
            None => "-".to_owned(),
        };
        let _ = writeln!(
            table,
            "{:width$}  {:>11}  {:>11}  {:>5.2}x  {goal}",
            row.what, row.ours, row.twin, row.ratio
        );
    }
    let mut worst = Vec::new();
    let mut missed = false;
    for goal in GOALS {
        let ratios: Vec<f64> = rows
            .iter()
            .filter(|row| row.goal.is_some_and(|g| std::ptr::eq(g, goal)))
            .map(|row| row.ratio)
            .collect();
        if ratios.is_empty() {
            // Its part was left out with `--only`.
            worst.push(format!("{} not run", goal.name));
            continue;
        }
        let value = if goal.at_most {
            ratios.iter().copied().fold(f64::NAN, f64::max)
        } else {
            ratios.iter().copied().fold(f64::NAN, f64::min)
        };
        missed |= !met(goal, value);
        worst.push(format!(
            "{} {value:.2}x ({} {:.2}x)",
            goal.name,
            if goal.at_most { "<=" } else { ">=" },
            goal.limit
        ));
    }
    let _ = write!(table, "worst: {}", worst.join("; "));
    println!("{table}");
    if missed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn met(goal: &Goal, ratio: f64) -> bool {
    if goal.at_most {
        ratio <= goal.limit
    } else {
        ratio >= goal.limit
    }
}
