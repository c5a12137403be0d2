//! Extractors: what an API Gateway handler's parameters are read from. [`FromRequestParts`]
//! reads without consuming the request ([`Path`], [`Query`], `Context`); [`FromRequest`]
//! consumes it ([`Json`], [`Request`]).

use std::fmt;
use std::ops::{Deref, DerefMut};

use lambda_runtime::Context;
use serde::de::{self, DeserializeOwned, IntoDeserializer, Unexpected, Visitor};

use super::error::ApiError;
use super::request::Request;

/// A parameter read from the request without consuming it: [`Path<T>`], [`Query<T>`],
/// `lambda_contract::Context`.
///
/// Implement it for your own types (an authenticated caller read from a header, say); a
/// rejection is the [`ApiError`] the client receives.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a parameter an API Gateway handler can take",
    label = "not an extractor",
    note = "an API Gateway handler takes `Path<T>`, `Query<T>`, `lambda_contract::Context` and `&S` (the state \
            `init` returns) in any order, and at most one of `Json<T>` or `Request`, last: it consumes the body"
)]
pub trait FromRequestParts: Sized {
    /// Reads the parameter, or rejects the request.
    fn from_request_parts(request: &Request, context: &Context) -> Result<Self, ApiError>;
}

/// A parameter that consumes the request: [`Json<T>`] or [`Request`] itself. Everything
/// [`FromRequestParts`] implements it too, so the last parameter may be either kind.
///
/// Implement it for your own body types; a type implements one of the two traits, not both.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a parameter an API Gateway handler can take",
    label = "not an extractor",
    note = "an API Gateway handler takes `Path<T>`, `Query<T>`, `lambda_contract::Context` and `&S` (the state \
            `init` returns) in any order, and at most one of `Json<T>` or `Request`, last: it consumes the body"
)]
pub trait FromRequest: Sized {
    /// Reads the parameter, or rejects the request.
    fn from_request(request: Request, context: &Context) -> Result<Self, ApiError>;
}

// No marker type parameter is needed beside this blanket impl: `Json<T>` and `Request` are
// this crate's and do not implement `FromRequestParts`, and no other crate may implement it
// for them. (Not `do_not_recommend`: a type that is neither kind is then reported as not
// `FromRequestParts`, with the parts extractors listed, which is what such a type usually
// meant to be.)
impl<T: FromRequestParts> FromRequest for T {
    fn from_request(request: Request, context: &Context) -> Result<Self, ApiError> {
        T::from_request_parts(&request, context)
    }
}

impl FromRequest for Request {
    fn from_request(request: Request, _: &Context) -> Result<Self, ApiError> {
        Ok(request)
    }
}

impl FromRequestParts for Context {
    fn from_request_parts(_: &Request, context: &Context) -> Result<Self, ApiError> {
        Ok(context.clone())
    }
}

/// JSON, both ways: as a parameter, the request body parsed as `T`; as a return value, `T`
/// serialized with 200 `application/json`.
///
/// Rejections: a `content-type` that is missing or not JSON (`application/json` or
/// `application/*+json`, parameters allowed) is 415; a body that is not JSON is 400; JSON of
/// the wrong shape is 422, naming where.
///
/// ```
/// use lambda_contract::apigw::{IntoResponse, Json, StatusCode};
/// # #[derive(serde::Serialize)] struct User { id: u32 }
///
/// let response = Json(User { id: 7 }).into_response();
/// assert_eq!(response.status(), StatusCode::OK);
/// assert_eq!(response.header("content-type"), Some("application/json"));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);

/// The route's path parameters (`/users/{id}`) deserialized into `T`: a struct (or map) by
/// name, or a single value when the route has exactly one parameter.
///
/// A value that does not parse (`/users/abc` for a `u32`) is 400. A parameter the route does
/// not provide is a 500: the deployment and the code disagree, the client cannot fix it.
///
/// ```
/// use lambda_contract::apigw::{Path, Request};
/// # fn read(request: &Request, context: &lambda_contract::Context) -> Result<(), lambda_contract::apigw::ApiError> {
/// use lambda_contract::apigw::FromRequestParts;
/// #[derive(serde::Deserialize)]
/// struct Ids { user: u32, order: String }
/// let Path(ids) = Path::<Ids>::from_request_parts(request, context)?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Path<T>(pub T);

