//! API Gateway and Application Load Balancer, Lambda *proxy* integration.
//!
//! One handler serves the three request formats: REST API (payload 1.0), HTTP API (payload
//! 2.0, also Lambda function URLs) and ALB. The glue tells them apart, hands the handler one
//! [`Request`] view, and answers in the request's own format:
//!
//! - success is what the handler returns, through [`IntoResponse`]: [`Json`] for data (200,
//!   `application/json`), `(StatusCode, R)` for another status, `()` for 204, [`Binary`] for
//!   bytes (base64 on the wire), [`Response::builder`] for headers and cookies;
//! - failure is an [`ApiError`] with the status it means, sent as an RFC 9457
//!   `application/problem+json` body with the request id. A 5xx never carries the error's text
//!   (it is logged, with its source chain, the method and the path);
//! - a panic is a 500, a handler still running at Lambda's deadline a 504, a response over
//!   Lambda's 6 MB limit a 500: each a proper envelope the client can read, never the
//!   gateway's bare 502 `{"message": "Internal server error"}`;
//! - a payload that is none of the three formats is an invocation error: the function is
//!   wired to the wrong caller. The message says what the payload is when it can tell: a
//!   Lambda authorizer's input (`methodArn` or `routeArn`; an authorizer is a different caller,
//!   which wants a policy back, not an HTTP response), a WebSocket route's input
//!   (`requestContext.eventType`), an Amazon Connect event, a batch of records.
//!
//! [`Request::path`] is the same in every format: the path without an HTTP API stage's segment
//! (payload 2.0 puts a named stage in front of `rawPath`, payload 1.0 never does);
//! [`Request::raw_path`] is the path as the event sent it.
//!
//! The envelope: REST API `{statusCode, headers, multiValueHeaders, body, isBase64Encoded}`
//! (names with several values, `set-cookie` included, in `multiValueHeaders`); HTTP API
//! `{statusCode, headers, cookies, body, isBase64Encoded}` (`cookies` always present, repeated
//! header names joined with `, `); ALB `{statusCode, statusDescription, headers or
//! multiValueHeaders, body, isBase64Encoded}`, multi-value when the request came with
//! `multiValueHeaders`. `body` is always a string: `""` when there is none, as for a 204.
//!
//! ```
//! use lambda_contract::apigw::{ApiError, IntoResponse, Json, StatusCode};
//!
//! #[derive(serde::Serialize)]
//! struct User { id: u32, name: String }
//!
//! fn find(id: u32) -> Result<Json<User>, ApiError> {
//!     match id {
//!         7 => Ok(Json(User { id, name: "Ada".into() })),
//!         _ => Err(ApiError::not_found(format!("no user {id}"))),
//!     }
//! }
//!
//! assert_eq!(find(7).into_response().status(), StatusCode::OK);
//! assert_eq!(find(8).into_response().status(), StatusCode::NOT_FOUND);
//! ```

pub mod custom;
mod envelope;
mod error;
mod event;
mod extract;
#[cfg(test)]
mod properties;
mod request;
mod response;

use std::time::Duration;

use lambda_runtime::{Context, Diagnostic};

use crate::contract::{parse_json, Contract, DecodeError, Reply};

pub use envelope::MAX_RESPONSE_BYTES;
pub use error::{ApiError, SERVER_ERROR_DETAIL};
pub use extract::{FromRequest, FromRequestParts, Json, Path, Query};
pub use http::{Method, StatusCode};
pub use request::{PayloadFormat, Request};
pub use response::{Binary, IntoResponse, Response, ResponseBuilder};

use envelope::Meta;
use event::RawEvent;

/// The API Gateway / ALB proxy contract, as the generated glue uses it.
#[doc(hidden)]
#[derive(Debug)]
pub struct ApiGateway {
    name: &'static str,
}

impl Contract for ApiGateway {
    type Event = RawEvent;
    type Input = Request;
    type Output = glue::Outcome;
    type Meta = Meta;

