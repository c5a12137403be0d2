//! Decoding: the three request formats read in one serde pass into one private union struct,
//! then told apart and turned into a [`Request`].

use std::fmt;

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use http::Method;
use serde::de::{self, DeserializeSeed, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer};

use super::error::ApiError;
use super::request::{PayloadFormat, Request};

/// Every field of the three formats the glue reads. Unknown fields are skipped without being
/// buffered, and `null` reads as absent everywhere.
#[doc(hidden)]
#[derive(Debug, Default, Deserialize)]
pub struct RawEvent {
    #[serde(rename = "httpMethod")]
    http_method: Option<String>,
    path: Option<String>,
    #[serde(rename = "rawPath")]
    raw_path: Option<String>,
    #[serde(rename = "rawQueryString")]
    raw_query_string: Option<String>,
    headers: Option<Pairs>,
    #[serde(rename = "multiValueHeaders")]
    multi_value_headers: Option<Pairs>,
    #[serde(rename = "queryStringParameters")]
    query_string_parameters: Option<Pairs>,
    #[serde(rename = "multiValueQueryStringParameters")]
    multi_value_query_string_parameters: Option<Pairs>,
    #[serde(rename = "pathParameters")]
    path_parameters: Option<Pairs>,
    cookies: Option<Vec<String>>,
    body: Option<String>,
    #[serde(rename = "isBase64Encoded")]
    is_base64_encoded: Option<bool>,
    #[serde(rename = "requestContext")]
    request_context: Option<RawContext>,
    /// A REST API (or WebSocket `$connect`) Lambda authorizer's input: never a proxy request's.
    #[serde(rename = "methodArn")]
    method_arn: Option<IgnoredAny>,
    /// An HTTP API Lambda authorizer's input (payload 2.0): never a proxy request's.
    #[serde(rename = "routeArn")]
    route_arn: Option<IgnoredAny>,
    /// Only read to name what a payload without `requestContext` is, when it is not ours:
    /// an Amazon Connect event,
    #[serde(rename = "Details")]
    details: Option<IgnoredAny>,
    /// a batch of records (SQS, SNS, S3, Kinesis, DynamoDB Streams),
    #[serde(rename = "Records")]
    records: Option<IgnoredAny>,
    /// an EventBridge event,
    #[serde(rename = "detail-type")]
    detail_type: Option<IgnoredAny>,
    /// a Bedrock agent's action group input (which has an `httpMethod` of its own).
    #[serde(rename = "actionGroup")]
    action_group: Option<IgnoredAny>,
}

#[derive(Debug, Default, Deserialize)]
struct RawContext {
    #[serde(rename = "requestId")]
    request_id: Option<String>,
    #[serde(rename = "httpMethod")]
    http_method: Option<IgnoredAny>,
    http: Option<RawHttp>,
    elb: Option<IgnoredAny>,
    /// The stage: `$default`, or a name that an HTTP API puts in front of `rawPath`.
    #[serde(default, deserialize_with = "text_or_none")]
    stage: Option<String>,
    /// `CONNECT`, `MESSAGE` or `DISCONNECT`: a WebSocket API route's input.
    #[serde(rename = "eventType", default, deserialize_with = "text_or_none")]
    event_type: Option<String>,
}

/// A string, or `None` for anything else: fields the glue only looks at must not reject an
/// event for an odd value.
fn text_or_none<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    struct Text;
    impl<'de> Visitor<'de> for Text {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any value")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(Some(value.to_owned()))
        }
        fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
            Ok(Some(value))
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(self)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    deserializer.deserialize_any(Text)
}

#[derive(Debug, Default, Deserialize)]
struct RawHttp {
    method: Option<String>,
    path: Option<String>,
}

/// A decoded event: the request, whether an ALB request came with `multiValueHeaders` (so
/// its response must use them too), and a body that could not be decoded (the client's
/// mistake, answered with a 400 without calling the handler).
pub(crate) struct Decoded {
    pub(crate) request: Request,
    pub(crate) multi_value: bool,
    pub(crate) body_error: Option<ApiError>,
}

/// What every "not one of ours" message starts with.
const NOT_AN_EVENT: &str = "the payload is not an API Gateway or ALB proxy event";

/// The message for a payload that did not even deserialize.
pub(crate) fn not_an_event(reason: &dyn fmt::Display) -> String {
    format!("{NOT_AN_EVENT}: {reason}")
}

