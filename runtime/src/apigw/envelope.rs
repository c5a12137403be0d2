//! Encoding: a handler's response, or its failure, as the envelope of the request's own format,
//! with problem bodies for failures, the logs they owe, and Lambda's 6 MB limit.

use base64::Engine;
use http::header::CONTENT_TYPE;
use http::Method;
use serde::ser::{Serialize, Serializer};

use super::error::{reason, ApiError, RequestIds};
use super::request::{PayloadFormat, Request};
use super::response::{Body, Inner, Parts, Response};
use serde_json::value::RawValue;

use crate::contract::Reply;

/// Lambda's synchronous response payload limit: a larger envelope becomes a logged 500.
pub const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;

/// What the glue keeps of a request for the response and the logs once the handler owns it.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Meta {
    pub(crate) format: PayloadFormat,
    /// An ALB request came with `multiValueHeaders`: its response must use them.
    pub(crate) multi_value: bool,
    pub(crate) request_id: String,
    pub(crate) method: Method,
    pub(crate) path: String,
}

impl Meta {
    pub(crate) fn of(request: &Request, multi_value: bool) -> Self {
        Meta {
            format: request.format(),
            multi_value,
            request_id: request.request_id().to_owned(),
            method: request.method().clone(),
            path: request.path().to_owned(),
        }
    }
}

/// Encodes the response in the request's format, within Lambda's size limit.
pub(crate) fn reply(handler: &str, response: Response, meta: &Meta, request_id: &str) -> Reply {
    let parts = settle(handler, response, meta, request_id);
    let json = serialize(&parts, meta);
    if json.get().len() <= MAX_RESPONSE_BYTES {
        return Ok(json);
    }
    let error = ApiError::too_large(json.get().len());
    let parts = failure(handler, &error, meta, request_id);
    Ok(serialize(&parts, meta))
}

/// The parts to send: a failure rendered as a problem (and logged), and what was wrong with
/// a ready response logged.
fn settle(handler: &str, response: Response, meta: &Meta, request_id: &str) -> Parts {
    let mut parts = match response.0 {
        Inner::Ready(parts) if !(200..=599).contains(&parts.status.as_u16()) => {
            // `http::StatusCode` takes 100 to 999, but no client takes a 1xx or a 6xx-9xx as
            // the final answer (API Gateway answers a 502): our mistake, so a 500.
            let error = ApiError::internal(format!(
                "the handler answered status {}, which is not a final HTTP status (200 to 599)",
                parts.status.as_u16()
            ))
            .named("InvalidStatus");
            failure(handler, &error, meta, request_id)
        }
        Inner::Ready(parts) => parts,
        Inner::Failed(error) => failure(handler, &error, meta, request_id),
    };
    if !parts.dropped.is_empty() {
        tracing::error!(
            handler,
            request_id = %meta.request_id,
            lambda_request_id = %request_id,
            method = %meta.method,
            path = %meta.path,
            dropped = ?parts.dropped,
            "response headers that are not valid HTTP were dropped"
        );
    }
    if parts.status.is_success() && parts.status_code_member {
        tracing::warn!(
            handler,
            request_id = %meta.request_id,
            status = parts.status.as_u16(),
            "handler `{handler}` answered {} with a JSON body that has a top-level `statusCode`: the \
             envelope is built for you; return `(StatusCode::.., Json(..))` or `Err(ApiError::..)` \
             to set the status",
            parts.status
        );
    }
    if meta.format == PayloadFormat::Alb && !meta.multi_value && parts.cookies.len() > 1 {
        tracing::error!(
            handler,
            request_id = %meta.request_id,
            cookies = parts.cookies.len(),
            "an ALB target group without multi-value headers takes one `set-cookie`; the others were \
             dropped (enable multi-value headers on the target group)"
        );
        parts.cookies.truncate(1);
    }
    parts
}

