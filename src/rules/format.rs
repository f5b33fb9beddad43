//! The formatter: one canonical layout for `.rules` files, comments kept.
//!
//! The layout is the one `rules-examples/support.rules` is written in:
//!
//! - rules separated by one blank line, `}` at column 0, one final newline;
//! - settings at indent 2 in the order `inactive`, `position N`,
//!   `description "…"`;
//! - `  when ` and the conditions on one line when that fits in
//!   [`WIDTH`] columns and no comment sits between its top-level conjuncts;
//!   otherwise one top-level conjunct per line, `and` (or `or`) right-aligned
//!   under `when`;
//! - `  then ` and the first action, each further action at column 7;
//! - the first word of each condition and action phrase capitalised, the rest
//!   and every keyword lowercase, values exactly as written.
//!
//! The printer works only from the AST, so it formats a file read from YAML
//! as well as one read from the DSL. Comments are put back by their spans:
//! before each printed line (a rule header, a setting, a top-level conjunct,
//! an action, a closing `}`, the end of the file) every comment that starts
//! before that line's node is printed, a trailing comment at the end of the
//! line printed last, an own-line comment on a line of its own. Settings
//! other than `position` carry no span, so comments among them are placed by
//! matching their offsets against the canonical layout (exact for a file
//! that is already formatted), and otherwise by a simple rule.

use super::ast::{Action, ActionKind, Atom, Comment, Condition, Expr, Field, Op, Rule, RuleFile};
use super::parse::{is_bare_word, ARGUMENT_STOP_WORDS, OPERAND_STOP_WORDS};
use super::schema::{action_name, field_name, op_name, quote, OPS};
use serde_json::Value;

/// The widest a one-line `when` clause may be.
pub const WIDTH: usize = 88;

/// The indent of everything inside a rule.
const INDENT: &str = "  ";
/// The indent of the second and later actions (column 7).
const ACTION_INDENT: &str = "       ";
/// `  when ` and `  then `: where the first condition and action start.
const CLAUSE: usize = 7;

/// The canonical DSL text of a rule file.
pub fn format_file(file: &RuleFile) -> String {
    let mut p = Printer {
        comments: &file.comments,
        next: 0,
        lines: Vec::new(),
        last_has_comment: false,
        rules_printed: 0,
    };
    for rule in &file.rules {
        p.rule(rule);
    }
    p.top_gap(usize::MAX, false);
    if p.lines.is_empty() {
        return String::new();
    }
    let mut out = p.lines.join("\n");
    out.push('\n');
    out
}

struct Printer<'a> {
    comments: &'a [Comment],
    /// The first comment not printed yet.
    next: usize,
    lines: Vec<String>,
    /// The last line ends in a comment, so nothing may be appended to it.
    last_has_comment: bool,
    rules_printed: usize,
}

impl<'a> Printer<'a> {
    fn code(&mut self, line: String) {
        self.lines.push(line);
        self.last_has_comment = false;
    }

    fn blank(&mut self) {
        self.lines.push(String::new());
    }

    fn comment_line(&mut self, indent: &str, c: &Comment) {
        self.lines.push(format!("{indent}#{}", c.text));
        self.last_has_comment = true;
    }

    /// Appends `c` to the last line when it is a code line.
    fn trailing(&mut self, c: &Comment) -> bool {
        match self.lines.last_mut() {
            Some(last) if !self.last_has_comment => {
                last.push_str("  #");
                last.push_str(&c.text);
                self.last_has_comment = true;
                true
            }
            _ => false,
        }
    }

