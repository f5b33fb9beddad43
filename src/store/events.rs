//! Events and what they left behind: the events table (each event once,
//! applied or rejected), the audit trail and the outbox, and `apply`, which
//! writes everything one applied event did.
//!
//! Every timestamp written here is the event's own `at`, never the wall
//! clock, so replaying the same events writes the same bytes.

use super::audits::{AuditLine, AuditRow};
use super::codec::{nanos, opt_nanos, opt_time_at, time_at, unreadable, unwritable};
use super::replies::{self, NewReply, ReplyState};
use super::tickets::{self, NewCommentRow, TicketWrite};
use super::users::{ensure_account, ensure_user, KnownUsers};
use super::StoreError;
use crate::engine::{Change, Outcome};
use crate::model::{Role, Ticket, Time, Update, UpdateKind};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// An event the engine ran, and what it did.
#[derive(Clone, Copy, Debug)]
pub struct Applied<'a> {
    pub event_id: &'a str,
    /// The event's line in its JSON Lines input, if it came from one.
    pub line: Option<usize>,
    /// The event as it was read, kept verbatim.
    pub payload: &'a str,
    pub update: &'a Update,
    /// The ticket as the store holds it before the event; `None` when the
    /// store has no such ticket yet.
    pub before: Option<&'a Ticket>,
    pub outcome: &'a Outcome,
}

/// An event that could not be applied. The caller names it even when the
/// event has no id of its own (from its line, say), so a replay finds it.
#[derive(Clone, Copy, Debug)]
pub struct Rejected<'a> {
    pub event_id: &'a str,
    pub line: Option<usize>,
    pub account: Option<&'a str>,
    pub ticket_id: Option<i64>,
    pub payload: &'a str,
    pub reason: &'a str,
    pub at: Option<Time>,
}

/// What became of an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum EventState {
    Applied,
    Rejected { reason: String },
}

/// A row of the events table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EventRecord {
    /// The order the store first saw events in; kept when an event that
    /// was rejected is applied later.
    pub seq: i64,
    pub event_id: String,
    pub account: Option<String>,
    pub ticket_id: Option<i64>,
    /// `create` or `update`; `None` for a rejected event.
    pub kind: Option<String>,
    pub line: Option<usize>,
    #[serde(flatten)]
    pub state: EventState,
    pub payload: String,
    pub at: Option<Time>,
}

/// Something for a transport to deliver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub event_id: String,
    pub account: String,
    pub ticket_id: i64,
    /// `notification` (a JSON [`crate::engine::Notification`]) or
    /// `agreement` (`{"sharing_agreement": {...}}`, a status change a
    /// remote partner is to hear of).
    pub kind: String,
    pub payload: String,
    pub created_at: Time,
    pub acked: bool,
    /// Sends the delivery worker has tried.
    #[serde(skip_serializing_if = "is_zero")]
    pub attempts: i64,
    /// Why the last send failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When the worker may try again (`None`: now).
    #[serde(skip)]
    pub next_attempt_at: Option<Time>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// The event row, as `upsert_event` writes it.
struct EventRow<'a> {
    event_id: &'a str,
    account: Option<&'a str>,
    ticket_id: Option<i64>,
    kind: Option<&'a str>,
    line: Option<usize>,
    state: &'a str,
    reason: Option<&'a str>,
    payload: &'a str,
    at: Option<i64>,
}

/// Writes an event row, keeping its `seq` when the event was seen before.
/// False, with nothing written, when the event is already applied: an
/// applied event is final.
fn upsert_event(conn: &Connection, row: &EventRow) -> rusqlite::Result<bool> {
    let written = conn
        .prepare_cached(
            "INSERT INTO events (event_id, account, ticket_id, kind, line, state, reason,
                 payload, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (event_id) DO UPDATE SET
                 account = excluded.account, ticket_id = excluded.ticket_id,
                 kind = excluded.kind, line = excluded.line, state = excluded.state,
                 reason = excluded.reason, payload = excluded.payload, at = excluded.at
             WHERE events.state <> 'applied'",
        )?
        .execute(params![
            row.event_id,
            row.account,
            row.ticket_id,
            row.kind,
            row.line,
            row.state,
            row.reason,
            row.payload,
            row.at,
        ])?;
    Ok(written > 0)
}

