//! Properties of the proxy glue over any handler outcome: any status, any body bytes, any
//! error text, a panic; in each of the three request formats. Whatever happens, the caller
//! gets a well-formed envelope whose body is a string, whose status is the intended one, and
//! whose 5xx body never contains the internal message.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::glue::*;
use super::{ApiError, Binary, IntoResponse, Request, StatusCode};
use crate::testing;

#[derive(Debug, Clone)]
enum Outcome {
    /// `Ok((status, body))`, as text or as binary.
    Body {
        status: u16,
        bytes: Vec<u8>,
        binary: bool,
    },
    /// `Err(ApiError::new(status, detail))`.
    Api { status: u16, detail: String },
    /// `Err(std error)`: a 500.
    Std { message: String },
    /// A panic: a 500.
    Panic { message: String },
}

impl Outcome {
    fn intended_status(&self) -> u16 {
        match self {
            // A status no client takes as final is a 500 (the handler's mistake, ours).
            Outcome::Body { status, .. } if !(200..=599).contains(status) => 500,
            Outcome::Body { status, .. } | Outcome::Api { status, .. } => *status,
            Outcome::Std { .. } | Outcome::Panic { .. } => 500,
        }
    }
    /// Text the caller must never see in a 5xx.
    fn internal_text(&self) -> Option<&str> {
        match self {
            Outcome::Api { status, detail } if *status >= 500 => Some(detail),
            Outcome::Std { message } | Outcome::Panic { message } => Some(message),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Format {
    V1,
    V2,
    Alb,
}

fn event(format: Format) -> Value {
    match format {
        Format::V1 => json!({
            "httpMethod": "GET", "path": "/p", "headers": { "accept": "*/*" },
            "requestContext": { "httpMethod": "GET", "requestId": "req-1" }, "body": null
        }),
        Format::V2 => json!({
            "version": "2.0", "rawPath": "/p", "headers": {},
            "requestContext": { "http": { "method": "GET", "path": "/p" }, "requestId": "req-2" }
        }),
        Format::Alb => json!({
            "httpMethod": "GET", "path": "/p", "headers": {},
            "requestContext": { "elb": { "targetGroupArn": "arn:aws:elasticloadbalancing:tg" } }, "body": ""
        }),
    }
}

/// Text unlikely to occur in any generic body by chance.
fn secret() -> impl Strategy<Value = String> {
    "[ -~\n\u{e9}\u{4e2d}]{0,40}".prop_map(|text| format!("SECRET<{text}>"))
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        (
            100u16..=999,
            proptest::collection::vec(any::<u8>(), 0..256),
            any::<bool>()
        )
            .prop_map(|(status, bytes, binary)| Outcome::Body {
                status,
                bytes,
                binary
            }),
        (400u16..=599, secret()).prop_map(|(status, detail)| Outcome::Api { status, detail }),
        secret().prop_map(|message| Outcome::Std { message }),
        secret().prop_map(|message| Outcome::Panic { message }),
    ]
}

fn format() -> impl Strategy<Value = Format> {
    prop_oneof![Just(Format::V1), Just(Format::V2), Just(Format::Alb)]
}

async fn run(outcome: Outcome, format: Format) -> Value {
    let handler = lambda(
        "prop",
        crate::handler::no_init,
        move |_: Request, _: &'static (), _| {
            let outcome = outcome.clone();
            async move {
                match outcome {
                    Outcome::Body {
                        status,
                        bytes,
                        binary,
                    } => {
                        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                        if binary {
                            respond((status, Binary::new("application/octet-stream", bytes)))
                        } else {
                            respond(
                                (status, String::from_utf8_lossy(&bytes).into_owned())
                                    .into_response(),
                            )
                        }
                    }
                    Outcome::Api { status, detail } => {
                        let status = StatusCode::from_u16(status)
                            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                        fail(ApiError::new(status, detail))
                    }
                    Outcome::Std { message } => fail(std::io::Error::other(message)),
                    Outcome::Panic { message } => panic!("{message}"),
                }
            }
        },
    );
    let reply = testing::invoke(&handler, event(format)).await;
    reply.unwrap_or_else(|error| panic!("an API Gateway caller got an invocation error: {error:?}"))
}

fn check(envelope: &Value, outcome: &Outcome, format: Format) -> Result<(), TestCaseError> {
    let object = envelope
        .as_object()
        .ok_or_else(|| TestCaseError::fail("envelope is not an object"))?;
    let status = object.get("statusCode").and_then(Value::as_u64);
    prop_assert_eq!(
        status,
        Some(u64::from(outcome.intended_status())),
        "{}",
        envelope
    );
    prop_assert!(
        object.get("body").is_some_and(Value::is_string),
        "body is not a string: {}",
        envelope
    );
    prop_assert!(
        object.get("isBase64Encoded").is_some_and(Value::is_boolean),
        "{}",
        envelope
    );
    prop_assert!(
        object.get("headers").is_some_and(Value::is_object),
        "{}",
        envelope
    );
    match format {
        Format::V1 => prop_assert!(
            object
                .get("multiValueHeaders")
                .is_some_and(Value::is_object),
            "{}",
            envelope
        ),
        Format::V2 => prop_assert!(
            object.get("cookies").is_some_and(Value::is_array),
            "{}",
            envelope
        ),
        Format::Alb => prop_assert!(
            object
                .get("statusDescription")
                .is_some_and(Value::is_string),
            "{}",
            envelope
        ),
    }
    if let Some(secret) = outcome.internal_text() {
        let text = envelope.to_string();
        prop_assert!(!text.contains(secret), "internal text leaked: {}", text);
        prop_assert!(!text.contains("SECRET<"), "internal text leaked: {}", text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_outcome_is_an_honest_well_formed_envelope(outcome in outcome(), format in format()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let envelope = runtime.block_on(run(outcome.clone(), format));
        check(&envelope, &outcome, format)?;
    }
}
