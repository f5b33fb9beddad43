//! What crosses a link when a ticket changes, by the agreement's terms:
//! status only under `public_and_private`; the receiver's comments public
//! only under `public_and_private`, else private (the sender's keep their
//! own); tags only with `sync_tags`; custom fields only with
//! `sync_custom_fields`.

use super::{mapped_status, network::VIA};
use crate::engine::AddedComment;
use crate::model::{Agreement, Changes, Comment, CommentTerms, Status, Ticket, Time};
use serde_json::Value;

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
    let full = terms.comments == CommentTerms::PublicAndPrivate;
    let mut d = Delta::default();
    if full && mapped_status(base.status) != mapped_status(after.status) {
        d.status = Some(mapped_status(after.status));
    }
    d.comments = added
        .iter()
        .map(|c| crossing(c, sender || full, at))
        .collect();
    if terms.sync_tags {
        d.add_tags = after.tags.difference(&base.tags).cloned().collect();
        d.remove_tags = base.tags.difference(&after.tags).cloned().collect();
    }
    if terms.sync_custom_fields {
        d.fields = fields(base, after);
    }
    d
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