/// The query string deserialized into `T`: a struct or map, with `Option` fields for optional
/// parameters and `Vec` fields for repeated ones (`?tag=a&tag=b`); a repeated parameter read
/// into a single value is its first value. Anything that does not deserialize is 400, naming
/// the parameter.
///
/// ```
/// use lambda_contract::apigw::{FromRequestParts, Query, Request};
///
/// #[derive(serde::Deserialize)]
/// struct Search { q: String, page: Option<u32>, tag: Vec<String> }
///
/// let request: Request = serde_json::from_value(serde_json::json!({
///     "rawQueryString": "q=rust&tag=a&tag=b",
///     "requestContext": { "http": { "method": "GET" } }
/// })).unwrap();
/// let Query(search) = Query::<Search>::from_request_parts(&request, &Default::default()).unwrap();
/// assert_eq!((search.q.as_str(), search.page, search.tag.len()), ("rust", None, 2));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Query<T>(pub T);

macro_rules! wrapper {
    ($($name:ident),*) => {$(
        impl<T> $name<T> {
            /// The wrapped value.
            pub fn into_inner(self) -> T {
                self.0
            }
        }

        impl<T> Deref for $name<T> {
            type Target = T;
            fn deref(&self) -> &T {
                &self.0
            }
        }

        impl<T> DerefMut for $name<T> {
            fn deref_mut(&mut self) -> &mut T {
                &mut self.0
            }
        }
    )*};
}
wrapper!(Json, Path, Query);

impl<T: DeserializeOwned> FromRequest for Json<T> {
    fn from_request(request: Request, _: &Context) -> Result<Self, ApiError> {
        json_body(&request).map(Json)
    }
}

/// The request body as JSON of type `T`, with the same rejections as [`Json<T>`] (415, 400,
/// 422): what both the extractor and [`Request::json`] answer.
pub(crate) fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    match request.header("content-type") {
        Some(content_type) if is_json(content_type) => parse_json(request.body()),
        Some(content_type) => Err(unsupported(&format!("`{content_type}`"))),
        None => Err(unsupported("no `content-type`")),
    }
}

impl<T: DeserializeOwned> FromRequestParts for Path<T> {
    fn from_request_parts(request: &Request, _: &Context) -> Result<Self, ApiError> {
        T::deserialize(Params(request.path_params()))
            .map(Path)
            .map_err(|error| match error.ours {
                true => ApiError::internal(format!(
                    "path parameters: {}: the route does not provide what `Path<{}>` reads",
                    error.message,
                    std::any::type_name::<T>()
                ))
                .named("MissingPathParameter"),
                false => {
                    ApiError::bad_request(format!("invalid path parameter: {}", error.message))
                }
            })
    }
}

impl<T: DeserializeOwned> FromRequestParts for Query<T> {
    fn from_request_parts(request: &Request, _: &Context) -> Result<Self, ApiError> {
        T::deserialize(Params(request.query_params()))
            .map(Query)
            .map_err(|error| {
                ApiError::bad_request(format!("invalid query string: {}", error.message))
            })
    }
}

fn unsupported(got: &str) -> ApiError {
    ApiError::new(
        http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("expected a JSON body with `content-type: application/json`, got {got}"),
    )
}

/// `application/json` or `application/*+json`, parameters (`; charset=utf-8`) allowed.
pub(crate) fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    match essence.split_once('/') {
        Some((kind, subtype)) => {
            kind.eq_ignore_ascii_case("application")
                && (subtype.eq_ignore_ascii_case("json")
                    || subtype
                        .rsplit_once('+')
                        .is_some_and(|(_, suffix)| suffix.eq_ignore_ascii_case("json")))
        }
        None => false,
    }
}

