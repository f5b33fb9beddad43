//! The reads of an automation sweep: the ids of an account's open tickets
//! that an [`SqlFilter`] lets through, and those tickets in bulk.
//!
//! The filter's SQL is [`super::prefilter`]'s: fixed
//! fragments with every value a `?`, over `tickets t`. It may call the two
//! functions [`register`] defines on every connection, which compare text
//! exactly as the engine does in memory.
//!
//! Tickets load a chunk of ids at a time, with one query per table per
//! chunk rather than three per ticket. Each query has [`CHUNK`] `?`s for
//! the ids, a short chunk padded with its last id (a repeated value in
//! `IN` changes nothing), so one prepared statement per table serves
//! every chunk.

use super::codec::unreadable;
use super::prefilter::{text_test, SqlFilter, SqlParam, NAMES, SAME_TEXT, TEXT};
use super::tickets::{
    add_share_at, custom_field_at, ticket_from_row, CUSTOM_FIELD_COLUMNS, SHARE_COLUMNS,
    TICKET_COLUMNS,
};
use crate::engine::condition::{names, same_text, text_holds};
use crate::model::Ticket;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{ToSql, ValueRef};
use rusqlite::{Connection, Row};
use std::collections::HashSet;

/// Ids per query when loading tickets: enough that a query's fixed cost
/// is small beside its rows, few enough that a chunk's tickets are a
/// small part of the memory budget.
const CHUNK: usize = 256;

/// Defines the SQL functions a filter may call: [`SAME_TEXT`], [`NAMES`]
/// and [`TEXT`].
pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function(SAME_TEXT, 2, flags, |cx| {
        // NULL or not text: not the same text (a NULL field is `(none)`).
        Ok(match (text_arg(cx, 0), text_arg(cx, 1)) {
            (Some(have), Some(want)) => same_text(have, want),
            _ => false,
        })
    })?;
    conn.create_scalar_function(NAMES, 3, flags, |cx| {
        let id = match cx.get_raw(2) {
            ValueRef::Integer(id) => Some(id),
            _ => None,
        };
        Ok(match (text_arg(cx, 0), text_arg(cx, 1), id) {
            (Some(text), Some(agreement), Some(id)) => names(text, agreement, id),
            _ => false,
        })
    })?;
    conn.create_scalar_function(TEXT, 2, flags, |cx| {
        // The test is the same on every row: read once per statement.
        let test = cx.get_or_create_aux(1, |v| -> Result<_, BoxError> {
            Ok(v.as_str().ok().and_then(text_test))
        })?;
        Ok(match (text_arg(cx, 0), test.as_ref()) {
            (Some(text), Some(test)) => text_holds(test, &text.to_lowercase()),
            // Never written by the prefilter: let the row through, to be
            // tested in memory.
            (_, None) => true,
            (None, Some(_)) => false,
        })
    })
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Argument `i` as text, if it is text.
fn text_arg<'a>(cx: &'a Context<'_>, i: usize) -> Option<&'a str> {
    match cx.get_raw(i) {
        ValueRef::Text(bytes) => std::str::from_utf8(bytes).ok(),
        _ => None,
    }
}

/// Ids of the account's tickets that are not closed and pass the filter,
/// in id order.
pub(super) fn candidates(
    conn: &Connection,
    account: &str,
    filter: &SqlFilter,
) -> rusqlite::Result<Vec<i64>> {
    // Not cached: one statement per automation per run, and their many
    // shapes would push `apply`'s hot statements out of the cache.
    let mut statement = conn.prepare(&candidates_sql(filter))?;
    let mut ids = statement
        .query_map(bound(&account, filter).as_slice(), |row| row.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    ids.sort_unstable();
    Ok(ids)
}

/// The candidate query: only the filter's fixed fragments are joined;
/// every value is bound. No ORDER BY: [`candidates`] sorts, which leaves
/// the planner free to pick the index that narrows most rather than the
/// one already in id order.
fn candidates_sql(filter: &SqlFilter) -> String {
    format!(
        "SELECT t.id FROM tickets t WHERE t.account = ? AND t.status <> 'closed' AND ({})",
        filter.sql
    )
}

/// The account, then the filter's parameters, as the query binds them.
fn bound<'a>(account: &'a &str, filter: &'a SqlFilter) -> Vec<&'a dyn ToSql> {
    let mut values: Vec<&dyn ToSql> = Vec::with_capacity(filter.params.len() + 1);
    values.push(account);
    for param in &filter.params {
        values.push(match param {
            SqlParam::Int(n) => n,
            SqlParam::Text(s) => s,
        });
    }
    values
}

/// The tickets with an applied event whose id is `prefix` (ending in
/// `/`, as an automation's hour prefix does) followed by the ticket's
/// id, read off the index on ids. Ids that contain `leave_out` (the
/// updates an event set off on partners) are not the prefix's own.
pub(super) fn applied_tickets(
    conn: &Connection,
    prefix: &str,
    leave_out: char,
) -> rusqlite::Result<HashSet<i64>> {
    // Every id that starts with `…/` sorts before `…0`.
    let end = match prefix.strip_suffix('/') {
        Some(head) => format!("{head}0"),
        None => return Err(unreadable(0, format!("bad event id prefix `{prefix}`"))),
    };
    let mut statement = conn.prepare_cached(
        "SELECT event_id FROM events
         WHERE event_id >= ?1 AND event_id < ?2 AND state = 'applied'
           AND instr(event_id, ?3) = 0",
    )?;
    let mut rows = statement.query(rusqlite::params![prefix, end, leave_out.to_string()])?;
    let mut out = HashSet::new();
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        if let Some(ticket) = id.get(prefix.len()..).and_then(|n| n.parse().ok()) {
            out.insert(ticket);
        }
    }
    Ok(out)
}

