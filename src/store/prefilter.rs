//! The indexable part of an automation's condition, as a parameterised SQL
//! `WHERE` over the `tickets` table (alias `t`): status, tags, time
//! windows and sharing state. A sweep reads only the tickets it lets
//! through and evaluates the whole condition on each in memory, so the
//! filter may let through more than match but never fewer.
//!
//! Each condition is translated to a [`Part`] that, for every ticket that
//! is not closed, passes whenever the condition holds; when it passes
//! exactly when the condition holds the part is *exact*. A test that SQL
//! cannot ask (a custom field, a regular expression) becomes "pass all"
//! (inexact), so an `Any` with one such child passes all, and a `Not`
//! only negates an exact part. Every fragment is written so that it is 0
//! or 1, never NULL: `NOT` of a NULL is NULL, which would drop tickets.
//!
//! Nothing from a rule is pasted into the SQL: statuses, tag names,
//! agreement names and time bounds are all `?` parameters. Text compared
//! ignoring case goes through the SQL functions the store registers
//! ([`SAME_TEXT`], [`NAMES`]), and a subject's text tests through
//! [`TEXT`]: they run the engine's own comparisons, so SQL and memory
//! agree on non-ASCII text too, and a ticket that fails them is never
//! loaded.
//!
//! The statuses the filter allows always come first, as
//! `t.status IN (…)`, even when the condition says nothing about status:
//! with it, the store's `(account, status, <time>)` indexes serve a time
//! window on its own as well as one with a status.

use super::codec::{tag_probe, time_value};
use crate::engine::automation;
use crate::engine::compile::Interner;
use crate::engine::condition::{
    ChannelOf, Cond, HoursOp, Scalar, ScalarOp, TagOp, Test, TextOf, TextTest, TicketState, Want,
};
use crate::engine::facts::Facts;
use crate::model::{Status, Ticket, Time};
use crate::rules::ast::TimeField;
use crate::rules::schema::{PRIORITIES, STATUSES, TYPES};

/// The SQL function `rules_same_text(have, want)`: 1 when text `have`
/// equals `want` (already lowercase) ignoring case, as
/// [`crate::engine::condition::same_text`] says; 0 when `have` is NULL.
pub const SAME_TEXT: &str = "rules_same_text";

/// The SQL function `rules_names(text, agreement, agreement_id)`: 1 when
/// a rule's agreement text names the agreement, as
/// [`crate::engine::condition::names`] says.
pub const NAMES: &str = "rules_names";

/// The SQL function `rules_text(text, test)`: 1 when `text`, lowercased,
/// passes the text test [`text_param`] wrote as `test`, as
/// [`crate::engine::condition::text_holds`] says.
pub const TEXT: &str = "rules_text";

/// Joins the words of a words test in [`text_param`]: no word that can
/// match has it, as words are runs of letters, digits, `_`, `-` and `'`.
const WORD_BREAK: char = '\n';

/// A text test as [`TEXT`]'s parameter: a letter for the kind, then the
/// text or the words; `None` for a regular expression, or words that
/// could not be told apart.
fn text_param(test: &TextTest) -> Option<String> {
    let words = |kind: char, words: &[String]| {
        let clean = words.iter().all(|w| !w.contains(WORD_BREAK));
        clean.then(|| format!("{kind}{}", words.join(&WORD_BREAK.to_string())))
    };
    match test {
        TextTest::Contains(text) => Some(format!("c{text}")),
        TextTest::DoesNotContain(text) => Some(format!("n{text}")),
        TextTest::AnyWords(list) => words('w', list),
        TextTest::NoWords(list) => words('x', list),
        TextTest::Matches(_) => None,
    }
}

/// The text test [`text_param`] wrote, read back.
pub fn text_test(param: &str) -> Option<TextTest> {
    let mut chars = param.chars();
    let kind = chars.next()?;
    let rest = chars.as_str();
    let words = || rest.split(WORD_BREAK).map(str::to_string).collect();
    Some(match kind {
        'c' => TextTest::Contains(rest.to_string()),
        'n' => TextTest::DoesNotContain(rest.to_string()),
        'w' => TextTest::AnyWords(words()),
        'x' => TextTest::NoWords(words()),
        _ => return None,
    })
}

