//! Semantic checks over the AST, whichever front end produced it. Every
//! problem is collected (never just the first); errors stop a rule file from
//! loading, warnings do not.
//!
//! Step one checks each condition and action on its own (field, operator,
//! values, placeholders, regexes). Step two looks at each rule as a whole:
//! conditions that contradict each other, and rules that would fire again and
//! again. Step three, in [`check_titles`], looks across files.

use super::ast::*;
use super::diagnostics::Diagnostic;
use super::schema::{self, did_you_mean, ValueKind};
use std::collections::HashMap;

/// What `check` knows beyond the rule files.
#[derive(Default)]
pub struct CheckOptions {
    /// The account's sharing agreements, when `--agreements` was given.
    pub agreements: Option<Vec<AgreementRef>>,
}

/// A sharing agreement as rules may name it: by name or by id.
#[derive(Clone, Debug)]
pub struct AgreementRef {
    pub id: Option<i64>,
    pub name: String,
    /// `outbound` or `inbound`, as the API says.
    pub kind: Option<String>,
    /// `accepted`, `pending`, `declined`, `inactive`, …
    pub status: Option<String>,
}

impl AgreementRef {
    /// Is this the agreement a rule names (by name, ignoring case, or by id)?
    pub fn is_named(&self, text: &str) -> bool {
        self.name.eq_ignore_ascii_case(text.trim())
            || self.id.is_some_and(|id| id.to_string() == text.trim())
    }
}

/// Why an agreements file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("`{path}` is not Sharing Agreements API JSON: {reason}")]
pub struct AgreementsError {
    pub path: String,
    pub reason: String,
}

/// Reads agreement names and ids from Sharing Agreements API JSON
/// (`{"sharing_agreements": [...]}`, `{"sharing_agreement": {...}}` or a list).
pub fn agreements_from_json(path: &str, text: &str) -> Result<Vec<AgreementRef>, AgreementsError> {
    let err = |reason: String| AgreementsError {
        path: path.to_string(),
        reason,
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
    let list =
        match &value {
            serde_json::Value::Array(items) => items.clone(),
            v if v.get("sharing_agreements").is_some() => v["sharing_agreements"]
                .as_array()
                .cloned()
                .ok_or_else(|| err("`sharing_agreements` is not a list".into()))?,
            v if v.get("sharing_agreement").is_some() => vec![v["sharing_agreement"].clone()],
            _ => return Err(err("expected a `sharing_agreements` list".into())),
        };
    list.iter()
        .enumerate()
        .map(|(i, a)| {
            let name = a.get("name").and_then(|n| n.as_str());
            let name = name.ok_or_else(|| err(format!("agreement {} has no `name`", i + 1)))?;
            let text = |key: &str| a.get(key).and_then(|v| v.as_str()).map(str::to_lowercase);
            Ok(AgreementRef {
                id: a.get("id").and_then(|v| v.as_i64()),
                name: name.to_string(),
                kind: text("type"),
                status: text("status"),
            })
        })
        .collect()
}

/// Checks one rule file.
pub fn check(file: &RuleFile, options: &CheckOptions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in &file.rules {
        let mut c = RuleChecker {
            rule,
            options,
            out: &mut out,
        };
        c.check_rule();
    }
    out
}

/// Duplicate titles across every file checked together: `(file index, diagnostic)`.
pub fn check_titles(files: &[&RuleFile]) -> Vec<(usize, Diagnostic)> {
    let mut seen: HashMap<(RuleKind, String), ()> = HashMap::new();
    let mut out = Vec::new();
    for (i, file) in files.iter().enumerate() {
        for rule in &file.rules {
            let key = (rule.kind, rule.title.node.trim().to_lowercase());
            if key.1.is_empty() {
                continue;
            }
            if seen.insert(key, ()).is_some() {
                let kind = rule.kind.keyword();
                let d = Diagnostic::error(
                    "duplicate-title",
                    rule.title.span,
                    format!("duplicate {kind} title `{}`", rule.title.node),
                )
                .with_help("the audit trail names rules by title, so each must be unique");
                out.push((i, d));
            }
        }
    }
    out
}

struct RuleChecker<'a> {
    rule: &'a Rule,
    options: &'a CheckOptions,
    out: &'a mut Vec<Diagnostic>,
}

