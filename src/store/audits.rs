//! The audit trail: one row per write of an event to a ticket (Zendesk's
//! audit), its changes a JSON array in that row.
//!
//! A row per change cost an event with a dozen changes a dozen rows and a
//! dozen index entries, which was over a third of `ingest`'s time. Each
//! change still has its own number: a row's `seq` is its first change's,
//! and its `n` changes are `seq`, `seq + 1`, …, so the numbers run on from
//! row to row exactly as when each change had a row (migration 8 turned
//! those rows into rows of one change each).

use super::codec::time_at;
use crate::engine::Change;
use crate::model::Time;
use rusqlite::{params, Connection};
use serde::Serialize;

/// One change to a ticket, by the update itself or by a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// The change's number, unique in the store and rising.
    pub seq: i64,
    pub event_id: String,
    /// The rule that made the change; `None` for the update's own changes.
    pub rule: Option<String>,
    /// The rule's action as written in the DSL, or `update`.
    pub action: String,
    /// The change in words (`status open → pending`).
    pub change: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub at: Time,
}

/// What every change an event writes to one ticket shares.
pub(super) struct AuditRow<'a> {
    pub event_id: &'a str,
    pub account: &'a str,
    pub ticket_id: i64,
    pub at: i64,
}

/// One audit line: the rule that made the change (`None` for the update's
/// own), its action as written, and the change.
pub(super) type AuditLine<'c> = (Option<&'c str>, &'c str, &'c Change);

/// A change as the `changes` column holds it: rule, action, change in
/// words, before, after.
type Stored = (
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

impl AuditRow<'_> {
    pub(super) fn insert(
        &self,
        conn: &Connection,
        rule: Option<&str>,
        action: &str,
        change: &Change,
    ) -> rusqlite::Result<()> {
        self.insert_all(conn, &[(rule, action, change)])
    }

    /// Writes the lines, in order, as one row numbered on from the last.
    pub(super) fn insert_all(
        &self,
        conn: &Connection,
        lines: &[AuditLine],
    ) -> rusqlite::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        // Rule and action are borrowed; only the words are made here.
        type Written<'c> = (
            Option<&'c str>,
            &'c str,
            String,
            Option<String>,
            Option<String>,
        );
        let stored: Vec<Written> = lines
            .iter()
            .map(|(rule, action, change)| {
                let (before, after) = change.before_after();
                (*rule, *action, change.describe(), before, after)
            })
            .collect();
        let changes = serde_json::to_string(&stored)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let n = i64::try_from(lines.len()).unwrap_or(i64::MAX);
        conn.prepare_cached(
            "INSERT INTO audits (seq, n, event_id, account, ticket_id, at, changes)
             VALUES (COALESCE((SELECT seq + n FROM audits ORDER BY seq DESC LIMIT 1), 1),
                     ?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            n,
            self.event_id,
            self.account,
            self.ticket_id,
            self.at,
            changes
        ])?;
        Ok(())
    }
}

/// The columns [`entries`] reads, then the rest of a statement.
macro_rules! select_audits {
    ($rest:literal) => {
        concat!("SELECT seq, event_id, at, changes FROM audits ", $rest)
    };
}

/// A ticket's audit trail, oldest first.
pub(super) fn audit(
    conn: &Connection,
    account: &str,
    id: i64,
) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut statement = conn.prepare_cached(select_audits!(
        "WHERE account = ?1 AND ticket_id = ?2 ORDER BY seq"
    ))?;
    let found = entries(statement.query(params![account, id])?);
    found
}

/// The newest change's number, 0 for none: what an event writes next
/// comes after it.
pub(super) fn last_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT COALESCE((SELECT seq + n - 1 FROM audits ORDER BY seq DESC LIMIT 1), 0)",
    )?
    .query_row([], |row| row.get(0))
}

/// What one event wrote to a ticket's audit trail after change `after`
/// (a number [`last_seq`] gave before the event ran, so every row the
/// event wrote starts past it), oldest first.
pub(super) fn event_audit_since(
    conn: &Connection,
    account: &str,
    id: i64,
    event_id: &str,
    after: i64,
) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut statement = conn.prepare_cached(select_audits!(
        "WHERE account = ?1 AND ticket_id = ?2 AND seq > ?4 AND event_id = ?3 ORDER BY seq"
    ))?;
    let found = entries(statement.query(params![account, id, event_id, after])?);
    found
}

/// What one event wrote to a ticket's audit trail, oldest first.
pub(super) fn event_audit(
    conn: &Connection,
    account: &str,
    id: i64,
    event_id: &str,
) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut statement = conn.prepare_cached(select_audits!(
        "WHERE account = ?1 AND ticket_id = ?2 AND event_id = ?3 ORDER BY seq"
    ))?;
    let found = entries(statement.query(params![account, id, event_id])?);
    found
}

/// Each row's changes, numbered from its `seq`.
fn entries(mut rows: rusqlite::Rows) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let event_id: String = row.get(1)?;
        let at = time_at(row, 2)?;
        let text: String = row.get(3)?;
        let changes: Vec<Stored> = serde_json::from_str(&text).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
        })?;
        for (i, (rule, action, change, before, after)) in changes.into_iter().enumerate() {
            out.push(AuditEntry {
                seq: seq + i64::try_from(i).unwrap_or(i64::MAX),
                event_id: event_id.clone(),
                rule,
                action,
                change,
                before,
                after,
                at,
            });
        }
    }
    Ok(out)
}