/// A value bound to a `?` of [`SqlFilter::sql`], in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlParam {
    Int(i64),
    Text(String),
}

/// A `WHERE` fragment and its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlFilter {
    /// Over `tickets t`; `0` lets no ticket through. Starts with the
    /// statuses allowed (all but `closed` when the condition names none).
    pub sql: String,
    pub params: Vec<SqlParam>,
    /// The fragment is the whole condition: every ticket it lets through
    /// matches, so counting needs no evaluation.
    pub exact: bool,
}

/// The filter for a condition at time `at` (`None`: no condition).
pub fn prefilter(cond: Option<&Cond>, interner: &Interner, at: Time) -> SqlFilter {
    let cx = Cx::new(interner, at);
    let (part, exact) = match cond {
        Some(cond) => translate(cond, &cx),
        None => (Part::Const(true), true),
    };
    let mut out = Sql::default();
    out.top(part);
    SqlFilter {
        sql: out.sql,
        params: out.params,
        exact,
    }
}

/// An enum column of `tickets`; a set of its values is a bit mask by
/// ordinal (`Status::Open as u8` is bit 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Status,
    Priority,
    Type,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::Status => "t.status",
            Column::Priority => "t.priority",
            Column::Type => "t.type",
        }
    }

    fn values(self) -> &'static [&'static str] {
        match self {
            Column::Status => STATUSES,
            Column::Priority => PRIORITIES,
            Column::Type => TYPES,
        }
    }

    /// Every value a ticket in a sweep can have. A sweep never sees a
    /// closed ticket, so for status "every value" leaves `closed` out.
    fn domain(self) -> u8 {
        let all = (1u8 << self.values().len()) - 1;
        match self {
            Column::Status => all & !(1 << Status::Closed as u8),
            _ => all,
        }
    }

    fn nullable(self) -> bool {
        self != Column::Status
    }
}

/// A translated condition: passes, on a ticket that is not closed,
/// whenever the condition holds. Every form renders to SQL that is 0 or 1.
#[derive(Debug, PartialEq)]
enum Part {
    Const(bool),
    /// The column's value is in the mask, or NULL when the flag says so.
    Enum(Column, u8, bool),
    /// A time column within an inclusive range of nanoseconds (`None`:
    /// unbounded); a NULL time is never within.
    Range(&'static str, Option<i64>, Option<i64>),
    /// Any other test: SQL that is 0 or 1, and its parameters in order.
    Sql(String, Vec<SqlParam>),
    And(Vec<Part>),
    Or(Vec<Part>),
    Not(Box<Part>),
}

/// An enum set, with an empty or full set as a constant.
fn enum_set(column: Column, mask: u8, null: bool) -> Part {
    let mask = mask & column.domain();
    let null = null && column.nullable();
    if mask == 0 && !null {
        Part::Const(false)
    } else if mask == column.domain() && null == column.nullable() {
        Part::Const(true)
    } else {
        Part::Enum(column, mask, null)
    }
}

/// The conjunction of `parts`: nested ones flattened, sets of one column
/// intersected, constants folded.
fn and(parts: Vec<Part>) -> Part {
    combine(parts, true)
}

/// The disjunction of `parts`, as [`and`] with unions.
fn or(parts: Vec<Part>) -> Part {
    combine(parts, false)
}

fn combine(parts: Vec<Part>, all: bool) -> Part {
    let mut out: Vec<Part> = Vec::new();
    let mut pending = parts;
    while let Some(part) = pending.pop() {
        match part {
            // `x AND 1` is x; `x AND 0` is 0; the same for OR the other way.
            Part::Const(b) if b == all => {}
            Part::Const(b) => return Part::Const(b),
            Part::And(inner) if all => pending.extend(inner),
            Part::Or(inner) if !all => pending.extend(inner),
            Part::Enum(column, mask, null) => {
                let seen = out
                    .iter_mut()
                    .find(|p| matches!(p, Part::Enum(c, ..) if *c == column));
                let merged = match seen {
                    Some(Part::Enum(_, m, n)) if all => enum_set(column, *m & mask, *n && null),
                    Some(Part::Enum(_, m, n)) => enum_set(column, *m | mask, *n || null),
                    _ => {
                        out.push(Part::Enum(column, mask, null));
                        continue;
                    }
                };
                out.retain(|p| !matches!(p, Part::Enum(c, ..) if *c == column));
                // Fold it again: it may have become a constant.
                pending.push(merged);
            }
            other => out.push(other),
        }
    }
    // Popping reversed the order; keep the condition's, for readable SQL.
    out.reverse();
    match out.len() {
        0 => Part::Const(all),
        1 => out.pop().unwrap_or(Part::Const(all)),
        _ if all => Part::And(out),
        _ => Part::Or(out),
    }
}

/// The negation of an exact part.
fn not(part: Part) -> Part {
    match part {
        Part::Const(b) => Part::Const(!b),
        Part::Enum(column, mask, null) => enum_set(column, !mask, !null),
        Part::Not(inner) => *inner,
        other => Part::Not(Box::new(other)),
    }
}

/// What translating needs: the tags' names, the time, and the facts of
/// an automation's probe update on a blank ticket, for the tests whose
/// answer is the same on every ticket.
struct Cx<'a> {
    interner: &'a Interner,
    /// `at` as stored, if the store can hold it.
    now: Option<i64>,
    blank: Ticket,
    probe: crate::model::Update,
    at: Time,
}

