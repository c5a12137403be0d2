//! The event the "Invoke AWS Lambda function" flow block sends.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Deserializer};

/// An Amazon Connect contact flow event (`{"Name": "ContactFlowEvent", "Details": {..}}`).
///
/// Every field Amazon Connect documents is decoded; fields it adds later are ignored, and
/// `null` is accepted wherever Connect may send it (chat contacts have `null` endpoints, and
/// `Parameters` may be `null`, which reads as empty).
///
/// ```
/// # use lambda_contract::connect::ConnectEvent;
/// let event: ConnectEvent = serde_json::from_str(r#"{
///     "Name": "ContactFlowEvent",
///     "Details": {
///         "ContactData": {
///             "ContactId": "5ca32fbd-8f92-46af-92a5-6b0f970f0efe",
///             "Channel": "VOICE",
///             "CustomerEndpoint": { "Address": "+15555550100", "Type": "TELEPHONE_NUMBER" },
///             "Attributes": { "tier": "gold" }
///         },
///         "Parameters": { "phone": "+15555550100" }
///     }
/// }"#).unwrap();
/// assert_eq!(event.parameter("phone").unwrap(), "+15555550100");
/// assert_eq!(event.attribute("tier"), Some("gold"));
/// assert_eq!(event.customer_address(), Some("+15555550100"));
/// assert!(event.parameter("account").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ConnectEvent {
    /// Always `ContactFlowEvent`.
    #[serde(rename = "Name", default, deserialize_with = "null_as_default")]
    pub name: String,
    /// The contact and the block's parameters.
    #[serde(rename = "Details")]
    pub details: ContactDetails,
}

/// `Details`: the contact's data and the parameters the flow block sends.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ContactDetails {
    /// `ContactData`: the contact's attributes and identifiers.
    #[serde(rename = "ContactData")]
    pub contact_data: ContactData,
    /// `Parameters`: the block's function input parameters (`LambdaInvocationAttributes`).
    #[serde(
        rename = "Parameters",
        default,
        deserialize_with = "lenient_string_map"
    )]
    pub parameters: HashMap<String, String>,
}

/// `ContactData`, as listed in the Connect administrator guide's "List of available contact
/// attributes" and the Lambda developer guide.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ContactData {
    /// `Attributes`: the contact's user-defined attributes.
    #[serde(
        rename = "Attributes",
        default,
        deserialize_with = "lenient_string_map"
    )]
    pub attributes: HashMap<String, String>,
    /// `AwsRegion`.
    #[serde(rename = "AwsRegion", default)]
    pub aws_region: Option<String>,
    /// `Channel`: `VOICE`, `CHAT`, `TASK` or `EMAIL`.
    #[serde(rename = "Channel", default, deserialize_with = "null_as_default")]
    pub channel: Channel,
    /// `ContactId`: this contact's id.
    #[serde(rename = "ContactId")]
    pub contact_id: String,
    /// `CustomerEndpoint`: the customer's phone number or chat endpoint, if any.
    #[serde(rename = "CustomerEndpoint", default)]
    pub customer_endpoint: Option<Endpoint>,
    /// `CustomerId`: the Customer Profiles id, if any.
    #[serde(rename = "CustomerId", default)]
    pub customer_id: Option<String>,
    /// `Description` of the contact.
    #[serde(rename = "Description", default)]
    pub description: Option<String>,
    /// `InitialContactId`: the first contact of a transfer chain.
    #[serde(rename = "InitialContactId", default)]
    pub initial_contact_id: Option<String>,
    /// `InitiationMethod`: `INBOUND`, `OUTBOUND`, `TRANSFER`, `CALLBACK`, `API`, ...
    #[serde(rename = "InitiationMethod", default)]
    pub initiation_method: Option<String>,
    /// `InstanceARN`: the Connect instance.
    #[serde(rename = "InstanceARN", default)]
    pub instance_arn: Option<String>,
    /// `LanguageCode` of the contact.
    #[serde(rename = "LanguageCode", default)]
    pub language_code: Option<String>,
    /// `MediaStreams` (Kinesis Video stream details of live media streaming), as sent
    /// (raw JSON: [`RawJson::parse`] it into your own type when you need it).
    #[serde(rename = "MediaStreams", default)]
    pub media_streams: Option<RawJson>,
    /// `Name` of the contact.
    #[serde(rename = "Name", default)]
    pub contact_name: Option<String>,
    /// `PreviousContactId`: the contact this one was transferred from.
    #[serde(rename = "PreviousContactId", default)]
    pub previous_contact_id: Option<String>,
    /// `Queue`: the current queue, if any.
    #[serde(rename = "Queue", default)]
    pub queue: Option<Queue>,
    /// `References` (task references, URLs and attachments), as sent (raw JSON).
    #[serde(rename = "References", default)]
    pub references: Option<RawJson>,
    /// `RelatedContactId`.
    #[serde(rename = "RelatedContactId", default)]
    pub related_contact_id: Option<String>,
    /// `SegmentAttributes` (such as `connect:Subtype`), as sent (raw JSON).
    #[serde(rename = "SegmentAttributes", default)]
    pub segment_attributes: Option<RawJson>,
    /// `SystemEndpoint`: the number or endpoint the customer reached.
    #[serde(rename = "SystemEndpoint", default)]
    pub system_endpoint: Option<Endpoint>,
    /// `Tags` of the contact.
    #[serde(rename = "Tags", default, deserialize_with = "lenient_string_map")]
    pub tags: HashMap<String, String>,
}