    fn parse(&self, text: &str) -> Result<RawEvent, DecodeError> {
        parse_json(text)
    }

    fn decode(
        &self,
        event: Result<RawEvent, DecodeError>,
        context: &Context,
    ) -> Result<(Request, Meta), Reply> {
        let decoded = event
            .map_err(|error| event::not_an_event(&error))
            .and_then(|raw| event::decode(raw, &context.request_id))
            .map_err(|message| Err(invalid_event(message, context)))?;
        let meta = Meta::of(&decoded.request, decoded.multi_value);
        match decoded.body_error {
            Some(error) => Err(envelope::reply(
                self.name,
                error.into_response(),
                &meta,
                &context.request_id,
            )),
            None => Ok((decoded.request, meta)),
        }
    }

    fn encode(&self, output: glue::Outcome, meta: &Meta, request_id: &str) -> Reply {
        envelope::reply(self.name, output.into_response(), meta, request_id)
    }

    fn panicked(&self, message: &str, meta: &Meta, request_id: &str) -> Reply {
        let error = ApiError::panicked(message);
        envelope::reply(self.name, error.into_response(), meta, request_id)
    }

    fn timed_out(&self, limit: Duration, meta: &Meta, request_id: &str) -> Reply {
        let error = ApiError::timed_out(limit);
        envelope::reply(self.name, error.into_response(), meta, request_id)
    }
}

fn invalid_event(message: String, context: &Context) -> Diagnostic {
    tracing::error!(request_id = %context.request_id, error = %message, "the handler was not called");
    Diagnostic {
        error_type: "InvalidApiGatewayEvent".to_owned(),
        error_message: message,
    }
}

/// What the `#[apigw_proxy]` expansion calls. Each call is spanned at the user's token it
/// judges, and calls a trait's function as `<T as Trait>::f(..)` (`T` a parameter's type, or
/// `_` for a return value): the bound is then the call's own, reported at `T` with the
/// trait's `on_unimplemented` and no note pointing into this module.
///
/// A generated handler reads its parameters with [`FromRequestParts`] (`Path<T>`, `Query<T>`,
/// `Context`) and, for the last one, with [`FromRequest`] (`Json<T>`, `Request`, or a parts
/// extractor); the state `&S` is passed as is. A rejection is answered at once. The handler's
/// return value goes through [`IntoResponse`](glue::IntoResponse) (a plain value, or the
/// `Ok`) and [`HandlerError`](glue::HandlerError) (the `Err`). The generic functions
/// ([`part`](glue::part), [`body`](glue::body), [`respond`](glue::respond),
/// [`fail`](glue::fail), [`outcome`](glue::outcome)) do the same, for hand-written glue.
#[doc(hidden)]
pub mod glue {
    use std::future::Future;

    use lambda_runtime::Context;

    use super::{ApiError, ApiGateway, Request, Response};
    use crate::handler::{Init, Lambda};

    pub use super::extract::{FromRequest, FromRequestParts};
    pub use super::response::IntoResponse;

    /// What an API Gateway handler's call came to, once converted.
    pub type Outcome = Result<Response, ApiError>;

    /// Assembles an API Gateway / ALB handler's glue. There is no caller timeout of its own
    /// (API Gateway's integration timeout is configured outside the code): Lambda's remaining
    /// time bounds the handler, and running out of it is a 504.
    pub fn lambda<I, F, Fut>(name: &'static str, init: I, function: F) -> Lambda<ApiGateway, I, F>
    where
        I: Init,
        F: Fn(Request, &'static I::State, &Context) -> Fut,
        Fut: Future<Output = Outcome>,
    {
        Lambda::new(name, ApiGateway { name }, init, None, function)
    }

    /// A `Result`, as [`into_result`] takes it.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a `Result`",
        label = "expected `Result<R, E>`",
        note = "an API Gateway handler returns a response (`Json<T>`, `(StatusCode, R)`, `()`, ..) or \
                `Result<R, E>` where `R` is a response and `E` is `ApiError` or a `std::error::Error`"
    )]
    pub trait IsResult {
        /// The success type.
        type Ok;
        /// The error type.
        type Err;
        /// The `Result` itself.
        fn into_result(self) -> Result<Self::Ok, Self::Err>;
    }

