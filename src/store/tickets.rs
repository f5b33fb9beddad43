//! Tickets: the ticket row, its tags, custom fields, shares and comments.
//!
//! Loading a ticket reads its row (which carries the latest comments and
//! the tags) and its custom fields and shares; never its comments. Saving
//! writes the row and only the fields and shares that differ from the
//! ticket before. Tags live in the row (migration 8): a table of them cost
//! every tag added or removed a row and an index entry of its own.

use super::codec::{
    nanos, opt_nanos, opt_time_at, priority_at, status_at, tag_probe, tags_from, tags_text,
    time_at, type_at, unreadable, unwritable,
};
use super::rows;
use crate::model::ticket::CustomField;
use crate::model::{Comment, Received, Share, Status, Ticket, Time, Times};
use rusqlite::types::ToSql;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Which tickets [`super::Store::tickets`] lists; `None` matches any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketFilter {
    pub account: Option<String>,
    pub status: Option<Status>,
    /// A tag the ticket has (matched lowercase).
    pub tag: Option<String>,
    /// Shared with or received from a partner and still syncing, or not.
    pub shared: Option<bool>,
    /// The ticket's group, ignoring case.
    pub group: Option<String>,
    /// Which way the ticket is shared, finer than `shared`.
    pub sharing: Option<Sharing>,
    /// Shared or received over this agreement (by its id in the
    /// ticket's account), live or not.
    pub agreement: Option<i64>,
    pub limit: Option<usize>,
    /// Rows to skip before the first one returned (a page of the API's
    /// listing); only with `limit`.
    pub offset: Option<usize>,
}

/// A ticket's sharing state, as the console filters by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sharing {
    /// Shared with a partner and still syncing.
    Out,
    /// A partner's copy, live or orphaned.
    Received,
    /// Neither shared out nor received.
    NotShared,
}

/// A comment as stored, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredComment {
    /// Its place among all comments of the store: later is higher.
    pub seq: i64,
    /// An email address, or `rule "<title>"` for a comment a rule added.
    pub author: String,
    pub body: String,
    pub public: bool,
    pub via: String,
    pub at: Time,
    /// The event that added it.
    pub event_id: String,
    /// The rule that added it, if a rule did.
    pub rule: Option<String>,
}

/// The ticket row's columns, in the order [`ticket_from_row`] reads them
/// and [`save`] binds them (`?1` is `account`). A macro so that `concat!`
/// can build whole statements from it at compile time.
macro_rules! ticket_columns {
    () => {
        "account, id, subject, description, status, priority, type, group_name,
        assignee, requester, organization, brand, via,
        created_at, updated_at, status_changed_at, open_at, pending_at, solved_at,
        assigned_at, requester_updated_at, assignee_updated_at,
        latest_comment_author, latest_comment_body, latest_comment_public,
        latest_comment_via, latest_comment_at,
        latest_public_comment_author, latest_public_comment_body,
        latest_public_comment_public, latest_public_comment_via, latest_public_comment_at,
        tags"
    };
}

/// Where the latest comment's columns start; the latest public comment's
/// follow it, then the tags.
const LATEST_COMMENT: usize = 22;
const LATEST_PUBLIC_COMMENT: usize = 27;
const TAGS: usize = 32;

/// The ticket row's columns, for statements built at run time.
pub(super) const TICKET_COLUMNS: &str = ticket_columns!();

/// The custom field columns [`custom_field_at`] reads.
macro_rules! custom_field_columns {
    () => {
        "key, title, value"
    };
}
pub(super) const CUSTOM_FIELD_COLUMNS: &str = custom_field_columns!();

/// The share columns [`add_share_at`] reads; rows in `(direction, pos)`
/// order rebuild `shares` in order and leave the last received in
/// `received`.
macro_rules! share_columns {
    () => {
        "direction, agreement_id, agreement, partner, origin_id, active"
    };
}
pub(super) const SHARE_COLUMNS: &str = share_columns!();

const SELECT_TICKETS: &str = concat!("SELECT ", ticket_columns!(), " FROM tickets t");

const SELECT_TICKET: &str = concat!(
    "SELECT ",
    ticket_columns!(),
    " FROM tickets WHERE account = ?1 AND id = ?2"
);

const INSERT_TICKET: &str = concat!(
    "INSERT INTO tickets (",
    ticket_columns!(),
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
        ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)
    ON CONFLICT DO NOTHING"
);