/// Tells the format apart and builds the request. `lambda_request_id` is used as the ALB
/// request id, ALB events having none of their own. `Err` is the invocation error's message.
pub(crate) fn decode(mut raw: RawEvent, lambda_request_id: &str) -> Result<Decoded, String> {
    let (format, method) = detect(&mut raw).map_err(|reason| not_an_event(&reason))?;
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| not_an_event(&format_args!("`{method}` is not an HTTP method")))?;
    let context = raw.request_context.unwrap_or_default();
    let request_id = match format {
        PayloadFormat::Alb => lambda_request_id.to_owned(),
        _ => context.request_id.unwrap_or_default(),
    };
    let raw_path = match format {
        PayloadFormat::V2 => raw.raw_path.or(context.http.and_then(|http| http.path)),
        _ => raw.path,
    }
    .unwrap_or_else(|| "/".to_owned());
    let path_start = match format {
        PayloadFormat::V2 => stage_prefix_len(&raw_path, context.stage.as_deref()),
        _ => 0,
    };
    let multi_value = raw.multi_value_headers.is_some();
    let mut headers = merge_headers(raw.multi_value_headers, raw.headers);
    if format == PayloadFormat::V2 {
        set_cookies(&mut headers, raw.cookies.unwrap_or_default());
    }
    let query = match (format, raw.raw_query_string) {
        (PayloadFormat::V2, Some(raw_query)) if !raw_query.is_empty() => parse_query(&raw_query),
        (PayloadFormat::Alb, _) => prefer_multi(
            raw.multi_value_query_string_parameters,
            raw.query_string_parameters,
        )
        .into_iter()
        .map(|(name, value)| (form_decode(name), form_decode(value)))
        .collect(),
        _ => prefer_multi(
            raw.multi_value_query_string_parameters,
            raw.query_string_parameters,
        ),
    };
    let (body, body_error) = decode_body(raw.body, raw.is_base64_encoded.unwrap_or(false));
    Ok(Decoded {
        request: Request {
            format,
            method,
            raw_path,
            path_start,
            path_params: raw.path_parameters.map(|pairs| pairs.0).unwrap_or_default(),
            query,
            headers,
            body,
            request_id,
        },
        multi_value,
        body_error,
    })
}

/// The format and its method: v2 has `requestContext.http.method`; ALB `requestContext.elb`
/// and `httpMethod`; v1 `httpMethod` and `requestContext.httpMethod`. `Err` says what is
/// missing.
fn detect(raw: &mut RawEvent) -> Result<(PayloadFormat, String), String> {
    if let Some(field) = authorizer_field(raw) {
        return Err(format!(
            "it is an API Gateway Lambda authorizer's input (it has `{field}`, which no proxy \
             request has). An authorizer is a different caller: it wants an IAM policy, or \
             `{{\"isAuthorized\": ..}}` from an HTTP API's simple authorizer, not an HTTP \
             response, and takes anything else as a failed authorization (the client gets a 500). \
             Write the authorizer as its own function, and attach this one to the route's proxy \
             integration"
        ));
    }
    if let Some(event_type) = raw
        .request_context
        .as_ref()
        .and_then(|context| context.event_type.as_deref())
    {
        return Err(format!(
            "it is an API Gateway WebSocket API route's input (`requestContext.eventType` is \
             `{event_type}`). A WebSocket route is a different caller from an HTTP request: \
             it has a connection, not a method and a path, and this function's HTTP responses \
             mean nothing to it"
        ));
    }
    let Some(context) = raw.request_context.as_mut() else {
        if let Some(source) = other_source(raw) {
            return Err(format!("it is {source}, not an HTTP request"));
        }
        return Err(match raw.http_method {
            Some(_) => "it has `httpMethod` but no `requestContext`".to_owned(),
            None => "it has no `requestContext` (nor `httpMethod`)".to_owned(),
        });
    };
    if let Some(method) = context.http.as_mut().and_then(|http| http.method.take()) {
        return Ok((PayloadFormat::V2, method));
    }
    let is_alb = context.elb.is_some();
    let is_v1 = context.http_method.is_some();
    match raw.http_method.take() {
        Some(method) if is_alb => Ok((PayloadFormat::Alb, method)),
        Some(method) if is_v1 => Ok((PayloadFormat::V1, method)),
        Some(_) => Err(
            "it has `httpMethod` but neither `requestContext.httpMethod` (REST API payload 1.0) \
                        nor `requestContext.elb` (ALB)"
                .to_owned(),
        ),
        None if is_alb => Err("it has `requestContext.elb` but no `httpMethod` (ALB)".to_owned()),
        None if is_v1 => Err(
            "it has `requestContext.httpMethod` but no top-level `httpMethod` \
                             (REST API payload 1.0)"
                .to_owned(),
        ),
        None => Err(
            "its `requestContext` has none of `http.method` (HTTP API payload 2.0), \
                     `httpMethod` (REST API payload 1.0) or `elb` (ALB)"
                .to_owned(),
        ),
    }
}