/// Writes everything an applied event did; see [`super::Store::apply`].
/// `unapplied`: this transaction has just read that the event is not
/// applied, so that is not read again.
///
/// Everything that can be wrong with the input is found before the first
/// write: the ids, values the store cannot hold, an event already applied,
/// and a `before` that does not match the store. So an error other than
/// [`StoreError::Sql`] leaves the store as it was.
pub(super) fn apply(
    conn: &Connection,
    path: &str,
    known: &mut KnownUsers,
    applied: &Applied,
    unapplied: bool,
) -> Result<(), StoreError> {
    let fail = |source| StoreError::Sql {
        path: path.to_string(),
        source,
    };
    let mismatch = |why: String| StoreError::Mismatch {
        path: path.to_string(),
        why,
    };
    let update = applied.update;
    let outcome = applied.outcome;
    let after = &outcome.after;
    let (account, id) = (after.account.as_str(), after.id);
    if update.account != account || update.ticket_id != id {
        return Err(mismatch(format!(
            "event `{}` updates ticket {} of `{}` but its outcome is ticket {id} of `{account}`",
            applied.event_id, update.ticket_id, update.account
        )));
    }
    if let Some(before) = applied.before {
        if before.account != account || before.id != id {
            return Err(mismatch(format!(
                "event `{}` has ticket {} of `{}` before and ticket {id} of `{account}` after",
                applied.event_id, before.id, before.account
            )));
        }
    }
    let unstorable = |err| unstorable(path, err);
    let at = nanos(&update.at).map_err(unstorable)?;
    let reply = scheduled(update).map_err(unstorable)?;
    let ticket = TicketWrite::new(applied.before, after).map_err(unstorable)?;
    let notifications = outcome
        .notifications
        .iter()
        .map(|n| {
            serde_json::to_string(n)
                .map_err(|err| unstorable(unwritable(format!("notification: {err}"))))
        })
        .collect::<Result<Vec<_>, _>>()?;

    let applied_before = || state(conn, applied.event_id).map(|s| s == Some(EventState::Applied));
    if !unapplied && applied_before().map_err(fail)? {
        return Err(StoreError::AlreadyApplied {
            path: path.to_string(),
            event_id: applied.event_id.to_string(),
        });
    }
    // A new ticket's account may be new too. When the ticket turns out to
    // exist after all, its account does, so this wrote nothing.
    if applied.before.is_none() {
        ensure_account(conn, account).map_err(fail)?;
    }
    // The ticket row is the first real write, and the last check.
    if !ticket.write(conn).map_err(fail)? {
        return Err(mismatch(if applied.before.is_some() {
            format!("ticket {id} of `{account}` is not in the store")
        } else {
            format!("ticket {id} of `{account}` is already in the store")
        }));
    }
    write_rest(conn, known, applied, at, &notifications).map_err(fail)?;
    write_replies(conn, applied, at, reply.as_ref()).map_err(fail)?;
    let event = EventRow {
        event_id: applied.event_id,
        account: Some(account),
        ticket_id: Some(id),
        kind: Some(match update.kind {
            UpdateKind::Create => "create",
            UpdateKind::Update => "update",
        }),
        line: applied.line,
        state: "applied",
        reason: None,
        payload: applied.payload,
        at: Some(at),
    };
    // Cannot find the event applied: that was checked above, in this
    // transaction.
    upsert_event(conn, &event).map_err(fail)?;
    Ok(())
}

