//! What a trigger's conditions read of the working ticket and what its
//! actions write, worked out at compile time. After a trigger fires, the
//! cycle re-tests only the triggers that read something it wrote: the
//! others hold exactly as they did in the pass before (see [`super::cycle`]).
//!
//! Only the working ticket counts: the update, the ticket before it and
//! the clock do not move during a cycle. A write set may be larger than
//! what an action really changes (that costs a re-test, never a wrong
//! answer); a read set must hold every part a condition can look at.

use super::action::{Act, ActKind};
use super::compile::Interner;
use super::condition::{Cond, Scalar, Test, TextOf, TicketState, Want};

/// Parts of the working ticket, as bits of [`Touch::parts`].
pub mod part {
    pub const STATUS: u32 = 1 << 0;
    pub const PRIORITY: u32 = 1 << 1;
    pub const TYPE: u32 = 1 << 2;
    pub const GROUP: u32 = 1 << 3;
    pub const ASSIGNEE: u32 = 1 << 4;
    pub const REQUESTER: u32 = 1 << 5;
    pub const ORGANIZATION: u32 = 1 << 6;
    pub const BRAND: u32 = 1 << 7;
    /// Any custom field.
    pub const CUSTOM: u32 = 1 << 8;
    pub const SUBJECT: u32 = 1 << 9;
    /// Shares made, the share received, and agents shared with.
    pub const SHARES: u32 = 1 << 10;
    /// The times `hours since` counts from.
    pub const TIMES: u32 = 1 << 11;
    /// Every tag at once (`Set tags`): meets any read of a tag.
    pub const ALL_TAGS: u32 = 1 << 12;
}

/// Parts of the ticket and tags (by interned id, sorted) that conditions
/// read or actions write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touch {
    pub parts: u32,
    pub tags: Vec<u32>,
}

impl Touch {
    /// Could a write of `written` change what `self` reads?
    pub fn meets(&self, written: &Touch) -> bool {
        if self.parts & written.parts != 0 {
            return true;
        }
        if written.parts & part::ALL_TAGS != 0 && !self.tags.is_empty() {
            return true;
        }
        // Writes name a tag or two; reads may name hundreds.
        let (small, large) = match written.tags.len() <= self.tags.len() {
            true => (&written.tags, &self.tags),
            false => (&self.tags, &written.tags),
        };
        small.iter().any(|t| large.binary_search(t).is_ok())
    }

    /// What any of `all` touches.
    pub fn union<'a>(all: impl IntoIterator<Item = &'a Touch>) -> Touch {
        let mut out = Touch::default();
        for t in all {
            out.parts |= t.parts;
            out.tags.extend_from_slice(&t.tags);
        }
        out.tidy();
        out
    }

    fn tidy(&mut self) {
        self.tags.sort_unstable();
        self.tags.dedup();
    }
}

/// What a condition reads of the working ticket.
pub fn reads(cond: Option<&Cond>) -> Touch {
    let mut touch = Touch::default();
    if let Some(c) = cond {
        read_into(c, &mut touch);
    }
    touch.tidy();
    touch
}

fn read_into(cond: &Cond, touch: &mut Touch) {
    match cond {
        Cond::All(items) | Cond::Any(items) => items.iter().for_each(|c| read_into(c, touch)),
        Cond::Not(inner, _) => read_into(inner, touch),
        Cond::Leaf(leaf) => match &leaf.test {
            Test::Tags(_, ids) => touch.tags.extend_from_slice(ids),
            test => touch.parts |= test_reads(test),
        },
    }
}

/// The parts a test other than a tag test reads.
fn test_reads(test: &Test) -> u32 {
    match test {
        Test::Scalar(field, _, want) => {
            let also = match want {
                Want::Requester => part::REQUESTER,
                _ => 0,
            };
            scalar_part(field) | also
        }
        Test::Ticket(TicketState::Shared, _)
        | Test::SharedWith(_)
        | Test::ReceivedFrom(_)
        | Test::SharedWithAgent(..) => part::SHARES,
        Test::Text(TextOf::Subject, _) => part::SUBJECT,
        Test::Hours(..) => part::TIMES,
        // The update, its comment, its actor, its channel and the ticket's
        // own channel do not change during a cycle.
        Test::Ticket(..)
        | Test::Channel(..)
        | Test::Text(TextOf::Comment, _)
        | Test::Comment(_)
        | Test::Role(..)
        | Test::Tags(..)
        | Test::Never(_) => 0,
    }
}

fn scalar_part(field: &Scalar) -> u32 {
    match field {
        Scalar::Status => part::STATUS,
        Scalar::Priority => part::PRIORITY,
        Scalar::Type => part::TYPE,
        Scalar::Group => part::GROUP,
        Scalar::Assignee => part::ASSIGNEE,
        Scalar::Requester => part::REQUESTER,
        Scalar::Organization => part::ORGANIZATION,
        Scalar::Brand => part::BRAND,
        Scalar::Custom(_) => part::CUSTOM,
    }
}

/// What actions may write on the working ticket.
pub fn writes(actions: &[Act], interner: &Interner) -> Touch {
    let mut touch = Touch::default();
    for act in actions {
        let tags = match &act.kind {
            ActKind::AddTags(tags) | ActKind::RemoveTags(tags) => tags,
            other => {
                touch.parts |= act_writes(other);
                continue;
            }
        };
        // Actions intern their tags when compiled, so each has an id.
        touch
            .tags
            .extend(tags.iter().filter_map(|t| interner.id(t)));
    }
    touch.tidy();
    touch
}

fn act_writes(kind: &ActKind) -> u32 {
    match kind {
        ActKind::SetTags(_) => part::ALL_TAGS,
        // Moving the status or the assignee moves their times too.
        ActKind::Status(_) => part::STATUS | part::TIMES,
        ActKind::Assignee(_) => part::ASSIGNEE | part::TIMES,
        ActKind::Priority(_) => part::PRIORITY,
        ActKind::Type(_) => part::TYPE,
        ActKind::Group(_) => part::GROUP,
        ActKind::Custom(..) => part::CUSTOM,
        ActKind::Share(_)
        | ActKind::Unshare
        | ActKind::ShareAgent(_)
        | ActKind::UnshareAgent(_) => part::SHARES,
        // A comment changes what placeholders show, which no condition
        // reads; a notification changes nothing on the ticket.
        ActKind::AddTags(_)
        | ActKind::RemoveTags(_)
        | ActKind::Comment(..)
        | ActKind::Notify(..)
        | ActKind::Skip(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(parts: u32, tags: &[u32]) -> Touch {
        Touch {
            parts,
            tags: tags.to_vec(),
        }
    }

    #[test]
    fn a_write_meets_a_read_of_the_same_part_or_tag() {
        let read = touch(part::STATUS, &[3, 9]);
        assert!(read.meets(&touch(part::STATUS | part::TIMES, &[])));
        assert!(read.meets(&touch(0, &[9])));
        assert!(read.meets(&touch(part::ALL_TAGS, &[])));
        assert!(!read.meets(&touch(part::GROUP, &[4])));
        assert!(!touch(part::GROUP, &[]).meets(&touch(part::ALL_TAGS, &[])));
    }
}