/// `CustomerEndpoint` / `SystemEndpoint`: `{"Address", "Type"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Endpoint {
    /// `Address`, such as `+15555550100`.
    #[serde(rename = "Address", default)]
    pub address: Option<String>,
    /// `Type`, such as `TELEPHONE_NUMBER`.
    #[serde(rename = "Type", default)]
    pub endpoint_type: Option<String>,
}

/// `Queue`: `{"ARN", "Name"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Queue {
    /// `ARN` of the queue.
    #[serde(rename = "ARN", default)]
    pub arn: Option<String>,
    /// `Name` of the queue.
    #[serde(rename = "Name", default)]
    pub name: Option<String>,
}

/// A part of the event kept as the JSON text Connect sent, decoded only when asked:
/// `MediaStreams`, `References` and `SegmentAttributes` are nested, rarely read, and building
/// a `serde_json::Value` tree of them cost more than the rest of the glue together.
///
/// ```
/// # use lambda_contract::connect::RawJson;
/// # let raw: RawJson = serde_json::from_str(r#"{"connect:Subtype":{"ValueString":"connect:Telephony"}}"#).unwrap();
/// let value: serde_json::Value = raw.parse().unwrap();
/// assert_eq!(value["connect:Subtype"]["ValueString"], "connect:Telephony");
/// assert_eq!(raw.get(), r#"{"connect:Subtype":{"ValueString":"connect:Telephony"}}"#);
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct RawJson(Box<serde_json::value::RawValue>);

impl RawJson {
    /// The JSON text, exactly as it was in the event.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Decodes the text into `T` (a `serde_json::Value`, or a type of your own).
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(self.0.get())
    }
}

/// Equal when the texts are equal.
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// The contact's channel. Values Connect adds later are kept as [`Channel::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Channel {
    /// `VOICE`
    Voice,
    /// `CHAT`
    Chat,
    /// `TASK`
    Task,
    /// `EMAIL`
    Email,
    /// Any other value, as sent.
    Other(String),
    /// The event carried no channel.
    #[default]
    Unspecified,
}

