//! # lambda-contract
//!
//! AWS Lambda handlers that tell their callers the truth.
//!
//! An Amazon Connect Lambda that returns `{"statusCode": 500}` is a success to Connect: no
//! alarm fires and the contact flow has to rediscover the failure. An API Gateway Lambda whose
//! error escapes, or whose response lacks a proper envelope, gives the client a 502 or a false
//! 200 while dashboards stay green. Each caller has a contract; the attribute macros of this
//! crate generate the `lambda_runtime` glue that honours it, and turn the usual mistakes into
//! compile errors that say what to write instead.
//!
//! - [`connect_handler`] and [`ConnectResponse`]: Amazon Connect's "Invoke AWS Lambda function"
//!   block ([`connect`]).
//! - [`apigw_proxy`]: API Gateway and ALB proxy integrations ([`apigw`]).
//! - [`apigw_custom`]: API Gateway REST API custom (non-proxy) integrations, with the
//!   integration responses generated from the code ([`apigw::custom`]).
//! - [`testing`]: run a handler's whole glue in-process, JSON in and JSON out.
//!
//! Every generated binary also has a **local mode**: with `AWS_LAMBDA_RUNTIME_API` unset it
//! runs one invocation on the event in the file named by its first argument (or stdin, or
//! `-`), prints what Lambda would receive on stdout and exits 0 (a response), 1 (an invocation
//! error) or 2 (input that cannot be read or is not JSON). Logs go to stderr.

#![warn(missing_docs)]

pub mod apigw;
pub mod connect;
mod contract;
mod deadline;
mod entry;
mod glue;
mod handler;
mod local;
mod serve;
#[cfg(test)]
mod test_logs;
pub mod testing;

pub use handler::{Handler, Init};
pub use lambda_runtime::{Context, Diagnostic, Error};

/// Turns an async function into an Amazon Connect Lambda: generates the binary's `main` and
/// the glue that honours Connect's contract.
///
/// ```no_run
/// use lambda_contract::connect::ConnectEvent;
/// use lambda_contract::{connect_handler, ConnectResponse, Error};
/// use serde::Serialize;
///
/// #[derive(Serialize, ConnectResponse)]
/// #[serde(rename_all = "camelCase")]
/// struct Account {
///     account_id: String,
///     tier: String,
/// }
///
/// #[connect_handler]
/// async fn lookup(event: ConnectEvent) -> Result<Option<Account>, Error> {
///     let phone = event.parameter("phone")?;
///     Ok((phone == "+15555550100").then(|| Account { account_id: "a-1".into(), tier: "gold".into() }))
/// }
/// ```
///
/// # What the glue does
/// - `Ok(value)` is sent as the object the flow reads under `$.External` (see
///   [`ConnectResponse`]): `Option<T>` adds the `found` flag.
/// - `Err(error)` is logged once (the error, its source chain, the `ContactId` and the
///   request id) and returned to Lambda as an invocation error, so the contact takes the
///   block's Error branch and Lambda's error metrics count it.
/// - A payload that is not a Connect event, a panic, a response of 32 KB or more, and a
///   handler still running at its deadline are invocation errors too, each saying what
///   happened.
///
/// # Parameters
/// The event comes first: `event: ConnectEvent`. It may be followed by, in either order:
/// - `&S`, the state produced once by `init` (requires `init = path`);
/// - `lambda_contract::Context`, the Lambda context.
///
/// So `(event)`, `(event, &S)`, `(event, Context)`, `(event, &S, Context)` and
/// `(event, Context, &S)` are accepted.
///
/// # Arguments
/// - `init = path`: an `async fn() -> Result<S, E>` run once before the first invocation
///   (SDK clients, configuration). If it fails, the error is logged and the process exits
///   non-zero.
/// - `timeout_ms = N`: how long the handler may run, 1 to 8000 (a synchronous flow block waits
///   at most 8 seconds); default 8000. Lambda's own remaining time applies too, if shorter.
/// - `asynchronous`: for a flow block whose execution mode is Asynchronous; `timeout_ms` may
///   then be up to 60000, and defaults to it.
///
/// Both limits are checked at compile time: `timeout_ms = 8001` does not compile without
/// `asynchronous`, nor `timeout_ms = 60001` with it.
///
/// # Synchronous or asynchronous
/// The "Invoke AWS Lambda function" block's execution mode says how long the contact waits,
/// and so which limit applies; set `timeout_ms` to the block's Timeout.
/// - **Synchronous** (the default): the contact stays on the block until the function answers
///   or the Timeout (at most 8 seconds) passes, and the next block reads the answer under
///   `$.External`. Use it for what the very next block needs and a dependency answers fast:
///   an account looked up by phone number, a routing decision.
/// - **Asynchronous** (`#[connect_handler(asynchronous, timeout_ms = 30000)]`): the contact
///   moves on at once (it can hear a prompt, or wait in a Wait block), while the function
///   runs for up to 60 seconds. A later AWS Lambda function block, with the action "Load
///   Lambda result" and the invocation id `$.LambdaInvocation.InvocationId`, reads the same
///   answer under `$.External`. Use it for slow work the contact need not wait on in
///   silence: a payment, a call to a slow back end, a generated summary.
///
/// The answer's contract is the same in both modes: a success is the response object, a
/// failure an invocation error, never a returned `statusCode`. Give the Lambda function a
/// timeout at least as long as `timeout_ms`.
///
/// # Generated items
/// Beside the function, which stays exactly as written (call it from unit tests with a typed
/// event), the macro generates `main` and `<name>_lambda()`, the whole glue, which
/// [`testing::invoke`] runs in-process.
pub use lambda_contract_macros::connect_handler;

