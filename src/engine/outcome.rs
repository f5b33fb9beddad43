//! What running the rules on one update did: the engine's only output.

use crate::model::Shared;
use crate::model::{NewComment, Ticket};
use serde::Serialize;

/// Everything one update did to a ticket, in order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// Set when no rule ran, and why (`ticket was closed before the update`).
    pub skipped: Option<String>,
    /// What the update itself changed, before any rule ran.
    pub changes: Vec<Change>,
    /// Fired rules, in firing order, each with its actions' effects.
    pub fired: Vec<Fired>,
    /// The ticket after the update and every fired rule.
    pub after: Ticket,
    /// Shares and unshares the rules asked for, refused ones included.
    pub shares: Vec<ShareOp>,
    /// Notifications to record in the outbox.
    pub notifications: Vec<Notification>,
    /// Comments added by the update and then by rules, in order.
    pub comments: Vec<AddedComment>,
    /// Why each rule that did not fire did not (and, with `Explain::All`,
    /// every condition's value for every rule).
    pub trace: Vec<RuleTrace>,
}

impl Outcome {
    /// Nothing done to a ticket: no changes, no rules fired.
    pub fn unchanged(after: Ticket) -> Outcome {
        Outcome {
            skipped: None,
            changes: Vec::new(),
            fired: Vec::new(),
            after,
            shares: Vec::new(),
            notifications: Vec::new(),
            comments: Vec::new(),
            trace: Vec::new(),
        }
    }
}

/// A rule that fired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fired {
    pub title: Shared,
    /// Where the rule is written: `path:line:column`.
    pub source: Shared,
    pub effects: Vec<Effect>,
    /// With `Explain::All`: the conditions that held.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ConditionResult>,
}

/// One action and what it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Effect {
    /// The action as written in the canonical DSL (`Set status pending`).
    pub action: Shared,
    pub change: Change,
}

/// What an action did to the ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// A field moved: `status open → pending`.
    Field {
        field: String,
        before: String,
        after: String,
    },
    TagAdded {
        tag: Shared,
    },
    TagRemoved {
        tag: Shared,
    },
    CommentAdded {
        public: bool,
        body: String,
    },
    Notified {
        to: String,
        subject: String,
    },
    Shared {
        agreement: String,
        partner: String,
    },
    ShareRefused {
        agreement: String,
        reason: String,
    },
    Unshared {
        agreement: String,
        partner: String,
    },
    /// The action changed nothing (`tag vip already there`).
    Nothing {
        why: String,
    },
    /// A Zendesk action ticket-rules loads but does not run.
    Skipped {
        why: String,
    },
    /// The sharing network's word on an update: what it left out, or that
    /// the partner stopped sharing.
    Sharing {
        note: String,
    },
    /// The ticket is now shared with an agent outside its group.
    AgentShared {
        agent: String,
    },
    AgentShareRefused {
        agent: String,
        reason: String,
    },
    /// The ticket is no longer shared with an agent.
    AgentUnshared {
        agent: String,
    },
    /// A scheduled reply was scheduled, posted or deleted.
    Reply {
        note: String,
    },
}

impl Change {
    /// The effect in words: `status open → pending`, `tag vip added`.
    pub fn describe(&self) -> String {
        match self {
            Change::Field {
                field,
                before,
                after,
            } => format!("{field} {} → {}", shown(before), shown(after)),
            Change::TagAdded { tag } => format!("tag {tag} added"),
            Change::TagRemoved { tag } => format!("tag {tag} removed"),
            Change::CommentAdded { public, body } => {
                let kind = if *public { "public" } else { "private" };
                format!("{kind} comment added: {body:?}")
            }
            Change::Notified { to, subject } => format!("notification to {to}: {subject:?}"),
            Change::Shared { agreement, partner } => {
                format!("shared with {agreement:?} (account {partner})")
            }
            Change::ShareRefused { agreement, reason } => {
                format!("share with {agreement:?} refused: {reason}")
            }
            Change::Unshared { agreement, partner } => {
                format!("unshared from {agreement:?} (account {partner})")
            }
            Change::Nothing { why } => format!("no change: {why}"),
            Change::Skipped { why } => format!("skipped: {why}"),
            Change::Sharing { note } | Change::Reply { note } => note.clone(),
            Change::AgentShared { agent } => format!("shared with agent {agent}"),
            Change::AgentShareRefused { agent, reason } => {
                format!("share with agent {agent} refused: {reason}")
            }
            Change::AgentUnshared { agent } => format!("unshared from agent {agent}"),
        }
    }