    /// The comments not printed yet that start before `key`, taken.
    fn take_before(&mut self, key: usize) -> Vec<&'a Comment> {
        let comments: &'a [Comment] = self.comments;
        let rest = &comments[self.next..];
        let n = rest.iter().take_while(|c| c.span.start < key).count();
        self.next += n;
        rest[..n].iter().collect()
    }

    /// A comment inside a rule: trailing when it was and can be, else on its
    /// own line at indent 2.
    fn body_comment(&mut self, c: &Comment) {
        if c.own_line || !self.trailing(c) {
            self.comment_line(INDENT, c);
        }
    }

    /// Prints, inside a rule, every comment that starts before `key`.
    fn flush_body(&mut self, key: usize) {
        for c in self.take_before(key) {
            self.body_comment(c);
        }
    }

    /// The gap between rules (or before the first, or after the last), with
    /// its comments and at most one blank line between any two lines. A
    /// comment directly above a rule stays attached to it.
    fn top_gap(&mut self, key: usize, before_rule: bool) {
        let group = self.take_before(key);
        let mut entries: Vec<(bool, &Comment)> = Vec::new();
        for c in &group {
            if c.own_line || !entries.is_empty() || !self.trailing(c) {
                entries.push((c.blank_before, c));
            }
        }
        let mut blank_before_rule = before_rule && group.last().is_some_and(|c| c.blank_after);
        if self.lines.is_empty() {
            if let Some(first) = entries.first_mut() {
                first.0 = false;
            }
        }
        let between_rules = before_rule && self.rules_printed > 0;
        if between_rules && !blank_before_rule && !entries.iter().any(|e| e.0) {
            match entries.first_mut() {
                Some(first) => first.0 = true,
                None => blank_before_rule = true,
            }
        }
        for (blank, c) in entries {
            if blank {
                self.blank();
            }
            self.comment_line("", c);
        }
        if blank_before_rule {
            self.blank();
        }
    }

    fn rule(&mut self, rule: &Rule) {
        self.top_gap(rule.span.start, true);
        let header = format!("{} {} {{", rule.kind.keyword(), quote(&rule.title.node));
        let header_end = rule.span.start + header.len();
        self.code(header);

        let when = rule.conditions.as_ref().and_then(When::of);
        let (body_key, body_offset) = match (&when, rule.actions.first()) {
            (Some(w), _) => (w.keys[0], CLAUSE + lead(&w.texts[0])),
            (None, Some(a)) => (a.span.start, CLAUSE),
            (None, None) => (rule.span.end.saturating_sub(1), 0),
        };

        // Settings, with the comments among them.
        let settings = settings(rule);
        let comments: &'a [Comment] = self.comments;
        let region: Vec<&'a Comment> = comments[self.next..]
            .iter()
            .take_while(|c| c.span.start < body_key)
            .collect();
        if !settings.is_empty() && !region.is_empty() {
            let gaps = exact_gaps(&region, header_end, &settings, body_key, body_offset)
                .unwrap_or_else(|| {
                    fallback_gaps(rule, &region, settings.len(), body_key, body_offset)
                });
            let mut i = 0;
            for (n, setting) in settings.into_iter().enumerate() {
                while i < region.len() && gaps[i] <= n {
                    self.body_comment(region[i]);
                    self.next += 1;
                    i += 1;
                }
                self.code(setting);
            }
        } else {
            for setting in settings {
                self.code(setting);
            }
        }

        if let Some(w) = when {
            self.when_clause(&w);
        }

        for (i, a) in rule.actions.iter().enumerate() {
            self.flush_body(a.span.start);
            let lead = if i == 0 { "  then " } else { ACTION_INDENT };
            self.code(format!("{lead}{}", action(a)));
        }
        if rule.actions.is_empty() {
            // The grammar wants an action; only a rule built by hand or read
            // from YAML can lack one.
            self.code("  then".into());
        }

        self.flush_body(rule.span.end.saturating_sub(1));
        self.code("}".into());
        self.rules_printed += 1;
    }

    fn when_clause(&mut self, w: &When) {
        self.flush_body(w.keys[0]);
        let joiner = format!(" {} ", w.joiner);
        let one_line = format!("  when {}", w.texts.join(&joiner));
        let last = w.keys[w.keys.len() - 1];
        let comment_between = self.comments[self.next..]
            .iter()
            .any(|c| c.span.start >= w.keys[0] && c.span.start < last);
        let multi = w.texts.len() > 1 && (comment_between || one_line.chars().count() > WIDTH);
        if !multi {
            self.code(one_line);
            return;
        }
        let cont = if w.joiner == "or" {
            "    or "
        } else {
            "   and "
        };
        for (i, text) in w.texts.iter().enumerate() {
            if i == 0 {
                self.code(format!("  when {text}"));
            } else {
                self.flush_body(w.keys[i]);
                self.code(format!("{cont}{text}"));
            }
        }
    }
}

