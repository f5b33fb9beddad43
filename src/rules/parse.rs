//! The DSL front end: pest parses `grammar/rules.pest`, and one
//! `parse_<rule>` function per grammar rule builds the AST.
//!
//! A syntax error stops pest at the first problem, so on failure the file is
//! cut into rules (each starts on a line beginning with `trigger` or
//! `automation`) and each is parsed alone: every broken rule gets its own
//! error and the good ones still reach `check`.

mod fast;
mod limits;

use super::ast::Rule as AstRule;
use super::ast::*;
use super::diagnostics::Diagnostic;
pub use limits::{MAX_DEPTH, MAX_STRING};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op as PrattOp, PrattParser};
use pest::Parser;
use std::sync::LazyLock;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/rules.pest"]
struct RulesParser;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(PrattOp::infix(Rule::kw_or, Assoc::Left))
        .op(PrattOp::infix(Rule::kw_and, Assoc::Left))
        .op(PrattOp::prefix(Rule::kw_not))
});

/// Parses a `.rules` text. Always returns what could be read, with every
/// syntax error found.
pub fn parse_rules(src: &str) -> (RuleFile, Vec<Diagnostic>) {
    if let Some(file) = fast::parse(src) {
        return (file, Vec::new());
    }
    parse_with_pest(src)
}

/// Does the hand-written fast path read this text (else pest does)?
/// For the equivalence test and the benchmarks.
pub fn fast_path_reads(src: &str) -> bool {
    fast::parse(src).is_some()
}

/// Parses a `.rules` text with pest alone, as [`parse_rules`] does for
/// any file its fast path leaves to pest.
pub fn parse_with_pest(src: &str) -> (RuleFile, Vec<Diagnostic>) {
    let mut ctx = Ctx {
        src,
        offset: 0,
        diags: Vec::new(),
    };
    match RulesParser::parse(Rule::file, src) {
        Ok(pairs) => {
            let file = ctx.parse_file(pairs);
            (file, ctx.diags)
        }
        Err(_) => ctx.parse_in_pieces(),
    }
}

struct Ctx<'s> {
    src: &'s str,
    /// Where the text handed to pest starts in `src`.
    offset: usize,
    diags: Vec<Diagnostic>,
}

/// The children of a pair, without comments.
fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| p.as_rule() != Rule::COMMENT)
}

