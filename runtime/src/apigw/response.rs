//! What a handler may return: [`IntoResponse`] and its implementations, [`Json`], [`Binary`]
//! and the [`Response`] builder.

use http::header::{HeaderName, CONTENT_TYPE, SET_COOKIE};
use http::StatusCode;
use serde::Serialize;

use super::error::ApiError;
use super::extract::Json;

const JSON: &str = "application/json";
const TEXT: &str = "text/plain; charset=utf-8";

/// Something a handler can answer with.
///
/// Implemented for [`Json<T>`] (200, `application/json`), `(StatusCode, R)`, [`StatusCode`]
/// alone (no body), `String` and `&'static str` (`text/plain; charset=utf-8`), `()` (204),
/// [`Binary`], [`Response`] (the builder, for headers and cookies), [`ApiError`], and
/// `Result<R, E>` where `R` is a response and `E` converts into [`ApiError`] (`ApiError`
/// itself, or any `std::error::Error + Send + Sync + 'static`, a 500).
///
/// It is deliberately not implemented for `serde_json::Value`, maps or plain `Serialize`
/// structs: the envelope API Gateway reads would then be guessed. Wrap data in [`Json`].
///
/// ```
/// use lambda_contract::apigw::{IntoResponse, Json, StatusCode};
///
/// let created = (StatusCode::CREATED, Json(vec![1, 2, 3])).into_response();
/// assert_eq!(created.status(), StatusCode::CREATED);
/// assert_eq!(().into_response().status(), StatusCode::NO_CONTENT);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an API Gateway response",
    label = "not an HTTP response",
    note = "wrap data in `Json(..)` so the status is set and the body stringified: `Ok(Json(value))`; \
            `(StatusCode::CREATED, Json(value))` sets another status, `()` answers 204 No Content, \
            a `String` is sent as text, and `Response::builder()` sets headers and cookies; \
            an error type must be `ApiError` or a `std::error::Error`"
)]
pub trait IntoResponse {
    /// Converts the value into a response.
    fn into_response(self) -> Response;
}

/// An HTTP response: a status, headers, cookies and a body. Built by [`IntoResponse`] or, for
/// headers and cookies, by [`Response::builder`].
///
/// ```
/// use lambda_contract::apigw::{Response, StatusCode};
///
/// let response = Response::builder()
///     .status(StatusCode::CREATED)
///     .header("location", "/users/7")
///     .cookie("session=abc; HttpOnly; Secure")
///     .json(&serde_json::json!({ "id": 7 }));
/// assert_eq!(response.status(), StatusCode::CREATED);
/// assert_eq!(response.header("location"), Some("/users/7"));
/// ```
#[derive(Debug)]
pub struct Response(pub(crate) Inner);

#[derive(Debug)]
pub(crate) enum Inner {
    /// A response as it will be sent.
    Ready(Parts),
    /// A failure, rendered as a problem once the request id is known.
    Failed(Box<ApiError>),
}

/// The pieces of a ready response.
#[derive(Debug)]
pub(crate) struct Parts {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(HeaderName, String)>,
    pub(crate) cookies: Vec<String>,
    pub(crate) body: Body,
    /// What was dropped as invalid HTTP, to be logged with the request.
    pub(crate) dropped: Vec<String>,
    /// The body is a JSON object with a top-level `statusCode` member.
    pub(crate) status_code_member: bool,
}

/// A response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    Empty,
    Text(String),
    Binary(Vec<u8>),
}

impl Parts {
    pub(crate) fn new(status: StatusCode) -> Self {
        Parts {
            status,
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::Empty,
            dropped: Vec::new(),
            status_code_member: false,
        }
    }

