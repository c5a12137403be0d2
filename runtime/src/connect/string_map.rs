//! Connect's response object, written once: a STRING_MAP (a flat JSON object whose values
//! are all strings) or, for a `#[connect(json)]` type, a JSON object whose values keep their
//! nesting.
//!
//! [`to_string_map`] and [`to_json_object`] serialize the user's value through an adapter that
//! feeds serde_json's own map serializer, so the response is written once, by serde_json, and
//! wrapped as the payload without being parsed again (`serde_json::value::to_raw_value`).
//! Every top-level key is judged as it is written: one the derive would have refused as a
//! field name (an HTTP status or an error carrier, [`reserved_key`]), which a map or a
//! `#[serde(flatten)]`ed map can still carry, is an error naming it, and so is `found` when
//! the `found` flag is written. In a STRING_MAP, integers and floats are written in their
//! usual decimal form, bools as `"true"`/`"false"`, chars and strings as they are, unit enum
//! variants as their (serde-renamed) name; `None` fields are omitted. Anything nested is an
//! error naming the field, so a value the derive could not judge at compile time is still
//! caught.

use std::cell::Cell;
use std::fmt::{self, Display};

use serde::ser::{self, Impossible, Serialize, SerializeMap};
use serde_json::value::RawValue;

use super::response::{reserved_key, ResponseError};

/// How an object's values are written.
#[derive(Clone, Copy)]
enum Values {
    /// STRING_MAP: each value a string.
    Strings,
    /// JSON: each value as serde_json writes it, nesting kept.
    Json,
}

/// Serializes `value` as a STRING_MAP object, with `"found": "true"` first when `found`.
pub(crate) fn to_string_map<T: Serialize + ?Sized>(
    value: &T,
    found: bool,
) -> Result<Box<RawValue>, ResponseError> {
    to_object(value, found, Values::Strings)
}

/// Serializes `value` as a JSON object, nesting kept, with `"found": "true"` first when
/// `found`.
pub(crate) fn to_json_object<T: Serialize + ?Sized>(
    value: &T,
    found: bool,
) -> Result<Box<RawValue>, ResponseError> {
    to_object(value, found, Values::Json)
}

fn to_object<T: Serialize + ?Sized>(
    value: &T,
    found: bool,
    values: Values,
) -> Result<Box<RawValue>, ResponseError> {
    let map = StringMap {
        value,
        found,
        values,
        failure: Cell::new(None),
    };
    serde_json::value::to_raw_value(&map).map_err(|error| {
        map.failure
            .take()
            .unwrap_or_else(|| ResponseError::custom(error.to_string()))
    })
}

/// The user's value seen as a Connect response object. serde_json's error type cannot carry a
/// [`ResponseError`], so the adapter keeps it here and serde_json gets its message.
struct StringMap<'a, T: ?Sized> {
    value: &'a T,
    found: bool,
    values: Values,
    failure: Cell<Option<ResponseError>>,
}

impl<T: Serialize + ?Sized> Serialize for StringMap<'_, T> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if self.found {
            map.serialize_entry("found", "true")?;
        }
        let entries = Entries {
            map: &mut map,
            found: self.found,
            values: self.values,
        };
        match self.value.serialize(entries) {
            Ok(()) => map.end(),
            Err(Failure::Output(error)) => Err(error),
            Err(Failure::Contract(error)) => {
                let message = error.to_string();
                self.failure.set(Some(error));
                Err(ser::Error::custom(message))
            }
        }
    }
}

/// Why writing stopped: the value breaks the contract, or serde_json's writer failed.
#[derive(Debug)]
enum Failure<E> {
    Contract(ResponseError),
    Output(E),
}

impl<E: Display> Display for Failure<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Contract(error) => error.fmt(f),
            Failure::Output(error) => error.fmt(f),
        }
    }
}

impl<E: std::error::Error> std::error::Error for Failure<E> {}

impl<E: ser::Error> ser::Error for Failure<E> {
    fn custom<T: Display>(message: T) -> Self {
        Failure::Contract(ResponseError::custom(message.to_string()))
    }
}

fn not_an_object<T, E>(kind: &'static str) -> Result<T, Failure<E>> {
    Err(Failure::Contract(ResponseError::not_an_object(kind)))
}

/// The top level: a struct or a map, whose fields become the object's entries.
struct Entries<'m, M> {
    map: &'m mut M,
    found: bool,
    values: Values,
}

