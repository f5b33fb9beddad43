//! Where things are in a test file, for diagnostics: serde gives no
//! positions once a file has parsed, so each case is found by its `name`
//! (searched forward in document order, as the rule loader finds keys)
//! and what a diagnostic is about is searched for inside its case.

use super::spec::CaseSpec;
use crate::locate::{token_at, Locator};
use crate::rules::ast::Span;

/// A case's place in the file.
#[derive(Clone, Copy, Debug)]
pub struct CaseAt {
    /// Its `name`'s value.
    pub name: Span,
    /// From its name up to the next case's.
    pub start: usize,
    pub end: usize,
}

/// Finds cases, keys and words in a test file's text.
pub struct Finder<'s> {
    src: &'s str,
    cases: Vec<CaseAt>,
}

impl<'s> Finder<'s> {
    pub fn new(src: &'s str, cases: &[CaseSpec]) -> Finder<'s> {
        let mut locator = Locator::new(src, false);
        let mut starts = Vec::new();
        if locator.key("cases").is_some() {
            for case in cases {
                match find_name(&mut locator, src, &case.name) {
                    Some(span) => starts.push(span),
                    None => break,
                }
            }
        }
        let ends: Vec<usize> = starts
            .iter()
            .skip(1)
            .map(|s| s.start)
            .chain([src.len()])
            .collect();
        let cases = starts
            .iter()
            .zip(ends)
            .map(|(name, end)| CaseAt {
                name: *name,
                start: name.start,
                end,
            })
            .collect();
        Finder { src, cases }
    }

    /// Where case `i` is; the whole file when it could not be found.
    pub fn case(&self, i: usize) -> CaseAt {
        self.cases.get(i).copied().unwrap_or(CaseAt {
            name: Span::new(0, self.src.len().min(1)),
            start: 0,
            end: self.src.len(),
        })
    }

    /// The key `key` at the top of the file, or its start.
    pub fn key_or_start(&self, key: &str) -> Span {
        Locator::new(self.src, false)
            .key(key)
            .map_or(Span::new(0, self.src.len().min(1)), |h| h.key)
    }

    /// The value of the first key `key`.
    pub fn value_of(&self, key: &str) -> Span {
        match Locator::new(self.src, false).key(key) {
            Some(hit) => token_at(self.src, hit.value),
            None => self.key_or_start(key),
        }
    }

    /// The first place `text` is written.
    pub fn text(&self, text: &str) -> Span {
        self.find(text, 0, self.src.len())
            .unwrap_or(Span::new(0, self.src.len().min(1)))
    }

    /// Is `text` written in case `i`?
    pub fn case_has(&self, i: usize, text: &str) -> bool {
        let c = self.case(i);
        self.find(text, c.start, c.end).is_some()
    }

    /// `needle` in case `i`, after its key `anchor` when there is one;
    /// else the anchor; else the case's name.
    pub fn in_case(&self, i: usize, anchor: &str, needle: &str) -> Span {
        let c = self.case(i);
        let anchor = self.find(&format!("{anchor}:"), c.start, c.end);
        let from = anchor.map_or(c.start, |a| a.start);
        self.find(needle, from, c.end)
            .or_else(|| self.find(needle, c.start, c.end))
            .or(anchor.map(|a| Span::new(a.start, a.end - 1)))
            .unwrap_or(c.name)
    }

    fn find(&self, needle: &str, from: usize, to: usize) -> Option<Span> {
        if needle.is_empty() {
            return None;
        }
        let hay = self.src.get(from..to)?;
        hay.find(needle)
            .map(|i| Span::new(from + i, from + i + needle.len()))
    }
}

/// The next `name:` key whose value is `name`.
fn find_name(locator: &mut Locator, src: &str, name: &str) -> Option<Span> {
    loop {
        let hit = locator.key("name")?;
        let span = token_at(src, hit.value);
        let token = src.get(span.start..span.end).unwrap_or("");
        if unquoted(token) == name {
            return Some(span);
        }
    }
}

fn unquoted(token: &str) -> &str {
    let quoted = token.len() >= 2
        && ((token.starts_with('"') && token.ends_with('"'))
            || (token.starts_with('\'') && token.ends_with('\'')));
    if quoted {
        &token[1..token.len() - 1]
    } else {
        token
    }
}
