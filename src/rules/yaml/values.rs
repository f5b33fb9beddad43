//! Values to atoms: how a JSON value becomes the atoms the DSL would have
//! read for it, and where each atom's span is.

use super::loader::{At, Loader};
use crate::locate::{piece_spans, token_at};
use crate::rules::ast::*;
use crate::rules::parse::{is_bare_word, parse_int, ANY_STOP_WORDS};
use serde_json::Value;

impl Loader<'_> {
    /// Atom spans for a value: one per piece of a split string, one per item
    /// of a list, or the whole value.
    pub(super) fn spans_for(
        &mut self,
        value: &Value,
        at: Option<At>,
        pieces: &[String],
        fallback: Span,
    ) -> Vec<Span> {
        let mut spans = self.spans_for_inner(value, at, pieces, fallback);
        if spans.is_empty() {
            spans.push(fallback);
        }
        spans
    }

    fn spans_for_inner(
        &mut self,
        value: &Value,
        at: Option<At>,
        pieces: &[String],
        fallback: Span,
    ) -> Vec<Span> {
        let Some(At(p)) = at else {
            return vec![fallback; pieces.len().max(1)];
        };
        match value {
            Value::Array(items) => {
                let spans = self.loc.items(p, items.len());
                if spans.len() == pieces.len() {
                    spans
                } else {
                    let whole = token_at(self.loc.src, p);
                    vec![whole; pieces.len().max(1)]
                }
            }
            _ => {
                let token = token_at(self.loc.src, p);
                if pieces.is_empty() {
                    vec![token]
                } else {
                    piece_spans(self.loc.src, token, pieces)
                }
            }
        }
    }

    /// Atoms for a value split into pieces, each atom from `make`.
    pub(super) fn atoms(
        &mut self,
        value: &Value,
        at: Option<At>,
        fallback: Span,
        pieces: Vec<String>,
        make: impl Fn(&str) -> Atom,
    ) -> Vec<Spanned<Atom>> {
        let spans = self.spans_for(value, at, &pieces, fallback);
        pieces
            .iter()
            .zip(spans)
            .map(|(p, s)| Spanned::new(make(p), s))
            .collect()
    }

    /// One atom for the whole value.
    pub(super) fn one(&mut self, at: Option<At>, fallback: Span, atom: Atom) -> Vec<Spanned<Atom>> {
        let span = match at {
            Some(At(p)) => token_at(self.loc.src, p),
            None => fallback,
        };
        vec![Spanned::new(atom, span)]
    }

    /// A group, user, organization or brand: an id, `current_user`, empty
    /// for none, or a name.
    pub(super) fn name_atoms(
        &mut self,
        value: &Value,
        at: Option<At>,
        fallback: Span,
    ) -> Vec<Spanned<Atom>> {
        self.value_atoms(value, at, fallback, true)
    }

    /// One value of a field that takes any single value (names, custom
    /// fields): numbers stay numbers, `""` is none, one bare word is a word,
    /// other text is quoted text.
    pub(super) fn value_atoms(
        &mut self,
        value: &Value,
        at: Option<At>,
        fallback: Span,
        current_user: bool,
    ) -> Vec<Spanned<Atom>> {
        match value {
            Value::Array(items) => {
                let spans = match at {
                    Some(At(p)) => self.loc.items(p, items.len()),
                    None => vec![fallback; items.len()],
                };
                items
                    .iter()
                    .zip(spans)
                    .flat_map(|(item, span)| {
                        single_value(item, current_user)
                            .into_iter()
                            .map(move |a| Spanned::new(a, span))
                    })
                    .collect()
            }
            _ => {
                let span = self.spans_for(value, at, &[], fallback)[0];
                single_value(value, current_user)
                    .into_iter()
                    .map(|a| Spanned::new(a, span))
                    .collect()
            }
        }
    }
}

/// `custom_fields_<id>` or `custom_fields_<title>`.
pub fn field_key(rest: &str) -> FieldKey {
    match rest.parse::<u64>() {
        Ok(id) if rest.bytes().all(|b| b.is_ascii_digit()) => FieldKey::Id(id),
        _ => FieldKey::Title(rest.to_string()),
    }
}

/// `true` / `"true"` → public, `false` / `"false"` → private.
pub(super) fn comment_visibility(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A scalar as text; `None` for null, lists and maps.
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A whole number, written as a number or as digits in a string.
pub(super) fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => parse_int(s.trim()),
        _ => None,
    }
}

/// The blank-separated pieces of a value (list items flattened).
pub(super) fn pieces(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().flat_map(pieces).collect(),
        Value::Null => Vec::new(),
        v => scalar_text(v)
            .unwrap_or_else(|| v.to_string())
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    }
}

pub(super) fn lower_pieces(value: &Value) -> Vec<String> {
    pieces(value)
        .into_iter()
        .map(|p| p.to_lowercase())
        .collect()
}

/// A piece as the DSL parser would read it bare: a number or a word.
pub(super) fn dsl_atom(piece: &str) -> Atom {
    match parse_int(piece) {
        Some(n) => Atom::Num(n),
        None => Atom::Word(piece.to_string()),
    }
}

/// Text as the DSL would hold it: a bare word when it is one, else quoted.
pub(super) fn text_atom(text: &str) -> Atom {
    if is_bare_word(text, ANY_STOP_WORDS) {
        Atom::Word(text.to_string())
    } else {
        Atom::Str(text.to_string())
    }
}

/// A single value: a number, none, `current user`, a word or a text.
fn single_value(value: &Value, current_user: bool) -> Vec<Atom> {
    vec![match value {
        Value::Null => return Vec::new(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Atom::Num(i),
            None => Atom::Word(n.to_string()),
        },
        Value::Bool(b) => Atom::Word(b.to_string()),
        Value::String(s) if s.is_empty() => Atom::None,
        Value::String(s) if current_user && s == "current_user" => {
            return vec![Atom::Word("current".into()), Atom::Word("user".into())]
        }
        // Zendesk's "(requester)" on assignee conditions: the ticket's requester.
        Value::String(s) if current_user && s == "requester_id" => Atom::Word("requester".into()),
        Value::String(s) => match parse_int(s) {
            Some(n) => Atom::Num(n),
            None => text_atom(s),
        },
        v => Atom::Json(v.clone()),
    }]
}

/// What a JSON value is, in words.
pub(super) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "`true` or `false`",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}