/// Sets every column but the key from the values [`INSERT_TICKET`] binds,
/// then `$rest` (more `SET`s) and the key's `WHERE`.
macro_rules! update_ticket {
    ($rest:literal) => {
        concat!(
            "UPDATE tickets SET subject = ?3, description = ?4,
    priority = ?6, type = ?7, group_name = ?8, assignee = ?9, requester = ?10,
    organization = ?11, brand = ?12, via = ?13,
    created_at = ?14, updated_at = ?15, status_changed_at = ?16, open_at = ?17,
    assigned_at = ?20, requester_updated_at = ?21,
    assignee_updated_at = ?22,
    latest_comment_author = ?23, latest_comment_body = ?24, latest_comment_public = ?25,
    latest_comment_via = ?26, latest_comment_at = ?27,
    latest_public_comment_author = ?28, latest_public_comment_body = ?29,
    latest_public_comment_public = ?30, latest_public_comment_via = ?31,
    latest_public_comment_at = ?32, tags = ?33",
            $rest,
            " WHERE account = ?1 AND id = ?2"
        )
    };
}

/// Binds the same values as [`INSERT_TICKET`] but leaves `?5`, the status,
/// and `?18`, `?19`, the pending and solved times, alone: setting a column
/// rewrites the entries of every index on it even when its value stays,
/// and status and those times lead or end the sweep's indexes (migrations
/// 1 and 3). [`RESTATUS_TICKET`] sets them too, for when one of them
/// changes: one statement, so the row is written once.
const UPDATE_TICKET: &str = update_ticket!("");

/// [`UPDATE_TICKET`] and status and the times indexed with it.
const RESTATUS_TICKET: &str = update_ticket!(", status = ?5, pending_at = ?18, solved_at = ?19");

/// One ticket, or `None` when the account has no such ticket.
pub(super) fn load(conn: &Connection, account: &str, id: i64) -> rusqlite::Result<Option<Ticket>> {
    let ticket = conn
        .prepare_cached(SELECT_TICKET)?
        .query_row(params![account, id], ticket_from_row)
        .optional()?;
    match ticket {
        Some(mut ticket) => {
            load_children(conn, &mut ticket)?;
            Ok(Some(ticket))
        }
        None => Ok(None),
    }
}

/// Tickets matching `filter`, ordered by account and id.
pub(super) fn list(conn: &Connection, filter: &TicketFilter) -> rusqlite::Result<Vec<Ticket>> {
    // Only fixed SQL fragments are joined here; every value is bound.
    let mut sql = format!("{SELECT_TICKETS} WHERE 1 = 1");
    let mut bound: Vec<(&str, &dyn ToSql)> = Vec::new();
    let status = filter.status.map(Status::as_str);
    let tag = filter
        .tag
        .as_deref()
        .map(|t| tag_probe(&t.trim().to_lowercase()));
    // More rows than i64 can count is no limit at all.
    let limit = filter.limit.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    let offset = filter.offset.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    if let Some(account) = &filter.account {
        sql.push_str(" AND t.account = :account");
        bound.push((":account", account));
    }
    if let Some(status) = &status {
        sql.push_str(" AND t.status = :status");
        bound.push((":status", status));
    }
    if let Some(tag) = &tag {
        sql.push_str(" AND instr(t.tags, :tag) > 0");
        bound.push((":tag", tag));
    }
    if let Some(shared) = filter.shared {
        // `Ticket::is_shared`: an active share, sent or received.
        sql.push_str(if shared { " AND " } else { " AND NOT " });
        sql.push_str(
            "EXISTS (SELECT 1 FROM shares s
                WHERE s.account = t.account AND s.ticket_id = t.id AND s.active = 1)",
        );
    }
    let group = filter.group.as_deref().map(str::trim);
    if let Some(group) = &group {
        sql.push_str(" AND t.group_name = :group COLLATE NOCASE");
        bound.push((":group", group));
    }
    if let Some(agreement) = &filter.agreement {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM shares s WHERE s.account = t.account
                AND s.ticket_id = t.id AND s.agreement_id = :agreement)",
        );
        bound.push((":agreement", agreement));
    }
    if let Some(sharing) = filter.sharing {
        sql.push_str(sharing_clause(sharing));
    }
    sql.push_str(" ORDER BY t.account, t.id");
    if let Some(limit) = &limit {
        sql.push_str(" LIMIT :limit");
        bound.push((":limit", limit));
        if let Some(offset) = &offset {
            sql.push_str(" OFFSET :offset");
            bound.push((":offset", offset));
        }
    }
    let mut tickets = {
        // Not cached: a listing is rare, and its many shapes would push the
        // hot statements of `apply` out of the cache.
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map(bound.as_slice(), ticket_from_row)?;
        rows.collect::<rusqlite::Result<Vec<Ticket>>>()?
    };
    for ticket in &mut tickets {
        load_children(conn, ticket)?;
    }
    Ok(tickets)
}

