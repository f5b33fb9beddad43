//! Bounds on what one rule may hold, checked on pest's output before the
//! AST is built: every later stage (the Pratt parser, `check`, `fmt`,
//! `compile`, the engine) walks conditions recursively, so 10,000 `not`s
//! would overflow the stack. Rule files are admins' code, but they may be
//! generated or hostile; a rule past a bound is refused with an error at
//! the place it goes too deep and the rest of the file still loads.
//!
//! pest guards its own recursion (`stack limit reached`); this walk keeps
//! an explicit stack, so it has no depth of its own.

use super::Rule;
use crate::rules::ast::Span;
use crate::rules::diagnostics::Diagnostic;
use pest::iterators::Pair;

/// How deep conditions may nest: parentheses and `not`s together, and
/// arrays and objects in a Zendesk condition's JSON.
pub const MAX_DEPTH: usize = 64;

/// The longest string a rule may hold (a title, a tag list, a comment
/// body), in bytes.
pub const MAX_STRING: usize = 64 * 1024;

/// What is wrong with a rule, if anything: too deep or too long.
pub fn over_limits(rule: Pair<'_, Rule>, offset: usize) -> Option<Diagnostic> {
    let mut stack = vec![(rule, 0usize)];
    while let Some((pair, depth)) = stack.pop() {
        let in_expr = pair.as_rule() == Rule::expr;
        // `not`s before a primary each wrap it once more.
        let mut nots = 0;
        for child in pair.into_inner() {
            let kind = child.as_rule();
            // The `when` clause's own expression is level 0.
            let nested = (in_expr && kind == Rule::expr)
                || matches!(kind, Rule::json_array | Rule::json_object);
            if in_expr && kind == Rule::kw_not {
                nots += 1;
            }
            let here = depth + nots + usize::from(nested);
            let span = child.as_span();
            let span = Span::new(span.start() + offset, span.end() + offset);
            if here > MAX_DEPTH {
                return Some(too_deep(span));
            }
            if kind == Rule::string && span.end - span.start > MAX_STRING {
                return Some(too_long(span));
            }
            if kind != Rule::kw_not && kind != Rule::lparen {
                nots = 0;
            }
            stack.push((child, if nested { here } else { depth }));
        }
    }
    None
}

pub(super) fn too_deep(at: Span) -> Diagnostic {
    let message = format!("conditions nest more than {MAX_DEPTH} levels deep here");
    Diagnostic::error("too-deep", Span::new(at.start, at.start + 1), message)
        .with_help("split the rule, or write the condition with fewer `not`s and parentheses")
}

fn too_long(at: Span) -> Diagnostic {
    let message = format!(
        "this string is {} bytes long; the most a rule may hold is {MAX_STRING}",
        at.end - at.start
    );
    Diagnostic::error(
        "string-too-long",
        Span::new(at.start, at.start + 1),
        message,
    )
    .with_help("shorten it")
}
