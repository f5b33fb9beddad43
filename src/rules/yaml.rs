//! The YAML/JSON front end: rule files in the shape of Zendesk's trigger
//! and automation API, read with serde into the same AST as the DSL.
//!
//! The text is first read into a `serde_json::Value` (both serde_yaml and
//! serde_json keep map keys in document order here), then walked in that
//! order to build the AST. Zendesk names are mapped to ours with the tables
//! in [`schema`]; Zendesk fields, operators and actions that ticket-rules
//! knows but does not run become `Field::Zendesk` / `ActionKind::Zendesk`
//! nodes carrying the original JSON value, so `check` can warn about them
//! and `convert` can write them back out unchanged.
//!
//! # Spans
//!
//! serde reports no positions for what it reads, but diagnostics need them.
//! So a [`Locator`] scans the source text alongside the walk: because the
//! walk visits keys in document order, each key is searched for forward from
//! where the previous one was found (`title`, then each condition's `field`,
//! `operator` and `value`, then each action's …). A key is only accepted
//! where it can really be a key (quoted in JSON; in YAML followed by `:` and
//! not inside a comment or a quoted string), so the found token is on the
//! right line and its exact column. When a search fails (YAML aliases,
//! unusual quoting) the node gets the span of the last thing found, which is
//! still close.

use super::ast::*;
use super::diagnostics::Diagnostic;
use super::schema::{self, did_you_mean};
use serde_json::Value;

/// Reads a Zendesk-shaped YAML (or, with `json`, JSON) rule file.
pub fn load(src: &str, json: bool) -> (RuleFile, Vec<Diagnostic>) {
    let value = match read(src, json) {
        Ok(v) => v,
        Err(d) => return (RuleFile::default(), vec![d]),
    };
    let mut loader = Loader {
        loc: Locator::new(src, json),
        diags: Vec::new(),
        rules: Vec::new(),
    };
    loader.top(&value);
    let file = RuleFile {
        rules: loader.rules,
        comments: Vec::new(),
    };
    (file, loader.diags)
}

// ------------------------------------------------------------------ names

/// Zendesk condition fields that ticket-rules loads but does not run.
pub const ZENDESK_CONDITIONS: &[&str] = &[
    "satisfaction_score",
    "satisfaction_reason_code",
    "ticket_form_id",
    "recipient",
    "reopens",
    "replies",
    "agent_stations",
    "group_stations",
    "in_business_hours",
    "on_holiday",
    "locale_id",
    "requester_twitter_followers_count",
    "requester_twitter_statuses_count",
    "requester_twitter_verified",
    "ticket_is_public",
    "description_includes_word",
    "custom_status_id",
    "requester_role",
    "ticket_type_id",
    "exact_created_at",
    "sla_next_breach_at",
    "HOLD",
    "CLOSED",
    "due_date",
    "until_due_date",
    "cc",
];

/// Zendesk actions that ticket-rules loads but does not run.
pub const ZENDESK_ACTIONS: &[&str] = &[
    "notification_target",
    "notification_webhook",
    "notification_sms_user",
    "notification_sms_group",
    "notification_messaging_csat",
    "notification_user",
    "notification_group",
    "tweet_requester",
    "cc",
    "follower",
    "locale_id",
    "satisfaction_score",
    "ticket_form_id",
    "brand_id",
    "requester_id",
    "organization_id",
    "comment_value",
    "comment_value_html",
    "comment_mode_is_public",
    "deflection",
    "add_skills",
    "set_skills",
    "remove_skills",
    "custom_status_id",
    "side_conversation",
    "side_conversation_slack",
    "side_conversation_ticket",
];

/// Keys of a rule that we read.
const RULE_KEYS: &[&str] = &[
    "title",
    "active",
    "position",
    "description",
    "conditions",
    "actions",
];
/// Keys of a rule in Zendesk's API that say nothing about what it does.
const RULE_METADATA: &[&str] = &[
    "id",
    "url",
    "raw_title",
    "raw_description",
    "created_at",
    "updated_at",
    "default",
    "category_id",
];
/// Keys at the top of an API response that are not rules.
const TOP_METADATA: &[&str] = &[
    "next_page",
    "previous_page",
    "count",
    "meta",
    "links",
    "end_of_stream",
    "after_cursor",
    "before_cursor",
];

const SHAPE_HELP: &str = "a rule file has `triggers` and `automations` lists; each rule has `title`, `conditions` ({ all: [...], any: [...] }) and `actions`";

// ------------------------------------------------------------------ read

/// Parses the text into a JSON value, or a syntax diagnostic.
fn read(src: &str, json: bool) -> Result<Value, Diagnostic> {
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

// --------------------------------------------------------------- locator

/// Finds keys and values in the source, searching forward in document
/// order (see the module docs for why).
struct Locator<'s> {
    src: &'s str,
    json: bool,
    /// Where the next search starts.
    pos: usize,
}

