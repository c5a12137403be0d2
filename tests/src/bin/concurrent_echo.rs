//! A Connect Lambda for the concurrency tests (`tests/concurrency.rs`): it answers its own
//! event's `id` parameter after waiting `delay_ms`, so a response that reaches the wrong
//! request id, or carries another event's data, shows. `panic` panics and `hang` waits past
//! the 300 ms limit, to check that one invocation's failure leaves the others alone.

use std::time::Duration;

use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, ConnectResponse, Context, Error};
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
#[serde(rename_all = "camelCase")]
struct Echo {
    id: String,
    request_id: String,
}

#[connect_handler(timeout_ms = 300)]
async fn echo(event: ConnectEvent, context: Context) -> Result<Echo, Error> {
    let id = event.parameter("id")?.to_owned();
    let delay: u64 = event.parameter("delay_ms")?.parse()?;
    tokio::time::sleep(Duration::from_millis(delay)).await;
    match event.parameter("action").unwrap_or("echo") {
        "panic" => panic!("echo {id} panics on purpose"),
        "hang" => std::future::pending().await,
        _ => Ok(Echo {
            id,
            request_id: context.request_id,
        }),
    }
}
