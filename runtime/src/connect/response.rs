//! What a Connect handler may return: [`ConnectResponse`], and the flat values a STRING_MAP
//! response is made of: [`ConnectScalar`].

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::num::{
    NonZeroI128, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI8, NonZeroIsize, NonZeroU128,
    NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU8, NonZeroUsize,
};
use std::rc::Rc;
use std::sync::Arc;

use serde::ser::SerializeMap;
use serde::Serialize;
use serde_json::value::RawValue;

use super::string_map::to_string_map;

/// A value Amazon Connect can take as a Lambda's result: the object the flow reads under
/// `$.External`.
///
/// Derive it on your response struct (`#[derive(Serialize, ConnectResponse)]`): the derive
/// checks at compile time that no field pretends to be an HTTP status or an error carrier,
/// and that every field is a flat value, as the flow block's STRING_MAP response validation
/// requires; mark the type `#[connect(json)]` to send nested JSON to a block whose response
/// validation is JSON.
///
/// Also implemented for:
/// - `Option<T>`: `Some(t)` is `{"found": "true", ...t}`, `None` is `{"found": "false"}`: a
///   missing record is a business fact the flow branches on, not an error;
/// - `()`: `{}`;
/// - `HashMap<String, String>` and `BTreeMap<String, String>`, as they are.
///
/// ```
/// use lambda_contract::ConnectResponse;
/// use serde::Serialize;
///
/// #[derive(Serialize, ConnectResponse)]
/// #[serde(rename_all = "camelCase")]
/// struct Account {
///     account_id: String,
///     balance_cents: i64,
///     vip: bool,
///     nickname: Option<String>,
/// }
///
/// let account = Account { account_id: "a-1".into(), balance_cents: 1250, vip: true, nickname: None };
/// assert_eq!(
///     account.to_connect_response().unwrap(),
///     r#"{"accountId":"a-1","balanceCents":"1250","vip":"true"}"#
/// );
/// assert_eq!(Some(account).to_connect_response().unwrap(),
///     r#"{"found":"true","accountId":"a-1","balanceCents":"1250","vip":"true"}"#);
/// assert_eq!(None::<Account>.to_connect_response().unwrap(), r#"{"found":"false"}"#);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a response Amazon Connect can take",
    label = "not a `ConnectResponse`",
    note = "derive it on your response type: `#[derive(serde::Serialize, lambda_contract::ConnectResponse)]`",
    note = "`Option<T>` (a `found` flag), `()` and `HashMap<String, String>` are accepted as they are; \
            Connect is not an HTTP client, so JSON values and HTTP responses are not"
)]
pub trait ConnectResponse {
    /// The JSON object Amazon Connect receives.
    fn to_connect_response(&self) -> Result<String, ResponseError> {
        self.encode_response(false)
            .map(|raw| String::from(Box::<str>::from(raw)))
    }

    /// The object as the payload posted to Lambda, written once; with `"found": "true"` first
    /// when `found` (what `Some(self)` sends).
    #[doc(hidden)]
    fn encode_response(&self, found: bool) -> Result<Box<RawValue>, ResponseError>;
}

/// A flat value: one field of a STRING_MAP response, sent as a string.
///
/// Implemented for strings, `char`, `bool`, the integer and float types, `Option` of a
/// scalar (a `None` field is omitted) and references and smart pointers to one. Mark your own
/// type when it serializes as one such value, such as a unit-only enum or a newtype over a
/// string (the serializer still checks at run time):
///
/// ```
/// use lambda_contract::connect::ConnectScalar;
///
/// #[derive(serde::Serialize)]
/// #[serde(rename_all = "lowercase")]
/// enum Tier { Gold, Silver }
///
/// impl ConnectScalar for Tier {}
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a flat value, and Amazon Connect's STRING_MAP response takes only flat string values",
    label = "a struct, list, map or tuple cannot be a STRING_MAP value",
    note = "make the field a string, number, bool or char, formatting a list or a record into a `String` \
            yourself (`ids.join(\",\")`); or mark the response type `#[connect(json)]` and set the flow block's \
            response validation to JSON",
    note = "a type of your own that serializes as one string or number (a unit-only enum, a newtype over a \
            `String`) can be marked flat: `impl lambda_contract::connect::ConnectScalar for MyType {{}}`"
)]
pub trait ConnectScalar {
    /// Does nothing: `#[derive(ConnectResponse)]` calls it as `<T as ConnectScalar>` for each
    /// field's type, so a field that is not flat is reported at its type.
    #[doc(hidden)]
    fn assert_scalar() {}
}

