//! What crosses a link when a ticket changes, by the agreement's terms:
//! status only under `public_and_private`; the receiver's comments public
//! only under `public_and_private`, else private (the sender's keep their
//! own); tags only with `sync_tags`; custom fields only with
//! `sync_custom_fields`. Nothing else crosses (priority, group, assignee,
//! subject and the rest are each side's own business).
//!
//! One filter, [`admit`], applies the terms both ways:
//!
//! - [`delta`]: a local update, on its way to the partner (local syncs and
//!   remote payloads alike);
//! - [`from_partner`]: a **remote partner's update** arriving here (an
//!   event `via ticket_sharing` on a copy linked to that partner, and the
//!   `serve` partner protocol's inbound updates): only a copy that still
//!   syncs over the agreement may be touched, and only with what the terms
//!   let through, exactly as a local partner's sync; what is left out is
//!   named in the update's sharing notes, for the audit trail.

use super::{mapped_status, network::VIA};
use crate::engine::AddedComment;
use crate::model::trust::beyond_a_comment;
use crate::model::{
    Agreement, AgreementStatus, Changes, Comment, CommentTerms, NewComment, Status, Ticket, Time,
    Update,
};
use serde_json::Value;
use std::collections::HashSet;

/// The changes one side sends the other.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Delta {
    pub status: Option<Status>,
    pub comments: Vec<Comment>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    /// By title; `null` clears.
    pub fields: Vec<(String, Value)>,
}

impl Delta {
    pub fn is_empty(&self) -> bool {
        *self == Delta::default()
    }

    /// The delta as the changes of an update for the other side.
    pub fn into_changes(self) -> Changes {
        Changes {
            status: self.status,
            add_tags: self.add_tags,
            remove_tags: self.remove_tags,
            custom_fields: self.fields,
            shared_comments: self.comments,
            ..Changes::default()
        }
    }
}

/// What changed from `base` to `after` that the terms let cross; `sender`
/// says whether this side shared the ticket.
pub fn delta(
    base: &Ticket,
    after: &Ticket,
    added: &[&AddedComment],
    terms: &Agreement,
    sender: bool,
    at: Time,
) -> Delta {
    let mut d = Delta::default();
    if mapped_status(base.status) != mapped_status(after.status) {
        d.status = Some(mapped_status(after.status));
    }
    d.comments = added.iter().map(|c| crossing(c, true, at)).collect();
    d.add_tags = after
        .tags
        .difference(&base.tags)
        .map(String::from)
        .collect();
    d.remove_tags = base
        .tags
        .difference(&after.tags)
        .map(String::from)
        .collect();
    d.fields = fields(base, after);
    admit(d, terms, sender).0
}

/// The terms filter: what of `d` may cross agreement `terms`, and the
/// names of what may not. `sender` says whether the side `d` comes from
/// shared the ticket: its comments keep their own publicity.
pub fn admit(mut d: Delta, terms: &Agreement, sender: bool) -> (Delta, Vec<&'static str>) {
    let full = terms.comments == CommentTerms::PublicAndPrivate;
    let mut left_out = Vec::new();
    if !full && d.status.take().is_some() {
        left_out.push("status");
    }
    if !(sender || full) && d.comments.iter().any(|c| c.public) {
        left_out.push("public comments (made private)");
    }
    for c in &mut d.comments {
        c.public &= sender || full;
    }
    let tags = !(d.add_tags.is_empty() && d.remove_tags.is_empty());
    if tags && !terms.sync_tags {
        (d.add_tags, d.remove_tags) = (Vec::new(), Vec::new());
        left_out.push("tags");
    }
    if !terms.sync_custom_fields && !d.fields.is_empty() {
        d.fields.clear();
        left_out.push("custom fields");
    }
    (d, left_out)
}

/// A comment as it arrives on the other side; `keep_public` false makes
/// every comment private.
pub fn crossing(c: &AddedComment, keep_public: bool, at: Time) -> Comment {
    let author = match (&c.author, &c.rule) {
        (Some(a), _) => a.clone(),
        (None, Some(rule)) => format!("rule {rule:?}"),
        (None, None) => String::new(),
    };
    Comment {
        author,
        body: c.comment.body.clone(),
        public: c.comment.public && keep_public,
        via: VIA.to_string(),
        at,
    }
}

