//! Compiled conditions: each AST condition becomes a [`Test`] with its
//! operand resolved once (statuses to ordinals, tags to interned ids,
//! regexes compiled, names lowercased), then evaluated many times.

use super::facts::Facts;
use crate::model::ticket::value_text;
use crate::model::{Ticket, Time};
use crate::rules::ast::TimeField;
use regex::Regex;
use std::borrow::Cow;

/// A compiled condition expression.
#[derive(Debug)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    /// `not …`, with the negated expression's text for explanations.
    Not(Box<Cond>, String),
    Leaf(Box<Leaf>),
}

/// One condition: what it tests and how it was written.
#[derive(Debug)]
pub struct Leaf {
    pub test: Test,
    /// The condition in the canonical DSL.
    pub text: String,
    /// The field's DSL phrase (`status`, `custom field "Model"`).
    pub field: String,
}

/// What `ticket is …` asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketState {
    Created,
    Updated,
    Shared,
}

/// Which channel a channel condition reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelOf {
    Source,
    UpdateVia,
}

/// A ticket property with one value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    Status,
    Priority,
    Type,
    Group,
    Assignee,
    Requester,
    Organization,
    Brand,
    /// By lowercased title.
    Custom(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarOp {
    Is,
    IsNot,
    Less,
    Greater,
    Changed,
    NotChanged,
    ChangedTo,
    ChangedFrom,
    NotChangedTo,
    NotChangedFrom,
    Present,
    NotPresent,
}

/// A scalar condition's operand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Want {
    Nothing,
    /// An enum value's ordinal; `None` is `(none)`.
    Ord(Option<u8>),
    /// A name or value, lowercased; `None` is `(none)`.
    Text(Option<String>),
    /// `current user`: the update's actor.
    CurrentUser,
    /// `requester` (on the assignee): the ticket's requester.
    Requester,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagOp {
    Any,
    All,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextOf {
    Subject,
    Comment,
}

#[derive(Debug)]
pub enum TextTest {
    Contains(String),
    DoesNotContain(String),
    AnyWords(Vec<String>),
    NoWords(Vec<String>),
    Matches(Regex),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoursOp {
    Is,
    Less,
    Greater,
}

/// A compiled test.
#[derive(Debug)]
pub enum Test {
    Ticket(TicketState, bool),
    Channel(ChannelOf, &'static str, bool),
    Scalar(Scalar, ScalarOp, Want),
    Tags(TagOp, Vec<u32>),
    Text(TextOf, TextTest),
    /// `comment is public` (`Some(true)`), `private`, or `any` (`None`).
    Comment(Option<bool>),
    /// `role is end user | agent`, and whether `is` (true) or `is not`.
    Role(&'static str, bool),
    SharedWith(String),
    ReceivedFrom(String),
    /// `ticket is [not] shared with agent`: the lowercased email, and
    /// whether `is` (true) or `is not`.
    SharedWithAgent(String, bool),
    Hours(TimeField, HoursOp, i64),
    /// A condition that cannot be evaluated (Zendesk passthrough): never holds.
    Never(String),
}

/// A scalar's value on a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Val<'a> {
    Ord(Option<u8>),
    Text(Option<Cow<'a, str>>),
}

impl Val<'_> {
    fn is_none(&self) -> bool {
        matches!(self, Val::Ord(None) | Val::Text(None))
    }

    fn shown(&self, field: &Scalar) -> String {
        match self {
            Val::Ord(Some(n)) => ordinal_name(field, *n).to_string(),
            Val::Text(Some(t)) => t.to_string(),
            _ => "(none)".into(),
        }
    }
}

/// The name of an enum field's ordinal.
fn ordinal_name(field: &Scalar, n: u8) -> &'static str {
    use crate::rules::schema::{PRIORITIES, STATUSES, TYPES};
    let table = match field {
        Scalar::Status => STATUSES,
        Scalar::Priority => PRIORITIES,
        _ => TYPES,
    };
    table.get(n as usize).copied().unwrap_or("")
}

fn read<'a>(field: &Scalar, t: Option<&'a Ticket>) -> Val<'a> {
    let Some(t) = t else {
        return match field {
            Scalar::Status | Scalar::Priority | Scalar::Type => Val::Ord(None),
            _ => Val::Text(None),
        };
    };
    let text = |v: &'a Option<String>| Val::Text(v.as_deref().map(Cow::Borrowed));
    match field {
        Scalar::Status => Val::Ord(Some(t.status as u8)),
        Scalar::Priority => Val::Ord(t.priority.map(|p| p as u8)),
        Scalar::Type => Val::Ord(t.ticket_type.map(|p| p as u8)),
        Scalar::Group => text(&t.group),
        Scalar::Assignee => text(&t.assignee),
        Scalar::Requester => text(&t.requester),
        Scalar::Organization => text(&t.organization),
        Scalar::Brand => text(&t.brand),
        Scalar::Custom(key) => Val::Text(
            t.custom_fields
                .get(key)
                .map(|f| value_text(&f.value))
                .filter(|s| !s.is_empty())
                .map(Cow::Owned),
        ),
    }
}

/// Text equality ignoring case; `want` is already lowercase.
pub fn same_text(have: &str, want: &str) -> bool {
    // One pass while `have` is ASCII: lowercasing an ASCII prefix keeps
    // its bytes where they are, so a byte that differs there decides.
    let want = want.as_bytes();
    for (i, b) in have.bytes().enumerate() {
        if !b.is_ascii() {
            return have.to_lowercase().as_bytes() == want;
        }
        if want.get(i) != Some(&b.to_ascii_lowercase()) {
            return false;
        }
    }
    have.len() == want.len()
}

fn equals(val: &Val, want: &Want, facts: &Facts) -> bool {
    match (val, want) {
        (Val::Ord(v), Want::Ord(w)) => v == w,
        (Val::Text(v), Want::Text(w)) => match (v, w) {
            (Some(v), Some(w)) => same_text(v, w),
            (None, None) => true,
            _ => false,
        },
        (Val::Text(Some(v)), Want::CurrentUser) => facts
            .current_user()
            .is_some_and(|u| same_text(v, &u.to_lowercase())),
        (Val::Text(Some(v)), Want::Requester) => facts
            .ticket
            .requester
            .as_deref()
            .is_some_and(|r| same_text(v, &r.to_lowercase())),
        _ => false,
    }
}

fn less(val: &Val, want: &Want) -> Option<bool> {
    match (val, want) {
        (Val::Ord(Some(v)), Want::Ord(Some(w))) => Some(v < w),
        _ => None,
    }
}

impl Cond {
    /// Does the expression hold?
    pub fn holds(&self, facts: &Facts) -> bool {
        match self {
            Cond::All(items) => items.iter().all(|c| c.holds(facts)),
            Cond::Any(items) => items.iter().any(|c| c.holds(facts)),
            Cond::Not(inner, _) => !inner.holds(facts),
            Cond::Leaf(leaf) => leaf.test.holds(facts),
        }
    }
}

impl Test {
    pub fn holds(&self, facts: &Facts) -> bool {
        let t = facts.ticket;
        match self {
            Test::Ticket(state, want) => {
                let is = match state {
                    TicketState::Created => facts.is_create(),
                    TicketState::Updated => !facts.is_create(),
                    TicketState::Shared => t.is_shared(),
                };
                is == *want
            }
            Test::Channel(of, channel, want) => {
                let have = match of {
                    ChannelOf::Source => &t.via,
                    ChannelOf::UpdateVia => &facts.update.via,
                };
                (have == channel) == *want
            }
            Test::Scalar(field, op, want) => scalar_holds(field, *op, want, facts),
            Test::Tags(op, ids) => match op {
                TagOp::Any => ids.iter().any(|id| facts.has_tag(*id)),
                TagOp::All => ids.iter().all(|id| facts.has_tag(*id)),
                TagOp::None => !ids.iter().any(|id| facts.has_tag(*id)),
            },
            Test::Text(of, test) => {
                let text = match of {
                    TextOf::Subject => facts.subject(),
                    TextOf::Comment => facts.comment().unwrap_or(""),
                };
                text_holds(test, text)
            }
            Test::Comment(public) => facts
                .update
                .changes
                .the_comment()
                .is_some_and(|(_, p)| public.is_none_or(|want| p == want)),
            Test::Role(role, want) => {
                let have = facts.update.actor.as_ref().map(|a| a.role.as_condition());
                have.is_some_and(|r| (r == *role) == *want)
            }
            Test::SharedWith(name) => t
                .shares
                .iter()
                .any(|s| s.active && names(name, &s.agreement, s.agreement_id)),
            Test::ReceivedFrom(name) => t
                .received
                .as_ref()
                .is_some_and(|r| names(name, &r.agreement, r.agreement_id)),
            Test::SharedWithAgent(email, want) => t.agents.contains(email) == *want,
            Test::Hours(since, op, n) => match hours_since(t, *since, facts.now) {
                Some(h) => match op {
                    HoursOp::Is => h == *n,
                    HoursOp::Less => h < *n,
                    HoursOp::Greater => h > *n,
                },
                None => false,
            },
            Test::Never(_) => false,
        }
    }
}

/// Does a rule's agreement text name this agreement (name or id)?
pub fn names(text: &str, agreement: &str, id: i64) -> bool {
    same_text(agreement, &text.to_lowercase()) || id.to_string() == text
}

fn scalar_holds(field: &Scalar, op: ScalarOp, want: &Want, facts: &Facts) -> bool {
    let now = read(field, Some(facts.ticket));
    let before = || read(field, facts.before);
    match op {
        ScalarOp::Is => equals(&now, want, facts),
        ScalarOp::IsNot => !equals(&now, want, facts),
        ScalarOp::Less => less(&now, want) == Some(true),
        ScalarOp::Greater => less(&now, want) == Some(false) && !equals(&now, want, facts),
        ScalarOp::Changed => before() != now,
        ScalarOp::NotChanged => before() == now,
        ScalarOp::ChangedTo => before() != now && equals(&now, want, facts),
        ScalarOp::ChangedFrom => {
            let before = before();
            before != now && equals(&before, want, facts)
        }
        ScalarOp::NotChangedTo => !(before() != now && equals(&now, want, facts)),
        ScalarOp::NotChangedFrom => {
            let before = before();
            !(before != now && equals(&before, want, facts))
        }
        ScalarOp::Present => !now.is_none(),
        ScalarOp::NotPresent => now.is_none(),
    }
}

/// Does `text`, already lowercase, pass the test? (The store's sweep
/// asks it in SQL too.)
pub fn text_holds(test: &TextTest, text: &str) -> bool {
    match test {
        TextTest::Contains(s) => text.contains(s.as_str()),
        TextTest::DoesNotContain(s) => !text.contains(s.as_str()),
        TextTest::AnyWords(words) => words_in(text).any(|w| words.iter().any(|x| x == w)),
        TextTest::NoWords(words) => !words_in(text).any(|w| words.iter().any(|x| x == w)),
        TextTest::Matches(re) => re.is_match(text),
    }
}

/// The words of a text: runs of letters, digits, `_`, `-` and `'`.
fn words_in(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
}

/// Whole hours from a ticket's time to `now`.
pub fn hours_since(t: &Ticket, since: TimeField, now: Time) -> Option<i64> {
    let times = &t.times;
    let at = match since {
        TimeField::Created => times.created_at,
        TimeField::Updated => times.updated_at,
        TimeField::Solved => times.solved_at,
        TimeField::Pending => times.pending_at,
        TimeField::Open => times.open_at,
        TimeField::StatusChanged => times.status_changed_at,
        TimeField::Assigned => times.assigned_at,
        TimeField::RequesterUpdated => times.requester_updated_at,
        TimeField::AssigneeUpdated => times.assignee_updated_at,
        // No closed ticket is ever swept, so there is nothing to count from.
        TimeField::Closed => None,
    }?;
    Some((now - at).num_seconds().div_euclid(3600))
}

/// What a condition saw, in words: `status is solved`.
pub fn saw(leaf: &Leaf, facts: &Facts) -> String {
    let t = facts.ticket;
    let field = &leaf.field;
    match &leaf.test {
        Test::Ticket(TicketState::Shared, _) => {
            let not = if t.is_shared() { "" } else { "not " };
            format!("ticket is {not}shared")
        }
        Test::Ticket(..) => {
            let state = if facts.is_create() {
                "created"
            } else {
                "updated"
            };
            format!("ticket is {state}")
        }
        Test::Channel(of, ..) => {
            let have = match of {
                ChannelOf::Source => &t.via,
                ChannelOf::UpdateVia => &facts.update.via,
            };
            format!("{field} is {have}")
        }
        Test::Scalar(scalar, op, _) => scalar_saw(field, scalar, *op, facts),
        Test::Tags(..) if t.tags.is_empty() => "ticket has no tags".into(),
        Test::Tags(..) => {
            format!("tags are {}", t.tags.joined())
        }
        Test::Text(TextOf::Subject, _) => format!("subject is {:?}", t.subject),
        Test::Text(TextOf::Comment, _) | Test::Comment(_) => {
            match facts.update.changes.the_comment() {
                None => "this update has no comment".into(),
                Some((_, public)) if matches!(leaf.test, Test::Comment(_)) => {
                    format!("comment is {}", if public { "public" } else { "private" })
                }
                Some((body, _)) => format!("comment text is {body:?}"),
            }
        }
        Test::Role(..) => match &facts.update.actor {
            Some(a) => format!("role is {}", a.role.as_condition()),
            None => "the update has no actor".into(),
        },
        Test::SharedWith(_) => match t.shares.iter().rev().find(|s| s.active) {
            Some(s) => format!("ticket is shared with {:?}", s.agreement),
            None => "ticket is not shared".into(),
        },
        Test::ReceivedFrom(_) => match &t.received {
            Some(r) => format!("ticket was received from {:?}", r.agreement),
            None => "ticket was not received from a partner".into(),
        },
        Test::SharedWithAgent(..) if t.agents.is_empty() => {
            "ticket is not shared with any agent".into()
        }
        Test::SharedWithAgent(..) => {
            let agents: Vec<&str> = t.agents.iter().map(String::as_str).collect();
            format!("ticket is shared with agents {}", agents.join(" "))
        }
        Test::Hours(since, ..) => match hours_since(t, *since, facts.now) {
            Some(h) => format!("{field} is {h}"),
            None => format!(
                "ticket has no {} time",
                crate::rules::schema::time_field_name(*since)
            ),
        },
        Test::Never(why) => why.clone(),
    }
}

fn scalar_saw(field: &str, scalar: &Scalar, op: ScalarOp, facts: &Facts) -> String {
    let now = read(scalar, Some(facts.ticket));
    let changes = matches!(
        op,
        ScalarOp::Changed
            | ScalarOp::NotChanged
            | ScalarOp::ChangedTo
            | ScalarOp::ChangedFrom
            | ScalarOp::NotChangedTo
            | ScalarOp::NotChangedFrom
    );
    if !changes {
        return format!("{field} is {}", now.shown(scalar));
    }
    let before = read(scalar, facts.before);
    if before == now {
        format!("{field} did not change: it is {}", now.shown(scalar))
    } else {
        format!(
            "{field} changed from {} to {}",
            before.shown(scalar),
            now.shown(scalar)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::same_text;

    #[test]
    fn same_text_ignores_case_as_lowercasing_does() {
        assert!(same_text("Team 01", "team 01"));
        assert!(!same_text("Team 01", "team 05"));
        assert!(!same_text("Team 0", "team 01"));
        assert!(!same_text("Team 011", "team 01"));
        assert!(same_text("ÉQUIPE Été", "équipe été"));
        assert!(!same_text("XQUIPE Été", "équipe été"));
        assert!(same_text("", ""));
        assert!(!same_text("", "a"));
    }
}
