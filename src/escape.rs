//! Control characters made visible, for every piece of human output: a tag,
//! comment or assignee from an event could otherwise carry `ESC[2J` or
//! `ESC]0;…BEL` and rewrite the admin's terminal. They print the way Rust
//! writes them (`\u{1b}`), as `tickets list` has always shown subjects.
//!
//! `cli::out` runs all human output through [`controls`], so no command
//! can forget; the colour ticket-rules paints itself is kept only when the
//! stream shows colour.

use std::borrow::Cow;

/// `text` with every control character escaped but line breaks and tabs;
/// with `keep_colour`, SGR sequences (`ESC[1;31m`) stay as they are.
pub fn controls(text: &str, keep_colour: bool) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = match sgr_len(rest) {
            Some(len) if keep_colour => {
                out.push_str(&rest[..len]);
                len
            }
            _ => {
                if hidden(c) {
                    out.extend(c.escape_unicode());
                } else {
                    out.push(c);
                }
                c.len_utf8()
            }
        };
        rest = &rest[len..];
    }
    Cow::Owned(out)
}

/// Characters that act on the terminal or reorder text rather than show.
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The length of the SGR sequence `text` starts with: `ESC [ digits;… m`.
fn sgr_len(text: &str) -> Option<usize> {
    let body = text.strip_prefix("\x1b[")?;
    let params = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (body.as_bytes().get(params) == Some(&b'm')).then_some(2 + params + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_sequences_show_as_text() {
        let shown = controls("a\x1b]0;owned\x07b\x1b[2J\r\n\tc", false);
        assert_eq!(shown, "a\\u{1b}]0;owned\\u{7}b\\u{1b}[2J\\u{d}\n\tc");
    }

    #[test]
    fn colour_stays_only_when_asked() {
        let painted = "\x1b[1;31merror\x1b[0m: \x1b]0;x\x07";
        assert_eq!(
            controls(painted, true),
            "\x1b[1;31merror\x1b[0m: \\u{1b}]0;x\\u{7}"
        );
        assert_eq!(
            controls(painted, false),
            "\\u{1b}[1;31merror\\u{1b}[0m: \\u{1b}]0;x\\u{7}"
        );
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(controls("tags: vip ⇄", false), Cow::Borrowed(_)));
        assert_eq!(controls("\u{202e}evil", false), "\\u{202e}evil");
    }
}