impl RuleChecker<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    fn check_rule(&mut self) {
        let rule = self.rule;
        let errors_before = self.out.len();
        if rule.title.node.trim().is_empty() {
            self.push(
                Diagnostic::error("empty-title", rule.title.span, "rule has an empty title")
                    .with_help("give it a title that says what it does"),
            );
        }
        if rule.actions.is_empty() {
            self.push(
                Diagnostic::error("no-actions", rule.title.span, "rule has no actions")
                    .with_help("a rule needs at least one action after `then`"),
            );
        }
        if let Some(expr) = &rule.conditions {
            for cond in expr.conditions() {
                self.check_condition(cond);
            }
        }
        for action in &rule.actions {
            self.check_action(action);
        }
        // A rule with broken parts is not judged as a whole: what its parts
        // mean is not known.
        if self.out[errors_before..].iter().any(Diagnostic::is_error) {
            return;
        }
        let conjuncts = top_level(rule.conditions.as_ref());
        self.check_contradictions(&conjuncts);
        match rule.kind {
            RuleKind::Automation => self.check_automation_stops(&conjuncts),
            RuleKind::Trigger => self.check_trigger_stops(&conjuncts),
        }
    }

    // ---------------------------------------------------------- conditions

    fn check_condition(&mut self, c: &Condition) {
        let field = &c.field.node;
        match field {
            Field::Unknown(name) => {
                let phrases = schema::field_phrases();
                let names = phrases
                    .iter()
                    .map(String::as_str)
                    .chain(schema::zendesk_field_names().map(|z| z as &str));
                let suggestion = did_you_mean(name, names);
                self.push(
                    Diagnostic::error(
                        "unknown-field",
                        c.field.span,
                        format!("unknown field `{name}`"),
                    )
                    .did_you_mean(suggestion)
                    .or_help("a condition starts with a field such as `status`, `tags`, `ticket source`, `update via` or `custom field \"…\"`"),
                );
                return;
            }
            Field::Zendesk(name) => {
                self.push(
                    Diagnostic::warning(
                        "not-run",
                        c.field.span,
                        format!("condition `{name}` is loaded but not run"),
                    )
                    .with_help("ticket-rules cannot evaluate it, so this rule never fires here"),
                );
                return;
            }
            _ => {}
        }
        self.check_rule_kind_fits(c);
        let allowed = schema::ops_for(field);
        let fname = schema::field_name(field);
        match &c.op.node {
            Op::Unknown(word) => {
                let names: Vec<String> = allowed.iter().map(schema::op_name).collect();
                let zendesk = allowed
                    .iter()
                    .filter_map(schema::zendesk_op_name)
                    .map(|z| z as &str);
                let suggestion =
                    did_you_mean(word, names.iter().map(String::as_str).chain(zendesk));
                let d = Diagnostic::error(
                    "unknown-operator",
                    c.op.span,
                    format!("unknown operator `{word}` for `{fname}`"),
                );
                let d = match suggestion {
                    Some(s) => d.did_you_mean(Some(s)),
                    None => d.with_help(format!("`{fname}` takes {}", list(&names))),
                };
                self.push(d);
                return;
            }
            op if !allowed.contains(op) => {
                let names: Vec<String> = allowed.iter().map(schema::op_name).collect();
                self.push(
                    Diagnostic::error(
                        "operator-not-allowed",
                        c.op.span,
                        format!("`{fname}` does not take `{}`", schema::op_name(op)),
                    )
                    .with_help(format!("`{fname}` takes {}", list(&names))),
                );
                return;
            }
            _ => {}
        }
        let kind = schema::value_kind(field, &c.op.node);
        let what = format!("`{fname} {}`", schema::op_name(&c.op.node));
        self.check_values(&what, kind, &c.operand, c.span);
    }

    fn check_rule_kind_fits(&mut self, c: &Condition) {
        let fname = schema::field_name(&c.field.node);
        let changed = matches!(
            c.op.node,
            Op::Changed
                | Op::NotChanged
                | Op::ChangedTo
                | Op::ChangedFrom
                | Op::NotChangedTo
                | Op::NotChangedFrom
        );
        match self.rule.kind {
            RuleKind::Trigger if schema::is_time_field(&c.field.node) => self.push(
                Diagnostic::error(
                    "time-condition-in-trigger",
                    c.field.span,
                    format!("`{fname}` only works in automations"),
                )
                .with_help("triggers run when a ticket changes; automations run on a clock"),
            ),
            RuleKind::Automation if changed => self.push(
                Diagnostic::error(
                    "changed-in-automation",
                    c.op.span,
                    format!("`{}` only works in triggers", schema::op_name(&c.op.node)),
                )
                .with_help("automations look at tickets as they are, not at an update"),
            ),
            RuleKind::Automation if update_scoped(c) => self.push(
                Diagnostic::error(
                    "update-condition-in-automation",
                    c.field.span,
                    format!("`{fname}` only works in triggers"),
                )
                .with_help("automations look at tickets as they are, not at an update"),
            ),
            _ => {}
        }
    }

    /// Checks an operand (or action arguments) against what it must be.
    fn check_values(&mut self, what: &str, kind: ValueKind, atoms: &[Spanned<Atom>], at: Span) {
        let span = atoms
            .iter()
            .map(|a| a.span)
            .reduce(Span::join)
            .unwrap_or(at);
        if kind == ValueKind::Nothing {
            if !atoms.is_empty() {
                self.push(
                    Diagnostic::error("unexpected-value", span, format!("{what} takes no value"))
                        .with_help(if what.contains("changed") {
                            "`changed to` and `changed from` compare with a value"
                        } else {
                            "remove what follows it"
                        }),
                );
            }
            return;
        }
        if atoms.is_empty() {
            self.push(
                Diagnostic::error("missing-value", at, format!("{what} needs a value"))
                    .with_help(example(kind)),
            );
            return;
        }
        match kind {
            ValueKind::Tags => self.check_tags(what, atoms),
            ValueKind::Words => {
                for a in atoms {
                    if !matches!(a.node, Atom::Word(_) | Atom::Str(_) | Atom::Num(_)) {
                        self.push(bad_kind(what, a, "words"));
                    }
                }
            }
            ValueKind::Regex => self.check_regex(what, atoms, span),
            ValueKind::Hours => match atoms {
                [Spanned {
                    node: Atom::Num(n), ..
                }] if *n >= 0 => {}
                _ => self.push(
                    Diagnostic::error(
                        "bad-value",
                        span,
                        format!("{what} takes a whole number of hours"),
                    )
                    .with_help("for example `hours since solved greater than 24`"),
                ),
            },
            _ => self.check_single(what, kind, atoms, span),
        }
    }

    /// Kinds that take one value (bare words run together into one).
    fn check_single(&mut self, what: &str, kind: ValueKind, atoms: &[Spanned<Atom>], span: Span) {
        let Some(value) = single_value(atoms) else {
            self.push(
                Diagnostic::error("too-many-values", span, format!("{what} takes one value"))
                    .with_help("quote a value that has spaces: \"Tier 2\""),
            );
            return;
        };
        let text = match &value {
            Value::None => {
                if !matches!(
                    kind,
                    ValueKind::Name { .. }
                        | ValueKind::Any
                        | ValueKind::Enum(schema::PRIORITIES)
                        | ValueKind::Enum(schema::TYPES)
                ) {
                    self.push(
                        Diagnostic::error(
                            "unknown-value",
                            span,
                            format!("{what} cannot be `(none)`"),
                        )
                        .with_help(example(kind)),
                    );
                }
                return;
            }
            Value::Text(t) => t.clone(),
            Value::Num(n) => n.to_string(),
            Value::Other => {
                self.push(bad_kind(what, &atoms[0], "a value"));
                return;
            }
        };
        match kind {
            ValueKind::Enum(values) => {
                let key = text.to_lowercase().replace('_', " ");
                if !values.contains(&key.as_str()) {
                    self.push(
                        Diagnostic::error(
                            "unknown-value",
                            span,
                            format!("unknown value `{text}` for {what}"),
                        )
                        .did_you_mean(did_you_mean(&key, values.iter().copied()))
                        .or_help(format!("expected {}", list(values))),
                    );
                }
            }
            ValueKind::Channel if schema::channel(&text).is_none() => {
                let names = schema::CHANNELS.iter().map(|c| c.name);
                self.push(
                    Diagnostic::error("unknown-value", span, format!("unknown channel `{text}`"))
                        .did_you_mean(did_you_mean(&text.replace('_', " "), names))
                        .or_help(
                            "channels include web, email, api, chat, phone, ticket sharing, rule",
                        ),
                );
            }
            ValueKind::Agreement => self.check_agreement(&text, span),
            _ => {}
        }
    }

    fn check_tags(&mut self, what: &str, atoms: &[Spanned<Atom>]) {
        for a in atoms {
            match &a.node {
                Atom::Word(_) | Atom::Num(_) => {}
                Atom::Str(s) if s.trim().is_empty() => self.push(
                    Diagnostic::error("empty-tag", a.span, "empty tag")
                        .with_help("remove the empty quotes"),
                ),
                Atom::Str(s) if s.chars().any(char::is_whitespace) => self.push(
                    Diagnostic::error(
                        "tag-with-space",
                        a.span,
                        format!("tag `{s}` has a space in it"),
                    )
                    .with_help(format!(
                        "tags are single words; write `{}` or list them apart",
                        s.split_whitespace().collect::<Vec<_>>().join("_")
                    )),
                ),
                Atom::Str(_) => {}
                _ => self.push(bad_kind(what, a, "tags")),
            }
        }
    }

    fn check_regex(&mut self, what: &str, atoms: &[Spanned<Atom>], span: Span) {
        match atoms {
            [Spanned {
                node: Atom::Regex(pattern),
                span,
            }] => {
                if let Err(e) = regex::Regex::new(pattern) {
                    let reason = e.to_string();
                    let last = reason.lines().last().unwrap_or("").trim();
                    let last = last.strip_prefix("error: ").unwrap_or(last);
                    self.push(
                        Diagnostic::error(
                            "bad-regex",
                            *span,
                            format!("regex `{pattern}` does not compile"),
                        )
                        .with_help(last.to_string()),
                    );
                }
            }
            _ => self.push(
                Diagnostic::error("bad-value", span, format!("{what} takes one `/regex/`"))
                    .with_help("for example `subject matches /order #\\d+/`"),
            ),
        }
    }

    fn check_agreement(&mut self, text: &str, span: Span) {
        let Some(agreements) = &self.options.agreements else {
            return;
        };
        let found = agreements.iter().any(|a| a.is_named(text));
        if !found {
            let names = agreements.iter().map(|a| a.name.as_str());
            self.push(
                Diagnostic::error(
                    "unknown-agreement",
                    span,
                    format!("no sharing agreement `{text}`"),
                )
                .did_you_mean(did_you_mean(text, names))
                .or_help(format!(
                    "the agreements file names {}",
                    list(
                        &agreements
                            .iter()
                            .map(|a| a.name.clone())
                            .collect::<Vec<_>>()
                    )
                )),
            );
        }
    }

    /// A share the engine would refuse, said before it goes live.
    fn check_can_share(&mut self, args: &[Spanned<Atom>]) {
        let (Some(agreements), Some(text)) = (&self.options.agreements, words_of(args)) else {
            return;
        };
        let Some(a) = agreements.iter().find(|a| a.is_named(&text)) else {
            return;
        };
        let span = args
            .iter()
            .map(|x| x.span)
            .reduce(Span::join)
            .unwrap_or_default();
        let name = &a.name;
        let refusal = match (a.kind.as_deref(), a.status.as_deref()) {
            (Some("inbound"), _) => Some(format!("`{name}` is an inbound agreement")),
            (_, Some(status)) if status != "accepted" => {
                Some(format!("agreement `{name}` is {status}"))
            }
            _ => None,
        };
        if let Some(why) = refusal {
            self.push(
                Diagnostic::warning(
                    "share-refused",
                    span,
                    format!("{why}, so this share would be refused"),
                )
                .with_help("only an accepted outbound agreement can share a ticket"),
            );
        }
    }

    // -------------------------------------------------------------- actions

    fn check_action(&mut self, a: &Action) {
        let name = schema::action_name(&a.kind.node);
        let what = format!("`{name}`");
        match &a.kind.node {
            ActionKind::Unknown(first) => {
                let mut written = first.to_lowercase();
                if let Some(Spanned {
                    node: Atom::Word(w),
                    ..
                }) = a.args.first()
                {
                    written = format!("{written} {}", w.to_lowercase());
                }
                let suggestion = did_you_mean(&written, schema::action_phrases())
                    .or_else(|| did_you_mean(first, schema::action_phrases()));
                self.push(
                    Diagnostic::error(
                        "unknown-action",
                        a.kind.span,
                        format!("unknown action `{written}`"),
                    )
                    .did_you_mean(suggestion)
                    .or_help(
                        "actions include `add tags`, `set status`, `share ticket with`, `notify`",
                    ),
                );
            }
            ActionKind::Zendesk(field) => self.push(
                Diagnostic::warning(
                    "not-run",
                    a.kind.span,
                    format!("action `{field}` is loaded but not run"),
                )
                .with_help("ticket-rules skips this action when the rule fires"),
            ),
            ActionKind::ShareTicket => {
                self.check_values(&what, ValueKind::Agreement, &a.args, a.span);
                self.check_can_share(&a.args);
            }
            ActionKind::UnshareTicket => {
                self.check_values(&what, ValueKind::Nothing, &a.args, a.span)
            }
            ActionKind::AddTags | ActionKind::RemoveTags | ActionKind::SetTags => {
                if matches!(a.kind.node, ActionKind::SetTags) {
                    self.push(
                        Diagnostic::warning("set-tags", a.kind.span, "`set tags` replaces every tag on the ticket")
                            .with_help("tags that other rules test disappear, which can make triggers fire again; prefer `add tags` and `remove tags`"),
                    );
                }
                if a.args.is_empty() {
                    self.push(
                        Diagnostic::error(
                            "empty-tag-list",
                            a.span,
                            format!("{what} needs at least one tag"),
                        )
                        .with_help(format!("for example `{name} vip`")),
                    );
                } else {
                    self.check_tags(&what, &a.args);
                }
            }
            ActionKind::Set(f) => {
                self.check_values(&what, schema::set_value_kind(*f), &a.args, a.span)
            }
            ActionKind::SetCustomField(_) => {
                self.check_values(&what, ValueKind::Any, &a.args, a.span)
            }
            ActionKind::AddComment { .. } => match a.args.as_slice() {
                [Spanned {
                    node: Atom::Str(text),
                    span,
                }] => self.check_placeholders(text, *span),
                _ => self.push(
                    Diagnostic::error("bad-value", a.span, format!("{what} takes one quoted text"))
                        .with_help(format!("for example `{name} \"We are on it\"`")),
                ),
            },
            ActionKind::Notify => self.check_notify(a),
        }
    }

    fn check_notify(&mut self, a: &Action) {
        let split = a
            .args
            .iter()
            .position(|x| matches!(x.node, Atom::Str(_)))
            .unwrap_or(a.args.len());
        let (who, texts) = a.args.split_at(split);
        let help = "for example `notify requester \"Subject\" \"Body\"`";
        let recipient = match who {
            [] => texts.first().and_then(|t| match &t.node {
                Atom::Str(s) if s.contains('@') => Some(()),
                _ => None,
            }),
            words => {
                let text = words_of(words);
                let ok = text
                    .as_deref()
                    .is_some_and(|t| schema::RECIPIENTS.contains(&t.to_lowercase().as_str()));
                if !ok {
                    let span = words
                        .iter()
                        .map(|w| w.span)
                        .reduce(Span::join)
                        .unwrap_or(a.span);
                    let t = text.unwrap_or_default();
                    self.push(
                        Diagnostic::error("unknown-value", span, format!("unknown recipient `{t}`"))
                            .did_you_mean(did_you_mean(&t, schema::RECIPIENTS.iter().copied()))
                            .or_help("notify `requester`, `assignee`, `group`, `current user` or a quoted email address"),
                    );
                    return;
                }
                Some(())
            }
        };
        let texts = if who.is_empty() && recipient.is_some() {
            &texts[1..]
        } else {
            texts
        };
        if recipient.is_none()
            || texts.len() != 2
            || !texts.iter().all(|t| matches!(t.node, Atom::Str(_)))
        {
            self.push(
                Diagnostic::error(
                    "bad-value",
                    a.span,
                    "`notify` takes a recipient, a subject and a body",
                )
                .with_help(help),
            );
            return;
        }
        for t in texts {
            if let Atom::Str(s) = &t.node {
                self.check_placeholders(s, t.span);
            }
        }
    }

    fn check_placeholders(&mut self, text: &str, span: Span) {
        // Exact columns only when the source held the text unescaped.
        let exact = span.end - span.start == text.len() + 2;
        let mut rest = text;
        let mut base = 0;
        while let Some(open) = rest.find("{{") {
            let Some(close) = rest[open..].find("}}") else {
                break;
            };
            let inner = &rest[open + 2..open + close];
            // Liquid filters (`{{ticket.title | upcase}}`) do not change the name.
            let name = inner.split('|').next().unwrap_or("").trim();
            let known = schema::PLACEHOLDERS.contains(&name)
                || schema::ZENDESK_PLACEHOLDERS.contains(&name);
            let at = if exact {
                let s = span.start + 1 + base + open;
                Span::new(s, s + close + 2)
            } else {
                span
            };
            if name.starts_with("dc.") {
                self.push(
                    Diagnostic::warning(
                        "dynamic-content",
                        at,
                        format!("dynamic content `{{{{{name}}}}}` is left as written"),
                    )
                    .with_help("ticket-rules has no dynamic content items to fill it from"),
                );
            } else if !known {
                self.push(
                    Diagnostic::error(
                        "unknown-placeholder",
                        at,
                        format!("unknown placeholder `{{{{{name}}}}}`"),
                    )
                    .did_you_mean(
                        did_you_mean(
                            name,
                            schema::PLACEHOLDERS
                                .iter()
                                .chain(schema::ZENDESK_PLACEHOLDERS)
                                .copied(),
                        )
                        .map(|s| format!("{{{{{s}}}}}")),
                    )
                    .or_help(format!(
                        "placeholders are {}",
                        list(
                            &schema::PLACEHOLDERS
                                .iter()
                                .map(|p| format!("{{{{{p}}}}}"))
                                .collect::<Vec<_>>()
                        )
                    )),
                );
            }
            base += open + close + 2;
            rest = &rest[open + close + 2..];
        }
    }

    // ---------------------------------------------------------- whole rule

    /// Conditions joined by `and` at the top that can never all hold.
    fn check_contradictions(&mut self, conjuncts: &[&Expr]) {
        let conds: Vec<&Condition> = conjuncts
            .iter()
            .filter_map(|e| match e {
                Expr::Cond(c) => Some(c),
                _ => None,
            })
            .collect();
        let mut reported = false;
        for field in [Field::Status, Field::Priority] {
            let Some(order) = schema::ordering(&field) else {
                continue;
            };
            let on_field: Vec<&&Condition> =
                conds.iter().filter(|c| c.field.node == field).collect();
            if on_field.is_empty() {
                continue;
            }
            let mut allowed: Vec<bool> = vec![true; order.len()];
            if field == Field::Status && self.rule.kind == RuleKind::Automation {
                allowed[order.len() - 1] = false; // automations never see closed tickets
            }
            for c in &on_field {
                let Some(i) = enum_index(c, order) else {
                    continue;
                };
                for (j, slot) in allowed.iter_mut().enumerate() {
                    let keep = match c.op.node {
                        Op::Is => j == i,
                        Op::IsNot => j != i,
                        Op::LessThan => j < i,
                        Op::GreaterThan => j > i,
                        _ => true,
                    };
                    *slot &= keep;
                }
            }
            if !allowed.contains(&true) && !reported {
                let span = on_field
                    .iter()
                    .map(|c| c.span)
                    .reduce(Span::join)
                    .unwrap_or_default();
                self.push(self.never_fires(span, &schema::field_name(&field)));
                reported = true;
            }
        }
        for (i, a) in conds.iter().enumerate() {
            for b in &conds[i + 1..] {
                if !reported && contradicts(a, b) {
                    let span = a.span.join(b.span);
                    self.push(self.never_fires(span, &schema::field_name(&a.field.node)));
                    reported = true;
                }
            }
        }
    }

    fn never_fires(&self, span: Span, field: &str) -> Diagnostic {
        let closed = if self.rule.kind == RuleKind::Automation && field == "status" {
            " (automations skip closed tickets)"
        } else {
            ""
        };
        Diagnostic::warning(
            "never-fires",
            span,
            format!(
                "{} `{}` can never fire",
                self.rule.kind.keyword(),
                self.rule.title.node
            ),
        )
        .with_help(format!(
            "no ticket meets these `{field}` conditions at once{closed}"
        ))
    }

    fn check_automation_stops(&mut self, conjuncts: &[&Expr]) {
        if conjuncts.iter().any(|e| once_only(e, RuleKind::Automation)) || self.nullified(conjuncts)
        {
            return;
        }
        self.push(
            Diagnostic::error(
                "automation-never-stops",
                self.rule.title.span,
                format!("automation `{}` would fire on every run", self.rule.title.node),
            )
            .with_help("add a condition that is true only once (`hours since solved is 24`) or one its actions make false (`tags contains none of done` with `add tags done`)"),
        );
    }

    fn check_trigger_stops(&mut self, conjuncts: &[&Expr]) {
        let per_update = conjuncts.iter().any(|e| match e {
            Expr::Cond(c) => update_scoped(c) || once_only(e, RuleKind::Trigger),
            Expr::Not(inner) => matches!(&**inner, Expr::Cond(c) if update_scoped(c)),
            Expr::Any(items) => items
                .iter()
                .all(|i| matches!(i, Expr::Cond(c) if update_scoped(c))),
            Expr::All(_) => false,
        });
        if per_update || self.nullified(conjuncts) {
            return;
        }
        self.push(
            Diagnostic::warning(
                "trigger-refires",
                self.rule.title.span,
                format!("trigger `{}` fires again on every later update", self.rule.title.node),
            )
            .with_help("nothing in its conditions changes once it has fired; add one its actions make false, or `ticket is created`"),
        );
    }

    /// Does some action make a top-level condition false?
    fn nullified(&self, conjuncts: &[&Expr]) -> bool {
        conjuncts.iter().any(|e| match e {
            Expr::Cond(c) => self.rule.actions.iter().any(|a| falsifies(a, c)),
            _ => false,
        })
    }
}

