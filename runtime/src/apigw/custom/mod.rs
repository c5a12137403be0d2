//! API Gateway REST API, Lambda *custom* (non-proxy) integration: the contract behind
//! [`crate::apigw_custom`].
//!
//! With a custom integration, API Gateway passes a successful return through its default
//! integration response (200), and matches a Lambda error's `errorMessage` against each
//! integration response's `selectionPattern`; an error no pattern matches is a false 200.
//! Here the code is the one source of truth for that mapping:
//!
//! - the handler declares the statuses it fails with (`errors(400, 404)`); 400 (input that
//!   does not deserialize), 500 and 504 are always mapped ([`ALWAYS_MAPPED`]);
//! - a failure is an invocation error whose `errorMessage` begins with its status marker,
//!   `[404] `, followed by the RFC 9457 problem the client receives
//!   (`{"type", "title", "status", "detail", "requestId"}`), and whose `errorType` is
//!   `Http404` ([`error_type`]);
//! - anything else (an undeclared status, a `std::error::Error`, a panic, a response that
//!   cannot be sent) is `[500]` with a generic problem, its text logged once with the
//!   request id; a handler abandoned at Lambda's deadline is `[504]`;
//! - `<binary> --openapi` prints the OpenAPI document whose integration responses map exactly
//!   these messages ([`ErrorStatuses::selection_patterns`]), and Lambda's own
//!   (`Task timed out after 3.00 seconds` is 504, `Process exited before completing request`
//!   and every other text is 500): every non-empty `errorMessage` matches exactly one pattern,
//!   so no failure reaches the client as 200, and the empty one (what API Gateway matches for
//!   a success) none, so no success is answered as a failure.
//!
//! # `--openapi`
//!
//! ```text
//! <binary> --openapi [--path /users/{id}] [--method GET] [--function GetUserFunction]
//! ```
//!
//! prints (local mode only, exit status 0) an OpenAPI 3 document with one operation, which
//! reads as YAML too (every selection pattern, a key of `responses`, is far shorter than the
//! 1,024 characters YAML allows an implicit key):
//!
//! - its path is `--path`, by default `/` and the handler's name with `-` for `_`
//!   (`/get-user`); `{name}` segments are path parameters. Its method is `--method` (GET, POST,
//!   PUT, PATCH, DELETE, HEAD or OPTIONS), by default POST;
//! - `responses`: 200 for a successful return, and an `application/problem+json` response
//!   for each mapped status;
//! - `x-amazon-apigateway-integration`: `type: aws`, `httpMethod: POST`, `passthroughBehavior:
//!   never` (a body that is not JSON is API Gateway's own 415), and
//!   - `uri`: `{"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${GetUserFunction.Arn}/invocations"}`,
//!     where `GetUserFunction` is `--function`, by default the handler's name in PascalCase
//!     and `Function`: the function's logical id in the SAM/CloudFormation template, which
//!     resolves the `Fn::Sub` when it includes the document with `AWS::Include`;
//!   - `requestTemplates`: without path parameters, the JSON body as it is (`{}` for GET,
//!     HEAD, DELETE and OPTIONS); with path parameters, an object with each as a string member
//!     (`{"id": "$util.escapeJavaScript($input.params('id')).replaceAll("\\'","'")"}`:
//!     `escapeJavaScript` writes `'` as `\'`, which is not JSON, so it is turned back) and, for
//!     POST, PUT and PATCH, the JSON body as `body`;
//!   - `responses`: `default` (200, the return passed through) and one integration response
//!     per [`ErrorStatuses::selection_patterns`] entry, answering `application/problem+json`.
//!     A declared status's template sends the problem after the marker when it is one the glue
//!     writes for that status (checked with a regular expression), and otherwise a problem it
//!     builds with that status, the text after the marker as its detail (a 4xx) or the generic
//!     detail (a 5xx), and API Gateway's `$context.requestId`: a hand-written `[404] not json`
//!     still gives the client a 404 problem. 500 and 504 (whose messages may be Lambda's own)
//!     always send the generic problem with `$context.requestId`.
//!
//! A flag that is not one of these, a bad value, or a path parameter named twice: a message on
//! stderr, exit status 2. `<binary> --help` (or `-h`, also after `--openapi`) prints the usage
//! on stdout, exit status 0.
//!
//! Headers given with [`ApiError::with_header`] are not sent: a custom integration's response
//! headers are fixed by its configuration.
//!
//! ```
//! use lambda_contract::apigw::custom::ErrorStatuses;
//!
//! let statuses = ErrorStatuses::new([404]).unwrap();
//! assert_eq!(statuses.statuses(), [400, 404, 500, 504]);
//! let patterns = statuses.selection_patterns();
//! assert_eq!(patterns[1].status, 404);
//! assert_eq!(patterns[1].pattern, r"\[404\][\s\S]*");
//! ```

