//! Amazon Connect: the "Invoke AWS Lambda function" flow block's contract.
//!
//! - success is an object of business data (a flat string map, or JSON if the block's
//!   response validation says so), read by the flow under `$.External`;
//! - failure is a Lambda invocation error, which sends the contact down the block's Error
//!   branch and counts in Lambda's error metrics: never a returned `statusCode`;
//! - "not found" is a business fact, `found = "false"`: return `Option<T>`;
//! - the block waits at most 8 seconds (60 seconds if its execution mode is Asynchronous: a
//!   later "Load Lambda result" reads the answer), and takes less than 32 KB back.
//!
//! See [`crate::connect_handler`] for the handler side.

mod event;
#[cfg(test)]
mod properties;
mod response;
mod string_map;

use std::time::Duration;

use lambda_runtime::{Context, Diagnostic, Error};

use serde_json::value::RawValue;

use crate::contract::{parse_json, Contract, DecodeError, Reply};

pub use event::{
    Channel, ConnectEvent, ContactData, ContactDetails, Endpoint, MissingParameter, Queue, RawJson,
};
pub use response::{ConnectResponse, ConnectScalar, ResponseError};

/// Amazon Connect takes a response of less than 32 KB.
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024;

/// The longest a synchronous flow block waits for the function (`InvocationTimeLimitSeconds`
/// is 1..=8).
pub const MAX_TIMEOUT_MS: u64 = 8000;

/// The longest an asynchronous flow block (execution mode Asynchronous) lets the function run
/// before a "Load Lambda result" gives up on it: 60 seconds.
pub const MAX_ASYNCHRONOUS_TIMEOUT_MS: u64 = 60_000;

/// The Connect contract, as the generated glue uses it.
#[doc(hidden)]
pub struct Connect;

/// What a Connect handler's call came to, once the glue has looked at its `Result`.
#[doc(hidden)]
pub enum Outcome {
    /// `Ok(value)`, already encoded (or why it could not be).
    Response(Result<Box<RawValue>, ResponseError>),
    /// `Err(error)`, with the error's type name.
    Failed(Error, &'static str),
}

impl Contract for Connect {
    type Event = ConnectEvent;
    type Input = ConnectEvent;
    type Output = Outcome;
    type Meta = String;

    fn parse(&self, text: &str) -> Result<ConnectEvent, DecodeError> {
        parse_json(text)
    }

    fn decode(
        &self,
        event: Result<ConnectEvent, DecodeError>,
        context: &Context,
    ) -> Result<(ConnectEvent, String), Reply> {
        match event {
            Ok(event) => {
                let contact_id = event.contact_id().to_owned();
                Ok((event, contact_id))
            }
            Err(error) => {
                tracing::error!(request_id = %context.request_id, error = %error, "the payload is not an Amazon Connect event; the handler was not called");
                Err(Err(Diagnostic {
                    error_type: "InvalidConnectEvent".to_owned(),
                    error_message: format!(
                        "the payload is not an Amazon Connect contact flow event: {error}"
                    ),
                }))
            }
        }
    }

    fn encode(&self, output: Outcome, contact_id: &String, request_id: &str) -> Reply {
        match output {
            Outcome::Response(Ok(json)) if json.get().len() >= MAX_RESPONSE_BYTES => {
                let size = json.get().len();
                let message = format!(
                    "the response is {size} bytes; Amazon Connect takes less than 32 KB ({MAX_RESPONSE_BYTES} bytes)"
                );
                tracing::error!(contact_id = %contact_id, request_id = %request_id, size, "{message}");
                Err(diagnostic("ResponseTooLarge", message))
            }
            Outcome::Response(Ok(json)) => Ok(json),
            Outcome::Response(Err(error)) => {
                tracing::error!(contact_id = %contact_id, request_id = %request_id, error = %error, "the response could not be encoded for Amazon Connect");
                Err(diagnostic("InvalidConnectResponse", error.to_string()))
            }
            Outcome::Failed(error, type_name) => {
                let chain = crate::error_chain(&*error);
                tracing::error!(
                    contact_id = %contact_id,
                    request_id = %request_id,
                    error = %error,
                    source_chain = crate::error_sources(&*error),
                    error_type = type_name,
                    "connect handler failed; the contact takes the block's Error branch"
                );
                Err(diagnostic(type_name, chain))
            }
        }
    }