/// The settings lines of a rule, in canonical order, indented.
fn settings(rule: &Rule) -> Vec<String> {
    let mut out = Vec::new();
    if !rule.active {
        out.push(format!("{INDENT}inactive"));
    }
    if let Some(p) = &rule.position {
        out.push(format!("{INDENT}position {}", p.node));
    }
    if let Some(d) = &rule.description {
        out.push(format!("{INDENT}description {}", quote(d)));
    }
    out
}

/// For each comment between a rule's header and its body, the settings line
/// it goes before (`settings.len()`: after the last), read off the offsets
/// the canonical layout would give. `None` when the offsets don't fit that
/// layout, i.e. the rule was not formatted.
fn exact_gaps(
    region: &[&Comment],
    header_end: usize,
    settings: &[String],
    body_key: usize,
    body_offset: usize,
) -> Option<Vec<usize>> {
    let mut cursor = header_end; // the end of the line printed last
    let mut done = 0; // settings lines printed
    let mut gaps = Vec::with_capacity(region.len());
    for c in region {
        // An own-line comment starts after a newline and the indent; a
        // trailing one after two spaces.
        let skip = if c.own_line { 1 + INDENT.len() } else { 2 };
        let mut pos = cursor;
        let mut k = done;
        loop {
            if pos + skip == c.span.start {
                break;
            }
            if k == settings.len() || pos + skip > c.span.start {
                return None;
            }
            pos += 1 + settings[k].len();
            k += 1;
        }
        gaps.push(k);
        done = k;
        cursor = c.span.end;
    }
    let rest: usize = settings[done..].iter().map(|s| 1 + s.len()).sum();
    (cursor + rest + 1 + body_offset == body_key).then_some(gaps)
}

/// Where comments among settings go when the rule was not formatted. Only
/// `position` and the title carry spans, so the settings fall in segments:
/// the header and any `inactive`, then `position` and any `description`.
/// Within a segment, a trailing comment just after the title (or the
/// position) stays on that line; a later trailing comment is taken to sit on
/// the next setting; an own-line comment goes above the next setting, except
/// that own-line comments right above the body stay there. Never reorders.
fn fallback_gaps(
    rule: &Rule,
    region: &[&Comment],
    n: usize,
    body_key: usize,
    body_offset: usize,
) -> Vec<usize> {
    /// How far after a span a trailing comment on the same line may start.
    const NEAR: usize = 8;
    let position = rule
        .position
        .as_ref()
        .map(|p| (p.span, usize::from(!rule.active)));
    let segment = |c: &Comment| match position {
        Some((span, idx)) if c.span.start > span.start => (span.end, idx + 1, n),
        Some((_, idx)) => (rule.title.span.end, 0, idx),
        None => (rule.title.span.end, 0, n),
    };
    let mut gaps = Vec::with_capacity(region.len());
    let mut current: Option<usize> = None; // the segment's first gap
    let mut gap = 0;
    for c in region {
        let (anchor_end, first, last) = segment(c);
        let fresh = current != Some(first);
        if fresh {
            current = Some(first);
            gap = first;
        }
        let on_anchor = fresh && c.span.start <= anchor_end + NEAR;
        if !c.own_line && !on_anchor {
            gap = (gap + 1).min(last);
        }
        gaps.push(gap);
    }
    // Own-line comments directly above `when` (or `then`) stay there.
    let mut limit = body_key.saturating_sub(body_offset + 1);
    for (i, c) in region.iter().enumerate().rev() {
        if !c.own_line || c.span.end > limit || limit - c.span.end > 4 {
            break;
        }
        gaps[i] = n;
        limit = c.span.start.saturating_sub(1 + INDENT.len());
    }
    gaps
}

/// A `when` clause cut into its top-level conjuncts (or disjuncts).
struct When {
    texts: Vec<String>,
    /// Where each top-level item starts in the source.
    keys: Vec<usize>,
    joiner: &'static str,
}

impl When {
    fn of(expr: &Expr) -> Option<When> {
        let (items, parent, joiner): (Vec<&Expr>, Parent, &'static str) = match expr {
            Expr::All(v) if v.len() > 1 => (v.iter().collect(), Parent::All, "and"),
            Expr::Any(v) if v.len() > 1 => (v.iter().collect(), Parent::Any, "or"),
            Expr::All(v) | Expr::Any(v) if v.is_empty() => return None,
            e => (vec![e], Parent::Top, "and"),
        };
        Some(When {
            texts: items.iter().map(|e| expr_text(e, parent)).collect(),
            keys: items.iter().map(|e| e.span().start).collect(),
            joiner,
        })
    }
}

