//! Benchmark twin of `tests/src/bin/concurrent_echo.rs`, written the way lambda_runtime's docs
//! show a Lambda Managed Instances function, without lambda-contract: `run_concurrent` serves
//! `AWS_LAMBDA_MAX_CONCURRENCY` invocations at once.
//!
//! It answers the contact's `id` parameter and its request id after waiting `delay_ms`.

use std::collections::HashMap;
use std::time::Duration;

use aws_lambda_events::connect::{ConnectEvent, ConnectResponse};
use lambda_runtime::layers::TracingLayer;
use lambda_runtime::{service_fn, tracing, Error, LambdaEvent, Runtime};

async fn echo(event: LambdaEvent<ConnectEvent>) -> Result<ConnectResponse, Error> {
    let (event, context) = event.into_parts();
    let parameters = &event.details.parameters;
    let id = parameters.get("id").ok_or("missing parameter `id`")?.clone();
    let delay: u64 = parameters
        .get("delay_ms")
        .ok_or("missing parameter `delay_ms`")?
        .parse()?;
    tokio::time::sleep(Duration::from_millis(delay)).await;
    Ok(HashMap::from([
        ("id".to_owned(), id),
        ("requestId".to_owned(), context.request_id),
    ]))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    Runtime::new(service_fn(echo))
        .layer(TracingLayer::new())
        .run_concurrent()
        .await
}
