//! An account's custom ticket fields: a type per title, titles matched
//! ignoring case as on tickets (the key is the title lowercased).

use super::codec::named_at;
use crate::model::FieldType;
use rusqlite::{params, Connection, OptionalExtension};

/// Defines a field, or changes its type and the title's spelling; false,
/// writing nothing, when the store has no such account.
pub(super) fn set(
    conn: &Connection,
    account: &str,
    title: &str,
    field_type: FieldType,
) -> rusqlite::Result<bool> {
    // INSERT … SELECT … WHERE EXISTS: an unknown account writes no row and
    // says so, where a plain INSERT would fail on the foreign key.
    let changed = conn
        .prepare_cached(
            "INSERT INTO fields (account, key, title, type)
             SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM accounts WHERE name = ?1)
             ON CONFLICT (account, key) DO UPDATE SET
                 title = excluded.title, type = excluded.type",
        )?
        .execute(params![account, key(title), title, field_type.as_str()])?;
    Ok(changed > 0)
}

/// An account's fields, by title ignoring case.
pub(super) fn list(conn: &Connection, account: &str) -> rusqlite::Result<Vec<(String, FieldType)>> {
    let mut statement =
        conn.prepare_cached("SELECT title, type FROM fields WHERE account = ?1 ORDER BY key")?;
    let rows = statement.query_map([account], |row| {
        Ok((
            row.get(0)?,
            named_at(row, 1, "field type", FieldType::parse)?,
        ))
    })?;
    rows.collect()
}

/// The type of an account's field, by title ignoring case.
pub(super) fn field_type(
    conn: &Connection,
    account: &str,
    title: &str,
) -> rusqlite::Result<Option<FieldType>> {
    conn.prepare_cached("SELECT type FROM fields WHERE account = ?1 AND key = ?2")?
        .query_row(params![account, key(title)], |row| {
            named_at(row, 0, "field type", FieldType::parse)
        })
        .optional()
}

/// The key a title is stored under: lowercased, as
/// [`crate::model::Ticket::set_custom_field`] keys a ticket's fields.
fn key(title: &str) -> String {
    title.to_lowercase()
}