pub use connect::ConnectResponse;
/// Turns an async function into an API Gateway (REST payload 1.0, HTTP API payload 2.0,
/// function URL) or ALB proxy-integration Lambda: generates the binary's `main` and the glue
/// that answers every request with a well-formed envelope whose status tells the truth.
///
/// ```no_run
/// use lambda_contract::apigw::{ApiError, Json, Path, StatusCode};
/// use lambda_contract::apigw_proxy;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Deserialize)]
/// struct UserPath { id: u32 }
///
/// #[derive(Serialize)]
/// struct User { id: u32, name: String }
///
/// #[apigw_proxy]
/// async fn get_user(Path(path): Path<UserPath>) -> Result<(StatusCode, Json<User>), ApiError> {
///     if path.id != 7 {
///         return Err(ApiError::not_found(format!("no user {}", path.id)));
///     }
///     Ok((StatusCode::OK, Json(User { id: 7, name: "Ada".into() })))
/// }
/// ```
///
/// # Parameters
/// Extractors, in axum's manner and in any order: `Path<T>`, `Query<T>`,
/// `lambda_contract::Context`, `&S` (the state `init` returns), and, last, at most one
/// parameter that consumes the request: `Json<T>` or [`apigw::Request`] itself. A request an
/// extractor rejects never reaches the handler: malformed JSON is a 400, JSON of the wrong
/// shape a 422, a missing or non-JSON content type a 415, a query that does not deserialize a
/// 400, a path parameter the route does not provide a 500.
///
/// # Return type
/// A response ([`apigw::IntoResponse`]: `Json<T>`, `(StatusCode, R)`, `StatusCode`, `String`,
/// `&'static str`, `()`, [`apigw::Binary`], [`apigw::Response`], or `impl IntoResponse`), or
/// `Result<R, E>` where `E` is [`apigw::ApiError`] or any `std::error::Error` (a 500 whose
/// text is logged, never sent).
///
/// # Arguments
/// - `init = path`: an `async fn() -> Result<S, E>` run once before the first invocation.
///
/// # Generated items
/// As for [`connect_handler`]: the function unchanged, `main`, and `<name>_lambda()`.
pub use lambda_contract_macros::apigw_proxy;

