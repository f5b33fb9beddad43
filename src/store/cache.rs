//! Tickets as the current write transaction left them, so that an ingest
//! batch that touches the same ticket again reads it from memory instead
//! of five queries (the row, tags, custom fields, shares, agents).
//!
//! Only sound while this connection holds the write lock: the store uses
//! it inside a transaction only, and empties it when a transaction begins
//! after another connection wrote, on every rollback, on any SQLite error,
//! and on every write other than an applied event's (which puts its ticket
//! back as written).

use crate::model::Ticket;
use std::collections::HashMap;

/// How many tickets the cache holds before it starts over: memory stays
/// flat whatever the batch.
const TICKETS: usize = 4096;

#[derive(Debug, Default)]
pub(super) struct TicketCache {
    by_key: HashMap<(String, i64), Ticket>,
    /// The file's `PRAGMA data_version` when the cache was last good.
    version: Option<i64>,
}

impl TicketCache {
    pub(super) fn get(&self, account: &str, id: i64) -> Option<&Ticket> {
        // A borrowed key would need a second map type; tickets are looked
        // up once an event, so the small allocation is cheap beside a query.
        self.by_key.get(&(account.to_string(), id))
    }

    pub(super) fn put(&mut self, ticket: Ticket) {
        if self.by_key.len() >= TICKETS {
            self.by_key.clear();
        }
        self.by_key
            .insert((ticket.account.clone(), ticket.id), ticket);
    }

    /// A transaction begins, the file at `version`: a change means another
    /// connection committed, and what is cached may be stale.
    pub(super) fn begin(&mut self, version: i64) {
        if self.version != Some(version) {
            self.by_key.clear();
            self.version = Some(version);
        }
    }

    pub(super) fn forget(&mut self) {
        self.by_key.clear();
    }
}
