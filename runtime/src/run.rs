//! One driver for every caller: init once, then for each event decode → call (under a
//! deadline, with panics caught) → encode, in Lambda (through `lambda_runtime`) and in local
//! mode alike.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::process::ExitCode;
use std::task::Poll;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::future::{BoxFuture, Either, LocalBoxFuture};
use futures_util::FutureExt;
use lambda_runtime::tracing::subscriber::fmt::writer::BoxMakeWriter;
use lambda_runtime::{Context, Diagnostic, Error, LambdaEvent};
use tokio::sync::OnceCell;

use crate::contract::{payload_text, Contract, Reply};

/// Time kept back from Lambda's own deadline so an abandoned handler's error still reaches
/// the Runtime API before the sandbox is frozen.
const DEADLINE_MARGIN: Duration = Duration::from_millis(25);

/// The glue the macros generate around one handler function: its caller's contract, its
/// `init`, its deadline and the function itself.
///
/// The macros build it as a function named after the handler with a `_lambda` suffix
/// (`#[connect_handler] async fn lookup(..)` gives `fn lookup_lambda() -> impl Handler`); the
/// generated `main` serves it, and [`crate::testing`] invokes it in-process.
pub trait Handler: 'static {
    #[doc(hidden)]
    type Event;

    /// The handler function's name, for the logs.
    fn name(&self) -> &'static str;

    /// Runs `init` if it has not run yet. The generated `main` calls it before serving;
    /// invocations call it too, so an in-process test needs no separate step.
    fn init(&self) -> impl Future<Output = Result<(), Error>>;

    #[doc(hidden)]
    fn parse(&self, text: &str) -> Result<Self::Event, crate::contract::DecodeError>;

    #[doc(hidden)]
    fn call(
        &self,
        payload: Result<Self::Event, crate::contract::DecodeError>,
        context: Context,
    ) -> impl Future<Output = Reply>;

    /// A process-level command handled in local mode instead of an invocation (such as
    /// `--openapi`); `None` for the ordinary event argument.
    #[doc(hidden)]
    fn local_command(&self, _argument: &str) -> Option<ExitCode> {
        None
    }

    /// The handler as one whose invocations may run several at once, on any thread; `None`
    /// when its future is not `Send` (see [`Concurrent`]).
    #[doc(hidden)]
    fn concurrent(&'static self) -> Option<&'static dyn Concurrent> {
        None
    }
}

/// A handler whose invocations can run several at once on a multi-threaded runtime, as Lambda
/// Managed Instances ask (`AWS_LAMBDA_MAX_CONCURRENCY` above 1): the glue is shared between
/// threads and each invocation's future is `Send`.
///
/// Whether a handler is one is decided where its concrete type is known, in the code the
/// macros generate ([`Probe`]): a handler whose future is not `Send` (it holds an `Rc` across
/// an `.await`, say) still compiles and serves one invocation at a time.
#[doc(hidden)]
pub trait Concurrent: Sync {
    /// Decodes the payload and returns the invocation's future, which may move between threads.
    fn invoke_send(&'static self, bytes: &[u8], context: Context) -> BoxFuture<'static, Reply>;
}

/// The object-safe face of a [`Handler`], all the driver needs: the lambda_runtime loop,
/// local mode and the tracing set-up take a `&dyn Driven`, so they are compiled once, in this
/// crate, rather than again in every handler's crate (and on every edit of its body).
///
/// An invocation costs one boxed future for it; the event is decoded before the box is made,
/// so the box holds the handler's own future and nothing beside it.
pub(crate) trait Driven {
    fn name(&self) -> &'static str;
    fn init(&self) -> LocalBoxFuture<'_, Result<(), Error>>;
    fn invoke(&self, bytes: &[u8], context: Context) -> LocalBoxFuture<'_, Reply>;
    fn local_command(&self, argument: &str) -> Option<ExitCode>;
    fn concurrent(&'static self) -> Option<&'static dyn Concurrent>;
}

impl<H: Handler> Driven for H {
    fn name(&self) -> &'static str {
        Handler::name(self)
    }

    fn init(&self) -> LocalBoxFuture<'_, Result<(), Error>> {
        Box::pin(Handler::init(self))
    }

    fn invoke(&self, bytes: &[u8], context: Context) -> LocalBoxFuture<'_, Reply> {
        let payload = payload_text(bytes).and_then(|text| self.parse(text));
        Box::pin(self.call(payload, context))
    }

    fn local_command(&self, argument: &str) -> Option<ExitCode> {
        Handler::local_command(self, argument)
    }

    fn concurrent(&'static self) -> Option<&'static dyn Concurrent> {
        Handler::concurrent(self)
    }
}

