//! The reads of an automation sweep: the ids of an account's open tickets
//! that an [`SqlFilter`] lets through, and those tickets in bulk.

use crate::engine::sweep::SqlFilter;
use crate::model::Ticket;
use rusqlite::Connection;

/// Ids of the account's tickets that are not closed and pass the filter,
/// in id order.
// TODO(sweep): bind the filter; an index for each window.
pub(super) fn candidates(
    conn: &Connection,
    account: &str,
    _filter: &SqlFilter,
) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM tickets WHERE account = ?1 AND status <> 'closed' ORDER BY id",
    )?;
    let ids = stmt.query_map([account], |row| row.get(0))?;
    ids.collect()
}

/// The tickets with these ids, in the order given; ids with no ticket
/// are left out.
// TODO(sweep): read in bulk rather than one by one.
pub(super) fn load_many(
    conn: &Connection,
    account: &str,
    ids: &[i64],
) -> rusqlite::Result<Vec<Ticket>> {
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        out.extend(super::tickets::load(conn, account, id)?);
    }
    Ok(out)
}
