//! Reading request bodies and ids: a body is JSON with one named object
//! at the top (`{"ticket": {...}}`), and an error names where it broke.

use crate::server::error::ApiError;
use serde_json::{Map, Value};

/// The object under `key` of a JSON body.
pub fn object_under(body: &[u8], key: &str) -> Result<Map<String, Value>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "the body is not JSON: {e} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let Value::Object(mut top) = value else {
        return Err(ApiError::bad_request(format!(
            "the body must be a JSON object with `{key}`"
        )));
    };
    match top.remove(key) {
        Some(Value::Object(inner)) => Ok(inner),
        Some(_) => Err(ApiError::bad_request(format!("`{key}` must be an object"))),
        None => Err(ApiError::bad_request(format!(
            "the body has no `{key}`\nhelp: send `{{\"{key}\": {{...}}}}`"
        ))),
    }
}

/// A record's id from the path: a positive whole number, else 404 (no
/// record has any other id).
pub fn id_of(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(ApiError::not_found)
}

/// A boolean key of a body object, `default` when absent.
pub fn flag(object: &Map<String, Value>, key: &str, default: bool) -> Result<bool, ApiError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(ApiError::invalid(format!(
            "`{key}` must be true or false, not {other}"
        ))),
    }
}

/// A text key of a body object.
pub fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, ApiError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(ApiError::invalid(format!(
            "`{key}` must be a string, not {other}"
        ))),
    }
}