/// Something that produces the handler's shared state once: an `async fn() -> Result<S, E>`.
pub trait Init {
    /// The state handed to the handler as `&State`.
    type State: Send + Sync + 'static;
    /// Produces the state.
    fn init(&self) -> impl Future<Output = Result<Self::State, Error>>;
}

impl<F, Fut, S, E> Init for F
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<S, E>>,
    S: Send + Sync + 'static,
    E: Into<Error>,
{
    type State = S;
    fn init(&self) -> impl Future<Output = Result<S, Error>> {
        let future = self();
        async move { future.await.map_err(Into::into) }
    }
}

/// What the macros make of the function named by `init = path`, at that path: an
/// `async fn() -> Result<S, E>` becomes a [`BoxedInit<S>`].
///
/// The bound a wrong function fails is this trait's, reported once at the path with the
/// message below; the glue around it then takes the [`BoxedInit`], whose [`Init`] holds for
/// any state, so the failure is not reported again over the whole attribute.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`init` must be an `async fn() -> Result<T, E>`",
    label = "not an `async fn() -> Result<T, E>`",
    note = "`init = path` names an async fn run once, before the first invocation, whose `Ok(T)` is the state \
            the handler takes as `&T`: declare it `async fn ..() -> Result<T, E>`, where `T: Send + Sync + 'static` \
            and `E` is `lambda_contract::Error` or any `std::error::Error + Send + Sync + 'static`"
)]
pub trait InitFn<S> {
    /// The function, boxed as an [`Init`].
    fn boxed(self) -> BoxedInit<S>;
}

// `do_not_recommend`: a failure is reported as `InitFn`'s (what `init` must be), not as
// whichever of these bounds failed first (`Result<..>` is not a future, ..).
#[diagnostic::do_not_recommend]
impl<F, Fut, S, E> InitFn<S> for F
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<S, E>> + 'static,
    S: Send + Sync + 'static,
    E: Into<Error>,
{
    fn boxed(self) -> BoxedInit<S> {
        BoxedInit(Box::new(move || {
            let future = self();
            Box::pin(async move { future.await.map_err(Into::into) })
        }))
    }
}

/// A user's `init`, boxed by [`InitFn`]: its state type is all the glue needs to know. The box
/// costs one allocation and one indirect call, once per process.
#[doc(hidden)]
pub struct BoxedInit<S>(Box<dyn Fn() -> LocalBoxFuture<'static, Result<S, Error>>>);

impl<S: Send + Sync + 'static> Init for BoxedInit<S> {
    type State = S;
    fn init(&self) -> impl Future<Output = Result<S, Error>> {
        (self.0)()
    }
}

/// The `init` of a handler that declares none.
pub async fn no_init() -> Result<(), std::convert::Infallible> {
    Ok(())
}

/// The concrete [`Handler`] the macros build.
pub struct Lambda<C, I: Init, F> {
    name: &'static str,
    contract: C,
    init: I,
    state: OnceCell<&'static I::State>,
    function: F,
    timeout: Option<Duration>,
    concurrent: Option<AsConcurrent<Self>>,
}

/// How a [`Lambda`] whose invocations are `Send` is seen as [`Concurrent`]: found by a
/// [`Probe`] where the handler's concrete type is known.
type AsConcurrent<L> = fn(&L) -> &dyn Concurrent;

impl<C, I: Init, F> Lambda<C, I, F> {
    /// Assembles the glue; `timeout` is the caller's own limit, if it has one.
    pub fn new(
        name: &'static str,
        contract: C,
        init: I,
        timeout: Option<Duration>,
        function: F,
    ) -> Self {
        Lambda {
            name,
            contract,
            init,
            state: OnceCell::new(),
            function,
            timeout,
            concurrent: None,
        }
    }

    /// The same glue, told what its [`Probe`] found: whether its invocations may run several
    /// at once.
    pub fn probed(mut self, concurrent: Option<AsConcurrent<Self>>) -> Self {
        self.concurrent = concurrent;
        self
    }

    async fn state(&self) -> Result<&'static I::State, Error> {
        self.state
            .get_or_try_init(|| async {
                // Leaked on purpose: the state lives as long as the process, as in Lambda,
                // and a `'static` borrow lets the handler's future hold it freely.
                let state: &'static I::State = Box::leak(Box::new(self.init.init().await?));
                Ok(state)
            })
            .await
            .copied()
    }
}

