//! The one abstraction every caller implements: decode the event, encode what the handler
//! did. Everything around it (the lambda_runtime loop, local mode, init, deadlines, panic
//! capture) lives in [`crate::run`] and is shared by all callers.

use std::fmt;
use std::time::Duration;

use lambda_runtime::{Context, Diagnostic};
use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::value::RawValue;

/// What one invocation answers Lambda: the response payload, already serialized, or an
/// invocation error (`{"errorType", "errorMessage"}`).
pub type Reply = Result<Box<RawValue>, Diagnostic>;

/// A caller's contract: how its events are decoded and how a handler's outcome is told to it.
pub trait Contract {
    /// What serde decodes the payload into, in one pass over the bytes.
    type Event: DeserializeOwned;
    /// What the user's function receives.
    type Input;
    /// What the generated glue gets back from the user's function.
    type Output;
    /// What the contract keeps of the event for the logs once the handler owns the input.
    type Meta;

    /// Turns the decoded payload into the handler's input, or answers at once.
    fn decode(
        &self,
        event: Result<Self::Event, DecodeError>,
        context: &Context,
    ) -> Result<(Self::Input, Self::Meta), Reply>;

    /// Tells the caller what the handler returned.
    fn encode(&self, output: Self::Output, meta: &Self::Meta, context: &Context) -> Reply;

    /// Tells the caller that the handler panicked.
    fn panicked(&self, message: &str, meta: &Self::Meta, context: &Context) -> Reply;

    /// Tells the caller that the handler was abandoned at its deadline.
    fn timed_out(&self, limit: Duration, meta: &Self::Meta, context: &Context) -> Reply;

    /// A process-level command this caller answers in local mode instead of an invocation
    /// (`--openapi`, say), given the first argument; `None` when the argument is an event.
    fn local_command(&self, _argument: &str) -> Option<std::process::ExitCode> {
        None
    }
}

/// Why a payload did not decode into a caller's event type: serde's message, which names
/// what was missing or wrong and where (line and column).
///
/// No JSON path is tracked: that would cost every invocation a string per map key, and
/// lambda_runtime's loop hands over a deserializer, not bytes, so a failure cannot be parsed
/// again to find one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    message: String,
}

impl DecodeError {
    /// What serde said.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

/// The payload type handed to lambda_runtime: it never fails to deserialize, so a payload
/// that is not the caller's event reaches the contract (which answers in the caller's terms)
/// instead of lambda_runtime's generic deserialization error.
pub(crate) struct Payload<T>(pub(crate) Result<T, DecodeError>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Payload<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Payload(T::deserialize(deserializer).map_err(|error| {
            DecodeError {
                message: error.to_string(),
            }
        })))
    }
}

impl<T: DeserializeOwned> Payload<T> {
    /// Decodes raw bytes exactly as the Lambda loop does.
    pub(crate) fn from_slice(bytes: &[u8]) -> Self {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        match Payload::deserialize(&mut deserializer) {
            Ok(payload) => payload,
            // `Payload::deserialize` itself never fails; keep the error anyway rather than panic.
            Err(error) => Payload(Err(DecodeError {
                message: error.to_string(),
            })),
        }
    }
}

/// Wraps text that is already JSON as a response payload, without parsing it again.
pub(crate) fn raw_from_json(json: String) -> Box<RawValue> {
    // `RawValue::from_string` re-validates; the text comes from serde_json itself here, so the
    // validation only guards against our own bugs and its cost is worth that.
    RawValue::from_string(json).unwrap_or_else(|error| {
        tracing::error!(%error, "produced an invalid JSON response; sending null");
        RawValue::from_string("null".to_owned()).expect("`null` is JSON")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let Payload(result) = Payload::<Outer>::from_slice(br#"{"inner": {}}"#);
        let error = result.unwrap_err();
        assert!(error.message().starts_with("missing field `id`"), "{error}");
        assert!(error.to_string().contains("line 1 column"), "{error}");
    }

    #[test]
    fn payload_keeps_the_decoded_value() {
        let Payload(result) = Payload::<Outer>::from_slice(br#"{"inner": {"id": "x"}}"#);
        assert!(result.is_ok());
    }

    #[test]
    fn raw_from_json_does_not_panic_on_bad_text() {
        assert_eq!(raw_from_json("{".to_owned()).get(), "null");
        assert_eq!(raw_from_json("{}".to_owned()).get(), "{}");
    }
}