/// A key found in the source.
#[derive(Clone, Copy)]
struct Hit {
    key: Span,
    /// Where its value starts (after `:` and blanks).
    value: usize,
}

impl<'s> Locator<'s> {
    fn new(src: &'s str, json: bool) -> Self {
        Locator { src, json, pos: 0 }
    }

    /// A span at the current position, for nodes whose key was not found.
    fn here(&self) -> Span {
        let end = self
            .src
            .get(self.pos..)
            .and_then(|r| r.chars().next())
            .map_or(self.pos, |c| self.pos + c.len_utf8());
        Span::new(self.pos, end)
    }

    /// Finds the next `key:` from the current position and moves past it.
    fn key(&mut self, key: &str) -> Option<Hit> {
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
    fn scalar(&mut self, at: usize) -> Span {
        let span = token_at(self.src, at);
        self.pos = self.pos.max(span.end);
        span
    }

    /// Spans for `n` items of a list value starting at `at` (a flow list
    /// `[a, b]` or a block list of `- a` lines).
    fn items(&mut self, at: usize, n: usize) -> Vec<Span> {
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
fn token_at(src: &str, at: usize) -> Span {
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
fn piece_spans(src: &str, token: Span, pieces: &[String]) -> Vec<Span> {
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

// ---------------------------------------------------------------- loader

struct Loader<'s> {
    loc: Locator<'s>,
    diags: Vec<Diagnostic>,
    rules: Vec<Rule>,
}

/// Where a value was found: its first byte.
#[derive(Clone, Copy)]
struct At(usize);

/// One condition as written, before mapping.
struct RawCond {
    field: String,
    field_span: Span,
    op: String,
    op_span: Span,
    value: Value,
    value_at: Option<At>,
}

/// One action as written, before mapping.
struct RawAction {
    field: String,
    field_span: Span,
    value: Value,
    value_at: Option<At>,
}

impl Loader<'_> {
    fn bad_shape(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.diags
            .push(Diagnostic::error("bad-shape", span, message).with_help(help));
    }

    /// Locates `key`, falling back to the current position.
    fn key_span(&mut self, key: &str) -> (Span, Option<At>) {
        match self.loc.key(key) {
            Some(hit) => (hit.key, Some(At(hit.value))),
            None => (self.loc.here(), None),
        }
    }

    /// The span of a scalar value found at `at`.
    fn value_span(&mut self, at: Option<At>, fallback: Span) -> Span {
        match at {
            Some(At(p)) => self.loc.scalar(p),
            None => fallback,
        }
    }

    fn unknown_key(&mut self, key: &str, span: Span, known: &[&str], what: &str) {
        match did_you_mean(key, known.iter().copied()) {
            Some(s) => self.diags.push(
                Diagnostic::error("bad-shape", span, format!("unknown key `{key}` in {what}"))
                    .with_help(format!("did you mean `{s}`?")),
            ),
            None => self.diags.push(
                Diagnostic::warning(
                    "unknown-key",
                    span,
                    format!("unknown key `{key}` in {what} is ignored"),
                )
                .with_help(format!("{what} takes {}", list(known))),
            ),
        }
    }

    fn top(&mut self, value: &Value) {
        let map = match value {
            Value::Null => return,
            Value::Object(map) => map,
            _ => {
                let span = Span::new(0, self.loc.src.len().min(1));
                self.bad_shape(
                    span,
                    "expected a map with `triggers` and `automations` lists",
                    SHAPE_HELP,
                );
                return;
            }
        };
        for (key, v) in map {
            let (span, _) = self.key_span(key);
            match key.as_str() {
                "triggers" | "automations" => {
                    let kind = if key == "triggers" {
                        RuleKind::Trigger
                    } else {
                        RuleKind::Automation
                    };
                    match v {
                        Value::Array(items) => {
                            for item in items {
                                self.rule(item, kind);
                            }
                        }
                        Value::Null => {}
                        _ => self.bad_shape(
                            span,
                            format!("`{key}` must be a list of rules"),
                            SHAPE_HELP,
                        ),
                    }
                }
                "trigger" => self.rule(v, RuleKind::Trigger),
                "automation" => self.rule(v, RuleKind::Automation),
                k if TOP_METADATA.contains(&k) => {}
                k => match did_you_mean(k, ["triggers", "automations"]) {
                    Some(s) => self.diags.push(
                        Diagnostic::error(
                            "bad-shape",
                            span,
                            format!("unknown key `{k}` at the top of the file"),
                        )
                        .with_help(format!("did you mean `{s}`?")),
                    ),
                    None => self.bad_shape(
                        span,
                        format!("unknown key `{k}` at the top of the file"),
                        SHAPE_HELP,
                    ),
                },
            }
        }
    }

    fn rule(&mut self, value: &Value, kind: RuleKind) {
        let Value::Object(map) = value else {
            let at = self.loc.pos;
            let span = token_at(self.loc.src, skip_item_marks(self.loc.src, at));
            self.bad_shape(
                span,
                format!(
                    "a {} must be a map, not {}",
                    kind.keyword(),
                    describe(value)
                ),
                SHAPE_HELP,
            );
            return;
        };
        let mut start: Option<Span> = None;
        let mut title: Option<Spanned<String>> = None;
        let mut active = true;
        let mut position = None;
        let mut description = None;
        let mut conditions = None;
        let mut actions = Vec::new();
        for (key, v) in map {
            let (kspan, at) = self.key_span(key);
            start.get_or_insert(kspan);
            match key.as_str() {
                "title" => match scalar_text(v) {
                    Some(t) => {
                        let span = self.value_span(at, kspan);
                        title = Some(Spanned::new(t, span));
                    }
                    None => self.bad_shape(
                        kspan,
                        format!("`title` must be text, not {}", describe(v)),
                        "for example `title: Escalate VIP tickets`",
                    ),
                },
                "active" => match v {
                    Value::Bool(b) => active = *b,
                    Value::String(s) if s.eq_ignore_ascii_case("true") => active = true,
                    Value::String(s) if s.eq_ignore_ascii_case("false") => active = false,
                    Value::Null => {}
                    _ => self.bad_shape(
                        kspan,
                        format!("`active` must be `true` or `false`, not {}", describe(v)),
                        "leave it out for an active rule",
                    ),
                },
                "position" => match integer(v) {
                    Some(n) => {
                        let span = self.value_span(at, kspan);
                        position = Some(Spanned::new(n, span));
                    }
                    None if v.is_null() => {}
                    None => self.bad_shape(
                        kspan,
                        format!("`position` must be a whole number, not {}", describe(v)),
                        "rules run in order of `position`, then file order",
                    ),
                },
                "description" => match v {
                    Value::String(s) if s.trim().is_empty() => {}
                    Value::String(s) => description = Some(s.clone()),
                    Value::Null => {}
                    _ => self.bad_shape(
                        kspan,
                        format!("`description` must be text, not {}", describe(v)),
                        "for example `description: Routes VIP tickets to Tier 2`",
                    ),
                },
                "conditions" => conditions = self.conditions(v, kspan),
                "actions" => actions = self.actions(v, kspan),
                k if RULE_METADATA.contains(&k) => {}
                k => {
                    let what = format!("a {}", kind.keyword());
                    self.unknown_key(k, kspan, RULE_KEYS, &what);
                }
            }
        }
        let start = start.unwrap_or_else(|| self.loc.here());
        let span = Span::new(start.start, self.loc.pos.max(start.end));
        let Some(title) = title else {
            if !map.contains_key("title") {
                self.bad_shape(
                    start,
                    format!("{} has no `title`", kind.keyword()),
                    "every rule needs a `title`; the audit trail names rules by it",
                );
            }
            return;
        };
        self.rules.push(Rule {
            kind,
            title,
            active,
            position,
            description,
            conditions,
            actions,
            span,
        });
    }

    // ----------------------------------------------------------- conditions

    fn conditions(&mut self, value: &Value, kspan: Span) -> Option<Expr> {
        let help = "conditions are `{ all: [...], any: [...] }`, each item `{ field: status, operator: is, value: open }`";
        let map = match value {
            Value::Null => return None,
            Value::Object(map) => map,
            _ => {
                self.bad_shape(
                    kspan,
                    format!(
                        "`conditions` must be a map with `all` and `any` lists, not {}",
                        describe(value)
                    ),
                    help,
                );
                return None;
            }
        };
        let mut all = Vec::new();
        let mut any = Vec::new();
        for (key, list) in map {
            let (span, _) = self.key_span(key);
            let target = match key.as_str() {
                "all" => &mut all,
                "any" => &mut any,
                k => {
                    self.unknown_key(k, span, &["all", "any"], "`conditions`");
                    continue;
                }
            };
            let mut out = Vec::new();
            match list {
                Value::Array(items) => {
                    for item in items {
                        if let Some(e) = self.condition(item) {
                            out.push(e);
                        }
                    }
                }
                Value::Null => {}
                _ => self.bad_shape(
                    span,
                    format!(
                        "`{key}` must be a list of conditions, not {}",
                        describe(list)
                    ),
                    help,
                ),
            }
            target.extend(out);
        }
        // An `any` of one is just one more `all` condition: the DSL parser
        // never makes a one-element `or`, and YAML→DSL→YAML must keep the AST.
        if any.len() == 1 {
            all.append(&mut any);
        }
        match (all.len(), any.len()) {
            (0, 0) => None,
            (1, 0) => all.pop(),
            (_, 0) => Some(Expr::All(all)),
            (0, _) => Some(Expr::Any(any)),
            _ => {
                all.push(Expr::Any(any));
                Some(Expr::All(all))
            }
        }
    }

    fn condition(&mut self, value: &Value) -> Option<Expr> {
        let help = "a condition is `{ field: status, operator: is, value: open }`";
        let Value::Object(map) = value else {
            let span = token_at(self.loc.src, skip_item_marks(self.loc.src, self.loc.pos));
            self.loc.pos = self.loc.pos.max(span.end);
            self.bad_shape(
                span,
                format!("a condition must be a map, not {}", describe(value)),
                help,
            );
            return None;
        };
        let mut start = None;
        let mut field = None;
        let mut op = None;
        let mut val = (Value::Null, None);
        for (key, v) in map {
            let (kspan, at) = self.key_span(key);
            start.get_or_insert(kspan);
            match key.as_str() {
                "field" | "operator" => match v {
                    Value::String(s) => {
                        let span = self.value_span(at, kspan);
                        if key == "field" {
                            field = Some((s.clone(), span));
                        } else {
                            op = Some((s.clone(), span));
                        }
                    }
                    _ => self.bad_shape(
                        kspan,
                        format!("`{key}` must be text, not {}", describe(v)),
                        help,
                    ),
                },
                "value" => {
                    if matches!(v, Value::Array(_) | Value::Object(_)) {
                        // Its items are located when the value is mapped.
                    } else if let Some(At(p)) = at {
                        self.loc.scalar(p);
                    }
                    val = (v.clone(), at);
                }
                k => self.unknown_key(k, kspan, &["field", "operator", "value"], "a condition"),
            }
        }
        let start = start.unwrap_or_else(|| self.loc.here());
        let Some((field, field_span)) = field else {
            if !map.contains_key("field") {
                self.bad_shape(start, "condition has no `field`", help);
            }
            return None;
        };
        let Some((op, op_span)) = op else {
            if !map.contains_key("operator") {
                self.bad_shape(
                    field_span,
                    format!("condition on `{field}` has no `operator`"),
                    help,
                );
            }
            return None;
        };
        let raw = RawCond {
            field,
            field_span,
            op,
            op_span,
            value: val.0,
            value_at: val.1,
        };
        Some(self.map_condition(raw))
    }

    /// Atom spans for a value: one per piece of a split string, one per item
    /// of a list, or the whole value.
    fn spans_for(
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
    fn atoms(
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
    fn one(&mut self, at: Option<At>, fallback: Span, atom: Atom) -> Vec<Spanned<Atom>> {
        let span = match at {
            Some(At(p)) => token_at(self.loc.src, p),
            None => fallback,
        };
        vec![Spanned::new(atom, span)]
    }

    fn map_condition(&mut self, c: RawCond) -> Expr {
        let name = c.field.as_str();
        let op_name = c.op.as_str();
        let passthrough = |c: RawCond, this: &mut Self| {
            let operand = this.one(c.value_at, c.field_span, Atom::Json(c.value.clone()));
            Expr::Cond(Condition {
                span: join_all(c.field_span, c.op_span, &operand),
                field: Spanned::new(Field::Zendesk(c.field), c.field_span),
                op: Spanned::new(Op::Zendesk(c.op), c.op_span),
                operand,
            })
        };
        let Some(field) = field_of(name) else {
            if is_zendesk_condition(name) {
                return passthrough(c, self);
            }
            let op = op_for(&Field::Unknown(String::new()), op_name);
            let operand = if c.value.is_null() {
                Vec::new()
            } else {
                self.one(c.value_at, c.field_span, Atom::Json(c.value.clone()))
            };
            return Expr::Cond(Condition {
                span: join_all(c.field_span, c.op_span, &operand),
                field: Spanned::new(Field::Unknown(c.field), c.field_span),
                op: Spanned::new(op, c.op_span),
                operand,
            });
        };
        if op_name.ends_with("_business_hours") {
            return passthrough(c, self);
        }
        if field == Field::Comment && comment_visibility(&c.value).is_none() && !c.value.is_null() {
            return passthrough(c, self);
        }
        let op = op_for(&field, op_name);
        let operand = self.operand(&field, &op, &c.value, c.value_at, c.field_span);
        let negate = matches!(field, Field::SharedWith | Field::ReceivedFrom) && op == Op::IsNot;
        let op = if negate { Op::Is } else { op };
        let cond = Condition {
            span: join_all(c.field_span, c.op_span, &operand),
            field: Spanned::new(field, c.field_span),
            op: Spanned::new(op, c.op_span),
            operand,
        };
        if negate {
            // The DSL has only `shared with`; Zendesk's `is_not` is its `not`.
            Expr::Not(Box::new(Expr::Cond(cond)))
        } else {
            Expr::Cond(cond)
        }
    }

    /// The operand atoms of a condition on one of our fields.
    fn operand(
        &mut self,
        field: &Field,
        op: &Op,
        value: &Value,
        at: Option<At>,
        fallback: Span,
    ) -> Vec<Spanned<Atom>> {
        if value.is_null() {
            return Vec::new();
        }
        if value.as_str() == Some("") {
            return if takes_none(field) {
                self.one(at, fallback, Atom::None)
            } else {
                Vec::new()
            };
        }
        match field {
            Field::Ticket => {
                let pieces = match value.as_str() {
                    Some(s) if s.eq_ignore_ascii_case("create") => vec!["created".to_string()],
                    Some(s) if s.eq_ignore_ascii_case("change") => vec!["updated".to_string()],
                    _ => lower_pieces(value),
                };
                let span = self.spans_for(value, at, &[], fallback)[0];
                pieces
                    .into_iter()
                    .map(|p| Spanned::new(Atom::Word(p), span))
                    .collect()
            }
            Field::Source | Field::UpdateVia => {
                let text = scalar_text(value).unwrap_or_default();
                let span = self.spans_for(value, at, &[], fallback)[0];
                let words: Vec<String> = match schema::channel(&text) {
                    Some(ch) => ch.name.split(' ').map(str::to_string).collect(),
                    None => text.split_whitespace().map(str::to_string).collect(),
                };
                words
                    .into_iter()
                    .map(|w| Spanned::new(Atom::Word(w), span))
                    .collect()
            }
            Field::Status | Field::Priority | Field::Type => {
                self.atoms(value, at, fallback, lower_pieces(value), dsl_atom)
            }
            Field::Group
            | Field::Assignee
            | Field::Requester
            | Field::Organization
            | Field::Brand => self.name_atoms(value, at, fallback),
            Field::Tags => self.atoms(value, at, fallback, pieces(value), dsl_atom),
            Field::Subject | Field::CommentText => match op {
                Op::Contains | Op::DoesNotContain => {
                    let text = scalar_text(value).unwrap_or_default();
                    self.one(at, fallback, Atom::Str(text))
                }
                Op::Matches => {
                    let text = scalar_text(value).unwrap_or_default();
                    self.one(at, fallback, Atom::Regex(text))
                }
                _ => self.atoms(value, at, fallback, pieces(value), dsl_atom),
            },
            Field::Comment => {
                let word = match comment_visibility(value) {
                    Some(true) => "public",
                    _ => "private",
                };
                self.one(at, fallback, Atom::Word(word.into()))
            }
            Field::Role => {
                let text = scalar_text(value).unwrap_or_default().to_lowercase();
                let words: Vec<String> = text
                    .split(|c: char| c == '_' || c.is_whitespace())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect();
                let span = self.spans_for(value, at, &[], fallback)[0];
                words
                    .into_iter()
                    .map(|w| Spanned::new(Atom::Word(w), span))
                    .collect()
            }
            Field::SharedWith | Field::ReceivedFrom => {
                let atom = match integer(value) {
                    Some(n) => Atom::Num(n),
                    None => Atom::Str(scalar_text(value).unwrap_or_default()),
                };
                self.one(at, fallback, atom)
            }
            Field::HoursSince(_) => {
                let atom = match integer(value) {
                    Some(n) => Atom::Num(n),
                    None => text_atom(&scalar_text(value).unwrap_or_default()),
                };
                self.one(at, fallback, atom)
            }
            Field::CustomField(_) => self.value_atoms(value, at, fallback, false),
            Field::Zendesk(_) | Field::Unknown(_) => {
                self.one(at, fallback, Atom::Json(value.clone()))
            }
        }
    }

    /// A group, user, organization or brand: an id, `current_user`, empty
    /// for none, or a name.
    fn name_atoms(&mut self, value: &Value, at: Option<At>, fallback: Span) -> Vec<Spanned<Atom>> {
        self.value_atoms(value, at, fallback, true)
    }

    /// One value of a field that takes any single value (names, custom
    /// fields): numbers stay numbers, `""` is none, one bare word is a word,
    /// other text is quoted text.
    fn value_atoms(
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

    // -------------------------------------------------------------- actions

    fn actions(&mut self, value: &Value, kspan: Span) -> Vec<Action> {
        let help = "actions are a list of `{ field: status, value: solved }`";
        let items = match value {
            Value::Null => return Vec::new(),
            Value::Array(items) => items,
            _ => {
                self.bad_shape(
                    kspan,
                    format!("`actions` must be a list, not {}", describe(value)),
                    help,
                );
                return Vec::new();
            }
        };
        let mut raw = Vec::new();
        for item in items {
            let Value::Object(map) = item else {
                let span = token_at(self.loc.src, skip_item_marks(self.loc.src, self.loc.pos));
                self.loc.pos = self.loc.pos.max(span.end);
                self.bad_shape(
                    span,
                    format!("an action must be a map, not {}", describe(item)),
                    help,
                );
                continue;
            };
            let mut start = None;
            let mut field = None;
            let mut val = (Value::Null, None);
            for (key, v) in map {
                let (kspan, at) = self.key_span(key);
                start.get_or_insert(kspan);
                match key.as_str() {
                    "field" => match v {
                        Value::String(s) => {
                            let span = self.value_span(at, kspan);
                            field = Some((s.clone(), span));
                        }
                        _ => self.bad_shape(
                            kspan,
                            format!("`field` must be text, not {}", describe(v)),
                            help,
                        ),
                    },
                    "value" => {
                        if !matches!(v, Value::Array(_) | Value::Object(_)) {
                            if let Some(At(p)) = at {
                                self.loc.scalar(p);
                            }
                        }
                        val = (v.clone(), at);
                    }
                    k => self.unknown_key(k, kspan, &["field", "value"], "an action"),
                }
            }
            let start = start.unwrap_or_else(|| self.loc.here());
            match field {
                Some((field, field_span)) => raw.push(RawAction {
                    field,
                    field_span,
                    value: val.0,
                    value_at: val.1,
                }),
                None if !map.contains_key("field") => {
                    self.bad_shape(start, "action has no `field`", help)
                }
                None => {}
            }
        }
        self.map_actions(raw)
    }

    fn map_actions(&mut self, raw: Vec<RawAction>) -> Vec<Action> {
        // Pair each readable `comment_value` with a `comment_mode_is_public`
        // right before it, else right after it.
        let mode = |a: &RawAction| {
            a.field
                .eq_ignore_ascii_case("comment_mode_is_public")
                .then(|| comment_visibility(&a.value))
                .flatten()
        };
        let mut used = vec![false; raw.len()];
        let mut public_of: Vec<Option<bool>> = vec![None; raw.len()];
        for i in 0..raw.len() {
            if !raw[i].field.eq_ignore_ascii_case("comment_value")
                || comment_body(&raw[i].value).is_none()
            {
                continue;
            }
            let before = i
                .checked_sub(1)
                .filter(|&j| !used[j] && mode(&raw[j]).is_some());
            let after =
                Some(i + 1).filter(|&j| j < raw.len() && !used[j] && mode(&raw[j]).is_some());
            let public = match before.or(after) {
                Some(j) => {
                    used[j] = true;
                    mode(&raw[j]).unwrap_or(true)
                }
                None => true,
            };
            public_of[i] = Some(public);
        }
        let mut out = Vec::new();
        for (i, a) in raw.into_iter().enumerate() {
            if used[i] {
                continue;
            }
            out.push(self.map_action(a, public_of[i]));
        }
        out
    }

    fn map_action(&mut self, a: RawAction, comment_public: Option<bool>) -> Action {
        let name = a.field.to_lowercase();
        let fspan = a.field_span;
        let (kind, args) = match name.as_str() {
            "status" | "priority" | "type" => {
                let f = match name.as_str() {
                    "status" => SetField::Status,
                    "priority" => SetField::Priority,
                    _ => SetField::Type,
                };
                let args = if a.value.as_str() == Some("") {
                    self.one(a.value_at, fspan, Atom::None)
                } else if a.value.is_null() {
                    Vec::new()
                } else {
                    self.atoms(&a.value, a.value_at, fspan, lower_pieces(&a.value), |p| {
                        dsl_atom(p)
                    })
                };
                (ActionKind::Set(f), args)
            }
            "group_id" | "assignee_id" => {
                let f = if name == "group_id" {
                    SetField::Group
                } else {
                    SetField::Assignee
                };
                let args = if a.value.is_null() {
                    Vec::new()
                } else {
                    self.name_atoms(&a.value, a.value_at, fspan)
                };
                (ActionKind::Set(f), args)
            }
            "current_tags" | "remove_tags" | "set_tags" => {
                let kind = match name.as_str() {
                    "current_tags" => ActionKind::AddTags,
                    "remove_tags" => ActionKind::RemoveTags,
                    _ => ActionKind::SetTags,
                };
                let args = self.atoms(&a.value, a.value_at, fspan, pieces(&a.value), |p| {
                    dsl_atom(p)
                });
                (kind, args)
            }
            "share_ticket" => {
                let args = if a.value.is_null() {
                    Vec::new()
                } else {
                    let atom = match integer(&a.value) {
                        Some(n) => Atom::Num(n),
                        None => Atom::Str(scalar_text(&a.value).unwrap_or_default()),
                    };
                    self.one(a.value_at, fspan, atom)
                };
                (ActionKind::ShareTicket, args)
            }
            "unshare_ticket" => {
                let args = match &a.value {
                    Value::Null | Value::Bool(true) => Vec::new(),
                    Value::String(s) if s.is_empty() || s == "true" => Vec::new(),
                    v => self.value_atoms(v, a.value_at, fspan, false),
                };
                (ActionKind::UnshareTicket, args)
            }
            "comment_value" if comment_public.is_some() => {
                let body = comment_body(&a.value).unwrap_or_default();
                let span = match (&a.value, a.value_at) {
                    (Value::Array(items), Some(At(p))) => {
                        let spans = self.loc.items(p, items.len());
                        spans.last().copied().unwrap_or(fspan)
                    }
                    (_, Some(At(p))) => token_at(self.loc.src, p),
                    _ => fspan,
                };
                (
                    ActionKind::AddComment {
                        public: comment_public.unwrap_or(true),
                    },
                    vec![Spanned::new(Atom::Str(body), span)],
                )
            }
            "notification_user" | "notification_group" => {
                match self.notify_args(&name, &a.value, a.value_at, fspan) {
                    Some(args) => (ActionKind::Notify, args),
                    None => self.passthrough_action(&a),
                }
            }
            _ if name.starts_with("custom_fields_") => {
                let key = field_key(&a.field["custom_fields_".len()..]);
                let args = if a.value.is_null() {
                    Vec::new()
                } else {
                    self.value_atoms(&a.value, a.value_at, fspan, false)
                };
                (ActionKind::SetCustomField(key), args)
            }
            _ if ZENDESK_ACTIONS
                .iter()
                .any(|z| z.eq_ignore_ascii_case(&name)) =>
            {
                self.passthrough_action(&a)
            }
            _ => {
                let args = if a.value.is_null() {
                    Vec::new()
                } else {
                    self.one(a.value_at, fspan, Atom::Json(a.value.clone()))
                };
                (ActionKind::Unknown(a.field.clone()), args)
            }
        };
        let span = args.iter().map(|s| s.span).fold(fspan, Span::join);
        Action {
            kind: Spanned::new(kind, fspan),
            args,
            span,
        }
    }

    fn passthrough_action(&mut self, a: &RawAction) -> (ActionKind, Vec<Spanned<Atom>>) {
        let args = self.one(a.value_at, a.field_span, Atom::Json(a.value.clone()));
        (ActionKind::Zendesk(a.field.clone()), args)
    }

    /// `[recipient, subject, body]` as `notify` arguments, when we can run it.
    fn notify_args(
        &mut self,
        name: &str,
        value: &Value,
        at: Option<At>,
        fallback: Span,
    ) -> Option<Vec<Spanned<Atom>>> {
        let Value::Array(items) = value else {
            return None;
        };
        let [Value::String(who), Value::String(subject), Value::String(body)] = items.as_slice()
        else {
            return None;
        };
        let who_atoms: Vec<Atom> = match (name, who.as_str()) {
            ("notification_user", "requester_id") => vec![Atom::Word("requester".into())],
            ("notification_user", "assignee_id") => vec![Atom::Word("assignee".into())],
            ("notification_user", "current_user") => {
                vec![Atom::Word("current".into()), Atom::Word("user".into())]
            }
            ("notification_user", email) if is_email(email) => vec![Atom::Str(email.into())],
            ("notification_group", "group_id") => vec![Atom::Word("group".into())],
            _ => return None,
        };
        let spans = match at {
            Some(At(p)) => self.loc.items(p, 3),
            None => vec![fallback; 3],
        };
        let mut args: Vec<Spanned<Atom>> = who_atoms
            .into_iter()
            .map(|a| Spanned::new(a, spans[0]))
            .collect();
        args.push(Spanned::new(Atom::Str(subject.clone()), spans[1]));
        args.push(Spanned::new(Atom::Str(body.clone()), spans[2]));
        Some(args)
    }
}

// ---------------------------------------------------------------- helpers

/// Past `-`, `,`, `[` and blanks: where a list item starts.
fn skip_item_marks(src: &str, at: usize) -> usize {
    let rest = src.get(at..).unwrap_or("");
    at + (rest.len()
        - rest
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '-' | ',' | '[' | '}' | ']')
            })
            .len())
}

fn join_all(a: Span, b: Span, atoms: &[Spanned<Atom>]) -> Span {
    atoms.iter().map(|s| s.span).fold(a.join(b), Span::join)
}

/// Our field for a Zendesk condition field name.
fn field_of(name: &str) -> Option<Field> {
    if let Some(rest) = name.strip_prefix("custom_fields_") {
        return Some(Field::CustomField(field_key(rest)));
    }
    let simple = schema::SIMPLE_FIELDS
        .iter()
        .position(|(_, z)| z.eq_ignore_ascii_case(name));
    if let Some(i) = simple {
        return Some(match i {
            0 => Field::Ticket,
            1 => Field::Source,
            2 => Field::UpdateVia,
            3 => Field::Status,
            4 => Field::Priority,
            5 => Field::Type,
            6 => Field::Group,
            7 => Field::Assignee,
            8 => Field::Requester,
            9 => Field::Organization,
            10 => Field::Brand,
            11 => Field::Tags,
            12 => Field::Subject,
            13 => Field::CommentText,
            14 => Field::Comment,
            15 => Field::Role,
            16 => Field::SharedWith,
            _ => Field::ReceivedFrom,
        });
    }
    schema::TIME_FIELDS
        .iter()
        .find(|(_, _, z)| z.eq_ignore_ascii_case(name))
        .map(|(t, ..)| Field::HoursSince(*t))
}

fn is_zendesk_condition(name: &str) -> bool {
    ZENDESK_CONDITIONS
        .iter()
        .any(|z| z.eq_ignore_ascii_case(name))
        || [
            "requester.custom_fields.",
            "organization.custom_fields.",
            "user.custom_fields.",
        ]
        .iter()
        .any(|p| name.starts_with(p))
}

/// `custom_fields_<id>` or `custom_fields_<title>`.
pub fn field_key(rest: &str) -> FieldKey {
    match rest.parse::<u64>() {
        Ok(id) if rest.bytes().all(|b| b.is_ascii_digit()) => FieldKey::Id(id),
        _ => FieldKey::Title(rest.to_string()),
    }
}

/// Our operator for a Zendesk operator name on `field`.
pub fn op_for(field: &Field, name: &str) -> Op {
    let name_lc = name.to_lowercase();
    let specific = match field {
        Field::Tags => match name_lc.as_str() {
            "includes" => Some(Op::ContainsAtLeastOneOf),
            "not_includes" => Some(Op::ContainsNoneOf),
            "includes_all" => Some(Op::ContainsAllOf),
            _ => None,
        },
        Field::Subject | Field::CommentText => match name_lc.as_str() {
            "includes" => Some(Op::ContainsAnyOfTheWords),
            "not_includes" => Some(Op::ContainsNoneOfTheWords),
            "is" => Some(Op::Contains),
            "is_not" => Some(Op::DoesNotContain),
            "matches" => Some(Op::Matches),
            _ => None,
        },
        _ => None,
    };
    specific
        .or_else(|| {
            schema::OPS
                .iter()
                .find(|(_, _, z)| *z == name_lc)
                .map(|(o, ..)| o.clone())
        })
        .unwrap_or_else(|| Op::Unknown(name.to_string()))
}

/// Fields where an empty value means "none".
fn takes_none(field: &Field) -> bool {
    matches!(
        field,
        Field::Group
            | Field::Assignee
            | Field::Requester
            | Field::Organization
            | Field::Brand
            | Field::Status
            | Field::Priority
            | Field::Type
            | Field::CustomField(_)
    )
}

/// `true` / `"true"` → public, `false` / `"false"` → private.
fn comment_visibility(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The text of a `comment_value`: a string, or `["channel:all", body]`.
fn comment_body(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => match items.as_slice() {
            [Value::String(channel), Value::String(body)] if channel == "channel:all" => {
                Some(body.clone())
            }
            _ => None,
        },
        _ => None,
    }
}

fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(a), Some(b), None) if !a.is_empty() && b.contains('.') && !text.contains(char::is_whitespace)
    )
}