/// Custom fields set or cleared from `base` to `after`, by title.
fn fields(base: &Ticket, after: &Ticket) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = after
        .custom_fields
        .iter()
        .filter(|(key, f)| base.custom_fields.get(*key).map(|b| &b.value) != Some(&f.value))
        .map(|(_, f)| (f.title.clone(), f.value.clone()))
        .collect();
    out.extend(
        base.custom_fields
            .iter()
            .filter(|(key, _)| !after.custom_fields.contains_key(*key))
            .map(|(_, f)| (f.title.clone(), Value::Null)),
    );
    out
}

/// A remote partner's update to this account's copy of a ticket, as
/// agreement `terms` (this account's side) lets it through: the same
/// filter a local partner's sync goes through ([`admit`]). `Err` when the
/// ticket does not sync over that agreement: a partner touches only the
/// copies linked to it. What is left out is named in a sharing note.
///
/// The partner protocol of `serve` calls this for an inbound update once
/// the agreement's token has named `terms`; `ingest` calls it for an
/// event `via ticket_sharing`, with the agreement of the ticket's link.
pub fn from_partner(update: &Update, t: &Ticket, terms: &Agreement) -> Result<Update, String> {
    let received = t
        .received
        .as_ref()
        .is_some_and(|r| r.active && r.agreement_id == terms.id);
    if terms.status != AgreementStatus::Accepted {
        return Err(format!(
            "agreement `{}` is {}; nothing syncs over it",
            terms.name,
            terms.status.as_str()
        ));
    }
    if !received && !t.sends_over(terms.id) {
        return Err(format!(
            "ticket {} in `{}` does not sync over agreement `{}`; a partner may only update the copies it shares with us",
            t.id, t.account, terms.name
        ));
    }
    let c = &update.changes;
    let mut left_out: Vec<&str> = beyond_a_comment(c)
        .into_iter()
        .filter(|name| !["status", "tags", "custom fields"].contains(name))
        .collect();
    let (d, by_terms) = admit(partner_delta(update, t), terms, received);
    left_out.extend(by_terms);
    let mut changes = Changes {
        status: d.status,
        add_tags: d.add_tags,
        remove_tags: d.remove_tags,
        custom_fields: d.fields,
        comment: d.comments.into_iter().next().map(|c| NewComment {
            body: c.body,
            public: c.public,
        }),
        ..Changes::default()
    };
    if !left_out.is_empty() {
        changes.sharing_notes.push(format!(
            "left out of the partner's update by agreement `{}`: {}",
            terms.name,
            left_out.join(", ")
        ));
    }
    Ok(Update {
        changes,
        ..update.clone()
    })
}

/// A partner's update as the changes a sync would carry, before the terms.
fn partner_delta(update: &Update, t: &Ticket) -> Delta {
    let c = &update.changes;
    let (mut add, mut remove) = (c.add_tags.clone(), c.remove_tags.clone());
    if let Some(set) = &c.set_tags {
        add.extend(
            set.iter()
                .filter(|tag| !t.tags.contains(tag.as_str()))
                .cloned(),
        );
        let keep: HashSet<&str> = set.iter().map(String::as_str).collect();
        remove.extend(
            t.tags
                .iter()
                .filter(|tag| !keep.contains(tag.as_str()))
                .map(String::from),
        );
    }
    let author = update.actor.as_ref().map(|a| a.email.clone());
    let comments = c.comment.iter().map(|n| Comment {
        author: author.clone().unwrap_or_default(),
        body: n.body.clone(),
        public: n.public,
        via: VIA.to_string(),
        at: update.at,
    });
    Delta {
        status: c.status.map(mapped_status),
        comments: comments.collect(),
        add_tags: add,
        remove_tags: remove,
        fields: c.custom_fields.clone(),
    }
}

#[cfg(test)]
mod tests;
