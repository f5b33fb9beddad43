//! One JSON object of an event, its keys taken by name: [`Fields`] checks
//! that every key is known (or a `_comment`), then hands out typed values
//! with errors that name the key and point at it.

use super::error::{dotted, Cx, EventError};
use super::json::{Entries, Json};
use crate::model::{NewComment, Time};
use crate::rules::diagnostics::list;
use crate::rules::schema::did_you_mean;
use crate::rules::yaml::is_comment_key;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashSet;

/// The keys of one object, each taken at most once.
pub(super) struct Fields<'c, 't> {
    cx: &'c Cx<'t>,
    /// Where the object is (`["ticket"]`; empty at the top).
    path: Vec<&'static str>,
    keys: &'static [&'static str],
    /// The value of each of `keys`, when given.
    values: Vec<Option<Json<'t>>>,
}

type Result<T> = std::result::Result<T, EventError>;

impl<'c, 't> Fields<'c, 't> {
    /// Takes an object's `entries` apart; a key not in `keys` is an error.
    pub(super) fn new(
        cx: &'c Cx<'t>,
        path: Vec<&'static str>,
        entries: Entries<'t>,
        keys: &'static [&'static str],
    ) -> Result<Self> {
        let mut values = vec![None; keys.len()];
        for (key, value) in entries {
            match keys.iter().position(|k| *k == key) {
                Some(i) => values[i] = Some(value),
                None if is_comment_key(&key) => {}
                None => return Err(unknown_key(cx, &path, &key, keys)),
            }
        }
        Ok(Fields {
            cx,
            path,
            keys,
            values,
        })
    }

    /// Is `key` given (even as null)?
    pub(super) fn has(&self, key: &str) -> bool {
        self.index(key).is_some_and(|i| self.values[i].is_some())
    }

    /// The value of `key`, if given (null included).
    pub(super) fn take(&mut self, key: &str) -> Option<Json<'t>> {
        self.index(key).and_then(|i| self.values[i].take())
    }

    fn index(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| *k == key)
    }

    /// The path of `key` in this object.
    pub(super) fn path_of(&self, key: &'static str) -> Vec<&'static str> {
        let mut path = self.path.clone();
        path.push(key);
        path
    }

    /// An error at `key` of this object.
    pub(super) fn error(&self, key: &'static str, message: impl Into<String>) -> EventError {
        self.cx.error(&self.path_of(key), message)
    }

    /// How a message names `key`: `ticket.status`.
    pub(super) fn name(&self, key: &'static str) -> String {
        dotted(&self.path_of(key))
    }

    /// "`key` must be {expected}, not {what value is}".
    pub(super) fn wrong_type(&self, key: &'static str, expected: &str, value: &Json) -> EventError {
        let message = format!(
            "`{}` must be {expected}, not {}",
            self.name(key),
            value.kind()
        );
        self.error(key, message)
    }

    /// A required key's value.
    pub(super) fn required(&mut self, key: &'static str) -> Result<Json<'t>> {
        self.take(key).ok_or_else(|| self.missing(key))
    }

    /// "missing key …", pointing at this object's own key.
    pub(super) fn missing(&self, key: &'static str) -> EventError {
        let message = format!("missing key `{}`", self.name(key));
        self.cx.error(&self.path, message)
    }

    /// A required, non-empty string.
    pub(super) fn required_text(&mut self, key: &'static str) -> Result<String> {
        match self.required(key)? {
            Json::String(s) if s.trim().is_empty() => {
                Err(self.error(key, format!("`{}` is empty", self.name(key))))
            }
            Json::String(s) => Ok(s.into_owned()),
            other => Err(self.wrong_type(key, "a string", &other)),
        }
    }

    /// A string that may be null: `None` when absent, `Some(None)` for
    /// null.
    pub(super) fn nullable_text(&mut self, key: &'static str) -> Result<Option<Option<String>>> {
        match self.take(key) {
            None => Ok(None),
            Some(Json::Null) => Ok(Some(None)),
            Some(Json::String(s)) => Ok(Some(Some(s.into_owned()))),
            Some(other) => Err(self.wrong_type(key, "a string or null", &other)),
        }
    }

    /// A name that may be cleared: as [`Fields::nullable_text`], with `""`
    /// read as null.
    pub(super) fn nullable_name(&mut self, key: &'static str) -> Result<Option<Option<String>>> {
        let name = self.nullable_text(key)?;
        Ok(name.map(|name| name.filter(|n| !n.is_empty())))
    }

    /// One of a closed set of names (`what` is `status`), or null.
    pub(super) fn choice<T>(
        &mut self,
        key: &'static str,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
        names: &[&str],
    ) -> Result<Option<Option<T>>> {
        let text = match self.take(key) {
            None => return Ok(None),
            Some(Json::Null) => return Ok(Some(None)),
            Some(Json::String(s)) => s,
            Some(other) => return Err(self.wrong_type(key, "a string", &other)),
        };
        match parse(&text) {
            Some(v) => Ok(Some(Some(v))),
            None => Err(self.error(key, unknown_value(what, &text, names))),
        }
    }

    /// A required integer above zero.
    pub(super) fn positive_id(&mut self, key: &'static str) -> Result<i64> {
        let value = self.required(key)?;
        let number = match &value {
            Json::Number(n) => n.as_i64(),
            _ => None,
        };
        match number {
            Some(id) if id > 0 => Ok(id),
            Some(id) => {
                let message = format!("`{}` must be above 0, not `{id}`", self.name(key));
                Err(self.error(key, message))
            }
            None => Err(self.wrong_type(key, "a whole number above 0", &value)),
        }
    }

    /// A required RFC 3339 time, in UTC.
    pub(super) fn time(&mut self, key: &'static str) -> Result<Time> {
        let text = match self.required(key)? {
            Json::String(s) => s,
            other => return Err(self.wrong_type(key, "an RFC 3339 time", &other)),
        };
        match chrono::DateTime::parse_from_rfc3339(&text) {
            Ok(t) if crate::model::time_nanos(&t.with_timezone(&chrono::Utc)).is_none() => {
                // Caught here rather than at the first write, so that the
                // event alone is rejected, with its line and column.
                let message = format!(
                    "`{}` is `{text}`, out of the store's range (1677-09-21 to 2262-04-11)",
                    self.name(key)
                );
                Err(self.error(key, message))
            }
            Ok(t) => Ok(t.with_timezone(&chrono::Utc)),
            Err(_) => {
                let message = format!(
                    "`{}` must be an RFC 3339 time like `2026-11-21T09:00:00Z`, not `{text}`",
                    self.name(key)
                );
                Err(self.error(key, message))
            }
        }
    }

    /// true/false, or `default` when absent or null.
    pub(super) fn flag(&mut self, key: &'static str, default: bool) -> Result<bool> {
        match self.take(key) {
            None | Some(Json::Null) => Ok(default),
            Some(Json::Bool(b)) => Ok(b),
            Some(other) => Err(self.wrong_type(key, "true or false", &other)),
        }
    }

    /// A nested object (absent or null is `None`), with its own keys.
    pub(super) fn object(
        &mut self,
        key: &'static str,
        keys: &'static [&'static str],
    ) -> Result<Option<Fields<'c, 't>>> {
        match self.take(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Object(entries)) => {
                Fields::new(self.cx, self.path_of(key), entries, keys).map(Some)
            }
            Some(other) => Err(self.wrong_type(key, "an object", &other)),
        }
    }

    /// A list of tags: lowercased, each once, none empty or with a space.
    pub(super) fn tags(&mut self, key: &'static str) -> Result<Option<Vec<String>>> {
        let items = match self.take(key) {
            None => return Ok(None),
            Some(Json::Array(items)) => items,
            Some(other) => return Err(self.wrong_type(key, "a list of tags", &other)),
        };
        let mut tags: Vec<String> = Vec::with_capacity(items.len());
        // A set beside the list: `Vec::contains` made a long list quadratic.
        let mut seen: HashSet<String> = HashSet::with_capacity(items.len());
        for (n, item) in items.into_iter().enumerate() {
            let tag = self.tag(key, n, item)?;
            if seen.insert(tag.clone()) {
                tags.push(tag);
            }
        }
        Ok(Some(tags))
    }

    /// Item `n` (0-based) of a tag list.
    fn tag(&self, key: &'static str, n: usize, item: Json) -> Result<String> {
        let Json::String(text) = item else {
            let message = format!(
                "`{}` must be a list of strings; item {} is {}",
                self.name(key),
                n + 1,
                item.kind()
            );
            return Err(self.error(key, message));
        };
        if text.is_empty() {
            return Err(self.error(key, format!("empty tag in `{}`", self.name(key))));
        }
        if text.contains(char::is_whitespace) {
            let message = format!("tag `{text}` in `{}` has a space", self.name(key));
            return Err(self.error(key, message));
        }
        Ok(text.to_lowercase())
    }

    /// Custom fields: an object of title → string, number, true/false or
    /// null, in the order given.
    pub(super) fn custom_fields(&mut self, key: &'static str) -> Result<Vec<(String, Value)>> {
        let entries = match self.take(key) {
            None => return Ok(Vec::new()),
            Some(Json::Object(entries)) => entries,
            Some(other) => return Err(self.wrong_type(key, "an object of title to value", &other)),
        };
        let mut fields = Vec::with_capacity(entries.len());
        for (title, value) in entries {
            if is_comment_key(&title) {
                continue;
            }
            fields.push(self.custom_field(key, title, value)?);
        }
        Ok(fields)
    }

    fn custom_field(
        &self,
        key: &'static str,
        title: Cow<str>,
        value: Json,
    ) -> Result<(String, Value)> {
        let mut path: Vec<&str> = self.path_of(key);
        path.push(&title);
        if title.trim().is_empty() {
            let message = format!("empty custom field title in `{}`", self.name(key));
            return Err(self.cx.error(&path, message));
        }
        let kind = value.kind();
        match value.into_scalar() {
            Some(value) => Ok((title.into_owned(), value)),
            None => {
                let message = format!(
                    "custom field `{title}` must be a string, a number, true/false or null, not {kind}"
                );
                Err(self.cx.error(&path, message))
            }
        }
    }

    /// A comment: `{"body": …, "public": true}` (absent or null is `None`).
    pub(super) fn comment(&mut self, key: &'static str) -> Result<Option<NewComment>> {
        let Some(mut comment) = self.object(key, &["body", "public"])? else {
            return Ok(None);
        };
        let body = comment.required_text("body")?;
        let public = comment.flag("public", true)?;
        Ok(Some(NewComment { body, public }))
    }
}

/// "unknown key `x` in `ticket`, did you mean `y`?"
fn unknown_key(cx: &Cx, path: &[&'static str], key: &str, keys: &[&str]) -> EventError {
    let mut message = format!("unknown key `{key}`");
    if !path.is_empty() {
        message += &format!(" in `{}`", dotted(path));
    }
    if let Some(near) = did_you_mean(key, keys.iter().copied()) {
        message += &format!(", did you mean `{near}`?");
    }
    let mut at: Vec<&str> = path.to_vec();
    at.push(key);
    cx.error(&at, message)
}

/// "unknown status `opne`, expected `new`, `open` … or `closed`".
pub(super) fn unknown_value(what: &str, text: &str, names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|n| n.replace(' ', "_")).collect();
    format!("unknown {what} `{text}`, expected {}", list(&names, "or"))
}
