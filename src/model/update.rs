//! An update to a ticket: what an event asks for, before any rule runs.

use super::{Comment, Priority, Role, Status, TicketType, Time};
use serde::Serialize;
use serde_json::Value;

/// What joins an event's id and a number to name an update it set off on
/// a partner's copy (`e1~2`); events from outside may not use it.
pub const DERIVED: char = '~';

/// A ticket's first event, or a later one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateKind {
    Create,
    Update,
}

/// Who made an update.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub email: String,
    pub role: Role,
    pub name: Option<String>,
}

/// A comment an update (or a rule) adds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewComment {
    pub body: String,
    pub public: bool,
}

/// One create or update of a ticket.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Update {
    /// The event's id: updates are applied once per id.
    pub event_id: String,
    pub kind: UpdateKind,
    pub account: String,
    pub ticket_id: i64,
    pub at: Time,
    /// The channel of this update (a DSL channel name: `web`, `ticket sharing`).
    pub via: String,
    pub actor: Option<Actor>,
    pub changes: Changes,
    /// An automation's update: the automation (by title) whose actions
    /// this update applies, before the triggers run on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automation: Option<String>,
}

/// What an update sets. `None` leaves a field as it is; `Some(None)`
/// clears a field that may be empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Changes {
    pub subject: Option<String>,
    pub status: Option<Status>,
    pub priority: Option<Option<Priority>>,
    pub ticket_type: Option<Option<TicketType>>,
    pub group: Option<Option<String>>,
    pub assignee: Option<Option<String>>,
    pub requester: Option<Option<String>>,
    pub organization: Option<Option<String>>,
    pub brand: Option<Option<String>>,
    /// Replaces every tag.
    pub set_tags: Option<Vec<String>>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    /// By title, in the order given.
    pub custom_fields: Vec<(String, Value)>,
    pub comment: Option<NewComment>,
    /// On a create: the ticket is a partner's copy, received over this
    /// (inbound) agreement.
    pub received_from: Option<ReceivedFrom>,
    /// Comments that came over a share, each with its own author. Only
    /// the sharing network sets these (events carry one `comment`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shared_comments: Vec<Comment>,
    /// What the sharing network left out of this update and why (a custom
    /// field whose type does not fit), for the audit trail.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sharing_notes: Vec<String>,
    /// The partner stopped sharing: the link over this agreement (this
    /// account's side, by id) stops syncing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_share: Option<i64>,
    /// Agents to share the ticket with, by email (`tickets share`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub share_agents: Vec<String>,
    /// Agents to take the ticket from, by email (`tickets unshare`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unshare_agents: Vec<String>,
    /// A reply the actor schedules, to be posted by `replies due`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_reply: Option<ScheduledReply>,
    /// This update posts the scheduled reply with this id (its comment is
    /// the reply).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts_reply: Option<i64>,
}

impl Changes {
    /// The comment this update adds, as `comment …` conditions see it:
    /// its own, or, on a synced update, the last one that came over.
    pub fn the_comment(&self) -> Option<(&str, bool)> {
        let own = self.comment.as_ref().map(|c| (c.body.as_str(), c.public));
        let shared = self.shared_comments.last();
        own.or_else(|| shared.map(|c| (c.body.as_str(), c.public)))
    }
}

/// A reply to post later, as its author.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScheduledReply {
    /// When it is due.
    pub at: Time,
    pub body: String,
    pub public: bool,
}

/// Where a received copy came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceivedFrom {
    /// The inbound agreement, by name or id.
    pub agreement: String,
    /// The ticket's id in the sending account.
    pub origin_id: Option<i64>,
}