    /// Adds a header, or records why it was dropped. `set-cookie` goes to the cookies.
    pub(crate) fn push_header(&mut self, name: &str, value: &str) {
        let name = match HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) => name,
            Err(_) => {
                self.dropped
                    .push(format!("header {name:?}: not a valid header name"));
                return;
            }
        };
        if name == SET_COOKIE {
            self.push_cookie(value);
        } else if valid_value(value) {
            self.headers.push((name, value.to_owned()));
        } else {
            self.dropped.push(format!(
                "header `{name}`: its value {value:?} has a control character (CR, LF, NUL, ..)"
            ));
        }
    }

    fn push_cookie(&mut self, cookie: &str) {
        if valid_value(cookie) {
            self.cookies.push(cookie.to_owned());
        } else {
            self.dropped.push(format!(
                "cookie {cookie:?}: it has a control character (CR, LF, NUL, ..)"
            ));
        }
    }

    fn has_header(&self, name: &HeaderName) -> bool {
        self.headers.iter().any(|(n, _)| n == name)
    }

    fn set_body(&mut self, content_type: &str, body: Body) {
        if !self.has_header(&CONTENT_TYPE) {
            self.push_header(CONTENT_TYPE.as_str(), content_type);
        }
        self.body = body;
    }

    fn into_response(self) -> Response {
        Response(Inner::Ready(self))
    }
}

/// A header value may hold anything but control characters (horizontal tab aside).
fn valid_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

impl Response {
    /// Starts a response: 200 unless [`ResponseBuilder::status`] says otherwise.
    pub fn builder() -> ResponseBuilder {
        ResponseBuilder {
            parts: Parts::new(StatusCode::OK),
        }
    }

    /// The status it will be sent with (a failure's status for a failure).
    pub fn status(&self) -> StatusCode {
        match &self.0 {
            Inner::Ready(parts) => parts.status,
            Inner::Failed(error) => error.status(),
        }
    }

    /// The first value of header `name` (case-insensitive); `None` on a failure, whose
    /// headers are set when it is sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        match &self.0 {
            Inner::Ready(parts) => parts
                .headers
                .iter()
                .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
                .map(|(_, value)| value.as_str()),
            Inner::Failed(_) => None,
        }
    }

    fn failed(error: ApiError) -> Self {
        Response(Inner::Failed(Box::new(error)))
    }

    fn json<T: Serialize + ?Sized>(mut parts: Parts, value: &T) -> Self {
        match serde_json::to_string(value) {
            Ok(text) => {
                parts.status_code_member = has_status_code_member(&text);
                parts.set_body(JSON, Body::Text(text));
                parts.into_response()
            }
            Err(error) => Self::failed(ApiError::from(error).named("ResponseNotSerializable")),
        }
    }
}

/// Builds a [`Response`] with headers and cookies; ends with the body.
///
/// A header or cookie that is not valid HTTP (a CR or LF in it, a name with spaces) is
/// dropped, and logged with the request when the response is sent.
#[derive(Debug)]
#[must_use = "a builder does nothing until its body is set: `.json(..)`, `.text(..)`, `.binary(..)` or `.empty()`"]
pub struct ResponseBuilder {
    parts: Parts,
}

impl ResponseBuilder {
    /// Sets the status (200 by default).
    pub fn status(mut self, status: StatusCode) -> Self {
        self.parts.status = status;
        self
    }

    /// Adds a header; repeated names keep every value. A `content-type` set here wins over the
    /// body's own. `set-cookie` is the same as [`cookie`](Self::cookie).
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.parts.push_header(name.as_ref(), value.as_ref());
        self
    }

    /// Adds a `set-cookie` (the whole value: `name=value; Path=/; HttpOnly`). HTTP API
    /// payload 2.0 sends it in `cookies`; the other formats as a multi-value header.
    pub fn cookie(mut self, cookie: impl AsRef<str>) -> Self {
        self.parts.push_cookie(cookie.as_ref());
        self
    }

    /// Ends with a JSON body (`application/json`). A value that cannot be serialized becomes
    /// a logged 500.
    pub fn json<T: Serialize + ?Sized>(self, value: &T) -> Response {
        Response::json(self.parts, value)
    }

    /// Ends with a text body (`text/plain; charset=utf-8`).
    pub fn text(mut self, text: impl Into<String>) -> Response {
        self.parts.set_body(TEXT, Body::Text(text.into()));
        self.parts.into_response()
    }

    /// Ends with a binary body, sent base64-encoded with `isBase64Encoded: true`.
    pub fn binary(mut self, content_type: impl AsRef<str>, bytes: impl Into<Vec<u8>>) -> Response {
        self.parts
            .set_body(content_type.as_ref(), Body::Binary(bytes.into()));
        self.parts.into_response()
    }

    /// Ends with no body.
    pub fn empty(self) -> Response {
        self.parts.into_response()
    }
}