impl<'s> Ctx<'s> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        // Repetitions leave the blanks after their last item inside the span.
        let start = pair.as_span().start() + self.offset;
        Span::new(start, start + pair.as_str().trim_end().len())
    }

    fn parse_file(&mut self, pairs: Pairs<'_, Rule>) -> RuleFile {
        let mut file = RuleFile::default();
        for pair in pairs
            .clone()
            .flatten()
            .filter(|p| p.as_rule() == Rule::COMMENT)
        {
            let span = self.span(&pair);
            file.comments.push(comment(self.src, span));
        }
        for pair in pairs.flat_map(children) {
            if pair.as_rule() != Rule::rule_item {
                continue;
            }
            match limits::over_limits(pair.clone(), self.offset) {
                Some(diag) => self.diags.push(diag),
                None => file.rules.push(self.parse_rule(pair)),
            }
        }
        file
    }

    fn parse_in_pieces(&mut self) -> (RuleFile, Vec<Diagnostic>) {
        let mut file = RuleFile::default();
        let src = self.src;
        let starts = rule_starts(src);
        let preamble_end = starts.first().copied().unwrap_or(src.len());
        let mut pieces = vec![(Rule::file, 0, preamble_end)];
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(src.len());
            pieces.push((Rule::rule_only, start, end));
        }
        for (entry, start, end) in pieces {
            self.offset = start;
            match RulesParser::parse(entry, &src[start..end]) {
                Ok(pairs) => {
                    let part = self.parse_file(pairs);
                    file.rules.extend(part.rules);
                    file.comments.extend(part.comments);
                }
                Err(e) => self.diags.push(syntax_error(&e, src, start)),
            }
        }
        self.offset = 0;
        (file, std::mem::take(&mut self.diags))
    }

    fn parse_rule(&mut self, pair: Pair<'_, Rule>) -> AstRule {
        let span = self.span(&pair);
        let mut rule = AstRule {
            kind: RuleKind::Trigger,
            title: Spanned::new(String::new(), span),
            active: true,
            position: None,
            description: None,
            conditions: None,
            actions: Vec::new(),
            span,
        };
        let mut seen: Vec<&'static str> = Vec::new();
        for p in children(pair) {
            match p.as_rule() {
                Rule::rule_kind => rule.kind = parse_rule_kind(p),
                Rule::string => rule.title = Spanned::new(unescape(&p), self.span(&p)),
                Rule::rule_attr => self.parse_rule_attr(p, &mut rule, &mut seen),
                Rule::when_clause => rule.conditions = Some(self.parse_when_clause(p)),
                Rule::then_clause => rule.actions = self.parse_then_clause(p),
                _ => {}
            }
        }
        rule
    }

    fn parse_rule_attr(&mut self, pair: Pair<'_, Rule>, rule: &mut AstRule, seen: &mut Vec<&str>) {
        let span = self.span(&pair);
        let mut it = children(pair);
        let Some(kw) = it.next() else { return };
        let value = it.next();
        let name = match kw.as_rule() {
            Rule::kw_inactive => {
                rule.active = false;
                "inactive"
            }
            Rule::kw_position => {
                if let Some(v) = value {
                    let vspan = self.span(&v);
                    let n = self.parse_number(&v).unwrap_or(0);
                    rule.position = Some(Spanned::new(n, vspan));
                }
                "position"
            }
            _ => {
                rule.description = value.map(|v| unescape(&v));
                "description"
            }
        };
        if seen.contains(&name) {
            self.diags.push(
                Diagnostic::error("duplicate-setting", span, format!("`{name}` is set twice"))
                    .with_help("keep one"),
            );
        }
        seen.push(name);
    }

    fn parse_when_clause(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let expr = children(pair).find(|p| p.as_rule() == Rule::expr);
        expr.map(|e| self.parse_expr(e))
            .unwrap_or(Expr::All(Vec::new()))
    }

    fn parse_expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        // The Pratt parser borrows `self` in every closure, so conditions are
        // parsed up front and handed over in order.
        let items: Vec<Pair<'_, Rule>> = children(pair).collect();
        let mut leaves = Vec::new();
        for p in &items {
            match p.as_rule() {
                Rule::condition => leaves.push(self.parse_condition(p.clone())),
                Rule::expr => leaves.push(self.parse_expr(p.clone())),
                _ => {}
            }
        }
        let mut leaves = leaves.into_iter();
        let primaries = items
            .into_iter()
            .filter(|p| !matches!(p.as_rule(), Rule::lparen | Rule::rparen));
        PRATT
            .map_primary(|_| leaves.next().unwrap_or(Expr::All(Vec::new())))
            .map_prefix(|_, rhs| Expr::Not(Box::new(rhs)))
            .map_infix(|lhs, op, rhs| match op.as_rule() {
                Rule::kw_and => lhs.and(rhs),
                _ => lhs.or(rhs),
            })
            .parse(primaries)
    }

    fn parse_condition(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let mut it = children(pair);
        let Some(first) = it.next() else {
            return Expr::All(Vec::new());
        };
        let cond = match first.as_rule() {
            Rule::zendesk_condition => self.parse_zendesk_condition(first, span),
            Rule::agent_condition => self.parse_agent_condition(first, span),
            Rule::sharing_condition => self.parse_sharing_condition(first, span),
            _ => {
                let field = self.parse_field(first);
                let op = it.next().map(|p| self.parse_operator(p));
                let op = op.unwrap_or_else(|| Spanned::new(Op::Unknown(String::new()), span));
                let operand = it.next().map(|p| self.parse_operand(p)).unwrap_or_default();
                Condition {
                    field,
                    op,
                    operand,
                    span,
                }
            }
        };
        Expr::Cond(cond)
    }

    fn parse_zendesk_condition(&mut self, pair: Pair<'_, Rule>, span: Span) -> Condition {
        let mut it = children(pair).skip(1);
        let (f, o, v) = (it.next(), it.next(), it.next());
        let field = f.map(|p| Spanned::new(Field::Zendesk(unescape(&p)), self.span(&p)));
        let op = o.map(|p| Spanned::new(Op::Zendesk(unescape(&p)), self.span(&p)));
        let operand = v.map(|p| vec![Spanned::new(Atom::Json(self.parse_json(&p)), self.span(&p))]);
        Condition {
            field: field.unwrap_or(Spanned::new(Field::Zendesk(String::new()), span)),
            op: op.unwrap_or(Spanned::new(Op::Zendesk(String::new()), span)),
            operand: operand.unwrap_or_default(),
            span,
        }
    }

    /// `ticket is [not] shared with agent <operand>`: the words before the
    /// operand are the field, but for the operator between them.
    fn parse_agent_condition(&mut self, pair: Pair<'_, Rule>, span: Span) -> Condition {
        let mut op = Spanned::new(Op::Is, span);
        let mut field_span: Option<Span> = None;
        let mut operand = Vec::new();
        for p in children(pair) {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::op_is_not => op = Spanned::new(Op::IsNot, pspan),
                Rule::op_is => op = Spanned::new(Op::Is, pspan),
                Rule::operand => operand = self.parse_operand(p),
                _ => field_span = Some(field_span.map_or(pspan, |f| f.join(pspan))),
            }
        }
        Condition {
            field: Spanned::new(Field::SharedWithAgent, field_span.unwrap_or(span)),
            op,
            operand,
            span,
        }
    }

    fn parse_sharing_condition(&mut self, pair: Pair<'_, Rule>, span: Span) -> Condition {
        let mut it = children(pair);
        let phrase = it.next();
        let field = match phrase.as_ref().map(Pair::as_rule) {
            Some(Rule::received_from) => Field::ReceivedFrom,
            _ => Field::SharedWith,
        };
        let fspan = phrase.map(|p| self.span(&p)).unwrap_or(span);
        let operand = it.next().map(|p| self.parse_operand(p)).unwrap_or_default();
        Condition {
            field: Spanned::new(field, fspan),
            op: Spanned::new(Op::Is, fspan),
            operand,
            span,
        }
    }

    fn parse_field(&mut self, pair: Pair<'_, Rule>) -> Spanned<Field> {
        let span = self.span(&pair);
        let field = match pair.as_rule() {
            Rule::known_field => match children(pair).next() {
                Some(inner) => self.parse_known_field(inner),
                None => Field::Unknown(String::new()),
            },
            _ => Field::Unknown(words(&pair)),
        };
        Spanned::new(field, span)
    }

    fn parse_known_field(&mut self, pair: Pair<'_, Rule>) -> Field {
        match pair.as_rule() {
            Rule::field_ticket_source => Field::Source,
            Rule::field_update_via => Field::UpdateVia,
            Rule::field_ticket => Field::Ticket,
            Rule::field_comment_text => Field::CommentText,
            Rule::field_comment => Field::Comment,
            Rule::field_custom => Field::CustomField(self.parse_field_key(pair)),
            Rule::field_hours_since => {
                let t = children(pair).find(|p| p.as_rule() == Rule::time_field);
                Field::HoursSince(t.map(parse_time_field).unwrap_or(TimeField::Updated))
            }
            _ => parse_field_simple(pair),
        }
    }

    /// The `"<title>"` or id of `custom field …`.
    fn parse_field_key(&mut self, pair: Pair<'_, Rule>) -> FieldKey {
        let key = children(pair).find(|p| matches!(p.as_rule(), Rule::string | Rule::number));
        match key {
            Some(p) if p.as_rule() == Rule::number => match p.as_str().parse() {
                Ok(id) => FieldKey::Id(id),
                Err(_) => {
                    let d = Diagnostic::error(
                        "bad-number",
                        self.span(&p),
                        format!("`{}` is not a custom field id", p.as_str()),
                    )
                    .with_help(
                        "ids are positive whole numbers; quote a title: custom field \"Plan\"",
                    );
                    self.diags.push(d);
                    FieldKey::Id(0)
                }
            },
            Some(p) => FieldKey::Title(unescape(&p)),
            None => FieldKey::Title(String::new()),
        }
    }

    fn parse_operator(&mut self, pair: Pair<'_, Rule>) -> Spanned<Op> {
        let span = self.span(&pair);
        let op = match pair.as_rule() {
            Rule::operator => children(pair)
                .next()
                .map(|p| parse_op_rule(p.as_rule()))
                .unwrap_or(Op::Unknown(String::new())),
            _ => Op::Unknown(words(&pair)),
        };
        Spanned::new(op, span)
    }

    fn parse_operand(&mut self, pair: Pair<'_, Rule>) -> Vec<Spanned<Atom>> {
        children(pair).map(|p| self.parse_atom(p)).collect()
    }

    fn parse_atom(&mut self, pair: Pair<'_, Rule>) -> Spanned<Atom> {
        let span = self.span(&pair);
        let atom = match pair.as_rule() {
            Rule::string => Atom::Str(unescape(&pair)),
            Rule::regex => Atom::Regex(unescape_regex(&pair)),
            Rule::none_value => Atom::None,
            Rule::number => match self.parse_number(&pair) {
                Some(n) => Atom::Num(n),
                None => Atom::Word(pair.as_str().to_string()),
            },
            _ => Atom::Word(pair.as_str().to_string()),
        };
        Spanned::new(atom, span)
    }

    /// A number; one out of range is reported here and read as the nearest
    /// bound, so later stages do not report it a second time.
    fn parse_number(&mut self, pair: &Pair<'_, Rule>) -> Option<i64> {
        let text = pair.as_str();
        match text.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let d = Diagnostic::error("bad-number", self.span(pair), "number is too large")
                    .with_help("numbers run from -9223372036854775808 to 9223372036854775807");
                self.diags.push(d);
                Some(if text.starts_with('-') {
                    i64::MIN
                } else {
                    i64::MAX
                })
            }
        }
    }

    fn parse_json(&mut self, pair: &Pair<'_, Rule>) -> serde_json::Value {
        use serde_json::Value;
        let Some(inner) = children(pair.clone()).next() else {
            return Value::Null;
        };
        match inner.as_rule() {
            Rule::string => Value::String(unescape(&inner)),
            Rule::json_number => serde_json::from_str(inner.as_str()).unwrap_or(Value::Null),
            Rule::json_array => {
                Value::Array(children(inner).map(|p| self.parse_json(&p)).collect())
            }
            Rule::json_object => {
                let mut map = serde_json::Map::new();
                for member in children(inner) {
                    let mut kv = children(member);
                    let (Some(k), Some(v)) = (kv.next(), kv.next()) else {
                        continue;
                    };
                    map.insert(unescape(&k), self.parse_json(&v));
                }
                Value::Object(map)
            }
            _ => match inner.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::Null,
            },
        }
    }

    fn parse_then_clause(&mut self, pair: Pair<'_, Rule>) -> Vec<Action> {
        children(pair)
            .filter(|p| p.as_rule() == Rule::action)
            .map(|p| self.parse_action(p))
            .collect()
    }

    fn parse_action(&mut self, pair: Pair<'_, Rule>) -> Action {
        let span = self.span(&pair);
        let mut it = children(pair);
        let Some(first) = it.next() else {
            let kind = Spanned::new(ActionKind::Unknown(String::new()), span);
            return Action {
                kind,
                args: Vec::new(),
                span,
            };
        };
        let kspan = self.span(&first);
        let (kind, args) = match first.as_rule() {
            Rule::zendesk_action => {
                let mut inner = children(first).skip(1);
                let name = inner.next().map(|p| unescape(&p)).unwrap_or_default();
                let args = inner
                    .next()
                    .map(|p| vec![Spanned::new(Atom::Json(self.parse_json(&p)), self.span(&p))])
                    .unwrap_or_default();
                (ActionKind::Zendesk(name), args)
            }
            Rule::unknown_action => {
                let mut inner = children(first);
                let name = inner
                    .next()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                let args = inner
                    .next()
                    .map(|p| self.parse_arguments(p))
                    .unwrap_or_default();
                (ActionKind::Unknown(name), args)
            }
            _ => {
                let kind = self.parse_action_name(first);
                let args = it
                    .next()
                    .map(|p| self.parse_arguments(p))
                    .unwrap_or_default();
                (kind, args)
            }
        };
        Action {
            kind: Spanned::new(kind, kspan),
            args,
            span,
        }
    }

    fn parse_action_name(&mut self, pair: Pair<'_, Rule>) -> ActionKind {
        let Some(inner) = children(pair).next() else {
            return ActionKind::Unknown(String::new());
        };
        match inner.as_rule() {
            Rule::act_share_agent => ActionKind::ShareWithAgent,
            Rule::act_unshare_agent => ActionKind::UnshareFromAgent,
            Rule::act_share => ActionKind::ShareTicket,
            Rule::act_unshare => ActionKind::UnshareTicket,
            Rule::act_add_tags => ActionKind::AddTags,
            Rule::act_remove_tags => ActionKind::RemoveTags,
            Rule::act_set_tags => ActionKind::SetTags,
            Rule::act_set_custom_field => ActionKind::SetCustomField(self.parse_field_key(inner)),
            Rule::act_set_field => ActionKind::Set(parse_set_field(inner)),
            Rule::act_add_comment => {
                let public = children(inner).any(|p| p.as_rule() == Rule::kw_public);
                ActionKind::AddComment { public }
            }
            _ => ActionKind::Notify,
        }
    }

    fn parse_arguments(&mut self, pair: Pair<'_, Rule>) -> Vec<Spanned<Atom>> {
        children(pair).map(|p| self.parse_atom(p)).collect()
    }
}

