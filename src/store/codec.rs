//! How model values become SQLite values and back: times as nanoseconds,
//! enums by name, and the errors a stored value that does not read back
//! turns into.

use crate::model::{Priority, Role, Shared, Status, Tags, TicketType, Time};
use rusqlite::types::Type;
use rusqlite::Row;

/// A value that could not be stored or read back, in words.
#[derive(Debug)]
struct Unreadable(String);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unreadable {}

/// An error for a value that cannot be written.
pub(super) fn unwritable(why: String) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(Unreadable(why)))
}

/// An error for column `index` holding a value no model type has.
pub(super) fn unreadable(index: usize, why: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(Unreadable(why)))
}

/// A time as stored: nanoseconds since the Unix epoch, UTC. An automation
/// that compares a ticket time in SQL binds its bound through this.
/// `None` outside 1677-09-21 to 2262-04-11, which the store cannot hold.
pub fn time_value(time: &Time) -> Option<i64> {
    crate::model::time_nanos(time)
}

/// A time to store; an error names the time that does not fit.
pub(super) fn nanos(time: &Time) -> rusqlite::Result<i64> {
    time_value(time).ok_or_else(|| unwritable(format!("time {time} is out of the store's range")))
}

/// An optional time to store.
pub(super) fn opt_nanos(time: &Option<Time>) -> rusqlite::Result<Option<i64>> {
    time.as_ref().map(nanos).transpose()
}

/// Reads a stored time back.
pub(super) fn time_from_nanos(nanos: i64) -> Time {
    Time::from_timestamp_nanos(nanos)
}

/// Reads column `index` as a time.
pub(super) fn time_at(row: &Row, index: usize) -> rusqlite::Result<Time> {
    row.get::<_, i64>(index).map(time_from_nanos)
}

/// Reads column `index` as an optional time.
pub(super) fn opt_time_at(row: &Row, index: usize) -> rusqlite::Result<Option<Time>> {
    Ok(row.get::<_, Option<i64>>(index)?.map(time_from_nanos))
}

/// Reads column `index` as a name `parse` knows; `what` names the kind of
/// value in the error.
pub(super) fn named_at<T>(
    row: &Row,
    index: usize,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    parse(&text).ok_or_else(|| unreadable(index, format!("unknown {what} `{text}`")))
}

/// Reads column `index` as an optional name `parse` knows.
pub(super) fn opt_named_at<T>(
    row: &Row,
    index: usize,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<Option<T>> {
    match row.get::<_, Option<String>>(index)? {
        None => Ok(None),
        Some(text) => parse(&text)
            .map(Some)
            .ok_or_else(|| unreadable(index, format!("unknown {what} `{text}`"))),
    }
}

/// Reads column `index` as a status.
pub(super) fn status_at(row: &Row, index: usize) -> rusqlite::Result<Status> {
    named_at(row, index, "status", Status::parse)
}

/// Reads column `index` as an optional priority.
pub(super) fn priority_at(row: &Row, index: usize) -> rusqlite::Result<Option<Priority>> {
    opt_named_at(row, index, "priority", Priority::parse)
}

/// Reads column `index` as an optional ticket type.
pub(super) fn type_at(row: &Row, index: usize) -> rusqlite::Result<Option<TicketType>> {
    opt_named_at(row, index, "ticket type", TicketType::parse)
}

/// A role's stored name: `end_user`, `agent`, `admin` (no spaces, so SQL
/// that filters on it needs no quoting surprises).
pub(super) fn role_name(role: Role) -> &'static str {
    match role {
        Role::EndUser => "end_user",
        Role::Agent => "agent",
        Role::Admin => "admin",
    }
}

/// Reads column `index` as a role.
pub(super) fn role_at(row: &Row, index: usize) -> rusqlite::Result<Role> {
    named_at(row, index, "role", Role::parse)
}

/// A ticket's tags as the `tickets.tags` column holds them: in order, each
/// with a space on both sides (`" billing vip "`), so that `instr(tags, '
/// vip ')` finds one; `""` for none. A tag with a space in it could not be
/// found again, so it is refused (events and rules never make one).
pub(super) fn tags_text(tags: &Tags) -> rusqlite::Result<String> {
    if tags.is_empty() {
        return Ok(String::new());
    }
    let mut text = String::with_capacity(tags.iter().map(|t| t.len() + 1).sum::<usize>() + 1);
    text.push(' ');
    for tag in tags {
        if tag.is_empty() || tag.contains(char::is_whitespace) {
            return Err(unwritable(format!("tag `{tag}` is empty or has a space")));
        }
        text.push_str(tag);
        text.push(' ');
    }
    Ok(text)
}

/// The tags a `tickets.tags` column holds.
pub(super) fn tags_from(text: &str) -> Tags {
    text.split(' ')
        .filter(|t| !t.is_empty())
        .map(Shared::from)
        .collect()
}

/// What `instr(tags, ?)` looks for to find `tag`.
pub(super) fn tag_probe(tag: &str) -> String {
    format!(" {tag} ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_their_nanoseconds() {
        let time = Time::from_timestamp_nanos(1_714_557_600_123_456_789);
        let stored = nanos(&time).expect("in range");
        assert_eq!(stored, 1_714_557_600_123_456_789);
        assert_eq!(time_from_nanos(stored), time);
    }

    #[test]
    fn a_time_out_of_range_is_an_error() {
        let far = Time::MAX_UTC;
        let err = nanos(&far).expect_err("out of range");
        assert!(
            err.to_string().contains("out of the store's range"),
            "{err}"
        );
    }

    #[test]
    fn role_names_read_back() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role_name(*role)), Some(*role));
        }
    }
}