/// Parses a JSON body: 400 when it is not JSON, 422 when it is JSON of the wrong shape.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // Most bodies are fine: read them without tracking the path, which copies every key and
    // made up a third of a POST's cost. Only a body that fails is read again, with the path,
    // to say where (the same deserialization, so the same error).
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let error = error.into_inner();
        match error.classify() {
            // The shape is judged before the end is read: make sure the whole body is JSON.
            serde_json::error::Category::Data => {
                match serde_json::from_slice::<de::IgnoredAny>(body) {
                    Ok(_) => ApiError::unprocessable(format!(
                        "the request body does not have the expected shape: {error} (at `{path}`)"
                    )),
                    Err(syntax) => not_json(&syntax),
                }
            }
            _ => not_json(&error),
        }
    })?;
    deserializer.end().map_err(|error| not_json(&error))?;
    Ok(value)
}

fn not_json(error: &serde_json::Error) -> ApiError {
    ApiError::bad_request(format!("the request body is not valid JSON: {error}"))
}

/// Why name/value pairs did not deserialize; `ours` when the code or the deployment is at
/// fault (a missing parameter, a shape pairs cannot have) rather than the client.
#[derive(Debug)]
struct ParamError {
    message: String,
    ours: bool,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParamError {}

impl de::Error for ParamError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ParamError {
            message: message.to_string(),
            ours: false,
        }
    }

    fn missing_field(field: &'static str) -> Self {
        ParamError {
            message: format!("missing `{field}`"),
            ours: true,
        }
    }
}

impl ParamError {
    fn ours(message: String) -> Self {
        ParamError {
            message,
            ours: true,
        }
    }
}

/// Name/value pairs (path parameters, query parameters) as a serde deserializer: a map, or a
/// single value when there is exactly one pair.
struct Params<'a>(&'a [(String, String)]);

impl<'de> Params<'de> {
    fn single(&self) -> Result<Text<'de>, ParamError> {
        match self.0 {
            [(_, value)] => Ok(Text(value)),
            [] => Err(ParamError::ours(
                "there is none, and one value was expected".to_owned(),
            )),
            pairs => Err(ParamError::ours(format!(
                "there are {}, and one value was expected: read them into a struct",
                pairs.len()
            ))),
        }
    }
}

macro_rules! single_value {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
            self.single()?.$method(visitor)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Params<'de> {
    type Error = ParamError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        let all = self.0;
        // One entry per name, at its first occurrence; the value sees every occurrence.
        let entries = all
            .iter()
            .enumerate()
            .filter(move |(index, (name, _))| {
                all.iter().position(|(other, _)| other == name) == Some(*index)
            })
            .map(move |(_, (name, first))| (Text(name), Named { name, first, all }));
        visitor.visit_map(de::value::MapDeserializer::new(entries))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        self.single()?.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, _: V) -> Result<V::Value, ParamError> {
        Err(ParamError::ours(
            "a sequence or tuple cannot be read from named parameters: use a struct".to_owned(),
        ))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        self.deserialize_seq(visitor)
    }

    single_value! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
    }

    serde::forward_to_deserialize_any! {
        unit_struct map struct identifier ignored_any
    }
}

/// The value(s) of one name: its first value, or every value for a sequence (`Vec<T>`).
#[derive(Clone, Copy)]
struct Named<'de> {
    name: &'de str,
    first: &'de str,
    all: &'de [(String, String)],
}

macro_rules! first_value {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
            Text(self.first).$method(visitor)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Named<'de> {
    type Error = ParamError;

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        let name = self.name;
        let values = self
            .all
            .iter()
            .filter(move |(other, _)| other == name)
            .map(|(_, value)| Text(value));
        visitor.visit_seq(de::value::SeqDeserializer::new(values))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        Text(self.first).deserialize_enum(name, variants, visitor)
    }

    first_value! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
    }

    serde::forward_to_deserialize_any! {
        str string bytes byte_buf unit unit_struct tuple tuple_struct map struct identifier
        ignored_any
    }
}

impl<'de> IntoDeserializer<'de, ParamError> for Named<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// One parameter's text, which parses into whatever scalar the target asks for.
#[derive(Clone, Copy)]
struct Text<'a>(&'a str);

