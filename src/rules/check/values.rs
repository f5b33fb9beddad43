//! Step one for values: an operand or an action's arguments against the
//! [`ValueKind`] its field or action takes.

use super::RuleChecker;
use crate::rules::ast::*;
use crate::rules::diagnostics::{list, Diagnostic};
use crate::rules::schema::{self, did_you_mean, ValueKind};

impl RuleChecker<'_> {
    /// Checks an operand (or action arguments) against what it must be.
    pub(super) fn check_values(
        &mut self,
        what: &str,
        kind: ValueKind,
        atoms: &[Spanned<Atom>],
        at: Span,
    ) {
        let span = atoms
            .iter()
            .map(|a| a.span)
            .reduce(Span::join)
            .unwrap_or(at);
        if kind == ValueKind::Nothing {
            if !atoms.is_empty() {
                self.push(
                    Diagnostic::error("unexpected-value", span, format!("{what} takes no value"))
                        .with_help(if what.contains("changed") {
                            "`changed to` and `changed from` compare with a value"
                        } else {
                            "remove what follows it"
                        }),
                );
            }
            return;
        }
        if atoms.is_empty() {
            self.push(
                Diagnostic::error("missing-value", at, format!("{what} needs a value"))
                    .with_help(example(kind)),
            );
            return;
        }
        match kind {
            ValueKind::Tags => self.check_tags(what, atoms),
            ValueKind::Words => {
                for a in atoms {
                    if !matches!(a.node, Atom::Word(_) | Atom::Str(_) | Atom::Num(_)) {
                        self.push(bad_kind(what, a, "words"));
                    }
                }
            }
            ValueKind::Regex => self.check_regex(what, atoms, span),
            ValueKind::Hours => match atoms {
                [Spanned {
                    node: Atom::Num(n), ..
                }] if *n >= 0 => {}
                _ => self.push(
                    Diagnostic::error(
                        "bad-value",
                        span,
                        format!("{what} takes a whole number of hours"),
                    )
                    .with_help("for example `hours since solved greater than 24`"),
                ),
            },
            _ => self.check_single(what, kind, atoms, span),
        }
    }

    /// Kinds that take one value (bare words run together into one).
    fn check_single(&mut self, what: &str, kind: ValueKind, atoms: &[Spanned<Atom>], span: Span) {
        let Some(value) = single_value(atoms) else {
            self.push(
                Diagnostic::error("too-many-values", span, format!("{what} takes one value"))
                    .with_help("quote a value that has spaces: \"Tier 2\""),
            );
            return;
        };
        let text = match &value {
            Value::None => {
                if !matches!(
                    kind,
                    ValueKind::Name { .. }
                        | ValueKind::Any
                        | ValueKind::Enum(schema::PRIORITIES)
                        | ValueKind::Enum(schema::TYPES)
                ) {
                    self.push(
                        Diagnostic::error(
                            "unknown-value",
                            span,
                            format!("{what} cannot be `(none)`"),
                        )
                        .with_help(example(kind)),
                    );
                }
                return;
            }
            Value::Text(t) => t.clone(),
            Value::Num(n) => n.to_string(),
            Value::Other => {
                self.push(bad_kind(what, &atoms[0], "a value"));
                return;
            }
        };
        match kind {
            ValueKind::Enum(values) => {
                let key = text.to_lowercase().replace('_', " ");
                if !values.contains(&key.as_str()) {
                    self.push(
                        Diagnostic::error(
                            "unknown-value",
                            span,
                            format!("unknown value `{text}` for {what}"),
                        )
                        .did_you_mean(did_you_mean(&key, values.iter().copied()))
                        .or_help(format!("expected {}", list(values, "or"))),
                    );
                }
            }
            ValueKind::Channel
                if schema::channel(&text).is_none() && text.parse::<i64>().is_ok() =>
            {
                // Zendesk adds channels; a via id we have no name for is not a mistake.
                self.push(
                    Diagnostic::warning(
                        "unknown-channel",
                        span,
                        format!("via id `{text}` is a channel ticket-rules does not know"),
                    )
                    .with_help("Zendesk may have added it, so it loads, but no ticket here comes in by a channel without a name: `is` never holds, `is not` always does"),
                );
            }
            ValueKind::Channel if schema::channel(&text).is_none() => {
                let names = schema::CHANNELS.iter().map(|c| c.name);
                self.push(
                    Diagnostic::error("unknown-value", span, format!("unknown channel `{text}`"))
                        .did_you_mean(did_you_mean(&text.replace('_', " "), names))
                        .or_help(
                            "channels include web, email, api, chat, phone, ticket sharing, rule",
                        ),
                );
            }
            ValueKind::Agreement => self.check_agreement(&text, span),
            ValueKind::Email if !schema::is_email(&text) => self.push(
                Diagnostic::error(
                    "bad-value",
                    span,
                    format!("{what} takes an email address, not `{text}`"),
                )
                .with_help(example(kind)),
            ),
            _ => {}
        }
    }

    pub(super) fn check_tags(&mut self, what: &str, atoms: &[Spanned<Atom>]) {
        for a in atoms {
            match &a.node {
                Atom::Word(_) | Atom::Num(_) => {}
                Atom::Str(s) if s.trim().is_empty() => self.push(
                    Diagnostic::error("empty-tag", a.span, "empty tag")
                        .with_help("remove the empty quotes"),
                ),
                Atom::Str(s) if s.chars().any(char::is_whitespace) => self.push(
                    Diagnostic::error(
                        "tag-with-space",
                        a.span,
                        format!("tag `{s}` has a space in it"),
                    )
                    .with_help(format!(
                        "tags are single words; write `{}` or list them apart",
                        s.split_whitespace().collect::<Vec<_>>().join("_")
                    )),
                ),
                Atom::Str(_) => {}
                _ => self.push(bad_kind(what, a, "tags")),
            }
        }
    }

    fn check_regex(&mut self, what: &str, atoms: &[Spanned<Atom>], span: Span) {
        match atoms {
            [Spanned {
                node: Atom::Regex(pattern),
                span,
            }] => {
                if let Err(e) = regex::Regex::new(pattern) {
                    let reason = e.to_string();
                    let last = reason.lines().last().unwrap_or("").trim();
                    let last = last.strip_prefix("error: ").unwrap_or(last);
                    self.push(
                        Diagnostic::error(
                            "bad-regex",
                            *span,
                            format!("regex `{pattern}` does not compile"),
                        )
                        .with_help(last.to_string()),
                    );
                }
            }
            _ => self.push(
                Diagnostic::error("bad-value", span, format!("{what} takes one `/regex/`"))
                    .with_help("for example `subject matches /order #\\d+/`"),
            ),
        }
    }
}

