//! Finds keys and values in YAML or JSON source text, for positions serde
//! does not report: rule files ([`crate::rules::yaml`], whose docs say why
//! searching forward in document order lands on the right token), events
//! ([`crate::event`]) and test cases ([`crate::testing`]) all point their
//! diagnostics with it.

use crate::rules::ast::Span;

/// Finds keys and values in the source, searching forward in document
/// order (see the module docs for why).
pub(crate) struct Locator<'s> {
    pub(crate) src: &'s str,
    json: bool,
    /// Where the next search starts.
    pub(crate) pos: usize,
}

/// A key found in the source.
#[derive(Clone, Copy)]
pub(crate) struct Hit {
    pub(crate) key: Span,
    /// Where its value starts (after `:` and blanks).
    pub(crate) value: usize,
}

impl<'s> Locator<'s> {
    pub(crate) fn new(src: &'s str, json: bool) -> Self {
        Locator { src, json, pos: 0 }
    }

    /// A span at the current position, for nodes whose key was not found.
    pub(crate) fn here(&self) -> Span {
        let end = self
            .src
            .get(self.pos..)
            .and_then(|r| r.chars().next())
            .map_or(self.pos, |c| self.pos + c.len_utf8());
        Span::new(self.pos, end)
    }

    /// Finds the next `key:` from the current position and moves past it.
    pub(crate) fn key(&mut self, key: &str) -> Option<Hit> {
        // An empty key (`"": …`) is found everywhere without moving on, so
        // the search below would never end; leave it unlocated.
        if key.is_empty() {
            return None;
        }
        let src = self.src;
        let mut from = self.pos;
        while let Some(i) = src.get(from..).and_then(|r| r.find(key)) {
            let at = from + i;
            from = at + key.len();
            if let Some(hit) = self.key_at(at, key) {
                self.pos = hit.value;
                return Some(hit);
            }
        }
        None
    }

    /// Is there a real mapping key `key` at byte `at`?
    fn key_at(&self, at: usize, key: &str) -> Option<Hit> {
        let src = self.src;
        let before = &src[..at];
        let prev = before.chars().next_back();
        let quoted = matches!(prev, Some('"' | '\''));
        let real_quote = prev == Some('"') && !before[..before.len() - 1].ends_with('\\');
        if self.json && !real_quote {
            return None;
        }
        if !quoted && prev.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            return None;
        }
        let mut end = at + key.len();
        let rest = &src[end..];
        let rest = if quoted {
            let q = prev.unwrap_or('"');
            if !rest.starts_with(q) {
                return None;
            }
            end += 1;
            &rest[1..]
        } else {
            rest
        };
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let rest = &rest[blanks..];
        if !rest.starts_with(':') {
            return None;
        }
        let after = &rest[1..];
        let ends_key =
            after.is_empty() || after.starts_with([' ', '\t', '\n', '\r', ',', '}', ']']);
        if !quoted && !ends_key {
            return None;
        }
        if !self.json {
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let key_start = if quoted { at - 1 } else { at };
            if in_comment_or_quote(&src[line_start..key_start]) {
                return None;
            }
        }
        let colon = end + blanks + 1;
        let value = colon + (src[colon..].len() - src[colon..].trim_start().len());
        let key_start = if quoted { at - 1 } else { at };
        Some(Hit {
            key: Span::new(key_start, end),
            value,
        })
    }

    /// The span of the scalar (or flow collection) starting at `at`, and
    /// moves past it.
    pub(crate) fn scalar(&mut self, at: usize) -> Span {
        let span = token_at(self.src, at);
        self.pos = self.pos.max(span.end);
        span
    }

    /// Spans for `n` items of a list value starting at `at` (a flow list
    /// `[a, b]` or a block list of `- a` lines).
    pub(crate) fn items(&mut self, at: usize, n: usize) -> Vec<Span> {
        let src = self.src;
        let mut out = Vec::with_capacity(n);
        let mut p = at;
        if src.get(p..).is_some_and(|r| r.starts_with('[')) {
            p += 1;
        }
        for _ in 0..n {
            let rest = src.get(p..).unwrap_or("");
            let skip = rest.len()
                - rest
                    .trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '-')
                    .len();
            p += skip;
            let span = token_at(src, p);
            out.push(span);
            p = span.end.max(p + 1).min(src.len());
        }
        self.pos = self.pos.max(p);
        out
    }
}

/// Does this text before a key on its line open a comment or an unclosed
/// quoted string?
fn in_comment_or_quote(prefix: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut prev_sig = ' '; // last non-blank outside quotes
    let mut prev = ' ';
    let mut chars = prefix.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') => match c {
                '\\' => {
                    chars.next();
                }
                '"' => quote = None,
                _ => {}
            },
            Some(_) => {
                if c == '\'' {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
            }
            None => {
                if c == '#' && prev.is_whitespace() {
                    return true;
                }
                if (c == '"' || c == '\'')
                    && matches!(prev_sig, ' ' | ':' | '-' | '[' | '{' | ',' | '?')
                {
                    quote = Some(c);
                }
                if !c.is_whitespace() {
                    prev_sig = c;
                }
            }
        }
        prev = c;
    }
    quote.is_some()
}

/// The token at `at`: a quoted string (quotes included), a flow collection,
/// or a plain scalar up to the end of its line, a `,`, `}`, `]` or ` #`.
pub(crate) fn token_at(src: &str, at: usize) -> Span {
    let at = at.min(src.len());
    let rest = &src[at..];
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return Span::new(at, at);
    };
    let len = match first {
        '"' => {
            let mut escaped = false;
            let mut end = rest.len();
            for (i, c) in chars {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    end = i + 1;
                    break;
                }
            }
            end
        }
        '\'' => {
            let bytes = rest.as_bytes();
            let mut i = 1;
            let mut end = rest.len();
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    end = i + 1;
                    break;
                }
                i += 1;
            }
            end
        }
        '[' | '{' => {
            let mut depth = 0usize;
            let mut quote: Option<char> = None;
            let mut escaped = false;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                if let Some(q) = quote {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && q == '"' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                    }
                    continue;
                }
                match c {
                    '"' | '\'' => quote = Some(c),
                    '[' | '{' => depth += 1,
                    ']' | '}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            end
        }
        _ => {
            let mut end = rest.len();
            let mut prev = ' ';
            for (i, c) in rest.char_indices() {
                if matches!(c, '\n' | '\r' | ',' | '}' | ']') || (c == '#' && prev.is_whitespace())
                {
                    end = i;
                    break;
                }
                prev = c;
            }
            rest[..end].trim_end().len()
        }
    };
    Span::new(at, at + len.max(1).min(rest.len()))
}

/// Spans of each piece of a value split on blanks, found in order inside the
/// value's token; the whole token when a piece is not there as written.
pub(crate) fn piece_spans(src: &str, token: Span, pieces: &[String]) -> Vec<Span> {
    let text = src.get(token.start..token.end).unwrap_or("");
    let mut out = Vec::with_capacity(pieces.len());
    let mut from = 0;
    for p in pieces {
        match text.get(from..).and_then(|t| t.find(p.as_str())) {
            Some(i) if !p.is_empty() => {
                let s = token.start + from + i;
                out.push(Span::new(s, s + p.len()));
                from += i + p.len();
            }
            _ => out.push(token),
        }
    }
    out
}

/// Past `-`, `,`, `[` and blanks: where a list item starts.
pub(crate) fn skip_item_marks(src: &str, at: usize) -> usize {
    let rest = src.get(at..).unwrap_or("");
    at + (rest.len()
        - rest
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '-' | ',' | '[' | '}' | ']')
            })
            .len())
}