impl Channel {
    /// The channel as Connect spells it (`VOICE`, ...); empty when unspecified.
    pub fn as_str(&self) -> &str {
        match self {
            Channel::Voice => "VOICE",
            Channel::Chat => "CHAT",
            Channel::Task => "TASK",
            Channel::Email => "EMAIL",
            Channel::Other(other) => other,
            Channel::Unspecified => "",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Channel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match text.as_str() {
            "VOICE" => Channel::Voice,
            "CHAT" => Channel::Chat,
            "TASK" => Channel::Task,
            "EMAIL" => Channel::Email,
            _ => Channel::Other(text),
        })
    }
}

/// A parameter the handler asked for that the flow block did not send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingParameter {
    name: String,
}

impl MissingParameter {
    /// The name of the missing parameter.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for MissingParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "missing parameter `{}`: the flow block's function input parameters do not include it",
            self.name
        )
    }
}

impl std::error::Error for MissingParameter {}

impl ConnectEvent {
    /// The block's parameter `name`, or an error naming it, ready for `?`.
    pub fn parameter(&self, name: &str) -> Result<&str, MissingParameter> {
        self.details
            .parameters
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| MissingParameter {
                name: name.to_owned(),
            })
    }

    /// The contact attribute `name`, if set.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.details
            .contact_data
            .attributes
            .get(name)
            .map(String::as_str)
    }

    /// This contact's `ContactId`.
    pub fn contact_id(&self) -> &str {
        &self.details.contact_data.contact_id
    }

    /// The contact's channel.
    pub fn channel(&self) -> &Channel {
        &self.details.contact_data.channel
    }

    /// The customer's address (a phone number on voice), if the contact has one.
    pub fn customer_address(&self) -> Option<&str> {
        self.details
            .contact_data
            .customer_endpoint
            .as_ref()
            .and_then(|endpoint| endpoint.address.as_deref())
    }
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A string map that reads `null` as empty, keeps strings as they are, writes other values
/// in their JSON text and drops `null` values, so one odd value does not reject a contact.
///
/// One pass straight into the map (a later duplicate key wins, and a later `null` removes
/// it): decoding into a map of `LenientString` and collecting that into another one hashed
/// every key twice and grew two tables, the largest cost of decoding a contact.
fn lenient_string_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<HashMap<String, String>, D::Error> {
    struct MapVisitor;
    impl<'de> serde::de::Visitor<'de> for MapVisitor {
        type Value = HashMap<String, String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map")
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(HashMap::new())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(HashMap::new())
        }
        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_map(self)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            // Contact maps are small: one table for up to 14 entries rather than growing
            // through 3, 7 and 14 (serde_json gives no size hint).
            let mut out = HashMap::with_capacity(map.size_hint().unwrap_or(8).min(64));
            while let Some((key, LenientString(value))) =
                map.next_entry::<String, LenientString>()?
            {
                match value {
                    Some(value) => {
                        out.insert(key, value);
                    }
                    None => {
                        out.remove(&key);
                    }
                }
            }
            Ok(out)
        }
    }
    deserializer.deserialize_option(MapVisitor)
}

/// One value of a lenient string map; `None` for `null`. A visitor rather than an untagged
/// enum, so the common case (a string) is not buffered first.
struct LenientString(Option<String>);