impl<C, I, F, Fut> Handler for Lambda<C, I, F>
where
    C: Contract + 'static,
    I: Init + 'static,
    F: Fn(C::Input, &'static I::State, &Context) -> Fut + 'static,
    Fut: Future<Output = C::Output>,
{
    type Event = C::Event;

    fn name(&self) -> &'static str {
        self.name
    }

    async fn init(&self) -> Result<(), Error> {
        self.state().await.map(|_| ())
    }

    fn local_command(&self, argument: &str) -> Option<ExitCode> {
        self.contract.local_command(argument)
    }

    fn concurrent(&'static self) -> Option<&'static dyn Concurrent> {
        self.concurrent.map(|as_concurrent| as_concurrent(self))
    }

    fn parse(&self, text: &str) -> Result<C::Event, crate::contract::DecodeError> {
        self.contract.parse(text)
    }

    fn call(
        &self,
        payload: Result<C::Event, crate::contract::DecodeError>,
        context: Context,
    ) -> impl Future<Output = Reply> {
        // Decoding is synchronous, and so is calling the function once `init` has run: the
        // input moves straight from the decoder into the handler's future, and the future
        // returned holds it once.
        let (input, meta) = match self.contract.decode(payload, &context) {
            Ok(decoded) => decoded,
            Err(reply) => return Either::Left(std::future::ready(reply)),
        };
        if let Some(&state) = self.state.get() {
            let started = self.start(input, state, &context);
            return Either::Right(Either::Left(self.finish(started, meta, context)));
        }
        // The first invocation of a handler whose `init` has not run (in tests and local
        // mode; the Lambda loop runs `init` before serving): boxed, so the common future
        // above is not made as large as this one.
        let first: LocalBoxFuture<'_, Reply> = Box::pin(async move {
            let state = match self.state().await {
                Ok(state) => state,
                Err(error) => return Err(init_failed(self.name, &*error)),
            };
            let started = self.start(input, state, &context);
            self.finish(started, meta, context).await
        });
        Either::Right(Either::Right(first))
    }
}

impl<C, I, F, Fut> Lambda<C, I, F>
where
    C: Contract + 'static,
    I: Init + 'static,
    F: Fn(C::Input, &'static I::State, &Context) -> Fut + 'static,
    Fut: Future<Output = C::Output>,
{
    /// Calls the function, inside a panic capture: a panic before its first `.await` (in
    /// parameter extraction, say) is caught like one after.
    fn start(
        &self,
        input: C::Input,
        state: &'static I::State,
        context: &Context,
    ) -> std::thread::Result<Fut> {
        let function = &self.function;
        std::panic::catch_unwind(AssertUnwindSafe(|| function(input, state, context)))
    }

    /// Runs the handler's future under the deadline and the panic capture, and encodes what
    /// it came to.
    ///
    /// Built from combinators rather than an `async` block: a block would keep the handler's
    /// future twice over (once as a captured value, once pinned in its body), and every
    /// invocation's future would be that much larger to allocate and move.
    fn finish(
        &self,
        started: std::thread::Result<Fut>,
        meta: C::Meta,
        context: Context,
    ) -> impl Future<Output = Reply> + use<'_, C, I, F, Fut> {
        let lambda_deadline = context.deadline;
        // Of the context (some 400 bytes), the logs need only the request id from here on.
        let request_id = context.request_id;
        let call = match started {
            Ok(future) => AssertUnwindSafe(future).catch_unwind(),
            Err(panic) => {
                let reply = self
                    .contract
                    .panicked(&panic_message(&*panic), &meta, &request_id);
                return Either::Left(std::future::ready(reply));
            }
        };
        let call = Deadline::new(call, self.timeout, lambda_deadline);
        Either::Right(call.map(move |outcome| {
            match outcome {
                Ok(Ok(output)) => self.contract.encode(output, &meta, &request_id),
                Ok(Err(panic)) => {
                    self.contract
                        .panicked(&panic_message(&*panic), &meta, &request_id)
                }
                Err(limit) => self.contract.timed_out(limit, &meta, &request_id),
            }
        }))
    }
}

