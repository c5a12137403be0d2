//! The glue around one handler function: the [`Handler`] the macros build (its caller's
//! contract, its `init`, its deadline and the function), the object-safe face the drivers
//! take, and the probe that tells whether its invocations may run several at once.
//!
//! The drivers ([`crate::serve`], [`crate::local`], [`crate::testing`]) depend on this module
//! and on nothing of each other.

use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use futures_util::future::{BoxFuture, Either, LocalBoxFuture};
use futures_util::FutureExt;
use lambda_runtime::{Context, Diagnostic, Error};
use tokio::sync::OnceCell;

use crate::contract::{payload_text, Contract, Reply};
use crate::deadline::{guarded, Called};

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
    F: Fn() -> Fut + Send + Sync + 'static,
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
/// costs one allocation and one indirect call, once per process. It is `Send + Sync` (a
/// function item is), so a handler with an `init` can serve invocations at once; its future
/// need not be `Send`: `init` runs once, before the loop starts.
#[doc(hidden)]
pub struct BoxedInit<S>(Box<InitBox<S>>);

type InitBox<S> = dyn Fn() -> LocalBoxFuture<'static, Result<S, Error>> + Send + Sync;

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
            return Either::Right(Either::Left(self.call_once(input, state, meta, context)));
        }
        // The first invocation of a handler whose `init` has not run (in tests and local
        // mode; the Lambda loop runs `init` before serving): boxed, so the common future
        // above is not made as large as this one.
        let first: LocalBoxFuture<'_, Reply> = Box::pin(async move {
            let state = match self.state().await {
                Ok(state) => state,
                Err(error) => return Err(init_failed(self.name, &*error)),
            };
            self.call_once(input, state, meta, context).await
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
    /// Calls the function under the deadline and the panic capture ([`guarded`]) and encodes
    /// what it came to. Of the context (some 400 bytes), the future keeps only the request id.
    fn call_once(
        &self,
        input: C::Input,
        state: &'static I::State,
        meta: C::Meta,
        context: Context,
    ) -> impl Future<Output = Reply> + use<'_, C, I, F, Fut> {
        let function = &self.function;
        let call = guarded(
            || function(input, state, &context),
            self.timeout,
            context.deadline,
        );
        let request_id = context.request_id;
        call.map(move |called| match called {
            Called::Returned(output) => self.contract.encode(output, &meta, &request_id),
            Called::Panicked(message) => self.contract.panicked(&message, &meta, &request_id),
            Called::TimedOut(limit) => self.contract.timed_out(limit, &meta, &request_id),
        })
    }
}

impl<C, I, F, Fut> Concurrent for Lambda<C, I, F>
where
    C: Contract + Sync + 'static,
    C::Meta: Send,
    C::Output: Send,
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
        Box::pin(self.call_once(input, state, meta, context))
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

pub(crate) fn init_failed(
    name: &str,
    error: &(dyn std::error::Error + Send + Sync + 'static),
) -> Diagnostic {
    tracing::error!(handler = name, error = %error, source_chain = crate::error_sources(error), "init failed");
    init_diagnostic(name, error)
}

pub(crate) fn init_diagnostic(
    name: &str,
    error: &(dyn std::error::Error + Send + Sync + 'static),
) -> Diagnostic {
    Diagnostic {
        error_type: "InitFailed".to_owned(),
        error_message: format!("init of `{name}` failed: {error}"),
    }
}

/// The context of an invocation outside Lambda (local mode, [`crate::testing`]): a fixed
/// request id, no Lambda deadline.
pub(crate) fn local_context() -> Context {
    let mut context = Context::default();
    context.request_id = "local-invocation".to_owned();
    context
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_boxed_init_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>(_: &T) {}
        async fn state() -> Result<u32, std::io::Error> {
            Ok(7)
        }
        shared(&InitFn::boxed(state));
    }
}
