//! A hand-written parser for the common DSL, tried before pest: a file of
//! triggers and automations with known fields, operators and actions
//! parses here many times faster than through pest's generated parser
//! (10,000 rules in a few milliseconds rather than 400).
//!
//! It builds exactly the AST, spans and comments pest's path builds, or
//! gives up: anything it does not know (a Zendesk passthrough, an unknown
//! field or action, `shared with agent`, a syntax error, a value past a
//! limit, non-ASCII text outside quotes) returns `None`, and the file goes
//! to pest, which also words every error. `tests/parse_fast.rs` holds the
//! two paths equal on every fixture and example.

use super::super::ast::Rule as AstRule;
use super::super::ast::*;
use super::{comment, unescape_quoted as unescape, MAX_STRING};

/// The deepest nesting of parentheses and `not`s tried here; deeper goes
/// to pest, whose limits say where it is too deep.
const MAX_NEST: usize = 16;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// A bare word (or number) of ASCII word characters.
    Bare,
    Str,
    Regex,
    NoneValue,
    LParen,
    RParen,
    LBrace,
    RBrace,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

/// The file, or `None` for pest to parse.
pub(super) fn parse(src: &str) -> Option<RuleFile> {
    let (toks, spans) = lex(src)?;
    let mut p = Parser { src, toks, at: 0 };
    let mut file = RuleFile::default();
    while p.at < p.toks.len() {
        file.rules.push(p.rule()?);
    }
    file.comments = spans.into_iter().map(|s| comment(src, s)).collect();
    Some(file)
}

/// A character that may appear in a bare word (the grammar's `word_char`,
/// ASCII only).
fn word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-.@:+'&!?*%$~".contains(&b)
}

/// Tokens and comment spans, or `None` on anything the fast path leaves
/// to pest.
fn lex(src: &str) -> Option<(Vec<Tok>, Vec<Span>)> {
    let b = src.as_bytes();
    let (mut toks, mut comments) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let kind = match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
                let text = src[start..i].trim_end();
                comments.push(Span::new(start, start + text.len()));
                continue;
            }
            b'"' => {
                i = quoted(b, i, b'"')?;
                Kind::Str
            }
            b'/' => {
                i = quoted(b, i, b'/')?;
                if i - start < 3 {
                    return None;
                }
                Kind::Regex
            }
            b'(' if b.len() >= i + 6 && b[i + 1..i + 6].eq_ignore_ascii_case(b"none)") => {
                i += 6;
                Kind::NoneValue
            }
            b'(' => {
                i += 1;
                Kind::LParen
            }
            b')' => {
                i += 1;
                Kind::RParen
            }
            b'{' => {
                i += 1;
                Kind::LBrace
            }
            b'}' => {
                i += 1;
                Kind::RBrace
            }
            c if word_char(c) => {
                while i < b.len() && (word_char(b[i]) || b[i] == b'/') {
                    i += 1;
                }
                // A `/` in a word, or a word running into text that is
                // not ASCII, is read the way pest reads it only there.
                if src[start..i].contains('/') || b.get(i).is_some_and(|c| !c.is_ascii()) {
                    return None;
                }
                Kind::Bare
            }
            _ => return None,
        };
        if i - start > MAX_STRING {
            return None;
        }
        toks.push(Tok {
            kind,
            start,
            end: i,
        });
    }
    Some((toks, comments))
}

/// The end of a quoted text or regex starting at `i`: escapes with `\`,
/// no line break inside.
fn quoted(b: &[u8], mut i: usize, close: u8) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            c if c == close => return Some(i + 1),
            b'\\' if i + 1 < b.len() && (close == b'"' || b[i + 1] != b'\n') => i += 2,
            b'\n' | b'\r' | b'\\' => return None,
            _ => i += 1,
        }
    }
    None
}

struct Parser<'s> {
    src: &'s str,
    toks: Vec<Tok>,
    at: usize,
}

impl<'s> Parser<'s> {
    fn peek(&self, ahead: usize) -> Option<Tok> {
        self.toks.get(self.at + ahead).copied()
    }

