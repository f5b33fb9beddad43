//! Sharing agreements, one row per account's side, keyed by `(account, id)`.

use super::codec::named_at;
use super::users::ensure_account;
use crate::model::{Agreement, AgreementStatus, CommentTerms, Direction};
use rusqlite::{params, Connection, OptionalExtension, Row};

/// The columns every query here reads, in the order [`agreement_at`] reads
/// them, followed by the rest of a statement.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT account, id, name, partner_name, remote_subdomain, status, type, comments,
                 sync_tags, sync_custom_fields, created_at, updated_at, url
             FROM agreements ",
            $rest
        )
    };
}

/// An insert of every column, with `?1` the account; see [`bind`].
macro_rules! insert {
    ($rest:literal) => {
        concat!(
            "INSERT INTO agreements (account, id, name, partner_name, remote_subdomain, status,
                 type, comments, sync_tags, sync_custom_fields, created_at, updated_at, url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ",
            $rest
        )
    };
}

/// Stores each agreement as `account`'s side, replacing one with the same id.
pub(super) fn import(
    conn: &Connection,
    account: &str,
    list: &[Agreement],
) -> rusqlite::Result<usize> {
    ensure_account(conn, account)?;
    let mut statement = conn.prepare_cached(insert!(
        "ON CONFLICT (account, id) DO UPDATE SET
             name = excluded.name,
             partner_name = excluded.partner_name,
             remote_subdomain = excluded.remote_subdomain,
             status = excluded.status,
             type = excluded.type,
             comments = excluded.comments,
             sync_tags = excluded.sync_tags,
             sync_custom_fields = excluded.sync_custom_fields,
             created_at = excluded.created_at,
             updated_at = excluded.updated_at,
             url = excluded.url"
    ))?;
    for agreement in list {
        bind(&mut statement, account, agreement)?;
    }
    Ok(list.len())
}

/// Stores a new agreement as its own `account`'s side. An id that side
/// already has is an error (a constraint failure), never a replacement.
pub(super) fn insert(conn: &Connection, agreement: &Agreement) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(insert!(""))?;
    bind(&mut statement, &agreement.account, agreement)
}

/// Runs an [`insert!`] statement for one agreement as `account`'s side.
fn bind(
    statement: &mut rusqlite::CachedStatement,
    account: &str,
    agreement: &Agreement,
) -> rusqlite::Result<()> {
    statement.execute(params![
        account,
        agreement.id,
        agreement.name,
        agreement.partner_name,
        agreement.remote_subdomain,
        agreement.status.as_str(),
        agreement.direction.as_str(),
        agreement.comments.as_str(),
        agreement.sync_tags,
        agreement.sync_custom_fields,
        agreement.created_at,
        agreement.updated_at,
        agreement.url,
    ])?;
    Ok(())
}

/// An account's agreements, by id.
pub(super) fn list(conn: &Connection, account: &str) -> rusqlite::Result<Vec<Agreement>> {
    let mut statement = conn.prepare_cached(select!("WHERE account = ?1 ORDER BY id"))?;
    let rows = statement.query_map([account], agreement_at)?;
    rows.collect()
}

/// One side of an agreement, by its account and id.
pub(super) fn one(
    conn: &Connection,
    account: &str,
    id: i64,
) -> rusqlite::Result<Option<Agreement>> {
    conn.prepare_cached(select!("WHERE account = ?1 AND id = ?2"))?
        .query_row(params![account, id], agreement_at)
        .optional()
}

/// Every account's agreement with this id, by account. Ids the store hands
/// out are unique, but imported ones need not be.
pub(super) fn with_id(conn: &Connection, id: i64) -> rusqlite::Result<Vec<Agreement>> {
    let mut statement = conn.prepare_cached(select!("WHERE id = ?1 ORDER BY account"))?;
    let rows = statement.query_map([id], agreement_at)?;
    rows.collect()
}

/// Sets one side's status and `updated_at`; false when there is no such side.
pub(super) fn set_status(
    conn: &Connection,
    account: &str,
    id: i64,
    status: AgreementStatus,
    updated_at: &str,
) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE agreements SET status = ?3, updated_at = ?4 WHERE account = ?1 AND id = ?2",
        )?
        .execute(params![account, id, status.as_str(), updated_at])?;
    Ok(changed > 0)
}

/// Deletes one side; false when there is no such side. Shares keep their
/// rows: they name the agreement, they do not point at it.
pub(super) fn delete(conn: &Connection, account: &str, id: i64) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached("DELETE FROM agreements WHERE account = ?1 AND id = ?2")?
        .execute(params![account, id])?;
    Ok(changed > 0)
}

/// One more than the highest id any account's agreement has (1 in an empty
/// store), so that a new agreement's two sides never clash with an
/// existing id on either side.
pub(super) fn next_id(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT COALESCE(MAX(id), 0) + 1 FROM agreements")?
        .query_row([], |row| row.get(0))
}

/// Reads a row of [`select!`].
fn agreement_at(row: &Row) -> rusqlite::Result<Agreement> {
    Ok(Agreement {
        account: row.get(0)?,
        id: row.get(1)?,
        name: row.get(2)?,
        partner_name: row.get(3)?,
        remote_subdomain: row.get(4)?,
        status: named_at(row, 5, "agreement status", AgreementStatus::parse)?,
        direction: named_at(row, 6, "agreement type", Direction::parse)?,
        comments: named_at(row, 7, "comment terms", CommentTerms::parse)?,
        sync_tags: row.get(8)?,
        sync_custom_fields: row.get(9)?,
        created_at: row.get(10)?,
        updated_at: row.get(11)?,
        url: row.get(12)?,
    })
}
