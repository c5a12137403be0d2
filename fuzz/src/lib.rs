//! What the fuzz targets share: the handlers under test, one tokio runtime, and the
//! invariants every outcome must satisfy.

use std::sync::OnceLock;
use std::time::Duration;

use lambda_contract::Diagnostic;
use serde_json::Value;

/// Text the handlers put in their internal errors and panics: it must never reach a caller.
pub const SECRET: &str = "SECRET-internal-detail";

pub mod connect {
    use lambda_contract::connect::ConnectEvent;
    use lambda_contract::{connect_handler, ConnectResponse, Error};
    use serde::Serialize;

    #[derive(Serialize, ConnectResponse)]
    #[serde(rename_all = "camelCase")]
    pub struct Echo {
        pub value: String,
        pub length: usize,
        pub channel: String,
        pub vip: bool,
        pub address: Option<String>,
    }

    #[connect_handler(timeout_ms = 50)]
    pub async fn echo(event: ConnectEvent) -> Result<Option<Echo>, Error> {
        let value = event.parameter("value")?;
        match value {
            "panic" => panic!("{}", super::SECRET),
            "fail" => return Err(std::io::Error::other(super::SECRET).into()),
            "missing" => return Ok(None),
            "hang" => tokio::time::sleep(std::time::Duration::from_secs(3600)).await,
            _ => {}
        }
        Ok(Some(Echo {
            value: value.to_owned(),
            length: value.len(),
            channel: event.channel().to_string(),
            vip: event.attribute("vip") == Some("true"),
            address: event.customer_address().map(str::to_owned),
        }))
    }
}

pub mod apigw {
    use lambda_contract::apigw::{ApiError, Request, Response, StatusCode};
    use lambda_contract::apigw_proxy;

    /// Routes by path: `/status/NNN` answers NNN, `/error/NNN` fails with NNN, `/std` fails
    /// with a std error, `/panic` panics, `/json` echoes a JSON body, anything else echoes.
    #[apigw_proxy]
    pub async fn route(request: Request) -> Result<Response, ApiError> {
        let path = request.path().to_owned();
        let code = |rest: &str| {
            rest.parse::<u16>()
                .ok()
                .and_then(|code| StatusCode::from_u16(code).ok())
        };
        if let Some(status) = path.strip_prefix("/status/").and_then(code) {
            return Ok(Response::builder()
                .status(status)
                .binary("application/octet-stream", request.body().to_vec()));
        }
        if let Some(status) = path.strip_prefix("/error/").and_then(code) {
            return Err(ApiError::new(
                status,
                format!("{} {}", super::SECRET, status),
            ));
        }
        match path.as_str() {
            "/std" => Err(std::io::Error::other(super::SECRET).into()),
            "/panic" => panic!("{}", super::SECRET),
            "/json" => {
                let value: serde_json::Value = request.json()?;
                Ok(Response::builder().json(&value))
            }
            _ => Ok(Response::builder()
                .header("x-echo", request.header("x-echo").unwrap_or(""))
                .cookie(request.query("cookie").unwrap_or("a=b"))
                .text(String::from_utf8_lossy(request.body()).into_owned())),
        }
    }
}

/// Replaces libfuzzer-sys's abort-on-any-panic hook: the handlers' deliberate panics (which
/// the glue must catch) stay silent, any other panic is printed. A panic that escapes the
/// glue still aborts: libfuzzer-sys catches it at the target's boundary and aborts, so the
/// fuzzer records the input as a crash.
pub fn expect_handler_panics() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text != SECRET {
            report(info);
        }
    }));
}

pub mod custom {
    use lambda_contract::apigw::ApiError;
    use lambda_contract::apigw_custom;
    use serde::{Deserialize, Serialize};

    #[derive(Deserialize)]
    pub struct Input {
        pub status: u16,
        pub text: String,
    }

    #[derive(Serialize)]
    pub struct Output {
        pub text: String,
    }

    /// Answers `status` 200 with the text, fails with any other status (declared or not),
    /// with a std error (status 1), or panics (status 2).
    #[apigw_custom(errors(404, 409, 503))]
    pub async fn handle(input: Input) -> Result<Output, ApiError> {
        match input.status {
            200 => Ok(Output { text: input.text }),
            1 => Err(std::io::Error::other(format!("{} {}", super::SECRET, input.text)).into()),
            2 => panic!("{}", super::SECRET),
            status => Err(lambda_contract::apigw::StatusCode::from_u16(status)
                .map(|code| ApiError::new(code, format!("{} {}", super::SECRET, input.text)))
                .unwrap_or_else(|_| ApiError::internal(super::SECRET))),
        }
    }
}

/// One runtime for every input.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
        })
        .block_on(future)
}

/// A Lambda context with time to spare.
pub fn context() -> lambda_contract::Context {
    lambda_contract::testing::context("fuzz", Duration::from_secs(60))
}

/// A Connect outcome: a flat object of strings, or an invocation error of a known type with
/// no internal text.
pub fn check_connect(reply: Result<Box<serde_json::value::RawValue>, Diagnostic>) {
    match reply {
        Ok(raw) => {
            let value: Value = serde_json::from_str(raw.get()).expect("a response is JSON");
            let object = value.as_object().expect("a Connect response is an object");
            assert!(
                object.values().all(Value::is_string),
                "not a STRING_MAP: {value}"
            );
            assert!(
                object.get("found").is_some_and(Value::is_string),
                "no found flag: {value}"
            );
        }
        Err(error) => {
            let known = [
                "InvalidConnectEvent",
                "MissingParameter",
                "HandlerPanicked",
                "HandlerTimedOut",
                "ResponseTooLarge",
                "Error",
            ];
            assert!(
                known.contains(&error.error_type.as_str()),
                "unknown errorType: {error:?}"
            );
        }
    }
}

/// An API Gateway outcome: a well-formed envelope (a status, a string body, the format's own
/// fields) whose 5xx body carries no internal text, or an invocation error for a payload that
/// is not an HTTP request.
pub fn check_apigw(reply: Result<Box<serde_json::value::RawValue>, Diagnostic>) -> Option<u16> {
    match reply {
        Ok(raw) => {
            let value: Value = serde_json::from_str(raw.get()).expect("an envelope is JSON");
            let status = value["statusCode"]
                .as_u64()
                .expect("an envelope has a statusCode");
            assert!(
                (200..=599).contains(&status),
                "not a final HTTP status: {value}"
            );
            assert!(value["body"].is_string(), "body is not a string: {value}");
            assert!(value["isBase64Encoded"].is_boolean(), "{value}");
            assert!(
                value["headers"].is_object() || value["multiValueHeaders"].is_object(),
                "{value}"
            );
            if status >= 500 {
                assert!(
                    !raw.get().contains(SECRET),
                    "internal text in a 5xx: {value}"
                );
            }
            Some(status as u16)
        }
        Err(error) => {
            assert_eq!(error.error_type, "InvalidApiGatewayEvent", "{error:?}");
            None
        }
    }
}