mod openapi;
mod patterns;

use std::fmt;
use std::process::ExitCode;
use std::time::Duration;

use lambda_runtime::{Context, Diagnostic};

use super::error::RequestIds;
use super::{ApiError, MAX_RESPONSE_BYTES};
use crate::contract::{Contract, DecodeError, Reply};

pub use patterns::{marker, SelectionPattern};

/// The statuses every custom integration maps, declared or not: 400 (the input does not
/// deserialize: the client's mistake), 500 (every failure not declared, and Lambda's own
/// errors) and 504 (the handler ran out of time).
pub const ALWAYS_MAPPED: [u16; 3] = [400, 500, 504];

/// The `errorType` of a failure answered with `status`: `Http404`, `Http500`, `Http504`.
///
/// The status is the whole of it, so alarms and log filters can rely on the name; why a
/// 500 happened (a panic, an undeclared status, an I/O error) is in the logs.
pub fn error_type(status: u16) -> String {
    format!("Http{status}")
}

/// The error statuses one handler's integration maps: those it declares, plus
/// [`ALWAYS_MAPPED`], sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorStatuses {
    statuses: Vec<u16>,
}

impl ErrorStatuses {
    /// The statuses a handler declares (duplicates are merged).
    ///
    /// ```
    /// use lambda_contract::apigw::custom::ErrorStatuses;
    ///
    /// assert_eq!(ErrorStatuses::new([409, 404, 409]).unwrap().statuses(), [400, 404, 409, 500, 504]);
    /// assert_eq!(ErrorStatuses::new([200]).unwrap_err().to_string(),
    ///            "200 is not an error status: a custom integration maps 4xx and 5xx statuses (400 to 599)");
    /// ```
    pub fn new(declared: impl IntoIterator<Item = u16>) -> Result<Self, InvalidStatus> {
        let declared = declared
            .into_iter()
            .map(|status| {
                if (400..=599).contains(&status) {
                    Ok(status)
                } else {
                    Err(InvalidStatus(status))
                }
            })
            .collect::<Result<Vec<u16>, _>>()?;
        Ok(Self::from_valid(&declared))
    }

    /// The statuses the macro checked; anything out of range is left out rather than trusted.
    fn from_valid(declared: &[u16]) -> Self {
        let mut statuses: Vec<u16> = declared
            .iter()
            .copied()
            .filter(|status| (400..=599).contains(status))
            .chain(ALWAYS_MAPPED)
            .collect();
        statuses.sort_unstable();
        statuses.dedup();
        ErrorStatuses { statuses }
    }

    /// Every mapped status, ascending.
    pub fn statuses(&self) -> &[u16] {
        &self.statuses
    }

    /// Whether a failure with this status reaches the client with it (otherwise it is a 500).
    pub fn maps(&self, status: u16) -> bool {
        self.statuses.binary_search(&status).is_ok()
    }

    /// One selection pattern per mapped status, in the same order: together they match
    /// every non-empty `errorMessage`, each exactly once, and none the empty one (API Gateway
    /// matches a successful invocation as an empty message).
    ///
    /// - `[NNN]` followed by anything: NNN, for each mapped status but 500 and 504;
    /// - 504: `[504]` followed by anything, or a text that does not begin with `[` and ends
    ///   with `Task timed out after N.NN seconds` (Lambda's timeout, with whatever prefix
    ///   Lambda gives it);
    /// - 500: `[500]` followed by anything, any other text that begins with `[` (an unmapped
    ///   or malformed marker), and everything else.
    ///
    /// API Gateway requires a pattern to match the whole message, so test them anchored
    /// (`^(?:…)$`). They use only syntax Java and Rust's `regex` read alike: `[\s\S]` for any
    /// character, newlines included, `[0-9]` for digits, no anchors and no lookaround. Each
    /// is under 1,000 characters, whatever the declared statuses.
    pub fn selection_patterns(&self) -> Vec<SelectionPattern> {
        patterns::selection_patterns(&self.statuses)
    }
}

/// A status that a custom integration cannot map as an error (outside 400 to 599).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidStatus(pub u16);

impl fmt::Display for InvalidStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not an error status: a custom integration maps 4xx and 5xx statuses (400 to 599)",
            self.0
        )
    }
}

impl std::error::Error for InvalidStatus {}

/// The custom-integration contract, as the generated glue uses it.
///
/// The payload's text is parsed straight into the input with `parse`, which the macro takes
/// from [`glue::Input::parser`] at the user's type: so the contract holds for any input type,
/// and an input that cannot deserialize is reported once, there.
#[doc(hidden)]
pub struct ApiGatewayCustom<T> {
    name: &'static str,
    statuses: ErrorStatuses,
    parse: fn(&str) -> Result<T, serde_json::Error>,
}