    /// What the change is to, for the audit trail of an update's own
    /// changes: `status`, `tags`, `public comment`.
    pub fn label(&self) -> String {
        match self {
            Change::Field { field, .. } => field.clone(),
            Change::TagAdded { .. } | Change::TagRemoved { .. } => "tags".into(),
            Change::CommentAdded { public: true, .. } => "public comment".into(),
            Change::CommentAdded { public: false, .. } => "private comment".into(),
            Change::Notified { .. } => "notification".into(),
            Change::Shared { .. } | Change::ShareRefused { .. } | Change::Unshared { .. } => {
                "share".into()
            }
            Change::Sharing { .. } => "sharing".into(),
            Change::AgentShared { .. }
            | Change::AgentShareRefused { .. }
            | Change::AgentUnshared { .. } => "agent share".into(),
            Change::Reply { .. } => "scheduled reply".into(),
            Change::Nothing { .. } | Change::Skipped { .. } => "nothing".into(),
        }
    }

    /// The value before and after, for the audit trail.
    pub fn before_after(&self) -> (Option<String>, Option<String>) {
        match self {
            Change::Field { before, after, .. } => (Some(before.clone()), Some(after.clone())),
            Change::TagAdded { tag } => (None, Some(tag.to_string())),
            Change::TagRemoved { tag } => (Some(tag.to_string()), None),
            Change::CommentAdded { body, .. } => (None, Some(body.clone())),
            Change::Notified { to, .. } => (None, Some(to.clone())),
            Change::Shared { partner, .. } => (None, Some(partner.clone())),
            Change::Unshared { partner, .. } => (Some(partner.clone()), None),
            Change::ShareRefused { reason, .. } => (None, Some(format!("refused: {reason}"))),
            Change::Sharing { note } | Change::Reply { note } => (None, Some(note.clone())),
            Change::AgentShared { agent } => (None, Some(agent.clone())),
            Change::AgentUnshared { agent } => (Some(agent.clone()), None),
            Change::AgentShareRefused { reason, .. } => (None, Some(format!("refused: {reason}"))),
            Change::Nothing { .. } | Change::Skipped { .. } => (None, None),
        }
    }
}

/// An empty value reads `(none)`.
fn shown(value: &str) -> &str {
    if value.is_empty() {
        "(none)"
    } else {
        value
    }
}

/// A share or unshare a rule asked for, for the store to record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ShareOp {
    Share {
        agreement_id: i64,
        agreement: String,
        partner: String,
        rule: String,
    },
    Unshare {
        agreement_id: i64,
        agreement: String,
        partner: String,
        rule: String,
    },
    Refused {
        agreement: String,
        reason: String,
        rule: String,
    },
}

/// An email a rule asked for. ticket-rules records it; it sends nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub rule: String,
    /// An email address, or `group <name>` for `notify group`.
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// A comment and who added it: the update's author or a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AddedComment {
    /// The actor's email, or `None` when a rule added it.
    pub author: Option<String>,
    pub rule: Option<String>,
    /// When it was written, if not at the update's time: a partner's
    /// conversation copied onto a new share keeps its own times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<crate::model::Time>,
    #[serde(flatten)]
    pub comment: NewComment,
}

/// Why a rule did not fire, or (with `Explain::All`) every condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleTrace {
    pub title: String,
    pub source: String,
    pub fired: bool,
    /// Not fired: the conditions that made it false (the first failing
    /// condition of an `and`; every branch of an `or`). With
    /// `Explain::All`: every condition, in order.
    pub conditions: Vec<ConditionResult>,
}

/// One condition and the value it saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConditionResult {
    /// The condition as written in the canonical DSL.
    pub condition: String,
    pub held: bool,
    /// What it saw: `status is solved`.
    pub saw: String,
}
