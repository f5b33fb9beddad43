//! A Zendesk ticket body (`{"ticket": {...}}`) turned into an event of
//! the caller's, read by the same reader `ingest` uses, so it is checked
//! the same way. The account, the actor, the role and the channel come
//! from the token and the server: a body that tries to say them is
//! refused.

use super::body::object_under;
use crate::event::parse_event;
use crate::model::{Time, Update};
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use serde_json::{json, Map, Value};

/// Keys a body may not set, and why.
const CLAIMS: &[&str] = &[
    "account",
    "actor",
    "author_id",
    "submitter_id",
    "via",
    "role",
    "received_from",
    "requester_id",
    "id",
    "ticket_id",
    "created_at",
    "updated_at",
];

/// Zendesk's key and the event's, where they differ.
const RENAMED: &[(&str, &str)] = &[
    ("additional_tags", "add_tags"),
    ("assignee_email", "assignee"),
    ("requester_email", "requester"),
];

/// Keys passed through as they are.
const SAME: &[&str] = &[
    "subject",
    "status",
    "priority",
    "type",
    "group",
    "tags",
    "remove_tags",
    "organization",
    "brand",
    "comment",
];

/// A create (`ticket_id` `None`: the writer gives the id) or an update by
/// `caller`, named `event_id`.
pub fn event(
    body: &[u8],
    caller: &Caller,
    event_id: &str,
    ticket_id: Option<i64>,
    at: Time,
) -> Result<Update, ApiError> {
    let object = object_under(body, "ticket")?;
    let mut fields = translate(object)?;
    let actor = caller.actor();
    let mut event = json!({
        "id": event_id,
        "account": caller.account,
        "at": at.to_rfc3339(),
        "via": "api",
        "actor": { "email": actor.email, "role": actor.role.as_str(), "name": actor.name },
    });
    match ticket_id {
        Some(id) => {
            event["type"] = "update".into();
            event["ticket_id"] = id.into();
            event["changes"] = Value::Object(fields);
        }
        None => {
            let add = fields.remove("add_tags");
            merge_tags(&mut fields, add);
            // The id is a placeholder until the writer gives the real one.
            fields.insert("id".into(), 1.into());
            fields
                .entry("requester")
                .or_insert_with(|| caller.email.clone().into());
            event["type"] = "create".into();
            event["ticket"] = Value::Object(fields);
        }
    }
    let text = event.to_string();
    parse_event(&text, 1).map_err(|e| ApiError::invalid(plain(&in_body_words(&text, &e))))
}

/// A reader's error without the line and column of the event the server
/// made, naming the key instead: `` `ticket.status`: unknown status ``.
fn in_body_words(text: &str, e: &crate::event::EventError) -> String {
    let key = e.column.and_then(|column| {
        let rest: String = text
            .chars()
            .skip(column)
            .take_while(|c| *c != '"')
            .collect();
        (!rest.is_empty()).then_some(rest)
    });
    match key {
        Some(key) if !e.message.contains(&format!("{key}`")) => {
            format!("`ticket.{key}`: {}", e.message)
        }
        _ => e.message.clone(),
    }
}

/// The body's keys as the event's.
fn translate(object: Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for (key, value) in object {
        if CLAIMS.contains(&key.as_str()) {
            return Err(ApiError::invalid(format!(
                "`ticket.{key}` cannot be set\nhelp: the server sets it: the account, the author and their role come from the API token"
            )));
        }
        let renamed = RENAMED
            .iter()
            .find(|(from, _)| *from == key)
            .map(|(_, to)| *to);
        let name = match renamed {
            Some(to) => to.to_string(),
            None if SAME.contains(&key.as_str()) => key,
            None if key == "requester" => {
                out.insert("requester".into(), requester(value)?);
                continue;
            }
            None if key == "custom_fields" => {
                out.insert(key, custom_fields(value)?);
                continue;
            }
            None => {
                return Err(ApiError::invalid(format!(
                    "unknown key `ticket.{key}`\nhelp: known keys: {}, additional_tags, assignee_email, requester, custom_fields",
                    SAME.join(", ")
                )))
            }
        };
        out.insert(name, value);
    }
    Ok(out)
}

/// `requester`: an email, or `{"email": ..., "name": ...}`.
fn requester(value: Value) -> Result<Value, ApiError> {
    match value {
        Value::Object(mut o) => match o.remove("email") {
            Some(email @ Value::String(_)) => Ok(email),
            _ => Err(ApiError::invalid("`ticket.requester` needs an `email`")),
        },
        other => Ok(other),
    }
}

/// `custom_fields`: Zendesk's list of `{"id", "value"}` (the id here is
/// the field's title) or `{"title", "value"}`, or an object of title to
/// value.
fn custom_fields(value: Value) -> Result<Value, ApiError> {
    let Value::Array(items) = value else {
        return Ok(value);
    };
    let mut out = Map::new();
    for item in items {
        let Value::Object(mut o) = item else {
            return Err(ApiError::invalid("each of `ticket.custom_fields` must be an object with `title` (or `id`) and `value`"));
        };
        let title = match o.remove("title").or_else(|| o.remove("id")) {
            Some(Value::String(s)) => s,
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                return Err(ApiError::invalid(
                    "each of `ticket.custom_fields` needs a `title` (or `id`)",
                ))
            }
        };
        out.insert(title, o.remove("value").unwrap_or(Value::Null));
    }
    Ok(Value::Object(out))
}

/// A create takes `tags` only: `additional_tags` join them.
fn merge_tags(fields: &mut Map<String, Value>, add: Option<Value>) {
    let Some(Value::Array(add)) = add else { return };
    if let Value::Array(tags) = fields
        .entry("tags")
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        tags.extend(add);
    }
}

/// A reader's error in the body's words: `changes.add_tags` is the
/// body's `ticket.additional_tags`.
fn plain(message: &str) -> String {
    let mut text = message.replace("`changes.", "`ticket.");
    for (from, to) in RENAMED {
        text = text.replace(&format!("`ticket.{to}"), &format!("`ticket.{from}"));
    }
    text
}
