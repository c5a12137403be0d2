//! `soak <connect|apigw|all> [COUNT]`: COUNT invocations (default 100,000) of each starter
//! through the real lambda_runtime loop against a mock Runtime API on loopback, with resident
//! memory sampled. Exits 1 if any invocation went wrong or memory grew 5% or more after
//! warm-up. See RELIABILITY.md.
//!
//! Build the starters in release first for realistic figures:
//! `cargo run --release -p lambda-contract-tests --bin soak -- all 100000`.

use std::process::ExitCode;
use std::time::Duration;

use lambda_contract_tests::soak::{self, Report};
use lambda_contract_tests::{build_binary_with, starter_events, ExpectedErrors};

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let which = arguments.first().map(String::as_str).unwrap_or("all");
    let count = match arguments.get(1).map(|count| count.parse::<usize>()) {
        None => 100_000,
        Some(Ok(count)) if count > 0 => count,
        Some(_) => {
            eprintln!("soak: COUNT must be a positive whole number");
            return ExitCode::from(2);
        }
    };
    let starters: &[&str] = match which {
        "connect" => &["connect-customer-lookup"],
        "apigw" => &["apigw-rest-api"],
        "all" => &["connect-customer-lookup", "apigw-rest-api"],
        other => {
            eprintln!("soak: unknown starter set `{other}`; expected connect, apigw or all");
            return ExitCode::from(2);
        }
    };
    let profile: &[&str] = if cfg!(debug_assertions) {
        &[]
    } else {
        &["--release"]
    };
    let mut failed = false;
    for starter in starters {
        let binary = build_binary_with(starter, starter, profile);
        let (events, expected_errors) = starter_events(starter);
        match soak::run(
            starter,
            &binary,
            events,
            count,
            50,
            Duration::from_secs(3600),
        ) {
            Ok(report) => {
                println!("{report}");
                failed |= !acceptable(&report, expected_errors);
            }
            Err(error) => {
                eprintln!("soak: {error}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// No unexpected request, invocation errors only where the events call for them, and resident
/// memory flat after warm-up (growth under 5%).
fn acceptable(report: &Report, expected_errors: ExpectedErrors) -> bool {
    let errors_ok = report.errors == expected_errors(report.invocations);
    let memory_ok = report.growth() < 0.05;
    if !errors_ok {
        eprintln!(
            "soak: {}: {} invocation errors, expected {}",
            report.name,
            report.errors,
            expected_errors(report.invocations)
        );
    }
    if !memory_ok {
        eprintln!(
            "soak: {}: memory grew {:.1}% after warm-up: {:?}",
            report.name,
            report.growth() * 100.0,
            report.samples
        );
    }
    errors_ok && memory_ok && report.unexpected == 0
}
