//! The SQLite ticket store: the only place ticket-rules reads and writes
//! tickets, events, the audit trail and the outbox.
//!
//! One [`Store`] wraps one connection. The file is opened in WAL mode with
//! `synchronous=NORMAL` and foreign keys on, and its schema is brought up to
//! date from [`schema::MIGRATIONS`] when it is opened.
//!
//! Writes go through [`Store::apply`] (an event the engine ran) and
//! [`Store::reject`] (an event that could not run). Both join the caller's
//! transaction when one is open, so an ingest loop writes many events per
//! `BEGIN IMMEDIATE … COMMIT`; called outside a transaction, every write
//! method wraps itself in one. Both check their input before their first
//! write, so a refused event leaves nothing behind without a savepoint;
//! [`Store::savepoint`] is there for callers that write more around it.
//!
//! Times are stored as INTEGER nanoseconds since the Unix epoch (UTC), so a
//! [`crate::model::Time`] comes back exactly as it went in and an
//! automation sweep can compare them with a bound parameter
//! ([`time_value`]).

mod agreements;
mod audits;
mod cache;
mod codec;
mod events;
mod fields;
mod fired;
mod network;
mod partners;
pub mod prefilter;
mod read_only;
mod replies;
mod rows;
pub mod schema;
mod staff;
mod sweep;
mod tickets;
mod tokens;
mod users;

pub use audits::AuditEntry;
pub use codec::time_value;
pub use events::{Applied, EventRecord, EventState, OutboxEntry, Rejected};
pub use network::Note;
pub use partners::AgreementKey;
pub use replies::{Reply, ReplyFilter, ReplyState};
pub use tickets::{Sharing, StoredComment, TicketFilter};
pub use tokens::ApiToken;
pub use users::{AccountSettings, User};

use crate::model::{Agreement, AgreementStatus, FieldType, Staff, Ticket, Time};
use prefilter::SqlFilter;
use rusqlite::{Connection, OpenFlags};
use std::cell::RefCell;
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another process's write transaction before
/// giving up. Runs commit every [`crate::ingest::BATCH`] updates, so a
/// wait this long means the other writer is stuck, not busy.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// SQLite's page cache, in KiB (a negative `cache_size`). The default 2 MiB
/// spills a batch of events to the WAL before it commits; this keeps a
/// batch in memory, well inside the memory budget.
const CACHE_KIB: i64 = -32 * 1024;

/// Prepared statements kept per connection: every hot statement of `apply`
/// and of loading a ticket, with room to spare (rusqlite's default is 16).
const STATEMENT_CACHE: usize = 64;