/// A binary body, sent base64-encoded with `isBase64Encoded: true`: 200 with its content type.
///
/// ```
/// use lambda_contract::apigw::{Binary, IntoResponse};
///
/// let png = Binary::new("image/png", vec![0x89, b'P', b'N', b'G']);
/// assert_eq!(png.into_response().header("content-type"), Some("image/png"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binary {
    /// The `content-type` header.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl Binary {
    /// A binary body of the given content type.
    pub fn new(content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Binary {
            content_type: content_type.into(),
            bytes: bytes.into(),
        }
    }
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    /// 200 with the value as `application/json`.
    fn into_response(self) -> Response {
        Response::json(Parts::new(StatusCode::OK), &self.0)
    }
}

impl<R: IntoResponse> IntoResponse for (StatusCode, R) {
    /// `R` with another status (a failure keeps its own).
    fn into_response(self) -> Response {
        let (status, inner) = self;
        let mut response = inner.into_response();
        if let Inner::Ready(parts) = &mut response.0 {
            parts.status = status;
        }
        response
    }
}

impl IntoResponse for StatusCode {
    /// The status with no body.
    fn into_response(self) -> Response {
        Parts::new(self).into_response()
    }
}

impl IntoResponse for String {
    /// 200 with `text/plain; charset=utf-8`.
    fn into_response(self) -> Response {
        Response::builder().text(self)
    }
}

impl IntoResponse for &'static str {
    /// 200 with `text/plain; charset=utf-8`.
    fn into_response(self) -> Response {
        Response::builder().text(self)
    }
}

impl IntoResponse for () {
    /// 204 No Content.
    fn into_response(self) -> Response {
        Parts::new(StatusCode::NO_CONTENT).into_response()
    }
}

impl IntoResponse for Binary {
    /// 200 with the bytes, base64-encoded on the wire.
    fn into_response(self) -> Response {
        Response::builder().binary(self.content_type, self.bytes)
    }
}

impl IntoResponse for ApiError {
    /// The error as a problem response.
    fn into_response(self) -> Response {
        Response::failed(self)
    }
}

impl<R: IntoResponse, E: Into<ApiError>> IntoResponse for Result<R, E> {
    /// The `Ok` as its response; the `Err` as the [`ApiError`] it converts into (any
    /// `std::error::Error` is a 500 whose text is only logged).
    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(error) => Response::failed(error.into()),
        }
    }
}

impl From<ApiError> for Response {
    fn from(error: ApiError) -> Self {
        Response::failed(error)
    }
}

/// Whether the JSON text is an object with a top-level `statusCode` member: a handler
/// building API Gateway's envelope by hand inside a 2xx body. Parses only when the text
/// mentions `"statusCode"` at all.
pub(crate) fn has_status_code_member(json: &str) -> bool {
    json.starts_with('{')
        && json.contains("\"statusCode\"")
        && serde_json::from_str::<StatusCodeMember>(json).is_ok_and(|found| found.0)
}

struct StatusCodeMember(bool);

impl<'de> serde::Deserialize<'de> for StatusCodeMember {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = StatusCodeMember;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut found = false;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    found |= key == "statusCode";
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(StatusCodeMember(found))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(response: Response) -> Parts {
        match response.0 {
            Inner::Ready(parts) => parts,
            Inner::Failed(error) => panic!("expected a ready response, got {error:?}"),
        }
    }