/// A scalar as text; `None` for null, lists and maps.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A whole number, written as a number or as digits in a string.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => parse_int(s.trim()),
        _ => None,
    }
}

/// Digits the DSL would read as a number.
fn parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The blank-separated pieces of a value (list items flattened).
fn pieces(value: &Value) -> Vec<String> {
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

fn lower_pieces(value: &Value) -> Vec<String> {
    pieces(value)
        .into_iter()
        .map(|p| p.to_lowercase())
        .collect()
}

/// A piece as the DSL parser would read it bare: a number or a word.
fn dsl_atom(piece: &str) -> Atom {
    match parse_int(piece) {
        Some(n) => Atom::Num(n),
        None => Atom::Word(piece.to_string()),
    }
}

/// Text as the DSL would hold it: a bare word when it is one, else quoted.
fn text_atom(text: &str) -> Atom {
    if is_bare_word(text) {
        Atom::Word(text.to_string())
    } else {
        Atom::Str(text.to_string())
    }
}

/// Words that end an operand or argument list in the DSL, so a value that
/// is one of them must be quoted.
const DSL_STOP_WORDS: &[&str] = &[
    "and", "or", "then", "not", "share", "unshare", "add", "remove", "set", "notify", "zendesk",
];

/// One word the DSL would read bare (its `word` rule), not a number.
pub fn is_bare_word(text: &str) -> bool {
    let word_char = |c: char| c.is_alphanumeric() || "_-.@:+'&!?*%$~".contains(c);
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    word_char(first)
        && chars.all(|c| word_char(c) || c == '/')
        && parse_int(text).is_none()
        && !DSL_STOP_WORDS.contains(&text.to_lowercase().as_str())
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
        Value::String(s) => match parse_int(s) {
            Some(n) => Atom::Num(n),
            None => text_atom(s),
        },
        v => Atom::Json(v.clone()),
    }]
}

/// What a JSON value is, in words.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "`true` or `false`",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.len() {
        0 => "nothing".into(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}
