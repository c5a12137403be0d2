//! Real event samples that other projects keep as test fixtures (the AWS SDKs, Powertools, the
//! SAM CLI, the Lambda Web Adapter, Amazon Connect integrations), run through the Connect glue
//! and the proxy glue in-process, and checked against the invariants RELIABILITY.md states:
//!
//! - a proxy event (`apigw-v1`, `apigw-v2`, `function-url`, `alb`) gets a well-formed envelope
//!   in its own format (`statusCode` in 200..=599, headers, a string `body`, `isBase64Encoded`)
//!   and never an invocation error; a `*-trimmed` one may get a clear invocation error instead;
//! - a `connect` event decodes and gets a STRING_MAP;
//! - an authorizer's input, a WebSocket route's input and any other event source are never
//!   answered as a success by either glue: the proxy glue's invocation error names an
//!   authorizer or a WebSocket route as such;
//! - nothing panics.
//!
//! Beside them, what the decoding must keep of each request: HTTP API cookies once (not
//! doubled with the `cookie` header), headers found in only one of `headers` and
//! `multiValueHeaders`, and a path without a named stage's prefix.
//!
//! The events are READ from `../shared/fixtures/peer-events/` (beside the repository, listed
//! in its `manifest.json`, with their sources and licenses; `PEER_EVENTS_DIR` names another
//! copy); none is copied here. Without that folder the test says so and passes as skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lambda_contract::testing::{context, invoke_raw};
use serde_json::Value;

mod proxy {
    use lambda_contract::apigw::{Json, Request};
    use lambda_contract::apigw_proxy;
    use serde_json::{json, Value};

    /// Echoes what the glue decoded, so the test can compare it with the event.
    #[apigw_proxy]
    pub async fn echo(request: Request) -> Json<Value> {
        let headers: Vec<Value> = request
            .headers()
            .map(|(name, value)| json!([name, value]))
            .collect();
        Json(json!({
            "method": request.method().as_str(),
            "path": request.path(),
            "rawPath": request.raw_path(),
            "format": format!("{:?}", request.format()),
            "headers": headers,
            "bodyLength": request.body().len(),
            "requestId": request.request_id(),
        }))
    }
}

mod connect {
    use lambda_contract::connect::ConnectEvent;
    use lambda_contract::{connect_handler, ConnectResponse, Error};
    use serde::Serialize;

    /// A business answer of every scalar kind, so the STRING_MAP encoding is exercised.
    #[derive(Serialize, ConnectResponse)]
    #[serde(rename_all = "camelCase")]
    pub struct Summary {
        contact_id: String,
        channel: String,
        parameters: usize,
        attributes: usize,
        has_customer_address: bool,
        queue: Option<String>,
    }

    #[connect_handler]
    pub async fn summary(event: ConnectEvent) -> Result<Option<Summary>, Error> {
        let data = &event.details.contact_data;
        Ok(Some(Summary {
            contact_id: event.contact_id().to_owned(),
            channel: event.channel().to_string(),
            parameters: event.details.parameters.len(),
            attributes: data.attributes.len(),
            has_customer_address: event.customer_address().is_some(),
            queue: data.queue.as_ref().and_then(|queue| queue.name.clone()),
        }))
    }
}

/// aws-lambda-go's sanitized capture of a real function URL request, whose cookies are both in
/// `cookies` and in the `cookie` header (aws-lambda-rust-runtime#586).
const COOKIE_CAPTURE: &str =
    "aws-lambda-go/function-url-request-with-headers-and-cookies-and-text-body.json";

/// `../shared/fixtures/peer-events` from the repository root, or the folder named by
/// `PEER_EVENTS_DIR` (for a checkout that is not beside `shared/`, such as a git worktree).
fn peer_dir() -> PathBuf {
    match std::env::var_os("PEER_EVENTS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/peer-events"),
    }
}

/// What each glue answered the files of one kind.
#[derive(Default)]
struct Tally {
    files: usize,
    envelopes: usize,
    proxy_errors: usize,
    string_maps: usize,
    connect_errors: usize,
}