/// Turns an async function into an API Gateway REST API Lambda behind a *custom* (non-proxy)
/// integration: generates the binary's `main`, the glue that marks every failure with its
/// status, and `--openapi`, which prints the integration responses that map those markers, so
/// the code is the one source of truth and no failure reaches the client as 200.
///
/// ```no_run
/// use lambda_contract::apigw::ApiError;
/// use lambda_contract::apigw_custom;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Deserialize)]
/// struct GetUser { id: String }
///
/// #[derive(Serialize)]
/// struct User { id: String, name: String }
///
/// #[apigw_custom(errors(404))]
/// async fn get_user(input: GetUser) -> Result<User, ApiError> {
///     if input.id != "ada" {
///         return Err(ApiError::not_found(format!("no user {}", input.id)));
///     }
///     Ok(User { id: input.id, name: "Ada".into() })
/// }
/// ```
///
/// # What the glue does
/// - The input is the JSON the integration's request mapping template produces, any
///   `T: serde::Deserialize`. One that does not deserialize is a 400 (the client's input):
///   400 is always mapped.
/// - `Ok(value)` (`value: serde::Serialize`) is returned as plain JSON, which the default
///   integration response passes to the client as 200.
/// - `Err(ApiError)` with a declared status is an invocation error whose `errorMessage` is
///   `[404] ` followed by the RFC 9457 problem the client receives (`{"type", "title",
///   "status", "detail", "requestId"}`, `requestId` being Lambda's), and whose `errorType` is
///   `Http404` ([`apigw::custom::error_type`]).
/// - An undeclared status, an error that is not an `ApiError` (any `std::error::Error`,
///   `lambda_contract::Error`), a panic, and an `Ok` value that cannot be serialized or is over
///   6 MB are `[500]` with a generic problem; their text is logged once, with the request id.
///   A handler still running at Lambda's deadline is `[504]`. (Headers set with
///   [`apigw::ApiError::with_header`] are not sent: a custom integration's headers are fixed
///   in its configuration.)
///
/// # `--openapi`
/// In local mode, `<binary> --openapi [--path /users/{id}] [--method GET] [--function
/// GetUserFunction]` prints an OpenAPI 3 document whose operation carries
/// `x-amazon-apigateway-integration` (`type: aws`) with one integration response per mapped
/// status: each declared status, 400, 500 (our `[500]`, Lambda's `Process exited before
/// completing request` and any other text) and 504 (our `[504]` and Lambda's `Task timed out
/// after N.NN seconds`, whatever its prefix). Every non-empty `errorMessage` matches exactly
/// one selection pattern ([`apigw::custom::ErrorStatuses::selection_patterns`]), and the empty
/// one (how API Gateway matches a success) none; the response templates answer an
/// `application/problem+json` body: the problem after the marker when the glue wrote it, else
/// one built with the pattern's status (always a generic one for 500 and 504, whose texts may
/// be Lambda's own). `--help` prints the usage. The path defaults to `/`
/// and the handler's name (`/get-user`), the method to POST; the integration `uri` is a
/// CloudFormation `Fn::Sub` of the function's ARN (`${GetUserFunction.Arn}` by default),
/// resolved when a SAM template includes the document with `AWS::Include`. See
/// [`apigw::custom`] for the request template.
///
/// # Parameters
/// The input comes first: `input: T`. It may be followed by, in either order, `&S` (the state
/// `init` returns; requires `init = path`) and `lambda_contract::Context`.
///
/// # Arguments
/// - `errors(404, 409, ..)`: the statuses the handler fails with, 400 to 599, each once. Only
///   these (and 400, 500, 504) reach the client with their status.
/// - `init = path`: an `async fn() -> Result<S, E>` run once before the first invocation.
///
/// # Generated items
/// As for [`connect_handler`]: the function unchanged, `main`, and `<name>_lambda()`.
pub use lambda_contract_macros::apigw_custom;