    #[test]
    fn json_is_200_application_json() {
        let parts = parts(Json(serde_json::json!({ "a": 1 })).into_response());
        assert_eq!(parts.status, StatusCode::OK);
        assert_eq!(parts.headers, [(CONTENT_TYPE, JSON.to_owned())]);
        assert_eq!(parts.body, Body::Text(r#"{"a":1}"#.to_owned()));
        assert!(!parts.status_code_member);
    }

    #[test]
    fn unserializable_json_is_a_500_failure() {
        let map = std::collections::HashMap::from([((1, 2), "tuple keys are not JSON")]);
        let response = Json(map).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(matches!(response.0, Inner::Failed(_)));
    }

    #[test]
    fn status_pairs_text_unit_and_status_alone() {
        let created = parts((StatusCode::CREATED, Json(1)).into_response());
        assert_eq!(
            (created.status, created.body),
            (StatusCode::CREATED, Body::Text("1".into()))
        );
        let text = parts("hi".into_response());
        assert_eq!(text.headers, [(CONTENT_TYPE, TEXT.to_owned())]);
        assert_eq!(text.body, Body::Text("hi".into()));
        assert_eq!(
            parts(String::from("x").into_response()).status,
            StatusCode::OK
        );
        let unit = parts(().into_response());
        assert_eq!(
            (unit.status, unit.body, unit.headers.len()),
            (StatusCode::NO_CONTENT, Body::Empty, 0)
        );
        let accepted = parts(StatusCode::ACCEPTED.into_response());
        assert_eq!(
            (accepted.status, accepted.body),
            (StatusCode::ACCEPTED, Body::Empty)
        );
        let failed = (
            StatusCode::CREATED,
            Err::<Json<u8>, _>(ApiError::conflict("taken")),
        )
            .into_response();
        assert_eq!(failed.status(), StatusCode::CONFLICT);
    }

    #[test]
    fn binary_keeps_its_bytes_and_type() {
        let parts = parts(Binary::new("image/png", vec![0, 255]).into_response());
        assert_eq!(parts.headers, [(CONTENT_TYPE, "image/png".to_owned())]);
        assert_eq!(parts.body, Body::Binary(vec![0, 255]));
    }

    #[test]
    fn builder_sets_headers_cookies_and_keeps_an_explicit_content_type() {
        let parts = parts(
            Response::builder()
                .status(StatusCode::ACCEPTED)
                .header("Content-Type", "application/vnd.api+json")
                .header("x-many", "1")
                .header("x-many", "2")
                .header("Set-Cookie", "a=1")
                .cookie("b=2; HttpOnly")
                .json(&[1]),
        );
        assert_eq!(parts.status, StatusCode::ACCEPTED);
        assert_eq!(
            parts.headers,
            [
                (CONTENT_TYPE, "application/vnd.api+json".to_owned()),
                (HeaderName::from_static("x-many"), "1".to_owned()),
                (HeaderName::from_static("x-many"), "2".to_owned()),
            ]
        );
        assert_eq!(parts.cookies, ["a=1", "b=2; HttpOnly"]);
        assert!(parts.dropped.is_empty());
    }

    #[test]
    fn invalid_headers_and_cookies_are_dropped_not_panicked_on() {
        let parts = parts(
            Response::builder()
                .header("x-ok", "fine\tvalue é")
                .header("x-injected", "a\r\nset-cookie: evil=1")
                .header("bad name", "v")
                .header("", "v")
                .cookie("c=1\nx")
                .empty(),
        );
        assert_eq!(
            parts.headers,
            [(HeaderName::from_static("x-ok"), "fine\tvalue é".to_owned())]
        );
        assert!(parts.cookies.is_empty());
        assert_eq!(parts.dropped.len(), 4, "{:?}", parts.dropped);
        assert!(
            parts.dropped[0].contains("x-injected"),
            "{:?}",
            parts.dropped
        );
    }

    #[test]
    fn builder_text_binary_and_header_lookup() {
        let response = Response::builder().header("X-Trace", "t").text("ok");
        assert_eq!(response.header("x-trace"), Some("t"));
        assert_eq!(response.header("content-type"), Some(TEXT));
        let parts = parts(Response::builder().binary("application/pdf", b"%PDF".to_vec()));
        assert_eq!(parts.body, Body::Binary(b"%PDF".to_vec()));
        assert_eq!(ApiError::forbidden("no").into_response().header("x"), None);
    }

    #[test]
    fn status_code_members_are_found_only_at_the_top_level() {
        assert!(has_status_code_member(r#"{"statusCode":500,"body":"{}"}"#));
        assert!(has_status_code_member(r#"{"a":{"b":1},"statusCode":200}"#));
        assert!(!has_status_code_member(r#"{"a":{"statusCode":500}}"#));
        assert!(!has_status_code_member(r#"{"a":"\"statusCode\""}"#));
        assert!(!has_status_code_member(r#"["statusCode"]"#));
        assert!(!has_status_code_member(r#"{"status_code":1}"#));
        let flagged = parts(Json(serde_json::json!({ "statusCode": 404 })).into_response());
        assert!(flagged.status_code_member);
    }
}
