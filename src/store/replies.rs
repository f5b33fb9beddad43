//! Scheduled replies: a reply an update scheduled waits here, pending,
//! until `replies due` posts it as its author (the reply is then
//! `posted`), or until its author loses access to the ticket first (it is
//! then `deleted`, and the audit trail says so). Rows are never removed,
//! so `replies list --all` shows what became of each.

use super::audits::AuditRow;
use super::codec::{role_at, role_name, time_at};
use super::staff;
use crate::engine::Change;
use crate::model::{Role, Ticket, Time};
use rusqlite::{params, Connection, Row};
use serde::Serialize;

/// What became of a scheduled reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplyState {
    Pending,
    Posted,
    Deleted,
}

impl ReplyState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyState::Pending => "pending",
            ReplyState::Posted => "posted",
            ReplyState::Deleted => "deleted",
        }
    }
}

/// A scheduled reply as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reply {
    pub id: i64,
    pub account: String,
    pub ticket_id: i64,
    /// Who posts it: the actor of the update that scheduled it.
    pub author: String,
    /// The author's role in that update.
    pub role: Role,
    pub body: String,
    pub public: bool,
    pub due_at: Time,
    /// The event that scheduled it.
    pub event_id: String,
    pub state: ReplyState,
    /// The event that posted or deleted it.
    pub done_event: Option<String>,
}

/// Which replies [`super::Store::replies`] lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplyFilter {
    pub account: Option<String>,
    /// Pending ones only, unless set.
    pub all: bool,
}

const COLUMNS: &str = "id, account, ticket_id, author, role, body, public, due_at, event_id,
    state, done_event";

fn reply_from_row(row: &Row) -> rusqlite::Result<Reply> {
    let state: String = row.get(9)?;
    let state = match state.as_str() {
        "pending" => ReplyState::Pending,
        "posted" => ReplyState::Posted,
        "deleted" => ReplyState::Deleted,
        other => {
            let why = format!("unknown reply state `{other}`");
            return Err(super::codec::unreadable(9, why));
        }
    };
    Ok(Reply {
        id: row.get(0)?,
        account: row.get(1)?,
        ticket_id: row.get(2)?,
        author: row.get(3)?,
        role: role_at(row, 4)?,
        body: row.get(5)?,
        public: row.get(6)?,
        due_at: time_at(row, 7)?,
        event_id: row.get(8)?,
        state,
        done_event: row.get(10)?,
    })
}

/// A reply to store, pending.
pub(super) struct NewReply<'a> {
    pub account: &'a str,
    pub ticket_id: i64,
    pub author: &'a str,
    pub role: Role,
    pub body: &'a str,
    pub public: bool,
    pub due_at: i64,
    pub event_id: &'a str,
}

pub(super) fn insert(conn: &Connection, r: &NewReply) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO scheduled_replies (account, ticket_id, author, role, body, public, due_at,
             event_id, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending')",
    )?
    .execute(params![
        r.account,
        r.ticket_id,
        r.author,
        role_name(r.role),
        r.body,
        r.public,
        r.due_at,
        r.event_id,
    ])?;
    Ok(())
}

/// Pending replies due at or before `at` (nanoseconds), oldest first.
pub(super) fn due(conn: &Connection, at: i64) -> rusqlite::Result<Vec<Reply>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM scheduled_replies
         WHERE state = 'pending' AND due_at <= ?1 ORDER BY due_at, id"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([at], reply_from_row)?;
    rows.collect()
}

/// Replies by account and id.
pub(super) fn list(conn: &Connection, filter: &ReplyFilter) -> rusqlite::Result<Vec<Reply>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM scheduled_replies
         WHERE (?1 IS NULL OR account = ?1) AND (?2 OR state = 'pending')
         ORDER BY account, ticket_id, id"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params![filter.account, filter.all], reply_from_row)?;
    rows.collect()
}

/// Marks a pending reply posted or deleted by `event_id`; false when it
/// is not pending (already posted, deleted, or no such reply).
pub(super) fn finish(
    conn: &Connection,
    id: i64,
    state: ReplyState,
    event_id: &str,
) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE scheduled_replies SET state = ?2, done_event = ?3
             WHERE id = ?1 AND state = 'pending'",
        )?
        .execute(params![id, state.as_str(), event_id])?;
    Ok(changed > 0)
}

/// Deletes the pending replies on the ticket whose authors cannot see it
/// any more (unshared from them, or the ticket moved to a group they are
/// not in), each with a line in the audit trail.
pub(super) fn drop_for_lost_access(
    conn: &Connection,
    before: &Ticket,
    after: &Ticket,
    audit: &AuditRow,
) -> rusqlite::Result<()> {
    let same_group = before.group.as_deref().map(str::to_lowercase)
        == after.group.as_deref().map(str::to_lowercase);
    // Only these two take access away from anyone.
    if same_group && before.agents.is_subset(&after.agents) {
        return Ok(());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM scheduled_replies
         WHERE account = ?1 AND ticket_id = ?2 AND state = 'pending' ORDER BY id"
    );
    let pending = conn
        .prepare_cached(&sql)?
        .query_map(params![after.account, after.id], reply_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if pending.is_empty() {
        return Ok(());
    }
    let mut staff = staff::load(conn, &after.account)?;
    // A share idle while agent ticket sharing is off still counts here:
    // turning sharing back on restores it, replies and all.
    staff.agent_ticket_sharing = true;
    for reply in pending {
        let access = staff.access(after, &reply.author, reply.role);
        if access.allowed() || !finish(conn, reply.id, ReplyState::Deleted, audit.event_id)? {
            continue;
        }
        let note = format!(
            "scheduled reply {} by {} (due {}) deleted: they lost access to the ticket ({})",
            reply.id,
            reply.author,
            reply.due_at.to_rfc3339(),
            access.reason(&after.account)
        );
        audit.insert(conn, None, "scheduled reply", &Change::Reply { note })?;
    }
    Ok(())
}
