//! The one abstraction every caller implements: decode the event, encode what the handler
//! did. Everything around it is shared by all callers: the glue around the function
//! ([`crate::handler`]), its deadline and panic capture ([`crate::deadline`]), the Lambda loop
//! ([`crate::serve`]), local mode ([`crate::local`]) and in-process testing
//! ([`crate::testing`]).

use std::fmt;
use std::time::Duration;

use lambda_runtime::{Context, Diagnostic};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

/// What one invocation answers Lambda: the response payload, already serialized, or an
/// invocation error (`{"errorType", "errorMessage"}`).
pub type Reply = Result<Box<RawValue>, Diagnostic>;

/// A caller's contract: how its events are decoded and how a handler's outcome is told to it.
pub trait Contract {
    /// What the payload is parsed into, in one pass over its text ([`Contract::parse`]).
    type Event;
    /// What the user's function receives.
    type Input;
    /// What the generated glue gets back from the user's function.
    type Output;
    /// What the contract keeps of the event for the logs once the handler owns the input.
    type Meta;

    /// Parses the payload's text (checked to be UTF-8) into the event, or says why not; the
    /// failure still reaches [`Contract::decode`], which answers it in the caller's terms.
    fn parse(&self, text: &str) -> Result<Self::Event, DecodeError>;

    /// Turns the decoded payload into the handler's input, or answers at once.
    fn decode(
        &self,
        event: Result<Self::Event, DecodeError>,
        context: &Context,
    ) -> Result<(Self::Input, Self::Meta), Reply>;

    /// Tells the caller what the handler returned. Once the handler runs, the invocation's
    /// future keeps only the request id of its `Context`, for the logs.
    fn encode(&self, output: Self::Output, meta: &Self::Meta, request_id: &str) -> Reply;

    /// Tells the caller that the handler panicked.
    fn panicked(&self, message: &str, meta: &Self::Meta, request_id: &str) -> Reply;

    /// Tells the caller that the handler was abandoned at its deadline.
    fn timed_out(&self, limit: Duration, meta: &Self::Meta, request_id: &str) -> Reply;

    /// A process-level command this caller answers in local mode instead of an invocation
    /// (`--openapi`, say), given the first argument; `None` when the argument is an event.
    fn local_command(&self, _argument: &str) -> Option<std::process::ExitCode> {
        None
    }
}

/// Why a payload did not decode into a caller's event type: serde's message, which names
/// what was missing or wrong and where (line and column).
///
/// No JSON path is given: finding one means decoding the event again under
/// `serde_path_to_error`, a second copy of the whole event decoder in every binary (about
/// 130 KB for a Connect starter) for an error that only a misconfigured caller causes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    message: String,
}

impl DecodeError {
    /// What serde said.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn new(message: String) -> Self {
        DecodeError { message }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

/// An invocation's payload as text: in Lambda (see [`crate::serve`]), in local mode and in
/// [`crate::testing`] alike. A payload that is not even text is a [`DecodeError`] the
/// contract answers, as it answers one that is not its event.
///
/// The bytes are checked to be UTF-8 once, as a whole, and the contracts then parse a `str`:
/// serde_json's byte-slice reader would check every string it meets on its own, which for a
/// typical event costs more than the rest of the glue together.
pub(crate) fn payload_text(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|error| {
        DecodeError::new(format!(
            "the payload is not UTF-8 text, so not JSON: {error}"
        ))
    })
}

/// Parses a payload's text as JSON into `T`: the [`Contract::parse`] of most contracts.
pub(crate) fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    serde_json::from_str(text).map_err(|error| DecodeError::new(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
        payload_text(bytes).and_then(parse_json::<T>)
    }

    #[derive(Debug, Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        id: String,
    }
    #[derive(Debug, Deserialize)]
    struct Outer {
        #[allow(dead_code)]
        inner: Inner,
    }

    #[test]
    fn payload_names_what_is_missing() {
        let result = decode::<Outer>(br#"{"inner": {}}"#);
        let error = result.unwrap_err();
        assert!(error.message().starts_with("missing field `id`"), "{error}");
        assert!(error.to_string().contains("line 1 column"), "{error}");
    }

    #[test]
    fn payload_that_is_not_utf8_is_named_so() {
        let result = decode::<Outer>(b"{\"inner\": {\"id\": \"\xff\"}}");
        let error = result.unwrap_err().to_string();
        assert!(
            error.starts_with("the payload is not UTF-8 text"),
            "{error}"
        );
    }

    #[test]
    fn payload_keeps_the_decoded_value() {
        let result = decode::<Outer>(br#"{"inner": {"id": "x"}}"#);
        assert!(result.is_ok());
    }
}
