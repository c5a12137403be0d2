//! Structure-aware API Gateway events: well-formed v1, v2 and ALB requests with arbitrary
//! methods, paths, headers, query strings and bodies (base64 or not), so the fuzzer spends
//! its time past decoding. Beyond the envelope invariants, the status must be the one the
//! route chose.
#![no_main]

use arbitrary::Arbitrary;
use base64::Engine;
use lambda_contract::testing::invoke_raw;
use lambda_contract_fuzz::{apigw, block_on, check_apigw, context};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

#[derive(Debug, Arbitrary)]
enum Format {
    V1,
    V2,
    Alb { multi_value: bool },
}

#[derive(Debug, Arbitrary)]
enum Route {
    Status(u16),
    Error(u16),
    Std,
    Panic,
    Json,
    Echo(String),
}

#[derive(Debug, Arbitrary)]
struct Event {
    format: Format,
    method: String,
    route: Route,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    base64: bool,
}

fuzz_target!(init: lambda_contract_fuzz::expect_handler_panics(), |event: Event| {
    let path = match &event.route {
        Route::Status(code) => format!("/status/{code}"),
        Route::Error(code) => format!("/error/{code}"),
        Route::Std => "/std".to_owned(),
        Route::Panic => "/panic".to_owned(),
        Route::Json => "/json".to_owned(),
        Route::Echo(path) => format!("/echo/{path}"),
    };
    let headers: Map<String, Value> = event.headers.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let query: Map<String, Value> = event.query.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let body = event.body.as_ref().map(|bytes| {
        if event.base64 {
            base64::engine::general_purpose::STANDARD.encode(bytes)
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        }
    });
    let method = if event.method.is_empty() { "GET".to_owned() } else { event.method.clone() };
    let payload = match event.format {
        Format::V1 => json!({
            "httpMethod": method, "path": path, "headers": headers, "queryStringParameters": query,
            "requestContext": { "httpMethod": method, "requestId": "r" }, "body": body, "isBase64Encoded": event.base64
        }),
        Format::V2 => json!({
            "version": "2.0", "rawPath": path, "rawQueryString": "", "headers": headers, "queryStringParameters": query,
            "requestContext": { "http": { "method": method, "path": path }, "requestId": "r" },
            "body": body, "isBase64Encoded": event.base64
        }),
        Format::Alb { multi_value } => {
            let mut alb = json!({
                "httpMethod": method, "path": path, "body": body.unwrap_or_default(), "isBase64Encoded": event.base64,
                "requestContext": { "elb": { "targetGroupArn": "arn:aws:elasticloadbalancing:tg" } }
            });
            if multi_value {
                let multi: Map<String, Value> = headers.into_iter().map(|(k, v)| (k, json!([v]))).collect();
                alb["multiValueHeaders"] = Value::Object(multi);
            } else {
                alb["headers"] = Value::Object(headers);
            }
            alb
        }
    };
    let bytes = serde_json::to_vec(&payload).expect("serializable");
    let status = check_apigw(block_on(invoke_raw(&apigw::route_lambda(), &bytes, context())));
    let Some(status) = status else {
        // Only a method or path the formats cannot carry makes the event unreadable.
        return;
    };
    match event.route {
        Route::Std | Route::Panic => assert_eq!(status, 500),
        Route::Error(code) if (400..=599).contains(&code) => assert_eq!(status, code),
        Route::Status(code) if (200..=599).contains(&code) && !event.base64 => assert_eq!(status, code),
        _ => {}
    }
});