impl<T> ApiGatewayCustom<T> {
    /// The invocation error for a failure: its status if mapped, else a generic 500; logged
    /// once (a 5xx or an unmapped status as an error with its text and sources, a 4xx as a
    /// rejection).
    fn failure(&self, error: ApiError, request_id: &str) -> Diagnostic {
        let handler = self.name;
        let status = error.status().as_u16();
        let mapped = self.statuses.maps(status);
        if !mapped {
            tracing::error!(
                handler,
                request_id = %request_id,
                status,
                error_type = error.type_name(),
                error = %error.detail(),
                source_chain = error.sources(),
                "handler `{handler}` failed with {status}, which its `errors(..)` does not declare: the \
                 client gets a 500 without the error's text (declare {status} in \
                 `#[apigw_custom(errors(..))]` if clients should receive it)"
            );
        } else {
            let ids = RequestIds {
                request: request_id,
                lambda: None,
            };
            error.log(handler, ids, None);
        }
        let answered = if mapped {
            error
        } else {
            ApiError::internal(String::new())
        };
        failure_diagnostic(&answered, request_id)
    }
}

/// `[NNN] {problem}` with `errorType` `HttpNNN`. A 5xx problem's detail is always generic.
fn failure_diagnostic(error: &ApiError, request_id: &str) -> Diagnostic {
    let status = error.status().as_u16();
    Diagnostic {
        error_type: error_type(status),
        error_message: format!("{} {}", marker(status), problem_text(error, request_id)),
    }
}

/// The RFC 9457 problem a failure's message carries, as one line of JSON whose strings
/// escape `"` and `\` as `\u0022` and `\u005c`: the same JSON value as the usual escapes, but
/// one a Java regular expression can check without repeating a group (the integration
/// response passes it to the client only when it is one the glue wrote).
pub(crate) fn problem_text(error: &ApiError, request_id: &str) -> String {
    let text = error.problem_json(request_id);
    // In JSON text a `\` only ever starts an escape, inside a string: the next character says
    // which.
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            escaped.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => escaped.push_str("\\u0022"),
            Some('\\') => escaped.push_str("\\u005c"),
            Some(other) => {
                escaped.push('\\');
                escaped.push(other);
            }
            None => escaped.push('\\'),
        }
    }
    escaped
}

impl<T> Contract for ApiGatewayCustom<T> {
    type Event = T;
    type Input = T;
    type Output = glue::Outcome;
    type Meta = ();

    fn parse(&self, text: &str) -> Result<T, DecodeError> {
        (self.parse)(text).map_err(|error| DecodeError::new(error.to_string()))
    }

    fn decode(&self, event: Result<T, DecodeError>, context: &Context) -> Result<(T, ()), Reply> {
        match event {
            Ok(input) => Ok((input, ())),
            Err(error) => {
                let error = ApiError::bad_request(format!(
                    "the request does not match the input this operation takes: {error}"
                ))
                .named("InvalidInput");
                Err(Err(self.failure(error, &context.request_id)))
            }
        }
    }

    fn encode(&self, output: glue::Outcome, _meta: &(), request_id: &str) -> Reply {
        let error = match output {
            glue::Outcome::Response(Ok(json)) if json.get().len() <= MAX_RESPONSE_BYTES => {
                return Ok(json);
            }
            glue::Outcome::Response(Ok(json)) => ApiError::too_large(json.get().len()),
            glue::Outcome::Response(Err(error)) => ApiError::internal(format!(
                "the handler's `Ok` value could not be serialized as JSON: {error}"
            ))
            .named("InvalidResponse"),
            glue::Outcome::Failed(error) => error,
        };
        Err(self.failure(error, request_id))
    }

    fn panicked(&self, message: &str, _meta: &(), request_id: &str) -> Reply {
        Err(self.failure(ApiError::panicked(message), request_id))
    }

    fn timed_out(&self, limit: Duration, _meta: &(), request_id: &str) -> Reply {
        Err(self.failure(ApiError::timed_out(limit), request_id))
    }

    fn local_command(&self, argument: &str) -> Option<ExitCode> {
        // The trait hands over the first argument only; the flags after it are read here.
        let mut arguments = std::env::args();
        let program = arguments.next();
        if openapi::is_help(argument) {
            return Some(openapi::help(self.name, program));
        }
        if argument != openapi::FLAG {
            return None;
        }
        Some(openapi::command(
            self.name,
            &self.statuses,
            program,
            arguments.skip(1),
        ))
    }
}

/// The calls the `#[apigw_custom]` expansion makes. Each is spanned at the user's token it
/// judges, so a failed bound is reported there.
#[doc(hidden)]
pub mod glue {
    use std::future::Future;

    use lambda_runtime::Context;
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use super::{ApiError, ApiGatewayCustom, ErrorStatuses};
    use crate::handler::{Init, Lambda};

