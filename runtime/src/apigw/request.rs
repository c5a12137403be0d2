//! [`Request`]: one view over the three request formats.

use std::fmt;

use http::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::error::ApiError;
use super::event::{decode, RawEvent};

/// Which of the three proxy formats a request came in; the response is sent in the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadFormat {
    /// API Gateway REST API, payload format 1.0 (also an HTTP API set to 1.0).
    V1,
    /// API Gateway HTTP API payload format 2.0, and Lambda function URLs.
    V2,
    /// An Application Load Balancer target group.
    Alb,
}

/// An HTTP request from API Gateway (REST API payload 1.0, HTTP API payload 2.0, including
/// Lambda function URLs) or from an Application Load Balancer, whichever format it came in.
///
/// Header names are case-insensitive; the body is already base64-decoded when the event
/// says `isBase64Encoded`; HTTP API cookies are read back as the `cookie` header (once: a
/// function URL's own `cookie` header is replaced by them, not added to); a payload 1.0 or
/// ALB header found in only one of `headers` and `multiValueHeaders` is kept; ALB query
/// strings are percent-decoded.
///
/// [`path`](Request::path) means the same in every format: the path within the stage, as
/// a router matches it. An HTTP API stage other than `$default` starts payload 2.0's `rawPath`
/// (`/beta/users/7`) and never payload 1.0's `path`; it is left out, so the same route reads
/// `/users/7` in both. [`raw_path`](Request::raw_path) is the path exactly as the event
/// carried it.
///
/// It deserializes from an event, which is how a unit test builds one:
///
/// ```
/// use lambda_contract::apigw::{Method, PayloadFormat, Request};
///
/// let request: Request = serde_json::from_value(serde_json::json!({
///     "version": "2.0",
///     "rawPath": "/users/7",
///     "rawQueryString": "tab=orders",
///     "cookies": ["session=abc"],
///     "headers": { "content-type": "application/json" },
///     "pathParameters": { "id": "7" },
///     "requestContext": { "http": { "method": "POST" }, "requestId": "r-1" },
///     "body": "{\"note\":\"hi\"}",
///     "isBase64Encoded": false
/// })).unwrap();
///
/// assert_eq!(request.format(), PayloadFormat::V2);
/// assert_eq!(request.method(), Method::POST);
/// assert_eq!(request.path_param("id"), Some("7"));
/// assert_eq!(request.query("tab"), Some("orders"));
/// assert_eq!(request.header("Content-Type"), Some("application/json"));
/// assert_eq!(request.header("cookie"), Some("session=abc"));
/// let body: serde_json::Value = request.json().unwrap();
/// assert_eq!(body["note"], "hi");
/// ```
#[derive(Clone)]
pub struct Request {
    pub(crate) format: PayloadFormat,
    pub(crate) method: Method,
    /// `path` (1.0, ALB) or `rawPath` (2.0), as sent.
    pub(crate) raw_path: String,
    /// Where [`Request::path`] starts in `raw_path`: after a named HTTP API stage, else 0.
    pub(crate) path_start: usize,
    pub(crate) path_params: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) request_id: String,
}

impl Request {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path without the stage, the same in every format: payload 1.0's and ALB's `path`;
    /// payload 2.0's `rawPath` without its first segment when that segment is the request's
    /// stage (`requestContext.stage`, when it is not `$default`); `/` when absent.
    ///
    /// An HTTP API stage named `beta` sends `rawPath` `/beta/users/7`; this is `/users/7`,
    /// what a REST API's payload 1.0 says for the same route, and what the route was declared
    /// as. The `$default` stage and function URLs have no stage in `rawPath`, and a `rawPath`
    /// that does not start with the stage (as through a custom domain's API mapping) is kept
    /// whole. The path is not percent-decoded.
    ///
    /// ```
    /// use lambda_contract::apigw::Request;
    ///
    /// let request: Request = serde_json::from_value(serde_json::json!({
    ///     "version": "2.0",
    ///     "rawPath": "/beta/users/7",
    ///     "requestContext": { "http": { "method": "GET" }, "stage": "beta" }
    /// })).unwrap();
    /// assert_eq!(request.path(), "/users/7");
    /// assert_eq!(request.raw_path(), "/beta/users/7");
    /// ```
    pub fn path(&self) -> &str {
        match self.raw_path.get(self.path_start..) {
            Some("") | None => "/",
            Some(path) => path,
        }
    }

    /// The path exactly as the event carried it: payload 2.0's `rawPath`, with a named
    /// stage's segment in front (`/beta/users/7`); payload 1.0's and ALB's `path`, the same as
    /// [`path`](Request::path). For building links that go through the stage's own URL.
    pub fn raw_path(&self) -> &str {
        &self.raw_path
    }

