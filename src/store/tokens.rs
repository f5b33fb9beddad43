//! API tokens: each agent's or admin's tokens for `serve`, kept as a
//! SHA-256 hash only, so a copy of the store lets no one in.

use super::codec::{nanos, opt_time_at, time_at};
use crate::model::Time;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// A stored token, without the token itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub account: String,
    pub email: String,
    pub created_at: Time,
    pub revoked_at: Option<Time>,
}

/// Stores a new token's hash; returns its id.
pub(super) fn add(
    conn: &Connection,
    account: &str,
    email: &str,
    hash: &str,
    at: &Time,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO api_tokens (account, email, hash, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![account, email.to_lowercase(), hash, nanos(at)?])?;
    Ok(conn.last_insert_rowid())
}

/// The account and email a live token (by hash) belongs to.
pub(super) fn owner(conn: &Connection, hash: &str) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached(
        "SELECT account, email FROM api_tokens WHERE hash = ?1 AND revoked_at IS NULL",
    )?
    .query_row(params![hash], |row| Ok((row.get(0)?, row.get(1)?)))
    .optional()
}

/// An account's tokens (every account's with `None`), by id.
pub(super) fn list(conn: &Connection, account: Option<&str>) -> rusqlite::Result<Vec<ApiToken>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, account, email, created_at, revoked_at FROM api_tokens
         WHERE ?1 IS NULL OR account = ?1 ORDER BY id",
    )?;
    let rows = statement.query_map(params![account], |row| {
        Ok(ApiToken {
            id: row.get(0)?,
            account: row.get(1)?,
            email: row.get(2)?,
            created_at: time_at(row, 3)?,
            revoked_at: opt_time_at(row, 4)?,
        })
    })?;
    rows.collect()
}

/// Revokes a live token of the account; false when it has no such live
/// token.
pub(super) fn revoke(
    conn: &Connection,
    account: &str,
    id: i64,
    at: &Time,
) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE api_tokens SET revoked_at = ?3
             WHERE account = ?1 AND id = ?2 AND revoked_at IS NULL",
        )?
        .execute(params![account, id, nanos(at)?])?;
    Ok(changed > 0)
}
