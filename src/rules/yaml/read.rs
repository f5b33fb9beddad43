//! Step one: the text read with serde into a `serde_json::Value`, or one
//! syntax diagnostic placed where serde stopped.

use crate::rules::ast::Span;
use crate::rules::diagnostics::Diagnostic;
use serde_json::Value;

/// Parses the text into a JSON value, or a syntax diagnostic.
pub(super) fn read(src: &str, json: bool) -> Result<Value, Diagnostic> {
    if json {
        serde_json::from_str(src).map_err(|e| {
            let at = offset_of(src, e.line(), e.column());
            syntax_diag("json", at, src, &e.to_string()).with_help(
                "check for a missing or extra comma, an unclosed bracket or quote, or an unquoted key",
            )
        })
    } else {
        if is_blank_yaml(src) {
            return Ok(Value::Null);
        }
        if let Some(at) = flow_too_deep(src) {
            let message = format!("`[` and `{{` nest more than {MAX_FLOW_DEPTH} levels deep here");
            return Err(syntax_diag("yaml", at, src, &message));
        }
        serde_yaml::from_str(src).map_err(|e| {
            let at = e
                .location()
                .map_or(0, |l| offset_of(src, l.line(), l.column()));
            syntax_diag("yaml", at, src, &e.to_string()).with_help(
                "YAML nests by indenting with spaces; quote a value that has `: ` or ` #` in it or starts with a special character",
            )
        })
    }
}

/// How deep YAML's flow collections may nest: serde_yaml's own limit,
/// checked first because libyaml takes time quadratic in the depth to
/// reach it (100,000 `[` took minutes).
const MAX_FLOW_DEPTH: usize = 128;

/// Where `[` and `{` outside quotes and comments first nest past
/// [`MAX_FLOW_DEPTH`]. A bracket in a plain scalar counts too; only a
/// value with over a hundred of them could be refused for it.
fn flow_too_deep(src: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut comment = false;
    let mut previous = b'\n';
    let mut escaped = false;
    for (i, b) in src.bytes().enumerate() {
        match (quote, b) {
            _ if comment => comment = b != b'\n',
            (Some(b'"'), b'\\') => escaped = !escaped,
            (Some(q), _) if b == q && !escaped => quote = None,
            (Some(_), _) => escaped = false,
            // A quote inside a plain scalar (`don't`) starts nothing.
            (None, b'"' | b'\'') if b" \t\r\n[{,:-".contains(&previous) => quote = Some(b),
            (None, b'#') if previous.is_ascii_whitespace() => comment = true,
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(i);
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = b;
    }
    None
}

fn is_blank_yaml(src: &str) -> bool {
    src.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

fn syntax_diag(code: &'static str, at: usize, src: &str, raw: &str) -> Diagnostic {
    let end = src
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(at, |c| at + c.len_utf8());
    let message = strip_locations(raw);
    let mut message = message.trim().trim_end_matches('.').to_string();
    if let Some(first) = message.get(..1) {
        message = first.to_lowercase() + &message[1..];
    }
    Diagnostic::error(
        code,
        Span::new(at, end),
        format!("invalid {code}: {message}"),
    )
}

/// Removes serde's " at line N column M" (we show the position ourselves).
fn strip_locations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let tail = &after[digits..];
        if digits > 0 && tail.starts_with(" column ") {
            let t = &tail[" column ".len()..];
            let d2 = t.bytes().take_while(u8::is_ascii_digit).count();
            rest = &t[d2..];
        } else {
            out.push_str(" at line ");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The byte offset of a 1-based line and (character) column, clamped to the
/// text of that line.
fn offset_of(src: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match src[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return src.len(),
        }
    }
    let line_text = src[start..].split('\n').next().unwrap_or("");
    let col = column.saturating_sub(1);
    start
        + line_text
            .char_indices()
            .nth(col)
            .map_or(line_text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_collections_are_refused_before_serde_yaml() {
        let deep = format!("triggers: {}{}", "[".repeat(129), "]".repeat(129));
        assert_eq!(flow_too_deep(&deep), Some(10 + 128));
        let fine = format!("triggers: {}{}", "[".repeat(128), "]".repeat(128));
        assert_eq!(flow_too_deep(&fine), None);
    }

    #[test]
    fn brackets_in_quotes_and_comments_do_not_count() {
        let many = "[".repeat(200);
        for text in [
            format!("title: \"{many}\"\n"),
            format!("title: '{many}'\n"),
            format!("title: x # {many}\n"),
            format!("title: \"a\\\" {many}\"\n"),
        ] {
            assert_eq!(flow_too_deep(&text), None, "{text}");
        }
        let apostrophe = format!("title: don't\nbody: {many}\n");
        assert!(flow_too_deep(&apostrophe).is_some());
    }
}
