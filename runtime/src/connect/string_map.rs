//! Connect's STRING_MAP encoding: a flat JSON object whose values are all strings.
//!
//! A `serde::Serializer` that writes the object directly: integers and floats in their usual
//! decimal form, bools as `"true"`/`"false"`, chars and strings as they are, unit enum variants
//! as their (serde-renamed) name, `None` fields omitted. Anything nested is an error naming
//! the field, so a value the derive could not judge at compile time is still caught.

use std::fmt::Display;
use std::io::Write;

use serde::ser::{self, Impossible, Serialize};

use super::response::ResponseError;

/// Serializes `value` as a STRING_MAP object, with `"found": "true"` first when `found`.
pub(crate) fn to_string_map<T: Serialize + ?Sized>(
    value: &T,
    found: bool,
) -> Result<String, ResponseError> {
    let mut writer = Writer {
        out: Vec::with_capacity(256),
        fields: 0,
        found,
    };
    writer.out.push(b'{');
    if found {
        writer.out.extend_from_slice(br#""found":"true""#);
        writer.fields = 1;
    }
    value.serialize(&mut writer)?;
    writer.out.push(b'}');
    // Every byte written is ASCII punctuation or came from a `&str` through serde_json's escaper.
    String::from_utf8(writer.out).map_err(|error| ResponseError::custom(error.to_string()))
}

struct Writer {
    out: Vec<u8>,
    fields: usize,
    found: bool,
}

impl Writer {
    fn entry<V: Serialize + ?Sized>(&mut self, key: &str, value: &V) -> Result<(), ResponseError> {
        if self.found && key == "found" {
            return Err(ResponseError::found_taken());
        }
        let mark = self.out.len();
        if self.fields > 0 {
            self.out.push(b',');
        }
        write_str(&mut self.out, key);
        self.out.push(b':');
        match value.serialize(Scalar { out: &mut self.out }) {
            Ok(Written::Value) => {
                self.fields += 1;
                Ok(())
            }
            Ok(Written::Nothing) => {
                self.out.truncate(mark);
                Ok(())
            }
            Err(error) => Err(error.in_field(key)),
        }
    }
}

fn write_str(out: &mut Vec<u8>, text: &str) {
    // serde_json's own escaping; writing to a Vec cannot fail.
    let _ = ser::Serializer::serialize_str(&mut serde_json::Serializer::new(out), text);
}

fn write_display(out: &mut Vec<u8>, value: impl Display) {
    out.push(b'"');
    let _ = write!(out, "{value}");
    out.push(b'"');
}

fn not_an_object<T>(kind: &'static str) -> Result<T, ResponseError> {
    Err(ResponseError::not_an_object(kind))
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = ResponseError;
    type SerializeSeq = Impossible<(), ResponseError>;
    type SerializeTuple = Impossible<(), ResponseError>;
    type SerializeTupleStruct = Impossible<(), ResponseError>;
    type SerializeTupleVariant = Impossible<(), ResponseError>;
    type SerializeMap = MapWriter<'a>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), ResponseError>;

    fn serialize_bool(self, _: bool) -> Result<(), ResponseError> {
        not_an_object("a bool")
    }
    fn serialize_i8(self, _: i8) -> Result<(), ResponseError> {
        not_an_object("a number")
    }
    fn serialize_i16(self, _: i16) -> Result<(), ResponseError> {
        not_an_object("a number")
    }
    fn serialize_i32(self, _: i32) -> Result<(), ResponseError> {
        not_an_object("a number")
    }
    fn serialize_u8(self, _: u8) -> Result<(), ResponseError> {
        not_an_object("a number")
    }
    fn serialize_u16(self, _: u16) -> Result<(), ResponseError> {
        not_an_object("a number")
    }
    fn serialize_u32(self, _: u32) -> Result<(), ResponseError> {
        not_an_object("a number")
    }
    fn serialize_f32(self, _: f32) -> Result<(), ResponseError> {
        not_an_object("a number")
    }
    fn serialize_i64(self, _: i64) -> Result<(), ResponseError> {
        not_an_object("a number")
    }
    fn serialize_u64(self, _: u64) -> Result<(), ResponseError> {
        not_an_object("a number")
    }
    fn serialize_f64(self, _: f64) -> Result<(), ResponseError> {
        not_an_object("a number")
    }
    fn serialize_char(self, _: char) -> Result<(), ResponseError> {
        not_an_object("a char")
    }
    fn serialize_str(self, _: &str) -> Result<(), ResponseError> {
        not_an_object("a string")
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), ResponseError> {
        not_an_object("bytes")
    }
    fn serialize_none(self) -> Result<(), ResponseError> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), ResponseError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), ResponseError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), ResponseError> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), ResponseError> {
        not_an_object("an enum variant")
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), ResponseError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), ResponseError> {
        not_an_object("an enum variant")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, ResponseError> {
        not_an_object("a list")
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, ResponseError> {
        not_an_object("a tuple")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, ResponseError> {
        not_an_object("a tuple struct")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, ResponseError> {
        not_an_object("an enum variant")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, ResponseError> {
        Ok(MapWriter {
            writer: self,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, ResponseError> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, ResponseError> {
        not_an_object("an enum variant")
    }
}

impl ser::SerializeStruct for &mut Writer {
    type Ok = ();
    type Error = ResponseError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ResponseError> {
        self.entry(key, value)
    }
    fn end(self) -> Result<(), ResponseError> {
        Ok(())
    }
}

struct MapWriter<'a> {
    writer: &'a mut Writer,
    key: Option<String>,
}

impl ser::SerializeMap for MapWriter<'_> {
    type Ok = ();
    type Error = ResponseError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ResponseError> {
        self.key = Some(key.serialize(KeyText)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ResponseError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ResponseError::custom("a map value came without its key"))?;
        self.writer.entry(&key, value)
    }
    fn end(self) -> Result<(), ResponseError> {
        Ok(())
    }
}

/// What serializing one value wrote.
enum Written {
    Value,
    /// `None`: the entry is omitted.
    Nothing,
}

/// Serializes one field value as a JSON string.
struct Scalar<'a> {
    out: &'a mut Vec<u8>,
}

impl Scalar<'_> {
    fn number(self, value: impl Display) -> Result<Written, ResponseError> {
        write_display(self.out, value);
        Ok(Written::Value)
    }
    fn float(self, value: f64, display: impl Display) -> Result<Written, ResponseError> {
        if !value.is_finite() {
            return Err(ResponseError::not_flat(format!(
                "{value}, not a finite number"
            )));
        }
        self.number(display)
    }
}

fn not_flat<T>(kind: &'static str) -> Result<T, ResponseError> {
    Err(ResponseError::not_flat(kind.to_owned()))
}

impl ser::Serializer for Scalar<'_> {
    type Ok = Written;
    type Error = ResponseError;
    type SerializeSeq = Impossible<Written, ResponseError>;
    type SerializeTuple = Impossible<Written, ResponseError>;
    type SerializeTupleStruct = Impossible<Written, ResponseError>;
    type SerializeTupleVariant = Impossible<Written, ResponseError>;
    type SerializeMap = Impossible<Written, ResponseError>;
    type SerializeStruct = Impossible<Written, ResponseError>;
    type SerializeStructVariant = Impossible<Written, ResponseError>;

    fn serialize_bool(self, v: bool) -> Result<Written, ResponseError> {
        self.out
            .extend_from_slice(if v { br#""true""# } else { br#""false""# });
        Ok(Written::Value)
    }
    fn serialize_i8(self, v: i8) -> Result<Written, ResponseError> {
        self.number(v)
    }
    fn serialize_i16(self, v: i16) -> Result<Written, ResponseError> {
        self.number(v)
    }
    fn serialize_i32(self, v: i32) -> Result<Written, ResponseError> {
        self.number(v)
    }
    fn serialize_i64(self, v: i64) -> Result<Written, ResponseError> {
        self.number(v)
    }
    fn serialize_i128(self, v: i128) -> Result<Written, ResponseError> {
        self.number(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Written, ResponseError> {
        self.number(v)
    }
    fn serialize_u16(self, v: u16) -> Result<Written, ResponseError> {
        self.number(v)
    }
    fn serialize_u32(self, v: u32) -> Result<Written, ResponseError> {
        self.number(v)
    }
    fn serialize_u64(self, v: u64) -> Result<Written, ResponseError> {
        self.number(v)
    }
    fn serialize_u128(self, v: u128) -> Result<Written, ResponseError> {
        self.number(v)
    }
    fn serialize_f32(self, v: f32) -> Result<Written, ResponseError> {
        self.float(f64::from(v), v)
    }
    fn serialize_f64(self, v: f64) -> Result<Written, ResponseError> {
        self.float(v, v)
    }
    fn serialize_char(self, v: char) -> Result<Written, ResponseError> {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(Written::Value)
    }
    fn serialize_str(self, v: &str) -> Result<Written, ResponseError> {
        write_str(self.out, v);
        Ok(Written::Value)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Written, ResponseError> {
        not_flat("bytes")
    }
    fn serialize_none(self) -> Result<Written, ResponseError> {
        Ok(Written::Nothing)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Written, ResponseError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Written, ResponseError> {
        not_flat("`()`")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Written, ResponseError> {
        not_flat("a unit struct")
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Written, ResponseError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Written, ResponseError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Written, ResponseError> {
        not_flat("an enum variant with data")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, ResponseError> {
        not_flat("a list")
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, ResponseError> {
        not_flat("a tuple")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, ResponseError> {
        not_flat("a tuple struct")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, ResponseError> {
        not_flat("an enum variant with data")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, ResponseError> {
        not_flat("a map")
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, ResponseError> {
        not_flat("a struct")
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, ResponseError> {
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
        let text = to_string_map(&account(), false).unwrap();
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
        let text = to_string_map(
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
            to_string_map(&One { a: "x" }, true).unwrap(),
            r#"{"found":"true","a":"x"}"#
        );
        assert_eq!(to_string_map(&(), true).unwrap(), r#"{"found":"true"}"#);
        #[derive(Serialize)]
        struct Clash {
            found: bool,
        }
        let error = to_string_map(&Clash { found: true }, true).unwrap_err();
        assert!(error.to_string().contains("`found`"), "{error}");
        assert_eq!(
            to_string_map(&Clash { found: false }, false).unwrap(),
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
        let error = to_string_map(
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
        let error = to_string_map(&NotFinite { x: f64::NAN }, false).unwrap_err();
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
        assert_eq!(to_string_map(&map, false).unwrap(), r#"{"a":"1","b":"2"}"#);
        let numbered = BTreeMap::from([(1_u8, 2_u8)]);
        assert_eq!(to_string_map(&numbered, false).unwrap(), r#"{"1":"2"}"#);
        let bad = BTreeMap::from([((1, 2), "x")]);
        assert!(to_string_map(&bad, false).is_err());
    }

    #[test]
    fn top_level_must_be_an_object() {
        let error = to_string_map(&vec![1], false).unwrap_err();
        assert!(
            error.to_string().contains("serializes as a list"),
            "{error}"
        );
        assert!(to_string_map("text", false).is_err());
        assert_eq!(to_string_map(&(), false).unwrap(), "{}");
    }
}
