//! The trigger index: which triggers an update could possibly fire, so the
//! cycle does not evaluate the rest. A trigger is filed under the kind of
//! update its top-level `ticket is created/updated` allows, and under a tag
//! its top-level `tags contains …` requires; one with neither is always a
//! candidate. A trigger whose top level can never hold is filed nowhere.

use super::compile::CompiledRule;
use super::condition::{Cond, TagOp, Test, TicketState};
use std::collections::HashMap;

/// Candidates for creates (`[0]`) and for updates (`[1]`).
#[derive(Debug, Default)]
pub struct Index {
    buckets: [Bucket; 2],
}

#[derive(Debug, Default)]
struct Bucket {
    /// Triggers with no tag requirement, in run order.
    always: Vec<u32>,
    /// Triggers that need a tag, by that tag's id.
    by_tag: HashMap<u32, Vec<u32>>,
}

/// What a trigger's top level demands of an update.
struct Guard {
    create: bool,
    update: bool,
    /// Some tag of these must be on the ticket.
    tags: Option<Vec<u32>>,
}

impl Index {
    pub fn build(triggers: &[CompiledRule]) -> Index {
        let mut index = Index::default();
        for (i, rule) in triggers.iter().enumerate() {
            let Some(guard) = guard(rule.cond.as_ref()) else {
                continue;
            };
            let kinds = [guard.create, guard.update];
            for (bucket, _) in index.buckets.iter_mut().zip(kinds).filter(|(_, on)| *on) {
                match &guard.tags {
                    None => bucket.always.push(i as u32),
                    Some(tags) => {
                        for tag in tags {
                            bucket.by_tag.entry(*tag).or_default().push(i as u32);
                        }
                    }
                }
            }
        }
        index
    }

    /// The triggers that could fire on this update, in run order.
    pub fn candidates(&self, is_create: bool, tags: &[u32], out: &mut Vec<u32>) {
        let bucket = &self.buckets[usize::from(!is_create)];
        out.clear();
        out.extend_from_slice(&bucket.always);
        let before = out.len();
        for tag in tags {
            if let Some(list) = bucket.by_tag.get(tag) {
                out.extend_from_slice(list);
            }
        }
        if out.len() > before {
            out.sort_unstable();
            out.dedup();
        }
    }
}

/// The guard of a condition; `None` when its top level can never hold.
fn guard(cond: Option<&Cond>) -> Option<Guard> {
    let mut g = Guard {
        create: true,
        update: true,
        tags: None,
    };
    let items = match cond {
        None => return Some(g),
        Some(Cond::All(items)) => items.as_slice(),
        Some(c) => std::slice::from_ref(c),
    };
    for item in items {
        let Cond::Leaf(leaf) = item else { continue };
        match &leaf.test {
            Test::Never(_) => return None,
            Test::Ticket(TicketState::Created, is) => {
                g.create &= *is;
                g.update &= !*is;
            }
            Test::Ticket(TicketState::Updated, is) => {
                g.update &= *is;
                g.create &= !*is;
            }
            Test::Tags(TagOp::Any, ids) if g.tags.is_none() => g.tags = Some(ids.clone()),
            Test::Tags(TagOp::All, ids) if g.tags.is_none() && !ids.is_empty() => {
                g.tags = Some(vec![ids[0]])
            }
            _ => {}
        }
    }
    Some(g)
}