/// The fixed SQL that keeps tickets in one sharing state.
fn sharing_clause(sharing: Sharing) -> &'static str {
    match sharing {
        Sharing::Out => {
            " AND EXISTS (SELECT 1 FROM shares s WHERE s.account = t.account
                AND s.ticket_id = t.id AND s.direction = 'sent' AND s.active = 1)"
        }
        Sharing::Received => {
            " AND EXISTS (SELECT 1 FROM shares s WHERE s.account = t.account
                AND s.ticket_id = t.id AND s.direction = 'received')"
        }
        Sharing::NotShared => {
            " AND NOT EXISTS (SELECT 1 FROM shares s WHERE s.account = t.account
                AND s.ticket_id = t.id AND (s.direction = 'received' OR s.active = 1))"
        }
    }
}

/// A ticket's comments, oldest first.
pub(super) fn comments(
    conn: &Connection,
    account: &str,
    id: i64,
) -> rusqlite::Result<Vec<StoredComment>> {
    let mut statement = conn.prepare_cached(
        "SELECT seq, author, body, public, via, at, event_id, rule FROM comments
         WHERE account = ?1 AND ticket_id = ?2 ORDER BY seq",
    )?;
    let rows = statement.query_map(params![account, id], |row| {
        Ok(StoredComment {
            seq: row.get(0)?,
            author: row.get(1)?,
            body: row.get(2)?,
            public: row.get(3)?,
            via: row.get(4)?,
            at: time_at(row, 5)?,
            event_id: row.get(6)?,
            rule: row.get(7)?,
        })
    })?;
    rows.collect()
}

/// Reads a ticket row; tags, custom fields and shares come after.
pub(super) fn ticket_from_row(row: &Row) -> rusqlite::Result<Ticket> {
    Ok(Ticket {
        account: row.get(0)?,
        id: row.get(1)?,
        subject: row.get(2)?,
        description: row.get(3)?,
        status: status_at(row, 4)?,
        priority: priority_at(row, 5)?,
        ticket_type: type_at(row, 6)?,
        group: row.get(7)?,
        assignee: row.get(8)?,
        requester: row.get(9)?,
        organization: row.get(10)?,
        brand: row.get(11)?,
        via: row.get(12)?,
        times: Times {
            created_at: opt_time_at(row, 13)?,
            updated_at: opt_time_at(row, 14)?,
            status_changed_at: opt_time_at(row, 15)?,
            open_at: opt_time_at(row, 16)?,
            pending_at: opt_time_at(row, 17)?,
            solved_at: opt_time_at(row, 18)?,
            assigned_at: opt_time_at(row, 19)?,
            requester_updated_at: opt_time_at(row, 20)?,
            assignee_updated_at: opt_time_at(row, 21)?,
        },
        latest_comment: comment_at(row, LATEST_COMMENT)?,
        latest_public_comment: comment_at(row, LATEST_PUBLIC_COMMENT)?,
        tags: tags_from(&row.get::<_, String>(TAGS)?),
        custom_fields: BTreeMap::new(),
        shares: Vec::new(),
        received: None,
        agents: BTreeSet::new(),
    })
}

/// Reads the five comment columns from `start`: author, body, public, via,
/// at. A NULL `at` means there is no such comment.
fn comment_at(row: &Row, start: usize) -> rusqlite::Result<Option<Comment>> {
    let Some(at) = opt_time_at(row, start + 4)? else {
        return Ok(None);
    };
    Ok(Some(Comment {
        author: row.get(start)?,
        body: row.get(start + 1)?,
        public: row.get(start + 2)?,
        via: row.get(start + 3)?,
        at,
    }))
}