/// Where an expression's text is printed, for parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parent {
    Top,
    All,
    Any,
    Not,
}

/// An expression on one line, as `fmt` would write it.
pub fn expression(e: &Expr) -> String {
    expr_text(e, Parent::Top)
}

/// An expression on one line, parenthesised where precedence needs it:
/// `not` binds tightest, then `and`, then `or`.
fn expr_text(e: &Expr, parent: Parent) -> String {
    let text = match e {
        Expr::Cond(c) => condition(c),
        Expr::Not(inner) => format!("not {}", expr_text(inner, Parent::Not)),
        Expr::All(items) => join_items(items, Parent::All, " and "),
        Expr::Any(items) => join_items(items, Parent::Any, " or "),
    };
    let parens = match e {
        Expr::Any(v) => v.len() > 1 && matches!(parent, Parent::All | Parent::Not),
        Expr::All(v) => v.len() > 1 && parent == Parent::Not,
        _ => false,
    };
    if parens {
        format!("({text})")
    } else {
        text
    }
}

fn join_items(items: &[Expr], parent: Parent, joiner: &str) -> String {
    items
        .iter()
        .map(|e| expr_text(e, parent))
        .collect::<Vec<_>>()
        .join(joiner)
}

/// How far into an expression's text its first condition starts.
fn lead(text: &str) -> usize {
    let mut rest = text;
    loop {
        if let Some(r) = rest.strip_prefix("not ") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix('(') {
            rest = r;
        } else {
            return text.len() - rest.len();
        }
    }
}

/// One condition: `Field phrase operator operand`.
pub fn condition(c: &Condition) -> String {
    let field = &c.field.node;
    let op = &c.op.node;
    if let Field::Zendesk(name) = field {
        return format!(
            "Zendesk {} {} {}",
            quote(name),
            quote(&op_name(op)),
            zendesk_value(&c.operand)
        );
    }
    if *field == Field::SharedWithAgent {
        return agent_condition(c);
    }
    let mut parts = vec![match field {
        Field::Unknown(name) => name.clone(),
        f => capitalise(&field_name(f)),
    }];
    // `shared with "A"` and `received from "A"` take no operator word.
    let sharing = matches!(field, Field::SharedWith | Field::ReceivedFrom);
    let mut negate = false;
    match op {
        Op::Is if sharing => {}
        Op::IsNot if sharing => negate = true,
        op => parts.push(op_name(op)),
    }
    for (i, a) in c.operand.iter().enumerate() {
        let extends_op = i == 0 && !sharing && extends_operator(op, &a.node);
        parts.push(if extends_op {
            quote(word_of(&a.node))
        } else {
            atom(&a.node, Context::Operand)
        });
    }
    parts.retain(|p| !p.is_empty());
    let text = parts.join(" ");
    if negate {
        format!("not {text}")
    } else {
        text
    }
}

/// `Ticket is [not] shared with agent <email>`: the operator sits inside
/// the phrase.
fn agent_condition(c: &Condition) -> String {
    let mut text = format!("Ticket {} shared with agent", op_name(&c.op.node));
    for a in &c.operand {
        text.push(' ');
        text.push_str(&atom(&a.node, Context::Operand));
    }
    text
}