#[test]
fn peer_events_keep_each_callers_contract() {
    let dir = peer_dir();
    let Ok(manifest) = std::fs::read(dir.join("manifest.json")) else {
        println!(
            "skipped: {} is absent (the peer events live beside the repository)",
            dir.display()
        );
        return;
    };
    let manifest: Vec<Value> = serde_json::from_slice(&manifest).expect("manifest.json is JSON");
    assert!(!manifest.is_empty(), "manifest.json lists no file");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut cookie_capture_seen = false;
    for entry in &manifest {
        let file = entry["file"].as_str().expect("every entry names its file");
        let kind = entry["kind"].as_str().expect("every entry has a kind");
        let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|error| panic!("{file}: {error}"));
        // Lambda never sends a byte order mark; some samples were saved with one (local mode
        // skips it, as RFC 8259 allows). The in-process glue gets the event as Lambda sends it.
        let bytes = bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&bytes)
            .to_vec();
        let event: Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|error| panic!("{file}: {error}"));
        let tally = tallies.entry(kind.to_owned()).or_default();
        tally.files += 1;
        let mut fail = |what: String| failures.push(format!("{file} ({kind}): {what}"));

        let proxy = run(&runtime, &bytes, Glue::Proxy);
        let connect = run(&runtime, &bytes, Glue::Connect);
        let (proxy, connect) = match (proxy, connect) {
            (Ok(proxy), Ok(connect)) => (proxy, connect),
            (proxy, connect) => {
                for panic in [proxy.err(), connect.err()].into_iter().flatten() {
                    fail(panic);
                }
                continue;
            }
        };
        match &proxy {
            Ok(_) => tally.envelopes += 1,
            Err(_) => tally.proxy_errors += 1,
        }
        match &connect {
            Ok(_) => tally.string_maps += 1,
            Err(_) => tally.connect_errors += 1,
        }

        if file == COOKIE_CAPTURE {
            let seen = proxy.as_ref().ok().and_then(|envelope| {
                serde_json::from_str::<Value>(envelope["body"].as_str()?).ok()
            });
            let cookie_headers: Vec<&Value> = seen
                .iter()
                .flat_map(|seen| seen["headers"].as_array().into_iter().flatten())
                .filter(|pair| {
                    pair[0]
                        .as_str()
                        .is_some_and(|n| n.eq_ignore_ascii_case("cookie"))
                })
                .collect();
            if cookie_headers != [&serde_json::json!(["cookie", "foo=bar; hello=hello"])] {
                fail(format!(
                    "the handler read the cookies as {cookie_headers:?}"
                ));
            }
            cookie_capture_seen = true;
        }

        match kind {
            "apigw-v1" | "apigw-v2" | "function-url" | "alb" => {
                match &proxy {
                    Ok(envelope) => {
                        check_envelope(kind, envelope, &mut fail);
                        check_decoded(kind, &event, envelope, &mut fail);
                    }
                    Err(error) => fail(format!(
                        "the proxy glue answered an invocation error: {error}"
                    )),
                }
                refused(
                    &connect,
                    "InvalidConnectEvent",
                    "the Connect glue",
                    &mut fail,
                );
            }
            "apigw-v1-trimmed" => {
                match &proxy {
                    Ok(envelope) => check_envelope("apigw-v1", envelope, &mut fail),
                    Err(error) => expect_error(error, "InvalidApiGatewayEvent", &[], &mut fail),
                }
                refused(
                    &connect,
                    "InvalidConnectEvent",
                    "the Connect glue",
                    &mut fail,
                );
            }
            "connect" => {
                match &connect {
                    Ok(map) => check_string_map(map, &mut fail),
                    Err(error) => fail(format!(
                        "the Connect glue answered an invocation error: {error}"
                    )),
                }
                match &proxy {
                    Ok(envelope) => fail(format!("the proxy glue answered it: {envelope}")),
                    Err(error) => expect_error(
                        error,
                        "InvalidApiGatewayEvent",
                        &["an Amazon Connect contact flow event"],
                        &mut fail,
                    ),
                }
            }
            "connect-trimmed" => {
                match &connect {
                    Ok(map) => check_string_map(map, &mut fail),
                    Err(error) => {
                        expect_error(error, "InvalidConnectEvent", &["ContactData"], &mut fail)
                    }
                }
                refused(
                    &proxy,
                    "InvalidApiGatewayEvent",
                    "the proxy glue",
                    &mut fail,
                );
            }
            "authorizer" => {
                match &proxy {
                    Ok(envelope) => {
                        fail(format!("the proxy glue answered an authorizer: {envelope}"))
                    }
                    Err(error) => expect_error(
                        error,
                        "InvalidApiGatewayEvent",
                        &["Lambda authorizer's input", "a different caller"],
                        &mut fail,
                    ),
                }
                refused(
                    &connect,
                    "InvalidConnectEvent",
                    "the Connect glue",
                    &mut fail,
                );
            }
            "websocket" => {
                match &proxy {
                    Ok(envelope) => fail(format!(
                        "the proxy glue answered a WebSocket route: {envelope}"
                    )),
                    Err(error) => expect_error(
                        error,
                        "InvalidApiGatewayEvent",
                        &["WebSocket API route's input", "a different caller"],
                        &mut fail,
                    ),
                }
                refused(
                    &connect,
                    "InvalidConnectEvent",
                    "the Connect glue",
                    &mut fail,
                );
            }
            "other" => {
                // Where the glue can tell what the payload is, it says so.
                let named: &[&str] = match entry["source"].as_str().unwrap_or_default() {
                    "sqs" | "sns" | "s3" | "dynamodb" | "kinesis" => &["a batch of records"],
                    "eventbridge" | "eventbridge-s3" => &["an EventBridge event"],
                    "bedrock-agent" => &["a Bedrock agent action group's input"],
                    _ => &[],
                };
                match &proxy {
                    Ok(envelope) => fail(format!("the proxy glue answered it: {envelope}")),
                    Err(error) => expect_error(error, "InvalidApiGatewayEvent", named, &mut fail),
                }
                refused(
                    &connect,
                    "InvalidConnectEvent",
                    "the Connect glue",
                    &mut fail,
                );
            }
            other => fail(format!("unknown kind `{other}` in manifest.json")),
        }
    }

    println!("peer events: {} files", manifest.len());
    println!(
        "{:<18} {:>5} {:>10} {:>12} {:>11} {:>14}",
        "kind", "files", "envelopes", "proxy errors", "string maps", "connect errors"
    );
    for (kind, tally) in &tallies {
        println!(
            "{:<18} {:>5} {:>10} {:>12} {:>11} {:>14}",
            kind,
            tally.files,
            tally.envelopes,
            tally.proxy_errors,
            tally.string_maps,
            tally.connect_errors
        );
    }
    assert!(
        cookie_capture_seen,
        "{COOKIE_CAPTURE} is not in manifest.json"
    );
    assert!(
        failures.is_empty(),
        "{} of the invariants failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[derive(Clone, Copy)]
enum Glue {
    Proxy,
    Connect,
}

/// What one glue answered: the response or the invocation error as `errorType: errorMessage`;
/// `Err` when the invocation panicked out of the glue.
type Answer = Result<Value, String>;

fn run(runtime: &tokio::runtime::Runtime, bytes: &[u8], glue: Glue) -> Result<Answer, String> {
    let context = context("peer-request", std::time::Duration::from_secs(30));
    // A panic anywhere in the glue is caught here and reported for this file.
    let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match glue {
        Glue::Proxy => runtime.block_on(invoke_raw(&proxy::echo_lambda(), bytes, context)),
        Glue::Connect => runtime.block_on(invoke_raw(&connect::summary_lambda(), bytes, context)),
    }));
    let name = match glue {
        Glue::Proxy => "the proxy glue",
        Glue::Connect => "the Connect glue",
    };
    match reply {
        Err(_) => Err(format!("{name} panicked")),
        Ok(Ok(raw)) => Ok(serde_json::from_str::<Value>(raw.get())
            .map_err(|error| format!("the response is not JSON: {error}: {}", raw.get()))),
        Ok(Err(diagnostic)) => Ok(Err(format!(
            "{}: {}",
            diagnostic.error_type, diagnostic.error_message
        ))),
    }
}

