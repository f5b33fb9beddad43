//! Diagnostics: one type for syntax errors, semantic errors and warnings from
//! every front end, and one renderer that prints them like a compiler does
//! (`path:line:col`, the source line, carets, a help line).

use super::ast::Span;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable kebab-case name, e.g. `unknown-field`.
    pub code: &'static str,
    /// Lowercase, no final period, user words in backticks.
    pub message: String,
    pub span: Span,
    /// Shown on its own line after the source excerpt.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span,
            help: None,
        }
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds "did you mean `x`?" when there is a near miss.
    pub fn did_you_mean(self, suggestion: Option<String>) -> Self {
        match suggestion {
            Some(s) => self.with_help(format!("did you mean `{s}`?")),
            None => self,
        }
    }

    /// Adds a help line unless "did you mean" already gave one.
    pub fn or_help(self, help: impl Into<String>) -> Self {
        if self.help.is_some() {
            self
        } else {
            self.with_help(help)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Items in backquotes for a message: "`a`, `b` or `c`" with `conjunction`
/// "or" (the choices a value has), "… and …" for all that something takes.
pub fn list<S: AsRef<str>>(items: &[S], conjunction: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match quoted.len() {
        0 => "nothing".into(),
        1 => quoted[0].clone(),
        n => format!(
            "{} {conjunction} {}",
            quoted[..n - 1].join(", "),
            quoted[n - 1]
        ),
    }
}

/// A file's name and text, with what is needed to turn offsets into lines.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self
            .line_starts
            .get(line - 1)
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |e| e.saturating_sub(1));
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

/// Colours for the terminal, or none.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// `text` in the ANSI colour `code` (`1;31` bold red), or plain.
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Renders one diagnostic the way a compiler prints it.
pub fn render(diag: &Diagnostic, file: &SourceFile, style: Style) -> String {
    let (line, col) = file.line_col(diag.span.start);
    let (end_line, end_col) = file.line_col(diag.span.end);
    let (word, colour) = match diag.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let mut out = String::new();
    let head = style.paint(colour, &format!("{word}[{}]", diag.code));
    let _ = writeln!(out, "{head}: {}", style.paint("1", &diag.message));
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    let bar = style.paint("1;34", "|");
    let _ = writeln!(
        out,
        "{pad}{} {}:{line}:{col}",
        style.paint("1;34", "-->"),
        file.path
    );
    let _ = writeln!(out, "{pad} {bar}");
    let text = file.line_text(line);
    let _ = writeln!(
        out,
        "{} {bar} {text}",
        style.paint("1;34", &line.to_string())
    );
    let width = if end_line == line && end_col > col {
        end_col - col
    } else {
        text.chars().count().saturating_sub(col - 1).max(1)
    };
    let carets = style.paint(colour, &"^".repeat(width));
    let _ = writeln!(out, "{pad} {bar} {}{carets}", " ".repeat(col - 1));
    if let Some(help) = &diag.help {
        let _ = writeln!(out, "{pad} = {}: {help}", style.paint("1", "help"));
    }
    out
}

/// A diagnostic as `--format json` prints it.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub severity: Severity,
    pub code: &'static str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'a str>,
}

impl<'a> JsonDiagnostic<'a> {
    pub fn new(diag: &'a Diagnostic, file: &'a SourceFile) -> Self {
        let (line, column) = file.line_col(diag.span.start);
        let (end_line, end_column) = file.line_col(diag.span.end);
        JsonDiagnostic {
            path: &file.path,
            line,
            column,
            end_line,
            end_column,
            severity: diag.severity,
            code: diag.code,
            message: &diag.message,
            help: diag.help.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based() {
        let f = SourceFile::new("a.rules", "ab\ncdé\nf");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(7), (2, 4));
        assert_eq!(f.line_text(2), "cdé");
        assert_eq!(f.line_col(99), (3, 2));
    }

    #[test]
    fn renders_caret_under_span() {
        let f = SourceFile::new("a.rules", "when statuss is open\n");
        let d = Diagnostic::error("unknown-field", Span::new(5, 12), "unknown field `statuss`")
            .did_you_mean(Some("status".into()));
        let text = render(&d, &f, Style { color: false });
        assert_eq!(
            text,
            "error[unknown-field]: unknown field `statuss`\n --> a.rules:1:6\n  |\n1 | when statuss is open\n  |      ^^^^^^^\n  = help: did you mean `status`?\n"
        );
    }
}
