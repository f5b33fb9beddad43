//! The rule AST that both front ends (the pest DSL parser and the YAML/JSON
//! loader) produce, and that `check`, `fmt`, `convert` and `compile` consume.
//!
//! Fields and operators are resolved to enums while parsing; operands stay as
//! the atoms that were written, because what an operand means depends on the
//! field and `check` wants to report bad values with their own spans.

use std::fmt;

/// A byte range in the source a node came from.
///
/// Spans never make two ASTs differ: `parse(fmt(x)) == parse(x)` compares
/// meaning, and formatting moves everything around.
#[derive(Clone, Copy, Debug, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}
impl Eq for Span {}

/// A node with the span it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// One rule file, whichever front end read it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleFile {
    pub rules: Vec<Rule>,
    /// `#` comments in source order (DSL only); `fmt` puts them back.
    pub comments: Vec<Comment>,
}

/// A `#` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, trailing blanks removed.
    pub text: String,
    pub span: Span,
    /// False when code precedes it on its line (a trailing comment).
    pub own_line: bool,
    /// A blank line separates it from what comes before.
    pub blank_before: bool,
    /// A blank line separates it from what comes after.
    pub blank_after: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleKind {
    Trigger,
    Automation,
}

impl RuleKind {
    pub fn keyword(self) -> &'static str {
        match self {
            RuleKind::Trigger => "trigger",
            RuleKind::Automation => "automation",
        }
    }
}

/// A trigger or an automation.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub kind: RuleKind,
    pub title: Spanned<String>,
    pub active: bool,
    pub position: Option<Spanned<i64>>,
    pub description: Option<String>,
    /// `None` when the rule has no `when` (it always matches).
    pub conditions: Option<Expr>,
    pub actions: Vec<Action>,
    pub span: Span,
}

/// A condition expression. `All` and `Any` are flat: neither holds a child
/// of its own kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    All(Vec<Expr>),
    Any(Vec<Expr>),
    Not(Box<Expr>),
    Cond(Condition),
}

impl Expr {
    /// The span from the first condition to the last.
    pub fn span(&self) -> Span {
        match self {
            Expr::All(items) | Expr::Any(items) => items
                .iter()
                .map(Expr::span)
                .reduce(Span::join)
                .unwrap_or_default(),
            Expr::Not(inner) => inner.span(),
            Expr::Cond(c) => c.span,
        }
    }

    /// Every condition, left to right.
    pub fn conditions(&self) -> Vec<&Condition> {
        let mut out = Vec::new();
        self.walk(&mut |c| out.push(c));
        out
    }

    fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        match self {
            Expr::All(items) | Expr::Any(items) => items.iter().for_each(|e| e.walk(f)),
            Expr::Not(inner) => inner.walk(f),
            Expr::Cond(c) => f(c),
        }
    }

    /// `a and b`, flattening nested `and`s.
    pub fn and(self, other: Expr) -> Expr {
        let mut items = match self {
            Expr::All(items) => items,
            e => vec![e],
        };
        match other {
            Expr::All(more) => items.extend(more),
            e => items.push(e),
        }
        Expr::All(items)
    }

    /// `a or b`, flattening nested `or`s.
    pub fn or(self, other: Expr) -> Expr {
        let mut items = match self {
            Expr::Any(items) => items,
            e => vec![e],
        };
        match other {
            Expr::Any(more) => items.extend(more),
            e => items.push(e),
        }
        Expr::Any(items)
    }
}

/// `field operator operand`.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub field: Spanned<Field>,
    pub op: Spanned<Op>,
    pub operand: Vec<Spanned<Atom>>,
    pub span: Span,
}

/// A custom field, by title (DSL, YAML) or by Zendesk's numeric id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldKey {
    Title(String),
    Id(u64),
}

impl fmt::Display for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldKey::Title(t) => write!(f, "{t}"),
            FieldKey::Id(id) => write!(f, "{id}"),
        }
    }
}

/// What `hours since` counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeField {
    Created,
    Updated,
    Solved,
    Pending,
    Open,
    StatusChanged,
    Assigned,
    RequesterUpdated,
    AssigneeUpdated,
    /// Automations never see a closed ticket, so this never holds; it is
    /// here because Zendesk offers it (`CLOSED`).
    Closed,
}

/// The thing a condition looks at.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    /// `ticket is created | updated | shared`.
    Ticket,
    /// `ticket source` / `ticket channel`: the channel the ticket came in by.
    Source,
    /// `update via`: the channel of this update.
    UpdateVia,
    Status,
    Priority,
    Type,
    Group,
    Assignee,
    Requester,
    Organization,
    Brand,
    Tags,
    Subject,
    CommentText,
    /// `comment is public | private`.
    Comment,
    CustomField(FieldKey),
    Role,
    SharedWith,
    ReceivedFrom,
    /// `ticket is shared with agent "<email>"` (or `is not`): shared with
    /// one agent outside its group.
    SharedWithAgent,
    HoursSince(TimeField),
    /// A Zendesk field we load but do not run; the operand is its JSON value.
    Zendesk(String),
    /// Words in field position that name no field; `check` reports them.
    Unknown(String),
}

/// How a condition compares.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Is,
    IsNot,
    LessThan,
    GreaterThan,
    Changed,
    NotChanged,
    ChangedTo,
    ChangedFrom,
    NotChangedTo,
    NotChangedFrom,
    ContainsAtLeastOneOf,
    ContainsAllOf,
    ContainsNoneOf,
    Contains,
    DoesNotContain,
    ContainsAnyOfTheWords,
    ContainsNoneOfTheWords,
    Matches,
    IsPresent,
    IsNotPresent,
    /// A Zendesk operator name, for `Field::Zendesk`.
    Zendesk(String),
    /// A word in operator position that names no operator.
    Unknown(String),
}

/// One value as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Atom {
    /// A bare word: a tag, a status, one word of `Ticket sharing`.
    Word(String),
    /// A quoted text.
    Str(String),
    Num(i64),
    /// `/…/`, the pattern without the slashes.
    Regex(String),
    /// `(none)`, or an empty value in YAML.
    None,
    /// A JSON value carried through for Zendesk fields and actions.
    Json(serde_json::Value),
}

/// An action and its arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub kind: Spanned<ActionKind>,
    pub args: Vec<Spanned<Atom>>,
    pub span: Span,
}

impl Action {
    /// `notify`'s arguments split where the first quoted text starts: the
    /// recipient's bare words (none for a quoted email address), then the
    /// texts (the email, if any, the subject and the body).
    pub fn notify_parts(&self) -> (&[Spanned<Atom>], &[Spanned<Atom>]) {
        let split = self
            .args
            .iter()
            .position(|x| matches!(x.node, Atom::Str(_)))
            .unwrap_or(self.args.len());
        self.args.split_at(split)
    }
}

/// Which ticket property `set …` changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetField {
    Status,
    Priority,
    Type,
    Group,
    Assignee,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ActionKind {
    ShareTicket,
    UnshareTicket,
    /// `share ticket with agent "<email>"`.
    ShareWithAgent,
    /// `unshare ticket from agent "<email>"`.
    UnshareFromAgent,
    AddTags,
    RemoveTags,
    SetTags,
    Set(SetField),
    SetCustomField(FieldKey),
    AddComment {
        public: bool,
    },
    Notify,
    /// A Zendesk action we load but do not run; the single argument is its JSON value.
    Zendesk(String),
    /// Words in action position that name no action.
    Unknown(String),
}