impl<C, I, F, Fut> Concurrent for Lambda<C, I, F>
where
    C: Contract + Sync + 'static,
    C::Meta: Send,
    I: Init + Sync + 'static,
    F: Fn(C::Input, &'static I::State, &Context) -> Fut + Sync + 'static,
    Fut: Future<Output = C::Output> + Send + 'static,
{
    fn invoke_send(&'static self, bytes: &[u8], context: Context) -> BoxFuture<'static, Reply> {
        let payload = payload_text(bytes).and_then(|text| self.contract.parse(text));
        let (input, meta) = match self.contract.decode(payload, &context) {
            Ok(decoded) => decoded,
            Err(reply) => return Box::pin(std::future::ready(reply)),
        };
        // The loop runs `init` before it serves anything, so the state is there.
        let Some(&state) = self.state.get() else {
            return Box::pin(std::future::ready(Err(Diagnostic {
                error_type: "InitNotRun".to_owned(),
                error_message: format!("`{}` was invoked before its init ran", self.name),
            })));
        };
        let started = self.start(input, state, &context);
        Box::pin(self.finish(started, meta, context))
    }
}

/// Finds out, where a handler's concrete type is known (in the code the macros generate),
/// whether it is [`Concurrent`]: `(&&Probe::of(&lambda)).concurrent()` is `Some` when it is
/// and `None` when it is not, without failing to compile in either case (method resolution
/// tries the `&Probe` impl, which needs the bound, before the `Probe` one, which does not).
#[doc(hidden)]
pub struct Probe<L>(std::marker::PhantomData<fn() -> L>);

impl<L> Probe<L> {
    /// The probe of `lambda`'s type.
    pub fn of(_lambda: &L) -> Self {
        Probe(std::marker::PhantomData)
    }
}

/// The [`Probe`] of a [`Concurrent`] handler.
#[doc(hidden)]
pub trait ProbeConcurrent<L> {
    /// `Some`: the handler is concurrent.
    fn concurrent(&self) -> Option<AsConcurrent<L>>;
}

impl<L: Concurrent + 'static> ProbeConcurrent<L> for &Probe<L> {
    fn concurrent(&self) -> Option<AsConcurrent<L>> {
        Some(|lambda| lambda)
    }
}

/// The [`Probe`] of any other handler.
#[doc(hidden)]
pub trait ProbeSequential<L> {
    /// `None`: the handler serves one invocation at a time.
    fn concurrent(&self) -> Option<AsConcurrent<L>>;
}

impl<L> ProbeSequential<L> for Probe<L> {
    fn concurrent(&self) -> Option<AsConcurrent<L>> {
        None
    }
}

pin_project_lite::pin_project! {
    /// A handler's future under its deadline: the caller's own limit, counted from the call,
    /// or what Lambda has left, whichever comes first. Resolves to `Err(limit)` when the
    /// deadline passes first, and the handler's future is then dropped (abandoned).
    ///
    /// The timer is made when the handler first waits: a handler that answers from its first
    /// poll (a cache hit, a validation error) costs one clock read and no timer. The handler
    /// cannot be stopped in the middle of a poll in any case, so this changes nothing else.
    struct Deadline<Fut> {
        #[pin]
        future: Fut,
        started: tokio::time::Instant,
        timeout: Option<Duration>,
        lambda_deadline: u64,
        timer: Timer,
    }
}

enum Timer {
    /// The handler has not waited yet.
    Unarmed,
    /// Neither limit applies.
    None,
    /// The sleep, and the whole time the handler was given.
    Armed(Pin<Box<tokio::time::Sleep>>, Duration),
}

impl<Fut> Deadline<Fut> {
    fn new(future: Fut, timeout: Option<Duration>, lambda_deadline: u64) -> Self {
        Deadline {
            future,
            started: tokio::time::Instant::now(),
            timeout,
            lambda_deadline,
            timer: Timer::Unarmed,
        }
    }
}

impl<Fut: Future> Future for Deadline<Fut> {
    type Output = Result<Fut::Output, Duration>;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        if let Timer::Unarmed = this.timer {
            let now = tokio::time::Instant::now();
            let spent = now.saturating_duration_since(*this.started);
            *this.timer = match given(*this.timeout, spent, *this.lambda_deadline) {
                Some(given) => {
                    let at = *this.started + given;
                    Timer::Armed(Box::pin(tokio::time::sleep_until(at)), given)
                }
                None => Timer::None,
            };
        }
        if let Timer::Armed(sleep, limit) = this.timer {
            if sleep.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Err(*limit));
            }
        }
        Poll::Pending
    }
}