    impl<T, E> IsResult for Result<T, E> {
        type Ok = T;
        type Err = E;
        fn into_result(self) -> Result<T, E> {
            self
        }
    }

    crate::glue::api_handler_error!(
        message = "`{Self}` cannot be an API Gateway handler's error",
        note = "return `ApiError` with the status the failure means (`ApiError::not_found(..)`, \
                `ApiError::bad_request(..)`, ..), or any `std::error::Error + Send + Sync + 'static` \
                (a 500 whose text is logged, never sent); `?` converts either",
    );

    /// Marks the [`HandlerError`] of everything `Into<ApiError>`.
    #[derive(Debug)]
    pub enum ViaInto {}

    /// Marks the [`HandlerError`] of a boxed `dyn Error`, which cannot be `Into<ApiError>`
    /// beside the blanket conversion from every `std::error::Error`.
    #[derive(Debug)]
    pub enum ViaBox {}

    /// The handler's return value, converted in one call (spanned at the return type): a
    /// response, or a `Result` whose `Ok` is a response and whose `Err` converts into
    /// [`ApiError`]. (A `lambda_contract::Error` needs the split [`respond`]/[`fail`] form.)
    pub fn outcome<R: IntoResponse>(value: R) -> Outcome {
        respond(value)
    }

    /// The handler's return value as a `Result`, for expansions that convert the `Ok` and the
    /// `Err` separately (with [`respond`] and [`fail`], each spanned at its own type).
    pub fn into_result<R: IsResult>(result: R) -> Result<R::Ok, R::Err> {
        result.into_result()
    }

    /// A successful return value, as the response.
    pub fn respond<R: IntoResponse>(value: R) -> Outcome {
        Ok(value.into_response())
    }

    /// A handler's error, or an extractor's rejection, as the failure the client is told.
    pub fn fail<E: HandlerError<M>, M>(error: E) -> Outcome {
        Err(error.into_api_error())
    }

    /// A parameter read without consuming the request.
    pub fn part<T: FromRequestParts>(request: &Request, context: &Context) -> Result<T, ApiError> {
        T::from_request_parts(request, context)
    }

    /// The last parameter, which may consume the request.
    pub fn body<T: FromRequest>(request: Request, context: &Context) -> Result<T, ApiError> {
        T::from_request(request, context)
    }
}

#[cfg(test)]
mod tests {

    use super::glue::*;
    use super::*;
    use crate::test_logs::Logs;
    use crate::testing;
    use serde::{Deserialize, Serialize};
    use serde_json::{json, Value};

    // ---- events --------------------------------------------------------------------------

    fn v1(method: &str, path: &str, body: Option<&str>) -> Value {
        json!({
            "resource": "/{proxy+}", "path": path, "httpMethod": method,
            "headers": { "Content-Type": "application/json" },
            "multiValueHeaders": { "Content-Type": ["application/json"] },
            "queryStringParameters": null, "multiValueQueryStringParameters": null,
            "pathParameters": { "proxy": path.trim_start_matches('/') },
            "stageVariables": null,
            "requestContext": { "httpMethod": method, "requestId": "gw-v1", "stage": "prod" },
            "body": body, "isBase64Encoded": false
        })
    }

    fn v2(method: &str, path: &str, body: Option<&str>) -> Value {
        json!({
            "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
            "cookies": ["session=abc", "theme=dark"],
            "headers": { "content-type": "application/json" },
            "requestContext": {
                "http": { "method": method, "path": path, "protocol": "HTTP/1.1" },
                "requestId": "gw-v2", "routeKey": "$default", "stage": "$default"
            },
            "body": body, "isBase64Encoded": false
        })
    }