/// Reads a ticket's tags, custom fields, shares and the agents it is
/// shared with.
fn load_children(conn: &Connection, ticket: &mut Ticket) -> rusqlite::Result<()> {
    let key = params![ticket.account, ticket.id];
    let mut agents = conn
        .prepare_cached("SELECT email FROM agent_shares WHERE account = ?1 AND ticket_id = ?2")?;
    ticket.agents = agents
        .query_map(key, |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;

    let mut fields = conn.prepare_cached(concat!(
        "SELECT ",
        custom_field_columns!(),
        " FROM custom_fields WHERE account = ?1 AND ticket_id = ?2"
    ))?;
    ticket.custom_fields = fields
        .query_map(key, |row| custom_field_at(row, 0))?
        .collect::<rusqlite::Result<_>>()?;

    let mut shares = conn.prepare_cached(concat!(
        "SELECT ",
        share_columns!(),
        " FROM shares WHERE account = ?1 AND ticket_id = ?2 ORDER BY direction, pos"
    ))?;
    let mut rows = shares.query(key)?;
    while let Some(row) = rows.next()? {
        add_share_at(ticket, row, 0)?;
    }
    Ok(())
}

/// Reads a custom field from the columns of [`custom_field_columns`] at
/// `start`: its key and the field.
pub(super) fn custom_field_at(row: &Row, start: usize) -> rusqlite::Result<(String, CustomField)> {
    let text: String = row.get(start + 2)?;
    let value = serde_json::from_str(&text)
        .map_err(|err| unreadable(start + 2, format!("custom field value is not JSON: {err}")))?;
    let title = row.get(start + 1)?;
    Ok((row.get(start)?, CustomField { title, value }))
}

/// Adds the share in the columns of [`share_columns`] at `start` to the
/// ticket.
pub(super) fn add_share_at(ticket: &mut Ticket, row: &Row, start: usize) -> rusqlite::Result<()> {
    let direction: String = row.get(start)?;
    match direction.as_str() {
        "sent" => ticket.shares.push(Share {
            agreement_id: row.get(start + 1)?,
            agreement: row.get(start + 2)?,
            partner: row.get(start + 3)?,
            partner_id: row.get(start + 4)?,
            active: row.get(start + 5)?,
        }),
        "received" => {
            ticket.received = Some(Received {
                agreement_id: row.get(start + 1)?,
                agreement: row.get(start + 2)?,
                partner: row.get(start + 3)?,
                origin_id: row.get(start + 4)?,
                active: row.get(start + 5)?,
            })
        }
        other => {
            return Err(unreadable(
                start,
                format!("unknown share direction `{other}`"),
            ))
        }
    }
    Ok(())
}

/// A ticket ready to be written over the ticket before it: every value
/// that could fail to convert is converted here, so that writing it fails
/// only when SQLite does.
pub(super) struct TicketWrite<'a> {
    before: Option<&'a Ticket>,
    after: &'a Ticket,
    times: [Option<i64>; 9],
    latest: CommentValues<'a>,
    latest_public: CommentValues<'a>,
    /// The tags column's text.
    tags: String,
    /// Custom fields new or changed since `before`: key, title, JSON value.
    fields: Vec<(&'a str, &'a str, String)>,
}

impl<'a> TicketWrite<'a> {
    /// Converts `after`'s values; `before` is `None` for a new ticket.
    pub(super) fn new(before: Option<&'a Ticket>, after: &'a Ticket) -> rusqlite::Result<Self> {
        let t = &after.times;
        let times = [
            opt_nanos(&t.created_at)?,
            opt_nanos(&t.updated_at)?,
            opt_nanos(&t.status_changed_at)?,
            opt_nanos(&t.open_at)?,
            opt_nanos(&t.pending_at)?,
            opt_nanos(&t.solved_at)?,
            opt_nanos(&t.assigned_at)?,
            opt_nanos(&t.requester_updated_at)?,
            opt_nanos(&t.assignee_updated_at)?,
        ];
        let old = before.map(|t| &t.custom_fields);
        let mut fields = Vec::new();
        for (key, field) in &after.custom_fields {
            if old.and_then(|old| old.get(key)) == Some(field) {
                continue;
            }
            let value = serde_json::to_string(&field.value)
                .map_err(|err| unwritable(format!("custom field `{}`: {err}", field.title)))?;
            fields.push((key.as_str(), field.title.as_str(), value));
        }
        Ok(TicketWrite {
            before,
            after,
            times,
            latest: comment_values(&after.latest_comment)?,
            latest_public: comment_values(&after.latest_public_comment)?,
            tags: tags_text(&after.tags)?,
            fields,
        })
    }

