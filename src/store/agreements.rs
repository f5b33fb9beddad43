//! Sharing agreements, one row per account's side, keyed by `(account, id)`.

use super::codec::named_at;
use super::users::ensure_account;
use crate::model::{Agreement, AgreementStatus, CommentTerms, Direction};
use rusqlite::{params, Connection};

/// Stores each agreement as `account`'s side, replacing one with the same id.
pub(super) fn import(
    conn: &Connection,
    account: &str,
    list: &[Agreement],
) -> rusqlite::Result<usize> {
    ensure_account(conn, account)?;
    let mut statement = conn.prepare_cached(
        "INSERT INTO agreements (account, id, name, partner_name, remote_subdomain, status,
             type, comments, sync_tags, sync_custom_fields, created_at, updated_at, url)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (account, id) DO UPDATE SET
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
             url = excluded.url",
    )?;
    for agreement in list {
        statement.execute(params![
            account,
            agreement.id,
            agreement.name,
            agreement.partner_name,
            agreement.remote_subdomain,
            agreement.status.as_str(),
            direction_name(agreement.direction),
            terms_name(agreement.comments),
            agreement.sync_tags,
            agreement.sync_custom_fields,
            agreement.created_at,
            agreement.updated_at,
            agreement.url,
        ])?;
    }
    Ok(list.len())
}

/// An account's agreements, by id.
pub(super) fn list(conn: &Connection, account: &str) -> rusqlite::Result<Vec<Agreement>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, name, partner_name, remote_subdomain, status, type, comments, sync_tags,
             sync_custom_fields, created_at, updated_at, url
         FROM agreements WHERE account = ?1 ORDER BY id",
    )?;
    let rows = statement.query_map([account], |row| {
        Ok(Agreement {
            id: row.get(0)?,
            account: account.to_string(),
            name: row.get(1)?,
            partner_name: row.get(2)?,
            remote_subdomain: row.get(3)?,
            status: named_at(row, 4, "agreement status", AgreementStatus::parse)?,
            direction: named_at(row, 5, "agreement type", parse_direction)?,
            comments: named_at(row, 6, "comment terms", parse_terms)?,
            sync_tags: row.get(7)?,
            sync_custom_fields: row.get(8)?,
            created_at: row.get(9)?,
            updated_at: row.get(10)?,
            url: row.get(11)?,
        })
    })?;
    rows.collect()
}

/// Every agreement status, to read names back.
fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Outbound => "outbound",
        Direction::Inbound => "inbound",
    }
}

fn parse_direction(text: &str) -> Option<Direction> {
    [Direction::Outbound, Direction::Inbound]
        .into_iter()
        .find(|d| direction_name(*d) == text)
}

fn terms_name(terms: CommentTerms) -> &'static str {
    match terms {
        CommentTerms::PublicAndPrivate => "public_and_private",
        CommentTerms::PrivateOnly => "private_only",
    }
}

fn parse_terms(text: &str) -> Option<CommentTerms> {
    [CommentTerms::PublicAndPrivate, CommentTerms::PrivateOnly]
        .into_iter()
        .find(|t| terms_name(*t) == text)
}
