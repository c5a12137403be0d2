//! Every accepted parameter order, with and without `init`, runs through the generated glue.
use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Context, Error};
use std::collections::HashMap;

struct Config {
    greeting: String,
}

async fn setup() -> Result<Config, std::io::Error> {
    Ok(Config { greeting: "hello".to_owned() })
}

type Map = HashMap<String, String>;

fn reply(text: String) -> Map {
    HashMap::from([("text".to_owned(), text)])
}

mod event_only {
    use super::*;
    #[connect_handler]
    pub async fn handler(event: ConnectEvent) -> Result<Map, Error> {
        Ok(reply(event.contact_id().to_owned()))
    }
}

mod with_state {
    use super::*;
    #[connect_handler(init = setup)]
    pub async fn handler(event: ConnectEvent, config: &Config) -> Result<Map, Error> {
        Ok(reply(format!("{} {}", config.greeting, event.contact_id())))
    }
}

mod with_context {
    use super::*;
    #[connect_handler(timeout_ms = 3000)]
    pub async fn handler(_event: ConnectEvent, context: Context) -> Result<Map, Error> {
        Ok(reply(context.request_id))
    }
}

mod state_then_context {
    use super::*;
    #[connect_handler(init = setup, timeout_ms = 1)]
    pub async fn handler(_event: ConnectEvent, config: &Config, context: Context) -> Result<Map, Error> {
        Ok(reply(format!("{} {}", config.greeting, context.request_id)))
    }
}

mod context_then_state {
    use super::*;
    #[connect_handler(init = crate::setup, timeout_ms = 8000)]
    pub async fn handler(_event: ConnectEvent, context: Context, config: &Config) -> Result<Map, Error> {
        Ok(reply(format!("{} {}", context.request_id, config.greeting)))
    }
}

mod init_without_state {
    use super::*;
    #[connect_handler(init = setup)]
    pub async fn handler(_event: ConnectEvent) -> Result<(), std::io::Error> {
        Ok(())
    }
}

fn event() -> serde_json::Value {
    serde_json::json!({
        "Name": "ContactFlowEvent",
        "Details": { "ContactData": { "ContactId": "c-1", "Channel": "VOICE" }, "Parameters": null }
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    use lambda_contract::testing::invoke;
    let text = |value: serde_json::Value| value["text"].as_str().unwrap().to_owned();
    assert_eq!(text(invoke(&event_only::handler_lambda(), event()).await.unwrap()), "c-1");
    assert_eq!(text(invoke(&with_state::handler_lambda(), event()).await.unwrap()), "hello c-1");
    assert_eq!(text(invoke(&with_context::handler_lambda(), event()).await.unwrap()), "local-invocation");
    assert_eq!(text(invoke(&state_then_context::handler_lambda(), event()).await.unwrap()), "hello local-invocation");
    assert_eq!(text(invoke(&context_then_state::handler_lambda(), event()).await.unwrap()), "local-invocation hello");
    assert_eq!(invoke(&init_without_state::handler_lambda(), event()).await.unwrap(), serde_json::json!({}));
}
