//! Many rows of one table in few statements: `INSERT … VALUES (…), (…)`.
//! One statement a row made an event with a dozen audit rows, or a ticket
//! with 100,000 tags, pay SQLite's per-statement cost that many times.
//! Deletes go one statement a row: SQLite builds a temporary B-tree for
//! every `IN (…)` list, which cost more than the statements it saved.

use rusqlite::types::ToSql;
use rusqlite::{params_from_iter, Connection};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

/// Rows per statement, largest first: any count is written greedily with
/// at most a few statements beyond `count / 32`, from five cached shapes.
const CHUNKS: [usize; 5] = [32, 8, 4, 2, 1];

/// An insert whose rows share their first `shared` values (the ticket's
/// account and id, say), bound once a statement as `?1…`.
pub(super) struct Insert {
    /// `INSERT INTO tags (account, ticket_id, tag)`: the shared columns
    /// first.
    pub head: &'static str,
    pub shared: usize,
    /// Values of each row after the shared ones.
    pub per_row: usize,
}

impl Insert {
    /// Inserts `values.len() / per_row` rows, in order (so their rowids
    /// rise in the order given).
    pub(super) fn run(
        &self,
        conn: &Connection,
        shared: &[&dyn ToSql],
        values: &[&dyn ToSql],
    ) -> rusqlite::Result<()> {
        debug_assert_eq!(shared.len(), self.shared);
        for (n, now) in pieces(values, self.per_row) {
            let bound = shared.iter().chain(now.iter());
            let sql = cached_sql(self.head, n, || self.sql(n));
            conn.prepare_cached(&sql)?
                .execute(params_from_iter(bound))?;
        }
        Ok(())
    }

    /// The statement for `n` rows: `(?1, ?2, ?3), (?1, ?2, ?4)`.
    fn sql(&self, n: usize) -> String {
        let mut sql = format!("{} VALUES ", self.head);
        let mut next = self.shared + 1;
        for row in 0..n {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            let own = next..next + self.per_row;
            for (k, i) in (1..=self.shared).chain(own).enumerate() {
                let _ = write!(sql, "{}?{i}", if k == 0 { "" } else { ", " });
            }
            sql.push(')');
            next += self.per_row;
        }
        sql
    }
}

/// Deletes the rows whose last key is one of `keys`, one statement each:
/// `head` is `DELETE FROM agent_shares WHERE account = ?1 AND ticket_id =
/// ?2 AND email =`, with `shared` bound to the `?`s before the key.
pub(super) fn delete_each(
    conn: &Connection,
    head: &'static str,
    shared: &[&dyn ToSql],
    keys: &[&dyn ToSql],
) -> rusqlite::Result<()> {
    let sql = cached_sql(head, 1, || format!("{head} ?{}", shared.len() + 1));
    let mut statement = conn.prepare_cached(&sql)?;
    for key in keys {
        statement.execute(params_from_iter(shared.iter().chain([key])))?;
    }
    Ok(())
}

thread_local! {
    /// Statement texts by head and rows: built once, not per event.
    static SQL: RefCell<HashMap<(&'static str, usize), Rc<str>>> = RefCell::default();
}

fn cached_sql(head: &'static str, n: usize, build: impl FnOnce() -> String) -> Rc<str> {
    SQL.with(|cache| {
        let mut cache = cache.borrow_mut();
        Rc::clone(cache.entry((head, n)).or_insert_with(|| build().into()))
    })
}

/// `values` cut greedily into runs of `n` rows of `per_row` values, `n`
/// one of [`CHUNKS`]; yields `n` and the run.
fn pieces<T>(values: &[T], per_row: usize) -> impl Iterator<Item = (usize, &[T])> {
    let mut rest = values;
    std::iter::from_fn(move || {
        let rows = rest.len() / per_row;
        let n = CHUNKS.into_iter().find(|&n| n <= rows)?;
        let (now, later) = rest.split_at(n * per_row);
        rest = later;
        Some((n, now))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_share_the_first_values() {
        let insert = Insert {
            head: "INSERT INTO t (a, b, c)",
            shared: 1,
            per_row: 2,
        };
        assert_eq!(
            insert.sql(2),
            "INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3), (?1, ?4, ?5)"
        );
    }

    #[test]
    fn any_count_goes_in_order() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (seq INTEGER PRIMARY KEY, a TEXT, b INTEGER)")
            .unwrap();
        let insert = Insert {
            head: "INSERT INTO t (a, b)",
            shared: 1,
            per_row: 1,
        };
        for count in [0, 1, 7, 33, 100] {
            conn.execute("DELETE FROM t", []).unwrap();
            let numbers: Vec<i64> = (0..count).collect();
            let values: Vec<&dyn ToSql> = numbers.iter().map(|n| n as &dyn ToSql).collect();
            insert.run(&conn, &[&"x"], &values).unwrap();
            let mut statement = conn.prepare("SELECT a, b FROM t ORDER BY seq").unwrap();
            let rows: Vec<(String, i64)> = statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let want: Vec<(String, i64)> = numbers.iter().map(|&n| ("x".into(), n)).collect();
            assert_eq!(rows, want, "{count} rows");
        }
    }
}
