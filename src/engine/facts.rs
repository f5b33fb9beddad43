//! What conditions look at: the working ticket, the ticket before the
//! update, the update itself, and derived values worked out once per pass
//! (interned tags, lowercased texts) rather than once per condition.

use super::compile::Interner;
use crate::model::{Ticket, Time, Update, UpdateKind};
use std::cell::OnceCell;

/// One evaluation's view of the world.
pub struct Facts<'a> {
    pub ticket: &'a Ticket,
    pub before: Option<&'a Ticket>,
    pub update: &'a Update,
    /// The time `hours since` counts to.
    pub now: Time,
    /// The ticket's tags that some rule names, as sorted ids.
    pub tags: Vec<u32>,
    subject: OnceCell<String>,
    comment: OnceCell<Option<String>>,
}

impl<'a> Facts<'a> {
    pub fn new(
        interner: &Interner,
        ticket: &'a Ticket,
        before: Option<&'a Ticket>,
        update: &'a Update,
        now: Time,
    ) -> Facts<'a> {
        Facts {
            ticket,
            before,
            update,
            now,
            tags: interner.ids_of(&ticket.tags),
            subject: OnceCell::new(),
            comment: OnceCell::new(),
        }
    }

    pub fn is_create(&self) -> bool {
        self.update.kind == UpdateKind::Create
    }

    pub fn has_tag(&self, id: u32) -> bool {
        self.tags.binary_search(&id).is_ok()
    }

    /// The subject, lowercased.
    pub fn subject(&self) -> &str {
        self.subject
            .get_or_init(|| self.ticket.subject.to_lowercase())
    }

    /// This update's comment text, lowercased, if it has one.
    pub fn comment(&self) -> Option<&str> {
        self.comment
            .get_or_init(|| {
                let c = self.update.changes.the_comment();
                c.map(|(body, _)| body.to_lowercase())
            })
            .as_deref()
    }

    /// The email of whoever made the update.
    pub fn current_user(&self) -> Option<&str> {
        self.update.actor.as_ref().map(|a| a.email.as_str())
    }
}
