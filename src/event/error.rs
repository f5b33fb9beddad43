//! Why an event was rejected, and where: [`EventError`], and the context
//! ([`Cx`]) that builds one with the line, the event's id and the column of
//! the key at fault.

use crate::locate::Locator;

/// A rejected event: where it is and what is wrong with it.
///
/// Shows as ``line 3, column 14: event `e7`: unknown status `opne` ``,
/// leaving out the column and the event when they are not known.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.render())]
pub struct EventError {
    /// 1-based line of the input.
    pub line: usize,
    /// 1-based column, in characters: serde's for malformed JSON, else the
    /// opening quote of the key at fault when it can be found.
    pub column: Option<usize>,
    /// The event's `id`, when it could be read.
    pub id: Option<String>,
    /// Lowercase, no final period, the user's words in backquotes.
    pub message: String,
}

impl EventError {
    fn render(&self) -> String {
        let mut out = format!("line {}", self.line);
        if let Some(column) = self.column {
            out += &format!(", column {column}");
        }
        if let Some(id) = &self.id {
            out += &format!(": event `{id}`");
        }
        out + ": " + &self.message
    }

    /// A malformed-JSON error from serde, at its line and column of `text`
    /// (whose first line is line `line`).
    pub(super) fn json(
        text: &str,
        line: usize,
        err: &serde_json::Error,
        id: Option<String>,
    ) -> Self {
        let full = err.to_string();
        let message = match full.rfind(" at line ") {
            Some(cut) => &full[..cut],
            None => &full,
        };
        let line_text = text.lines().nth(err.line().saturating_sub(1)).unwrap_or("");
        let column = (err.column() > 0).then(|| char_column(line_text, err.column()));
        EventError {
            line: line + err.line().saturating_sub(1),
            column,
            id,
            message: format!("malformed JSON: {message}"),
        }
    }
}

/// serde's 1-based byte column on a line, as a 1-based character column.
fn char_column(line_text: &str, byte_column: usize) -> usize {
    let before = line_text.get(..byte_column.saturating_sub(1));
    before.map_or(byte_column, |b| b.chars().count() + 1)
}

/// What an error needs besides its message: the event's text, the line it
/// starts on, and its id once known.
pub(super) struct Cx<'t> {
    pub(super) text: &'t str,
    pub(super) line: usize,
    pub(super) id: Option<String>,
}

impl Cx<'_> {
    /// An error at the key `path` (`["ticket", "status"]`), located in the
    /// text when the key is found there.
    pub(super) fn error(&self, path: &[&str], message: impl Into<String>) -> EventError {
        let (line, column) = match self.locate(path) {
            Some((lines, column)) => (self.line + lines, Some(column)),
            None => (self.line, None),
        };
        EventError {
            line,
            column,
            id: self.id.clone(),
            message: message.into(),
        }
    }

    /// Lines after the first and 1-based column of the key at `path`,
    /// searched forward one key at a time.
    fn locate(&self, path: &[&str]) -> Option<(usize, usize)> {
        if path.is_empty() {
            return None;
        }
        let mut locator = Locator::new(self.text, true);
        let mut start = None;
        for key in path {
            start = Some(locator.key(key)?.key.start);
        }
        let before = self.text.get(..start?)?;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let lines = before.matches('\n').count();
        Some((lines, before[line_start..].chars().count() + 1))
    }
}

/// A key path as a message names it: `ticket.status`.
pub(super) fn dotted(path: &[&str]) -> String {
    path.join(".")
}