/// The conditions joined by `and` at the top of an expression.
fn top_level(expr: Option<&Expr>) -> Vec<&Expr> {
    match expr {
        None => Vec::new(),
        Some(Expr::All(items)) => items.iter().collect(),
        Some(e) => vec![e],
    }
}

/// A condition about this update rather than the ticket's state.
fn update_scoped(c: &Condition) -> bool {
    matches!(
        c.field.node,
        Field::UpdateVia | Field::Role | Field::Comment | Field::CommentText
    ) || matches!(c.op.node, Op::Changed | Op::ChangedTo | Op::ChangedFrom)
        || (c.field.node == Field::Ticket && is_word(&c.operand, &["created"]))
}

/// A condition that holds for one update (triggers) or one hour (automations).
fn once_only(e: &Expr, kind: RuleKind) -> bool {
    let Expr::Cond(c) = e else { return false };
    match kind {
        RuleKind::Automation => matches!(c.field.node, Field::HoursSince(_)) && c.op.node == Op::Is,
        RuleKind::Trigger => {
            c.field.node == Field::Ticket
                && c.op.node == Op::Is
                && is_word(&c.operand, &["created"])
        }
    }
}

fn is_word(atoms: &[Spanned<Atom>], words: &[&str]) -> bool {
    words_of(atoms).is_some_and(|w| words.contains(&w.to_lowercase().as_str()))
}

