//! A flow block whose execution mode is Asynchronous waits up to 60 seconds: `asynchronous`
//! accepts a `timeout_ms` up to 60000, and defaults to it.
use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};
use std::collections::HashMap;

mod longest {
    use super::*;
    #[connect_handler(asynchronous, timeout_ms = 60000)]
    pub async fn handler(event: ConnectEvent) -> Result<HashMap<String, String>, Error> {
        Ok(HashMap::from([("contact".to_owned(), event.contact_id().to_owned())]))
    }
}

mod timeout_first {
    use super::*;
    #[connect_handler(timeout_ms = 20000, asynchronous)]
    pub async fn handler(_event: ConnectEvent) -> Result<Option<HashMap<String, String>>, Error> {
        Ok(None)
    }
}

mod without_timeout {
    use super::*;
    #[connect_handler(asynchronous)]
    pub async fn handler(_event: ConnectEvent) -> Result<(), Error> {
        Ok(())
    }
}

fn event() -> serde_json::Value {
    serde_json::json!({
        "Name": "ContactFlowEvent",
        "Details": { "ContactData": { "ContactId": "c-1", "Channel": "VOICE" }, "Parameters": {} }
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    use lambda_contract::testing::invoke;
    assert_eq!(invoke(&longest::handler_lambda(), event()).await.unwrap(), serde_json::json!({ "contact": "c-1" }));
    assert_eq!(invoke(&timeout_first::handler_lambda(), event()).await.unwrap(), serde_json::json!({ "found": "false" }));
    assert_eq!(invoke(&without_timeout::handler_lambda(), event()).await.unwrap(), serde_json::json!({}));
}