    /// Writes the row (tags and all), then the custom fields and shares that differ
    /// from `before`. False, with nothing written, when the store disagrees
    /// about whether the ticket exists.
    pub(super) fn write(&self, conn: &Connection) -> rusqlite::Result<bool> {
        let after = self.after;
        let [t0, t1, t2, t3, t4, t5, t6, t7, t8] = self.times;
        let (latest, public) = (&self.latest, &self.latest_public);
        let values = params![
            after.account,
            after.id,
            after.subject,
            after.description,
            after.status.as_str(),
            after.priority.map(|p| p.as_str()),
            after.ticket_type.map(|t| t.as_str()),
            after.group,
            after.assignee,
            after.requester,
            after.organization,
            after.brand,
            after.via,
            t0,
            t1,
            t2,
            t3,
            t4,
            t5,
            t6,
            t7,
            t8,
            latest.author,
            latest.body,
            latest.public,
            latest.via,
            latest.at,
            public.author,
            public.body,
            public.public,
            public.via,
            public.at,
            self.tags,
        ];
        let restatus = |b: &Ticket| {
            b.status != after.status
                || b.times.pending_at != after.times.pending_at
                || b.times.solved_at != after.times.solved_at
        };
        let sql = match self.before {
            Some(b) if restatus(b) => RESTATUS_TICKET,
            Some(_) => UPDATE_TICKET,
            None => INSERT_TICKET,
        };
        if conn.prepare_cached(sql)?.execute(values)? == 0 {
            return Ok(false);
        }
        self.save_custom_fields(conn)?;
        save_shares(conn, self.before, after)?;
        save_agent_shares(conn, self.before, after)?;
        Ok(true)
    }

    fn save_custom_fields(&self, conn: &Connection) -> rusqlite::Result<()> {
        let after = self.after;
        for (key, title, value) in &self.fields {
            conn.prepare_cached(
                "INSERT INTO custom_fields (account, ticket_id, key, title, value)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account, ticket_id, key) DO UPDATE SET
                     title = excluded.title, value = excluded.value",
            )?
            .execute(params![after.account, after.id, key, title, value])?;
        }
        let Some(before) = self.before else {
            return Ok(());
        };
        let gone = before.custom_fields.keys();
        for key in gone.filter(|key| !after.custom_fields.contains_key(*key)) {
            conn.prepare_cached(
                "DELETE FROM custom_fields WHERE account = ?1 AND ticket_id = ?2 AND key = ?3",
            )?
            .execute(params![after.account, after.id, key])?;
        }
        Ok(())
    }
}

/// A comment's columns, all NULL for no comment.
#[derive(Default)]
struct CommentValues<'a> {
    author: Option<&'a str>,
    body: Option<&'a str>,
    public: Option<bool>,
    via: Option<&'a str>,
    at: Option<i64>,
}

fn comment_values(comment: &Option<Comment>) -> rusqlite::Result<CommentValues<'_>> {
    let Some(comment) = comment else {
        return Ok(CommentValues::default());
    };
    Ok(CommentValues {
        author: Some(&comment.author),
        body: Some(&comment.body),
        public: Some(comment.public),
        via: Some(&comment.via),
        at: Some(nanos(&comment.at)?),
    })
}

/// The statements that add and remove members of a ticket's set (the
/// agents it is shared with; see [`rows`]): the insert's columns are
/// account, ticket id, member, many rows a statement; the delete ends in
/// `member =`, after account and ticket id, and runs once a member.
struct SetRows {
    insert: &'static str,
    delete: &'static str,
}

impl SetRows {
    /// Writes only the members that differ from `old`.
    fn save(
        &self,
        conn: &Connection,
        t: &Ticket,
        old: Option<&BTreeSet<String>>,
        new: &BTreeSet<String>,
    ) -> rusqlite::Result<()> {
        let empty = BTreeSet::new();
        let old = old.unwrap_or(&empty);
        let key: [&dyn ToSql; 2] = [&t.account, &t.id];
        let added: Vec<&dyn ToSql> = new.difference(old).map(|m| m as &dyn ToSql).collect();
        let insert = rows::Insert {
            head: self.insert,
            shared: 2,
            per_row: 1,
        };
        insert.run(conn, &key, &added)?;
        let gone: Vec<&dyn ToSql> = old.difference(new).map(|m| m as &dyn ToSql).collect();
        rows::delete_each(conn, self.delete, &key, &gone)
    }
}

