//! Faults injected into the real glue, in-process: a handler that panics, hangs past its
//! deadline or answers too much; requests with invalid UTF-8, invalid base64, a 10 MB body,
//! JSON nested 10,000 deep, header values carrying CR/LF, thousands of headers. In every case
//! nothing panics the process, an API Gateway caller gets a well-formed envelope with an
//! honest status, a Connect caller gets an invocation error for a failure, and no 5xx body
//! or error message carries internal text.

use std::time::Duration;

use base64::Engine;
use lambda_contract::testing::{context, invoke, invoke_raw};
use serde_json::{json, Value};

mod connect {
    use lambda_contract::connect::ConnectEvent;
    use lambda_contract::{connect_handler, Error};
    use std::collections::HashMap;
    use std::time::Duration;

    #[connect_handler(timeout_ms = 200)]
    pub async fn faulty(event: ConnectEvent) -> Result<HashMap<String, String>, Error> {
        match event.parameter("fault")? {
            "panic" => panic!("secret panic text"),
            "hang" => {
                tokio::time::sleep(Duration::from_secs(600)).await;
                Ok(HashMap::new())
            }
            "big" => Ok(HashMap::from([("blob".to_owned(), "x".repeat(40 * 1024))])),
            "fits" => Ok(HashMap::from([("blob".to_owned(), "x".repeat(30 * 1024))])),
            other => Ok(HashMap::from([("fault".to_owned(), other.to_owned())])),
        }
    }
}

mod apigw {
    use lambda_contract::apigw::{ApiError, Request, Response};
    use lambda_contract::apigw_proxy;
    use std::time::Duration;

    #[apigw_proxy]
    pub async fn faulty(request: Request) -> Result<Response, ApiError> {
        match request.path() {
            "/panic" => panic!("secret panic text"),
            "/hang" => {
                tokio::time::sleep(Duration::from_secs(600)).await;
                Ok(Response::builder().empty())
            }
            "/huge" => Ok(Response::builder().text("x".repeat(7 * 1024 * 1024))),
            "/echo-json" => {
                let value: serde_json::Value = request.json()?;
                Ok(Response::builder().json(&value))
            }
            "/echo-text" => {
                Ok(Response::builder().text(String::from_utf8_lossy(request.body()).into_owned()))
            }
            "/length" => Ok(Response::builder().text(request.body().len().to_string())),
            "/headers" => Ok(Response::builder()
                .header("x-count", request.header("x-count").unwrap_or("none"))
                .header("x-injected", "ok\r\nset-cookie: stolen=1")
                .text("headers")),
            _ => Err(ApiError::not_found("no route")),
        }
    }
}

mod apigw_json {
    use lambda_contract::apigw::Json;
    use lambda_contract::apigw_proxy;

    #[apigw_proxy]
    pub async fn json_body(Json(value): Json<serde_json::Value>) -> Json<serde_json::Value> {
        Json(value)
    }
}

fn connect_event(fault: &str) -> Value {
    json!({
        "Name": "ContactFlowEvent",
        "Details": { "ContactData": { "ContactId": "c-fault", "Channel": "VOICE" }, "Parameters": { "fault": fault } }
    })
}

fn v2(path: &str, body: Option<&str>, base64: bool, headers: Value) -> Value {
    json!({
        "version": "2.0",
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": { "http": { "method": "POST", "path": path }, "requestId": "r-fault" },
        "body": body,
        "isBase64Encoded": base64
    })
}

fn json_headers() -> Value {
    json!({ "content-type": "application/json" })
}

/// Checks the envelope invariants and returns the status.
fn check_envelope(envelope: &Value) -> u64 {
    assert!(
        envelope["body"].is_string(),
        "body is not a string: {envelope}"
    );
    assert!(
        envelope["cookies"].is_array(),
        "a 2.0 envelope without cookies: {envelope}"
    );
    assert!(envelope["isBase64Encoded"].is_boolean(), "{envelope}");
    let status = envelope["statusCode"]
        .as_u64()
        .unwrap_or_else(|| panic!("no statusCode: {envelope}"));
    if status >= 500 {
        assert!(
            !envelope.to_string().contains("secret"),
            "internal text leaked: {envelope}"
        );
    }
    status
}

#[tokio::test]
async fn connect_faults_are_invocation_errors() {
    let handler = connect::faulty_lambda();
    let error = invoke(&handler, connect_event("panic")).await.unwrap_err();
    assert_eq!(error.error_type, "HandlerPanicked");

    let error = invoke(&handler, connect_event("hang")).await.unwrap_err();
    assert_eq!(error.error_type, "HandlerTimedOut");
    assert!(
        error.error_message.contains("200 ms"),
        "{}",
        error.error_message
    );

    let error = invoke(&handler, connect_event("big")).await.unwrap_err();
    assert_eq!(error.error_type, "ResponseTooLarge");
    assert!(
        error.error_message.contains("bytes"),
        "{}",
        error.error_message
    );

    let out = invoke(&handler, connect_event("fits")).await.unwrap();
    assert_eq!(out["blob"].as_str().map(str::len), Some(30 * 1024));
}