/// A ticket store: one SQLite connection and the path it was opened from.
pub struct Store {
    conn: Connection,
    path: String,
    /// Users known to be stored; see [`users::KnownUsers`].
    known: RefCell<users::KnownUsers>,
    /// Tickets as this transaction wrote them; see [`cache::TicketCache`].
    tickets: RefCell<cache::TicketCache>,
    /// An event [`Store::event_state`] found not applied in this
    /// transaction, so that [`Store::apply`] need not look again.
    unapplied: RefCell<Option<String>>,
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened or set up.
    #[error("cannot open store `{path}`: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    /// [`Store::open_existing`] found no file.
    #[error("no store at `{path}`")]
    Missing { path: String },
    /// The file was written by a newer ticket-rules.
    #[error("store `{path}` has schema version {found}; this ticket-rules knows up to {known}")]
    TooNew {
        path: String,
        found: i64,
        known: usize,
    },
    /// A query failed, or a stored value could not be read back.
    #[error("store `{path}`: {source}")]
    Sql {
        path: String,
        source: rusqlite::Error,
    },
    /// [`Store::apply`] or [`Store::reject`] for an event that is already
    /// applied: nothing was written.
    #[error("store `{path}`: event `{event_id}` is already applied")]
    AlreadyApplied { path: String, event_id: String },
    /// The caller's data does not fit what the store holds (a `before`
    /// ticket that is not stored, an outcome for another ticket).
    #[error("store `{path}`: {why}")]
    Mismatch { path: String, why: String },
    /// A value the store cannot hold (a time outside 1677 to 2262);
    /// nothing was written.
    #[error("store `{path}`: {why}")]
    Unstorable { path: String, why: String },
    /// A store opened read-only (see [`Store::open_to_read`]) that was
    /// asked to write.
    #[error("store `{path}` is read-only here: {source}\nhelp: reading commands and dry runs work on it; to change it, make it and its folder writable")]
    ReadOnly {
        path: String,
        source: rusqlite::Error,
    },
    /// A read-only store that needs migrating before this ticket-rules can
    /// read it.
    #[error("store `{path}` has schema version {found} and is read-only here; this ticket-rules reads version {known}\nhelp: open it once where it can be written, to migrate it")]
    Outdated {
        path: String,
        found: i64,
        known: usize,
    },
    /// Another process held the write lock for all of [`BUSY_TIMEOUT`].
    #[error("store `{path}` is busy: another process has been writing to it for {secs} s\nhelp: run again when it has finished")]
    Busy { path: String, secs: u64 },
    /// A savepoint was asked for outside a transaction.
    #[error("store `{path}`: savepoint outside a transaction; call begin first")]
    NoTransaction { path: String },
}