/// Would this first operand word be read as the rest of a longer operator
/// (`is` + `not` = `is not`)? Only an AST not read from the DSL has one.
fn extends_operator(op: &Op, a: &Atom) -> bool {
    let Atom::Word(w) = a else { return false };
    if matches!(op, Op::Zendesk(_) | Op::Unknown(_)) {
        return false;
    }
    let longer = format!("{} {}", op_name(op), w.to_lowercase());
    OPS.iter().any(|(_, phrase, _)| {
        phrase
            .strip_prefix(longer.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    })
}

fn word_of(a: &Atom) -> &str {
    match a {
        Atom::Word(w) => w,
        _ => "",
    }
}

/// One action: `Action phrase arguments`.
pub fn action(a: &Action) -> String {
    let kind = &a.kind.node;
    if let ActionKind::Zendesk(name) = kind {
        return format!("Zendesk {} {}", quote(name), zendesk_value(&a.args));
    }
    let mut parts = vec![match kind {
        ActionKind::Unknown(name) => name.clone(),
        k => capitalise(&action_name(k)),
    }];
    parts.extend(a.args.iter().map(|x| atom(&x.node, Context::Arguments)));
    parts.retain(|p| !p.is_empty());
    parts.join(" ")
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Where a value stands, for which bare words would end it.
#[derive(Clone, Copy)]
enum Context {
    /// After an operator: `and`, `or`, `then` end it.
    Operand,
    /// After an action: a word that starts an action ends it.
    Arguments,
}

impl Context {
    fn stop_words(self) -> &'static [&'static str] {
        match self {
            Context::Operand => OPERAND_STOP_WORDS,
            Context::Arguments => ARGUMENT_STOP_WORDS,
        }
    }
}

/// A value as written: bare words bare, texts quoted, `/regex/`, `(none)`.
fn atom(a: &Atom, ctx: Context) -> String {
    match a {
        Atom::Word(w) if is_bare(w, ctx) => w.clone(),
        Atom::Word(w) | Atom::Str(w) => quote(w),
        Atom::Num(n) => n.to_string(),
        Atom::Regex(r) => regex(r),
        Atom::None => "(none)".into(),
        Atom::Json(v) => match v {
            Value::String(s) => quote(s),
            Value::Number(n) if n.is_i64() => n.to_string(),
            Value::Bool(_) | Value::Null => v.to_string(),
            other => quote(&json(other)),
        },
    }
}

/// Does `w` read back as the same bare word in `ctx`?
fn is_bare(w: &str, ctx: Context) -> bool {
    is_bare_word(w, ctx.stop_words())
}

/// `/pattern/` with `/` escaped as `\/`. The parser turns every `\/` back
/// into `/`, so a `/` already escaped in the pattern (an odd run of
/// backslashes before it) stays `\/`, which means the same to the regex.
pub(crate) fn regex(pattern: &str) -> String {
    if pattern.is_empty() {
        return "/(?:)/".into();
    }
    let mut out = String::from("/");
    let mut backslashes = 0;
    for c in pattern.chars() {
        match c {
            '\\' => {
                out.push('\\');
                backslashes += 1;
                continue;
            }
            '/' if backslashes % 2 == 0 => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
        backslashes = 0;
    }
    if backslashes % 2 == 1 {
        // A lone trailing backslash would escape the closing slash.
        out.push('\\');
    }
    out.push('/');
    out
}

/// The JSON value of a Zendesk passthrough condition or action.
fn zendesk_value(atoms: &[super::ast::Spanned<Atom>]) -> String {
    let one = |a: &Atom| match a {
        Atom::Json(v) => v.clone(),
        Atom::Str(s) | Atom::Word(s) | Atom::Regex(s) => Value::String(s.clone()),
        Atom::Num(n) => Value::from(*n),
        Atom::None => Value::Null,
    };
    match atoms {
        [] => "null".into(),
        [a] => json(&one(&a.node)),
        many => json(&Value::Array(many.iter().map(|a| one(&a.node)).collect())),
    }
}

/// Compact JSON, as `serde_json::to_string` writes it, except that strings
/// are written the way the DSL reads them (`schema::quote`): the DSL knows
/// only the `\"`, `\\`, `\n` and `\t` escapes.
fn json(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::Array(items) => {
            format!("[{}]", items.iter().map(json).collect::<Vec<_>>().join(","))
        }
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}:{}", quote(k), json(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::ast::*;

    fn cond(field: Field, op: Op, operand: Vec<Atom>) -> Expr {
        Expr::Cond(Condition {
            field: Spanned::new(field, Span::default()),
            op: Spanned::new(op, Span::default()),
            operand: operand
                .into_iter()
                .map(|a| Spanned::new(a, Span::default()))
                .collect(),
            span: Span::default(),
        })
    }

    fn act(kind: ActionKind, args: Vec<Atom>) -> Action {
        Action {
            kind: Spanned::new(kind, Span::default()),
            args: args
                .into_iter()
                .map(|a| Spanned::new(a, Span::default()))
                .collect(),
            span: Span::default(),
        }
    }

    /// A rule as the YAML loader would build it: no comments, zero spans.
    fn file(conditions: Option<Expr>, actions: Vec<Action>) -> RuleFile {
        RuleFile {
            rules: vec![Rule {
                kind: RuleKind::Trigger,
                title: Spanned::new("From \"YAML\"".into(), Span::default()),
                active: false,
                position: Some(Spanned::new(2, Span::default())),
                description: Some("two\nlines".into()),
                conditions,
                actions,
                span: Span::default(),
            }],
            comments: Vec::new(),
        }
    }

    fn reparse(text: &str) -> RuleFile {
        let (f, diags) = crate::rules::parse::parse_rules(text);
        assert!(diags.is_empty(), "{text}\n{diags:?}");
        f
    }

    #[test]
    fn yaml_shaped_ast_prints_and_reads_back() {
        let f = file(
            Some(Expr::All(vec![
                cond(
                    Field::Status,
                    Op::Is,
                    vec![Atom::Json(Value::String("open".into()))],
                ),
                cond(
                    Field::Tags,
                    Op::ContainsNoneOf,
                    vec![Atom::Word("and".into())],
                ),
            ])),
            vec![
                act(ActionKind::AddTags, vec![Atom::Word("x".into())]),
                act(
                    ActionKind::Zendesk("notification_target".into()),
                    vec![Atom::Json(serde_json::json!([1, "a\u{1}b", true, null]))],
                ),
            ],
        );
        let text = format_file(&f);
        assert_eq!(
            text,
            "trigger \"From \\\"YAML\\\"\" {\n  inactive\n  position 2\n  description \"two\\nlines\"\n  when Status is \"open\" and Tags contains none of \"and\"\n  then Add tags x\n       Zendesk \"notification_target\" [1,\"a\u{1}b\",true,null]\n}\n"
        );
        let back = reparse(&text);
        assert_eq!(back.rules[0].description.as_deref(), Some("two\nlines"));
        assert_eq!(back.rules[0].actions[1], f.rules[0].actions[1]);
    }

    #[test]
    fn words_that_would_read_differently_are_quoted() {
        assert!(is_bare("Ticket", Context::Operand));
        assert!(is_bare("and_more", Context::Operand));
        assert!(is_bare("and-more", Context::Operand));
        assert!(!is_bare("and", Context::Operand));
        assert!(!is_bare("Ticket sharing", Context::Operand));
        assert!(!is_bare("007", Context::Operand));
        assert!(is_bare("3d", Context::Operand));
        assert!(!is_bare("Add", Context::Arguments));
        assert!(is_bare("Add", Context::Operand));
        let e = cond(Field::Status, Op::Is, vec![Atom::Word("not".into())]);
        assert_eq!(expr_text(&e, Parent::Top), "Status is \"not\"");
    }

    #[test]
    fn sharing_is_not_prints_as_not() {
        let e = cond(Field::SharedWith, Op::IsNot, vec![Atom::Str("Acme".into())]);
        assert_eq!(expr_text(&e, Parent::Top), "not Shared with \"Acme\"");
        let f = file(Some(e), vec![act(ActionKind::UnshareTicket, vec![])]);
        let back = reparse(&format_file(&f));
        assert!(matches!(back.rules[0].conditions, Some(Expr::Not(_))));
    }

    #[test]
    fn regexes_keep_their_meaning() {
        assert_eq!(regex("a/b"), "/a\\/b/");
        assert_eq!(regex("a\\\\/b"), "/a\\\\\\/b/");
        assert_eq!(regex("a\\/b"), "/a\\/b/");
        assert_eq!(regex(""), "/(?:)/");
        assert_eq!(regex("a\\"), "/a\\\\/");
    }

    #[test]
    fn json_objects_and_floats_print_as_json_and_read_back() {
        let v = serde_json::json!({"a": [1.5, {"b": "c\"d"}], "e": -2e-3});
        assert_eq!(json(&v), "{\"a\":[1.5,{\"b\":\"c\\\"d\"}],\"e\":-0.002}");
        let a = act(
            ActionKind::Zendesk("notification_webhook".into()),
            vec![Atom::Json(v)],
        );
        let f = file(None, vec![a]);
        let back = reparse(&format_file(&f));
        assert_eq!(back.rules[0].actions, f.rules[0].actions);
    }

    #[test]
    fn empty_file_is_empty() {
        assert_eq!(format_file(&RuleFile::default()), "");
    }
}
