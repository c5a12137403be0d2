//! Structure-aware Connect events: well-formed contacts with arbitrary channels, endpoints
//! (or nulls), attributes and parameters, so the fuzzer spends its time past decoding and in
//! the handler's outcomes (found, not found, errors, panics, hangs).
#![no_main]

use arbitrary::Arbitrary;
use lambda_contract::testing::invoke_raw;
use lambda_contract_fuzz::{block_on, check_connect, connect, context};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

#[derive(Debug, Arbitrary)]
enum Scalar {
    Text(String),
    Number(i64),
    Flag(bool),
    Null,
}

#[derive(Debug, Arbitrary)]
struct Contact {
    channel: Option<String>,
    address: Option<String>,
    attributes: Option<Vec<(String, Scalar)>>,
    parameters: Option<Vec<(String, Scalar)>>,
    value: Option<String>,
}

fn object(entries: Option<Vec<(String, Scalar)>>) -> Value {
    let Some(entries) = entries else {
        return Value::Null;
    };
    let map: Map<String, Value> = entries
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                Scalar::Text(text) => json!(text),
                Scalar::Number(number) => json!(number),
                Scalar::Flag(flag) => json!(flag),
                Scalar::Null => Value::Null,
            };
            (key, value)
        })
        .collect();
    Value::Object(map)
}

fuzz_target!(init: lambda_contract_fuzz::expect_handler_panics(), |contact: Contact| {
    let mut parameters = object(contact.parameters);
    if let (Some(value), Some(map)) = (contact.value, parameters.as_object_mut()) {
        map.insert("value".to_owned(), json!(value));
    }
    let event = json!({
        "Name": "ContactFlowEvent",
        "Details": {
            "ContactData": {
                "ContactId": "c-fuzz",
                "Channel": contact.channel,
                "CustomerEndpoint": contact.address.map(|address| json!({ "Address": address, "Type": "TELEPHONE_NUMBER" })),
                "SystemEndpoint": null,
                "Attributes": object(contact.attributes)
            },
            "Parameters": parameters
        }
    });
    let bytes = serde_json::to_vec(&event).expect("serializable");
    check_connect(block_on(invoke_raw(&connect::echo_lambda(), &bytes, context())));
});
