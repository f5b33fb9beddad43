//! Accounts and their users: who made updates and who requested tickets.

use super::codec::{role_at, role_name};
use crate::model::Role;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// A user of an account, as first seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub account: String,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
}

/// Records an account unless it is already there.
pub(super) fn ensure_account(conn: &Connection, account: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO accounts (name) VALUES (?1) ON CONFLICT DO NOTHING")?
        .execute([account])?;
    Ok(())
}

/// Every account, by name.
pub(super) fn accounts(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare_cached("SELECT name FROM accounts ORDER BY name")?;
    let names = statement.query_map([], |row| row.get(0))?;
    names.collect()
}

/// Records a user unless the account already has one with that email: the
/// first sighting wins, so a requester later seen acting keeps its row.
pub(super) fn ensure_user(
    conn: &Connection,
    account: &str,
    email: &str,
    name: Option<&str>,
    role: Role,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO users (account, email, name, role) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![account, email, name, role_name(role)])?;
    Ok(())
}

/// A user by account and email.
pub(super) fn user(
    conn: &Connection,
    account: &str,
    email: &str,
) -> rusqlite::Result<Option<User>> {
    conn.prepare_cached("SELECT name, role FROM users WHERE account = ?1 AND email = ?2")?
        .query_row([account, email], |row| {
            Ok(User {
                account: account.to_string(),
                email: email.to_string(),
                name: row.get(0)?,
                role: role_at(row, 1)?,
            })
        })
        .optional()
}
