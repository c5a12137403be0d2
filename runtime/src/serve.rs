//! The Lambda loop: `init` once, then lambda_runtime's loop, sequential or, on Lambda Managed
//! Instances (`AWS_LAMBDA_MAX_CONCURRENCY` above 1), concurrent; a failing `init` is reported
//! to the Runtime API.

use lambda_runtime::{Diagnostic, Error, LambdaEvent};
use std::process::ExitCode;

use crate::handler::{init_diagnostic, Concurrent, Driven};

pub(crate) async fn serve(handler: &'static dyn Driven) -> ExitCode {
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
pub(crate) fn max_concurrency() -> u32 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use std::future::Future;
    use std::task::Poll;

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
}
