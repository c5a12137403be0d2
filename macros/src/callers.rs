//! The callers, one descriptor each: what its attribute accepts, how its handler's parameters
//! are laid out, what its `Ok` and `Err` must be, and what it calls in the runtime. The
//! pipeline (`attr`, `ast`, `valid`, `expand`) is the same for every caller: adding one is a
//! runtime module under `__private` and one function here.

use std::ops::RangeInclusive;

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse_quote;

/// One caller of Lambda, as its handler attribute serves it.
pub(crate) struct Caller {
    /// The attribute, as the user writes it: `connect_handler`.
    pub(crate) attribute: &'static str,
    /// The handler, as messages name it: "a Connect handler".
    pub(crate) what: &'static str,
    /// The handler's input, as messages name it.
    pub(crate) input: &'static str,
    /// `timeout_ms = N`, when the caller waits a limited time of its own.
    pub(crate) timeout: Option<Timeout>,
    /// `errors(..)`, when the caller maps failures to declared statuses.
    pub(crate) statuses: Option<Statuses>,
    /// How the handler's parameters are laid out and passed.
    pub(crate) layout: Layout,
    /// Types the handler takes by value, recognised by name: written `&T`, they are a mistake
    /// for themselves, not the init state.
    pub(crate) by_value: &'static [ByValue],
    /// What the handler must return, and how its return value becomes the caller's outcome.
    pub(crate) returns: Returns,
    /// The runtime's function assembling the glue.
    pub(crate) lambda: Lambda,
}

/// `timeout_ms`'s limits, and the flag that raises them.
pub(crate) struct Timeout {
    pub(crate) range: RangeInclusive<u64>,
    /// Why the value is bounded.
    pub(crate) why: &'static str,
    /// Why, when the value is over `range` and `raised` would allow it.
    pub(crate) over: &'static str,
    pub(crate) raised: Option<Raised>,
}

/// A bare flag (`asynchronous`) under which `timeout_ms` has other limits.
pub(crate) struct Raised {
    pub(crate) flag: &'static str,
    /// What the flag means, for a flag given a value.
    pub(crate) meaning: &'static str,
    pub(crate) range: RangeInclusive<u64>,
    pub(crate) why: &'static str,
}

/// `errors(..)`: the statuses a failure may carry.
pub(crate) struct Statuses {
    pub(crate) range: RangeInclusive<u16>,
    /// Said of an item that is not an integer literal.
    pub(crate) not_integer: &'static str,
    /// Said after "N is not an error status: ".
    pub(crate) out_of_range: &'static str,
}

/// How a handler's parameters are laid out, and how each is passed.
pub(crate) enum Layout {
    /// The event first, then `&S` and the Lambda `Context` in either order.
    EventFirst { event: Event, context: Call },
    /// Extractors in any order, `&S` anywhere (in axum's manner): every extractor but the last
    /// reads the request's parts (`parts`), the last may consume the request (`last`).
    Extractors {
        parts: Call,
        last: Call,
        /// What an extractor fails with.
        error: syn::Path,
        /// The extractors that consume the request, recognised by name: they come last.
        body: &'static [&'static str],
        /// Those extractors, as messages name them: "one `Json<T>` or `Request`".
        one_body: &'static str,
    },
}

/// How the event reaches the handler's first parameter.
pub(crate) enum Event {
    /// Converted by a runtime call on the parameter's type.
    Converted(Call),
    /// Passed as it is, read from the payload by the parser that this runtime call, made at
    /// the parameter's type (`<T as Input>::parser()`), gives `lambda` as an argument: a type
    /// that cannot be the input is reported there, once.
    Parsed(syn::Path),
}

/// A type taken by value, and what messages say of it.
pub(crate) struct ByValue {
    /// The type's last path segment: `Request`.
    pub(crate) name: &'static str,
    /// What it is: "the request".
    pub(crate) what: &'static str,
    /// Where it goes, after "write `x: T`": ", as the last parameter", or nothing.
    pub(crate) place: &'static str,
}

/// What the handler returns, and the runtime calls that turn it into the caller's outcome.
pub(crate) struct Returns {
    /// Said, at the `)` of a handler declaring no return type, when it must return a `Result`.
    pub(crate) result_required: Option<&'static str>,
    /// The `Ok` of a return type spelled `Result<T, E>`.
    pub(crate) ok: Call,
    /// The `Err` of a return type spelled `Result<T, E>`.
    pub(crate) err: Call,
    /// Any other return type (an alias, no `Result`, `()`), judged whole.
    pub(crate) whole: Call,
}