/// Derives [`ConnectResponse`](trait@ConnectResponse): the struct becomes a response Amazon
/// Connect can take.
///
/// Checked at compile time, after `#[serde(rename)]` and `rename_all`:
/// - no field is named as an HTTP status (`statusCode`, `httpStatus`, `httpStatusCode`, in any
///   case, with or without underscores): Connect is not an HTTP client;
/// - no field is named as an error carrier (`error`, `errorMessage`, `errorType`): failures
///   are `Err(..)`;
/// - no field is serialized as `found`, the flag returning `Option<T>` writes (why in every
///   type: see [`ConnectResponse`](trait@ConnectResponse));
/// - a `#[serde(flatten)]` field's type is itself a `ConnectResponse`, whose own derive
///   checked the names it adds (a flattened `HashMap<String, String>` is checked key by key
///   when the response is sent);
/// - unless the type is marked `#[connect(json)]`, every field is a flat value
///   ([`connect::ConnectScalar`]), as the block's STRING_MAP response validation requires.
///
/// With `#[connect(json)]` the value is sent as ordinary JSON, nesting kept: set the flow
/// block's response validation to JSON.
///
/// ```compile_fail,E0277
/// use lambda_contract::ConnectResponse;
///
/// #[derive(serde::Serialize)]
/// #[serde(rename_all = "camelCase")]
/// struct Outcome { status_code: u16 }
///
/// #[derive(serde::Serialize, ConnectResponse)]
/// struct Lookup {
///     #[serde(flatten)]
///     outcome: Outcome, // not a ConnectResponse: its `statusCode` would go unchecked
/// }
/// ```
pub use lambda_contract_macros::ConnectResponse;

/// The error and its sources, joined with `: `.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let chain = error.to_string();
    match error_sources(error) {
        Some(sources) if !chain.ends_with(&sources) => format!("{chain}: {sources}"),
        _ => chain,
    }
}

/// The error's sources only, joined with `: `; `None` when it has none (a log field then
/// records nothing).
pub(crate) fn error_sources(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut source = error.source()?;
    let mut chain = source.to_string();
    while let Some(cause) = source.source() {
        let text = cause.to_string();
        // Many errors repeat their source's text in their own; don't say it twice.
        if !chain.ends_with(&text) {
            chain.push_str(": ");
            chain.push_str(&text);
        }
        source = cause;
    }
    Some(chain)
}

/// A type's name without its module path or generic arguments: `MissingParameter` for
/// `lambda_contract::connect::MissingParameter`, `Error` for a boxed `dyn Error`.
pub(crate) fn short_type_name<T: ?Sized>() -> &'static str {
    let full = std::any::type_name::<T>();
    let base = match full.strip_prefix("alloc::boxed::Box<dyn ") {
        Some(dyn_trait) => dyn_trait,
        None => full,
    };
    let base = base.split(['<', ' ']).next().unwrap_or(base);
    base.rsplit("::").next().unwrap_or(base)
}

/// What the macros' expansions refer to. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::apigw::custom::glue as apigw_custom;
    pub use crate::apigw::glue as apigw;
    pub use crate::connect::glue as connect;
    pub use crate::deadline::{each, Called, Schedule};
    pub use crate::entry::main;
    pub use crate::handler::{
        no_init, BoxedInit, InitFn, Lambda, Probe, ProbeConcurrent, ProbeSequential,
    };
    pub use futures_util::future::Either;
    pub use lambda_runtime::Context;
    pub use serde;
    pub use std::future::ready;

    /// `future`, then `f` on its output: what the generated glue wraps the handler's future
    /// in (an `async` block would keep the future twice).
    pub fn map<Fut, T, F>(future: Fut, f: F) -> futures_util::future::Map<Fut, F>
    where
        Fut: std::future::Future,
        F: FnOnce(Fut::Output) -> T,
    {
        futures_util::FutureExt::map(future, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("lookup failed")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn error_chain_joins_sources() {
        let error = Outer(std::io::Error::other("connection reset"));
        assert_eq!(error_chain(&error), "lookup failed: connection reset");
        assert_eq!(error_sources(&error).as_deref(), Some("connection reset"));
        assert_eq!(error_sources(&std::io::Error::other("x")), None);
    }

    #[test]
    fn short_type_names() {
        assert_eq!(
            short_type_name::<connect::MissingParameter>(),
            "MissingParameter"
        );
        assert_eq!(short_type_name::<Error>(), "Error");
        assert_eq!(short_type_name::<std::io::Error>(), "Error");
        assert_eq!(short_type_name::<Vec<String>>(), "Vec");
        assert_eq!(short_type_name::<String>(), "String");
    }
}

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