fn parse_rule_kind(pair: Pair<'_, Rule>) -> RuleKind {
    match children(pair).next().map(|p| p.as_rule()) {
        Some(Rule::kw_automation) => RuleKind::Automation,
        _ => RuleKind::Trigger,
    }
}

fn parse_time_field(pair: Pair<'_, Rule>) -> TimeField {
    let kws: Vec<Rule> = children(pair).map(|p| p.as_rule()).collect();
    match kws.as_slice() {
        [Rule::kw_status, ..] => TimeField::StatusChanged,
        [Rule::kw_requester, ..] => TimeField::RequesterUpdated,
        [Rule::kw_assignee, ..] => TimeField::AssigneeUpdated,
        [Rule::kw_created] => TimeField::Created,
        [Rule::kw_solved] => TimeField::Solved,
        [Rule::kw_pending] => TimeField::Pending,
        [Rule::kw_open] => TimeField::Open,
        [Rule::kw_assigned] => TimeField::Assigned,
        [Rule::kw_closed] => TimeField::Closed,
        _ => TimeField::Updated,
    }
}

fn parse_field_simple(pair: Pair<'_, Rule>) -> Field {
    match children(pair).next().map(|p| p.as_rule()) {
        Some(Rule::kw_status) => Field::Status,
        Some(Rule::kw_priority) => Field::Priority,
        Some(Rule::kw_type) => Field::Type,
        Some(Rule::kw_group) => Field::Group,
        Some(Rule::kw_assignee) => Field::Assignee,
        Some(Rule::kw_requester) => Field::Requester,
        Some(Rule::kw_organization) => Field::Organization,
        Some(Rule::kw_brand) => Field::Brand,
        Some(Rule::kw_tags) => Field::Tags,
        Some(Rule::kw_subject) => Field::Subject,
        _ => Field::Role,
    }
}

