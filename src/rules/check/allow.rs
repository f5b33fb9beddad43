//! Accepting a warning on one rule, in the file, with a reason, in the
//! spirit of clippy's `#[allow]`:
//!
//! ```text
//! # ticket-rules: allow(trigger-refires) the group is reset on purpose
//! trigger "Keep VIP tickets in Tier 2" { … }
//! ```
//!
//! The comment goes on the line above the rule or inside it (YAML too; in
//! JSON, which has no comments, as the text of a `"_comment"` key in the
//! rule). Errors cannot be allowed, and an allow without a reason, naming an
//! unknown code, or accepting nothing is itself a warning, so allows stay
//! honest.

use crate::rules::ast::{RuleFile, Span};
use crate::rules::diagnostics::Diagnostic;

const MARK: &str = "ticket-rules: allow(";

/// Every warning code, for checking what an allow names.
pub const WARNING_CODES: &[&str] = &[
    "not-run",
    "unknown-channel",
    "share-refused",
    "dynamic-content",
    "unknown-key",
    "never-fires",
    "set-tags",
    "trigger-refires",
    "trigger-cycle",
    "unknown-placeholder",
    "duplicate-title",
];

/// One allow comment as written.
struct Allow {
    span: Span,
    codes: Vec<String>,
    reason: String,
}

/// `diags` without the warnings the file's allow comments accept, plus a
/// warning for each allow that is malformed or accepts nothing.
pub fn apply_allows(file: &RuleFile, src: &str, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut kept = diags;
    let mut problems = Vec::new();
    for allow in allows(src) {
        let Some(bad) = problem(&allow) else {
            let Some(rule) = target(file, allow.span.start) else {
                problems.push(bad_allow(&allow, "no rule follows it"));
                continue;
            };
            let before = kept.len();
            kept.retain(|d| {
                d.is_error()
                    || !allow.codes.iter().any(|c| c == d.code)
                    || d.span.start < rule.start
                    || d.span.start > rule.end
            });
            if kept.len() == before {
                problems.push(
                    Diagnostic::warning(
                        "unused-allow",
                        allow.span,
                        format!(
                            "`allow({})` accepts no warning here",
                            allow.codes.join(", ")
                        ),
                    )
                    .with_help("the rule no longer has that warning: remove the comment"),
                );
            }
            continue;
        };
        problems.push(bad);
    }
    kept.extend(problems);
    kept
}

fn bad_allow(allow: &Allow, why: &str) -> Diagnostic {
    Diagnostic::warning(
        "bad-allow",
        allow.span,
        format!("this allow is ignored: {why}"),
    )
    .with_help("write `# ticket-rules: allow(trigger-refires) why it is fine` above the rule")
}

/// What is wrong with an allow, if anything.
fn problem(allow: &Allow) -> Option<Diagnostic> {
    if let Some(code) = allow
        .codes
        .iter()
        .find(|c| !WARNING_CODES.contains(&c.as_str()))
    {
        return Some(bad_allow(
            allow,
            &format!("`{code}` is not a warning code (errors cannot be allowed)"),
        ));
    }
    if allow.codes.is_empty() {
        return Some(bad_allow(allow, "it names no warning"));
    }
    if allow.reason.is_empty() {
        return Some(bad_allow(allow, "it gives no reason"));
    }
    None
}

/// The span of the rule an allow at `at` belongs to: the rule it sits in,
/// else the next one.
fn target(file: &RuleFile, at: usize) -> Option<Span> {
    let rules = || file.rules.iter().map(|r| r.span);
    rules()
        .find(|s| s.start <= at && at <= s.end)
        .or_else(|| rules().filter(|s| s.start > at).min_by_key(|s| s.start))
}

/// Every allow comment in `src`.
fn allows(src: &str) -> Vec<Allow> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in src.split_inclusive('\n') {
        if let Some(pos) = line.find(MARK) {
            let before = &line[..pos];
            // In a `#` comment, or in a JSON string.
            if before.contains('#') || before.contains('"') {
                out.push(parse(line, pos, line_start));
            }
        }
        line_start += line.len();
    }
    out
}

fn parse(line: &str, pos: usize, line_start: usize) -> Allow {
    let rest = &line[pos + MARK.len()..];
    let (inside, after) = rest.split_once(')').unwrap_or((rest, ""));
    let codes = inside
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let reason = after.trim().trim_end_matches([',', '"']).trim().to_string();
    let start = line_start + pos;
    let end = line_start + line.trim_end().len();
    Allow {
        span: Span::new(start, end.max(start)),
        codes,
        reason,
    }
}