/// Would running `a` make `c` false (on any ticket where `c` held)?
fn falsifies(a: &Action, c: &Condition) -> bool {
    let tags = |atoms: &[Spanned<Atom>]| -> Vec<String> {
        atoms
            .iter()
            .filter_map(atom_text)
            .map(|t| t.to_lowercase())
            .collect()
    };
    match (&a.kind.node, &c.field.node, &c.op.node) {
        (ActionKind::AddTags, Field::Tags, Op::ContainsNoneOf) => {
            let added = tags(&a.args);
            tags(&c.operand).iter().any(|t| added.contains(t))
        }
        (ActionKind::RemoveTags, Field::Tags, Op::ContainsAtLeastOneOf) => {
            let removed = tags(&a.args);
            tags(&c.operand).iter().all(|t| removed.contains(t))
        }
        (ActionKind::RemoveTags, Field::Tags, Op::ContainsAllOf) => {
            let removed = tags(&a.args);
            tags(&c.operand).iter().any(|t| removed.contains(t))
        }
        (ActionKind::SetTags, Field::Tags, op) => {
            let set = tags(&a.args);
            let want = tags(&c.operand);
            match op {
                Op::ContainsNoneOf => want.iter().any(|t| set.contains(t)),
                Op::ContainsAtLeastOneOf => !want.iter().any(|t| set.contains(t)),
                _ => !want.iter().all(|t| set.contains(t)),
            }
        }
        (ActionKind::UnshareTicket, Field::Ticket, Op::Is) => is_word(&c.operand, &["shared"]),
        (ActionKind::UnshareTicket, Field::SharedWith, _) => true,
        (ActionKind::ShareTicket, Field::Ticket, Op::IsNot) => is_word(&c.operand, &["shared"]),
        (ActionKind::Set(f), field, op) if set_field_matches(*f, field) => {
            let Some(new) = words_of(&a.args) else {
                return false;
            };
            let new = new.to_lowercase();
            let Some(old) = words_of(&c.operand) else {
                return false;
            };
            let old = old.to_lowercase();
            match op {
                Op::Is => new != old,
                Op::IsNot => new == old,
                Op::LessThan | Op::GreaterThan => match schema::ordering(field) {
                    Some(order) => {
                        let (Some(n), Some(o)) = (
                            order.iter().position(|v| *v == new),
                            order.iter().position(|v| *v == old),
                        ) else {
                            return false;
                        };
                        if *op == Op::LessThan {
                            n >= o
                        } else {
                            n <= o
                        }
                    }
                    None => false,
                },
                _ => false,
            }
        }
        (ActionKind::SetCustomField(k), Field::CustomField(f), op) if k == f => match op {
            Op::IsNotPresent => true,
            Op::Is => {
                words_of(&a.args).map(|v| v.to_lowercase())
                    != words_of(&c.operand).map(|v| v.to_lowercase())
            }
            Op::IsNot => {
                words_of(&a.args).map(|v| v.to_lowercase())
                    == words_of(&c.operand).map(|v| v.to_lowercase())
            }
            _ => false,
        },
        _ => false,
    }
}

