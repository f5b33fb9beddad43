//! What the sharing network reads and writes beyond an applied event: a
//! partner's copy of a ticket, the next ticket id of an account, and
//! audit notes on what did not cross.

use super::codec::nanos;
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

/// The id a new ticket of `account` gets: one past its highest.
pub(super) fn next_ticket_id(conn: &Connection, account: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT COALESCE(MAX(id), 0) + 1 FROM tickets WHERE account = ?1")?
        .query_row([account], |row| row.get(0))
}

/// Writes a note as the audit trail's other sharing lines are written:
/// the text is the change and its `after`, so the trail shows
/// `sharing: + <text>` rather than a line with no change in it.
pub(super) fn note(conn: &Connection, note: &Note) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit (event_id, account, ticket_id, rule, action, change, after, at)
         VALUES (?1, ?2, ?3, NULL, 'sharing', ?4, ?4, ?5)",
    )?
    .execute(params![
        note.event_id,
        note.account,
        note.ticket_id,
        note.text,
        nanos(&note.at)?
    ])?;
    Ok(())
}
