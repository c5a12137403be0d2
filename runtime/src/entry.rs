//! The generated `main`: local mode ([`crate::local`]) when `AWS_LAMBDA_RUNTIME_API` is
//! unset; otherwise the Lambda loop ([`crate::serve`]). Both are set up here, tracing
//! included, and depend only on [`crate::handler`].

use std::process::ExitCode;

use futures_util::future::LocalBoxFuture;
use lambda_runtime::tracing::subscriber::fmt::writer::BoxMakeWriter;

use crate::handler::{Driven, Handler};

/// The generated `main`: local mode when `AWS_LAMBDA_RUNTIME_API` is unset, otherwise init
/// and serve invocations through `lambda_runtime` until the sandbox goes away.
pub fn main<H: Handler>(handler: H) -> ExitCode {
    // Leaked: the handler lives as long as the process, and the driver takes it as `'static`.
    drive(Box::leak(Box::new(handler)))
}

fn drive(handler: &'static dyn Driven) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("lambda-contract: cannot start the tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_none() {
        init_tracing(BoxMakeWriter::new(std::io::stderr), None);
        let arguments: Vec<String> = std::env::args().skip(1).collect();
        return runtime.block_on(crate::local::run(handler, &arguments));
    }
    // A handler that cannot serve invocations at once says so itself, at start-up; the line
    // lambda_runtime's sequential loop would add blames a cargo feature, wrongly.
    let sequential_despite_slots =
        handler.concurrent().is_none() && crate::serve::max_concurrency() > 1;
    init_tracing(
        BoxMakeWriter::new(std::io::stdout),
        sequential_despite_slots.then_some("lambda_runtime::runtime=error"),
    );
    // Through a `dyn` future: its poll function is then compiled once, not copied into
    // each codegen unit that refers to it.
    let serve: LocalBoxFuture<'static, ExitCode> = Box::pin(crate::serve::serve(handler));
    runtime.block_on(serve)
}

/// Initialises tracing as `lambda_runtime::tracing::init_default_subscriber` does
/// (`AWS_LAMBDA_LOG_LEVEL`, else `RUST_LOG`, else INFO; JSON lines when
/// `AWS_LAMBDA_LOG_FORMAT=JSON`), with one difference: lambda_runtime's own line for a handler
/// error is off, because the contract has already logged that error once, with its context.
///
/// One writer type for both destinations, so the subscriber is instantiated once. `quiet`
/// is one more filter directive.
fn init_tracing(writer: BoxMakeWriter, quiet: Option<&str>) {
    use lambda_runtime::tracing::subscriber::filter::{EnvFilter, LevelFilter};
    use std::str::FromStr;

    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|level| LevelFilter::from_str(&level).ok())
        .unwrap_or(LevelFilter::INFO);
    let mut filter = EnvFilter::builder()
        .with_default_directive(level.into())
        .from_env_lossy();
    for directive in std::iter::once("lambda_runtime::layers::panic=off").chain(quiet) {
        if let Ok(directive) = directive.parse() {
            filter = filter.add_directive(directive);
        }
    }
    let collector = lambda_runtime::tracing::subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_env_filter(filter)
        .with_writer(writer);
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT")
        .is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    // `try_init`: a subscriber the user installed first wins.
    let _ = if json {
        collector.json().try_init()
    } else {
        collector.try_init()
    };
}
