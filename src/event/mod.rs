//! The event reader: JSON Lines of ticket creates and updates, in names close
//! to Zendesk's ticket API, read into [`Update`]s for the engine and the
//! store. The format is described in `docs/EVENTS.md`.
//!
//! Each line is parsed once by serde into a lean JSON tree (`json`: strings
//! borrowed from the line, objects as entry lists), then taken apart object
//! by object (`fields`): unknown keys, missing keys, wrong types and bad
//! values are errors that name the key and, when it can be found in the
//! line, its column (`error`). Keys starting with `_` are comments.
//! `envelope` reads the top of an event, `changes` its body.

mod changes;
mod envelope;
mod error;
mod fields;
mod json;
#[cfg(test)]
mod tests;

pub use error::EventError;

use crate::locate::{token_at, Locator};
use crate::model::{Time, Update, UpdateKind};
use error::Cx;
use json::Json;
use std::io::BufRead;

/// Reads one event line; `line` (1-based) is where it is in the input.
pub fn parse_event(text: &str, line: usize) -> Result<Update, EventError> {
    let value = parse_json(text, line)?;
    let cx = Cx {
        text,
        line,
        id: top_id(&value),
    };
    match value {
        Json::Object(entries) => envelope::event(&cx, entries),
        other => {
            let message = format!("an event must be a JSON object, not {}", other.kind());
            Err(cx.error(&[], message))
        }
    }
}

/// Reads a whole JSON document for `dry-run --ticket-json`: a create event,
/// or a bare ticket object (the `ticket` of a create event, which may also
/// name its `account`). A bare ticket becomes a create event with id
/// `ticket-json`, via `web`, at `at`, made by its requester as an end user.
pub fn parse_ticket_json(text: &str, account: &str, at: Time) -> Result<Update, EventError> {
    let value = parse_json(text, 1)?;
    let mut cx = Cx {
        text,
        line: 1,
        id: None,
    };
    let id = top_id(&value);
    let entries = match value {
        Json::Object(entries) => entries,
        other => {
            let message = format!("expected a create event or a ticket, not {}", other.kind());
            return Err(cx.error(&[], message));
        }
    };
    if !entries
        .iter()
        .any(|(key, _)| key == "ticket" || key == "changes")
    {
        return envelope::bare_ticket(&cx, entries, account, at);
    }
    cx.id = id;
    let update = envelope::event(&cx, entries)?;
    if update.kind == UpdateKind::Update {
        let message = "expected a create event or a ticket, not an `update` event";
        return Err(cx.error(&["type"], message));
    }
    Ok(update)
}

/// The `id` of an event line even when the rest is bad (malformed JSON
/// included), so a rejection can be recorded under it.
pub fn event_id_of(text: &str) -> Option<String> {
    match Json::parse(text) {
        Ok(value) => top_id(&value),
        Err(_) => scan_id(text),
    }
}

/// One line of input and what it reads as.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLine {
    /// 1-based.
    pub line: usize,
    /// The line without its line break.
    pub text: String,
    pub event: Result<Update, EventError>,
}

/// Streams events from `reader` one line at a time (never the whole input),
/// skipping blank lines. A line that is not UTF-8 is an error; a read
/// error is one last error line.
pub fn read_events<R: BufRead>(reader: R) -> impl Iterator<Item = EventLine> {
    read_events_up_to(reader, MAX_LINE)
}

/// The longest event line read by default, in bytes (1 MiB): a longer one
/// is rejected with its line number, without holding more of it.
pub const MAX_LINE: usize = 1 << 20;

/// [`read_events`], rejecting lines longer than `max_line` bytes.
pub fn read_events_up_to<R: BufRead>(
    reader: R,
    max_line: usize,
) -> impl Iterator<Item = EventLine> {
    Lines {
        reader,
        line: 0,
        buf: Vec::new(),
        done: false,
        max_line,
    }
}

/// The iterator behind [`read_events`].
struct Lines<R> {
    reader: R,
    /// The last line read.
    line: usize,
    buf: Vec<u8>,
    done: bool,
    max_line: usize,
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = EventLine;

    fn next(&mut self) -> Option<EventLine> {
        while !self.done {
            self.buf.clear();
            let read = self.read_line();
            self.line += 1;
            match read {
                Ok(None) => self.done = true,
                Ok(Some(n)) if n > self.max_line => {
                    let message = format!(
                        "the line is over {} bytes long, the most an event may be\nhelp: raise the limit with `--max-line-bytes`",
                        self.max_line
                    );
                    let text = String::from_utf8_lossy(&self.buf).into_owned();
                    return Some(self.failed(text, message));
                }
                Ok(Some(_)) => {
                    if let Some(event) = self.event_line() {
                        return Some(event);
                    }
                }
                Err(err) => {
                    self.done = true;
                    let message = format!("cannot read the input: {err}");
                    return Some(self.failed(String::new(), message));
                }
            }
        }
        None
    }
}

impl<R: BufRead> Lines<R> {
    /// Reads a line into `buf`, keeping at most `max_line + 1` bytes of it
    /// (enough to tell it is too long; its id is looked for there); returns
    /// the line's whole length without its `\n`, `None` at the end.
    fn read_line(&mut self) -> std::io::Result<Option<usize>> {
        let (mut total, mut any) = (0, false);
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok(any.then_some(total));
            }
            any = true;
            let (used, ends) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            let room = (self.max_line + 1).saturating_sub(self.buf.len());
            self.buf.extend_from_slice(&chunk[..used.min(room)]);
            self.reader.consume(used);
            total += used - usize::from(ends);
            if ends {
                return Ok(Some(total));
            }
        }
    }
}

impl<R> Lines<R> {
    /// The line in `buf` read, or `None` when it is blank.
    fn event_line(&self) -> Option<EventLine> {
        let mut bytes = self.buf.as_slice();
        bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if self.line == 1 {
            bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(match std::str::from_utf8(bytes) {
            Ok(text) => EventLine {
                line: self.line,
                text: text.to_string(),
                event: parse_event(text, self.line),
            },
            Err(_) => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                self.failed(text, "the line is not valid UTF-8".to_string())
            }
        })
    }

    fn failed(&self, text: String, message: String) -> EventLine {
        let error = EventError {
            line: self.line,
            column: None,
            id: None,
            message,
        };
        EventLine {
            line: self.line,
            text,
            event: Err(error),
        }
    }
}

/// `text` as JSON, or a malformed-JSON error.
fn parse_json(text: &str, line: usize) -> Result<Json<'_>, EventError> {
    Json::parse(text).map_err(|err| EventError::json(text, line, &err, scan_id(text)))
}

/// The top-level `id` of a parsed event.
fn top_id(value: &Json) -> Option<String> {
    value.get("id").and_then(id_text)
}

fn id_text(value: &Json) -> Option<String> {
    match value {
        Json::String(id) if !id.trim().is_empty() => Some(id.to_string()),
        _ => None,
    }
}

/// The first `"id": "<string>"` in text that is not JSON.
fn scan_id(text: &str) -> Option<String> {
    let mut locator = Locator::new(text, true);
    while let Some(hit) = locator.key("id") {
        let token = token_at(text, hit.value);
        let value = text
            .get(token.start..token.end)
            .and_then(|t| Json::parse(t).ok());
        if let Some(id) = value.as_ref().and_then(id_text) {
            return Some(id);
        }
    }
    None
}