impl Store {
    /// Opens the store at `path`, creating the file and its schema on first
    /// use and migrating an older schema.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Store::connect(path, flags)
    }

    /// Opens a store that must already exist: never creates a file (a dry
    /// run must leave no trace). An older schema is still migrated.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing {
                path: path.display().to_string(),
            });
        }
        // Without SQLITE_OPEN_CREATE, a file removed since the check above
        // is an error rather than a new empty store.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Store::connect(path, flags)
    }

    /// A store that lives in memory and ends with the value (tests, demos).
    pub fn in_memory() -> Result<Store, StoreError> {
        let path = ":memory:".to_string();
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        Store::set_up(conn, path)
    }

    fn connect(path: &Path, flags: OpenFlags) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
            path: shown.clone(),
            source,
        })?;
        Store::set_up(conn, shown)
    }

    fn set_up(conn: Connection, path: String) -> Result<Store, StoreError> {
        let open = |source: rusqlite::Error| match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ReadOnly) => StoreError::ReadOnly {
                path: path.clone(),
                source,
            },
            _ => StoreError::Open {
                path: path.clone(),
                source,
            },
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open)?;
        // journal_mode answers with the mode now in force ("memory" for an
        // in-memory database), so it is read back rather than executed.
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .map_err(open)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open)?;
        conn.pragma_update(None, "cache_size", CACHE_KIB)
            .map_err(open)?;
        // Savepoints copy each page they first touch to a sub-journal; in a
        // temp file that is a write(2) per page, in memory a memcpy.
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(open)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        sweep::register(&conn).map_err(open)?;
        schema::migrate(&conn, &path)?;
        Ok(Store {
            conn,
            path,
            known: RefCell::default(),
            tickets: RefCell::default(),
            unapplied: RefCell::default(),
        })
    }

    /// The path the store was opened from (`:memory:` for one in memory).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Wraps a SQLite error with the store's path.
    fn fail(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        |source| {
            // SQLite may have rolled the transaction back on its own.
            self.forget_users();
            if source.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) {
                return StoreError::ReadOnly {
                    path: self.path.clone(),
                    source,
                };
            }
            if source.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
                return StoreError::Busy {
                    path: self.path.clone(),
                    secs: BUSY_TIMEOUT.as_secs(),
                };
            }
            StoreError::Sql {
                path: self.path.clone(),
                source,
            }
        }
    }

    /// Forgets which users are stored, and the tickets this transaction
    /// wrote: rows may have been rolled back.
    fn forget_users(&self) {
        self.known.borrow_mut().forget();
        self.tickets.borrow_mut().forget();
        self.unapplied.take();
    }

    fn run(&self, sql: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut statement| statement.execute([]))
            .map(|_| ())
            .map_err(self.fail())
    }

    /// Starts a write transaction, taking the write lock now (`BEGIN
    /// IMMEDIATE`) so that it cannot fail later on a lock upgrade.
    pub fn begin(&self) -> Result<(), StoreError> {
        self.unapplied.take();
        self.run("BEGIN IMMEDIATE")?;
        // Another connection may have written since the last transaction:
        // `data_version` changes when one commits.
        let version = self
            .conn
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut s| s.query_row([], |row| row.get::<_, i64>(0)))
            .map_err(self.fail())?;
        self.tickets.borrow_mut().begin(version);
        Ok(())
    }

    /// Commits the transaction [`Store::begin`] started.
    pub fn commit(&self) -> Result<(), StoreError> {
        self.unapplied.take();
        self.run("COMMIT")
    }

    /// Abandons the transaction [`Store::begin`] started.
    pub fn rollback(&self) -> Result<(), StoreError> {
        self.forget_users();
        self.run("ROLLBACK")
    }

    /// Marks the start of one event inside a transaction (`SAVEPOINT event`).
    pub fn savepoint(&self) -> Result<(), StoreError> {
        // A savepoint outside a transaction would start a deferred one,
        // which can fail with "database is locked" when it first writes.
        if self.conn.is_autocommit() {
            return Err(StoreError::NoTransaction {
                path: self.path.clone(),
            });
        }
        self.run("SAVEPOINT event")
    }

    /// Keeps what the event wrote (`RELEASE event`).
    pub fn release(&self) -> Result<(), StoreError> {
        self.run("RELEASE event")
    }

    /// Undoes what the event wrote and ends its savepoint, keeping the
    /// transaction open (`ROLLBACK TO event; RELEASE event`).
    pub fn rollback_to(&self) -> Result<(), StoreError> {
        self.forget_users();
        self.run("ROLLBACK TO event")?;
        self.run("RELEASE event")
    }

    /// Runs `write` in the caller's transaction, or in one of its own when
    /// none is open, so that every write method is all or nothing.
    /// Tickets this transaction cached are forgotten: the write may
    /// change them.
    fn write<T>(&self, write: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.tickets.borrow_mut().forget();
        self.unapplied.take();
        self.transaction(write)
    }

    /// Runs `work` in a transaction: the caller's when one is open (the
    /// caller then decides to commit), else one of its own that commits
    /// when `work` returns `Ok` and rolls back when it returns `Err`. For
    /// work that writes several rows that stand or fall together.
    pub fn transaction<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        if !self.conn.is_autocommit() {
            return work();
        }
        self.begin()?;
        let result = work().and_then(|value| self.commit().map(|()| value).map_err(E::from));
        if result.is_err() {
            // The first error says what went wrong; a failed rollback after
            // it (no transaction left to roll back, say) would only hide it.
            // Without the rollback a failed COMMIT would leave the
            // transaction open, and later calls would think it the caller's.
            let _ = self.rollback();
        }
        result
    }

    /// Records an account (idempotent).
    pub fn ensure_account(&self, account: &str) -> Result<(), StoreError> {
        self.write(|| users::ensure_account(&self.conn, account).map_err(self.fail()))
    }

    /// Records a new account; false, writing nothing, when it is already
    /// there.
    pub fn add_account(&self, name: &str) -> Result<bool, StoreError> {
        self.write(|| users::add_account(&self.conn, name).map_err(self.fail()))
    }

    /// An account's settings; `None` when the store has no such account.
    pub fn account_settings(&self, name: &str) -> Result<Option<AccountSettings>, StoreError> {
        users::settings(&self.conn, name).map_err(self.fail())
    }

    /// Turns declining all invites on or off for an account; false, writing
    /// nothing, when the store has no such account.
    pub fn set_decline_all_invites(&self, name: &str, on: bool) -> Result<bool, StoreError> {
        self.write(|| users::set_decline_all_invites(&self.conn, name, on).map_err(self.fail()))
    }

    /// Turns agent ticket sharing on or off for an account; false, writing
    /// nothing, when the store has no such account.
    pub fn set_agent_ticket_sharing(&self, name: &str, on: bool) -> Result<bool, StoreError> {
        self.write(|| staff::set_sharing(&self.conn, name, on).map_err(self.fail()))
    }

    /// An account's agents, groups and sharing setting (sharing off and no
    /// one, for an account the store does not have).
    pub fn staff(&self, account: &str) -> Result<Staff, StoreError> {
        staff::load(&self.conn, account).map_err(self.fail())
    }

    /// Adds a group to an account (which must be in the store); false,
    /// writing nothing, when it has one of that name, ignoring case.
    pub fn add_group(&self, account: &str, name: &str) -> Result<bool, StoreError> {
        self.write(|| staff::add_group(&self.conn, account, name).map_err(self.fail()))
    }

    /// Adds an agent to an account, or sets the name (when given) and
    /// admin flag of one already there; true when the agent is new.
    pub fn upsert_agent(
        &self,
        account: &str,
        email: &str,
        name: Option<&str>,
        admin: bool,
    ) -> Result<bool, StoreError> {
        self.write(|| {
            staff::upsert_agent(&self.conn, account, email, name, admin).map_err(self.fail())
        })
    }

    /// Makes an agent a member of one of the account's groups; true when
    /// the membership is new.
    pub fn add_member(&self, account: &str, email: &str, group: &str) -> Result<bool, StoreError> {
        self.write(|| staff::add_member(&self.conn, account, email, group).map_err(self.fail()))
    }

    /// The ids of an account's tickets shared with an agent (the agent's
    /// "Shared with me" list), in id order.
    pub fn shared_with(&self, account: &str, email: &str) -> Result<Vec<i64>, StoreError> {
        staff::shared_with(&self.conn, account, email).map_err(self.fail())
    }

    /// Scheduled replies, by account, ticket and id.
    pub fn replies(&self, filter: &ReplyFilter) -> Result<Vec<Reply>, StoreError> {
        replies::list(&self.conn, filter).map_err(self.fail())
    }

    /// Pending replies due at or before `at`, oldest first.
    pub fn due_replies(&self, at: Time) -> Result<Vec<Reply>, StoreError> {
        // Past the store's range every reply is due.
        let at = codec::time_value(&at).unwrap_or(if at.timestamp() < 0 {
            i64::MIN
        } else {
            i64::MAX
        });
        replies::due(&self.conn, at).map_err(self.fail())
    }

    /// The sequence number the next event the store sees will get: a
    /// stable, unused number for naming an update a command makes.
    pub fn next_event_seq(&self) -> Result<i64, StoreError> {
        events::next_seq(&self.conn).map_err(self.fail())
    }

    /// Defines an account's custom field (or changes its type, and how its
    /// title is spelled: titles match ignoring case); false, writing
    /// nothing, when the store has no such account.
    pub fn set_field(
        &self,
        account: &str,
        title: &str,
        field_type: FieldType,
    ) -> Result<bool, StoreError> {
        self.write(|| fields::set(&self.conn, account, title, field_type).map_err(self.fail()))
    }

    /// An account's custom fields, by title ignoring case.
    pub fn fields(&self, account: &str) -> Result<Vec<(String, FieldType)>, StoreError> {
        fields::list(&self.conn, account).map_err(self.fail())
    }

    /// The type of an account's custom field, by title ignoring case.
    pub fn field_type(&self, account: &str, title: &str) -> Result<Option<FieldType>, StoreError> {
        fields::field_type(&self.conn, account, title).map_err(self.fail())
    }

    /// Every account, by name.
    pub fn accounts(&self) -> Result<Vec<String>, StoreError> {
        users::accounts(&self.conn).map_err(self.fail())
    }

    /// A user of an account, by email.
    pub fn user(&self, account: &str, email: &str) -> Result<Option<User>, StoreError> {
        users::user(&self.conn, account, email).map_err(self.fail())
    }

    /// One ticket, as it was last saved.
    /// Inside a transaction, a ticket an event wrote comes from memory.
    pub fn ticket(&self, account: &str, id: i64) -> Result<Option<Ticket>, StoreError> {
        let in_transaction = !self.conn.is_autocommit();
        let cached = in_transaction
            .then(|| self.tickets.borrow().get(account, id).cloned())
            .flatten();
        if let Some(ticket) = cached {
            // Every debug test run checks that the cache tells the truth.
            #[cfg(debug_assertions)]
            {
                let stored = tickets::load(&self.conn, account, id).map_err(self.fail())?;
                assert_eq!(stored.as_ref(), Some(&ticket), "ticket cache is stale");
            }
            return Ok(Some(ticket));
        }
        tickets::load(&self.conn, account, id).map_err(self.fail())
    }

    /// Tickets that match every filter given, ordered by account and id.
    pub fn tickets(&self, filter: &TicketFilter) -> Result<Vec<Ticket>, StoreError> {
        tickets::list(&self.conn, filter).map_err(self.fail())
    }

    /// Ids of the account's tickets, not closed, that `filter` lets
    /// through, in id order: where an automation sweep starts.
    pub fn sweep_candidates(
        &self,
        account: &str,
        filter: &SqlFilter,
    ) -> Result<Vec<i64>, StoreError> {
        sweep::candidates(&self.conn, account, filter).map_err(self.fail())
    }

    /// The account's tickets with these ids, in the order given.
    pub fn tickets_by_id(&self, account: &str, ids: &[i64]) -> Result<Vec<Ticket>, StoreError> {
        sweep::load_many(&self.conn, account, ids).map_err(self.fail())
    }

    /// A ticket's comments, oldest first.
    pub fn comments(&self, account: &str, id: i64) -> Result<Vec<StoredComment>, StoreError> {
        tickets::comments(&self.conn, account, id).map_err(self.fail())
    }

    /// An account's sharing agreements, by id.
    pub fn agreements(&self, account: &str) -> Result<Vec<Agreement>, StoreError> {
        agreements::list(&self.conn, account).map_err(self.fail())
    }

    /// One account's side of an agreement, by id.
    pub fn agreement(&self, account: &str, id: i64) -> Result<Option<Agreement>, StoreError> {
        agreements::one(&self.conn, account, id).map_err(self.fail())
    }

    /// Every account's side with this id, by account: one for ids the store
    /// handed out, maybe more for imported ones.
    pub fn agreements_with_id(&self, id: i64) -> Result<Vec<Agreement>, StoreError> {
        agreements::with_id(&self.conn, id).map_err(self.fail())
    }

    /// The id for a new agreement side: one more than the highest in the
    /// whole store, 1 in an empty one.
    pub fn next_agreement_id(&self) -> Result<i64, StoreError> {
        agreements::next_id(&self.conn).map_err(self.fail())
    }

    /// Stores a new agreement side as its own `account`'s. The account must
    /// be in the store, and must not have a side with that id already.
    pub fn insert_agreement(&self, agreement: &Agreement) -> Result<(), StoreError> {
        self.write(|| agreements::insert(&self.conn, agreement).map_err(self.fail()))
    }

    /// Sets one side's status and `updated_at` (RFC 3339); false, writing
    /// nothing, when the account has no agreement with that id.
    pub fn set_agreement_status(
        &self,
        account: &str,
        id: i64,
        status: AgreementStatus,
        updated_at: &str,
    ) -> Result<bool, StoreError> {
        self.write(|| {
            agreements::set_status(&self.conn, account, id, status, updated_at).map_err(self.fail())
        })
    }

    /// Deletes one account's side of an agreement; false when the account
    /// has no side with that id.
    pub fn delete_agreement(&self, account: &str, id: i64) -> Result<bool, StoreError> {
        self.write(|| agreements::delete(&self.conn, account, id).map_err(self.fail()))
    }

    /// Stores an API token's hash for an agent of the account; returns
    /// the token's id.
    pub fn add_token(
        &self,
        account: &str,
        email: &str,
        hash: &str,
        at: Time,
    ) -> Result<i64, StoreError> {
        self.write(|| tokens::add(&self.conn, account, email, hash, &at).map_err(self.fail()))
    }

    /// The account and (lowercased) email a live token belongs to, by the
    /// token's hash.
    pub fn token_owner(&self, hash: &str) -> Result<Option<(String, String)>, StoreError> {
        tokens::owner(&self.conn, hash).map_err(self.fail())
    }

    /// An account's API tokens (every account's with `None`), by id.
    pub fn tokens(&self, account: Option<&str>) -> Result<Vec<ApiToken>, StoreError> {
        tokens::list(&self.conn, account).map_err(self.fail())
    }

    /// Revokes one of an account's live tokens; false when it has no such
    /// live token.
    pub fn revoke_token(&self, account: &str, id: i64, at: Time) -> Result<bool, StoreError> {
        self.write(|| tokens::revoke(&self.conn, account, id, &at).map_err(self.fail()))
    }

    /// Stores an account's side of each agreement, replacing any with the
    /// same id; `account` overrides each agreement's own `account`. Returns
    /// how many were written.
    pub fn import_agreements(
        &self,
        account: &str,
        list: &[Agreement],
    ) -> Result<usize, StoreError> {
        self.write(|| agreements::import(&self.conn, account, list).map_err(self.fail()))
    }

    /// Whether an event was applied or rejected, or `None` when the store
    /// has not seen it.
    pub fn event_state(&self, event_id: &str) -> Result<Option<EventState>, StoreError> {
        let state = events::state(&self.conn, event_id).map_err(self.fail())?;
        // Inside a transaction only `apply` can change that before the
        // event is applied (every other write forgets it).
        if state != Some(EventState::Applied) && !self.conn.is_autocommit() {
            self.unapplied.replace(Some(event_id.to_string()));
        }
        Ok(state)
    }

    /// The tickets that have an applied event with id `<prefix><ticket
    /// id>` (`prefix` ending in `/`, as an automation's hour prefix does),
    /// leaving out ids that contain `leave_out`.
    pub fn applied_tickets(
        &self,
        prefix: &str,
        leave_out: char,
    ) -> Result<std::collections::HashSet<i64>, StoreError> {
        sweep::applied_tickets(&self.conn, prefix, leave_out).map_err(self.fail())
    }

    /// How many applied events have an id that starts with `prefix`
    /// (ending in an ASCII character: `automation/support/…/`) and does
    /// not contain `leave_out` (`~`, which names the updates an event set
    /// off on partners).
    pub fn applied_with_prefix(&self, prefix: &str, leave_out: char) -> Result<usize, StoreError> {
        events::applied_with_prefix(&self.conn, prefix, leave_out).map_err(self.fail())
    }

    /// Every event the store has seen, in the order it first saw them.
    pub fn events(&self) -> Result<Vec<EventRecord>, StoreError> {
        events::list(&self.conn).map_err(self.fail())
    }

    /// A ticket's audit trail, oldest first.
    pub fn audit(&self, account: &str, id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        audits::audit(&self.conn, account, id).map_err(self.fail())
    }

    /// How often each rule of `account` fired since `since`, by title.
    pub fn fire_counts(
        &self,
        account: &str,
        since: &Time,
    ) -> Result<std::collections::BTreeMap<String, u64>, StoreError> {
        fired::fire_counts(&self.conn, account, since).map_err(self.fail())
    }

    /// The account, ticket and payload of an applied event; `None` when
    /// the store has not applied it.
    pub fn applied_ticket(
        &self,
        event_id: &str,
    ) -> Result<Option<(String, i64, String)>, StoreError> {
        events::applied_ticket(&self.conn, event_id).map_err(self.fail())
    }

    /// The newest audit entry's number (0 for none).
    pub fn last_audit_seq(&self) -> Result<i64, StoreError> {
        audits::last_seq(&self.conn).map_err(self.fail())
    }

    /// What one event wrote to a ticket's audit trail after entry `after`
    /// (from [`Store::last_audit_seq`] before it ran), oldest first.
    pub fn event_audit_since(
        &self,
        account: &str,
        id: i64,
        event_id: &str,
        after: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        audits::event_audit_since(&self.conn, account, id, event_id, after).map_err(self.fail())
    }

    /// What one event wrote to a ticket's audit trail, oldest first.
    pub fn event_audit(
        &self,
        account: &str,
        id: i64,
        event_id: &str,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        audits::event_audit(&self.conn, account, id, event_id).map_err(self.fail())
    }

    /// Every outbox entry, acknowledged or not, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        events::outbox(&self.conn).map_err(self.fail())
    }

    /// The outbox entries not yet delivered, oldest first.
    pub fn pending_outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        events::pending(&self.conn).map_err(self.fail())
    }

    /// How many outbox entries are not yet delivered.
    pub fn pending_outbox_count(&self) -> Result<usize, StoreError> {
        events::pending_count(&self.conn).map_err(self.fail())
    }

    /// One outbox entry, by its sequence number.
    pub fn outbox_entry(&self, seq: i64) -> Result<Option<OutboxEntry>, StoreError> {
        events::entry(&self.conn, seq).map_err(self.fail())
    }

    /// Queues something for a transport to deliver and returns its
    /// sequence number. `ticket_id` is 0 for what concerns no ticket (an
    /// agreement's status); `event_id` names what caused it.
    pub fn push_outbox(
        &self,
        event_id: &str,
        account: &str,
        ticket_id: i64,
        kind: &str,
        payload: &serde_json::Value,
        at: Time,
    ) -> Result<i64, StoreError> {
        let unstorable = |why: String| StoreError::Unstorable {
            path: self.path.clone(),
            why,
        };
        let created_at = codec::time_value(&at)
            .ok_or_else(|| unstorable(format!("time {at} is out of the store's range")))?;
        let payload = payload.to_string();
        let row = events::NewOutboxRow {
            event_id,
            account,
            ticket_id,
            kind,
            payload: &payload,
            created_at,
        };
        // No ticket changes: the cached ones stand.
        self.transaction(|| events::push(&self.conn, &row).map_err(self.fail()))
    }

    /// Marks an outbox entry delivered; false when there is no such entry.
    pub fn ack(&self, seq: i64) -> Result<bool, StoreError> {
        self.write(|| events::ack(&self.conn, seq).map_err(self.fail()))
    }

    /// Writes what an applied event did: the ticket after it (as a diff of
    /// `before`), its users, comments, audit rows, outbox rows and the event
    /// row. `before` must be the ticket as [`Store::ticket`] returns it now
    /// (`None` for a ticket not yet stored).
    ///
    /// Every check comes before the first write, so an error other than
    /// [`StoreError::Sql`] (already applied, a `before` that does not match
    /// the store, an unstorable value) leaves the store as it was, and an
    /// ingest loop needs no savepoint per event. After a
    /// [`StoreError::Sql`] (disk full, I/O) roll the transaction back.
    pub fn apply(&self, applied: &Applied) -> Result<(), StoreError> {
        let unapplied = self.unapplied.take().as_deref() == Some(applied.event_id);
        let result = self.transaction(|| {
            let mut known = self.known.borrow_mut();
            events::apply(&self.conn, &self.path, &mut known, applied, unapplied)
        });
        if result.is_err() {
            // Users written before a failed write may be rolled back.
            self.forget_users();
        } else if !self.conn.is_autocommit() {
            // The next event on this ticket in the batch starts from here.
            self.tickets.borrow_mut().put(applied.outcome.after.clone());
        }
        result
    }

    /// Records that `account`'s ticket `ticket_id`, shared with `partner`,
    /// has its copy there as `copy_id`.
    pub fn link_copy(
        &self,
        account: &str,
        ticket_id: i64,
        partner: &str,
        copy_id: i64,
    ) -> Result<(), StoreError> {
        self.write(|| {
            network::link_copy(&self.conn, account, ticket_id, partner, copy_id)
                .map(drop)
                .map_err(self.fail())
        })
    }

    /// The live copy of ticket `origin_id` that `account` received over its
    /// agreement `agreement_id`, by id.
    pub fn copy_of(
        &self,
        account: &str,
        agreement_id: i64,
        origin_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        network::copy_of(&self.conn, account, agreement_id, origin_id).map_err(self.fail())
    }

    /// The id the next new ticket of `account` gets: one past its highest.
    pub fn next_ticket_id(&self, account: &str) -> Result<i64, StoreError> {
        network::next_ticket_id(&self.conn, account).map_err(self.fail())
    }

    /// Stops every live link of `account`'s tickets over its agreement
    /// `agreement_id` (a deactivation); returns how many stopped.
    pub fn stop_links(&self, account: &str, agreement_id: i64) -> Result<usize, StoreError> {
        self.write(|| network::stop_links(&self.conn, account, agreement_id).map_err(self.fail()))
    }

    /// Adds a line to a ticket's audit trail that no rule wrote.
    pub fn note(&self, note: &Note) -> Result<(), StoreError> {
        // No ticket changes: the cached ones stand.
        self.transaction(|| network::note(&self.conn, note).map_err(self.fail()))
    }

    /// Stores a remote agreement side's uuid, access key and partner URL.
    pub fn insert_agreement_key(&self, key: &AgreementKey) -> Result<(), StoreError> {
        self.write(|| partners::insert(&self.conn, key).map_err(self.fail()))
    }

    /// An account's side of the agreement with this uuid.
    pub fn agreement_key_by_uuid(
        &self,
        account: &str,
        uuid: &str,
    ) -> Result<Option<AgreementKey>, StoreError> {
        partners::by_uuid(&self.conn, account, uuid).map_err(self.fail())
    }

    /// The keys of an account's agreement, by its id; `None` for a local
    /// partner's or one with no URL.
    pub fn agreement_key(
        &self,
        account: &str,
        id: i64,
    ) -> Result<Option<AgreementKey>, StoreError> {
        partners::of(&self.conn, account, id).map_err(self.fail())
    }

    /// Counts a failed send of an outbox row; `next` is when to try again.
    pub fn outbox_attempted(
        &self,
        seq: i64,
        error: &str,
        next: Option<Time>,
    ) -> Result<bool, StoreError> {
        self.write(|| partners::attempted(&self.conn, seq, error, next).map_err(self.fail()))
    }

    /// Marks an outbox row delivered by the worker.
    pub fn outbox_delivered(&self, seq: i64) -> Result<bool, StoreError> {
        self.write(|| partners::delivered(&self.conn, seq).map_err(self.fail()))
    }

    /// Records an event that could not be applied, and why. Rejecting the
    /// same event again with the same data changes nothing.
    pub fn reject(&self, rejected: &Rejected) -> Result<(), StoreError> {
        // No ticket changes: the cached ones stand.
        self.transaction(|| events::reject(&self.conn, &self.path, rejected))
    }
}

#[cfg(test)]
mod tests;