#[tokio::test]
async fn connect_hangs_are_bounded_by_lambdas_remaining_time_too() {
    let error = lambda_contract::testing::invoke_with_context(
        &connect::faulty_lambda(),
        connect_event("hang"),
        context("r-1", Duration::from_millis(80)),
    )
    .await
    .unwrap_err();
    assert_eq!(error.error_type, "HandlerTimedOut");
}

#[tokio::test]
async fn a_deeply_nested_event_is_an_invocation_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let payload = format!(r#"{{"Name":"ContactFlowEvent","Details":{deep}}}"#);
    let error = invoke_raw(
        &connect::faulty_lambda(),
        payload.as_bytes(),
        context("r", Duration::from_secs(5)),
    )
    .await
    .unwrap_err();
    assert_eq!(error.error_type, "InvalidConnectEvent");

    let apigw_payload = format!(r#"{{"version":"2.0","rawPath":"/","requestContext":{deep}}}"#);
    let error = invoke_raw(
        &apigw::faulty_lambda(),
        apigw_payload.as_bytes(),
        context("r", Duration::from_secs(5)),
    )
    .await
    .unwrap_err();
    assert_eq!(error.error_type, "InvalidApiGatewayEvent");
}

#[tokio::test]
async fn apigw_panics_hangs_and_huge_responses_are_5xx_envelopes() {
    let handler = apigw::faulty_lambda();
    let out = invoke(&handler, v2("/panic", None, false, json!({})))
        .await
        .unwrap();
    assert_eq!(check_envelope(&out), 500);

    let out = lambda_contract::testing::invoke_with_context(
        &handler,
        v2("/hang", None, false, json!({})),
        context("r-hang", Duration::from_millis(80)),
    )
    .await
    .unwrap();
    assert_eq!(check_envelope(&out), 504);

    let out = invoke(&handler, v2("/huge", None, false, json!({})))
        .await
        .unwrap();
    assert_eq!(check_envelope(&out), 500);
    assert!(
        out.to_string().len() < 4096,
        "the oversized body was replaced, not sent"
    );
}

#[tokio::test]
async fn hostile_bodies_get_honest_4xx_or_are_read_safely() {
    let handler = apigw::faulty_lambda();
    let engine = base64::engine::general_purpose::STANDARD;

    // Invalid base64 flagged as base64: the client's mistake.
    let out = invoke(
        &handler,
        v2("/echo-text", Some("%%%not base64%%%"), true, json!({})),
    )
    .await
    .unwrap();
    assert_eq!(check_envelope(&out), 400);

    // Valid base64 of invalid UTF-8: the bytes arrive intact; JSON of them is a 400.
    let invalid_utf8 = engine.encode([0xff, 0xfe, b'{', 0xc3]);
    let out = invoke(
        &handler,
        v2("/length", Some(&invalid_utf8), true, json!({})),
    )
    .await
    .unwrap();
    assert_eq!(
        (check_envelope(&out), out["body"].as_str()),
        (200, Some("4"))
    );
    let out = invoke(
        &handler,
        v2("/echo-json", Some(&invalid_utf8), true, json_headers()),
    )
    .await
    .unwrap();
    assert_eq!(check_envelope(&out), 400);

    // A 10 MB body is read; echoing it would exceed 6 MB, which is a 500 envelope, not a 502.
    let ten_mb = "y".repeat(10 * 1024 * 1024);
    let out = invoke(&handler, v2("/length", Some(&ten_mb), false, json!({})))
        .await
        .unwrap();
    assert_eq!(
        (check_envelope(&out), out["body"].as_str()),
        (200, Some("10485760"))
    );
    let out = invoke(&handler, v2("/echo-text", Some(&ten_mb), false, json!({})))
        .await
        .unwrap();
    assert_eq!(check_envelope(&out), 500);

    // JSON nested 10,000 deep in the body: a 400, never a stack overflow.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let out = invoke(
        &apigw_json::json_body_lambda(),
        v2("/", Some(&deep), false, json_headers()),
    )
    .await
    .unwrap();
    assert_eq!(check_envelope(&out), 400);
}

#[tokio::test]
async fn header_injection_and_floods_do_not_break_the_envelope() {
    let handler = apigw::faulty_lambda();
    // Thousands of request headers, one of them carrying CR/LF.
    let mut headers = serde_json::Map::new();
    for index in 0..5000 {
        headers.insert(format!("x-header-{index}"), json!(format!("value {index}")));
    }
    headers.insert("x-count".to_owned(), json!("5000\r\nset-cookie: evil=1"));
    let out = invoke(
        &handler,
        v2("/headers", None, false, Value::Object(headers)),
    )
    .await
    .unwrap();
    assert_eq!(check_envelope(&out), 200);
    // A response header value with CR/LF is dropped, never sent as a second header.
    let sent = out["headers"].as_object().unwrap();
    assert!(
        sent.values()
            .all(|value| !value.as_str().unwrap_or("").contains('\n')),
        "{out}"
    );
    assert!(sent.get("x-injected").is_none(), "{out}");
    assert!(out["cookies"].as_array().unwrap().is_empty(), "{out}");
}
