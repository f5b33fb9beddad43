//! A ticket as one account holds it.

use super::{Priority, Status, Tags, TicketType, Time};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One ticket of one account.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ticket {
    pub account: String,
    pub id: i64,
    pub subject: String,
    /// The first comment's text.
    pub description: String,
    pub status: Status,
    pub priority: Option<Priority>,
    #[serde(rename = "type")]
    pub ticket_type: Option<TicketType>,
    pub group: Option<String>,
    pub assignee: Option<String>,
    /// The requester's email address.
    pub requester: Option<String>,
    pub organization: Option<String>,
    pub brand: Option<String>,
    /// Lowercase, no spaces, each once, sorted.
    pub tags: Tags,
    /// By title lowercased; the value keeps the title as first written.
    pub custom_fields: BTreeMap<String, CustomField>,
    /// The channel the ticket came in through (a DSL channel name: `email`).
    pub via: String,
    pub times: Times,
    /// The newest comment and the newest public one, for placeholders.
    pub latest_comment: Option<Comment>,
    pub latest_public_comment: Option<Comment>,
    /// Shares this account made of the ticket, oldest first.
    pub shares: Vec<Share>,
    /// The share this ticket arrived by, on a partner's copy.
    pub received: Option<Received>,
    /// Agents of this account, outside the ticket's group, it is shared
    /// with (lowercased emails): they may work on this ticket alone.
    #[serde(
        rename = "shared_with_agents",
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    pub agents: BTreeSet<String>,
}

/// A custom field's title as first written, and its value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomField {
    pub title: String,
    pub value: Value,
}

/// When things happened to a ticket; `hours since …` counts from these.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Times {
    pub created_at: Option<Time>,
    pub updated_at: Option<Time>,
    pub status_changed_at: Option<Time>,
    pub open_at: Option<Time>,
    pub pending_at: Option<Time>,
    pub solved_at: Option<Time>,
    pub assigned_at: Option<Time>,
    pub requester_updated_at: Option<Time>,
    pub assignee_updated_at: Option<Time>,
}

/// A comment on a ticket.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comment {
    /// An email address, or `rule "<title>"` for a comment a rule added.
    pub author: String,
    pub body: String,
    pub public: bool,
    pub via: String,
    pub at: Time,
}

/// This account's share of a ticket with a partner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Share {
    pub agreement_id: i64,
    pub agreement: String,
    /// The partner's account (its subdomain).
    pub partner: String,
    /// The copy's id in the partner's account: known once a local
    /// partner's copy exists; a remote partner never says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<i64>,
    /// False once unshared: the partner's copy no longer syncs.
    pub active: bool,
}

/// How a partner's copy came to this account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Received {
    pub agreement_id: i64,
    pub agreement: String,
    /// The account that shared it.
    pub partner: String,
    /// The ticket's id in that account.
    pub origin_id: Option<i64>,
    pub active: bool,
}

impl Ticket {
    /// A ticket that has just come in: status `new`, nothing else set.
    pub fn new(account: &str, id: i64, via: &str, at: Time) -> Ticket {
        Ticket {
            account: account.to_string(),
            id,
            subject: String::new(),
            description: String::new(),
            status: Status::New,
            priority: None,
            ticket_type: None,
            group: None,
            assignee: None,
            requester: None,
            organization: None,
            brand: None,
            tags: Tags::new(),
            custom_fields: BTreeMap::new(),
            via: via.to_string(),
            times: Times {
                created_at: Some(at),
                updated_at: Some(at),
                status_changed_at: Some(at),
                ..Times::default()
            },
            latest_comment: None,
            latest_public_comment: None,
            shares: Vec::new(),
            received: None,
            agents: BTreeSet::new(),
        }
    }

    /// A custom field's value, by title ignoring case.
    pub fn custom_field(&self, title: &str) -> Option<&Value> {
        self.custom_fields
            .get(&title.to_lowercase())
            .map(|f| &f.value)
    }

    /// Sets a custom field, keeping the title as first written.
    pub fn set_custom_field(&mut self, title: &str, value: Value) {
        let key = title.to_lowercase();
        match self.custom_fields.get_mut(&key) {
            Some(field) => field.value = value,
            None => {
                let title = title.to_string();
                self.custom_fields.insert(key, CustomField { title, value });
            }
        }
    }

    /// The share that still syncs, if any (a sender shares with one account).
    pub fn active_share(&self) -> Option<&Share> {
        self.shares.iter().find(|s| s.active)
    }

    /// Does the ticket still sync over its share by agreement `id`?
    pub fn sends_over(&self, id: i64) -> bool {
        self.shares.iter().any(|s| s.active && s.agreement_id == id)
    }

    /// Does the ticket still sync over agreement `id`, shared or received?
    pub fn syncs_over(&self, id: i64) -> bool {
        self.sends_over(id)
            || self
                .received
                .as_ref()
                .is_some_and(|r| r.active && r.agreement_id == id)
    }

    /// Is the ticket shared with a partner or received from one, and still
    /// syncing? (`ticket is shared`.)
    pub fn is_shared(&self) -> bool {
        self.active_share().is_some() || self.received.as_ref().is_some_and(|r| r.active)
    }

    /// Is the ticket shared with this agent (by email, ignoring case)?
    pub fn is_shared_with_agent(&self, email: &str) -> bool {
        self.agents.contains(&email.to_lowercase())
    }

    /// Records a status change at `at`, with the timestamps it moves.
    pub fn set_status(&mut self, status: Status, at: Time) {
        if self.status == status {
            return;
        }
        self.status = status;
        self.times.status_changed_at = Some(at);
        match status {
            Status::Open => self.times.open_at = Some(at),
            Status::Pending => self.times.pending_at = Some(at),
            Status::Solved => self.times.solved_at = Some(at),
            _ => {}
        }
    }

    /// Records a new assignee at `at`.
    pub fn set_assignee(&mut self, assignee: Option<String>, at: Time) {
        if self.assignee == assignee {
            return;
        }
        if assignee.is_some() {
            self.times.assigned_at = Some(at);
        }
        self.assignee = assignee;
    }

    /// Adds a comment, keeping the latest ones for placeholders.
    pub fn add_comment(&mut self, comment: Comment) {
        if self.description.is_empty() && self.latest_comment.is_none() {
            self.description = comment.body.clone();
        }
        if comment.public {
            self.latest_public_comment = Some(comment.clone());
        }
        self.latest_comment = Some(comment);
    }
}

/// Text of a custom field value as conditions compare it and reports show it.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