    fn alb(method: &str, path: &str, multi_value: bool) -> Value {
        let mut event = json!({
            "requestContext": { "elb": { "targetGroupArn": "arn:aws:elasticloadbalancing:tg" } },
            "httpMethod": method, "path": path, "body": "", "isBase64Encoded": false
        });
        if multi_value {
            event["multiValueHeaders"] = json!({ "x-forwarded-for": ["1.2.3.4"] });
            event["multiValueQueryStringParameters"] = json!({ "q": ["a%20b"] });
        } else {
            event["headers"] = json!({ "x-forwarded-for": "1.2.3.4" });
            event["queryStringParameters"] = json!({ "q": "a%20b" });
        }
        event
    }

    fn body_of(envelope: &Value) -> Value {
        serde_json::from_str(envelope["body"].as_str().unwrap_or_default()).unwrap_or(Value::Null)
    }

    // ---- a handler taking the whole request ----------------------------------------------

    struct Store {
        greeting: &'static str,
    }

    async fn init_store() -> Result<Store, std::convert::Infallible> {
        Ok(Store { greeting: "hello" })
    }

    #[derive(Serialize)]
    struct Echo {
        greeting: &'static str,
        method: String,
        query: Option<String>,
        cookie: Option<String>,
        lambda_request_id: String,
    }

    async fn route(
        request: Request,
        store: &Store,
        context: Context,
    ) -> Result<Response, ApiError> {
        Ok(match request.path() {
            "/echo" => Json(Echo {
                greeting: store.greeting,
                method: request.method().to_string(),
                query: request.query("q").map(str::to_owned),
                cookie: request.header("cookie").map(str::to_owned),
                lambda_request_id: context.request_id,
            })
            .into_response(),
            "/bytes" => {
                Binary::new("application/octet-stream", request.into_body()).into_response()
            }
            "/missing" => return Err(ApiError::not_found("no such thing")),
            "/boom" => {
                let _ = std::fs::read("/nonexistent/secret-config-hunter2")?;
                ().into_response()
            }
            "/panic" => panic!("deliberate: password=hunter2"),
            "/slow" => {
                tokio::time::sleep(Duration::from_secs(60)).await;
                ().into_response()
            }
            "/big" => "x".repeat(MAX_RESPONSE_BYTES + 1).into_response(),
            "/empty" => ().into_response(),
            "/envelope" => Json(json!({ "statusCode": 200, "body": "{}" })).into_response(),
            "/cookies" => Response::builder()
                .cookie("a=1; HttpOnly")
                .cookie("b=2")
                .header("x-bad", "v\r\nset-cookie: evil=1")
                .json(&json!({ "ok": true })),
            _ => (StatusCode::IM_A_TEAPOT, "unrouted").into_response(),
        })
    }

