//! Accounts, their settings, and their users: who made updates and who
//! requested tickets.

use super::codec::{role_at, role_name};
use crate::model::Role;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// How many users [`KnownUsers`] remembers before it starts over.
const KNOWN_USERS: usize = 10_000;

/// Users this connection knows are stored, so that `apply` need not insert
/// an update's actor again on every event (a statement per event).
///
/// Rows only ever leave the users table by a rollback, so the store forgets
/// them all on every rollback and on any SQLite error (after which SQLite
/// may have rolled back on its own).
#[derive(Debug, Default)]
pub(super) struct KnownUsers {
    by_account: HashMap<String, HashSet<String>>,
    len: usize,
}

impl KnownUsers {
    fn contains(&self, account: &str, email: &str) -> bool {
        self.by_account
            .get(account)
            .is_some_and(|emails| emails.contains(email))
    }

    fn insert(&mut self, account: &str, email: &str) {
        // Bounded, so memory stays flat however many requesters come by.
        if self.len >= KNOWN_USERS {
            self.forget();
        }
        let emails = match self.by_account.get_mut(account) {
            Some(emails) => emails,
            None => self.by_account.entry(account.to_string()).or_default(),
        };
        if emails.insert(email.to_string()) {
            self.len += 1;
        }
    }

    /// Forgets every user (after a rollback).
    pub(super) fn forget(&mut self) {
        self.by_account.clear();
        self.len = 0;
    }
}

/// What an account has chosen for itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountSettings {
    pub name: String,
    /// Every new invite to this account is declined as it arrives.
    pub decline_all_invites: bool,
    /// Agents may share a ticket with agents outside its group.
    pub agent_ticket_sharing: bool,
}

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

/// Records a new account; false, writing nothing, when it is already there.
pub(super) fn add_account(conn: &Connection, account: &str) -> rusqlite::Result<bool> {
    let added = conn
        .prepare_cached("INSERT INTO accounts (name) VALUES (?1) ON CONFLICT DO NOTHING")?
        .execute([account])?;
    Ok(added > 0)
}

/// An account's settings, or `None` when the store has no such account.
pub(super) fn settings(
    conn: &Connection,
    account: &str,
) -> rusqlite::Result<Option<AccountSettings>> {
    conn.prepare_cached(
        "SELECT decline_all_invites, agent_ticket_sharing FROM accounts WHERE name = ?1",
    )?
    .query_row([account], |row| {
        Ok(AccountSettings {
            name: account.to_string(),
            decline_all_invites: row.get(0)?,
            agent_ticket_sharing: row.get(1)?,
        })
    })
    .optional()
}

/// Turns declining all invites on or off; false when there is no such
/// account.
pub(super) fn set_decline_all_invites(
    conn: &Connection,
    account: &str,
    on: bool,
) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached("UPDATE accounts SET decline_all_invites = ?2 WHERE name = ?1")?
        .execute(params![account, on])?;
    Ok(changed > 0)
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
    known: &mut KnownUsers,
    account: &str,
    email: &str,
    name: Option<&str>,
    role: Role,
) -> rusqlite::Result<()> {
    if known.contains(account, email) {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO users (account, email, name, role) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![account, email, name, role_name(role)])?;
    known.insert(account, email);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_users_are_bounded_and_forgotten() {
        let mut known = KnownUsers::default();
        known.insert("acme", "a@acme.test");
        known.insert("acme", "a@acme.test");
        assert!(known.contains("acme", "a@acme.test"));
        assert!(!known.contains("beta", "a@acme.test"));
        assert_eq!(known.len, 1);
        for n in 0..KNOWN_USERS {
            known.insert("acme", &format!("{n}@acme.test"));
        }
        assert!(known.len <= KNOWN_USERS);
        known.forget();
        assert!(!known.contains("acme", "a@acme.test"));
    }
}
