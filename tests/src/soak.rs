//! Soak: many invocations of a starter through the real lambda_runtime loop against the mock
//! Runtime API, with the function's resident memory sampled along the way.

use std::fmt;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use crate::runtime_api::{Function, MockRuntimeApi};

/// What a soak run measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// The starter's name.
    pub name: String,
    /// Invocations answered.
    pub invocations: usize,
    /// Outcomes posted to `/response` and `/error`.
    pub responses: usize,
    /// See `responses`.
    pub errors: usize,
    /// Requests the mock did not expect.
    pub unexpected: usize,
    /// How long the run took.
    pub elapsed: Duration,
    /// Resident memory (KiB) once warmed up (after a tenth of the run) and at the end.
    pub rss_after_warm_up: u64,
    /// See `rss_after_warm_up`.
    pub rss_final: u64,
    /// Every sample taken, in KiB.
    pub samples: Vec<u64>,
    /// CPU time (user + system) the function process used, read just before it is stopped;
    /// `None` where `/proc` is not there.
    pub cpu: Option<Duration>,
}

impl Report {
    /// Resident memory growth after warm-up, as a fraction (0.05 is 5%).
    pub fn growth(&self) -> f64 {
        if self.rss_after_warm_up == 0 {
            return 0.0;
        }
        (self.rss_final as f64 - self.rss_after_warm_up as f64) / self.rss_after_warm_up as f64
    }

    /// Invocations per second.
    pub fn rate(&self) -> f64 {
        self.invocations as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} invocations in {:.1} s ({:.0}/s); {} responses, {} invocation errors, {} unexpected requests; \
             RSS {} KiB after warm-up, {} KiB at the end ({:+.1}%)",
            self.name,
            self.invocations,
            self.elapsed.as_secs_f64(),
            self.rate(),
            self.responses,
            self.errors,
            self.unexpected,
            self.rss_after_warm_up,
            self.rss_final,
            self.growth() * 100.0
        )
    }
}

/// Resident memory of a process, in KiB (Linux: `VmRSS` in `/proc/<pid>/status`).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time (user + system) a process has used so far (Linux: `/proc/<pid>/stat`, fields 14
/// and 15, in USER_HZ ticks, 100 per second on every Linux ABI Lambda runs).
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 10))
}

/// Runs `count` invocations of `binary`, cycling through `events`, sampling memory about
/// `samples` times. Bounded: gives up after `limit`.
pub fn run(
    name: &str,
    binary: &Path,
    events: Vec<Vec<u8>>,
    count: usize,
    samples: usize,
    limit: Duration,
) -> Result<Report, String> {
    run_with(name, binary, events, count, samples, limit, &[])
}

/// [`run`] with more environment variables for the function (`AWS_LAMBDA_MAX_CONCURRENCY`).
pub fn run_with(
    name: &str,
    binary: &Path,
    events: Vec<Vec<u8>>,
    count: usize,
    samples: usize,
    limit: Duration,
    env: &[(&str, &str)],
) -> Result<Report, String> {
    let api = MockRuntimeApi::cycling(events, count);
    let mut function = Function::spawn_with(binary, &api, env);
    let started = Instant::now();
    let step = (count / samples.max(1)).max(1);
    let warm_up = count / 10;
    let mut next_sample = step;
    let mut report = Report {
        name: name.to_owned(),
        invocations: 0,
        responses: 0,
        errors: 0,
        unexpected: 0,
        elapsed: Duration::ZERO,
        rss_after_warm_up: 0,
        rss_final: 0,
        samples: Vec::new(),
        cpu: None,
    };
    loop {
        let (responses, errors, unexpected) =
            api.snapshot(|state| (state.responses, state.errors, state.unexpected.len()));
        let done = responses + errors;
        if done >= next_sample || done >= count {
            if let Some(rss) = rss_kib(function.pid()) {
                report.samples.push(rss);
                if report.rss_after_warm_up == 0 && done >= warm_up {
                    report.rss_after_warm_up = rss;
                }
                report.rss_final = rss;
            }
            next_sample = done + step;
        }
        if done >= count {
            report.invocations = done;
            report.responses = responses;
            report.errors = errors;
            report.unexpected = unexpected;
            break;
        }
        if let Some(status) = function.exited() {
            return Err(format!(
                "{name} exited ({status}) after {done} invocations\n{}",
                function.output()
            ));
        }
        if started.elapsed() > limit {
            return Err(format!(
                "{name}: only {done} of {count} invocations within {limit:?}"
            ));
        }
        thread::sleep(Duration::from_millis(2));
    }
    report.elapsed = started.elapsed();
    report.cpu = cpu_time(function.pid());
    function.stop();
    Ok(report)
}