/// The glue answered with an invocation error of `error_type`, never a success.
fn refused(answer: &Answer, error_type: &str, glue: &str, fail: &mut impl FnMut(String)) {
    match answer {
        Ok(response) => fail(format!("{glue} answered it as a success: {response}")),
        Err(error) => expect_error(error, error_type, &[], fail),
    }
}

fn expect_error(error: &str, error_type: &str, says: &[&str], fail: &mut impl FnMut(String)) {
    if !error.starts_with(&format!("{error_type}: ")) {
        fail(format!(
            "expected an `{error_type}` invocation error, got `{error}`"
        ));
    }
    for words in says {
        if !error.contains(words) {
            fail(format!(
                "the invocation error does not say `{words}`: `{error}`"
            ));
        }
    }
}

/// A well-formed envelope in the format of the event's kind.
fn check_envelope(kind: &str, envelope: &Value, fail: &mut impl FnMut(String)) {
    let status = envelope["statusCode"].as_u64();
    if !matches!(status, Some(200..=599)) {
        fail(format!("statusCode is not in 200..=599: {envelope}"));
    }
    if !envelope["body"].is_string() {
        fail(format!("body is not a string: {envelope}"));
    }
    if !envelope["isBase64Encoded"].is_boolean() {
        fail(format!("isBase64Encoded is not a boolean: {envelope}"));
    }
    let has = |name: &str| envelope.get(name).is_some();
    let headers_ok = match kind {
        "apigw-v1" => {
            envelope["headers"].is_object()
                && envelope["multiValueHeaders"].is_object()
                && !has("cookies")
                && !has("statusDescription")
        }
        "apigw-v2" | "function-url" => {
            envelope["headers"].is_object()
                && envelope["cookies"].is_array()
                && !has("multiValueHeaders")
                && !has("statusDescription")
        }
        "alb" => {
            envelope["statusDescription"].is_string()
                && (envelope["headers"].is_object() != envelope["multiValueHeaders"].is_object())
                && !has("cookies")
        }
        _ => false,
    };
    if !headers_ok {
        fail(format!("not a {kind} envelope: {envelope}"));
    }
}

