//! How often each rule fired, from the audit trail: the console's rules
//! page shows it, and which rules never fired.

use super::codec::nanos;
use crate::model::Time;
use rusqlite::{params, Connection};
use std::collections::BTreeMap;

/// Firings of each rule of `account` since `since`, by rule title: one a
/// ticket an event touched, however many changes the rule made there.
pub(super) fn fire_counts(
    conn: &Connection,
    account: &str,
    since: &Time,
) -> rusqlite::Result<BTreeMap<String, u64>> {
    let mut statement = conn.prepare_cached(
        "SELECT rule, COUNT(*) FROM (
             SELECT DISTINCT c.value ->> 0 AS rule, a.event_id, a.ticket_id
             FROM audits a, json_each(a.changes) c
             WHERE a.account = ?1 AND a.at >= ?2 AND c.value ->> 0 IS NOT NULL
         ) GROUP BY rule",
    )?;
    let rows = statement.query_map(params![account, nanos(since)?], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))
    })?;
    rows.collect()
}
