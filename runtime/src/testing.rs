//! Running a handler's whole glue in-process, JSON in and JSON out, for tests.
//!
//! Each handler macro generates, beside the function it decorates, a function with the same
//! name and a `_lambda` suffix that returns the glue. Invoking it runs exactly what runs in
//! Lambda (decoding the event, `init` on first use, the deadline, panic capture, encoding)
//! and returns what Lambda would receive: the response JSON, or the invocation error.
//!
//! ```
//! use lambda_contract::connect::ConnectEvent;
//! use lambda_contract::{connect_handler, Error};
//! use std::collections::HashMap;
//!
//! #[connect_handler]
//! async fn greet(event: ConnectEvent) -> Result<HashMap<String, String>, Error> {
//!     let name = event.parameter("name")?;
//!     Ok(HashMap::from([("greeting".to_owned(), format!("hello {name}"))]))
//! }
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let event = serde_json::json!({
//!     "Name": "ContactFlowEvent",
//!     "Details": {
//!         "ContactData": { "ContactId": "c-1", "Channel": "VOICE" },
//!         "Parameters": { "name": "Ada" }
//!     }
//! });
//! let response = lambda_contract::testing::invoke(&greet_lambda(), event).await;
//! assert_eq!(response.unwrap(), serde_json::json!({ "greeting": "hello Ada" }));
//! # });
//! ```

use lambda_runtime::{Context, Diagnostic};
use serde_json::Value;

use crate::handler::local_context;
use crate::handler::{Driven, Handler};

/// Invokes the glue with an event, under the context local mode uses (request id
/// `local-invocation`, no Lambda deadline).
pub async fn invoke<H: Handler>(handler: &H, event: Value) -> Result<Value, Diagnostic> {
    invoke_with_context(handler, event, local_context()).await
}

/// Invokes the glue with an event and a Lambda context of your own (a request id, a
/// deadline in milliseconds since the Unix epoch).
pub async fn invoke_with_context<H: Handler>(
    handler: &H,
    event: Value,
    context: Context,
) -> Result<Value, Diagnostic> {
    let bytes = serde_json::to_vec(&event).map_err(|error| Diagnostic {
        error_type: "InvalidTestEvent".to_owned(),
        error_message: error.to_string(),
    })?;
    let raw = invoke_raw(handler, &bytes, context).await?;
    serde_json::from_str(raw.get()).map_err(|error| Diagnostic {
        error_type: "InvalidResponse".to_owned(),
        error_message: error.to_string(),
    })
}

/// Invokes the glue with raw event bytes and returns the raw response, byte for byte as it
/// would be posted to the Runtime API.
///
/// It takes the very path an invocation in Lambda takes: the bytes are decoded when it is
/// called, and the future (boxed, as in Lambda) borrows the handler only.
pub fn invoke_raw<'h, H: Handler>(
    handler: &'h H,
    event: &[u8],
    context: Context,
) -> impl std::future::Future<Output = Result<Box<serde_json::value::RawValue>, Diagnostic>> + 'h {
    Driven::invoke(handler, event, context)
}

/// A context for [`invoke_with_context`]: the given request id and a deadline
/// `remaining` from now.
pub fn context(request_id: &str, remaining: std::time::Duration) -> Context {
    let mut context = Context::default();
    context.request_id = request_id.to_owned();
    let deadline = std::time::SystemTime::now() + remaining;
    context.deadline = deadline
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_millis() as u64)
        .unwrap_or(0);
    context
}