    /// The route's path parameter `name` (`{id}` in `/users/{id}`). ALB routes have none.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        find(&self.path_params, name, str::eq)
    }

    /// The first value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<&str> {
        find(&self.query, name, str::eq)
    }

    /// Every value of query parameter `name`, in order.
    pub fn query_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        all(&self.query, name, str::eq)
    }

    /// The first value of header `name`, case-insensitive.
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name, str::eq_ignore_ascii_case)
    }

    /// Every value of header `name` (case-insensitive), in order.
    pub fn headers_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        all(&self.headers, name, str::eq_ignore_ascii_case)
    }

    /// Every header as sent, `(name, value)`, one pair per value.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// The body, base64-decoded if it came encoded; empty when there is none.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, owned.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// The body parsed as JSON, with the same rejections as the [`Json`](super::Json)
    /// extractor: a missing or non-JSON `content-type` is a 415, a body that is not JSON a 400,
    /// JSON of the wrong shape a 422 naming where.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        super::extract::json_body(self)
    }

    /// `requestContext.requestId` for API Gateway; for ALB, which has none, the Lambda
    /// request id (empty when the request was deserialized outside the glue).
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Which format the request came in.
    pub fn format(&self) -> PayloadFormat {
        self.format
    }

    pub(crate) fn path_params(&self) -> &[(String, String)] {
        &self.path_params
    }

    pub(crate) fn query_params(&self) -> &[(String, String)] {
        &self.query
    }
}

fn find<'a>(
    pairs: &'a [(String, String)],
    name: &str,
    matches: impl Fn(&str, &str) -> bool,
) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(candidate, _)| matches(candidate, name))
        .map(|(_, value)| value.as_str())
}

fn all<'a>(
    pairs: &'a [(String, String)],
    name: &'a str,
    matches: impl Fn(&str, &str) -> bool + 'a,
) -> impl Iterator<Item = &'a str> + 'a {
    pairs
        .iter()
        .filter(move |(candidate, _)| matches(candidate, name))
        .map(|(_, value)| value.as_str())
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("format", &self.format)
            .field("method", &self.method)
            .field("path", &self.path())
            .field("raw_path", &self.raw_path)
            .field("path_params", &self.path_params)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl<'de> Deserialize<'de> for Request {
    /// Reads any of the three formats, as the glue does. A payload of none of them, or a body
    /// flagged base64 that is not, is an error.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawEvent::deserialize(deserializer)?;
        let decoded = decode(raw, "").map_err(serde::de::Error::custom)?;
        match decoded.body_error {
            Some(error) => Err(serde::de::Error::custom(error.detail())),
            None => Ok(decoded.request),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accessors_read_a_v1_request() {
        let request: Request = serde_json::from_value(json!({
            "resource": "/users/{id}", "path": "/users/7", "httpMethod": "PATCH",
            "headers": { "X-Thing": "single" },
            "multiValueHeaders": { "X-Thing": ["one", "two"], "Content-Type": ["application/json"] },
            "queryStringParameters": { "a": "2" },
            "multiValueQueryStringParameters": { "a": ["1", "2"] },
            "pathParameters": { "id": "7" },
            "requestContext": { "httpMethod": "PATCH", "requestId": "gw-1", "stage": "prod" },
            "body": "{\"n\":1}", "isBase64Encoded": false
        }))
        .unwrap();
        assert_eq!(request.format(), PayloadFormat::V1);
        assert_eq!(request.method(), Method::PATCH);
        assert_eq!(request.path(), "/users/7");
        assert_eq!(request.path_param("id"), Some("7"));
        assert_eq!(request.path_param("ID"), None);
        assert_eq!(request.query("a"), Some("1"));
        assert_eq!(request.query("A"), None);
        assert_eq!(request.header("x-thing"), Some("one"));
        assert_eq!(request.headers().count(), 3);
        assert_eq!(request.request_id(), "gw-1");
        assert_eq!(
            request.json::<serde_json::Value>().unwrap(),
            json!({ "n": 1 })
        );
        assert_eq!(
            request.json::<Vec<u8>>().unwrap_err().status().as_u16(),
            422
        );
        assert!(format!("{request:?}").contains("body_len: 7"));
        assert_eq!(request.into_body(), b"{\"n\":1}");
    }

    #[test]
    fn deserializing_rejects_what_the_glue_rejects() {
        let error = serde_json::from_value::<Request>(json!({})).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("not an API Gateway or ALB proxy event"),
            "{error}"
        );
        let error = serde_json::from_value::<Request>(json!({
            "requestContext": { "http": { "method": "POST" } }, "body": "%%%", "isBase64Encoded": true
        }))
        .unwrap_err();
        assert!(error.to_string().contains("isBase64Encoded"), "{error}");
    }
}