impl<'a> Cx<'a> {
    fn new(interner: &'a Interner, at: Time) -> Cx<'a> {
        let blank = Ticket::new("", 0, "", at);
        let probe = automation::update(&blank, "", at, String::new());
        Cx {
            interner,
            now: time_value(&at),
            blank,
            probe,
            at,
        }
    }

    /// A test that reads only the update, as an automation's probe has it.
    fn on_probe(&self, test: &Test) -> Part {
        let facts = Facts::new(
            self.interner,
            &self.blank,
            Some(&self.blank),
            &self.probe,
            self.at,
        );
        Part::Const(test.holds(&facts))
    }
}

/// The part for a condition and whether it is exact.
fn translate(cond: &Cond, cx: &Cx) -> (Part, bool) {
    match cond {
        Cond::All(items) | Cond::Any(items) => {
            let mut exact = true;
            let parts = items
                .iter()
                .map(|c| {
                    let (part, e) = translate(c, cx);
                    exact &= e;
                    part
                })
                .collect();
            if matches!(cond, Cond::All(_)) {
                let part = and(parts);
                // Nothing passes, so nothing holds: exact whatever the rest.
                let exact = exact || part == Part::Const(false);
                (part, exact)
            } else {
                (or(parts), exact)
            }
        }
        Cond::Not(inner, _) => match translate(inner, cx) {
            (part, true) => (not(part), true),
            _ => (Part::Const(true), false),
        },
        Cond::Leaf(leaf) => match test_part(&leaf.test, cx) {
            Some(part) => (part, true),
            None => (Part::Const(true), false),
        },
    }
}

/// The exact part for a test, or `None` when SQL cannot ask it.
fn test_part(test: &Test, cx: &Cx) -> Option<Part> {
    Some(match test {
        // An automation's update is the same for every ticket: no
        // comment, no actor, `update via` rule, never a create.
        Test::Ticket(TicketState::Created | TicketState::Updated, _)
        | Test::Channel(ChannelOf::UpdateVia, ..)
        | Test::Text(TextOf::Comment, _)
        | Test::Comment(_)
        | Test::Role(..)
        | Test::Never(_) => cx.on_probe(test),
        Test::Ticket(TicketState::Shared, is) => {
            let shared = exists(SHARES, " AND s.active = 1", Vec::new());
            if *is {
                shared
            } else {
                not(shared)
            }
        }
        Test::Channel(ChannelOf::Source, channel, is) => {
            let via = Part::Sql("t.via = ?".into(), vec![text(channel)]);
            if *is {
                via
            } else {
                not(via)
            }
        }
        Test::Scalar(field, op, want) => scalar_part(field, *op, want, cx)?,
        Test::Tags(op, ids) => tags_part(*op, ids, cx.interner)?,
        Test::Text(TextOf::Subject, test) => Part::Sql(
            format!("{TEXT}(t.subject, ?)"),
            vec![SqlParam::Text(text_param(test)?)],
        ),
        Test::SharedWith(name) => exists(
            SHARES,
            &format!(" AND s.direction = 'sent' AND s.active = 1 AND {NAMES}(?, s.agreement, s.agreement_id)"),
            vec![text(name)],
        ),
        // `Ticket::received`, active or not.
        Test::ReceivedFrom(name) => exists(
            SHARES,
            &format!(" AND s.direction = 'received' AND {NAMES}(?, s.agreement, s.agreement_id)"),
            vec![text(name)],
        ),
        Test::SharedWithAgent(email, is) => {
            let shared = exists(AGENTS, " AND a.email = ?", vec![text(email)]);
            if *is {
                shared
            } else {
                not(shared)
            }
        }
        Test::Hours(since, op, n) => hours_part(*since, *op, *n, cx.now?),
    })
}

const SHARES: &str = "shares s WHERE s.account = t.account AND s.ticket_id = t.id";
const AGENTS: &str = "agent_shares a WHERE a.account = t.account AND a.ticket_id = t.id";

/// `EXISTS (SELECT 1 FROM <from><more>)`: never NULL.
fn exists(from: &str, more: &str, params: Vec<SqlParam>) -> Part {
    Part::Sql(format!("EXISTS (SELECT 1 FROM {from}{more})"), params)
}

fn text(value: &str) -> SqlParam {
    SqlParam::Text(value.to_string())
}

/// `?, ?, ?` for `n` values.
fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

fn tags_part(op: TagOp, ids: &[u32], interner: &Interner) -> Option<Part> {
    let mut names = ids
        .iter()
        .map(|id| interner.name(*id))
        .collect::<Option<Vec<&str>>>()?;
    names.sort_unstable();
    names.dedup();
    let names: Vec<SqlParam> = names.into_iter().map(|n| text(&tag_probe(n))).collect();
    // The tags column (migration 8) holds ` a b c `: one `instr` a tag.
    let any = |names: Vec<SqlParam>| match names.len() {
        0 => Part::Const(false),
        n => Part::Sql(
            format!("({})", vec!["instr(t.tags, ?) > 0"; n].join(" OR ")),
            names,
        ),
    };
    Some(match op {
        TagOp::Any => any(names),
        TagOp::None => not(any(names)),
        TagOp::All => and(names.into_iter().map(|name| any(vec![name])).collect()),
    })
}

fn scalar_part(field: &Scalar, op: ScalarOp, want: &Want, cx: &Cx) -> Option<Part> {
    let column = match field {
        Scalar::Status => Some(Column::Status),
        Scalar::Priority => Some(Column::Priority),
        Scalar::Type => Some(Column::Type),
        _ => None,
    };
    let is = match op {
        ScalarOp::Is | ScalarOp::IsNot => true,
        ScalarOp::Less | ScalarOp::Greater | ScalarOp::Present | ScalarOp::NotPresent => false,
        // The probe's "ticket before" is the ticket itself: nothing changed.
        _ => return Some(cx.on_probe(&Test::Scalar(field.clone(), op, want.clone()))),
    };
    let part = match column {
        Some(column) => enum_part(column, op, want),
        None => text_part(field, op, want)?,
    };
    Some(if is && op == ScalarOp::IsNot {
        not(part)
    } else {
        part
    })
}

/// An enum field's test; `is not` is the caller's negation of `is`.
fn enum_part(column: Column, op: ScalarOp, want: &Want) -> Part {
    let all = u8::MAX;
    let bit = |n: u8| 1u8.checked_shl(n.into()).unwrap_or(0);
    match (op, want) {
        (ScalarOp::Is | ScalarOp::IsNot, Want::Ord(Some(n))) => enum_set(column, bit(*n), false),
        (ScalarOp::Is | ScalarOp::IsNot, Want::Ord(None)) => enum_set(column, 0, true),
        // Below `n`: the bits under n's.
        (ScalarOp::Less, Want::Ord(Some(n))) => enum_set(column, bit(*n).wrapping_sub(1), false),
        (ScalarOp::Greater, Want::Ord(Some(n))) => {
            enum_set(column, all & !bit(*n).wrapping_sub(1) & !bit(*n), false)
        }
        (ScalarOp::Present, _) => enum_set(column, all, false),
        (ScalarOp::NotPresent, _) => enum_set(column, 0, true),
        // Compared with text, nothing, or `(none)` by order: never holds.
        _ => Part::Const(false),
    }
}

/// A text field's test (`group is "Tier 2"`); `None` for a custom field.
fn text_part(field: &Scalar, op: ScalarOp, want: &Want) -> Option<Part> {
    let column = match field {
        Scalar::Group => "t.group_name",
        Scalar::Assignee => "t.assignee",
        Scalar::Requester => "t.requester",
        Scalar::Organization => "t.organization",
        Scalar::Brand => "t.brand",
        _ => return None,
    };
    let null = || Part::Sql(format!("{column} IS NULL"), Vec::new());
    Some(match (op, want) {
        (ScalarOp::Is | ScalarOp::IsNot, Want::Text(Some(w))) => {
            Part::Sql(format!("{SAME_TEXT}({column}, ?)"), vec![text(w)])
        }
        (ScalarOp::Is | ScalarOp::IsNot, Want::Text(None)) => null(),
        // Compares two columns of the ticket: asked in memory.
        (ScalarOp::Is | ScalarOp::IsNot, Want::Requester) => return None,
        (ScalarOp::Present, _) => not(null()),
        (ScalarOp::NotPresent, _) => null(),
        // `current user` (an automation's update has no actor), nothing,
        // or an order on text: never holds.
        _ => Part::Const(false),
    })
}

const NANOS: i128 = 1_000_000_000;

/// The least `d = at - time`, in nanoseconds, with `hours_since >= n`.
///
/// `hours_since` is `d.num_seconds().div_euclid(3600)`, and `num_seconds`
/// truncates toward zero: it is `s >= k` exactly when `d >= k` seconds
/// for `k >= 1`, but when `d > k - 1` seconds for `k <= 0` (-0.5 s counts
/// as 0 s). Whole hours then floor, so `hours >= n` is `s >= 3600 n`.
fn least_span(n: i128) -> i128 {
    let k = n * 3600;
    if k >= 1 {
        k * NANOS
    } else {
        (k - 1) * NANOS + 1
    }
}

/// `hours since X` as a range on X's column: `hours >= n` is
/// `X <= now - least_span(n)`, and the hours only fall as X grows.
fn hours_part(since: TimeField, op: HoursOp, n: i64, now: i64) -> Part {
    if since == TimeField::Closed {
        return Part::Const(false);
    }
    let (now, n) = (i128::from(now), i128::from(n));
    // The latest X with `hours >= m`.
    let latest = |m: i128| now - least_span(m);
    let (low, high) = match op {
        HoursOp::Is => (Some(latest(n + 1) + 1), Some(latest(n))),
        HoursOp::Less => (Some(latest(n) + 1), None),
        HoursOp::Greater => (None, Some(latest(n + 1))),
    };
    let (min, max) = (i128::from(i64::MIN), i128::from(i64::MAX));
    // A bound past what a column can hold bounds nothing, or everything.
    let low = match low {
        Some(l) if l > max => return Part::Const(false),
        Some(l) if l > min => i64::try_from(l).ok(),
        _ => None,
    };
    let high = match high {
        Some(h) if h < min => return Part::Const(false),
        Some(h) if h < max => i64::try_from(h).ok(),
        _ => None,
    };
    if let (Some(l), Some(h)) = (low, high) {
        if l > h {
            return Part::Const(false);
        }
    }
    Part::Range(time_column(since), low, high)
}

fn time_column(since: TimeField) -> &'static str {
    match since {
        TimeField::Created => "t.created_at",
        TimeField::Updated => "t.updated_at",
        TimeField::Solved => "t.solved_at",
        TimeField::Pending => "t.pending_at",
        TimeField::Open => "t.open_at",
        TimeField::StatusChanged => "t.status_changed_at",
        TimeField::Assigned => "t.assigned_at",
        TimeField::RequesterUpdated => "t.requester_updated_at",
        TimeField::AssigneeUpdated => "t.assignee_updated_at",
        // `hours_part` answers before asking for a column.
        TimeField::Closed => "NULL",
    }
}