/// Writes the agents the ticket is shared with that differ from `before`.
fn save_agent_shares(
    conn: &Connection,
    before: Option<&Ticket>,
    after: &Ticket,
) -> rusqlite::Result<()> {
    let rows = SetRows {
        insert: "INSERT INTO agent_shares (account, ticket_id, email)",
        delete: "DELETE FROM agent_shares WHERE account = ?1 AND ticket_id = ?2 AND email =",
    };
    rows.save(conn, after, before.map(|t| &t.agents), &after.agents)
}

/// Shares are written by position: a share is appended or flips `active`,
/// so comparing position by position writes only what moved.
fn save_shares(conn: &Connection, before: Option<&Ticket>, after: &Ticket) -> rusqlite::Result<()> {
    let old_shares = before.map_or(&[][..], |t| t.shares.as_slice());
    for (pos, share) in after.shares.iter().enumerate() {
        if old_shares.get(pos) != Some(share) {
            upsert_share(conn, after, "sent", pos, &share_row(share))?;
        }
    }
    if old_shares.len() > after.shares.len() {
        conn.prepare_cached(
            "DELETE FROM shares
             WHERE account = ?1 AND ticket_id = ?2 AND direction = 'sent' AND pos >= ?3",
        )?
        .execute(params![after.account, after.id, after.shares.len()])?;
    }
    let old_received = before.and_then(|t| t.received.as_ref());
    if old_received != after.received.as_ref() {
        match &after.received {
            Some(received) => upsert_share(conn, after, "received", 0, &received_row(received))?,
            None => {
                conn.prepare_cached(
                    "DELETE FROM shares
                     WHERE account = ?1 AND ticket_id = ?2 AND direction = 'received'",
                )?
                .execute(params![after.account, after.id])?;
            }
        }
    }
    Ok(())
}

/// A share or received share as one row of `shares`.
struct ShareRow<'a> {
    agreement_id: i64,
    agreement: &'a str,
    partner: &'a str,
    origin_id: Option<i64>,
    active: bool,
}

fn share_row(share: &Share) -> ShareRow<'_> {
    ShareRow {
        agreement_id: share.agreement_id,
        agreement: &share.agreement,
        partner: &share.partner,
        origin_id: share.partner_id,
        active: share.active,
    }
}

fn received_row(received: &Received) -> ShareRow<'_> {
    ShareRow {
        agreement_id: received.agreement_id,
        agreement: &received.agreement,
        partner: &received.partner,
        origin_id: received.origin_id,
        active: received.active,
    }
}

fn upsert_share(
    conn: &Connection,
    ticket: &Ticket,
    direction: &str,
    pos: usize,
    share: &ShareRow,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO shares (account, ticket_id, direction, pos, agreement_id, agreement,
             partner, origin_id, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (account, ticket_id, direction, pos) DO UPDATE SET
             agreement_id = excluded.agreement_id, agreement = excluded.agreement,
             partner = excluded.partner, origin_id = excluded.origin_id,
             active = excluded.active",
    )?
    .execute(params![
        ticket.account,
        ticket.id,
        direction,
        pos,
        share.agreement_id,
        share.agreement,
        share.partner,
        share.origin_id,
        share.active,
    ])?;
    Ok(())
}

/// One comment row.
pub(super) struct NewCommentRow<'a> {
    pub account: &'a str,
    pub ticket_id: i64,
    pub author: &'a str,
    pub body: &'a str,
    pub public: bool,
    pub via: &'a str,
    pub at: i64,
    pub event_id: &'a str,
    pub rule: Option<&'a str>,
}

/// Appends a comment.
pub(super) fn insert_comment(conn: &Connection, row: &NewCommentRow) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO comments (account, ticket_id, author, body, public, via, at, event_id, rule)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        row.account,
        row.ticket_id,
        row.author,
        row.body,
        row.public,
        row.via,
        row.at,
        row.event_id,
        row.rule,
    ])?;
    Ok(())
}
