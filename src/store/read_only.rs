//! Stores this process may not write: a file without write permission, or
//! one in a directory where SQLite cannot make its `-wal` and `-shm` files
//! (a snapshot on a read-only mount, say). Reading commands open them
//! read-only; a dry run, which writes and rolls back, runs on a copy in
//! memory, so it shows exactly what `ingest` would do without touching the
//! file.

use super::{schema, Store, StoreError};
use rusqlite::{Connection, DatabaseName, OpenFlags};
use std::path::Path;
use std::time::Duration;

impl Store {
    /// Opens an existing store to read it: writable when this process may
    /// write it, else read-only (a later write is a [`StoreError::ReadOnly`]).
    pub fn open_to_read(path: &Path) -> Result<Store, StoreError> {
        match Store::open_existing(path) {
            Ok(store) => Ok(store),
            Err(e @ (StoreError::Missing { .. } | StoreError::TooNew { .. })) => Err(e),
            // The first error is the one to show if reading fails too.
            Err(e) => read_only(path).map_err(|_| e),
        }
    }

    /// Opens an existing store for a dry run: itself when it is writable,
    /// else a copy in memory.
    pub fn open_for_dry_run(path: &Path) -> Result<Store, StoreError> {
        let store = Store::open_to_read(path)?;
        if !store.read_only() {
            return Ok(store);
        }
        let fail = |source| StoreError::Open {
            path: store.path.clone(),
            source,
        };
        let mut copy = Connection::open_in_memory().map_err(fail)?;
        rusqlite::backup::Backup::new(&store.conn, &mut copy)
            .and_then(|b| b.run_to_completion(1024, Duration::ZERO, None))
            .map_err(fail)?;
        Store::set_up(copy, store.path.clone())
    }

    /// Whether the store is open read-only.
    pub fn read_only(&self) -> bool {
        self.conn.is_readonly(DatabaseName::Main).unwrap_or(true)
    }
}

/// The store at `path`, read-only, without migrating it: a store an older
/// ticket-rules wrote must be opened writable once first.
fn read_only(path: &Path) -> Result<Store, StoreError> {
    let shown = path.display().to_string();
    let fail = |source| StoreError::Open {
        path: shown.clone(),
        source,
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(fail)?;
    // A WAL store in a directory SQLite cannot write has no `-shm` to
    // share: nobody else can be writing it, so it is read as immutable.
    let conn = match schema::version(&conn) {
        Ok(_) => conn,
        Err(_) => {
            let flags = flags | OpenFlags::SQLITE_OPEN_URI;
            let uri = format!("file:{}?immutable=1", uri_path(path));
            Connection::open_with_flags(uri, flags).map_err(fail)?
        }
    };
    let found = schema::version(&conn).map_err(fail)?;
    let known = schema::MIGRATIONS.len();
    if usize::try_from(found) != Ok(known) {
        return Err(StoreError::Outdated {
            path: shown,
            found,
            known,
        });
    }
    super::sweep::register(&conn).map_err(fail)?;
    Ok(Store {
        conn,
        path: shown,
        known: Default::default(),
        tickets: Default::default(),
        unapplied: Default::default(),
    })
}

/// `path` for a `file:` URI: every byte that is not plainly safe, escaped.
fn uri_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uri_paths_escape_what_a_uri_would_read() {
        let path = std::path::Path::new("/a b/x?y#z%.db");
        assert_eq!(super::uri_path(path), "/a%20b/x%3Fy%23z%25.db");
    }
}