    fn panicked(&self, message: &str, contact_id: &String, request_id: &str) -> Reply {
        tracing::error!(contact_id = %contact_id, request_id = %request_id, panic = message, "connect handler panicked");
        Err(diagnostic(
            "HandlerPanicked",
            crate::deadline::panicked(message),
        ))
    }

    fn timed_out(&self, limit: Duration, contact_id: &String, request_id: &str) -> Reply {
        let message = format!(
            "{}: Amazon Connect no longer waits for it",
            crate::deadline::abandoned(limit)
        );
        tracing::error!(contact_id = %contact_id, request_id = %request_id, "{message}");
        Err(diagnostic("HandlerTimedOut", message))
    }
}

fn diagnostic(error_type: &str, error_message: String) -> Diagnostic {
    Diagnostic {
        error_type: error_type.to_owned(),
        error_message,
    }
}

/// What the `#[connect_handler]` and `#[derive(ConnectResponse)]` expansions call. Each call
/// is spanned at the user's token it judges, and calls a trait's function as
/// `<T as Trait>::f(..)` (`T` a parameter's or a field's type, or `_` for a return value): the
/// bound is then the call's own, reported at `T` with the trait's `on_unimplemented` and no
/// note pointing into this module. The generic functions do the same, for hand-written glue.
#[doc(hidden)]
pub mod glue {
    use std::future::Future;
    use std::time::Duration;

    use lambda_runtime::{Context, Error};

    use super::{Connect, ConnectEvent};
    use crate::handler::{Init, Lambda};

    pub use super::{ConnectResponse, ConnectScalar, Outcome};

    pub use super::response::{json, string_map};

    /// Assembles a Connect handler's glue.
    pub fn lambda<I, F, Fut>(
        name: &'static str,
        init: I,
        timeout_ms: u64,
        function: F,
    ) -> Lambda<Connect, I, F>
    where
        I: Init,
        F: Fn(ConnectEvent, &'static I::State, &Context) -> Fut,
        Fut: Future<Output = Outcome>,
    {
        Lambda::new(
            name,
            Connect,
            init,
            Some(Duration::from_millis(timeout_ms)),
            function,
        )
    }

    /// A handler's return type: a `Result` whose `Ok` is a response and whose `Err` is an error.
    #[diagnostic::on_unimplemented(
        message = "a Connect handler must return a `Result`, not `{Self}`",
        label = "Amazon Connect needs failures as Lambda errors",
        note = "return `Result<T, lambda_contract::Error>` and let errors propagate with `?`: an `Err` sends \
                the contact down the block's Error branch and counts in Lambda's error metrics, while any \
                returned object is a success to Connect"
    )]
    pub trait HandlerResult {
        fn into_outcome(self) -> Outcome;
    }

    impl<T: ConnectResponse, E: HandlerError> HandlerResult for Result<T, E> {
        fn into_outcome(self) -> Outcome {
            match self {
                Ok(value) => respond(value),
                Err(error) => fail(error),
            }
        }
    }