fn parse_set_field(pair: Pair<'_, Rule>) -> SetField {
    match children(pair).nth(1).map(|p| p.as_rule()) {
        Some(Rule::kw_priority) => SetField::Priority,
        Some(Rule::kw_type) => SetField::Type,
        Some(Rule::kw_group) => SetField::Group,
        Some(Rule::kw_assignee) => SetField::Assignee,
        _ => SetField::Status,
    }
}

fn parse_op_rule(r: Rule) -> Op {
    match r {
        Rule::op_not_changed_to => Op::NotChangedTo,
        Rule::op_not_changed_from => Op::NotChangedFrom,
        Rule::op_not_changed => Op::NotChanged,
        Rule::op_changed_to => Op::ChangedTo,
        Rule::op_changed_from => Op::ChangedFrom,
        Rule::op_changed => Op::Changed,
        Rule::op_is_not_present => Op::IsNotPresent,
        Rule::op_is_present => Op::IsPresent,
        Rule::op_is_not => Op::IsNot,
        Rule::op_is => Op::Is,
        Rule::op_less_than => Op::LessThan,
        Rule::op_greater_than => Op::GreaterThan,
        Rule::op_contains_at_least_one_of => Op::ContainsAtLeastOneOf,
        Rule::op_contains_all_of => Op::ContainsAllOf,
        Rule::op_contains_none_of_the_words => Op::ContainsNoneOfTheWords,
        Rule::op_contains_none_of => Op::ContainsNoneOf,
        Rule::op_contains_any_of_the_words => Op::ContainsAnyOfTheWords,
        Rule::op_contains => Op::Contains,
        Rule::op_does_not_contain => Op::DoesNotContain,
        _ => Op::Matches,
    }
}