fn set_field_matches(f: SetField, field: &Field) -> bool {
    matches!(
        (f, field),
        (SetField::Status, Field::Status)
            | (SetField::Priority, Field::Priority)
            | (SetField::Type, Field::Type)
            | (SetField::Group, Field::Group)
            | (SetField::Assignee, Field::Assignee)
    )
}

/// Two conditions on one single-valued field that cannot both hold.
fn contradicts(a: &Condition, b: &Condition) -> bool {
    if a.field.node == Field::Tags {
        return contradicts_tags(a, b);
    }
    if a.field.node != b.field.node || schema::ordering(&a.field.node).is_some() {
        return false;
    }
    let single = matches!(
        a.field.node,
        Field::Ticket
            | Field::Source
            | Field::UpdateVia
            | Field::Type
            | Field::Group
            | Field::Assignee
            | Field::Requester
            | Field::Organization
            | Field::Brand
            | Field::Role
            | Field::Comment
    );
    let (Some(x), Some(y)) = (words_of(&a.operand), words_of(&b.operand)) else {
        return false;
    };
    let same = normalise(&a.field.node, &x) == normalise(&b.field.node, &y);
    let shared_state = |s: &str| s == "shared";
    if a.field.node == Field::Ticket
        && (shared_state(&x.to_lowercase()) != shared_state(&y.to_lowercase()))
    {
        return false; // `ticket is created` and `ticket is shared` can both hold
    }
    single
        && match (&a.op.node, &b.op.node) {
            (Op::Is, Op::Is) => !same,
            (Op::Is, Op::IsNot) | (Op::IsNot, Op::Is) => same,
            _ => false,
        }
}