    /// What `#[apigw_proxy(init = init_store)] async fn route(request: Request, store: &Store,
    /// context: Context)` expands to.
    fn router() -> impl crate::Handler {
        lambda(
            "route",
            init_store,
            |request: Request, state: &'static Store, context: &Context| {
                let call = (|| -> Result<_, ApiError> {
                    let context = part::<Context>(&request, context)?;
                    let request = body::<Request>(request, &context)?;
                    Ok(route(request, state, context))
                })();
                async move {
                    match call {
                        Ok(future) => match into_result(future.await) {
                            Ok(value) => respond(value),
                            Err(error) => fail(error),
                        },
                        Err(rejection) => fail(rejection),
                    }
                }
            },
        )
    }

    // ---- a handler with typed extractors -------------------------------------------------

    #[derive(Deserialize)]
    struct UserPath {
        id: u32,
    }

    #[derive(Deserialize)]
    struct Options {
        notify: Option<bool>,
    }

    #[derive(Deserialize, Serialize)]
    struct Rename {
        name: String,
    }

    async fn rename(
        Path(path): Path<UserPath>,
        Query(options): Query<Options>,
        Json(rename): Json<Rename>,
    ) -> Result<(StatusCode, Json<Value>), std::io::Error> {
        Ok((
            StatusCode::CREATED,
            Json(
                json!({ "id": path.id, "name": rename.name, "notify": options.notify.unwrap_or(false) }),
            ),
        ))
    }

    /// What `#[apigw_proxy] async fn rename(path: Path<UserPath>, options: Query<Options>,
    /// rename: Json<Rename>)` expands to.
    fn renamer() -> impl crate::Handler {
        lambda(
            "rename",
            crate::handler::no_init,
            |request: Request, _: &'static (), context: &Context| {
                let call = (|| -> Result<_, ApiError> {
                    let path = part::<Path<UserPath>>(&request, context)?;
                    let options = part::<Query<Options>>(&request, context)?;
                    let rename_body = body::<Json<Rename>>(request, context)?;
                    Ok(rename(path, options, rename_body))
                })();
                async move {
                    match call {
                        Ok(future) => outcome(future.await),
                        Err(rejection) => fail(rejection),
                    }
                }
            },
        )
    }

    fn rename_event(
        id: Option<&str>,
        query: &str,
        content_type: Option<&str>,
        body: &str,
    ) -> Value {
        let mut event = v2("PUT", "/users/x", Some(body));
        event["rawQueryString"] = json!(query);
        event["pathParameters"] = match id {
            Some(id) => json!({ "id": id }),
            None => json!({}),
        };
        event["headers"] = match content_type {
            Some(content_type) => json!({ "content-type": content_type }),
            None => json!({}),
        };
        event
    }

    async fn rename_status(
        id: Option<&str>,
        query: &str,
        content_type: Option<&str>,
        body: &str,
    ) -> (u16, Value) {
        let envelope = testing::invoke(&renamer(), rename_event(id, query, content_type, body))
            .await
            .unwrap();
        (
            envelope["statusCode"].as_u64().unwrap_or_default() as u16,
            body_of(&envelope),
        )
    }

    // ---- tests ---------------------------------------------------------------------------

    #[tokio::test]
    async fn v1_requests_get_v1_envelopes() {
        let envelope = testing::invoke(&router(), v1("GET", "/echo", None))
            .await
            .unwrap();
        assert_eq!(envelope["statusCode"], 200);
        assert_eq!(
            envelope["headers"],
            json!({ "content-type": "application/json" })
        );
        assert_eq!(envelope["multiValueHeaders"], json!({}));
        assert_eq!(envelope["isBase64Encoded"], false);
        assert!(envelope.get("cookies").is_none());
        assert!(envelope.get("statusDescription").is_none());
        assert_eq!(
            body_of(&envelope),
            json!({ "greeting": "hello", "method": "GET", "query": null, "cookie": null,
                    "lambda_request_id": "local-invocation" })
        );
    }

    #[tokio::test]
    async fn v2_requests_get_v2_envelopes_with_cookies_both_ways() {
        let mut event = v2("POST", "/echo", None);
        event["rawQueryString"] = json!("q=a+b&q=c");
        let envelope = testing::invoke(&router(), event).await.unwrap();
        assert_eq!(envelope["statusCode"], 200);
        assert_eq!(envelope["cookies"], json!([]));
        assert!(envelope.get("multiValueHeaders").is_none());
        let body = body_of(&envelope);
        assert_eq!(body["query"], "a b");
        assert_eq!(body["cookie"], "session=abc; theme=dark");

        let envelope = testing::invoke(&router(), v2("GET", "/cookies", None))
            .await
            .unwrap();
        assert_eq!(envelope["cookies"], json!(["a=1; HttpOnly", "b=2"]));
        assert!(envelope["headers"].get("set-cookie").is_none());
        assert!(envelope["headers"].get("x-bad").is_none(), "{envelope}");
    }

    #[tokio::test]
    async fn alb_requests_get_alb_envelopes_in_their_header_mode() {
        let envelope = testing::invoke(&router(), alb("GET", "/echo", false))
            .await
            .unwrap();
        assert_eq!(envelope["statusCode"], 200);
        assert_eq!(envelope["statusDescription"], "200 OK");
        assert_eq!(envelope["headers"]["content-type"], "application/json");
        assert!(envelope.get("multiValueHeaders").is_none());
        assert_eq!(body_of(&envelope)["query"], "a b");

        let envelope = testing::invoke(&router(), alb("GET", "/cookies", true))
            .await
            .unwrap();
        assert!(envelope.get("headers").is_none());
        assert_eq!(
            envelope["multiValueHeaders"]["set-cookie"],
            json!(["a=1; HttpOnly", "b=2"])
        );
        assert_eq!(
            envelope["multiValueHeaders"]["content-type"],
            json!(["application/json"])
        );

        let envelope = testing::invoke(&router(), alb("GET", "/cookies", false))
            .await
            .unwrap();
        assert_eq!(envelope["headers"]["set-cookie"], "a=1; HttpOnly");
    }

    #[tokio::test]
    async fn alb_problems_use_the_lambda_request_id() {
        let context = testing::context("lambda-req-9", Duration::from_secs(30));
        let envelope =
            testing::invoke_with_context(&router(), alb("GET", "/missing", true), context)
                .await
                .unwrap();
        assert_eq!(envelope["statusDescription"], "404 Not Found");
        assert_eq!(
            envelope["multiValueHeaders"]["content-type"],
            json!(["application/problem+json"])
        );
        assert_eq!(body_of(&envelope)["requestId"], "lambda-req-9");
    }

    #[tokio::test]
    async fn v1_cookies_are_multi_value_headers() {
        let envelope = testing::invoke(&router(), v1("GET", "/cookies", None))
            .await
            .unwrap();
        assert_eq!(
            envelope["multiValueHeaders"]["set-cookie"],
            json!(["a=1; HttpOnly", "b=2"])
        );
        assert_eq!(envelope["headers"]["content-type"], "application/json");
    }

    #[tokio::test]
    async fn client_errors_are_problems_with_their_detail() {
        let envelope = testing::invoke(&router(), v1("GET", "/missing", None))
            .await
            .unwrap();
        assert_eq!(envelope["statusCode"], 404);
        assert_eq!(
            envelope["headers"]["content-type"],
            "application/problem+json"
        );
        assert_eq!(
            body_of(&envelope),
            json!({ "type": "about:blank", "title": "Not Found", "status": 404,
                    "detail": "no such thing", "requestId": "gw-v1" })
        );
    }

    #[tokio::test]
    async fn server_errors_are_logged_once_and_never_sent() {
        let (logs, _guard) = Logs::capture();
        let envelope = testing::invoke(&router(), v2("GET", "/boom", None))
            .await
            .unwrap();
        assert_eq!(envelope["statusCode"], 500);
        let text = envelope.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("No such file"),
            "{text}"
        );
        let body = body_of(&envelope);
        assert_eq!(body["detail"], SERVER_ERROR_DETAIL);
        assert_eq!(body["requestId"], "gw-v2");
        let logged = logs.text();
        assert_eq!(
            logged.matches("secret-config-hunter2").count(),
            0,
            "paths are not in io errors: {logged}"
        );
        assert_eq!(logged.matches("request failed").count(), 1, "{logged}");
        assert!(logged.contains("No such file"), "{logged}");
        assert!(
            logged.contains("request_id=gw-v2") && logged.contains("path=/boom"),
            "{logged}"
        );
        assert!(
            logged.contains("method=GET") && logged.contains("handler=\"route\""),
            "{logged}"
        );
    }

    #[tokio::test]
    async fn panics_are_logged_500_problems() {
        let (logs, _guard) = Logs::capture();
        let envelope = testing::invoke(&router(), v1("GET", "/panic", None))
            .await
            .unwrap();
        assert_eq!(envelope["statusCode"], 500);
        assert!(!envelope.to_string().contains("hunter2"), "{envelope}");
        assert_eq!(body_of(&envelope)["title"], "Internal Server Error");
        let logged = logs.text();
        assert!(
            logged.contains("the handler panicked: deliberate"),
            "{logged}"
        );
        assert!(logged.contains("HandlerPanicked"), "{logged}");
    }

    #[tokio::test]
    async fn lambdas_deadline_is_a_504_problem() {
        let context = testing::context("r-1", Duration::from_millis(60));
        let envelope = testing::invoke_with_context(&router(), v2("GET", "/slow", None), context)
            .await
            .unwrap();
        assert_eq!(envelope["statusCode"], 504);
        let body = body_of(&envelope);
        assert_eq!(body["title"], "Gateway Timeout");
        assert_eq!(body["detail"], SERVER_ERROR_DETAIL);
    }

    #[tokio::test]
    async fn oversized_responses_are_500_problems() {
        let (logs, _guard) = Logs::capture();
        let envelope = testing::invoke(&router(), v1("GET", "/big", None))
            .await
            .unwrap();
        assert_eq!(envelope["statusCode"], 500);
        assert!(logs.text().contains("ResponseTooLarge"), "{}", logs.text());
    }

    #[tokio::test]
    async fn no_content_shape() {
        for event in [
            v1("DELETE", "/empty", None),
            v2("DELETE", "/empty", None),
            alb("DELETE", "/empty", false),
        ] {
            let envelope = testing::invoke(&router(), event).await.unwrap();
            assert_eq!(envelope["statusCode"], 204);
            assert_eq!(envelope["body"], "");
            assert_eq!(envelope["headers"], json!({}));
        }
    }

    #[tokio::test]
    async fn base64_bodies_in_and_out() {
        let mut event = v2("POST", "/bytes", Some("AAH/"));
        event["isBase64Encoded"] = json!(true);
        let envelope = testing::invoke(&router(), event).await.unwrap();
        assert_eq!(envelope["body"], "AAH/");
        assert_eq!(envelope["isBase64Encoded"], true);
        assert_eq!(
            envelope["headers"]["content-type"],
            "application/octet-stream"
        );
    }

    #[tokio::test]
    async fn invalid_base64_is_a_400_without_calling_the_handler() {
        let mut event = v1("GET", "/panic", Some("@@not base64@@"));
        event["isBase64Encoded"] = json!(true);
        let envelope = testing::invoke(&router(), event).await.unwrap();
        assert_eq!(envelope["statusCode"], 400);
        assert!(body_of(&envelope)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("isBase64Encoded"));
    }

    #[tokio::test]
    async fn non_api_payloads_are_invocation_errors() {
        let connect = json!({
            "Name": "ContactFlowEvent",
            "Details": { "ContactData": { "ContactId": "c-1" }, "Parameters": {} }
        });
        for event in [
            connect,
            json!({}),
            json!([]),
            json!([1, 2]),
            json!("GET /"),
            json!({ "requestContext": 1 }),
        ] {
            let error = testing::invoke(&router(), event.clone()).await.unwrap_err();
            assert_eq!(error.error_type, "InvalidApiGatewayEvent", "{event}");
            assert!(
                error
                    .error_message
                    .starts_with("the payload is not an API Gateway or ALB proxy event: "),
                "{event}: {}",
                error.error_message
            );
        }
        let error = testing::invoke(&router(), json!({ "httpMethod": "GET" }))
            .await
            .unwrap_err();
        assert!(
            error.error_message.contains("no `requestContext`"),
            "{}",
            error.error_message
        );
    }

    #[tokio::test]
    async fn a_2xx_json_body_with_a_status_code_member_is_warned_about() {
        let (logs, _guard) = Logs::capture();
        let envelope = testing::invoke(&router(), v2("GET", "/envelope", None))
            .await
            .unwrap();
        assert_eq!(envelope["statusCode"], 200);
        let logged = logs.text();
        assert!(logged.contains("WARN"), "{logged}");
        assert!(
            logged.contains("handler `route`") && logged.contains("top-level `statusCode`"),
            "{logged}"
        );
        let (logs, _guard) = Logs::capture();
        testing::invoke(&router(), v2("GET", "/echo", None))
            .await
            .unwrap();
        assert!(!logs.text().contains("statusCode"), "{}", logs.text());
    }

    #[tokio::test]
    async fn invalid_response_headers_are_dropped_and_logged() {
        let (logs, _guard) = Logs::capture();
        let envelope = testing::invoke(&router(), v1("GET", "/cookies", None))
            .await
            .unwrap();
        assert_eq!(envelope["statusCode"], 200);
        assert!(!envelope.to_string().contains("evil"), "{envelope}");
        assert!(logs.text().contains("x-bad"), "{}", logs.text());
    }

    #[tokio::test]
    async fn extractors_read_path_query_and_body() {
        let (status, body) = rename_status(
            Some("7"),
            "notify=true",
            Some("application/json"),
            r#"{"name":"Ada"}"#,
        )
        .await;
        assert_eq!(status, 201);
        assert_eq!(body, json!({ "id": 7, "name": "Ada", "notify": true }));
    }

    #[tokio::test]
    async fn extractor_rejections_have_their_statuses() {
        let json = Some("application/json");
        let good = r#"{"name":"Ada"}"#;
        assert_eq!(
            rename_status(Some("7"), "", json, r#"{"name":"#).await.0,
            400
        );
        assert_eq!(
            rename_status(Some("7"), "", json, r#"{"name":7}"#).await.0,
            422
        );
        assert_eq!(
            rename_status(Some("7"), "", Some("text/plain"), good)
                .await
                .0,
            415
        );
        assert_eq!(rename_status(Some("7"), "", None, good).await.0, 415);
        assert_eq!(
            rename_status(Some("7"), "notify=perhaps", json, good)
                .await
                .0,
            400
        );
        assert_eq!(rename_status(Some("abc"), "", json, good).await.0, 400);
        let (status, body) = rename_status(None, "", json, good).await;
        assert_eq!(status, 500);
        assert_eq!(body["detail"], SERVER_ERROR_DETAIL);
    }

    #[test]
    fn glue_helpers_convert() {
        assert_eq!(
            respond(()).map(|r| r.status()).ok(),
            Some(StatusCode::NO_CONTENT)
        );
        let error = fail(std::io::Error::other("x")).unwrap_err();
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            fail(ApiError::conflict("c")).unwrap_err().status(),
            StatusCode::CONFLICT
        );
        let boxed: crate::Error = "boxed".into();
        assert_eq!(
            fail(boxed).unwrap_err().status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(into_result(Ok::<u8, ()>(1)), Ok(1));
        let ok: Result<Json<u8>, std::io::Error> = Ok(Json(1));
        assert_eq!(outcome(ok).map(|r| r.status()).ok(), Some(StatusCode::OK));
        let failed: Result<Json<u8>, std::io::Error> = Err(std::io::Error::other("x"));
        assert_eq!(
            outcome(failed).map(|r| r.status()).ok(),
            Some(StatusCode::INTERNAL_SERVER_ERROR)
        );
        let plain = outcome((StatusCode::ACCEPTED, "queued"));
        assert_eq!(plain.map(|r| r.status()).ok(), Some(StatusCode::ACCEPTED));
    }
}
