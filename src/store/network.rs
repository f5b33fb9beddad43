//! What the sharing network reads and writes beyond an applied event: a
//! partner's copy of a ticket, the next ticket id of an account, and
//! audit notes on what did not cross.

use super::audits::AuditRow;
use super::codec::nanos;
use crate::engine::Change;
use crate::model::Time;
use rusqlite::{params, Connection, OptionalExtension};

/// A line of the audit trail that no rule or update wrote: the network's
/// word on a ticket (a sync cut off, a copy that is closed).
#[derive(Clone, Copy, Debug)]
pub struct Note<'a> {
    pub event_id: &'a str,
    pub account: &'a str,
    pub ticket_id: i64,
    pub text: &'a str,
    pub at: Time,
}

/// The live copy of ticket `origin_id` that `account` received over its
/// agreement `agreement_id`.
pub(super) fn copy_of(
    conn: &Connection,
    account: &str,
    agreement_id: i64,
    origin_id: i64,
) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT ticket_id FROM shares
         WHERE account = ?1 AND agreement_id = ?2 AND origin_id = ?3
             AND direction = 'received' AND active = 1
         ORDER BY ticket_id DESC LIMIT 1",
    )?
    .query_row(params![account, agreement_id, origin_id], |row| row.get(0))
    .optional()
}

/// Records on `account`'s ticket `ticket_id` the id of its copy at
/// `partner`: the live sent share's `origin_id`, which on a sent row is
/// the id on the other side, as on a received one.
pub(super) fn link_copy(
    conn: &Connection,
    account: &str,
    ticket_id: i64,
    partner: &str,
    copy_id: i64,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "UPDATE shares SET origin_id = ?4
         WHERE account = ?1 AND ticket_id = ?2 AND direction = 'sent'
             AND partner = ?3 AND active = 1",
    )?
    .execute(params![account, ticket_id, partner, copy_id])
}

/// The id a new ticket of `account` gets: one past its highest.
pub(super) fn next_ticket_id(conn: &Connection, account: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT COALESCE(MAX(id), 0) + 1 FROM tickets WHERE account = ?1")?
        .query_row([account], |row| row.get(0))
}

/// Stops every live link of `account`'s tickets over its agreement
/// `agreement_id`, sent or received; returns how many.
pub(super) fn stop_links(
    conn: &Connection,
    account: &str,
    agreement_id: i64,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "UPDATE shares SET active = 0
         WHERE account = ?1 AND agreement_id = ?2 AND active = 1",
    )?
    .execute(params![account, agreement_id])
}

/// The note as a `sharing` line of the ticket's audit trail, as a share
/// the engine made is written.
pub(super) fn note(conn: &Connection, note: &Note) -> rusqlite::Result<()> {
    let row = AuditRow {
        event_id: note.event_id,
        account: note.account,
        ticket_id: note.ticket_id,
        at: nanos(&note.at)?,
    };
    let change = Change::Sharing {
        note: note.text.to_string(),
    };
    row.insert(conn, None, "sharing", &change)
}
