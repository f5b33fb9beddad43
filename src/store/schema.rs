//! The store's schema, as migrations in code.
//!
//! `PRAGMA user_version` counts the migrations a file has had. Opening a
//! store applies the ones it lacks, in order, in one `BEGIN IMMEDIATE`
//! transaction; a file with a higher version than [`MIGRATIONS`] knows was
//! written by a newer ticket-rules and is refused. Append a migration to
//! change the schema; never edit one that has shipped.
//!
//! Conventions: times are INTEGER nanoseconds since the Unix epoch (UTC);
//! booleans are 0 or 1; enum values are stored by name (`open`, `end_user`,
//! `public_and_private`); a ticket is named by `(account, id)` everywhere.

use super::StoreError;
use rusqlite::Connection;

/// Every migration, in order. Migration `n` (from 1) takes a store from
/// `user_version` `n - 1` to `n`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
CREATE TABLE accounts (
    name TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
    account TEXT NOT NULL REFERENCES accounts(name),
    email   TEXT NOT NULL,
    name    TEXT,
    role    TEXT NOT NULL,
    PRIMARY KEY (account, email)
) WITHOUT ROWID;

-- Enum columns on hot tables carry no CHECK (x IN (...)): a list of three
-- or more values builds a temporary table on every row written. Each name
-- is read back through the model's parser, which refuses unknown ones.

-- A rowid table (not WITHOUT ROWID): rows carry a description and two
-- comment bodies, too wide to cluster well in an index.
CREATE TABLE tickets (
    account      TEXT NOT NULL REFERENCES accounts(name),
    id           INTEGER NOT NULL,
    subject      TEXT NOT NULL,
    description  TEXT NOT NULL,
    status       TEXT NOT NULL,
    priority     TEXT,
    type         TEXT,
    group_name   TEXT,
    assignee     TEXT,
    requester    TEXT,
    organization TEXT,
    brand        TEXT,
    via          TEXT NOT NULL,
    created_at           INTEGER,
    updated_at           INTEGER,
    status_changed_at    INTEGER,
    open_at              INTEGER,
    pending_at           INTEGER,
    solved_at            INTEGER,
    assigned_at          INTEGER,
    requester_updated_at INTEGER,
    assignee_updated_at  INTEGER,
    -- The newest comment and the newest public one, so that loading a
    -- ticket reads one row and no comments. NULL `_at`: no such comment.
    latest_comment_author        TEXT,
    latest_comment_body          TEXT,
    latest_comment_public        INTEGER,
    latest_comment_via           TEXT,
    latest_comment_at            INTEGER,
    latest_public_comment_author TEXT,
    latest_public_comment_body   TEXT,
    latest_public_comment_public INTEGER,
    latest_public_comment_via    TEXT,
    latest_public_comment_at     INTEGER,
    UNIQUE (account, id)
);
CREATE INDEX tickets_by_status ON tickets (account, status, id);