/// SQL being written and the parameters of its `?`s so far.
#[derive(Default)]
struct Sql {
    sql: String,
    params: Vec<SqlParam>,
}

impl Sql {
    /// The whole filter: the allowed statuses first, so that an index on
    /// `(account, status, …)` applies, then the other conjuncts.
    fn top(&mut self, part: Part) {
        let mut parts = match part {
            Part::Const(false) => {
                self.sql.push('0');
                return;
            }
            Part::Const(true) => Vec::new(),
            Part::And(parts) => parts,
            other => vec![other],
        };
        let statuses = parts
            .iter()
            .position(|p| matches!(p, Part::Enum(Column::Status, ..)));
        let status = match statuses {
            Some(i) => parts.remove(i),
            None => Part::Enum(Column::Status, Column::Status.domain(), false),
        };
        self.part(&status);
        for part in &parts {
            self.sql.push_str(" AND ");
            self.part(part);
        }
    }

    fn part(&mut self, part: &Part) {
        match part {
            Part::Const(b) => self.sql.push(if *b { '1' } else { '0' }),
            Part::Enum(column, mask, null) => self.enum_in(*column, *mask, *null),
            Part::Range(column, low, high) => {
                // The NULL test first: `0 AND NULL` is 0, so a NULL time
                // makes the whole range 0, never NULL.
                self.sql.push_str(&format!("({column} IS NOT NULL"));
                if let Some(low) = low {
                    self.sql.push_str(&format!(" AND {column} >= ?"));
                    self.params.push(SqlParam::Int(*low));
                }
                if let Some(high) = high {
                    self.sql.push_str(&format!(" AND {column} <= ?"));
                    self.params.push(SqlParam::Int(*high));
                }
                self.sql.push(')');
            }
            Part::Sql(sql, params) => {
                self.sql.push('(');
                self.sql.push_str(sql);
                self.sql.push(')');
                self.params.extend(params.iter().cloned());
            }
            Part::And(parts) | Part::Or(parts) => {
                let joiner = if matches!(part, Part::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                self.sql.push('(');
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        self.sql.push_str(joiner);
                    }
                    self.part(p);
                }
                self.sql.push(')');
            }
            Part::Not(inner) => {
                self.sql.push_str("NOT ");
                self.part(inner);
            }
        }
    }

    /// `col IN (…)`, with `col IS NULL` when NULL is in the set. A NULL
    /// column makes `IN` NULL, so a nullable column is tested first.
    fn enum_in(&mut self, column: Column, mask: u8, null: bool) {
        let col = column.name();
        let values: Vec<&str> = column
            .values()
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, v)| *v)
            .collect();
        let list = format!("{col} IN ({})", marks(values.len()));
        let sql = match (values.is_empty(), null, column.nullable()) {
            (true, true, _) => format!("{col} IS NULL"),
            (true, false, _) => "0".to_string(),
            (false, _, false) => list,
            (false, true, true) => format!("({col} IS NULL OR {list})"),
            (false, false, true) => format!("({col} IS NOT NULL AND {list})"),
        };
        self.sql.push_str(&sql);
        self.params.extend(values.into_iter().map(text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{compile, Input};
    use crate::rules::{load_str, Syntax};
    use chrono::{Duration, TimeZone, Utc};

    fn at() -> Time {
        Utc.with_ymd_and_hms(2026, 3, 10, 12, 30, 0).unwrap()
    }

    fn nanos(time: Time) -> SqlParam {
        SqlParam::Int(time_value(&time).unwrap())
    }

    /// The filter of an automation with this `when`, at [`at`].
    fn filter(when: &str) -> SqlFilter {
        let text = format!("automation \"a\" {{\n  when {when}\n  then Add tags x\n}}\n");
        let loaded = load_str("a.rules", text, Syntax::Dsl);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let set = compile(&[Input {
            source: &loaded.source,
            file: &loaded.file,
        }]);
        prefilter(set.automations[0].cond.as_ref(), &set.interner, at())
    }

    fn statuses(names: &[&str]) -> Vec<SqlParam> {
        names.iter().map(|s| text(s)).collect()
    }

    const OPEN: &[&str] = &["new", "open", "pending", "hold", "solved"];

    #[test]
    fn a_status_and_a_window_are_one_index_range() {
        let f = filter("Status is Solved and Hours since solved greater than 24");
        assert_eq!(
            f.sql,
            "t.status IN (?) AND (t.solved_at IS NOT NULL AND t.solved_at <= ?)"
        );
        // More than 24 whole hours: at least 25 hours before `at`.
        let latest = at() - Duration::hours(25);
        assert_eq!(f.params, [text("solved"), nanos(latest)]);
        assert!(f.exact);
    }

    #[test]
    fn is_n_is_the_hour_where_the_count_is_n() {
        let f = filter("Status is pending and Hours since pending is 48");
        let earliest = at() - Duration::hours(49) + Duration::nanoseconds(1);
        let latest = at() - Duration::hours(48);
        assert_eq!(f.params, [text("pending"), nanos(earliest), nanos(latest)]);
        assert!(
            f.sql.contains("t.pending_at >= ? AND t.pending_at <= ?"),
            "{}",
            f.sql
        );
    }

    #[test]
    fn within_a_second_after_at_is_zero_hours() {
        // `num_seconds` truncates toward zero: -0.9 s is 0 s, so 0 hours.
        let f = filter("Hours since updated is 0");
        let oldest = at() - Duration::hours(1) + Duration::nanoseconds(1);
        let newest = at() + Duration::seconds(1) - Duration::nanoseconds(1);
        assert_eq!(f.params[OPEN.len()..], [nanos(oldest), nanos(newest)]);
    }

    #[test]
    fn no_condition_lets_every_open_ticket_through() {
        let loaded = load_str("a.rules", String::new(), Syntax::Dsl);
        let set = compile(&[Input {
            source: &loaded.source,
            file: &loaded.file,
        }]);
        let f = prefilter(None, &set.interner, at());
        assert_eq!(f.sql, "t.status IN (?, ?, ?, ?, ?)");
        assert_eq!(f.params, statuses(OPEN));
        assert!(f.exact);
    }

    #[test]
    fn tags_are_found_in_the_row_and_sharing_by_subquery() {
        let f = filter(
            "Tags contains all of vip lens and Tags contains none of spam and Ticket is shared",
        );
        assert!(f.exact);
        assert_eq!(f.sql.matches("instr(t.tags, ?) > 0").count(), 3);
        assert!(f.sql.contains("NOT ((instr(t.tags, ?) > 0))"), "{}", f.sql);
        assert!(f.sql.contains("s.active = 1"), "{}", f.sql);
        assert_eq!(
            f.params[OPEN.len()..],
            // Tag names sorted: the same rule text makes the same SQL.
            [text(" lens "), text(" vip "), text(" spam ")]
        );
    }

    #[test]
    fn what_sql_cannot_ask_lets_everything_through() {
        let regex = "Subject matches /cam(era)?/";
        let f = filter(&format!("Status is open or {regex}"));
        assert_eq!(f.sql, "t.status IN (?, ?, ?, ?, ?)");
        assert!(!f.exact);
        // Not cannot negate what passes more than it should.
        let f = filter(&format!(
            "Status is open and not (Status is solved and {regex})"
        ));
        assert_eq!(f.sql, "t.status IN (?)");
        assert!(!f.exact);
        // And keeps what it can.
        let f = filter(&format!("Status is open and {regex}"));
        assert_eq!(f.sql, "t.status IN (?)");
        assert!(!f.exact);
    }

    #[test]
    fn a_subject_text_test_is_asked_in_sql() {
        let f = filter("Status is open and Subject contains any of the words Order refund");
        assert_eq!(f.sql, format!("t.status IN (?) AND ({TEXT}(t.subject, ?))"));
        assert_eq!(f.params, [text("open"), text("worder\nrefund")]);
        assert!(f.exact);
        let f = filter("not Subject does not contain \"Lens\"");
        assert!(
            f.sql.contains(&format!("NOT ({TEXT}(t.subject, ?))")),
            "{}",
            f.sql
        );
        assert!(f.exact);
        for test in [
            TextTest::Contains("a\nb".into()),
            TextTest::DoesNotContain(String::new()),
            TextTest::AnyWords(vec!["x".into(), "y-z".into()]),
            TextTest::NoWords(vec!["caf\u{e9}".into()]),
        ] {
            let param = text_param(&test).unwrap();
            let back = text_test(&param).unwrap();
            assert_eq!(format!("{back:?}"), format!("{test:?}"));
        }
        // Words that could not be told apart stay in memory.
        assert_eq!(text_param(&TextTest::AnyWords(vec!["a\nb".into()])), None);
    }

    #[test]
    fn status_sets_combine_and_a_closed_status_matches_nothing() {
        let f = filter("Status less than hold and not Status is new");
        assert_eq!(f.params, statuses(&["open", "pending"]));
        assert!(f.exact);
        let f = filter("Status is closed");
        assert_eq!((f.sql.as_str(), f.exact), ("0", true));
        let f = filter("Status is open and Status is solved and Subject contains camera");
        assert_eq!((f.sql.as_str(), f.exact), ("0", true));
        let f = filter("Status is open or Status greater than hold");
        assert_eq!(f.params, statuses(&["open", "solved"]));
    }

    #[test]
    fn rule_text_is_only_ever_a_parameter() {
        let evil = "x'); DROP TABLE tickets; --";
        let f = filter(&format!(
            "Shared with \"{evil}\" or Group is \"{evil}\" or Tags contains at least one of \"{evil}\""
        ));
        assert!(!f.sql.contains("DROP"), "{}", f.sql);
        assert!(f.params.contains(&text(evil)), "{:?}", f.params);
        assert!(
            f.params.contains(&text(&evil.to_lowercase())),
            "{:?}",
            f.params
        );
    }

    #[test]
    fn extreme_hours_and_times_never_panic() {
        let now = time_value(&at()).unwrap();
        for n in [i64::MIN, -1, 0, 1, i64::MAX] {
            for op in [HoursOp::Is, HoursOp::Less, HoursOp::Greater] {
                for now in [i64::MIN, now, i64::MAX] {
                    let _ = hours_part(TimeField::Created, op, n, now);
                }
            }
        }
        assert_eq!(
            hours_part(TimeField::Created, HoursOp::Greater, i64::MAX, now),
            Part::Const(false)
        );
        assert_eq!(
            hours_part(TimeField::Created, HoursOp::Less, i64::MAX, now),
            Part::Range("t.created_at", None, None)
        );
        // A time the store cannot hold: the window stays in memory.
        let loaded = load_str(
            "a.rules",
            "automation \"a\" { when Hours since created is 1 then Add tags x }".into(),
            Syntax::Dsl,
        );
        let set = compile(&[Input {
            source: &loaded.source,
            file: &loaded.file,
        }]);
        let f = prefilter(
            set.automations[0].cond.as_ref(),
            &set.interner,
            Time::MAX_UTC,
        );
        assert!(!f.exact);
    }
}