/// Which field makes the payload a Lambda authorizer's input, if any: `methodArn` (REST API
/// TOKEN and REQUEST authorizers, HTTP API authorizers on payload 1.0, WebSocket `$connect`
/// authorizers) or `routeArn` (HTTP API authorizers on payload 2.0). A proxy event has neither.
fn authorizer_field(raw: &RawEvent) -> Option<&'static str> {
    if raw.method_arn.is_some() {
        Some("methodArn")
    } else if raw.route_arn.is_some() {
        Some("routeArn")
    } else {
        None
    }
}

/// What a payload without `requestContext` is, when its top-level fields say so.
fn other_source(raw: &RawEvent) -> Option<&'static str> {
    if raw.details.is_some() {
        Some(
            "an Amazon Connect contact flow event (it has `Details`), which a \
             `#[connect_handler]` function answers",
        )
    } else if raw.records.is_some() {
        Some(
            "a batch of records from an event source such as SQS, SNS, S3, Kinesis or \
             DynamoDB Streams (it has `Records`)",
        )
    } else if raw.detail_type.is_some() {
        Some("an EventBridge event (it has `detail-type`)")
    } else if raw.action_group.is_some() {
        Some("a Bedrock agent action group's input (it has `actionGroup`)")
    } else {
        None
    }
}

/// The multi-value map when the event has one (it holds every value), else the single one.
fn prefer_multi(multi: Option<Pairs>, single: Option<Pairs>) -> Vec<(String, String)> {
    match (multi, single) {
        (Some(Pairs(multi)), _) if !multi.is_empty() => multi,
        (_, Some(Pairs(single))) => single,
        (Some(Pairs(empty)), None) => empty,
        (None, None) => Vec::new(),
    }
}

/// The headers of a payload 1.0 or ALB event, merged as lambda_http merges them: every name of
/// either map. A name in both keeps its `multiValueHeaders` values, which hold every value
/// (`headers` holds the last one; API Gateway fills both from the same request, but
/// hand-written events disagree, and a name found in only one of them must not be lost).
fn merge_headers(multi: Option<Pairs>, single: Option<Pairs>) -> Vec<(String, String)> {
    let (mut merged, single) = match (multi, single) {
        (Some(Pairs(multi)), Some(Pairs(single))) if !multi.is_empty() => (multi, single),
        (Some(Pairs(multi)), None) => return multi,
        (_, Some(Pairs(single))) => return single,
        (None, None) => return Vec::new(),
    };
    let from_multi = merged.len();
    for (index, (name, value)) in single.into_iter().enumerate() {
        // Both maps usually list the same names in the same order: look there first.
        let same_place = merged[..from_multi]
            .get(index)
            .is_some_and(|(candidate, _)| candidate.eq_ignore_ascii_case(&name));
        if same_place
            || merged[..from_multi]
                .iter()
                .any(|(candidate, _)| candidate.eq_ignore_ascii_case(&name))
        {
            continue;
        }
        merged.push((name, value));
    }
    merged
}

/// HTTP API payload 2.0 moves the `cookie` header into `cookies`: when it is not empty it IS
/// the cookie header, joined with `; `. A function URL (or an HTTP API behind CloudFront)
/// also keeps the original `cookie` header, which is replaced rather than appended to, or
/// every cookie would be read twice.
fn set_cookies(headers: &mut Vec<(String, String)>, cookies: Vec<String>) {
    if cookies.is_empty() {
        return;
    }
    headers.retain(|(name, _)| !name.eq_ignore_ascii_case("cookie"));
    headers.push(("cookie".to_owned(), cookies.join("; ")));
}

