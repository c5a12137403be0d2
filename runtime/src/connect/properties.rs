//! Properties of the Connect glue over any contact: any channel, attributes and parameters
//! (strings, numbers, nulls, nested values), null endpoints; and any handler outcome. A
//! success is always a flat object of strings carrying the `found` flag and no HTTP status or
//! error key; a failure is always an invocation error, never a returned object; no error
//! message carries a panic's text.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::glue::*;
use super::ConnectEvent;
use crate::testing;
use lambda_runtime::Context;

#[derive(Debug, Clone)]
enum Outcome {
    Found,
    NotFound,
    Fail,
    Panic,
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[ -~\u{e9}]{0,12}".prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        "[a-z]{0,5}".prop_map(|key| json!({ key: [1, "x"] })),
    ]
}

/// Any key, now and then one a Connect response may not carry at its top level.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[A-Za-z_]{1,8}",
        1 => prop::sample::select(vec!["statusCode", "error", "ERROR_MESSAGE", "http-status"])
            .prop_map(str::to_owned),
    ]
}

fn map() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        proptest::collection::btree_map(key(), value(), 0..6)
            .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
    ]
}

fn event() -> impl Strategy<Value = Value> {
    let channel = prop_oneof![
        Just(json!("VOICE")),
        Just(json!("CHAT")),
        Just(json!("TASK")),
        Just(Value::Null),
        "[A-Z]{0,6}".prop_map(Value::from)
    ];
    let endpoint = prop_oneof![
        Just(Value::Null),
        "[+0-9]{0,12}"
            .prop_map(|address| json!({ "Address": address, "Type": "TELEPHONE_NUMBER" }))
    ];
    (channel, endpoint, map(), map()).prop_map(|(channel, endpoint, attributes, parameters)| {
        json!({
            "Name": "ContactFlowEvent",
            "Details": {
                "ContactData": {
                    "ContactId": "c-prop", "Channel": channel, "CustomerEndpoint": endpoint,
                    "SystemEndpoint": null, "Queue": null, "Attributes": attributes
                },
                "Parameters": parameters
            }
        })
    })
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        Just(Outcome::Found),
        Just(Outcome::NotFound),
        Just(Outcome::Fail),
        Just(Outcome::Panic)
    ]
}

async fn run(event: Value, outcome: Outcome) -> Result<Value, lambda_runtime::Diagnostic> {
    let handler = lambda(
        "prop",
        crate::handler::no_init,
        1000,
        move |event: ConnectEvent, _: &'static (), _: &Context| {
            let outcome = outcome.clone();
            async move {
                let mut echo: std::collections::BTreeMap<String, String> =
                    event.details.parameters.clone().into_iter().collect();
                echo.extend(event.details.contact_data.attributes.clone());
                echo.insert("channel".to_owned(), event.channel().to_string());
                echo.remove("found");
                match outcome {
                    Outcome::Found => respond(Some(echo)),
                    Outcome::NotFound => {
                        respond(None::<std::collections::BTreeMap<String, String>>)
                    }
                    Outcome::Fail => fail(std::io::Error::other("dependency down")),
                    Outcome::Panic => panic!("SECRET-panic"),
                }
            }
        },
    );
    testing::invoke(&handler, event).await
}

/// The keys the handler echoes: the parameters' and the attributes' that the event keeps
/// (a null value is dropped).
fn echoed_keys(event: &Value) -> Vec<String> {
    let event: ConnectEvent = serde_json::from_value(event.clone()).expect("a Connect event");
    let details = event.details;
    details
        .parameters
        .into_keys()
        .chain(details.contact_data.attributes.into_keys())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_contact_and_outcome_keeps_connects_contract(event in event(), outcome in outcome()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let reply = runtime.block_on(run(event.clone(), outcome.clone()));
        let reserved: Vec<String> = echoed_keys(&event).into_iter().filter(|key| super::response::reserved_key(key).is_some()).collect();
        match (&outcome, reply) {
            (Outcome::Found, Err(error)) if !reserved.is_empty() => {
                prop_assert_eq!(error.error_type.as_str(), "InvalidConnectResponse");
                let named = reserved.iter().any(|key| error.error_message.contains(&format!("`{key}`")));
                prop_assert!(named, "{:?}", error);
            }
            (Outcome::Found | Outcome::NotFound, Ok(value)) => {
                prop_assert!(reserved.is_empty() || matches!(outcome, Outcome::NotFound), "{}", value);
                let object = value.as_object().ok_or_else(|| TestCaseError::fail("not an object"))?;
                prop_assert!(object.values().all(Value::is_string), "not a STRING_MAP: {}", value);
                let expected = if matches!(outcome, Outcome::Found) { "true" } else { "false" };
                prop_assert_eq!(object.get("found").and_then(Value::as_str), Some(expected));
            }
            (Outcome::Fail | Outcome::Panic, Err(error)) => {
                prop_assert!(!error.error_message.contains("SECRET") || error.error_type == "HandlerPanicked");
                prop_assert!(["HandlerPanicked", "Error"].contains(&error.error_type.as_str()), "{:?}", error);
            }
            (outcome, reply) => prop_assert!(false, "{:?} gave {:?}", outcome, reply),
        }
    }
}
