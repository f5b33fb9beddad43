//! An account's agents, groups and group membership, its agent ticket
//! sharing setting, and which tickets are shared with which agent: what
//! [`crate::model::Staff`] is read from. Emails and group keys are stored
//! lowercased, so every lookup ignores case.

use crate::model::staff::{Agent, Staff};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;

/// Turns agent ticket sharing on or off; false when there is no such
/// account.
pub(super) fn set_sharing(conn: &Connection, account: &str, on: bool) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached("UPDATE accounts SET agent_ticket_sharing = ?2 WHERE name = ?1")?
        .execute(params![account, on])?;
    Ok(changed > 0)
}

/// Adds a group; false, writing nothing, when the account has one of that
/// name (ignoring case) already.
pub(super) fn add_group(conn: &Connection, account: &str, name: &str) -> rusqlite::Result<bool> {
    let added = conn
        .prepare_cached(
            "INSERT INTO groups (account, key, name) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        )?
        .execute(params![account, name.to_lowercase(), name])?;
    Ok(added > 0)
}

/// Adds an agent, or changes the name (when given) and admin flag of one
/// already there; true when the agent is new.
pub(super) fn upsert_agent(
    conn: &Connection,
    account: &str,
    email: &str,
    name: Option<&str>,
    admin: bool,
) -> rusqlite::Result<bool> {
    let email = email.to_lowercase();
    let known = conn
        .prepare_cached("SELECT 1 FROM agents WHERE account = ?1 AND email = ?2")?
        .query_row(params![account, email], |_| Ok(()))
        .optional()?
        .is_some();
    conn.prepare_cached(
        "INSERT INTO agents (account, email, name, admin) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account, email) DO UPDATE SET
             name = COALESCE(excluded.name, agents.name), admin = excluded.admin",
    )?
    .execute(params![account, email, name, admin])?;
    Ok(!known)
}

/// Makes an agent a member of a group (idempotent); true when it is new.
pub(super) fn add_member(
    conn: &Connection,
    account: &str,
    email: &str,
    group: &str,
) -> rusqlite::Result<bool> {
    let added = conn
        .prepare_cached(
            "INSERT INTO group_members (account, group_key, email) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![account, group.to_lowercase(), email.to_lowercase()])?;
    Ok(added > 0)
}

/// Everything [`Staff`] holds for an account; the default (sharing off,
/// no one) for an account the store does not have.
pub(super) fn load(conn: &Connection, account: &str) -> rusqlite::Result<Staff> {
    let sharing: Option<bool> = conn
        .prepare_cached("SELECT agent_ticket_sharing FROM accounts WHERE name = ?1")?
        .query_row([account], |row| row.get(0))
        .optional()?;
    let mut staff = Staff {
        account: account.to_string(),
        agent_ticket_sharing: sharing.unwrap_or(false),
        agents: BTreeMap::new(),
        groups: BTreeMap::new(),
    };
    let mut groups = conn.prepare_cached("SELECT key, name FROM groups WHERE account = ?1")?;
    staff.groups = groups
        .query_map([account], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut agents =
        conn.prepare_cached("SELECT email, name, admin FROM agents WHERE account = ?1")?;
    let rows = agents.query_map([account], |row| {
        Ok(Agent {
            email: row.get(0)?,
            name: row.get(1)?,
            admin: row.get(2)?,
            groups: Default::default(),
        })
    })?;
    for agent in rows {
        let agent = agent?;
        staff.agents.insert(agent.email.clone(), agent);
    }
    let mut members =
        conn.prepare_cached("SELECT email, group_key FROM group_members WHERE account = ?1")?;
    let rows = members.query_map([account], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (email, group) = row?;
        if let Some(agent) = staff.agents.get_mut(&email) {
            agent.groups.insert(group);
        }
    }
    Ok(staff)
}

/// The ids of an account's tickets shared with an agent, in id order.
pub(super) fn shared_with(
    conn: &Connection,
    account: &str,
    email: &str,
) -> rusqlite::Result<Vec<i64>> {
    let mut statement = conn.prepare_cached(
        "SELECT ticket_id FROM agent_shares WHERE account = ?1 AND email = ?2 ORDER BY ticket_id",
    )?;
    let ids = statement.query_map(params![account, email.to_lowercase()], |row| row.get(0))?;
    ids.collect()
}