impl<'de> Deserialize<'de> for LenientString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = LenientString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LenientString(Some(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(LenientString(Some(v)))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(LenientString(Some(v.to_string())))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(LenientString(Some(v.to_string())))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(LenientString(Some(v.to_string())))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                let mut text = String::new();
                JsonText(&mut text).float(v);
                Ok(LenientString(Some(text)))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientString(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientString(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut text = String::new();
                JsonText(&mut text).visit_map(map)?;
                Ok(LenientString(Some(text)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut text = String::new();
                JsonText(&mut text).visit_seq(seq)?;
                Ok(LenientString(Some(text)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Writes the value it is given as compact JSON text: a nested attribute value, kept as the
/// JSON it was. Written while it is read, with no `serde_json::Value` tree between (which
/// would also put `Value`'s whole decoder and printer in every starter binary).
struct JsonText<'a>(&'a mut String);

impl JsonText<'_> {
    fn string(&mut self, v: &str) {
        // serde_json's own escaping; writing to a String cannot fail.
        if let Ok(quoted) = serde_json::to_string(v) {
            self.0.push_str(&quoted);
        }
    }
    fn float(&mut self, v: f64) {
        // As serde_json prints it (`1.5`, `1e21`); JSON numbers are always finite.
        if let Ok(number) = serde_json::to_string(&v) {
            self.0.push_str(&number);
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for JsonText<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for JsonText<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        use std::fmt::Write as _;
        let _ = write!(self.0, "{v}");
        Ok(())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        use std::fmt::Write as _;
        let _ = write!(self.0, "{v}");
        Ok(())
    }
    fn visit_f64<E: serde::de::Error>(mut self, v: f64) -> Result<(), E> {
        self.float(v);
        Ok(())
    }
    fn visit_str<E: serde::de::Error>(mut self, v: &str) -> Result<(), E> {
        self.string(v);
        Ok(())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.0.push('{');
        let mut first = true;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if !std::mem::take(&mut first) {
                self.0.push(',');
            }
            self.string(&key);
            self.0.push(':');
            map.next_value_seed(JsonText(&mut *self.0))?;
        }
        self.0.push('}');
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push('[');
        let mut first = true;
        while seq
            .next_element_seed(Comma(&mut *self.0, &mut first))?
            .is_some()
        {}
        self.0.push(']');
        Ok(())
    }
}

/// One element of a list for [`JsonText`], with the comma before all but the first.
struct Comma<'a>(&'a mut String, &'a mut bool);

impl<'de> serde::de::DeserializeSeed<'de> for Comma<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if !std::mem::take(self.1) {
            self.0.push(',');
        }
        deserializer.deserialize_any(JsonText(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use serde_json::Value;

    fn event(contact_data: Value, parameters: Value) -> Result<ConnectEvent, serde_json::Error> {
        serde_json::from_value(json!({
            "Name": "ContactFlowEvent",
            "Details": { "ContactData": contact_data, "Parameters": parameters }
        }))
    }

    #[test]
    fn decodes_every_documented_field() {
        let event = event(
            json!({
                "Attributes": { "a": "1" },
                "AwsRegion": "us-east-1",
                "Channel": "VOICE",
                "ContactId": "c-1",
                "CustomerEndpoint": { "Address": "+15555550100", "Type": "TELEPHONE_NUMBER" },
                "CustomerId": "cust-1",
                "Description": "d",
                "InitialContactId": "c-0",
                "InitiationMethod": "INBOUND",
                "InstanceARN": "arn:aws:connect:us-east-1:111122223333:instance/i",
                "LanguageCode": "en-US",
                "MediaStreams": { "Customer": { "Audio": null } },
                "Name": "n",
                "PreviousContactId": "c-0",
                "Queue": { "ARN": "arn:q", "Name": "Sales" },
                "References": {},
                "RelatedContactId": "c-2",
                "SegmentAttributes": { "connect:Subtype": { "ValueString": "connect:Telephony" } },
                "SystemEndpoint": { "Address": "+15555550199", "Type": "TELEPHONE_NUMBER" },
                "Tags": { "team": "support" }
            }),
            json!({ "phone": "+15555550100" }),
        )
        .unwrap();
        let data = &event.details.contact_data;
        assert_eq!(event.contact_id(), "c-1");
        assert_eq!(event.channel(), &Channel::Voice);
        assert_eq!(event.customer_address(), Some("+15555550100"));
        assert_eq!(data.aws_region.as_deref(), Some("us-east-1"));
        assert_eq!(data.customer_id.as_deref(), Some("cust-1"));
        assert_eq!(data.language_code.as_deref(), Some("en-US"));
        assert_eq!(
            data.queue.as_ref().and_then(|q| q.name.as_deref()),
            Some("Sales")
        );
        assert_eq!(
            data.system_endpoint
                .as_ref()
                .and_then(|e| e.address.as_deref()),
            Some("+15555550199")
        );
        assert_eq!(data.tags.get("team").map(String::as_str), Some("support"));
        assert_eq!(data.related_contact_id.as_deref(), Some("c-2"));
        let segment: Value = data.segment_attributes.as_ref().unwrap().parse().unwrap();
        assert!(segment.is_object(), "{segment}");
        assert!(data.media_streams.is_some());
        assert_eq!(event.parameter("phone"), Ok("+15555550100"));
    }

    #[test]
    fn chat_contacts_with_nulls_decode() {
        let event = event(
            json!({
                "Attributes": null, "Channel": "CHAT", "ContactId": "c-9",
                "CustomerEndpoint": null, "SystemEndpoint": null, "Queue": null,
                "Tags": null, "Description": null
            }),
            Value::Null,
        )
        .unwrap();
        assert_eq!(event.channel(), &Channel::Chat);
        assert_eq!(event.customer_address(), None);
        assert!(event.details.parameters.is_empty());
        assert_eq!(event.parameter("x").unwrap_err().name(), "x");
    }

    #[test]
    fn unknown_fields_and_channels_are_tolerated() {
        let event = event(
            json!({ "ContactId": "c", "Channel": "VIDEO", "SomethingNew": { "deep": [1] } }),
            json!({ "n": 5, "b": true, "gone": null, "nested": { "k": "v" } }),
        )
        .unwrap();
        assert_eq!(event.channel().as_str(), "VIDEO");
        assert_eq!(event.parameter("n"), Ok("5"));
        assert_eq!(event.parameter("b"), Ok("true"));
        assert!(event.parameter("gone").is_err());
        assert_eq!(event.parameter("nested"), Ok(r#"{"k":"v"}"#));
    }

    #[test]
    fn nested_and_numeric_values_keep_their_json_text() {
        let values = json!({
            "list": [1, -2, 2.5, "a\"b\u{e9}", null, true, { "x": [], "y\n": {} }],
            "big": 1e21,
            "small": -0.000125,
            "huge": 18446744073709551615_u64,
            "empty": {},
        });
        let from_value = event(json!({ "ContactId": "c" }), values.clone()).unwrap();
        let text = json!({
            "Details": { "ContactData": { "ContactId": "c" }, "Parameters": values }
        })
        .to_string();
        let from_text: ConnectEvent = serde_json::from_str(&text).unwrap();
        for event in [from_value, from_text] {
            for (name, value) in values.as_object().unwrap() {
                // serde_json's own printing is the reference.
                assert_eq!(
                    event.parameter(name),
                    Ok(value.to_string().as_str()),
                    "{name}"
                );
            }
            assert_eq!(event.parameter("big"), Ok("1e+21"));
        }
    }

    #[test]
    fn a_non_connect_payload_names_what_is_missing() {
        let error =
            serde_json::from_value::<ConnectEvent>(json!({ "httpMethod": "GET" })).unwrap_err();
        assert!(
            error.to_string().contains("missing field `Details`"),
            "{error}"
        );
        let error = event(json!({ "Channel": "VOICE" }), json!({})).unwrap_err();
        assert!(
            error.to_string().contains("missing field `ContactId`"),
            "{error}"
        );
    }

    #[test]
    fn missing_parameter_message_names_the_parameter() {
        let error = event(json!({ "ContactId": "c" }), json!({}))
            .unwrap()
            .parameter("phone")
            .unwrap_err();
        assert!(error.to_string().contains("`phone`"), "{error}");
        let boxed: crate::Error = error.into();
        assert!(boxed.to_string().starts_with("missing parameter `phone`"));
    }
}