/// What the echo handler saw, against the event it came from.
fn check_decoded(kind: &str, event: &Value, envelope: &Value, fail: &mut impl FnMut(String)) {
    if envelope["statusCode"] != 200 {
        // A body flagged base64 that is not (hand-edited samples): a 400 before the handler.
        if envelope["statusCode"] != 400 || event["isBase64Encoded"] != true {
            fail(format!("the echo handler was not reached: {envelope}"));
        }
        return;
    }
    let Some(seen) = envelope["body"]
        .as_str()
        .and_then(|body| serde_json::from_str::<Value>(body).ok())
    else {
        return fail(format!("the echo body is not JSON: {envelope}"));
    };
    let expected_format = match kind {
        "apigw-v1" => "V1",
        "alb" => "Alb",
        _ => "V2",
    };
    if seen["format"] != expected_format {
        fail(format!(
            "read as {} rather than {expected_format}",
            seen["format"]
        ));
    }
    let headers: Vec<(String, String)> = seen["headers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|pair| Some((pair[0].as_str()?.to_owned(), pair[1].as_str()?.to_owned())))
        .collect();
    let values_of = |name: &str| -> Vec<&str> {
        headers
            .iter()
            .filter(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    };

    // Every header the event carries, in either map, reaches the handler.
    for map in ["headers", "multiValueHeaders"] {
        for (name, value) in event[map].as_object().into_iter().flatten() {
            let empty = value.is_null() || value.as_array().is_some_and(|values| values.is_empty());
            if !empty && values_of(name).is_empty() {
                fail(format!(
                    "header `{name}` (in `{map}`) did not reach the handler"
                ));
            }
        }
    }

    // HTTP API cookies: the `cookie` header is `cookies` joined, once.
    let cookies: Vec<&str> = event["cookies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !cookies.is_empty() {
        let expected = cookies.join("; ");
        if values_of("cookie") != [expected.as_str()] {
            fail(format!(
                "the cookie header is {:?}, not `cookies` joined ({expected:?})",
                values_of("cookie")
            ));
        }
    }

    // The path never holds the stage, whatever the format; the raw path is as sent.
    let stage = event["requestContext"]["stage"]
        .as_str()
        .unwrap_or("$default");
    let path = seen["path"].as_str().unwrap_or_default();
    let raw_path = seen["rawPath"].as_str().unwrap_or_default();
    let sent = match kind {
        "apigw-v2" | "function-url" => event["rawPath"]
            .as_str()
            .or(event["requestContext"]["http"]["path"].as_str()),
        _ => event["path"].as_str(),
    };
    if let Some(sent) = sent {
        if raw_path != sent {
            fail(format!(
                "raw_path() is {raw_path:?}, the event sent {sent:?}"
            ));
        }
    }
    if expected_format == "V2" && stage != "$default" {
        let prefix = format!("/{stage}");
        let expected = match raw_path.strip_prefix(&prefix) {
            Some("") => "/",
            Some(rest) if rest.starts_with('/') => rest,
            _ => raw_path,
        };
        if path != expected {
            fail(format!(
                "path() is {path:?} for rawPath {raw_path:?} on stage {stage:?}: expected {expected:?}"
            ));
        }
    } else if path != raw_path && !raw_path.is_empty() {
        fail(format!(
            "path() is {path:?} but the event's path is {raw_path:?}"
        ));
    }
}

/// A STRING_MAP: a flat object of strings, with the found flag.
fn check_string_map(map: &Value, fail: &mut impl FnMut(String)) {
    let Some(object) = map.as_object() else {
        return fail(format!("the Connect response is not an object: {map}"));
    };
    if let Some((key, value)) = object.iter().find(|(_, value)| !value.is_string()) {
        fail(format!("`{key}` is not a string ({value}): {map}"));
    }
    if object.get("found").and_then(Value::as_str) != Some("true") {
        fail(format!("no `found: \"true\"`: {map}"));
    }
}