    /// An error a Connect handler may return: anything that converts into `lambda_contract::Error`.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be a Connect handler's error",
        label = "not convertible into `lambda_contract::Error`",
        note = "use `lambda_contract::Error` (any `std::error::Error + Send + Sync + 'static` converts into it with `?`), \
                or your own type implementing `std::error::Error + Send + Sync + 'static`"
    )]
    pub trait HandlerError {
        fn into_error(self) -> Error;

        /// The error as the handler's outcome: an invocation error named after its type.
        fn fail(self) -> Outcome
        where
            Self: Sized,
        {
            // `?` boxes the crate's own errors; keep their names for the `errorType`.
            let type_name = crate::short_type_name::<Self>();
            let error = self.into_error();
            let type_name = if error.is::<super::MissingParameter>() {
                "MissingParameter"
            } else {
                type_name
            };
            Outcome::Failed(error, type_name)
        }
    }

    // `do_not_recommend`: a type that cannot be the error is reported as not a
    // `HandlerError`, with its note, not as a missing `From` impl of `Box<dyn Error>`.
    #[diagnostic::do_not_recommend]
    impl<E: Into<Error>> HandlerError for E {
        fn into_error(self) -> Error {
            self.into()
        }
    }

    pub fn outcome<R: HandlerResult>(result: R) -> Outcome {
        result.into_outcome()
    }

    pub fn respond<R: ConnectResponse>(value: R) -> Outcome {
        Outcome::Response(value.encode_response(false))
    }

    /// What the derive's `encode_response` returns.
    pub type Encoded = Result<Box<serde_json::value::RawValue>, super::ResponseError>;

    pub fn fail<E: HandlerError>(error: E) -> Outcome {
        error.fail()
    }

    /// The event parameter's type: `ConnectEvent`.
    #[diagnostic::on_unimplemented(
        message = "a Connect handler's first parameter is the event, not `{Self}`",
        label = "expected `ConnectEvent`",
        note = "write `event: lambda_contract::connect::ConnectEvent`; the init state (`&S`) and the Lambda `Context` \
                may follow it"
    )]
    pub trait EventParam {
        fn from_event(event: ConnectEvent) -> Self;
    }

    impl EventParam for ConnectEvent {
        fn from_event(event: ConnectEvent) -> Self {
            event
        }
    }

    pub fn event<T: EventParam>(event: ConnectEvent) -> T {
        T::from_event(event)
    }

    crate::glue::context_param!(
        message = "`{Self}` is not a parameter a Connect handler can take",
        note = "a Connect handler takes the event, then optionally `&S` (the state `init` returns) and \
                `lambda_contract::Context`, in either order",
    );

    /// A `#[serde(flatten)]` field's type: a response, whose own derive checked its names (or a
    /// map, whose keys the encoders check when it is sent).
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is flattened into a Connect response, but it is not a `ConnectResponse`, so the names \
                   it adds to the response are not checked",
        label = "its fields become top-level names of the response, unchecked",
        note = "derive it on `{Self}` too: `#[derive(serde::Serialize, lambda_contract::ConnectResponse)]` checks \
                its own fields (no `statusCode`, `errorMessage` or `found`); or flatten a \
                `HashMap<String, String>`, whose keys are checked when the response is sent",
        note = "if `{Self}` is not your own type, copy the fields you need into your response type instead of \
                flattening it"
    )]
    pub trait FlattenedResponse {
        /// Does nothing: the derive calls it as `<T as FlattenedResponse>` for a flattened
        /// field's type, so a type that is not a response is reported at that type.
        fn assert_flattened() {}
    }

    #[diagnostic::do_not_recommend]
    impl<T: ConnectResponse + ?Sized> FlattenedResponse for T {}
}

#[cfg(test)]
mod tests {
    use super::glue::*;
    use super::*;
    use crate::testing;
    use serde_json::json;

    fn event(parameters: serde_json::Value) -> serde_json::Value {
        json!({
            "Name": "ContactFlowEvent",
            "Details": {
                "ContactData": { "ContactId": "c-1", "Channel": "VOICE" },
                "Parameters": parameters
            }
        })
    }

    async fn echo(
        event: ConnectEvent,
    ) -> Result<Option<std::collections::BTreeMap<String, String>>, Error> {
        let phone = event.parameter("phone")?;
        if phone == "panic" {
            panic!("deliberate");
        }
        if phone == "slow" {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        if phone == "big" {
            return Ok(Some(
                [("blob".to_owned(), "x".repeat(MAX_RESPONSE_BYTES))].into(),
            ));
        }
        Ok((phone != "unknown").then(|| [("phone".to_owned(), phone.to_owned())].into()))
    }

    fn handler() -> impl crate::Handler {
        lambda(
            "echo",
            crate::handler::no_init,
            50,
            |event: ConnectEvent, _: &'static (), _: &Context| {
                let future = echo(event);
                async move { outcome(future.await) }
            },
        )
    }