/// How many leading bytes of a payload 2.0 `rawPath` are the stage: an HTTP API stage other
/// than `$default` is the first segment of `rawPath` (`/beta/api/values`), where payload 1.0's
/// `path` never has it. It is dropped only when it is there, so a `rawPath` without it
/// (a function URL, the `$default` stage) is kept whole.
fn stage_prefix_len(raw_path: &str, stage: Option<&str>) -> usize {
    let Some(stage) = stage.filter(|stage| !stage.is_empty() && *stage != "$default") else {
        return 0;
    };
    match raw_path
        .strip_prefix('/')
        .and_then(|rest| rest.strip_prefix(stage))
    {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => 1 + stage.len(),
        _ => 0,
    }
}

/// `a=1&b=x%20y&a=2` into ordered pairs, form-decoded (`+` is a space).
fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(name.to_owned()), form_decode(value.to_owned()))
        })
        .collect()
}

/// Form decoding: `+` is a space, `%XX` a byte; a `%` not followed by two hex digits stays as
/// it is, and bytes that are not UTF-8 become U+FFFD.
pub(crate) fn form_decode(text: String) -> String {
    if !text.bytes().any(|b| b == b'%' || b == b'+') {
        return text;
    }
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        rest = tail;
        match first {
            b'+' => bytes.push(b' '),
            b'%' => match hex_pair(rest) {
                Some(byte) => {
                    bytes.push(byte);
                    rest = rest.get(2..).unwrap_or_default();
                }
                None => bytes.push(b'%'),
            },
            other => bytes.push(other),
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    }
}

fn hex_pair(bytes: &[u8]) -> Option<u8> {
    let high = (*bytes.first()? as char).to_digit(16)?;
    let low = (*bytes.get(1)? as char).to_digit(16)?;
    u8::try_from(high * 16 + low).ok()
}

/// The body as bytes, base64-decoded when flagged so; a body that is not base64 is the
/// client's mistake (400), reported beside an empty body.
fn decode_body(body: Option<String>, base64: bool) -> (Vec<u8>, Option<ApiError>) {
    let body = body.unwrap_or_default();
    if !base64 {
        return (body.into_bytes(), None);
    }
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    match LENIENT.decode(body.as_bytes()) {
        Ok(bytes) => (bytes, None),
        Err(error) => (
            Vec::new(),
            Some(ApiError::bad_request(format!(
                "the request body is flagged base64 (`isBase64Encoded`) but is not: {error}"
            ))),
        ),
    }
}

/// A string map or a multi-value map (`{"a": "1"}`, `{"a": ["1", "2"]}`) as ordered pairs,
/// one per value. `null` values are skipped; numbers and booleans are read as their text.
#[derive(Debug, Default)]
pub(crate) struct Pairs(pub(crate) Vec<(String, String)>);

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor;
        impl<'de> Visitor<'de> for MapVisitor {
            type Value = Pairs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of strings or of lists of strings")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(name) = map.next_key::<String>()? {
                    map.next_value_seed(Values {
                        name,
                        pairs: &mut pairs,
                    })?;
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(MapVisitor)
    }
}

/// The value(s) of one name, pushed onto the pairs as they are read.
struct Values<'a> {
    name: String,
    pairs: &'a mut Vec<(String, String)>,
}

