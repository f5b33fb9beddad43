//! The body of an event: the `ticket` of a create, the `changes` of an
//! update, both read into [`Changes`].

use super::error::EventError;
use super::fields::Fields;
use super::json::Json;
use crate::model::{
    Changes, NewComment, Priority, ReceivedFrom, ScheduledReply, Status, TicketType,
};
use crate::rules::schema::{PRIORITIES, STATUSES, TYPES};

type Result<T> = std::result::Result<T, EventError>;

/// The keys of a create event's `ticket`.
pub(super) const TICKET_KEYS: &[&str] = &[
    "id",
    "subject",
    "description",
    "status",
    "priority",
    "type",
    "group",
    "assignee",
    "requester",
    "organization",
    "brand",
    "tags",
    "custom_fields",
    "comment",
    "received_from",
    "schedule_reply",
];

/// The keys of an update event's `changes`.
pub(super) const CHANGE_KEYS: &[&str] = &[
    "subject",
    "status",
    "priority",
    "type",
    "group",
    "assignee",
    "requester",
    "organization",
    "brand",
    "tags",
    "add_tags",
    "remove_tags",
    "custom_fields",
    "comment",
    "schedule_reply",
];

/// A new ticket: its id and what it starts with. Null is "none"; status
/// defaults to `new`; `description` is the first comment when there is no
/// `comment`.
pub(super) fn ticket(f: &mut Fields) -> Result<(i64, Changes)> {
    let id = f.positive_id("id")?;
    let description = f.nullable_text("description")?.flatten();
    let description = description.filter(|d| !d.trim().is_empty());
    let mut changes = Changes {
        subject: f.nullable_text("subject")?.flatten(),
        status: Some(status(f)?.flatten().unwrap_or(Status::New)),
        set_tags: f.tags("tags")?,
        ..Changes::default()
    };
    shared(f, &mut changes)?;
    changes.received_from = received_from(f)?;
    drop_nulls(&mut changes);
    changes.comment = first_comment(f, changes.comment.take(), description)?;
    Ok((id, changes))
}

/// What an update changes. Null clears a field that may be empty; the
/// subject and the status cannot be null.
pub(super) fn changes(f: &mut Fields) -> Result<Changes> {
    let subject = match f.nullable_text("subject")? {
        Some(None) => return Err(not_null(f, "subject", "a string")),
        other => other.flatten(),
    };
    let status = match status(f)? {
        Some(None) => return Err(not_null(f, "status", "a status")),
        other => other.flatten(),
    };
    let mut changes = Changes {
        subject,
        status,
        set_tags: f.tags("tags")?,
        add_tags: f.tags("add_tags")?.unwrap_or_default(),
        remove_tags: f.tags("remove_tags")?.unwrap_or_default(),
        ..Changes::default()
    };
    shared(f, &mut changes)?;
    Ok(changes)
}

/// The keys a ticket and changes have alike, null read as `Some(None)`.
fn shared(f: &mut Fields, c: &mut Changes) -> Result<()> {
    c.priority = f.choice("priority", "priority", Priority::parse, PRIORITIES)?;
    c.ticket_type = f.choice("type", "ticket type", TicketType::parse, TYPES)?;
    c.group = f.nullable_name("group")?;
    c.assignee = f.nullable_name("assignee")?;
    c.requester = f.nullable_name("requester")?;
    c.organization = f.nullable_name("organization")?;
    c.brand = f.nullable_name("brand")?;
    c.custom_fields = f.custom_fields("custom_fields")?;
    c.comment = f.comment("comment")?;
    c.schedule_reply = schedule_reply(f)?;
    Ok(())
}

/// `schedule_reply: {"at": …, "body": …, "public": true}`: a reply the
/// actor posts later.
fn schedule_reply(f: &mut Fields) -> Result<Option<ScheduledReply>> {
    let Some(mut reply) = f.object("schedule_reply", &["at", "body", "public"])? else {
        return Ok(None);
    };
    Ok(Some(ScheduledReply {
        at: reply.time("at")?,
        body: reply.required_text("body")?,
        public: reply.flag("public", true)?,
    }))
}

/// `received_from: {"agreement": …, "origin_id": …}`: the ticket is a
/// partner's copy.
fn received_from(f: &mut Fields) -> Result<Option<ReceivedFrom>> {
    let Some(mut from) = f.object("received_from", &["agreement", "origin_id"])? else {
        return Ok(None);
    };
    let agreement = from.required_text("agreement")?;
    let origin_id = if from.has("origin_id") {
        Some(from.positive_id("origin_id")?)
    } else {
        None
    };
    Ok(Some(ReceivedFrom {
        agreement,
        origin_id,
    }))
}

fn status(f: &mut Fields) -> Result<Option<Option<Status>>> {
    f.choice("status", "status", Status::parse, STATUSES)
}

/// On a new ticket a null field is one never set.
fn drop_nulls(c: &mut Changes) {
    fn keep_set<T>(field: &mut Option<Option<T>>) {
        if matches!(field, Some(None)) {
            *field = None;
        }
    }
    keep_set(&mut c.priority);
    keep_set(&mut c.ticket_type);
    keep_set(&mut c.group);
    keep_set(&mut c.assignee);
    keep_set(&mut c.requester);
    keep_set(&mut c.organization);
    keep_set(&mut c.brand);
}

/// The first comment: `comment`, else `description` as a public one; not
/// both.
fn first_comment(
    f: &Fields,
    comment: Option<NewComment>,
    description: Option<String>,
) -> Result<Option<NewComment>> {
    match (comment, description) {
        (Some(_), Some(_)) => Err(f.error(
            "description",
            format!(
                "`{}` and `{}` are both the first comment, give one",
                f.name("description"),
                f.name("comment")
            ),
        )),
        (Some(comment), None) => Ok(Some(comment)),
        (None, description) => Ok(description.map(|body| NewComment { body, public: true })),
    }
}

fn not_null(f: &Fields, key: &'static str, expected: &str) -> EventError {
    f.wrong_type(key, expected, &Json::Null)
}