/// The reply an update schedules, converted for the store before the
/// first write (its time may be out of the store's range); `None` when it
/// schedules none or has no actor to post it as.
fn scheduled(update: &Update) -> rusqlite::Result<Option<NewReply<'_>>> {
    let (Some(reply), Some(actor)) = (&update.changes.schedule_reply, &update.actor) else {
        return Ok(None);
    };
    Ok(Some(NewReply {
        account: &update.account,
        ticket_id: update.ticket_id,
        author: &actor.email,
        role: actor.role,
        body: &reply.body,
        public: reply.public,
        due_at: nanos(&reply.at)?,
        event_id: &update.event_id,
    }))
}

/// Writes what an applied event did to scheduled replies: the one it
/// schedules, the one it posts, and those whose authors it took the
/// ticket from.
fn write_replies(
    conn: &Connection,
    applied: &Applied,
    at: i64,
    reply: Option<&NewReply>,
) -> rusqlite::Result<()> {
    if let Some(reply) = reply {
        replies::insert(conn, reply)?;
    }
    if let Some(id) = applied.update.changes.posts_reply {
        replies::finish(conn, id, ReplyState::Posted, applied.event_id)?;
    }
    let Some(before) = applied.before else {
        return Ok(());
    };
    let after = &applied.outcome.after;
    let audit = AuditRow {
        event_id: applied.event_id,
        account: &after.account,
        ticket_id: after.id,
        at,
    };
    replies::drop_for_lost_access(conn, before, after, &audit)
}

/// A value the store cannot hold, as an error that says nothing was written.
fn unstorable(path: &str, err: rusqlite::Error) -> StoreError {
    match err {
        rusqlite::Error::ToSqlConversionFailure(why) => StoreError::Unstorable {
            path: path.to_string(),
            why: why.to_string(),
        },
        source => StoreError::Sql {
            path: path.to_string(),
            source,
        },
    }
}

/// Writes the users, comments, audit and outbox of an applied event whose
/// ticket is written.
fn write_rest(
    conn: &Connection,
    known: &mut KnownUsers,
    applied: &Applied,
    at: i64,
    notifications: &[String],
) -> rusqlite::Result<()> {
    let update = applied.update;
    let outcome = applied.outcome;
    let after = &outcome.after;
    let (account, id) = (after.account.as_str(), after.id);
    if let Some(actor) = &update.actor {
        let name = actor.name.as_deref();
        ensure_user(conn, known, account, &actor.email, name, actor.role)?;
    }
    // A requester already on the ticket was recorded when it was set.
    let old_requester = applied.before.and_then(|t| t.requester.as_ref());
    if let Some(requester) = after
        .requester
        .as_ref()
        .filter(|r| Some(*r) != old_requester)
    {
        ensure_user(conn, known, account, requester, None, Role::EndUser)?;
    }
    for added in &outcome.comments {
        // The model's convention for a comment a rule added (`Comment::author`).
        let by_rule = added.rule.as_ref().map(|title| format!("rule \"{title}\""));
        let author = added.author.as_deref().or(by_rule.as_deref()).unwrap_or("");
        let via = if added.rule.is_some() {
            "rule"
        } else {
            update.via.as_str()
        };
        // Times a partner's copy keeps came from a store: always in range.
        let at = match &added.at {
            Some(time) => nanos(time)?,
            None => at,
        };
        tickets::insert_comment(
            conn,
            &NewCommentRow {
                account,
                ticket_id: id,
                author,
                body: &added.comment.body,
                public: added.comment.public,
                via,
                at,
                event_id: applied.event_id,
                rule: added.rule.as_deref(),
            },
        )?;
    }
    let audit = AuditRow {
        event_id: applied.event_id,
        account,
        ticket_id: id,
        at,
    };
    let labels: Vec<String> = outcome.changes.iter().map(Change::label).collect();
    let own = outcome.changes.iter().zip(&labels);
    let mut lines: Vec<AuditLine> = own.map(|(c, label)| (None, label.as_str(), c)).collect();
    for fired in &outcome.fired {
        let title = Some(fired.title.as_str());
        lines.extend(
            fired
                .effects
                .iter()
                .map(|e| (title, e.action.as_str(), &e.change)),
        );
    }
    audit.insert_all(conn, &lines)?;
    for payload in notifications {
        conn.prepare_cached(
            "INSERT INTO outbox (event_id, account, ticket_id, kind, payload, created_at)
             VALUES (?1, ?2, ?3, 'notification', ?4, ?5)",
        )?
        .execute(params![applied.event_id, account, id, payload, at])?;
    }
    Ok(())
}