impl<M: SerializeMap> Entries<'_, M> {
    fn entry<V: Serialize + ?Sized>(
        &mut self,
        key: &str,
        value: &V,
    ) -> Result<(), Failure<M::Error>> {
        if let Some(family) = reserved_key(key) {
            return Err(Failure::Contract(ResponseError::reserved(key, family)));
        }
        if self.found && key == "found" {
            return Err(Failure::Contract(ResponseError::found_taken()));
        }
        let written = match self.values {
            Values::Strings => value.serialize(Scalar {
                map: &mut *self.map,
                key,
            }),
            // serde_json writes to memory, so its only errors are the value's own (a map key
            // that is not a string, a `Serialize` impl that fails): the field's, not the output's.
            Values::Json => self
                .map
                .serialize_entry(key, value)
                .map_err(|error| Failure::Contract(ResponseError::custom(error.to_string()))),
        };
        written.map_err(|failure| match failure {
            Failure::Contract(error) => Failure::Contract(error.in_field(key)),
            output => output,
        })
    }
}

impl<'m, M: SerializeMap> ser::Serializer for Entries<'m, M> {
    type Ok = ();
    type Error = Failure<M::Error>;
    type SerializeSeq = Impossible<(), Self::Error>;
    type SerializeTuple = Impossible<(), Self::Error>;
    type SerializeTupleStruct = Impossible<(), Self::Error>;
    type SerializeTupleVariant = Impossible<(), Self::Error>;
    type SerializeMap = MapEntries<'m, M>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Self::Error>;