/// One operand value.
enum Value {
    Text(String),
    Num(i64),
    None,
    Other,
}

/// The one value of an operand: a quoted text, a number, `(none)`, or bare
/// words run together (`Ticket sharing`); `None` when there are several.
fn single_value(atoms: &[Spanned<Atom>]) -> Option<Value> {
    match atoms {
        [Spanned {
            node: Atom::Str(s), ..
        }] => Some(Value::Text(s.clone())),
        [Spanned {
            node: Atom::Num(n), ..
        }] => Some(Value::Num(*n)),
        [Spanned {
            node: Atom::None, ..
        }] => Some(Value::None),
        [Spanned {
            node: Atom::Regex(_) | Atom::Json(_),
            ..
        }] => Some(Value::Other),
        _ => words_of(atoms).map(Value::Text),
    }
}

/// Bare words (or a single text or number) as one string.
pub fn words_of(atoms: &[Spanned<Atom>]) -> Option<String> {
    if let [one] = atoms {
        return atom_text(one);
    }
    // `Tier 2` is a word and a number; bare, they still make one value.
    let words: Option<Vec<String>> = atoms
        .iter()
        .map(|a| match &a.node {
            Atom::Word(w) => Some(w.clone()),
            Atom::Num(n) => Some(n.to_string()),
            _ => None,
        })
        .collect();
    words.filter(|w| !w.is_empty()).map(|w| w.join(" "))
}

pub(super) fn atom_text(a: &Spanned<Atom>) -> Option<String> {
    match &a.node {
        Atom::Word(s) | Atom::Str(s) => Some(s.clone()),
        Atom::Num(n) => Some(n.to_string()),
        _ => None,
    }
}

fn bad_kind(what: &str, a: &Spanned<Atom>, expected: &str) -> Diagnostic {
    let found = match &a.node {
        Atom::Regex(_) => "a regex",
        Atom::None => "`(none)`",
        Atom::Json(_) => "a JSON value",
        Atom::Num(_) => "a number",
        Atom::Str(_) => "a quoted text",
        Atom::Word(_) => "a word",
    };
    Diagnostic::error(
        "bad-value",
        a.span,
        format!("{what} takes {expected}, not {found}"),
    )
}

pub(super) fn example(kind: ValueKind) -> String {
    match kind {
        ValueKind::Enum(values) => format!("expected {}", list(values, "or")),
        ValueKind::Channel => "for example `web`, `email` or `ticket sharing`".into(),
        ValueKind::Name { .. } => "a name in quotes, an id, or `(none)`".into(),
        ValueKind::Tags => "one or more tags, like `vip billing`".into(),
        ValueKind::Text => "a quoted text".into(),
        ValueKind::Words => "one or more words".into(),
        ValueKind::Regex => "a `/regex/`".into(),
        ValueKind::Hours => "a whole number of hours".into(),
        ValueKind::Agreement => "a sharing agreement's name in quotes, or its id".into(),
        ValueKind::Email => {
            "an agent is named by email address, as in \"bo@support.example\"".into()
        }
        ValueKind::Any => "a value".into(),
        ValueKind::Nothing => "nothing".into(),
    }
}