/// Records a rejected event; see [`super::Store::reject`].
pub(super) fn reject(conn: &Connection, path: &str, rejected: &Rejected) -> Result<(), StoreError> {
    let fail = |source| StoreError::Sql {
        path: path.to_string(),
        source,
    };
    let event = EventRow {
        event_id: rejected.event_id,
        account: rejected.account,
        ticket_id: rejected.ticket_id,
        kind: None,
        line: rejected.line,
        state: "rejected",
        reason: Some(rejected.reason),
        payload: rejected.payload,
        at: opt_nanos(&rejected.at).map_err(|err| unstorable(path, err))?,
    };
    if !upsert_event(conn, &event).map_err(fail)? {
        return Err(StoreError::AlreadyApplied {
            path: path.to_string(),
            event_id: rejected.event_id.to_string(),
        });
    }
    Ok(())
}

/// One past the highest event sequence number, 1 in an empty store.
pub(super) fn next_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM events")?
        .query_row([], |row| row.get(0))
}

/// An event's state, if the store has seen it.
pub(super) fn state(conn: &Connection, event_id: &str) -> rusqlite::Result<Option<EventState>> {
    conn.prepare_cached("SELECT state, reason FROM events WHERE event_id = ?1")?
        .query_row([event_id], |row| state_at(row, 0))
        .optional()
}

/// The account and ticket of an applied event.
pub(super) fn applied_ticket(
    conn: &Connection,
    event_id: &str,
) -> rusqlite::Result<Option<(String, i64, String)>> {
    conn.prepare_cached(
        "SELECT account, ticket_id, payload FROM events WHERE event_id = ?1 AND state = 'applied'",
    )?
    .query_row([event_id], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    })
    .optional()
}

/// How many applied events have an id that starts with `prefix` (not
/// empty, ending in an ASCII character) and does not contain `leave_out`,
/// counted off the index on ids.
pub(super) fn applied_with_prefix(
    conn: &Connection,
    prefix: &str,
    leave_out: char,
) -> rusqlite::Result<usize> {
    // Every id that starts with `prefix` sorts before `prefix` with its
    // last character raised by one.
    let mut end = prefix.to_string();
    match end.pop().filter(char::is_ascii) {
        Some(last) => end.push(char::from(last as u8 + 1)),
        None => return Err(unwritable(format!("bad event id prefix `{prefix}`"))),
    }
    let mut statement = conn.prepare_cached(
        "SELECT count(*) FROM events
         WHERE event_id >= ?1 AND event_id < ?2 AND state = 'applied'
           AND instr(event_id, ?3) = 0",
    )?;
    statement.query_row(params![prefix, end, leave_out.to_string()], |row| {
        row.get(0)
    })
}

/// Reads `state` and `reason` from columns `index` and `index + 1`.
fn state_at(row: &rusqlite::Row, index: usize) -> rusqlite::Result<EventState> {
    let state: String = row.get(index)?;
    match state.as_str() {
        "applied" => Ok(EventState::Applied),
        "rejected" => Ok(EventState::Rejected {
            reason: row.get::<_, Option<String>>(index + 1)?.unwrap_or_default(),
        }),
        other => Err(unreadable(index, format!("unknown event state `{other}`"))),
    }
}