fn contradicts_tags(a: &Condition, b: &Condition) -> bool {
    if a.field.node != Field::Tags || b.field.node != Field::Tags {
        return false;
    }
    let tags = |c: &Condition| -> Vec<String> {
        c.operand
            .iter()
            .filter_map(atom_text)
            .map(|t| t.to_lowercase())
            .collect()
    };
    let none_of = |x: &Condition, y: &Condition| {
        x.op.node == Op::ContainsNoneOf
            && match y.op.node {
                Op::ContainsAtLeastOneOf => tags(y).iter().all(|t| tags(x).contains(t)),
                Op::ContainsAllOf => tags(y).iter().any(|t| tags(x).contains(t)),
                _ => false,
            }
    };
    none_of(a, b) || none_of(b, a)
}

/// A value as the engine will compare it: channels by via id, the rest by
/// lowercase text.
fn normalise(field: &Field, text: &str) -> String {
    match field {
        Field::Source | Field::UpdateVia => {
            schema::channel(text).map_or(text.to_lowercase(), |c| c.name.to_string())
        }
        _ => text.to_lowercase().replace('_', " "),
    }
}

fn enum_index(c: &Condition, order: &[&str]) -> Option<usize> {
    let v = words_of(&c.operand)?.to_lowercase();
    order.iter().position(|o| *o == v)
}