    pub use crate::apigw::glue::{ViaBox, ViaInto};

    /// What a custom-integration handler's call came to.
    pub enum Outcome {
        /// `Ok(value)`, serialized (or why it could not be).
        Response(Result<Box<serde_json::value::RawValue>, serde_json::Error>),
        /// `Err(error)`, converted.
        Failed(ApiError),
    }

    /// Assembles a custom-integration handler's glue. `errors` are the declared statuses,
    /// checked by the macro; `parse` reads the input, from [`Input::parser`] (called by the
    /// macro at the input's type, so a type that cannot be the input is reported there, once).
    /// There is no caller timeout of its own: Lambda's remaining time bounds the handler, and
    /// running out of it is a 504.
    pub fn lambda<T, I, F, Fut>(
        name: &'static str,
        errors: &'static [u16],
        parse: fn(&str) -> Result<T, serde_json::Error>,
        init: I,
        function: F,
    ) -> Lambda<ApiGatewayCustom<T>, I, F>
    where
        I: Init,
        F: Fn(T, &'static I::State, &Context) -> Fut,
        Fut: Future<Output = Outcome>,
    {
        let contract = ApiGatewayCustom {
            name,
            statuses: ErrorStatuses::from_valid(errors),
            parse,
        };
        Lambda::new(name, contract, init, None, function)
    }

    /// The input parameter's type: anything serde can deserialize.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be the input of an API Gateway custom-integration handler",
        label = "does not implement `serde::Deserialize`",
        note = "the input is the JSON the integration's request mapping template produces: derive \
                `serde::Deserialize` for it (a payload that does not deserialize is answered 400 before \
                the handler runs)"
    )]
    pub trait Input: Sized {
        /// How the glue reads the input from the payload's text.
        fn parser() -> fn(&str) -> Result<Self, serde_json::Error>;
    }

    // `do_not_recommend`: a type that is not `Deserialize` is reported as not an `Input`,
    // with its note, rather than through serde's traits.
    #[diagnostic::do_not_recommend]
    impl<T: DeserializeOwned> Input for T {
        fn parser() -> fn(&str) -> Result<T, serde_json::Error> {
            |json| serde_json::from_str(json)
        }
    }

    crate::glue::context_param!(
        message = "`{Self}` is not a parameter an API Gateway custom-integration handler can take",
        note = "a custom-integration handler takes its input first, then optionally `&S` (the state `init` \
                returns) and `lambda_contract::Context`, in either order",
    );

    /// A successful return value: anything serde can serialize, sent as plain JSON.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be returned by an API Gateway custom-integration handler",
        label = "does not implement `serde::Serialize`",
        note = "the `Ok` value is the integration's response, passed to the client as JSON: derive \
                `serde::Serialize` for it"
    )]
    pub trait ResponseBody {
        fn to_json(&self) -> Result<Box<serde_json::value::RawValue>, serde_json::Error>;
    }

    impl<T: Serialize> ResponseBody for T {
        fn to_json(&self) -> Result<Box<serde_json::value::RawValue>, serde_json::Error> {
            serde_json::value::to_raw_value(self)
        }
    }

    crate::glue::api_handler_error!(
        message = "`{Self}` cannot be an API Gateway custom-integration handler's error",
        note = "return `ApiError` with a status declared in `errors(..)` (`ApiError::not_found(..)` with \
                `errors(404)`), or any `std::error::Error + Send + Sync + 'static` (a 500 whose text is \
                logged, never sent); `?` converts either",
    );

    /// The return type, judged whole when it is not spelled `Result<T, E>` (an alias, or no
    /// `Result` at all).
    #[diagnostic::on_unimplemented(
        message = "an API Gateway custom-integration handler must return a `Result`, not `{Self}`",
        label = "expected `Result<T, ApiError>`",
        note = "return `Result<T, lambda_contract::apigw::ApiError>` where `T: serde::Serialize`: `Ok` is \
                passed to the client as JSON (200), `Err` is an invocation error the integration \
                responses map to its status"
    )]
    pub trait HandlerResult<M> {
        fn into_outcome(self) -> Outcome;
    }

    impl<T: ResponseBody, E: HandlerError<M>, M> HandlerResult<M> for Result<T, E> {
        fn into_outcome(self) -> Outcome {
            match self {
                Ok(value) => respond(value),
                Err(error) => fail(error),
            }
        }
    }

    pub fn outcome<R: HandlerResult<M>, M>(result: R) -> Outcome {
        result.into_outcome()
    }

    pub fn respond<T: ResponseBody>(value: T) -> Outcome {
        Outcome::Response(value.to_json())
    }

    pub fn fail<E: HandlerError<M>, M>(error: E) -> Outcome {
        Outcome::Failed(error.into_api_error())
    }
}

#[cfg(test)]
mod tests;