macro_rules! scalars {
    ($($ty:ty),* $(,)?) => { $(impl ConnectScalar for $ty {})* };
}
scalars!(
    str,
    String,
    char,
    bool,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64,
    NonZeroI8,
    NonZeroI16,
    NonZeroI32,
    NonZeroI64,
    NonZeroI128,
    NonZeroIsize,
    NonZeroU8,
    NonZeroU16,
    NonZeroU32,
    NonZeroU64,
    NonZeroU128,
    NonZeroUsize,
    std::net::IpAddr,
    std::net::Ipv4Addr,
    std::net::Ipv6Addr,
);
impl<T: ConnectScalar + ?Sized> ConnectScalar for &T {}
impl<T: ConnectScalar + ?Sized> ConnectScalar for Box<T> {}
impl<T: ConnectScalar + ?Sized> ConnectScalar for Rc<T> {}
impl<T: ConnectScalar + ?Sized> ConnectScalar for Arc<T> {}
impl<T: ConnectScalar + ToOwned + ?Sized> ConnectScalar for Cow<'_, T> {}
impl<T: ConnectScalar> ConnectScalar for Option<T> {}

/// Why a response could not be encoded for Amazon Connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    kind: Kind,
    field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    NotFlat(String),
    NotAnObject(&'static str),
    FoundTaken,
    NestedOption,
    Custom(String),
}

impl ResponseError {
    pub(crate) fn not_flat(what: String) -> Self {
        ResponseError {
            kind: Kind::NotFlat(what),
            field: None,
        }
    }
    pub(crate) fn not_an_object(what: &'static str) -> Self {
        ResponseError {
            kind: Kind::NotAnObject(what),
            field: None,
        }
    }
    pub(crate) fn found_taken() -> Self {
        ResponseError {
            kind: Kind::FoundTaken,
            field: None,
        }
    }
    pub(crate) fn custom(message: impl Into<String>) -> Self {
        ResponseError {
            kind: Kind::Custom(message.into()),
            field: None,
        }
    }
    pub(crate) fn in_field(mut self, field: &str) -> Self {
        self.field.get_or_insert_with(|| field.to_owned());
        self
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = self.field.as_deref().unwrap_or("?");
        match &self.kind {
            Kind::NotFlat(what) => write!(
                f,
                "field `{field}` is {what}, but Amazon Connect's STRING_MAP response validation takes only \
                 flat string values: make it a scalar, or mark the type `#[connect(json)]` and set the \
                 flow block's response validation to JSON"
            ),
            Kind::NotAnObject(what) => write!(
                f,
                "a Connect response is an object of named values, but this one serializes as {what}"
            ),
            Kind::FoundTaken => f.write_str(
                "field `found` clashes with the `found` flag that returning `Option<T>` adds: rename the field",
            ),
            Kind::NestedOption => f.write_str(
                "`Option<Option<T>>` is ambiguous for Connect: return `Option<T>`, whose `found` flag says \
                 whether the record exists",
            ),
            Kind::Custom(message) => match &self.field {
                Some(field) => write!(f, "field `{field}`: {message}"),
                None => f.write_str(message),
            },
        }
    }
}

impl std::error::Error for ResponseError {}

impl serde::ser::Error for ResponseError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ResponseError::custom(message.to_string())
    }
}

/// Encodes a STRING_MAP response (what the derive generates for a type without
/// `#[connect(json)]`).
#[doc(hidden)]
pub fn string_map<T: Serialize + ?Sized>(
    value: &T,
    found: bool,
) -> Result<Box<RawValue>, ResponseError> {
    to_string_map(value, found)
}

fn json_error(error: serde_json::Error) -> ResponseError {
    ResponseError::custom(error.to_string())
}

