//! What SQLite alone takes to write the rows one ingested update writes,
//! with none of ticket-rules' own work: the floor under `ingest`'s rate
//! on this schema (issue 14 asks for 100,000 events/s).
//!
//! ```text
//! cargo run --release --example store_floor [EVENTS] [one-row]
//! ```
//!
//! A fresh store (the real schema, through `Store::open`) gets 1,000
//! tickets, then `EVENTS` updates spread over them, 1,000 a transaction as
//! `ingest` commits them. Each update writes what the generated workload's
//! updates write: the event row (a 330-byte payload), the ticket row (its
//! updated time, a new latest comment, five tags; status every other
//! update), a comment row and one audit row of eleven changes (730 bytes
//! of JSON), every statement prepared once. Prints events/s.
//!
//! `one-row` measures a store this is not: the comment and the audit kept
//! in the event's own row, with an index on the event's ticket in place of
//! theirs, which is what a rate of 100,000 would take.

use rusqlite::{params, Connection};
use std::time::Instant;
use ticket_rules::store::Store;

const TICKETS: i64 = 1_000;

fn main() {
    let events: i64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000);
    let one_row = std::env::args().nth(2).as_deref() == Some("one-row");
    let dir = std::env::temp_dir().join("ticket-rules-floor");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join("floor.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = Store::open(&path).expect("store");
    store.add_account("desk").expect("account");
    drop(store);
    // The store's own settings: WAL, synchronous NORMAL, foreign keys on.
    let conn = Connection::open(&path).expect("open");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;",
    )
    .expect("pragmas");
    create_tickets(&conn);
    if one_row {
        conn.execute_batch(
            "ALTER TABLE events ADD COLUMN comment TEXT;
             ALTER TABLE events ADD COLUMN changes TEXT;
             CREATE INDEX events_by_ticket ON events (account, ticket_id, seq);",
        )
        .expect("one-row schema");
    }
    let start = Instant::now();
    conn.execute_batch("BEGIN").expect("begin");
    for i in 0..events {
        write_update(&conn, i, one_row);
        if i % 1_000 == 999 {
            conn.execute_batch("COMMIT; BEGIN").expect("commit");
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
    let took = start.elapsed().as_secs_f64();
    println!(
        "{events} updates in {took:.2} s: {:.0} events/s",
        events as f64 / took
    );
}

fn create_tickets(conn: &Connection) {
    conn.execute_batch("BEGIN").expect("begin");
    for id in 1..=TICKETS {
        conn.execute(
            "INSERT INTO tickets (account, id, subject, description, status, via, created_at,
                 updated_at)
             VALUES ('desk', ?1, ?2, 'Something is wrong', 'open', 'web', ?3, ?3)",
            params![id, format!("Problem report {id}"), id],
        )
        .expect("ticket");
    }
    conn.execute_batch("COMMIT").expect("commit");
}

fn write_update(conn: &Connection, i: i64, one_row: bool) {
    let id = i % TICKETS + 1;
    let at = 1_000_000 + i;
    let event_id = format!("g{i}");
    let payload = "x".repeat(330);
    let changes = "y".repeat(730);
    if one_row {
        conn.prepare_cached(
            "INSERT INTO events (event_id, account, ticket_id, kind, line, state, payload, at,
                 comment, changes)
             VALUES (?1, 'desk', ?2, 'update', ?3, 'applied', ?4, ?5, 'Looking into it', ?6)",
        )
        .and_then(|mut s| s.execute(params![event_id, id, i, payload, at, changes]))
        .expect("event");
    } else {
        conn.prepare_cached(
            "INSERT INTO events (event_id, account, ticket_id, kind, line, state, payload, at)
             VALUES (?1, 'desk', ?2, 'update', ?3, 'applied', ?4, ?5)",
        )
        .and_then(|mut s| s.execute(params![event_id, id, i, payload, at]))
        .expect("event");
    }
    let tags = format!(
        " fired_{:05} fired_{:05} topic_{:03} topic_{:03} topic_{:03} ",
        i % 17,
        i % 19,
        i % 7,
        i % 11,
        i % 13
    );
    // The status changes every other update of a ticket.
    let status = ["open", "pending"][(i / (2 * TICKETS) % 2) as usize];
    conn.prepare_cached(
        "UPDATE tickets SET updated_at = ?2, latest_comment_author = 'agent1@desk.example',
             latest_comment_body = 'Looking into it', latest_comment_public = 0,
             latest_comment_via = 'web', latest_comment_at = ?2, tags = ?3, status = ?4
         WHERE account = 'desk' AND id = ?1",
    )
    .and_then(|mut s| s.execute(params![id, at, tags, status]))
    .expect("ticket");
    if one_row {
        return;
    }
    conn.prepare_cached(
        "INSERT INTO comments (account, ticket_id, author, body, public, via, at, event_id)
         VALUES ('desk', ?1, 'agent1@desk.example', 'Looking into it', 0, 'web', ?2, ?3)",
    )
    .and_then(|mut s| s.execute(params![id, at, event_id]))
    .expect("comment");
    conn.prepare_cached(
        "INSERT INTO audits (seq, n, event_id, account, ticket_id, at, changes)
         VALUES (COALESCE((SELECT seq + n FROM audits ORDER BY seq DESC LIMIT 1), 1),
                 11, ?1, 'desk', ?2, ?3, ?4)",
    )
    .and_then(|mut s| s.execute(params![event_id, id, at, changes]))
    .expect("audit");
}
