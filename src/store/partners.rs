//! What the store keeps for partners on other servers: each remote
//! agreement side's uuid, access key and sharing URL, and the delivery
//! worker's attempts on the outbox.

use super::codec::opt_nanos;
use crate::model::Time;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

/// One agreement side's keys for the Networked Help Desk API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AgreementKey {
    pub account: String,
    /// The agreement's id in `account`.
    pub id: i64,
    /// The same on both servers.
    pub uuid: String,
    /// The shared secret; both sides send `uuid:access_key`.
    #[serde(skip)]
    pub access_key: String,
    /// The partner account's sharing URL (`{public-url}/sharing/{account}`).
    pub partner_url: String,
}

impl AgreementKey {
    /// The `X-Ticket-Sharing-Token` header value.
    pub fn token(&self) -> String {
        format!("{}:{}", self.uuid, self.access_key)
    }
}

macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT account, id, uuid, access_key, partner_url FROM agreement_keys ",
            $rest
        )
    };
}

pub(super) fn insert(conn: &Connection, key: &AgreementKey) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO agreement_keys (account, id, uuid, access_key, partner_url)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        key.account,
        key.id,
        key.uuid,
        key.access_key,
        key.partner_url
    ])?;
    Ok(())
}

/// An account's side of the agreement with this uuid.
pub(super) fn by_uuid(
    conn: &Connection,
    account: &str,
    uuid: &str,
) -> rusqlite::Result<Option<AgreementKey>> {
    conn.prepare_cached(select!("WHERE account = ?1 AND uuid = ?2"))?
        .query_row(params![account, uuid], key_at)
        .optional()
}

/// The keys of an account's agreement, by its id.
pub(super) fn of(
    conn: &Connection,
    account: &str,
    id: i64,
) -> rusqlite::Result<Option<AgreementKey>> {
    conn.prepare_cached(select!("WHERE account = ?1 AND id = ?2"))?
        .query_row(params![account, id], key_at)
        .optional()
}

fn key_at(row: &Row) -> rusqlite::Result<AgreementKey> {
    Ok(AgreementKey {
        account: row.get(0)?,
        id: row.get(1)?,
        uuid: row.get(2)?,
        access_key: row.get(3)?,
        partner_url: row.get(4)?,
    })
}

/// Counts a failed send of an outbox row: its error, and when to try next
/// (`None`: not again until something changes, as for a failed agreement).
pub(super) fn attempted(
    conn: &Connection,
    seq: i64,
    error: &str,
    next: Option<Time>,
) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
             WHERE seq = ?1",
        )?
        .execute(params![seq, error, opt_nanos(&next)?])?;
    Ok(changed > 0)
}

/// Marks a row delivered, counting the send that delivered it.
pub(super) fn delivered(conn: &Connection, seq: i64) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE outbox SET acked = 1, attempts = attempts + 1, next_attempt_at = NULL
             WHERE seq = ?1",
        )?
        .execute([seq])?;
    Ok(changed > 0)
}
