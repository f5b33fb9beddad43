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
             SELECT DISTINCT rule, event_id, ticket_id FROM audit
             WHERE account = ?1 AND rule IS NOT NULL AND at >= ?2
         ) GROUP BY rule",
    )?;
    let rows = statement.query_map(params![account, nanos(since)?], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))
    })?;
    rows.collect()
}