/// The words of a pair, joined by single spaces.
fn words(pair: &Pair<'_, Rule>) -> String {
    pair.as_str()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of a `string` pair with its escapes resolved.
fn unescape(pair: &Pair<'_, Rule>) -> String {
    unescape_quoted(pair.as_str())
}

/// A quoted text (quotes included) with `\"`, `\\`, `\n`, `\r` and
/// `\t` resolved.
fn unescape_quoted(raw: &str) -> String {
    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The pattern of a `regex` pair: only `\/` is ours, every other escape
/// belongs to the regex.
fn unescape_regex(pair: &Pair<'_, Rule>) -> String {
    let raw = pair.as_str();
    raw.get(1..raw.len().saturating_sub(1))
        .unwrap_or("")
        .replace("\\/", "/")
}

/// A comment at `span`, with where it sits among the lines around it.
fn comment(src: &str, span: Span) -> Comment {
    let before = &src[..span.start];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let own_line = before[line_start..].trim().is_empty();
    let gap_before = &before[before.trim_end().len()..];
    let after = &src[span.end..];
    let gap_after = &after[..after.len() - after.trim_start().len()];
    Comment {
        text: src[span.start + 1..span.end].trim_end().to_string(),
        span,
        own_line,
        blank_before: gap_before.matches('\n').count() >= 2,
        blank_after: gap_after.matches('\n').count() >= 2,
    }
}

/// Offsets of lines whose first word is `trigger` or `automation`.
fn rule_starts(src: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lower = trimmed.get(..10).unwrap_or(trimmed).to_ascii_lowercase();
        let starts = ["trigger", "automation"].iter().any(|kw| {
            lower.starts_with(kw)
                && !trimmed[kw.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        });
        if starts {
            out.push(offset + line.len() - trimmed.len());
        }
        offset += line.len();
    }
    out
}

/// A pest error as a diagnostic, in words an admin knows.
fn syntax_error(err: &pest::error::Error<Rule>, src: &str, offset: usize) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = offset
        + match err.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let found = found_at(src, pos);
    let span = Span::new(pos, pos + found.len().max(1));
    let expected = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => expected_list(positives),
        // pest stops before its recursion would overflow the stack.
        ErrorVariant::CustomError { message } if message.contains("limit reached") => {
            return limits::too_deep(span);
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let found_text = if found.is_empty() {
        "the end of the file".to_string()
    } else {
        let shown: String = found
            .chars()
            .map(|c| match c.is_control() {
                true => c.escape_debug().to_string(),
                false => c.to_string(),
            })
            .collect();
        format!("`{shown}`")
    };
    let diag = Diagnostic::error(
        "syntax",
        span,
        format!("expected {expected}, found {found_text}"),
    );
    match hint(&expected, found) {
        Some(h) => diag.with_help(h),
        None => diag,
    }
}

/// The token at `pos`: a word, or one character.
fn found_at(src: &str, pos: usize) -> &str {
    let rest = src.get(pos..).unwrap_or("");
    let word_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    if word_len > 0 {
        &rest[..word_len]
    } else {
        rest.chars().next().map_or("", |c| &rest[..c.len_utf8()])
    }
}

fn hint(expected: &str, found: &str) -> Option<&'static str> {
    if found == "\"" && expected.contains("a quoted text") {
        Some("this quote is not closed on its line")
    } else if expected == "a quoted text" {
        Some("titles are quoted: trigger \"Escalate VIP tickets\" { … }")
    } else if found == "/" {
        Some("a regex needs its closing `/` on the same line")
    } else if found.is_empty() && expected.contains("`}`") {
        Some("a rule's `{` is not closed")
    } else if expected.contains("`then`") {
        Some("a rule reads `when <conditions> then <actions>`; `and`, `or` join conditions")
    } else if expected.contains("an action") {
        Some("actions include `add tags`, `set status`, `share ticket with`, `notify`")
    } else {
        None
    }
}

/// "`a`, `b` or c" from pest's list of what it tried.
fn expected_list(positives: &[Rule]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for r in positives {
        let name = rule_name(*r);
        // A comment or blank could go anywhere; listing them helps no one.
        if !names.contains(&name) && !matches!(r, Rule::COMMENT | Rule::WHITESPACE) {
            names.push(name);
        }
    }
    // Where any value would do, the kinds of value are noise.
    if names.contains(&"a value") {
        names.retain(|n| !["a quoted text", "a `/regex/`", "`(none)`", "a number"].contains(n));
    }
    if names.len() > 1 {
        names.retain(|n| *n != "the end of the file");
    }
    match names.len() {
        0 => "something else".to_string(),
        1 => names[0].to_string(),
        n => format!("{} or {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

/// What each grammar rule is called in an error message.
fn rule_name(r: Rule) -> &'static str {
    match r {
        // After a whole rule, only another rule may follow.
        Rule::EOI => "a rule (`trigger` or `automation`)",
        Rule::WHITESPACE => "a blank",
        Rule::prefix | Rule::infix | Rule::stop_word => "`and`, `or` or `not`",
        Rule::primary => "a condition",
        Rule::atom => "a value",
        Rule::action_start => "an action",
        Rule::word_char | Rule::ident_char => "a letter",
        Rule::COMMENT => "a comment",
        Rule::file | Rule::rule_only | Rule::rule_item => "a rule",
        Rule::rule_kind | Rule::kw_trigger | Rule::kw_automation => {
            "a rule (`trigger` or `automation`)"
        }
        Rule::rule_attr | Rule::kw_inactive | Rule::kw_position | Rule::kw_description => {
            "a setting (`inactive`, `position`, `description`)"
        }
        Rule::when_clause | Rule::kw_when => "`when`",
        Rule::then_clause | Rule::kw_then => "`then`",
        Rule::expr | Rule::condition | Rule::known_field | Rule::unknown_field => "a condition",
        Rule::zendesk_condition | Rule::kw_zendesk => "a condition",
        Rule::sharing_condition | Rule::shared_with | Rule::received_from => "a condition",
        Rule::agent_condition => "a condition",
        Rule::field_ticket_source | Rule::field_update_via | Rule::field_ticket => "a condition",
        Rule::field_comment_text | Rule::field_comment | Rule::field_custom => "a condition",
        Rule::field_hours_since | Rule::field_simple => "a condition",
        Rule::time_field => "a time (`created`, `updated`, `solved`, …)",
        Rule::operator | Rule::unknown_operator => "an operator",
        Rule::op_not_changed_to | Rule::op_not_changed_from | Rule::op_not_changed => "an operator",
        Rule::op_changed_to | Rule::op_changed_from | Rule::op_changed => "an operator",
        Rule::op_is_not_present | Rule::op_is_present | Rule::op_is_not | Rule::op_is => {
            "an operator"
        }
        Rule::op_less_than | Rule::op_greater_than | Rule::op_contains_at_least_one_of => {
            "an operator"
        }
        Rule::op_contains_all_of | Rule::op_contains_none_of_the_words => "an operator",
        Rule::op_contains_none_of | Rule::op_contains_any_of_the_words => "an operator",
        Rule::op_contains | Rule::op_does_not_contain | Rule::op_matches => "an operator",
        Rule::operand => "a value",
        Rule::action | Rule::action_name | Rule::unknown_action | Rule::zendesk_action => {
            "an action"
        }
        Rule::act_share | Rule::act_unshare | Rule::act_add_tags | Rule::act_remove_tags => {
            "an action"
        }
        Rule::act_set_tags | Rule::act_set_custom_field | Rule::act_set_field => "an action",
        Rule::act_share_agent | Rule::act_unshare_agent => "an action",
        Rule::act_add_comment | Rule::act_notify => "an action",
        Rule::arguments => "a value",
        Rule::string | Rule::string_inner => "a quoted text",
        Rule::regex | Rule::regex_inner => "a `/regex/`",
        Rule::none_value => "`(none)`",
        Rule::number => "a number",
        Rule::word => "a value",
        Rule::json | Rule::json_literal | Rule::json_array => "a JSON value",
        Rule::json_number | Rule::json_object | Rule::json_member => "a JSON value",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not => "`not`",
        Rule::kw_ticket | Rule::kw_source | Rule::kw_channel | Rule::kw_update => "a condition",
        Rule::kw_via | Rule::kw_comment | Rule::kw_text | Rule::kw_custom => "a condition",
        Rule::kw_field | Rule::kw_hours | Rule::kw_since | Rule::kw_status => "a condition",
        Rule::kw_priority | Rule::kw_type | Rule::kw_group | Rule::kw_assignee => "a condition",
        Rule::kw_requester | Rule::kw_organization | Rule::kw_brand | Rule::kw_tags => {
            "a condition"
        }
        Rule::kw_subject | Rule::kw_role | Rule::kw_shared | Rule::kw_received => "a condition",
        Rule::kw_with | Rule::kw_from | Rule::kw_to => "a value",
        Rule::kw_agent => "`agent`",
        Rule::kw_changed | Rule::kw_created | Rule::kw_updated | Rule::kw_solved => "a value",
        Rule::kw_pending | Rule::kw_open | Rule::kw_assigned | Rule::kw_closed => "a value",
        Rule::kw_is | Rule::kw_present | Rule::kw_less | Rule::kw_greater => "an operator",
        Rule::kw_than | Rule::kw_contains | Rule::kw_contain | Rule::kw_does => "an operator",
        Rule::kw_at | Rule::kw_least | Rule::kw_one | Rule::kw_of => "an operator",
        Rule::kw_all | Rule::kw_any | Rule::kw_none | Rule::kw_the => "an operator",
        Rule::kw_words | Rule::kw_matches => "an operator",
        Rule::kw_share | Rule::kw_unshare | Rule::kw_add | Rule::kw_remove => "an action",
        Rule::kw_set | Rule::kw_notify => "an action",
        Rule::kw_public | Rule::kw_private => "`public` or `private`",
    }
}

/// Words that end an operand (the grammar's `stop_word`).
pub const OPERAND_STOP_WORDS: &[&str] = &["and", "or", "then"];
/// Words that end an action's arguments (the grammar's `action_start`).
pub const ARGUMENT_STOP_WORDS: &[&str] = &[
    "share", "unshare", "add", "remove", "set", "notify", "zendesk",
];
/// Words that end a value somewhere: a value that may land in either place
/// avoids both lists, and `not`, which starts a negated condition.
pub const ANY_STOP_WORDS: &[&str] = &[
    "and", "or", "then", "not", "share", "unshare", "add", "remove", "set", "notify", "zendesk",
];

/// A character the grammar's `word_char` accepts.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || "_-.@:+'&!?*%$~".contains(c)
}

/// Does `text` read back as this one bare word (the grammar's `word`) where
/// `stop_words` end a value? Not when it is empty, has other characters,
/// would be read as a `number`, or is one of `stop_words` (in any case).
pub fn is_bare_word(text: &str, stop_words: &[&str]) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !is_word_char(first) || !chars.all(|c| is_word_char(c) || c == '/') {
        return false;
    }
    // `12` or `-3/x` would be read as a number: digits not followed by a
    // word character.
    let digits = text.strip_prefix('-').unwrap_or(text);
    let n = digits.chars().take_while(char::is_ascii_digit).count();
    if n > 0 && digits[n..].chars().next().is_none_or(|c| c == '/') {
        return false;
    }
    !stop_words.iter().any(|kw| text.eq_ignore_ascii_case(kw))
}

/// The value of text the grammar reads as a `number`, when it fits an `i64`.
pub fn parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(src: &str) -> RuleFile {
        let (file, diags) = parse_rules(src);
        assert!(diags.is_empty(), "{diags:?}");
        file
    }

    #[test]
    fn not_binds_tighter_than_and_than_or() {
        let f = parse_ok(
            "trigger \"t\" { when not status is open and tags contains at least one of a or role is agent then add tags x }",
        );
        let Some(Expr::Any(items)) = &f.rules[0].conditions else {
            panic!("expected or at the top: {:?}", f.rules[0].conditions)
        };
        assert!(matches!(&items[0], Expr::All(a) if matches!(a[0], Expr::Not(_))));
    }

    #[test]
    fn keywords_ignore_case_and_multiword_values_stay_words() {
        let f = parse_ok("TRIGGER \"t\" { WHEN Ticket Source IS Ticket sharing THEN Add Tags x }");
        let c = f.rules[0].conditions.as_ref().unwrap().conditions()[0].clone();
        assert_eq!(c.field.node, Field::Source);
        assert_eq!(c.operand.len(), 2);
    }

    #[test]
    fn misspelt_field_parses_as_unknown() {
        let f = parse_ok("trigger \"t\" { when statuss is open then add tags x }");
        let c = f.rules[0].conditions.as_ref().unwrap().conditions()[0].clone();
        assert_eq!(c.field.node, Field::Unknown("statuss".into()));
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let src = "trigger \"a\" { when status is then }\ntrigger \"b\" { then add tags x }\ntrigger \"c\" { when then }\n";
        let (file, diags) = parse_rules(src);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert_eq!(file.rules.len(), 1);
        assert_eq!(file.rules[0].title.node, "b");
    }
}