/// The plan of the candidate query, one line per step (tests check that
/// sweeps search an index).
#[cfg(test)]
pub(super) fn plan(
    conn: &Connection,
    account: &str,
    filter: &SqlFilter,
) -> rusqlite::Result<Vec<String>> {
    let sql = format!("EXPLAIN QUERY PLAN {}", candidates_sql(filter));
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(bound(&account, filter).as_slice(), |row| row.get(3))?;
    rows.collect()
}

/// The tickets with these ids, in the order given; ids with no ticket
/// are left out. Each is what [`super::tickets::load`] reads. Callers
/// with many ids pass them a slice at a time, to keep memory bounded.
pub(super) fn load_many(
    conn: &Connection,
    account: &str,
    ids: &[i64],
) -> rusqlite::Result<Vec<Ticket>> {
    let statements = Statements::new();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        load_chunk(conn, &statements, account, chunk, &mut out)?;
    }
    Ok(out)
}

/// The four statements of a chunk (tags come with the row), `?1` the account and `?2…` the ids.
struct Statements {
    tickets: String,
    agents: String,
    fields: String,
    shares: String,
}

impl Statements {
    fn new() -> Statements {
        let ids = (2..CHUNK + 2)
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let select = |columns: &str, table: &str, id: &str, more: &str| {
            format!(
                "SELECT {id}, {columns} FROM {table} WHERE account = ?1 AND {id} IN ({ids}){more}"
            )
        };
        Statements {
            tickets: format!(
                "SELECT {TICKET_COLUMNS} FROM tickets WHERE account = ?1 AND id IN ({ids})"
            ),
            agents: select("email", "agent_shares", "ticket_id", ""),
            fields: select(CUSTOM_FIELD_COLUMNS, "custom_fields", "ticket_id", ""),
            shares: select(
                SHARE_COLUMNS,
                "shares",
                "ticket_id",
                " ORDER BY ticket_id, direction, pos",
            ),
        }
    }
}

fn load_chunk(
    conn: &Connection,
    statements: &Statements,
    account: &str,
    chunk: &[i64],
    out: &mut Vec<Ticket>,
) -> rusqlite::Result<()> {
    let Some(last) = chunk.last() else {
        return Ok(());
    };
    let mut values: Vec<&dyn ToSql> = Vec::with_capacity(CHUNK + 1);
    values.push(&account);
    values.extend(chunk.iter().map(|id| id as &dyn ToSql));
    values.resize(CHUNK + 1, last as &dyn ToSql);

    let mut tickets = conn
        .prepare_cached(&statements.tickets)?
        .query_map(values.as_slice(), ticket_from_row)?
        .collect::<rusqlite::Result<Vec<Ticket>>>()?;
    tickets.sort_unstable_by_key(|t| t.id);

    // Each child row goes to its ticket, found by id.
    let mut children = |sql: &str, add: &dyn Fn(&mut Ticket, &Row) -> rusqlite::Result<()>| {
        let mut statement = conn.prepare_cached(sql)?;
        let mut rows = statement.query(values.as_slice())?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let Ok(i) = tickets.binary_search_by_key(&id, |t| t.id) else {
                return Err(unreadable(0, format!("a row for ticket {id}, not loaded")));
            };
            add(&mut tickets[i], row)?;
        }
        Ok::<_, rusqlite::Error>(())
    };
    children(&statements.agents, &|t, row| {
        t.agents.insert(row.get(1)?);
        Ok(())
    })?;
    children(&statements.fields, &|t, row| {
        let (key, field) = custom_field_at(row, 1)?;
        t.custom_fields.insert(key, field);
        Ok(())
    })?;
    children(&statements.shares, &|t, row| add_share_at(t, row, 1))?;

    // In the order asked; an id asked twice gets a second copy.
    let start = out.len();
    let found: Vec<i64> = tickets.iter().map(|t| t.id).collect();
    let mut slots: Vec<Option<Ticket>> = tickets.into_iter().map(Some).collect();
    for id in chunk {
        let Ok(i) = found.binary_search(id) else {
            continue;
        };
        match slots[i].take() {
            Some(ticket) => out.push(ticket),
            None => {
                if let Some(copy) = out[start..].iter().find(|t| t.id == *id).cloned() {
                    out.push(copy);
                }
            }
        }
    }
    Ok(())
}
