//! A lean JSON tree for reading events: strings borrowed from the line when
//! they have no escapes, objects as lists of entries in the order written.
//! serde reads a line into it about three times faster than into a
//! `serde_json::Value`, whose objects hash every key; events are read at
//! ingest speed, and their objects are only walked once, key by key.

use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::fmt;

/// A JSON value whose strings may borrow from the text it was read from.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Json<'t> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'t, str>),
    Array(Vec<Json<'t>>),
    /// Entries in the order written; a repeated key is kept twice.
    Object(Entries<'t>),
}

/// An object's entries: keys and values in the order written.
pub(super) type Entries<'t> = Vec<(Cow<'t, str>, Json<'t>)>;

impl<'t> Json<'t> {
    /// Reads a whole text.
    pub(super) fn parse(text: &'t str) -> serde_json::Result<Json<'t>> {
        serde_json::from_str(text)
    }

    /// The value of `key` in an object (the last one, as JSON readers do).
    pub(super) fn get(&self, key: &str) -> Option<&Json<'t>> {
        match self {
            Json::Object(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// How a message names this kind of value: "a string".
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "true/false",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }

    /// A string, number, true/false or null as a `serde_json::Value`.
    pub(super) fn into_scalar(self) -> Option<Value> {
        match self {
            Json::Null => Some(Value::Null),
            Json::Bool(b) => Some(Value::Bool(b)),
            Json::Number(n) => Some(Value::Number(n)),
            Json::String(s) => Some(Value::String(s.into_owned())),
            Json::Array(_) | Json::Object(_) => None,
        }
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_f64<E: Error>(self, n: f64) -> Result<Json<'de>, E> {
        Number::from_f64(n)
            .map(Json::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(s.to_string())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((Key(key), value)) = map.next_entry()? {
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'t>(Cow<'t, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(s.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_borrowing_plain_strings() {
        let text = r#"{"a":[null,true,-1,2.5,"x"],"b\n":"y\"","a":{}}"#;
        let json = Json::parse(text).expect("valid");
        let Json::Object(entries) = &json else {
            panic!("an object: {json:?}");
        };
        assert_eq!(entries.len(), 3);
        assert!(matches!(&entries[0].0, Cow::Borrowed("a")));
        assert!(matches!(&entries[1].0, Cow::Owned(k) if k == "b\n"));
        assert_eq!(entries[1].1, Json::String(Cow::Owned("y\"".into())));
        let Json::Array(items) = &entries[0].1 else {
            panic!("a list: {json:?}");
        };
        let kinds: Vec<&str> = items.iter().map(Json::kind).collect();
        assert_eq!(
            kinds,
            ["null", "true/false", "a number", "a number", "a string"]
        );
        assert_eq!(json.get("a"), Some(&Json::Object(Vec::new())));
        assert_eq!(items[3].clone().into_scalar(), Some(serde_json::json!(2.5)));
        assert!(Json::parse("1e400").is_err());
    }
}
