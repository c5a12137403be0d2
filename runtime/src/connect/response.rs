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

use super::string_map::{to_json_object, to_string_map};

/// A value Amazon Connect can take as a Lambda's result: the object the flow reads under
/// `$.External`.
///
/// Derive it on your response struct (`#[derive(Serialize, ConnectResponse)]`): the derive
/// checks at compile time that no field pretends to be an HTTP status or an error carrier,
/// that no field is serialized as `found`, that a `#[serde(flatten)]`ed field is itself a
/// `ConnectResponse` (so its own derive checked the names it adds), and that every field is a
/// flat value, as the flow block's STRING_MAP response validation requires; mark the type
/// `#[connect(json)]` to send nested JSON to a block whose response validation is JSON.
///
/// Also implemented for:
/// - `Option<T>`: `Some(t)` is `{"found": "true", ...t}`, `None` is `{"found": "false"}`: a
///   missing record is a business fact the flow branches on, not an error;
/// - `()`: `{}`;
/// - `HashMap<String, String>` and `BTreeMap<String, String>`, as they are.
///
/// # Checked when sent
/// A map's keys are known only at run time, and a map can be returned or flattened into a
/// derived response. So whatever the type, sending a response whose top-level keys include
/// an HTTP status or an error carrier (`statusCode`, `httpStatus`, `httpStatusCode`, `error`,
/// `errorMessage`, `errorType`, in any case, with or without `_` and `-`), or a `found` key
/// beside the flag `Some(..)` writes, fails the invocation with a [`ResponseError`] naming
/// the key: the contact takes the block's Error branch instead of reading a success.
///
/// # Why `found` is reserved in every derived type
/// `Some(t)` writes the `found` flag beside `t`'s fields, so a field serialized as `found`
/// clashes with it. The derive cannot see whether a type will be returned inside an
/// `Option`, and a check made by `#[connect_handler]` on its `Option<T>` return type would
/// miss the other ways to return one (a type alias, `Some(t).to_connect_response()`, a
/// flattened field) and could not point at the field anyway. So the derive refuses a
/// `found` field in every type, at the field: `$.External.found` always means the flag, and
/// a type that has a record or not is returned as `Option<T>` rather than carrying its own
/// `found` (rename the field if it means something else).
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

/// The family of a top-level name no Connect response may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// An HTTP status: Connect is not an HTTP client.
    StatusCode,
    /// An error carrier: a failure is an `Err(..)`, not a field.
    ErrorCarrier,
}

/// The names no Connect response may use at its top level, folded: ASCII lowercase, without
/// `_` and `-` (`statusCode`, `STATUS_CODE` and `status-code` are all `statuscode`).
///
/// The one list: the encoders refuse these keys as they write them (a map, or a
/// `#[serde(flatten)]`ed one, can carry any key), and `#[derive(ConnectResponse)]` refuses a
/// field serialized under one of them at compile time. The macro crate cannot depend on this
/// crate, so it keeps a copy; `the_derive_reserves_the_same_names` checks they agree.
pub(crate) const RESERVED_KEYS: &[(&str, Family)] = &[
    ("statuscode", Family::StatusCode),
    ("httpstatus", Family::StatusCode),
    ("httpstatuscode", Family::StatusCode),
    ("error", Family::ErrorCarrier),
    ("errormessage", Family::ErrorCarrier),
    ("errortype", Family::ErrorCarrier),
];

/// The family of `key` if it folds to one of [`RESERVED_KEYS`]. Judged as the key is written,
/// byte by byte and without allocating: most keys are told apart by their folded length, the
/// rest by their first letters.
pub(crate) fn reserved_key(key: &str) -> Option<Family> {
    let folded_len = key
        .bytes()
        .filter(|byte| *byte != b'_' && *byte != b'-')
        .count();
    RESERVED_KEYS
        .iter()
        .find(|(name, _)| name.len() == folded_len && folds_to(key, name))
        .map(|(_, family)| *family)
}

/// Whether `key`, without `_` and `-` and in ASCII lowercase, is `folded`.
fn folds_to(key: &str, folded: &str) -> bool {
    let mut key = key
        .bytes()
        .filter(|byte| *byte != b'_' && *byte != b'-')
        .map(|byte| byte.to_ascii_lowercase());
    let mut folded = folded.bytes();
    loop {
        match (key.next(), folded.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// Why a response could not be encoded for Amazon Connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    kind: Kind,
    field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Reserved(Family),
    NotFlat(String),
    NotAnObject(&'static str),
    FoundTaken,
    NestedOption,
    Custom(String),
}

impl ResponseError {
    pub(crate) fn reserved(key: &str, family: Family) -> Self {
        ResponseError {
            kind: Kind::Reserved(family),
            field: Some(key.to_owned()),
        }
    }
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
            Kind::Reserved(Family::StatusCode) => write!(
                f,
                "the response has a top-level key `{field}`, an HTTP status, but Amazon Connect is not an \
                 HTTP client: any object the Lambda returns is a success to it. Return `Err(..)` for a \
                 failure (the contact takes the block's Error branch), and `Option<T>` for a missing record \
                 (the flow branches on `found`)"
            ),
            Kind::Reserved(Family::ErrorCarrier) => write!(
                f,
                "the response has a top-level key `{field}`, which carries an error inside a successful \
                 response, and Amazon Connect treats it as a success: return `Err(..)` from the handler \
                 instead, so the contact takes the block's Error branch and Lambda's error metrics count it"
            ),
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
    to_json_object(value, found)
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
    #[test]
    fn the_derive_reserves_the_same_names() {
        // The macro crate's own lists and its judgement of each spelling below, as the derive
        // applies them to field names.
        let (listed, judged) = lambda_contract_macros::__connect_reserved_names!(
            "statuscode",
            "httpstatus",
            "httpstatuscode",
            "error",
            "errormessage",
            "errortype",
            "statusCode",
            "status_code",
            "STATUS-CODE",
            "Http_Status",
            "http-status-code",
            "Error",
            "_error_",
            "e_r_r_o_r",
            "errorMessage",
            "ERROR_TYPE",
            "status",
            "code",
            "errors",
            "error_count",
            "statusCodes",
            "terror",
            "found",
            "\u{17f}tatusCode",
            "error\u{212a}",
            "",
        );
        let family = |family: Family| match family {
            Family::StatusCode => "status code",
            Family::ErrorCarrier => "error",
        };
        let mut ours: Vec<_> = RESERVED_KEYS
            .iter()
            .map(|(name, f)| (*name, family(*f)))
            .collect();
        let mut theirs = listed.to_vec();
        ours.sort_unstable();
        theirs.sort_unstable();
        assert_eq!(ours, theirs, "the derive's list differs from the runtime's");
        for (name, derive) in judged {
            let runtime = reserved_key(name).map(family).unwrap_or("");
            assert_eq!(runtime, derive, "`{name}`");
        }
    }
}
