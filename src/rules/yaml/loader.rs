//! Step three, the outer shape: the file's `triggers` and `automations`
//! lists and each rule's own keys. Conditions and actions are read in
//! [`super::conditions`] and [`super::actions`].

use super::values::{describe, integer, scalar_text};
use crate::locate::{skip_item_marks, token_at, Locator};
use crate::rules::ast::*;
use crate::rules::diagnostics::list;
use crate::rules::diagnostics::Diagnostic;
use crate::rules::schema::did_you_mean;
use serde_json::Value;

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
    "permissions",
    "app_installation",
    "restriction",
    "usage_1h",
    "usage_24h",
    "usage_7d",
    "usage_30d",
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

/// The walk over the read value: builds rules and collects diagnostics,
/// locating each key as it goes.
pub(super) struct Loader<'s> {
    pub(super) loc: Locator<'s>,
    pub(super) diags: Vec<Diagnostic>,
    pub(super) rules: Vec<Rule>,
}

/// Where a value was found: its first byte.
#[derive(Clone, Copy)]
pub(super) struct At(pub(super) usize);

impl<'s> Loader<'s> {
    pub(super) fn new(src: &'s str, json: bool) -> Self {
        Loader {
            loc: Locator::new(src, json),
            diags: Vec::new(),
            rules: Vec::new(),
        }
    }

    pub(super) fn bad_shape(
        &mut self,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diags
            .push(Diagnostic::error("bad-shape", span, message).with_help(help));
    }

    /// Locates `key`, falling back to the current position.
    pub(super) fn key_span(&mut self, key: &str) -> (Span, Option<At>) {
        match self.loc.key(key) {
            Some(hit) => (hit.key, Some(At(hit.value))),
            None => (self.loc.here(), None),
        }
    }

    /// The span of a scalar value found at `at`.
    pub(super) fn value_span(&mut self, at: Option<At>, fallback: Span) -> Span {
        match at {
            Some(At(p)) => self.loc.scalar(p),
            None => fallback,
        }
    }

    pub(super) fn unknown_key(&mut self, key: &str, span: Span, known: &[&str], what: &str) {
        if is_comment_key(key) {
            return;
        }
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
                .with_help(format!("{what} takes {}", list(known, "and"))),
            ),
        }
    }

    pub(super) fn top(&mut self, value: &Value) {
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
        if is_bare_rule(map) {
            let span = Span::new(0, self.loc.src.len().min(1));
            self.bad_shape(
                span,
                "this file is one rule, not a rule file",
                "wrap it in a list: `{\"triggers\": [ … ]}` (or `automations`), as `GET /api/v2/triggers` returns it",
            );
            return;
        }
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
                k if TOP_METADATA.contains(&k) || is_comment_key(k) => {}
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
}

/// A rule's own keys at the top, and no list or wrapper to hold it.
fn is_bare_rule(map: &serde_json::Map<String, Value>) -> bool {
    let wrapped = ["triggers", "automations", "trigger", "automation"]
        .iter()
        .any(|k| map.contains_key(*k));
    !wrapped
        && ["title", "conditions", "actions"]
            .iter()
            .any(|k| map.contains_key(*k))
}

pub(super) fn join_all(a: Span, b: Span, atoms: &[Spanned<Atom>]) -> Span {
    atoms.iter().map(|s| s.span).fold(a.join(b), Span::join)
}

/// JSON has no comments, so a key starting with `_` (`"_comment"`) is one:
/// read and ignored anywhere, without a warning.
pub(crate) fn is_comment_key(key: &str) -> bool {
    key.starts_with('_')
}