macro_rules! parse_scalar {
    ($($method:ident => $visit:ident: $ty:ty,)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
            match self.0.parse::<$ty>() {
                Ok(value) => visitor.$visit(value),
                Err(_) => Err(de::Error::invalid_value(Unexpected::Str(self.0), &visitor)),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Text<'de> {
    type Error = ParamError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_borrowed_str(self.0)
    }

    parse_scalar! {
        deserialize_bool => visit_bool: bool,
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128,
        deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64,
        deserialize_char => visit_char: char,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        visitor.visit_enum(de::value::BorrowedStrDeserializer::new(self.0))
    }

    serde::forward_to_deserialize_any! {
        str string bytes byte_buf unit_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

impl<'de> IntoDeserializer<'de, ParamError> for Text<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    fn request(event: serde_json::Value) -> Request {
        serde_json::from_value(event).unwrap()
    }

    fn v1(path_params: serde_json::Value, query: serde_json::Value) -> Request {
        request(json!({
            "httpMethod": "GET", "path": "/users/7",
            "requestContext": { "httpMethod": "GET", "requestId": "r" },
            "pathParameters": path_params,
            "multiValueQueryStringParameters": query,
        }))
    }

    fn json_request(content_type: Option<&str>, body: &str) -> Request {
        let mut event = json!({
            "httpMethod": "POST", "path": "/",
            "requestContext": { "httpMethod": "POST", "requestId": "r" },
            "body": body,
        });
        if let Some(content_type) = content_type {
            event["headers"] = json!({ "Content-Type": content_type });
        }
        request(event)
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct NewUser {
        name: String,
        age: u8,
    }

    fn json_status(content_type: Option<&str>, body: &str) -> u16 {
        match Json::<NewUser>::from_request(json_request(content_type, body), &Context::default()) {
            Ok(_) => 200,
            Err(error) => error.status().as_u16(),
        }
    }

    #[test]
    fn json_bodies_are_parsed_or_rejected_with_the_right_status() {
        let body = r#"{"name":"Ada","age":36}"#;
        let Json(user) = Json::<NewUser>::from_request(
            json_request(Some("application/json"), body),
            &Context::default(),
        )
        .unwrap();
        assert_eq!(
            user,
            NewUser {
                name: "Ada".into(),
                age: 36
            }
        );
        assert_eq!(
            json_status(Some("application/json; charset=utf-8"), body),
            200
        );
        assert_eq!(json_status(Some("Application/Problem+JSON"), body), 200);
        assert_eq!(
            json_status(Some("application/json"), r#"{"name":"Ada""#),
            400
        );
        assert_eq!(json_status(Some("application/json"), "{} x"), 400);
        assert_eq!(json_status(Some("application/json"), ""), 400);
        assert_eq!(
            json_status(Some("application/json"), r#"{"name":"Ada","age":"old"}"#),
            422
        );
        assert_eq!(
            json_status(Some("application/json"), r#"{"name":"Ada"}"#),
            422
        );
        assert_eq!(json_status(Some("text/plain"), body), 415);
        assert_eq!(json_status(Some("application/jsonx"), body), 415);
        assert_eq!(json_status(None, body), 415);
    }

    #[test]
    fn shape_errors_name_where() {
        let error = parse_json::<Vec<NewUser>>(br#"[{"name":"a","age":1},{"name":"b","age":-1}]"#)
            .unwrap_err();
        assert_eq!(error.status().as_u16(), 422);
        assert!(
            error.detail().contains("(at `[1].age`)"),
            "{}",
            error.detail()
        );
    }

    #[test]
    fn content_types() {
        assert!(is_json("application/json"));
        assert!(is_json(" application/merge-patch+json ; charset=utf-8"));
        assert!(!is_json("application/"));
        assert!(!is_json("text/json"));
        assert!(!is_json("json"));
        assert!(!is_json(""));
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct UserPath {
        user: u32,
        tab: Option<String>,
    }

    fn path<T: DeserializeOwned>(params: serde_json::Value) -> Result<T, ApiError> {
        Path::<T>::from_request_parts(&v1(params, json!(null)), &Context::default())
            .map(Path::into_inner)
    }

    #[test]
    fn path_parameters_read_into_structs_and_single_values() {
        assert_eq!(
            path::<UserPath>(json!({ "user": "7" })).unwrap(),
            UserPath { user: 7, tab: None }
        );
        assert_eq!(path::<u32>(json!({ "id": "42" })).unwrap(), 42);
        assert_eq!(path::<String>(json!({ "id": "a b" })).unwrap(), "a b");
        let map: std::collections::BTreeMap<String, String> =
            path(json!({ "a": "1", "b": "2" })).unwrap();
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn path_parameters_the_route_lacks_are_500_and_bad_values_400() {
        let missing = path::<UserPath>(json!({ "id": "7" })).unwrap_err();
        assert_eq!(missing.status().as_u16(), 500);
        assert!(
            missing.detail().contains("missing `user`"),
            "{}",
            missing.detail()
        );
        assert_eq!(path::<u32>(json!(null)).unwrap_err().status().as_u16(), 500);
        assert_eq!(
            path::<u32>(json!({ "a": "1", "b": "2" }))
                .unwrap_err()
                .status()
                .as_u16(),
            500
        );
        assert_eq!(
            path::<(u32, u32)>(json!({ "a": "1" }))
                .unwrap_err()
                .status()
                .as_u16(),
            500
        );
        let bad = path::<UserPath>(json!({ "user": "abc" })).unwrap_err();
        assert_eq!(bad.status().as_u16(), 400);
        assert!(bad.detail().contains("\"abc\""), "{}", bad.detail());
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Order {
        Asc,
        Desc,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Search {
        q: String,
        limit: Option<u16>,
        exact: Option<bool>,
        order: Option<Order>,
        ratio: Option<f64>,
        #[serde(default)]
        tag: Vec<String>,
    }

    fn query<T: DeserializeOwned>(params: serde_json::Value) -> Result<T, ApiError> {
        Query::<T>::from_request_parts(&v1(json!(null), params), &Context::default())
            .map(Query::into_inner)
    }

    #[test]
    fn query_strings_read_into_structs() {
        let search: Search = query(json!({
            "q": ["rust", "ignored"], "limit": ["10"], "exact": ["true"], "order": ["desc"], "ratio": ["0.5"],
            "tag": ["a", "b"]
        }))
        .unwrap();
        assert_eq!(
            search,
            Search {
                q: "rust".into(),
                limit: Some(10),
                exact: Some(true),
                order: Some(Order::Desc),
                ratio: Some(0.5),
                tag: vec!["a".into(), "b".into()]
            }
        );
        let map: std::collections::HashMap<String, String> =
            query(json!({ "a": ["1", "2"], "b": ["3"] })).unwrap();
        assert_eq!((map["a"].as_str(), map["b"].as_str()), ("1", "3"));
        let numbers: std::collections::HashMap<String, Vec<u8>> =
            query(json!({ "n": ["1", "2"] })).unwrap();
        assert_eq!(numbers["n"], [1, 2]);
        assert_eq!(
            query::<Search>(json!({ "q": ["x"], "tag": ["1", "x"] }))
                .unwrap()
                .tag,
            ["1", "x"]
        );
        let search: Search = query(json!({ "q": ["x"] })).unwrap();
        assert_eq!(search.limit, None);
    }

    #[test]
    fn query_strings_that_do_not_deserialize_are_400() {
        for params in [
            json!({}),
            json!({ "q": ["x"], "limit": ["many"] }),
            json!({ "q": ["x"], "exact": ["yes"] }),
            json!({ "q": ["x"], "order": ["sideways"] }),
        ] {
            let error = query::<Search>(params.clone()).unwrap_err();
            assert_eq!(error.status().as_u16(), 400, "{params}: {error:?}");
            assert!(
                error.detail().starts_with("invalid query string: "),
                "{}",
                error.detail()
            );
        }
    }

    #[test]
    fn context_and_request_extract() {
        let mut context = Context::default();
        context.request_id = "lambda-1".into();
        let request = v1(json!(null), json!(null));
        let got = Context::from_request_parts(&request, &context).unwrap();
        assert_eq!(got.request_id, "lambda-1");
        let via_parts = <Context as FromRequest>::from_request(request.clone(), &context).unwrap();
        assert_eq!(via_parts.request_id, "lambda-1");
        let whole = Request::from_request(request, &context).unwrap();
        assert_eq!(whole.path(), "/users/7");
    }

    #[test]
    fn wrappers_deref() {
        let mut json = Json(vec![1]);
        json.push(2);
        assert_eq!(json.len(), 2);
        assert_eq!(*Path(3), 3);
        assert_eq!(Query("q").into_inner(), "q");
    }
}