    fn text(&self, t: Tok) -> &'s str {
        &self.src[t.start..t.end]
    }

    /// Is the token `ahead` the keyword `kw`?
    fn is_kw(&self, ahead: usize, kw: &str) -> bool {
        self.peek(ahead)
            .is_some_and(|t| t.kind == Kind::Bare && self.text(t).eq_ignore_ascii_case(kw))
    }

    /// Do the next tokens spell `words`?
    fn is_phrase(&self, words: &[&str]) -> bool {
        words.iter().enumerate().all(|(i, w)| self.is_kw(i, w))
    }

    /// Takes `words` if they come next; the span they cover.
    fn phrase(&mut self, words: &[&str]) -> Option<Span> {
        if !self.is_phrase(words) {
            return None;
        }
        let span = self.span_of(words.len());
        self.at += words.len();
        Some(span)
    }

    /// The span of the next `n` tokens.
    fn span_of(&self, n: usize) -> Span {
        let (first, last) = (self.toks[self.at], self.toks[self.at + n - 1]);
        Span::new(first.start, last.end)
    }

    /// Is there a comment between `end` and the next token? pest's span
    /// of a condition or action runs on over it.
    fn comment_follows(&self, end: usize) -> bool {
        let next = self.peek(0).map_or(self.src.len(), |t| t.start);
        self.src[end..next].contains('#')
    }

    fn take(&mut self, kind: Kind) -> Option<Tok> {
        let t = self.peek(0).filter(|t| t.kind == kind)?;
        self.at += 1;
        Some(t)
    }

    fn string(&mut self) -> Option<Spanned<String>> {
        let t = self.take(Kind::Str)?;
        Some(Spanned::new(
            unescape(self.text(t)),
            Span::new(t.start, t.end),
        ))
    }

    fn rule(&mut self) -> Option<AstRule> {
        let kind = if self.phrase(&["trigger"]).is_some() {
            RuleKind::Trigger
        } else {
            self.phrase(&["automation"])?;
            RuleKind::Automation
        };
        let start = self.toks[self.at - 1].start;
        let title = self.string()?;
        self.take(Kind::LBrace)?;
        let mut rule = AstRule {
            kind,
            title,
            active: true,
            position: None,
            description: None,
            conditions: None,
            actions: Vec::new(),
            span: Span::new(start, start),
        };
        self.attrs(&mut rule)?;
        if self.phrase(&["when"]).is_some() {
            rule.conditions = Some(self.expr(0)?);
        }
        self.phrase(&["then"])?;
        while self.peek(0)?.kind != Kind::RBrace || rule.actions.is_empty() {
            rule.actions.push(self.action()?);
        }
        let end = self.take(Kind::RBrace)?.end;
        rule.span = Span::new(start, end);
        Some(rule)
    }

    /// `inactive`, `position N`, `description "…"`, each at most once.
    fn attrs(&mut self, rule: &mut AstRule) -> Option<()> {
        let mut seen = [false; 3];
        loop {
            let which = if self.phrase(&["inactive"]).is_some() {
                rule.active = false;
                0
            } else if self.phrase(&["position"]).is_some() {
                let t = self.take(Kind::Bare)?;
                let n = number(self.text(t))?;
                rule.position = Some(Spanned::new(n, Span::new(t.start, t.end)));
                1
            } else if self.phrase(&["description"]).is_some() {
                rule.description = Some(self.string()?.node);
                2
            } else {
                return Some(());
            };
            if std::mem::replace(&mut seen[which], true) {
                return None;
            }
        }
    }

    /// `or` over `and` over `not`, as the Pratt parser reads them.
    fn expr(&mut self, depth: usize) -> Option<Expr> {
        let mut lhs = self.conjunction(depth)?;
        while self.phrase(&["or"]).is_some() {
            lhs = lhs.or(self.conjunction(depth)?);
        }
        Some(lhs)
    }

    fn conjunction(&mut self, depth: usize) -> Option<Expr> {
        let mut lhs = self.unary(depth)?;
        while self.phrase(&["and"]).is_some() {
            lhs = lhs.and(self.unary(depth)?);
        }
        Some(lhs)
    }

    fn unary(&mut self, depth: usize) -> Option<Expr> {
        if depth > MAX_NEST {
            return None;
        }
        if self.phrase(&["not"]).is_some() {
            return Some(Expr::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self.take(Kind::LParen).is_some() {
            let inner = self.expr(depth + 1)?;
            self.take(Kind::RParen)?;
            return Some(inner);
        }
        self.condition().map(Expr::Cond)
    }

    fn condition(&mut self) -> Option<Condition> {
        let start = self.peek(0)?.start;
        if self.is_kw(0, "zendesk") || self.is_agent_condition() {
            return None;
        }
        for (words, field) in [
            (&["shared", "with"][..], Field::SharedWith),
            (&["received", "from"][..], Field::ReceivedFrom),
        ] {
            if let Some(fspan) = self.phrase(words) {
                let operand = self.operand();
                if operand.is_empty() {
                    return None;
                }
                let end = operand.last().map_or(fspan.end, |a| a.span.end);
                if self.comment_follows(end) {
                    return None;
                }
                return Some(Condition {
                    field: Spanned::new(field, fspan),
                    op: Spanned::new(Op::Is, fspan),
                    operand,
                    span: Span::new(start, end),
                });
            }
        }
        let field = self.field()?;
        let op = self.operator()?;
        let operand = self.operand();
        let end = operand.last().map_or(op.span.end, |a| a.span.end);
        if self.comment_follows(end) {
            return None;
        }
        Some(Condition {
            field,
            op,
            operand,
            span: Span::new(start, end),
        })
    }

    /// `ticket is [not] shared with agent`, which pest reads apart.
    fn is_agent_condition(&self) -> bool {
        self.is_phrase(&["ticket", "is", "shared", "with", "agent"])
            || self.is_phrase(&["ticket", "is", "not", "shared", "with", "agent"])
    }

    fn field(&mut self) -> Option<Spanned<Field>> {
        let start = self.peek(0)?.start;
        let field = if self.phrase(&["ticket", "source"]).is_some()
            || self.phrase(&["ticket", "channel"]).is_some()
        {
            Field::Source
        } else if self.phrase(&["update", "via"]).is_some() {
            Field::UpdateVia
        } else if self.phrase(&["ticket"]).is_some() {
            Field::Ticket
        } else if self.phrase(&["comment", "text"]).is_some() {
            Field::CommentText
        } else if self.phrase(&["comment"]).is_some() {
            Field::Comment
        } else if self.phrase(&["custom", "field"]).is_some() {
            Field::CustomField(self.field_key()?)
        } else if self.phrase(&["hours", "since"]).is_some() {
            Field::HoursSince(self.time_field()?)
        } else {
            self.simple_field()?
        };
        let end = self.toks[self.at - 1].end;
        Some(Spanned::new(field, Span::new(start, end)))
    }

    /// The title or id after `custom field`.
    fn field_key(&mut self) -> Option<FieldKey> {
        if let Some(s) = self.string() {
            return Some(FieldKey::Title(s.node));
        }
        let t = self.take(Kind::Bare)?;
        let text = self.text(t);
        number(text)?;
        text.parse().ok().map(FieldKey::Id)
    }

    fn time_field(&mut self) -> Option<TimeField> {
        let pairs: [(&[&str], TimeField); 10] = [
            (&["status", "changed"], TimeField::StatusChanged),
            (&["requester", "updated"], TimeField::RequesterUpdated),
            (&["assignee", "updated"], TimeField::AssigneeUpdated),
            (&["created"], TimeField::Created),
            (&["updated"], TimeField::Updated),
            (&["solved"], TimeField::Solved),
            (&["pending"], TimeField::Pending),
            (&["open"], TimeField::Open),
            (&["assigned"], TimeField::Assigned),
            (&["closed"], TimeField::Closed),
        ];
        pairs
            .into_iter()
            .find_map(|(words, t)| self.phrase(words).map(|_| t))
    }

    fn simple_field(&mut self) -> Option<Field> {
        let fields = [
            ("status", Field::Status),
            ("priority", Field::Priority),
            ("type", Field::Type),
            ("group", Field::Group),
            ("assignee", Field::Assignee),
            ("requester", Field::Requester),
            ("organization", Field::Organization),
            ("brand", Field::Brand),
            ("tags", Field::Tags),
            ("subject", Field::Subject),
            ("role", Field::Role),
        ];
        fields
            .into_iter()
            .find_map(|(word, f)| self.phrase(&[word]).map(|_| f))
    }

    fn operator(&mut self) -> Option<Spanned<Op>> {
        const OPS: &[(&[&str], Op)] = &[
            (&["not", "changed", "to"], Op::NotChangedTo),
            (&["not", "changed", "from"], Op::NotChangedFrom),
            (&["not", "changed"], Op::NotChanged),
            (&["changed", "to"], Op::ChangedTo),
            (&["changed", "from"], Op::ChangedFrom),
            (&["changed"], Op::Changed),
            (&["is", "not", "present"], Op::IsNotPresent),
            (&["is", "present"], Op::IsPresent),
            (&["is", "not"], Op::IsNot),
            (&["is"], Op::Is),
            (&["less", "than"], Op::LessThan),
            (&["greater", "than"], Op::GreaterThan),
            (
                &["contains", "at", "least", "one", "of"],
                Op::ContainsAtLeastOneOf,
            ),
            (&["contains", "all", "of"], Op::ContainsAllOf),
            (
                &["contains", "none", "of", "the", "words"],
                Op::ContainsNoneOfTheWords,
            ),
            (&["contains", "none", "of"], Op::ContainsNoneOf),
            (
                &["contains", "any", "of", "the", "words"],
                Op::ContainsAnyOfTheWords,
            ),
            (&["contains"], Op::Contains),
            (&["does", "not", "contain"], Op::DoesNotContain),
            (&["matches"], Op::Matches),
        ];
        OPS.iter()
            .find_map(|(words, op)| self.phrase(words).map(|s| Spanned::new(op.clone(), s)))
    }

    /// Values up to `and`, `or`, `then` or what is not a value.
    fn operand(&mut self) -> Vec<Spanned<Atom>> {
        let mut out = Vec::new();
        while !(self.is_kw(0, "and") || self.is_kw(0, "or") || self.is_kw(0, "then")) {
            let Some(atom) = self.atom() else { break };
            out.push(atom);
        }
        out
    }

    fn atom(&mut self) -> Option<Spanned<Atom>> {
        let t = self.peek(0)?;
        let text = self.text(t);
        let atom = match t.kind {
            Kind::Str => Atom::Str(unescape(text)),
            Kind::Regex => Atom::Regex(text[1..text.len() - 1].replace("\\/", "/")),
            Kind::NoneValue => Atom::None,
            Kind::Bare if is_number(text) => Atom::Num(number(text)?),
            Kind::Bare => Atom::Word(text.to_string()),
            _ => return None,
        };
        self.at += 1;
        Some(Spanned::new(atom, Span::new(t.start, t.end)))
    }

    fn action(&mut self) -> Option<Action> {
        let start = self.peek(0)?.start;
        let kind = self.action_name()?;
        let kspan = Span::new(start, self.toks[self.at - 1].end);
        let mut args = Vec::new();
        while !ACTION_STARTS.iter().any(|kw| self.is_kw(0, kw)) {
            let Some(atom) = self.atom() else { break };
            args.push(atom);
        }
        let end = args.last().map_or(kspan.end, |a| a.span.end);
        if self.comment_follows(end) {
            return None;
        }
        Some(Action {
            kind: Spanned::new(kind, kspan),
            args,
            span: Span::new(start, end),
        })
    }

    fn action_name(&mut self) -> Option<ActionKind> {
        let simple: [(&[&str], ActionKind); 7] = [
            (
                &["share", "ticket", "with", "agent"],
                ActionKind::ShareWithAgent,
            ),
            (
                &["unshare", "ticket", "from", "agent"],
                ActionKind::UnshareFromAgent,
            ),
            (&["share", "ticket", "with"], ActionKind::ShareTicket),
            (&["unshare", "ticket"], ActionKind::UnshareTicket),
            (&["add", "tags"], ActionKind::AddTags),
            (&["remove", "tags"], ActionKind::RemoveTags),
            (&["set", "tags"], ActionKind::SetTags),
        ];
        if let Some(kind) = simple
            .into_iter()
            .find_map(|(words, k)| self.phrase(words).map(|_| k))
        {
            return Some(kind);
        }
        if self.is_phrase(&["set", "custom", "field"]) {
            let back = self.at;
            self.at += 3;
            let key = self.field_key();
            if let (Some(key), Some(_)) = (key, self.phrase(&["to"])) {
                return Some(ActionKind::SetCustomField(key));
            }
            self.at = back;
        }
        let set_fields = [
            ("status", SetField::Status),
            ("priority", SetField::Priority),
            ("type", SetField::Type),
            ("group", SetField::Group),
            ("assignee", SetField::Assignee),
        ];
        for (word, f) in set_fields {
            if self.phrase(&["set", word]).is_some() {
                return Some(ActionKind::Set(f));
            }
        }
        for (word, public) in [("public", true), ("private", false)] {
            if self.phrase(&["add", "comment", word]).is_some() {
                return Some(ActionKind::AddComment { public });
            }
        }
        self.phrase(&["notify"]).map(|_| ActionKind::Notify)
    }
}

/// Words that begin an action, and so end the one before.
const ACTION_STARTS: &[&str] = &[
    "share", "unshare", "add", "remove", "set", "notify", "zendesk",
];

/// The grammar's `number`: an optional `-` and ASCII digits.
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A number in range; out of range, pest's path reports it.
fn number(text: &str) -> Option<i64> {
    if !is_number(text) {
        return None;
    }
    text.parse().ok()
}