    #[tokio::test]
    async fn ok_values_are_string_maps_with_the_found_flag() {
        let out = testing::invoke(&handler(), event(json!({ "phone": "+1" })))
            .await
            .unwrap();
        assert_eq!(out, json!({ "found": "true", "phone": "+1" }));
        let out = testing::invoke(&handler(), event(json!({ "phone": "unknown" })))
            .await
            .unwrap();
        assert_eq!(out, json!({ "found": "false" }));
    }

    #[tokio::test]
    async fn errors_are_invocation_errors_never_objects() {
        let error = testing::invoke(&handler(), event(json!({})))
            .await
            .unwrap_err();
        assert_eq!(error.error_type, "MissingParameter");
        assert_eq!(
            error.error_message,
            "missing parameter `phone`: the flow block's function input parameters do not include it"
        );
    }

    #[tokio::test]
    async fn a_non_connect_payload_is_an_invocation_error_naming_what_is_missing() {
        let error = testing::invoke(&handler(), json!({ "httpMethod": "GET" }))
            .await
            .unwrap_err();
        assert_eq!(error.error_type, "InvalidConnectEvent");
        assert!(
            error.error_message.contains("missing field `Details`"),
            "{}",
            error.error_message
        );
        let error = testing::invoke(&handler(), json!({ "Details": { "ContactData": {} } }))
            .await
            .unwrap_err();
        assert!(
            error.error_message.contains("missing field `ContactId`"),
            "{}",
            error.error_message
        );
    }

    #[tokio::test]
    async fn panics_timeouts_and_oversized_responses_are_invocation_errors() {
        let error = testing::invoke(&handler(), event(json!({ "phone": "panic" })))
            .await
            .unwrap_err();
        assert_eq!(error.error_type, "HandlerPanicked");
        assert!(error.error_message.ends_with("deliberate"));

        let error = testing::invoke(&handler(), event(json!({ "phone": "slow" })))
            .await
            .unwrap_err();
        assert_eq!(error.error_type, "HandlerTimedOut");
        assert!(
            error.error_message.contains("within 50 ms"),
            "{}",
            error.error_message
        );

        let error = testing::invoke(&handler(), event(json!({ "phone": "big" })))
            .await
            .unwrap_err();
        assert_eq!(error.error_type, "ResponseTooLarge");
        assert!(
            error.error_message.contains("32768 bytes"),
            "{}",
            error.error_message
        );
    }

    #[tokio::test]
    async fn a_map_carrying_a_status_or_an_error_is_an_invocation_error() {
        // A plain map reaches the flow as it is: the derive never saw its keys.
        let legacy = lambda(
            "legacy",
            crate::handler::no_init,
            50,
            |_: ConnectEvent, _: &'static (), _: &Context| async {
                respond(std::collections::HashMap::from([
                    ("statusCode".to_owned(), "500".to_owned()),
                    ("errorMessage".to_owned(), "db down".to_owned()),
                ]))
            },
        );
        let error = testing::invoke(&legacy, event(json!({})))
            .await
            .unwrap_err();
        assert_eq!(error.error_type, "InvalidConnectResponse");
        assert!(
            error.error_message.contains("top-level key `statusCode`")
                || error.error_message.contains("top-level key `errorMessage`"),
            "{}",
            error.error_message
        );
    }

    #[tokio::test]
    async fn a_panic_before_the_first_await_is_caught_too() {
        let eager = lambda(
            "eager",
            crate::handler::no_init,
            50,
            |_: ConnectEvent, _: &'static (), _: &Context| {
                panic!("in the synchronous part");
                #[allow(unreachable_code)]
                async {
                    respond(())
                }
            },
        );
        let error = testing::invoke(&eager, event(json!({}))).await.unwrap_err();
        assert_eq!(error.error_type, "HandlerPanicked");
        assert!(error.error_message.ends_with("in the synchronous part"));
    }

    #[tokio::test]
    async fn lambdas_remaining_time_bounds_the_handler_too() {
        let context = testing::context("r-1", Duration::from_millis(40));
        let slow = lambda(
            "slow",
            crate::handler::no_init,
            8000,
            |_: ConnectEvent, _: &'static (), _: &Context| async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                respond(())
            },
        );
        let error = testing::invoke_with_context(&slow, event(json!({})), context)
            .await
            .unwrap_err();
        assert_eq!(error.error_type, "HandlerTimedOut");
    }
}