/// Encodes a JSON response (what the derive generates for a `#[connect(json)]` type): the
/// value as ordinary JSON, nesting kept, which must be an object.
#[doc(hidden)]
pub fn json<T: Serialize + ?Sized>(value: &T, found: bool) -> Result<Box<RawValue>, ResponseError> {
    if !found {
        let raw = serde_json::value::to_raw_value(value).map_err(json_error)?;
        return match raw.get().as_bytes().first() {
            Some(b'{') => Ok(raw),
            _ => Err(ResponseError::not_an_object(json_kind(raw.get()))),
        };
    }
    let mut object = match serde_json::to_value(value).map_err(json_error)? {
        serde_json::Value::Object(object) => object,
        other => return Err(ResponseError::not_an_object(json_kind(&other.to_string()))),
    };
    if object.contains_key("found") {
        return Err(ResponseError::found_taken());
    }
    object.insert("found".to_owned(), "true".into());
    serde_json::value::to_raw_value(&object).map_err(json_error)
}

fn json_kind(text: &str) -> &'static str {
    match text.as_bytes().first() {
        Some(b'[') => "a list",
        Some(b'"') => "a string",
        Some(b'n') => "null",
        Some(b't' | b'f') => "a bool",
        _ => "a number",
    }
}

/// `{"found": "false"}`, what `None` sends.
struct NotFound;

impl Serialize for NotFound {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("found", "false")?;
        map.end()
    }
}

impl<T: ConnectResponse> ConnectResponse for Option<T> {
    fn encode_response(&self, found: bool) -> Result<Box<RawValue>, ResponseError> {
        match self {
            _ if found => Err(ResponseError {
                kind: Kind::NestedOption,
                field: None,
            }),
            Some(value) => value.encode_response(true),
            None => serde_json::value::to_raw_value(&NotFound).map_err(json_error),
        }
    }
}

impl ConnectResponse for () {
    fn encode_response(&self, found: bool) -> Result<Box<RawValue>, ResponseError> {
        to_string_map(&(), found)
    }
}

impl<T: ConnectResponse + ?Sized> ConnectResponse for Box<T> {
    fn encode_response(&self, found: bool) -> Result<Box<RawValue>, ResponseError> {
        (**self).encode_response(found)
    }
}

impl<S: BuildHasher> ConnectResponse for HashMap<String, String, S> {
    fn encode_response(&self, found: bool) -> Result<Box<RawValue>, ResponseError> {
        to_string_map(self, found)
    }
}

impl ConnectResponse for BTreeMap<String, String> {
    fn encode_response(&self, found: bool) -> Result<Box<RawValue>, ResponseError> {
        to_string_map(self, found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_adds_the_found_flag() {
        let map = BTreeMap::from([("tier".to_owned(), "gold".to_owned())]);
        assert_eq!(
            Some(map.clone()).to_connect_response().unwrap(),
            r#"{"found":"true","tier":"gold"}"#
        );
        assert_eq!(
            None::<BTreeMap<String, String>>
                .to_connect_response()
                .unwrap(),
            r#"{"found":"false"}"#
        );
        assert_eq!(
            Some(()).to_connect_response().unwrap(),
            r#"{"found":"true"}"#
        );
        assert_eq!(().to_connect_response().unwrap(), "{}");
        assert!(Some(Some(()))
            .to_connect_response()
            .unwrap_err()
            .to_string()
            .contains("Option<Option<T>>"));
        let taken = BTreeMap::from([("found".to_owned(), "yes".to_owned())]);
        assert!(Some(taken).to_connect_response().is_err());
    }

    #[test]
    fn json_mode_keeps_nesting_and_requires_an_object() {
        #[derive(Serialize)]
        struct Order {
            items: Vec<u8>,
            total: f64,
        }
        let order = Order {
            items: vec![1, 2],
            total: 2.5,
        };
        assert_eq!(
            json(&order, false).unwrap().get(),
            r#"{"items":[1,2],"total":2.5}"#
        );
        assert_eq!(
            json(&order, true).unwrap().get(),
            r#"{"found":"true","items":[1,2],"total":2.5}"#
        );
        assert!(json(&vec![1], false)
            .unwrap_err()
            .to_string()
            .contains("serializes as a list"));
        assert!(json(&"x", true)
            .unwrap_err()
            .to_string()
            .contains("serializes as a string"));
        #[derive(Serialize)]
        struct Clash {
            found: u8,
        }
        assert!(json(&Clash { found: 1 }, true)
            .unwrap_err()
            .to_string()
            .contains("`found`"));
    }
}