fn init_failed(name: &str, error: &(dyn std::error::Error + Send + Sync + 'static)) -> Diagnostic {
    tracing::error!(handler = name, error = %error, source_chain = crate::error_sources(error), "init failed");
    init_diagnostic(name, error)
}

fn init_diagnostic(
    name: &str,
    error: &(dyn std::error::Error + Send + Sync + 'static),
) -> Diagnostic {
    Diagnostic {
        error_type: "InitFailed".to_owned(),
        error_message: format!("init of `{name}` failed: {error}"),
    }
}

/// Tells the Runtime API why init failed (`/runtime/init/error`), so Lambda reports the
/// cause rather than only an exited runtime. Best effort: the process exits either way.
async fn report_init_error(diagnostic: &Diagnostic) {
    use lambda_runtime_api_client::{body::Body, build_request, PooledClient};

    let request = serde_json::to_vec(diagnostic)
        .map_err(Error::from)
        .and_then(|body| {
            build_request()
                .method(http::Method::POST)
                .uri("/2018-06-01/runtime/init/error")
                .header("lambda-runtime-function-error-type", "Runtime.InitError")
                .body(Body::from(body))
                .map_err(Error::from)
        });
    let result = match request {
        Ok(request) => PooledClient::builder()
            .build()
            .call(request)
            .await
            .map(|_| ()),
        Err(error) => Err(error),
    };
    if let Err(error) = result {
        tracing::error!(error = %error, "could not report the init error to the Runtime API");
    }
}

/// The whole time a handler is given, counted from its call, once `spent` has passed: the
/// caller's own limit, or the time spent plus what Lambda has left before `lambda_deadline`
/// (ms since the Unix epoch, 0 for none; less a margin to report the timeout), whichever is
/// shorter. `None` when neither applies.
pub(crate) fn given(
    timeout: Option<Duration>,
    spent: Duration,
    lambda_deadline: u64,
) -> Option<Duration> {
    let lambda_left = (lambda_deadline > 0).then(|| {
        let deadline = UNIX_EPOCH + Duration::from_millis(lambda_deadline);
        deadline
            .duration_since(SystemTime::now())
            .unwrap_or_default()
            .saturating_sub(DEADLINE_MARGIN)
    });
    match (timeout, lambda_left.map(|left| spent + left)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The text of a panic payload (`panic!` with a literal or with a format string).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "a non-string panic payload".to_owned()
    }
}

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
    let sequential_despite_slots = handler.concurrent().is_none() && max_concurrency() > 1;
    init_tracing(
        BoxMakeWriter::new(std::io::stdout),
        sequential_despite_slots.then_some("lambda_runtime::runtime=error"),
    );
    // Through a `dyn` future: its poll function is then compiled once, not copied into
    // each codegen unit that refers to it.
    let serve: LocalBoxFuture<'static, ExitCode> = Box::pin(serve(handler));
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

async fn serve(handler: &'static dyn Driven) -> ExitCode {
    if let Err(error) = handler.init().await {
        tracing::error!(handler = handler.name(), error = %error, source_chain = crate::error_sources(&*error), "init failed; exiting");
        report_init_error(&init_diagnostic(handler.name(), &*error)).await;
        return ExitCode::FAILURE;
    }
    let slots = max_concurrency();
    let result = match handler.concurrent() {
        Some(concurrent) if slots > 1 => serve_concurrently(concurrent).await,
        _ => {
            if slots > 1 {
                tracing::warn!(
                    handler = handler.name(),
                    max_concurrency = slots,
                    "`{}` serves one invocation at a time although AWS_LAMBDA_MAX_CONCURRENCY is {slots}: \
                     its future is not `Send` (it holds a value that is not `Send`, such as an `Rc` or a \
                     `RefCell` guard, across an `.await`), so its invocations cannot run on several threads \
                     at once",
                    handler.name()
                );
            }
            serve_sequentially(handler).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "the Lambda runtime loop stopped");
            ExitCode::FAILURE
        }
    }
}

/// How many invocations the execution environment hands out at once: Lambda Managed
/// Instances set `AWS_LAMBDA_MAX_CONCURRENCY`; on-demand Lambda sets nothing (one at a time).
/// A value that is not a positive number counts as 1, as lambda_runtime reads it.
fn max_concurrency() -> u32 {
    std::env::var("AWS_LAMBDA_MAX_CONCURRENCY")
        .ok()
        .and_then(|value| value.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

/// lambda_runtime's sequential loop, as `lambda_runtime::run` builds it, with the hand-off
/// layer inside its tracing span. The handler's own (boxed) future is returned, so the event
/// is not kept a second time beside it.
async fn serve_sequentially(handler: &'static dyn Driven) -> Result<(), Error> {
    let service = lambda_runtime::service_fn(move |event: LambdaEvent<handoff::Placeholder>| {
        let (_, context) = event.into_parts();
        handoff::invoke(handler, context)
    });
    lambda_runtime::Runtime::new(service)
        .layer(handoff::Layer)
        .layer(lambda_runtime::layers::TracingLayer::new())
        .run()
        .await
}

/// lambda_runtime's concurrent loop (`run_concurrent`): one `/next` poll per slot, each
/// invocation a task of its own, under its own span, deadline and panic capture.
async fn serve_concurrently(handler: &'static dyn Concurrent) -> Result<(), Error> {
    let service = lambda_runtime::service_fn(move |event: LambdaEvent<handoff::Placeholder>| {
        let (_, context) = event.into_parts();
        handoff::invoke_send(handler, context)
    });
    lambda_runtime::Runtime::new(service)
        .layer(handoff::Layer)
        .layer(lambda_runtime::layers::TracingLayer::new())
        .run_concurrent()
        .await
}

/// Hands an invocation's raw bytes to the glue, past lambda_runtime's own deserializer.
///
/// lambda_runtime decodes the payload with serde_json's byte-slice reader under
/// `serde_path_to_error`: every string is checked to be UTF-8 on its own and every key is
/// recorded as a path segment, which for a 2 KB Connect contact costs more instructions than
/// the whole glue. The glue decodes the bytes itself (UTF-8 checked once by
/// [`payload_text`], then parsed by the contract, no path tracked), so the layer below
/// lambda_runtime's tracing span takes the body out of each invocation and leaves `null` in
/// its place, which lambda_runtime decodes as a [`handoff::Placeholder`] at no cost.
///
/// lambda_runtime calls the handler's `call` synchronously from inside the layer's own
/// `call`, on the same thread, so a thread-local slot carries the bytes across; the slot is
/// emptied when the layer's `call` returns, whatever happened inside.
///
/// This holds under `run_concurrent` too: each slot's loop calls the layer stack from its own
/// task, and every layer between this one and the handler (`RuntimeApiClientService`,
/// `RuntimeApiResponseService`, `CatchPanicService`, `service_fn`) calls the next one inside
/// its own `call`, before returning a future. Nothing in that chain awaits, so no other task
/// can run on the thread between the layer filling the slot and the handler emptying it: the
/// slot is only ever seen by the invocation that filled it. A unit test runs the layer from
/// several threads at once.
mod handoff {
    use std::cell::RefCell;
    use std::task::{Context, Poll};

    use bytes::Bytes;
    use futures_util::future::{BoxFuture, LocalBoxFuture};
    use lambda_runtime::tower::Service;
    use lambda_runtime::{Diagnostic, LambdaInvocation};
    use serde::de::{Deserializer, IgnoredAny};
    use serde::Deserialize;

    use super::{Concurrent, Driven};
    use crate::contract::Reply;

    thread_local! {
        static BODY: RefCell<Option<Bytes>> = const { RefCell::new(None) };
    }

    /// What lambda_runtime decodes in place of the event: the `null` the layer leaves.
    pub(super) struct Placeholder;

    impl<'de> Deserialize<'de> for Placeholder {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            IgnoredAny::deserialize(deserializer).map(|_| Placeholder)
        }
    }

    /// Invokes the handler on the bytes the layer took out of the current invocation.
    pub(super) fn invoke(
        handler: &'static dyn Driven,
        context: lambda_runtime::Context,
    ) -> LocalBoxFuture<'static, Reply> {
        match take() {
            Some(bytes) => handler.invoke(&bytes, context),
            None => Box::pin(std::future::ready(Err(not_received()))),
        }
    }

    /// [`invoke`] for a [`Concurrent`] handler: the future may move between threads.
    pub(super) fn invoke_send(
        handler: &'static dyn Concurrent,
        context: lambda_runtime::Context,
    ) -> BoxFuture<'static, Reply> {
        match take() {
            Some(bytes) => handler.invoke_send(&bytes, context),
            None => Box::pin(std::future::ready(Err(not_received()))),
        }
    }

    fn not_received() -> Diagnostic {
        Diagnostic {
            error_type: "PayloadNotReceived".to_owned(),
            error_message: NOT_RECEIVED.to_owned(),
        }
    }

    const NOT_RECEIVED: &str = "lambda-contract did not receive the invocation's payload from \
                                lambda_runtime (its hand-off layer is not in place); the handler \
                                was not called";

    /// The bytes the layer took out of the current invocation, if any.
    pub(super) fn take() -> Option<Bytes> {
        BODY.with(|body| body.borrow_mut().take())
    }

    #[derive(Clone, Copy)]
    pub(super) struct Layer;

    impl<S> lambda_runtime::tower::Layer<S> for Layer {
        type Service = TakeBody<S>;
        fn layer(&self, inner: S) -> TakeBody<S> {
            TakeBody { inner }
        }
    }

    #[derive(Clone)]
    pub(super) struct TakeBody<S> {
        inner: S,
    }

    impl<S: Service<LambdaInvocation>> Service<LambdaInvocation> for TakeBody<S> {
        type Response = S::Response;
        type Error = S::Error;
        type Future = S::Future;

        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
            self.inner.poll_ready(cx)
        }

        fn call(&mut self, mut invocation: LambdaInvocation) -> S::Future {
            let body = std::mem::replace(&mut invocation.body, Bytes::from_static(b"null"));
            // lambda_runtime's own trace of the raw event now sees `null`: keep it here.
            tracing::trace!(body = %String::from_utf8_lossy(&body), "raw JSON event received from Lambda");
            BODY.with(|slot| *slot.borrow_mut() = Some(body));
            let future = self.inner.call(invocation);
            // Normally taken already; never left for the next invocation.
            BODY.with(|slot| slot.borrow_mut().take());
            future
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_takes_the_shorter_limit() {
        let mut context = Context::default();
        assert_eq!(given(None, Duration::ZERO, context.deadline), None);
        assert_eq!(
            given(
                Some(Duration::from_millis(8000)),
                Duration::ZERO,
                context.deadline
            ),
            Some(Duration::from_millis(8000))
        );

        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        context.deadline = (now + Duration::from_secs(2)).as_millis() as u64;
        let left = given(
            Some(Duration::from_millis(8000)),
            Duration::ZERO,
            context.deadline,
        )
        .unwrap();
        assert!(
            left < Duration::from_secs(2) && left > Duration::from_millis(1500),
            "{left:?}"
        );
        assert_eq!(
            given(
                Some(Duration::from_millis(10)),
                Duration::ZERO,
                context.deadline
            ),
            Some(Duration::from_millis(10))
        );

        context.deadline = 1; // long past
        assert_eq!(
            given(None, Duration::ZERO, context.deadline),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn the_handoff_layer_carries_the_body_to_the_handler_and_leaves_null() {
        use lambda_runtime::tower::{service_fn, Layer, Service};
        use lambda_runtime::LambdaInvocation;

        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let record = seen.clone();
        let inner = service_fn(move |invocation: LambdaInvocation| {
            record
                .borrow_mut()
                .push((invocation.body.clone(), handoff::take()));
            std::future::ready(Ok::<(), lambda_runtime::Error>(()))
        });
        let mut service = handoff::Layer.layer(inner);
        let invocation = |body: &'static [u8]| LambdaInvocation {
            parts: http::Response::new(()).into_parts().0,
            body: body.into(),
            context: Context::default(),
        };
        drop(service.call(invocation(br#"{"a": 1}"#)));
        drop(service.call(invocation(b"not json")));

        let seen = seen.borrow();
        assert_eq!(&seen[0].0[..], b"null", "lambda_runtime decodes `null`");
        assert_eq!(seen[0].1.as_deref(), Some(&br#"{"a": 1}"#[..]));
        assert_eq!(&seen[1].0[..], b"null");
        assert_eq!(seen[1].1.as_deref(), Some(&b"not json"[..]));
        // Nothing is left behind by an invocation that did not take it (lambda_runtime
        // answered it itself, say).
        let mut ignoring = handoff::Layer.layer(service_fn(|_: LambdaInvocation| {
            std::future::ready(Ok::<(), lambda_runtime::Error>(()))
        }));
        drop(ignoring.call(invocation(br#"{"b": 2}"#)));
        assert_eq!(handoff::take(), None);
    }

    #[test]
    fn the_handoff_slot_is_only_seen_by_the_invocation_that_filled_it_on_many_threads() {
        use lambda_runtime::tower::{service_fn, Layer, Service};
        use lambda_runtime::LambdaInvocation;

        // As under `run_concurrent`: one layer stack per worker, the workers on threads of
        // their own, each invocation's handler reading the slot from inside the layer's call.
        let workers: Vec<_> = (0..8)
            .map(|worker| {
                std::thread::spawn(move || {
                    let mut service =
                        handoff::Layer.layer(service_fn(|invocation: LambdaInvocation| {
                            let body = handoff::take();
                            std::future::ready(Ok::<_, lambda_runtime::Error>((
                                invocation.context.request_id,
                                body,
                            )))
                        }));
                    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
                    for n in 0..2_000 {
                        let mut context = Context::default();
                        context.request_id = format!("{worker}-{n}");
                        let body = bytes::Bytes::from(format!("{worker}-{n}"));
                        let invocation = LambdaInvocation {
                            parts: http::Response::new(()).into_parts().0,
                            body,
                            context,
                        };
                        let mut future = std::pin::pin!(service.call(invocation));
                        let Poll::Ready(Ok((id, body))) = future.as_mut().poll(&mut cx) else {
                            panic!("the service answers at once");
                        };
                        assert_eq!(
                            body.as_deref(),
                            Some(id.as_bytes()),
                            "another invocation's bytes"
                        );
                        assert_eq!(handoff::take(), None, "nothing left behind");
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("no worker saw another's bytes");
        }
    }

    #[tokio::test]
    async fn a_boxed_init_runs_the_function_each_time_and_keeps_its_error() {
        async fn counting() -> Result<u32, std::io::Error> {
            use std::sync::atomic::{AtomicU32, Ordering};
            static CALLS: AtomicU32 = AtomicU32::new(0);
            Ok(CALLS.fetch_add(1, Ordering::SeqCst) + 1)
        }
        async fn failing() -> Result<u32, std::io::Error> {
            Err(std::io::Error::other("no database"))
        }

        let init = InitFn::boxed(counting);
        assert_eq!(init.init().await.unwrap(), 1);
        assert_eq!(init.init().await.unwrap(), 2);
        let error = InitFn::boxed(failing).init().await.unwrap_err();
        assert_eq!(error.to_string(), "no database");
    }

    #[tokio::test]
    async fn an_answer_from_the_first_poll_makes_no_timer() {
        let mut call = std::pin::pin!(Deadline::new(
            std::future::ready(7),
            Some(Duration::from_millis(1)),
            0
        ));
        assert_eq!(call.as_mut().await, Ok(7));
        assert!(matches!(call.timer, Timer::Unarmed));
    }

    #[tokio::test]
    async fn a_handler_that_waits_past_its_limit_is_abandoned_with_it() {
        let started = std::time::Instant::now();
        let outcome = Deadline::new(
            std::future::pending::<()>(),
            Some(Duration::from_millis(30)),
            0,
        )
        .await;
        assert_eq!(outcome, Err(Duration::from_millis(30)));
        assert!(started.elapsed() >= Duration::from_millis(30));
    }

    #[tokio::test]
    async fn the_limit_counts_from_the_call_not_from_the_first_wait() {
        // 20 ms of work in the first poll, then a wait: the timer still ends 30 ms after the call.
        let busy_then_wait = std::future::poll_fn(|_| {
            std::thread::sleep(Duration::from_millis(20));
            Poll::<()>::Pending
        });
        let mut call = std::pin::pin!(Deadline::new(
            busy_then_wait,
            Some(Duration::from_millis(30)),
            0
        ));
        let started = call.started;
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(call.as_mut().poll(&mut cx).is_pending());
        match &call.timer {
            Timer::Armed(sleep, given) => {
                assert_eq!(sleep.deadline(), started + Duration::from_millis(30));
                assert_eq!(*given, Duration::from_millis(30));
            }
            _ => panic!("the first wait arms the timer"),
        }
    }

    #[tokio::test]
    async fn lambdas_own_deadline_bounds_a_handler_without_a_limit() {
        let soon = SystemTime::now() + DEADLINE_MARGIN + Duration::from_millis(40);
        let lambda_deadline = soon.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
        let outcome = Deadline::new(std::future::pending::<()>(), None, lambda_deadline).await;
        let limit = outcome.unwrap_err();
        assert!(limit <= Duration::from_millis(40), "{limit:?}");
        let mut call = std::pin::pin!(Deadline::new(std::future::pending::<()>(), None, 0));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(call.as_mut().poll(&mut cx).is_pending());
        assert!(matches!(call.timer, Timer::None), "no limit, no timer");
    }

    #[test]
    fn panic_messages_are_read_from_both_payload_kinds() {
        let literal = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
        assert_eq!(panic_message(&*literal), "boom");
        let formatted = std::panic::catch_unwind(|| panic!("boom {}", 7)).unwrap_err();
        assert_eq!(panic_message(&*formatted), "boom 7");
        let other = std::panic::catch_unwind(|| std::panic::panic_any(7_u8)).unwrap_err();
        assert_eq!(panic_message(&*other), "a non-string panic payload");
    }
}