/// One operand value.
enum Value {
    Text(String),
    Num(i64),
    None,
    Other,
}

/// The one value of an operand: a quoted text, a number, `(none)`, or bare
/// words run together (`Ticket sharing`); `None` when there are several.
fn single_value(atoms: &[Spanned<Atom>]) -> Option<Value> {
    match atoms {
        [Spanned {
            node: Atom::Str(s), ..
        }] => Some(Value::Text(s.clone())),
        [Spanned {
            node: Atom::Num(n), ..
        }] => Some(Value::Num(*n)),
        [Spanned {
            node: Atom::None, ..
        }] => Some(Value::None),
        [Spanned {
            node: Atom::Regex(_) | Atom::Json(_),
            ..
        }] => Some(Value::Other),
        _ => words_of(atoms).map(Value::Text),
    }
}

/// Bare words (or a single text or number) as one string.
pub fn words_of(atoms: &[Spanned<Atom>]) -> Option<String> {
    if let [one] = atoms {
        return atom_text(one);
    }
    // `Tier 2` is a word and a number; bare, they still make one value.
    let words: Option<Vec<String>> = atoms
        .iter()
        .map(|a| match &a.node {
            Atom::Word(w) => Some(w.clone()),
            Atom::Num(n) => Some(n.to_string()),
            _ => None,
        })
        .collect();
    words.filter(|w| !w.is_empty()).map(|w| w.join(" "))
}