/// A runtime call on a value of the user's type `T`: `wrap(<T as Trait>::method(args))`, where
/// `function` is `Trait::method`. The generator spans every token of it at `T`, so that the
/// trait's bound is reported there.
pub(crate) struct Call {
    pub(crate) wrap: Option<syn::Path>,
    pub(crate) function: syn::Path,
    pub(crate) args: &'static [Arg],
}

/// An argument of a [`Call`].
pub(crate) enum Arg {
    /// The value converted, moved.
    Value,
    /// The value converted, borrowed.
    Borrowed,
    /// The Lambda context the glue receives (`&Context`).
    Context,
    /// A `bool` literal.
    Bool(bool),
}

/// The runtime's function assembling a caller's glue from the handler.
pub(crate) struct Lambda {
    pub(crate) path: syn::Path,
    /// What it takes before the function calling the handler, in order.
    pub(crate) args: &'static [LambdaArg],
}

/// An argument of the runtime's `lambda`, before the function calling the handler.
pub(crate) enum LambdaArg {
    /// The handler's name, for the logs.
    Name,
    /// `init`, as an `Init`.
    Init,
    /// `timeout_ms`, as a `u64`.
    TimeoutMs,
    /// The `errors(..)` statuses, as a `&'static [u16]`.
    Statuses,
    /// The input's parser (see [`Event::Parsed`]).
    Parser,
}