impl<'de> DeserializeSeed<'de> for Values<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Values<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a list of strings")
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        self.visit_string(value.to_owned())
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<(), E> {
        self.pairs.push((self.name, value));
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        self.visit_string(value.to_string())
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<(), E> {
        self.visit_string(value.to_string())
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        self.visit_string(value.to_string())
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        self.visit_string(value.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Values { name, pairs } = self;
        while seq
            .next_element_seed(Values {
                name: name.clone(),
                pairs: &mut *pairs,
            })?
            .is_some()
        {}
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(event: serde_json::Value) -> RawEvent {
        serde_json::from_value(event).unwrap()
    }

    fn decoded(event: serde_json::Value) -> Decoded {
        decode(raw(event), "lambda-request").unwrap()
    }

    fn reason(event: serde_json::Value) -> String {
        match decode(raw(event), "lambda-request") {
            Ok(decoded) => panic!("decoded as {:?}", decoded.request.format()),
            Err(message) => message,
        }
    }

    #[test]
    fn the_three_formats_are_told_apart() {
        let v1 = decoded(json!({
            "httpMethod": "POST", "path": "/p",
            "requestContext": { "httpMethod": "POST", "requestId": "gw-1" }
        }));
        assert_eq!(v1.request.format(), PayloadFormat::V1);
        assert_eq!(v1.request.method(), Method::POST);
        assert_eq!(v1.request.request_id(), "gw-1");

        let v2 = decoded(json!({
            "version": "2.0", "rawPath": "/raw",
            "requestContext": { "http": { "method": "DELETE", "path": "/ctx" }, "requestId": "gw-2" }
        }));
        assert_eq!(v2.request.format(), PayloadFormat::V2);
        assert_eq!(v2.request.method(), Method::DELETE);
        assert_eq!(v2.request.path(), "/raw");
        assert_eq!(v2.request.request_id(), "gw-2");

        let alb = decoded(json!({
            "httpMethod": "PUT", "path": "/a",
            "requestContext": { "elb": { "targetGroupArn": "arn" } }
        }));
        assert_eq!(alb.request.format(), PayloadFormat::Alb);
        assert_eq!(alb.request.method(), Method::PUT);
        assert_eq!(alb.request.request_id(), "lambda-request");
        assert!(!alb.multi_value);
    }

    #[test]
    fn v2_path_falls_back_to_the_context_and_then_to_slash() {
        let from_context =
            decoded(json!({ "requestContext": { "http": { "method": "GET", "path": "/ctx" } } }));
        assert_eq!(from_context.request.path(), "/ctx");
        let none = decoded(json!({ "requestContext": { "http": { "method": "GET" } } }));
        assert_eq!(none.request.path(), "/");
    }

    #[test]
    fn other_payloads_say_what_is_missing() {
        assert!(reason(json!({})).contains("no `requestContext`"));
        assert!(
            reason(json!({ "httpMethod": "GET" })).contains("`httpMethod` but no `requestContext`")
        );
        assert!(reason(json!({ "httpMethod": "GET", "requestContext": {} })).contains("neither"));
        assert!(
            reason(json!({ "requestContext": { "elb": {} } })).contains("no `httpMethod` (ALB)")
        );
        assert!(reason(json!({ "requestContext": { "httpMethod": "GET" } }))
            .contains("top-level `httpMethod`"));
        assert!(
            reason(json!({ "requestContext": { "http": {} } })).contains("none of `http.method`")
        );
        let connect =
            reason(json!({ "Name": "ContactFlowEvent", "Details": { "ContactData": {} } }));
        assert!(connect.starts_with(NOT_AN_EVENT), "{connect}");
        assert!(
            connect.contains("an Amazon Connect contact flow event"),
            "{connect}"
        );
        for (event, source) in [
            (
                json!({ "Records": [{ "eventSource": "aws:sqs" }] }),
                "a batch of records",
            ),
            (
                json!({ "detail-type": "Scheduled Event", "detail": {} }),
                "an EventBridge event",
            ),
            (
                json!({ "actionGroup": "g", "apiPath": "/x", "httpMethod": "GET" }),
                "a Bedrock agent action group's input",
            ),
        ] {
            let message = reason(event);
            assert!(message.contains(source), "{message}");
            assert!(message.ends_with("not an HTTP request"), "{message}");
        }
        let bad_method =
            reason(json!({ "httpMethod": "GE T", "requestContext": { "httpMethod": "x" } }));
        assert!(
            bad_method.contains("`GE T` is not an HTTP method"),
            "{bad_method}"
        );
    }

    #[test]
    fn nulls_are_tolerated_everywhere() {
        let event = decoded(json!({
            "httpMethod": "GET", "path": null, "headers": null, "multiValueHeaders": null,
            "queryStringParameters": null, "multiValueQueryStringParameters": null,
            "pathParameters": null, "stageVariables": null, "body": null, "isBase64Encoded": null,
            "cookies": null,
            "requestContext": { "httpMethod": "GET", "requestId": null, "identity": { "user": null } }
        }));
        let request = event.request;
        assert_eq!(request.path(), "/");
        assert_eq!(request.body(), b"");
        assert_eq!(request.header("x"), None);
        assert_eq!(request.request_id(), "");
        let with_null_values = decoded(json!({
            "httpMethod": "GET", "requestContext": { "httpMethod": "GET" },
            "headers": { "a": null, "b": "2", "n": 3, "t": true },
            "multiValueQueryStringParameters": { "q": [null, "1"] }
        }));
        assert_eq!(with_null_values.request.header("a"), None);
        assert_eq!(with_null_values.request.header("b"), Some("2"));
        assert_eq!(with_null_values.request.header("n"), Some("3"));
        assert_eq!(with_null_values.request.header("t"), Some("true"));
        assert_eq!(with_null_values.request.query("q"), Some("1"));
    }

    #[test]
    fn multi_value_maps_win_over_single_ones() {
        let event = decoded(json!({
            "httpMethod": "GET", "requestContext": { "httpMethod": "GET" },
            "headers": { "Accept": "b" },
            "multiValueHeaders": { "Accept": ["a", "b"] },
            "queryStringParameters": { "q": "2" },
            "multiValueQueryStringParameters": { "q": ["1", "2"] }
        }));
        assert_eq!(event.request.header("accept"), Some("a"));
        assert_eq!(
            event.request.headers_all("ACCEPT").collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(event.request.query_all("q").collect::<Vec<_>>(), ["1", "2"]);
        assert!(event.multi_value);
    }

    #[test]
    fn v2_cookies_become_the_cookie_header() {
        let event = decoded(json!({
            "requestContext": { "http": { "method": "GET" } },
            "cookies": ["a=1", "b=2"], "headers": { "x": "y" }
        }));
        assert_eq!(event.request.header("Cookie"), Some("a=1; b=2"));
    }

    #[test]
    fn a_function_urls_own_cookie_header_is_replaced_not_doubled() {
        // A function URL (or an HTTP API behind CloudFront) sends the cookies twice: in
        // `cookies` and in the `cookie` header. The handler must read each once.
        let event = decoded(json!({
            "version": "2.0", "rawPath": "/",
            "requestContext": { "http": { "method": "POST" } },
            "cookies": ["session=abc", "theme=dark"],
            "headers": { "Cookie": "session=abc; theme=dark", "x": "y" }
        }));
        assert_eq!(
            event.request.headers_all("cookie").collect::<Vec<_>>(),
            ["session=abc; theme=dark"]
        );
        assert_eq!(event.request.header("x"), Some("y"));
        // `cookies` is the truth when the two disagree; empty `cookies` leave the header be.
        let stale = decoded(json!({
            "requestContext": { "http": { "method": "GET" } },
            "cookies": ["b=2"], "headers": { "cookie": "a=1" }
        }));
        assert_eq!(stale.request.header("cookie"), Some("b=2"));
        let empty = decoded(json!({
            "requestContext": { "http": { "method": "GET" } },
            "cookies": [], "headers": { "cookie": "a=1" }
        }));
        assert_eq!(empty.request.header("cookie"), Some("a=1"));
        // Payload 1.0 has no `cookies`: a field of that name is not read.
        let v1 = decoded(json!({
            "httpMethod": "GET", "requestContext": { "httpMethod": "GET" },
            "headers": { "Cookie": "a=1" }, "cookies": ["b=2"]
        }));
        assert_eq!(
            v1.request.headers_all("cookie").collect::<Vec<_>>(),
            ["a=1"]
        );
    }

    #[test]
    fn headers_in_only_one_of_the_two_maps_are_kept() {
        let v1 = decoded(json!({
            "httpMethod": "OPTIONS", "requestContext": { "httpMethod": "OPTIONS" },
            "headers": { "Origin": "https://example.com", "Accept": "b", "Host": "h" },
            "multiValueHeaders": { "accept": ["a", "b"], "X-Only-Multi": ["1", "2"] }
        }));
        let request = &v1.request;
        assert_eq!(request.header("origin"), Some("https://example.com"));
        assert_eq!(request.header("host"), Some("h"));
        // A name in both keeps every value of `multiValueHeaders`, once.
        assert_eq!(
            request.headers_all("Accept").collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(
            request.headers_all("x-only-multi").collect::<Vec<_>>(),
            ["1", "2"]
        );
        assert_eq!(request.headers().count(), 6);

        let alb = decoded(json!({
            "httpMethod": "GET", "requestContext": { "elb": {} },
            "headers": { "x-forwarded-for": "1.2.3.4" },
            "multiValueHeaders": { "host": ["h"], "x-forwarded-for": null }
        }));
        assert_eq!(alb.request.header("x-forwarded-for"), Some("1.2.3.4"));
        assert_eq!(alb.request.header("host"), Some("h"));
        assert!(
            alb.multi_value,
            "the response still follows the request's header mode"
        );
        let only_single = decoded(json!({
            "httpMethod": "GET", "requestContext": { "elb": {} },
            "headers": { "a": "1" }, "multiValueHeaders": {}
        }));
        assert_eq!(only_single.request.header("a"), Some("1"));
    }

    #[test]
    fn a_named_http_api_stage_is_not_part_of_the_path() {
        let v2 = |raw_path: &str, stage: Option<&str>| {
            let mut event = json!({
                "version": "2.0", "rawPath": raw_path,
                "requestContext": { "http": { "method": "GET", "path": raw_path } }
            });
            if let Some(stage) = stage {
                event["requestContext"]["stage"] = json!(stage);
            }
            decoded(event).request
        };
        let beta = v2("/beta/api/values", Some("beta"));
        assert_eq!(beta.path(), "/api/values");
        assert_eq!(beta.raw_path(), "/beta/api/values");
        assert_eq!(v2("/beta", Some("beta")).path(), "/");
        assert_eq!(v2("/beta/", Some("beta")).path(), "/");
        // Not the stage's segment, or no stage in the path: kept whole.
        assert_eq!(v2("/betamax/x", Some("beta")).path(), "/betamax/x");
        assert_eq!(v2("/api/values", Some("beta")).path(), "/api/values");
        assert_eq!(v2("/x/beta/y", Some("beta")).path(), "/x/beta/y");
        assert_eq!(v2("/$default/x", Some("$default")).path(), "/$default/x");
        assert_eq!(v2("/users", None).path(), "/users");
        assert_eq!(v2("/users", Some("")).path(), "/users");
        // Payload 1.0 never has the stage in `path`; a segment that looks like it stays.
        let v1 = decoded(json!({
            "httpMethod": "GET", "path": "/prod/x",
            "requestContext": { "httpMethod": "GET", "stage": "prod" }
        }));
        assert_eq!(v1.request.path(), "/prod/x");
        assert_eq!(v1.request.raw_path(), "/prod/x");
        // An odd stage value is ignored rather than rejecting the request.
        let odd = decoded(json!({
            "rawPath": "/1/x", "requestContext": { "http": { "method": "GET" }, "stage": 1 }
        }));
        assert_eq!(odd.request.path(), "/1/x");
    }

    #[test]
    fn a_lambda_authorizers_input_is_named_as_such() {
        let rest_token = reason(json!({
            "type": "TOKEN", "authorizationToken": "allow",
            "methodArn": "arn:aws:execute-api:us-east-1:111122223333:api/prod/GET/"
        }));
        let rest_request = reason(json!({
            "type": "REQUEST", "methodArn": "arn:aws:execute-api:us-east-1:111122223333:api/prod/GET/x",
            "httpMethod": "GET", "path": "/x", "requestContext": { "httpMethod": "GET" }
        }));
        let http_request = reason(json!({
            "version": "2.0", "type": "REQUEST", "routeKey": "GET /x", "rawPath": "/x",
            "routeArn": "arn:aws:execute-api:us-east-1:111122223333:api/$default/GET/x",
            "requestContext": { "http": { "method": "GET" } }
        }));
        for (message, field) in [
            (rest_token, "methodArn"),
            (rest_request, "methodArn"),
            (http_request, "routeArn"),
        ] {
            assert!(message.starts_with(NOT_AN_EVENT), "{message}");
            assert!(
                message.contains("Lambda authorizer's input") && message.contains(field),
                "{message}"
            );
            assert!(message.contains("a different caller"), "{message}");
        }
        // `null` is absent, as everywhere else.
        let proxy = decoded(json!({
            "httpMethod": "GET", "methodArn": null, "requestContext": { "httpMethod": "GET" }
        }));
        assert_eq!(proxy.request.method(), Method::GET);
    }

    #[test]
    fn a_websocket_routes_input_is_named_as_such() {
        let message = reason(json!({
            "httpMethod": "POST", "path": "/", "body": "hi",
            "requestContext": {
                "httpMethod": "POST", "eventType": "MESSAGE", "routeKey": "$default",
                "connectionId": "abc="
            }
        }));
        assert!(message.starts_with(NOT_AN_EVENT), "{message}");
        assert!(
            message.contains("WebSocket API route's input") && message.contains("`MESSAGE`"),
            "{message}"
        );
        let connect = reason(json!({
            "headers": { "Sec-WebSocket-Version": "13" },
            "requestContext": { "eventType": "CONNECT", "routeKey": "$connect" }
        }));
        assert!(connect.contains("`CONNECT`"), "{connect}");
        // A connection id alone is not a WebSocket route (some REST samples carry one).
        let rest = decoded(json!({
            "httpMethod": "GET", "requestContext": { "httpMethod": "GET", "connectionId": "x" }
        }));
        assert_eq!(rest.request.format(), PayloadFormat::V1);
    }

    #[test]
    fn v2_query_comes_from_the_raw_string_with_every_value() {
        let event = decoded(json!({
            "requestContext": { "http": { "method": "GET" } },
            "rawQueryString": "a=1&a=2&b=x%20y+z&flag&&c=%E2%82%AC&bad=%zz",
            "queryStringParameters": { "a": "1,2", "b": "x y z" }
        }));
        let request = event.request;
        assert_eq!(request.query_all("a").collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(request.query("b"), Some("x y z"));
        assert_eq!(request.query("flag"), Some(""));
        assert_eq!(request.query("c"), Some("€"));
        assert_eq!(request.query("bad"), Some("%zz"));
        let without_raw = decoded(json!({
            "requestContext": { "http": { "method": "GET" } },
            "rawQueryString": "", "queryStringParameters": { "a": "1" }
        }));
        assert_eq!(without_raw.request.query("a"), Some("1"));
    }

    #[test]
    fn alb_query_strings_are_percent_decoded_v1_ones_are_not() {
        let alb = decoded(json!({
            "httpMethod": "GET", "requestContext": { "elb": {} },
            "multiValueQueryStringParameters": { "na%20me": ["a%2Bb", "c+d"] },
            "multiValueHeaders": { "x": ["1"] }
        }));
        assert_eq!(
            alb.request.query_all("na me").collect::<Vec<_>>(),
            ["a+b", "c d"]
        );
        assert!(alb.multi_value);
        let v1 = decoded(json!({
            "httpMethod": "GET", "requestContext": { "httpMethod": "GET" },
            "queryStringParameters": { "q": "a%2Bb" }
        }));
        assert_eq!(v1.request.query("q"), Some("a%2Bb"));
    }

    #[test]
    fn base64_bodies_are_decoded_and_bad_ones_are_400() {
        let good = decoded(json!({
            "httpMethod": "POST", "requestContext": { "httpMethod": "POST" },
            "body": "AAH/", "isBase64Encoded": true
        }));
        assert_eq!(good.request.body(), [0, 1, 255]);
        assert!(good.body_error.is_none());
        let unpadded = decoded(json!({
            "requestContext": { "http": { "method": "POST" } }, "body": "aGk", "isBase64Encoded": true
        }));
        assert_eq!(unpadded.request.body(), b"hi");
        let bad = decoded(json!({
            "requestContext": { "http": { "method": "POST" } }, "body": "not base64!", "isBase64Encoded": true
        }));
        assert_eq!(
            bad.body_error.map(|error| error.status().as_u16()),
            Some(400)
        );
        let plain = decoded(json!({
            "requestContext": { "http": { "method": "POST" } }, "body": "AAH/", "isBase64Encoded": false
        }));
        assert_eq!(plain.request.body(), b"AAH/");
    }

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("plain".into()), "plain");
        assert_eq!(form_decode("a+b%20c".into()), "a b c");
        assert_eq!(form_decode("100%".into()), "100%");
        assert_eq!(form_decode("%4".into()), "%4");
        assert_eq!(form_decode("%C3%A9".into()), "é");
        assert_eq!(form_decode("%FF".into()), "\u{FFFD}");
    }

    #[test]
    fn wrong_types_are_decode_errors_not_panics() {
        for event in [
            json!([]),
            json!("x"),
            json!({ "headers": ["a"] }),
            json!({ "body": 1 }),
        ] {
            let result = serde_json::from_value::<RawEvent>(event.clone());
            if let Ok(raw) = result {
                assert!(decode(raw, "").is_err(), "{event}");
            }
        }
    }
}