fn atom_text(a: &Spanned<Atom>) -> Option<String> {
    match &a.node {
        Atom::Word(s) | Atom::Str(s) => Some(s.clone()),
        Atom::Num(n) => Some(n.to_string()),
        _ => None,
    }
}

fn bad_kind(what: &str, a: &Spanned<Atom>, expected: &str) -> Diagnostic {
    let found = match &a.node {
        Atom::Regex(_) => "a regex",
        Atom::None => "`(none)`",
        Atom::Json(_) => "a JSON value",
        Atom::Num(_) => "a number",
        Atom::Str(_) => "a quoted text",
        Atom::Word(_) => "a word",
    };
    Diagnostic::error(
        "bad-value",
        a.span,
        format!("{what} takes {expected}, not {found}"),
    )
}

fn example(kind: ValueKind) -> String {
    match kind {
        ValueKind::Enum(values) => format!("expected {}", list(values)),
        ValueKind::Channel => "for example `web`, `email` or `ticket sharing`".into(),
        ValueKind::Name { .. } => "a name in quotes, an id, or `(none)`".into(),
        ValueKind::Tags => "one or more tags, like `vip billing`".into(),
        ValueKind::Text => "a quoted text".into(),
        ValueKind::Words => "one or more words".into(),
        ValueKind::Regex => "a `/regex/`".into(),
        ValueKind::Hours => "a whole number of hours".into(),
        ValueKind::Agreement => "a sharing agreement's name in quotes, or its id".into(),
        ValueKind::Any => "a value".into(),
        ValueKind::Nothing => "nothing".into(),
    }
}

/// "`a`, `b` or `c`".
fn list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match quoted.len() {
        0 => "nothing".into(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

trait OrHelp {
    fn or_help(self, help: impl Into<String>) -> Self;
}

impl OrHelp for Diagnostic {
    /// Adds a help line unless "did you mean" already gave one.
    fn or_help(self, help: impl Into<String>) -> Self {
        if self.help.is_some() {
            self
        } else {
            self.with_help(help)
        }
    }
}