    fn serialize_bool(self, _: bool) -> Result<(), Self::Error> {
        not_an_object("a bool")
    }
    fn serialize_i8(self, _: i8) -> Result<(), Self::Error> {
        not_an_object("a number")
    }
    fn serialize_i16(self, _: i16) -> Result<(), Self::Error> {
        not_an_object("a number")
    }
    fn serialize_i32(self, _: i32) -> Result<(), Self::Error> {
        not_an_object("a number")
    }
    fn serialize_i64(self, _: i64) -> Result<(), Self::Error> {
        not_an_object("a number")
    }
    fn serialize_u8(self, _: u8) -> Result<(), Self::Error> {
        not_an_object("a number")
    }
    fn serialize_u16(self, _: u16) -> Result<(), Self::Error> {
        not_an_object("a number")
    }
    fn serialize_u32(self, _: u32) -> Result<(), Self::Error> {
        not_an_object("a number")
    }
    fn serialize_u64(self, _: u64) -> Result<(), Self::Error> {
        not_an_object("a number")
    }
    fn serialize_f32(self, _: f32) -> Result<(), Self::Error> {
        not_an_object("a number")
    }
    fn serialize_f64(self, _: f64) -> Result<(), Self::Error> {
        not_an_object("a number")
    }
    fn serialize_char(self, _: char) -> Result<(), Self::Error> {
        not_an_object("a string")
    }
    fn serialize_str(self, _: &str) -> Result<(), Self::Error> {
        not_an_object("a string")
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Self::Error> {
        not_an_object("bytes")
    }
    fn serialize_none(self) -> Result<(), Self::Error> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Self::Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Self::Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Self::Error> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), Self::Error> {
        not_an_object("an enum variant")
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Self::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Self::Error> {
        not_an_object("an enum variant")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        not_an_object("a list")
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
        not_an_object("a tuple")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Self::Error> {
        not_an_object("a tuple struct")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Self::Error> {
        not_an_object("an enum variant")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
        Ok(MapEntries {
            entries: self,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Self::Error> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Self::Error> {
        not_an_object("an enum variant")
    }
}

impl<M: SerializeMap> ser::SerializeStruct for Entries<'_, M> {
    type Ok = ();
    type Error = Failure<M::Error>;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Self::Error> {
        self.entry(key, value)
    }
    fn end(self) -> Result<(), Self::Error> {
        Ok(())
    }
}

struct MapEntries<'m, M> {
    entries: Entries<'m, M>,
    key: Option<String>,
}

impl<M: SerializeMap> ser::SerializeMap for MapEntries<'_, M> {
    type Ok = ();
    type Error = Failure<M::Error>;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Self::Error> {
        self.key = Some(key.serialize(KeyText).map_err(Failure::Contract)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Self::Error> {
        let key = self.key.take().ok_or_else(|| {
            Failure::Contract(ResponseError::custom("a map value came without its key"))
        })?;
        self.entries.entry(&key, value)
    }
    fn end(self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// A number, written as a JSON string through its `Display` form (no intermediate `String`).
struct Shown<D>(D);

impl<D: Display> Serialize for Shown<D> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// Serializes one field's value as the string entry `key: "value"`, or nothing for `None`.
struct Scalar<'m, 'k, M> {
    map: &'m mut M,
    key: &'k str,
}

impl<M: SerializeMap> Scalar<'_, '_, M> {
    fn put<V: Serialize + ?Sized>(self, value: &V) -> Result<(), Failure<M::Error>> {
        self.map
            .serialize_entry(self.key, value)
            .map_err(Failure::Output)
    }
    fn float(self, value: f64, display: impl Display) -> Result<(), Failure<M::Error>> {
        if !value.is_finite() {
            return Err(Failure::Contract(ResponseError::not_flat(format!(
                "{value}, not a finite number"
            ))));
        }
        self.put(&Shown(display))
    }
}

fn not_flat<T, E>(kind: &'static str) -> Result<T, Failure<E>> {
    Err(Failure::Contract(ResponseError::not_flat(kind.to_owned())))
}

impl<M: SerializeMap> ser::Serializer for Scalar<'_, '_, M> {
    type Ok = ();
    type Error = Failure<M::Error>;
    type SerializeSeq = Impossible<(), Self::Error>;
    type SerializeTuple = Impossible<(), Self::Error>;
    type SerializeTupleStruct = Impossible<(), Self::Error>;
    type SerializeTupleVariant = Impossible<(), Self::Error>;
    type SerializeMap = Impossible<(), Self::Error>;
    type SerializeStruct = Impossible<(), Self::Error>;
    type SerializeStructVariant = Impossible<(), Self::Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Self::Error> {
        self.put(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Self::Error> {
        self.put(&Shown(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Self::Error> {
        self.put(&Shown(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Self::Error> {
        self.put(&Shown(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Self::Error> {
        self.put(&Shown(v))
    }
    fn serialize_i128(self, v: i128) -> Result<(), Self::Error> {
        self.put(&Shown(v))
    }
    fn serialize_u8(self, v: u8) -> Result<(), Self::Error> {
        self.put(&Shown(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Self::Error> {
        self.put(&Shown(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Self::Error> {
        self.put(&Shown(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Self::Error> {
        self.put(&Shown(v))
    }
    fn serialize_u128(self, v: u128) -> Result<(), Self::Error> {
        self.put(&Shown(v))
    }
    fn serialize_f32(self, v: f32) -> Result<(), Self::Error> {
        self.float(f64::from(v), v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Self::Error> {
        self.float(v, v)
    }
    fn serialize_char(self, v: char) -> Result<(), Self::Error> {
        self.put(&v)
    }
    fn serialize_str(self, v: &str) -> Result<(), Self::Error> {
        self.put(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Self::Error> {
        not_flat("bytes")
    }
    fn serialize_none(self) -> Result<(), Self::Error> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Self::Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Self::Error> {
        not_flat("`()`")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Self::Error> {
        not_flat("a unit struct")
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Self::Error> {
        self.put(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Self::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Self::Error> {
        not_flat("an enum variant with data")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        not_flat("a list")
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
        not_flat("a tuple")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Self::Error> {
        not_flat("a tuple struct")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Self::Error> {
        not_flat("an enum variant with data")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
        not_flat("a map")
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Self::Error> {
        not_flat("a struct")
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Self::Error> {
        not_flat("an enum variant with data")
    }
}

/// Serializes a map key as the text of a JSON object key.
struct KeyText;

fn bad_key<T>() -> Result<T, ResponseError> {
    Err(ResponseError::custom(
        "a map key must be a string, a char or a number",
    ))
}

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = ResponseError;
    type SerializeSeq = Impossible<String, ResponseError>;
    type SerializeTuple = Impossible<String, ResponseError>;
    type SerializeTupleStruct = Impossible<String, ResponseError>;
    type SerializeTupleVariant = Impossible<String, ResponseError>;
    type SerializeMap = Impossible<String, ResponseError>;
    type SerializeStruct = Impossible<String, ResponseError>;
    type SerializeStructVariant = Impossible<String, ResponseError>;

    fn serialize_bool(self, v: bool) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, ResponseError> {
        bad_key()
    }
    fn serialize_i64(self, v: i64) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_f64(self, _: f64) -> Result<String, ResponseError> {
        bad_key()
    }
    fn serialize_char(self, v: char) -> Result<String, ResponseError> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, ResponseError> {
        Ok(v.to_owned())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, ResponseError> {
        bad_key()
    }
    fn serialize_none(self) -> Result<String, ResponseError> {
        bad_key()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, ResponseError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, ResponseError> {
        bad_key()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, ResponseError> {
        bad_key()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, ResponseError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, ResponseError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, ResponseError> {
        bad_key()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, ResponseError> {
        bad_key()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, ResponseError> {
        bad_key()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, ResponseError> {
        bad_key()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, ResponseError> {
        bad_key()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, ResponseError> {
        bad_key()
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, ResponseError> {
        bad_key()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, ResponseError> {
        bad_key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    /// The encoded text (the tests compare texts).
    fn encode<T: Serialize + ?Sized>(value: &T, found: bool) -> Result<String, ResponseError> {
        to_string_map(value, found).map(|raw| raw.get().to_owned())
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Account {
        account_id: String,
        balance_cents: i64,
        ratio: f64,
        small: f32,
        vip: bool,
        initial: char,
        nickname: Option<String>,
        tier: Tier,
        id: AccountId,
        big: u128,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    enum Tier {
        GoldPlus,
    }

    #[derive(Serialize)]
    struct AccountId(u32);

    fn account() -> Account {
        Account {
            account_id: "a-\"1\"\n".to_owned(),
            balance_cents: -1250,
            ratio: 0.1,
            small: 1.5,
            vip: true,
            initial: 'é',
            nickname: None,
            tier: Tier::GoldPlus,
            id: AccountId(7),
            big: u128::MAX,
        }
    }

    #[test]
    fn scalars_become_strings_and_none_is_omitted() {
        let text = encode(&account(), false).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"accountId":"a-\"1\"\n","balanceCents":"-1250","ratio":"0.1","small":"1.5","#,
                r#""vip":"true","initial":"é","tier":"GOLD_PLUS","id":"7","#,
                r#""big":"340282366920938463463374607431768211455"}"#
            )
        );
        // The output is JSON, and every value is a string.
        let parsed: BTreeMap<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
        assert!(parsed.values().all(serde_json::Value::is_string));
    }

    #[test]
    fn floats_use_decimal_form_never_exponents() {
        #[derive(Serialize)]
        struct F {
            big: f64,
            tiny: f64,
        }
        let text = encode(
            &F {
                big: 1e21,
                tiny: 1e-7,
            },
            false,
        )
        .unwrap();
        assert_eq!(
            text,
            r#"{"big":"1000000000000000000000","tiny":"0.0000001"}"#
        );
    }

    #[test]
    fn found_flag_comes_first_and_cannot_be_shadowed() {
        #[derive(Serialize)]
        struct One {
            a: &'static str,
        }
        assert_eq!(
            encode(&One { a: "x" }, true).unwrap(),
            r#"{"found":"true","a":"x"}"#
        );
        assert_eq!(encode(&(), true).unwrap(), r#"{"found":"true"}"#);
        #[derive(Serialize)]
        struct Clash {
            found: bool,
        }
        let error = encode(&Clash { found: true }, true).unwrap_err();
        assert!(error.to_string().contains("`found`"), "{error}");
        assert_eq!(
            encode(&Clash { found: false }, false).unwrap(),
            r#"{"found":"false"}"#
        );
    }

    #[test]
    fn nested_values_are_errors_naming_the_field() {
        #[derive(Serialize)]
        struct Nested {
            ok: u8,
            items: Vec<u8>,
        }
        let error = encode(
            &Nested {
                ok: 1,
                items: vec![1],
            },
            false,
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(message.contains("`items` is a list"), "{message}");
        assert!(message.contains("STRING_MAP"), "{message}");
        assert!(message.contains("#[connect(json)]"), "{message}");

        #[derive(Serialize)]
        struct NotFinite {
            x: f64,
        }
        let error = encode(&NotFinite { x: f64::NAN }, false).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("`x` is NaN, not a finite number"),
            "{error}"
        );
    }

    #[test]
    fn maps_are_written_as_they_are() {
        let map = BTreeMap::from([
            ("b".to_owned(), "2".to_owned()),
            ("a".to_owned(), "1".to_owned()),
        ]);
        assert_eq!(encode(&map, false).unwrap(), r#"{"a":"1","b":"2"}"#);
        let numbered = BTreeMap::from([(1_u8, 2_u8)]);
        assert_eq!(encode(&numbered, false).unwrap(), r#"{"1":"2"}"#);
        let bad = BTreeMap::from([((1, 2), "x")]);
        assert!(encode(&bad, false).is_err());
    }

    #[test]
    fn top_level_must_be_an_object() {
        let error = encode(&vec![1], false).unwrap_err();
        assert!(
            error.to_string().contains("serializes as a list"),
            "{error}"
        );
        assert!(encode("text", false).is_err());
        assert_eq!(encode(&(), false).unwrap(), "{}");
    }
    #[test]
    fn a_top_level_status_or_error_key_is_refused_as_it_is_written() {
        // What the derive refuses as a field name, a map can still carry.
        for key in [
            "statusCode",
            "status_code",
            "HTTP-STATUS",
            "httpStatusCode",
            "error",
            "errorMessage",
            "ERROR_TYPE",
        ] {
            let map = BTreeMap::from([("a", "1"), (key, "500")]);
            for found in [false, true] {
                let error = encode(&map, found).unwrap_err().to_string();
                assert!(
                    error.contains(&format!("top-level key `{key}`")),
                    "{key}: {error}"
                );
                let error = to_json_object(&map, found).unwrap_err().to_string();
                assert!(
                    error.contains(&format!("top-level key `{key}`")),
                    "{key}: {error}"
                );
            }
        }
        let status = encode(&BTreeMap::from([("statusCode", 500)]), false).unwrap_err();
        assert!(
            status
                .to_string()
                .contains("Amazon Connect is not an HTTP client"),
            "{status}"
        );
        let error = encode(&BTreeMap::from([("errorMessage", "db down")]), false).unwrap_err();
        assert!(error.to_string().contains("return `Err(..)`"), "{error}");
        // Look-alikes are business data.
        let map = BTreeMap::from([
            ("status", "open"),
            ("code", "7"),
            ("errors", "0"),
            ("error_count", "0"),
            ("statusCodes", "x"),
        ]);
        assert!(encode(&map, false).is_ok());
        assert!(to_json_object(&map, false).is_ok());
    }

    #[test]
    fn a_flattened_map_is_judged_key_by_key() {
        #[derive(Serialize)]
        struct Lookup {
            account_id: &'static str,
            #[serde(flatten)]
            extra: BTreeMap<&'static str, &'static str>,
        }
        let lookup = |key| Lookup {
            account_id: "a-1",
            extra: BTreeMap::from([(key, "x")]),
        };
        assert_eq!(
            encode(&lookup("tier"), true).unwrap(),
            r#"{"found":"true","account_id":"a-1","tier":"x"}"#
        );
        assert_eq!(
            to_json_object(&lookup("tier"), true).unwrap().get(),
            r#"{"found":"true","account_id":"a-1","tier":"x"}"#
        );
        for key in ["statusCode", "errorMessage"] {
            let error = encode(&lookup(key), false).unwrap_err();
            assert!(error.to_string().contains(&format!("`{key}`")), "{error}");
            let error = to_json_object(&lookup(key), false).unwrap_err();
            assert!(error.to_string().contains(&format!("`{key}`")), "{error}");
        }
        // `found` is the flag's only when the flag is written: `Some(lookup)`.
        let error = encode(&lookup("found"), true).unwrap_err();
        assert!(error.to_string().contains("`found`"), "{error}");
        let error = to_json_object(&lookup("found"), true).unwrap_err();
        assert!(error.to_string().contains("`found`"), "{error}");
        assert!(encode(&lookup("found"), false).is_ok());
    }

    #[test]
    fn json_objects_keep_nesting_and_judge_only_the_top_level() {
        #[derive(Serialize)]
        struct Order {
            lines: Vec<BTreeMap<&'static str, u16>>,
        }
        let order = Order {
            lines: vec![BTreeMap::from([("statusCode", 1)])],
        };
        assert_eq!(
            to_json_object(&order, true).unwrap().get(),
            r#"{"found":"true","lines":[{"statusCode":1}]}"#
        );
        let bad_key = BTreeMap::from([("k", BTreeMap::from([((1, 2), 3)]))]);
        let error = to_json_object(&bad_key, false).unwrap_err().to_string();
        assert!(error.starts_with("field `k`: "), "{error}");
    }
}