/// Every event, in the order first seen.
pub(super) fn list(conn: &Connection) -> rusqlite::Result<Vec<EventRecord>> {
    let mut statement = conn.prepare_cached(
        "SELECT seq, event_id, account, ticket_id, kind, line, state, reason, payload, at
         FROM events ORDER BY seq",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(EventRecord {
            seq: row.get(0)?,
            event_id: row.get(1)?,
            account: row.get(2)?,
            ticket_id: row.get(3)?,
            kind: row.get(4)?,
            line: row.get(5)?,
            state: state_at(row, 6)?,
            payload: row.get(8)?,
            at: opt_time_at(row, 9)?,
        })
    })?;
    rows.collect()
}

/// The columns [`outbox_at`] reads, followed by the rest of a statement.
macro_rules! select_outbox {
    ($rest:literal) => {
        concat!(
            "SELECT seq, event_id, account, ticket_id, kind, payload, created_at, acked,
                 attempts, last_error, next_attempt_at
             FROM outbox ",
            $rest
        )
    };
}

/// Every outbox entry, oldest first.
pub(super) fn outbox(conn: &Connection) -> rusqlite::Result<Vec<OutboxEntry>> {
    let mut statement = conn.prepare_cached(select_outbox!("ORDER BY seq"))?;
    let rows = statement.query_map([], outbox_at)?;
    rows.collect()
}

/// The entries not yet delivered, oldest first (from the partial index
/// `outbox_pending`, so delivered rows are never read).
pub(super) fn pending(conn: &Connection) -> rusqlite::Result<Vec<OutboxEntry>> {
    let mut statement = conn.prepare_cached(select_outbox!("WHERE acked = 0 ORDER BY seq"))?;
    let rows = statement.query_map([], outbox_at)?;
    rows.collect()
}

/// How many outbox entries are not yet delivered (off the partial index
/// of pending rows).
pub(super) fn pending_count(conn: &Connection) -> rusqlite::Result<usize> {
    conn.prepare_cached("SELECT count(*) FROM outbox WHERE acked = 0")?
        .query_row([], |row| row.get::<_, i64>(0))
        .map(|n| usize::try_from(n).unwrap_or(0))
}

/// One outbox entry, by its sequence number.
pub(super) fn entry(conn: &Connection, seq: i64) -> rusqlite::Result<Option<OutboxEntry>> {
    conn.prepare_cached(select_outbox!("WHERE seq = ?1"))?
        .query_row([seq], outbox_at)
        .optional()
}

/// Reads a row of [`select_outbox!`].
fn outbox_at(row: &rusqlite::Row) -> rusqlite::Result<OutboxEntry> {
    Ok(OutboxEntry {
        seq: row.get(0)?,
        event_id: row.get(1)?,
        account: row.get(2)?,
        ticket_id: row.get(3)?,
        kind: row.get(4)?,
        payload: row.get(5)?,
        created_at: time_at(row, 6)?,
        acked: row.get(7)?,
        attempts: row.get(8)?,
        last_error: row.get(9)?,
        next_attempt_at: opt_time_at(row, 10)?,
    })
}

/// Queues something for a transport to deliver; see
/// [`super::Store::push_outbox`]. Returns the entry's sequence number.
pub(super) fn push(conn: &Connection, entry: &NewOutboxRow) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO outbox (event_id, account, ticket_id, kind, payload, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        entry.event_id,
        entry.account,
        entry.ticket_id,
        entry.kind,
        entry.payload,
        entry.created_at,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// An outbox row to write, its time already in nanoseconds.
pub(super) struct NewOutboxRow<'a> {
    pub event_id: &'a str,
    pub account: &'a str,
    pub ticket_id: i64,
    pub kind: &'a str,
    pub payload: &'a str,
    pub created_at: i64,
}

/// Marks an outbox entry delivered.
pub(super) fn ack(conn: &Connection, seq: i64) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached("UPDATE outbox SET acked = 1 WHERE seq = ?1")?
        .execute([seq])?;
    Ok(changed > 0)
}