/// Logs a failure once, then renders it as a problem.
fn failure(handler: &str, error: &ApiError, meta: &Meta, request_id: &str) -> Parts {
    let ids = RequestIds {
        request: &meta.request_id,
        lambda: Some(request_id),
    };
    error.log(handler, ids, Some((meta.method.as_str(), &meta.path)));
    problem(error, &meta.request_id)
}

/// The failure as an `application/problem+json` response.
pub(crate) fn problem(error: &ApiError, request_id: &str) -> Parts {
    let status = error.status();
    let body = error.problem_json(request_id);
    let mut parts = Parts::new(status);
    parts.push_header(CONTENT_TYPE.as_str(), "application/problem+json");
    for (name, value) in error.headers() {
        if !name.eq_ignore_ascii_case(CONTENT_TYPE.as_str()) {
            parts.push_header(name, value);
        }
    }
    parts.body = Body::Text(body);
    parts
}

/// The envelope every format shares; the format decides which maps are present.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a> {
    status_code: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headers: Option<HeaderJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    multi_value_headers: Option<HeaderJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cookies: Option<&'a [String]>,
    body: std::borrow::Cow<'a, str>,
    is_base64_encoded: bool,
}

/// Serializes the parts as the request's format wants them:
/// - REST API (1.0): `headers` (names with one value) and `multiValueHeaders` (names with
///   several, `set-cookie` included), both always present;
/// - HTTP API (2.0): `headers` (repeated names joined with `, `) and `cookies`, always present;
/// - ALB: `statusDescription`, and `multiValueHeaders` if the request had them, else `headers`.
///
/// `body` is always a string: `""` when there is none (a 204, say).
/// The envelope as JSON. `to_raw_value` writes it once; the text is not parsed again.
fn serialize(parts: &Parts, meta: &Meta) -> Box<RawValue> {
    let v2 = meta.format == PayloadFormat::V2;
    let cookies: &[String] = if v2 { &[] } else { &parts.cookies };
    let groups = group(&parts.headers, cookies);
    let map = |shape| {
        Some(HeaderJson {
            groups: &groups,
            shape,
        })
    };
    let (headers, multi_value_headers) = match (meta.format, meta.multi_value) {
        (PayloadFormat::V1, _) => (map(Shape::OneValued), map(Shape::ManyValued)),
        (PayloadFormat::Alb, true) => (None, map(Shape::Lists)),
        (PayloadFormat::V2 | PayloadFormat::Alb, _) => (map(Shape::Joined), None),
    };
    let (body, is_base64_encoded) = match &parts.body {
        Body::Empty => ("".into(), false),
        Body::Text(text) => (text.as_str().into(), false),
        Body::Binary(bytes) => (
            base64::engine::general_purpose::STANDARD
                .encode(bytes)
                .into(),
            true,
        ),
    };
    let envelope = Envelope {
        status_code: parts.status.as_u16(),
        status_description: (meta.format == PayloadFormat::Alb)
            .then(|| format!("{} {}", parts.status.as_u16(), reason(parts.status))),
        headers,
        multi_value_headers,
        cookies: v2.then_some(parts.cookies.as_slice()),
        body,
        is_base64_encoded,
    };
    serde_json::value::to_raw_value(&envelope).unwrap_or_else(|error| {
        tracing::error!(%error, "the response envelope could not be serialized; sending a bare 500");
        RawValue::from_string(
            r#"{"statusCode":500,"headers":{},"body":"","isBase64Encoded":false}"#.to_owned(),
        )
        .expect("the bare 500 is JSON")
    })
}

/// One header name and its values, in the order first seen.
struct Group<'a> {
    name: &'a str,
    values: Vec<&'a str>,
}

fn group<'a>(headers: &'a [(http::HeaderName, String)], cookies: &'a [String]) -> Vec<Group<'a>> {
    let mut groups: Vec<Group<'a>> = Vec::with_capacity(headers.len() + 1);
    for (name, value) in headers {
        match groups.iter_mut().find(|group| group.name == name.as_str()) {
            Some(group) => group.values.push(value),
            None => groups.push(Group {
                name: name.as_str(),
                values: vec![value],
            }),
        }
    }
    if !cookies.is_empty() {
        groups.push(Group {
            name: "set-cookie",
            values: cookies.iter().map(String::as_str).collect(),
        });
    }
    groups
}