/// A path into the runtime's hidden module: the only way generated code reaches the runtime.
pub(crate) fn private(path: TokenStream) -> syn::Path {
    parse_quote!(::lambda_contract::__private::#path)
}

/// A call `<T as Trait>::method(args)` (`function` is `Trait::method`), wrapped or not.
fn call(wrap: Option<syn::Path>, function: syn::Path, args: &'static [Arg]) -> Call {
    Call {
        wrap,
        function,
        args,
    }
}

const CONTEXT: ByValue = ByValue {
    name: "Context",
    what: "the Lambda context",
    place: "",
};

/// `#[connect_handler]`: an Amazon Connect flow block's Lambda function.
pub(crate) fn connect() -> Caller {
    // The caller's runtime module, under `__private`.
    let runtime = |path: TokenStream| private(quote!(connect::#path));
    Caller {
        attribute: "connect_handler",
        what: "a Connect handler",
        input: "the event (`event: ConnectEvent`)",
        timeout: Some(Timeout {
            // A synchronous flow block waits 1 to 8 seconds (`InvocationTimeLimitSeconds`).
            range: 1..=8000,
            why: "the flow block waits at most 8 seconds (`InvocationTimeLimitSeconds` is 1 to 8)",
            over: "a synchronous flow block waits at most 8 seconds (`InvocationTimeLimitSeconds` is 1 to 8); \
                   if the block's execution mode is Asynchronous, which waits up to 60 seconds, add \
                   `asynchronous`",
            raised: Some(Raised {
                flag: "asynchronous",
                meaning: "for a flow block whose execution mode is Asynchronous",
                range: 1..=60_000,
                why: "an asynchronous flow block waits at most 60 seconds",
            }),
        }),
        statuses: None,
        layout: Layout::EventFirst {
            event: Event::Converted(call(
                None,
                runtime(quote!(EventParam::from_event)),
                &[Arg::Value],
            )),
            context: call(
                None,
                runtime(quote!(ContextParam::from_context)),
                &[Arg::Value],
            ),
        },
        by_value: &[
            ByValue {
                name: "ConnectEvent",
                what: "the event",
                place: ", as the first parameter",
            },
            CONTEXT,
        ],
        returns: Returns {
            result_required: Some(
                "a Connect handler must return a `Result`: Amazon Connect needs failures as Lambda errors; \
                 write `-> Result<T, lambda_contract::Error>`",
            ),
            ok: call(
                Some(runtime(quote!(Outcome::Response))),
                runtime(quote!(ConnectResponse::encode_response)),
                &[Arg::Borrowed, Arg::Bool(false)],
            ),
            err: call(
                None,
                runtime(quote!(HandlerError::fail)),
                &[Arg::Value],
            ),
            whole: call(
                None,
                runtime(quote!(HandlerResult::into_outcome)),
                &[Arg::Value],
            ),
        },
        lambda: Lambda {
            path: runtime(quote!(lambda)),
            args: &[LambdaArg::Name, LambdaArg::Init, LambdaArg::TimeoutMs],
        },
    }
}

/// `#[apigw_proxy]`: an API Gateway proxy integration's (or an ALB's) Lambda function.
pub(crate) fn apigw_proxy() -> Caller {
    // The caller's runtime module, under `__private`.
    let runtime = |path: TokenStream| private(quote!(apigw::#path));
    let respond = || {
        call(
            Some(parse_quote!(::core::result::Result::Ok)),
            runtime(quote!(IntoResponse::into_response)),
            &[Arg::Value],
        )
    };
    Caller {
        attribute: "apigw_proxy",
        what: "an API Gateway handler",
        input: "its extractors (`Request`, `Json<T>`, `Path<T>`, `Query<T>`, `Context`)",
        timeout: None,
        statuses: None,
        layout: Layout::Extractors {
            parts: call(
                None,
                runtime(quote!(FromRequestParts::from_request_parts)),
                &[Arg::Borrowed, Arg::Context],
            ),
            last: call(
                None,
                runtime(quote!(FromRequest::from_request)),
                &[Arg::Value, Arg::Context],
            ),
            error: parse_quote!(::lambda_contract::apigw::ApiError),
            body: &["Json", "Request"],
            one_body: "one `Json<T>` or `Request`",
        },
        by_value: &[
            ByValue {
                name: "Request",
                what: "the request",
                place: ", as the last parameter",
            },
            ByValue {
                name: "Json",
                what: "the body",
                place: ", as the last parameter",
            },
            ByValue {
                name: "Path",
                what: "an extractor",
                place: "",
            },
            ByValue {
                name: "Query",
                what: "an extractor",
                place: "",
            },
            CONTEXT,
        ],
        returns: Returns {
            result_required: None,
            // A response, plain or the `Ok`, is `Ok` of the proxy's outcome.
            ok: respond(),
            err: call(
                Some(parse_quote!(::core::result::Result::Err)),
                runtime(quote!(HandlerError<_>::into_api_error)),
                &[Arg::Value],
            ),
            whole: respond(),
        },
        lambda: Lambda {
            path: runtime(quote!(lambda)),
            args: &[LambdaArg::Name, LambdaArg::Init],
        },
    }
}

/// `#[apigw_custom]`: an API Gateway custom (non-proxy) integration's Lambda function.
pub(crate) fn apigw_custom() -> Caller {
    // The caller's runtime module, under `__private`.
    let runtime = |path: TokenStream| private(quote!(apigw_custom::#path));
    Caller {
        attribute: "apigw_custom",
        what: "an API Gateway custom-integration handler",
        input: "its input (`input: T` where `T: serde::Deserialize`)",
        timeout: None,
        statuses: Some(Statuses {
            range: 400..=599,
            not_integer: "`errors(..)` takes HTTP statuses as integer literals, such as `errors(400, 404)`: \
                          they are written into the `[NNN]` markers and the integration's selection patterns",
            out_of_range: "`errors(..)` takes the 4xx and 5xx statuses (400 to 599) the handler fails with; \
                           a successful return is `Ok(..)`, sent as 200",
        }),
        layout: Layout::EventFirst {
            event: Event::Parsed(runtime(quote!(Input::parser))),
            context: call(
                None,
                runtime(quote!(ContextParam::from_context)),
                &[Arg::Value],
            ),
        },
        by_value: &[CONTEXT],
        returns: Returns {
            result_required: Some(
                "an API Gateway custom-integration handler must return a `Result`: its `Err` is the \
                 invocation error the integration responses map to a status; write \
                 `-> Result<T, lambda_contract::apigw::ApiError>`",
            ),
            ok: call(
                Some(runtime(quote!(Outcome::Response))),
                runtime(quote!(ResponseBody::to_json)),
                &[Arg::Borrowed],
            ),
            err: call(
                Some(runtime(quote!(Outcome::Failed))),
                runtime(quote!(HandlerError<_>::into_api_error)),
                &[Arg::Value],
            ),
            whole: call(
                None,
                runtime(quote!(HandlerResult<_>::into_outcome)),
                &[Arg::Value],
            ),
        },
        lambda: Lambda {
            path: runtime(quote!(lambda)),
            args: &[
                LambdaArg::Name,
                LambdaArg::Statuses,
                LambdaArg::Parser,
                LambdaArg::Init,
            ],
        },
    }
}