CREATE TABLE tags (
    account   TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    tag       TEXT NOT NULL,
    PRIMARY KEY (account, ticket_id, tag),
    FOREIGN KEY (account, ticket_id) REFERENCES tickets (account, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX tags_by_tag ON tags (tag, account, ticket_id);

-- `key` is the title lowercased (titles match ignoring case); `title` as
-- first written; `value` JSON text.
CREATE TABLE custom_fields (
    account   TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    key       TEXT NOT NULL,
    title     TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (account, ticket_id, key),
    FOREIGN KEY (account, ticket_id) REFERENCES tickets (account, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- `author` is an email, or `rule "<title>"` with `rule` the title.
CREATE TABLE comments (
    seq       INTEGER PRIMARY KEY,
    account   TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    author    TEXT NOT NULL,
    body      TEXT NOT NULL,
    public    INTEGER NOT NULL CHECK (public IN (0, 1)),
    via       TEXT NOT NULL,
    at        INTEGER NOT NULL,
    event_id  TEXT NOT NULL,
    rule      TEXT,
    FOREIGN KEY (account, ticket_id) REFERENCES tickets (account, id) ON DELETE CASCADE
);
CREATE INDEX comments_by_ticket ON comments (account, ticket_id, seq);

-- One account's side of an agreement; `type` is outbound or inbound.
CREATE TABLE agreements (
    account            TEXT NOT NULL REFERENCES accounts(name),
    id                 INTEGER NOT NULL,
    name               TEXT NOT NULL,
    partner_name       TEXT,
    remote_subdomain   TEXT,
    status             TEXT NOT NULL,
    type               TEXT NOT NULL CHECK (type IN ('outbound', 'inbound')),
    comments           TEXT NOT NULL CHECK (comments IN ('public_and_private', 'private_only')),
    sync_tags          INTEGER NOT NULL CHECK (sync_tags IN (0, 1)),
    sync_custom_fields INTEGER NOT NULL CHECK (sync_custom_fields IN (0, 1)),
    created_at         TEXT,
    updated_at         TEXT,
    url                TEXT,
    PRIMARY KEY (account, id)
) WITHOUT ROWID;

-- A ticket's shares: `sent` rows are Ticket::shares in order (`pos`),
-- the one `received` row (pos 0) is Ticket::received. No foreign key to
-- agreements: the far side's agreement need not be in this store.
CREATE TABLE shares (
    account      TEXT NOT NULL,
    ticket_id    INTEGER NOT NULL,
    direction    TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    pos          INTEGER NOT NULL,
    agreement_id INTEGER NOT NULL,
    agreement    TEXT NOT NULL,
    partner      TEXT NOT NULL,
    origin_id    INTEGER,
    active       INTEGER NOT NULL CHECK (active IN (0, 1)),
    PRIMARY KEY (account, ticket_id, direction, pos),
    FOREIGN KEY (account, ticket_id) REFERENCES tickets (account, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX shares_by_agreement ON shares (account, agreement_id, origin_id);

-- Every event seen, once per event_id (UNIQUE is also the lookup index).
-- The logs below keep no foreign keys: they outlive what they describe.
CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    event_id  TEXT NOT NULL UNIQUE,
    account   TEXT,
    ticket_id INTEGER,
    kind      TEXT,
    line      INTEGER,
    state     TEXT NOT NULL CHECK (state IN ('applied', 'rejected')),
    reason    TEXT,
    payload   TEXT NOT NULL,
    at        INTEGER
);

-- `rule` NULL: the update's own change. `change` is the change in words.
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    event_id  TEXT NOT NULL,
    account   TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    rule      TEXT,
    action    TEXT NOT NULL,
    change    TEXT NOT NULL,
    before    TEXT,
    after     TEXT,
    at        INTEGER NOT NULL
);
CREATE INDEX audit_by_ticket ON audit (account, ticket_id, seq);

CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY,
    event_id   TEXT NOT NULL,
    account    TEXT NOT NULL,
    ticket_id  INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    acked      INTEGER NOT NULL DEFAULT 0 CHECK (acked IN (0, 1))
);
-- What a transport has still to deliver.
CREATE INDEX outbox_pending ON outbox (seq) WHERE acked = 0;
"#,
    // 2: account settings and custom field definitions.
    r#"
-- An account that declines all invites has every new invite to it
-- created declined on both sides.
ALTER TABLE accounts ADD COLUMN decline_all_invites INTEGER NOT NULL DEFAULT 0
    CHECK (decline_all_invites IN (0, 1));

-- An account's custom ticket fields: `key` is the title lowercased (titles
-- match ignoring case, as on tickets), `title` as last written, `type`
-- Zendesk's field type name (`text`, `dropdown`, ...).
CREATE TABLE fields (
    account TEXT NOT NULL REFERENCES accounts(name),
    key     TEXT NOT NULL,
    title   TEXT NOT NULL,
    type    TEXT NOT NULL,
    PRIMARY KEY (account, key)
) WITHOUT ROWID;
"#,
    // 3: indexes for automation sweeps.
    r#"
-- An automation's time window (`hours since solved greater than 24`) is
-- a range on one time column, and the sweep's filter always names the
-- statuses it allows (every status but closed when the rule names
-- none), so `(account, status, <time>)` serves a window with or without
-- a status condition: one range scan per status. `id` last makes each
-- index cover the sweep's `SELECT t.id`: no table row is read for a
-- candidate until it is loaded.
CREATE INDEX tickets_by_solved ON tickets (account, status, solved_at, id);
CREATE INDEX tickets_by_pending ON tickets (account, status, pending_at, id);
CREATE INDEX tickets_by_updated ON tickets (account, status, updated_at, id);
"#,
    // 4: agents, groups and sharing one ticket with agents outside its
    // group; scheduled replies.
    r#"
-- Agents may share a ticket with agents outside its group; off until an
-- admin turns it on.
ALTER TABLE accounts ADD COLUMN agent_ticket_sharing INTEGER NOT NULL DEFAULT 0
    CHECK (agent_ticket_sharing IN (0, 1));

-- An account's groups (inboxes): `key` is the name lowercased (tickets
-- name their group ignoring case), `name` as first written.
CREATE TABLE groups (
    account TEXT NOT NULL REFERENCES accounts(name),
    key     TEXT NOT NULL,
    name    TEXT NOT NULL,
    PRIMARY KEY (account, key)
) WITHOUT ROWID;

-- An account's agents and admins, by lowercased email. `users` records
-- whoever an event names; only these are agents to share tickets with.
CREATE TABLE agents (
    account TEXT NOT NULL REFERENCES accounts(name),
    email   TEXT NOT NULL,
    name    TEXT,
    admin   INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
    PRIMARY KEY (account, email)
) WITHOUT ROWID;

CREATE TABLE group_members (
    account   TEXT NOT NULL,
    group_key TEXT NOT NULL,
    email     TEXT NOT NULL,
    PRIMARY KEY (account, group_key, email),
    FOREIGN KEY (account, group_key) REFERENCES groups (account, key) ON DELETE CASCADE,
    FOREIGN KEY (account, email) REFERENCES agents (account, email) ON DELETE CASCADE
) WITHOUT ROWID;

-- The agents a ticket is shared with, outside its group (Ticket::agents).
CREATE TABLE agent_shares (
    account   TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    email     TEXT NOT NULL,
    PRIMARY KEY (account, ticket_id, email),
    FOREIGN KEY (account, ticket_id) REFERENCES tickets (account, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- An agent's "Shared with me" list.
CREATE INDEX agent_shares_by_agent ON agent_shares (account, email, ticket_id);

-- Replies an update scheduled, posted by `replies due` as their author.
-- `state`: pending, posted (by `done_event`), or deleted (by `done_event`,
-- when the author lost access to the ticket before it went out).
CREATE TABLE scheduled_replies (
    id         INTEGER PRIMARY KEY,
    account    TEXT NOT NULL,
    ticket_id  INTEGER NOT NULL,
    author     TEXT NOT NULL,
    role       TEXT NOT NULL,
    body       TEXT NOT NULL,
    public     INTEGER NOT NULL CHECK (public IN (0, 1)),
    due_at     INTEGER NOT NULL,
    event_id   TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'deleted')),
    done_event TEXT,
    FOREIGN KEY (account, ticket_id) REFERENCES tickets (account, id) ON DELETE CASCADE
);
CREATE INDEX scheduled_replies_due ON scheduled_replies (due_at, id) WHERE state = 'pending';
CREATE INDEX scheduled_replies_by_ticket ON scheduled_replies (account, ticket_id, id);
"#,
    // 5: API tokens for `serve`.
    r#"
-- An agent's or admin's API token: only its SHA-256 (hex) is kept, so the
-- store never holds a usable token. A revoked token stays, marked.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    account    TEXT NOT NULL REFERENCES accounts(name),
    email      TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_by_account ON api_tokens (account, id);
"#,
    // 6: partners on other servers (the Networked Help Desk API) and
    // delivery state for the outbox.
    r#"
-- An agreement side whose partner lives on another server: the uuid and
-- access key both sides hold (a call carries `uuid:access_key` as its
-- `X-Ticket-Sharing-Token`), and the partner's sharing URL
-- (`{public-url}/sharing/{account}`). `uuid` is unique per account so an
-- inbound call finds its agreement by it.
CREATE TABLE agreement_keys (
    account     TEXT NOT NULL,
    id          INTEGER NOT NULL,
    uuid        TEXT NOT NULL,
    access_key  TEXT NOT NULL,
    partner_url TEXT NOT NULL,
    PRIMARY KEY (account, id),
    UNIQUE (account, uuid),
    FOREIGN KEY (account, id) REFERENCES agreements (account, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- What the delivery worker has tried: how many sends, the last error, and
-- when the next try is due (NULL: now), so a restart picks up where it was.
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;
"#,
    // 7: a sent share knows its copy's id at a local partner.
    r#"
-- `shares.origin_id` is the ticket's id on the other side: on a received
-- row the sender's ticket, on a sent row (from now on) the partner's
-- copy, which ingest records when the copy is made. Shares made before
-- this migration get theirs from the copies in this store; a remote
-- partner's stays NULL. The index lives only as long as the backfill.
CREATE INDEX shares_backfill ON shares (account, origin_id, partner)
    WHERE direction = 'received';
UPDATE shares SET origin_id = (
    SELECT r.ticket_id FROM shares r
    WHERE r.account = shares.partner AND r.origin_id = shares.ticket_id
        AND r.partner = shares.account AND r.direction = 'received'
    ORDER BY r.ticket_id DESC LIMIT 1
)
WHERE direction = 'sent' AND origin_id IS NULL;
DROP INDEX shares_backfill;
"#,
    // 8: one audit row per write of an event to a ticket, and tags in the
    // ticket's row.
    r#"
-- Zendesk's audit: what one event did to one ticket. `changes` is a JSON
-- array of `[rule, action, change, before, after]` (`rule` null for the
-- update's own change); `seq` numbers the first, and the `n` changes are
-- `seq`, `seq + 1`, ...: the next row's `seq` is this one's `seq + n`.
-- The trail's rows of one change each become rows of their own, so every
-- change keeps its number.
CREATE TABLE audits (
    seq       INTEGER PRIMARY KEY,
    n         INTEGER NOT NULL,
    event_id  TEXT NOT NULL,
    account   TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    changes   TEXT NOT NULL
);
INSERT INTO audits (seq, n, event_id, account, ticket_id, at, changes)
    SELECT seq, 1, event_id, account, ticket_id, at,
        json_array(json_array(rule, action, change, before, after))
    FROM audit ORDER BY seq;
DROP TABLE audit;
CREATE INDEX audits_by_ticket ON audits (account, ticket_id, seq);
-- A ticket's tags move into its row, as ` a b c ` (each tag with a space
-- on both sides, in order; '' for none), found with `instr(tags, ' b ')`.
-- A table of them cost every tag added or removed a row and an index
-- entry, and every load a query.
ALTER TABLE tickets ADD COLUMN tags TEXT NOT NULL DEFAULT '';
UPDATE tickets SET tags = COALESCE((
    SELECT ' ' || group_concat(g.tag, ' ' ORDER BY g.tag) || ' ' FROM tags g
    WHERE g.account = tickets.account AND g.ticket_id = tickets.id
), '');
DROP TABLE tags;
"#,
];

/// The schema version a store has.
pub(super) fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings the store at `path` up to the last migration.
pub(super) fn migrate(conn: &Connection, path: &str) -> Result<(), StoreError> {
    let open = |source| StoreError::Open {
        path: path.to_string(),
        source,
    };
    if start(version(conn).map_err(open)?, path)? == MIGRATIONS.len() {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE").map_err(open)?;
    let migrated = (|| {
        // Read again under the write lock: another process may have
        // migrated the file since the first look.
        let from = start(version(conn).map_err(open)?, path)?;
        for sql in &MIGRATIONS[from..] {
            conn.execute_batch(sql).map_err(open)?;
        }
        conn.pragma_update(None, "user_version", MIGRATIONS.len())
            .map_err(open)?;
        conn.execute_batch("COMMIT").map_err(open)
    })();
    if migrated.is_err() {
        // The migration's own error is the one to report.
        let _ = conn.execute_batch("ROLLBACK");
    }
    migrated
}

/// The index of the first migration a store at `found` lacks; an error for
/// a version this build does not know.
fn start(found: i64, path: &str) -> Result<usize, StoreError> {
    match usize::try_from(found) {
        Ok(from) if from <= MIGRATIONS.len() => Ok(from),
        _ => Err(StoreError::TooNew {
            path: path.to_string(),
            found,
            known: MIGRATIONS.len(),
        }),
    }
}