#[derive(Clone, Copy)]
enum Shape {
    /// `{name: value}` for names with one value only.
    OneValued,
    /// `{name: [values]}` for names with several values only.
    ManyValued,
    /// `{name: "v1, v2"}` for every name.
    Joined,
    /// `{name: [values]}` for every name.
    Lists,
}

struct HeaderJson<'a> {
    groups: &'a [Group<'a>],
    shape: Shape,
}

impl Serialize for HeaderJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let groups = self.groups.iter();
        match self.shape {
            Shape::OneValued => serializer.collect_map(
                groups
                    .filter(|group| group.values.len() == 1)
                    .map(|group| (group.name, Joined(&group.values))),
            ),
            Shape::ManyValued => serializer.collect_map(
                groups
                    .filter(|group| group.values.len() > 1)
                    .map(|group| (group.name, &group.values)),
            ),
            Shape::Joined => {
                serializer.collect_map(groups.map(|group| (group.name, Joined(&group.values))))
            }
            Shape::Lists => serializer.collect_map(groups.map(|group| (group.name, &group.values))),
        }
    }
}

/// Values as one string, joined with `, ` (RFC 9110's list syntax).
struct Joined<'a>(&'a [&'a str]);

impl Serialize for Joined<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            [one] => serializer.serialize_str(one),
            many => serializer.serialize_str(&many.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apigw::{Binary, IntoResponse, Json};
    use http::StatusCode;
    use serde_json::{json, Value};

    fn meta(format: PayloadFormat, multi_value: bool) -> Meta {
        Meta {
            format,
            multi_value,
            request_id: "gw-1".into(),
            method: Method::GET,
            path: "/p".into(),
        }
    }

    fn encode(response: impl IntoResponse, format: PayloadFormat, multi_value: bool) -> Value {
        let reply = reply(
            "h",
            response.into_response(),
            &meta(format, multi_value),
            "",
        );
        serde_json::from_str(reply.unwrap().get()).unwrap()
    }

    fn with_headers() -> Response {
        Response::builder()
            .header("x-one", "1")
            .header("x-two", "a")
            .header("x-two", "b")
            .cookie("a=1")
            .cookie("b=2")
            .text("hi")
    }

    #[test]
    fn v1_envelope_splits_single_and_multi_value_headers() {
        assert_eq!(
            encode(with_headers(), PayloadFormat::V1, false),
            json!({
                "statusCode": 200,
                "headers": { "x-one": "1", "content-type": "text/plain; charset=utf-8" },
                "multiValueHeaders": { "x-two": ["a", "b"], "set-cookie": ["a=1", "b=2"] },
                "body": "hi",
                "isBase64Encoded": false
            })
        );
    }

    #[test]
    fn v2_envelope_has_cookies_and_joined_headers() {
        assert_eq!(
            encode(with_headers(), PayloadFormat::V2, false),
            json!({
                "statusCode": 200,
                "headers": { "x-one": "1", "x-two": "a, b", "content-type": "text/plain; charset=utf-8" },
                "cookies": ["a=1", "b=2"],
                "body": "hi",
                "isBase64Encoded": false
            })
        );
        assert_eq!(
            encode(Json(1), PayloadFormat::V2, false)["cookies"],
            json!([])
        );
    }

    #[test]
    fn alb_envelope_follows_the_requests_header_mode() {
        assert_eq!(
            encode(with_headers(), PayloadFormat::Alb, true),
            json!({
                "statusCode": 200,
                "statusDescription": "200 OK",
                "multiValueHeaders": {
                    "x-one": ["1"], "x-two": ["a", "b"],
                    "content-type": ["text/plain; charset=utf-8"], "set-cookie": ["a=1", "b=2"]
                },
                "body": "hi",
                "isBase64Encoded": false
            })
        );
        let single = encode(with_headers(), PayloadFormat::Alb, false);
        assert_eq!(single["headers"]["set-cookie"], "a=1");
        assert_eq!(single["headers"]["x-two"], "a, b");
        assert!(single.get("multiValueHeaders").is_none());
        let not_found = encode(ApiError::not_found("x"), PayloadFormat::Alb, false);
        assert_eq!(not_found["statusDescription"], "404 Not Found");
    }

    #[test]
    fn no_content_has_an_empty_string_body_and_no_content_type() {
        for format in [PayloadFormat::V1, PayloadFormat::V2, PayloadFormat::Alb] {
            let envelope = encode((), format, false);
            assert_eq!(envelope["statusCode"], 204);
            assert_eq!(envelope["body"], "");
            assert_eq!(envelope["isBase64Encoded"], false);
            assert_eq!(envelope["headers"], json!({}));
        }
    }

    #[test]
    fn binary_bodies_go_out_base64() {
        let envelope = encode(
            Binary::new("image/png", vec![0, 1, 255]),
            PayloadFormat::V1,
            false,
        );
        assert_eq!(envelope["body"], "AAH/");
        assert_eq!(envelope["isBase64Encoded"], true);
        assert_eq!(envelope["headers"]["content-type"], "image/png");
    }

    #[test]
    fn problems_follow_rfc_9457_and_hide_server_error_text() {
        let envelope = encode(
            ApiError::too_many_requests("slow down").with_header("retry-after", "3"),
            PayloadFormat::V1,
            false,
        );
        assert_eq!(envelope["statusCode"], 429);
        assert_eq!(
            envelope["headers"]["content-type"],
            "application/problem+json"
        );
        assert_eq!(envelope["headers"]["retry-after"], "3");
        let body: Value = serde_json::from_str(envelope["body"].as_str().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({ "type": "about:blank", "title": "Too Many Requests", "status": 429,
                    "detail": "slow down", "requestId": "gw-1" })
        );

        let envelope = encode(
            ApiError::from(std::io::Error::other("password=hunter2")),
            PayloadFormat::V2,
            false,
        );
        let text = envelope["body"].as_str().unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        let body: Value = serde_json::from_str(text).unwrap();
        assert_eq!(body["status"], 500);
        assert_eq!(body["title"], "Internal Server Error");
        assert_eq!(body["detail"], crate::apigw::SERVER_ERROR_DETAIL);
    }

    #[test]
    fn oversized_responses_become_500_problems() {
        let big = "x".repeat(MAX_RESPONSE_BYTES);
        let envelope = encode(big, PayloadFormat::V1, false);
        assert_eq!(envelope["statusCode"], 500);
        assert!(envelope["body"]
            .as_str()
            .unwrap()
            .contains("\"status\":500"));
        let fits = "x".repeat(MAX_RESPONSE_BYTES - 200);
        assert_eq!(encode(fits, PayloadFormat::V1, false)["statusCode"], 200);
    }

    #[test]
    fn a_content_type_among_error_headers_does_not_replace_the_problem_type() {
        let envelope = encode(
            ApiError::bad_request("x").with_header("content-type", "text/html"),
            PayloadFormat::V1,
            false,
        );
        assert_eq!(
            envelope["headers"]["content-type"],
            "application/problem+json"
        );
        assert!(envelope["multiValueHeaders"]
            .as_object()
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_status_no_client_takes_as_final_is_a_500() {
        for code in [100, 101, 199, 600, 715, 999] {
            let status = StatusCode::from_u16(code).unwrap();
            let out = encode((status, "body"), PayloadFormat::V2, false);
            assert_eq!(out["statusCode"], 500, "{code}: {out}");
            assert!(
                !out["body"].as_str().unwrap().contains(&code.to_string()),
                "{code}: {out}"
            );
        }
        for code in [200, 302, 599] {
            let status = StatusCode::from_u16(code).unwrap();
            assert_eq!(
                encode((status, "body"), PayloadFormat::V2, false)["statusCode"],
                code
            );
        }
    }
}
