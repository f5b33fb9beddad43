//! The trigger index: which triggers an update could possibly fire, so the
//! cycle does not evaluate the rest.
//!
//! Each trigger is filed under the kind of update its top-level `ticket is
//! created/updated` allows, and then under the keys one of its top-level
//! conditions needs: the tags of a `tags contains …`, else the value of a
//! `status/priority/type is …` (or the statuses a `status less than …`
//! allows), else the name of a `group is …`. A trigger with none of these
//! is always a candidate; one whose top level can never hold is filed
//! nowhere. A pass looks up the working ticket's own keys and keeps the
//! triggers found whose [`Pre`] passes (their top level's status,
//! priority, type, channel and group), in run order; only those have
//! their conditions evaluated, and of those only the ones their [`Left`]
//! leaves: not a tag list the trigger was found under.

use super::compile::CompiledRule;
use super::condition::{Cond, Scalar, ScalarOp, TagOp, Test, TicketState, Want};
use super::facts::Facts;
use super::groups::Groups;
use super::hash::FnvMap;
use super::prefilter::{self, ChannelMasks, Left, Pre, Probe};
use crate::model::{Priority, Status, TicketType};

/// Something a ticket has that a trigger can require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Tag(u32),
    Status(u8),
    Priority(Option<u8>),
    Type(Option<u8>),
    /// The group's number in [`Groups`].
    Group(u64),
}

/// Candidates for creates (`[0]`) and for updates (`[1]`).
#[derive(Debug, Default)]
pub struct Index {
    buckets: [Bucket; 2],
    /// What each trigger that passes its pre-filter still tests, by id:
    /// read only for the few that pass, so the entries scanned stay small.
    left: Vec<Left>,
    /// The groups top-level conditions name.
    groups: Groups,
    /// The channel masks the entries' pre-filters number.
    channels: ChannelMasks,
}

#[derive(Debug, Default)]
struct Bucket {
    /// Triggers with no key, in run order.
    always: Vec<Entry>,
    /// Triggers that need a tag, by the tag's id, in run order: looked up
    /// with no hashing, for each tag a ticket has.
    by_tag: Vec<Vec<Entry>>,
    /// Triggers that need one of their other keys, by key, in run order.
    by_key: FnvMap<Key, Vec<Entry>>,
}

/// A trigger and its pre-filter, side by side so a scan reads no further
/// (16 bytes: four to a cache line; at 10,000 triggers the scan's cache
/// misses, not its instructions, are its cost).
#[derive(Clone, Copy, Debug)]
struct Entry {
    pre: Pre,
    id: u32,
}

const _: () = assert!(std::mem::size_of::<Entry>() == 16);

/// A trigger the index found, and which of its top-level conditions the
/// pre-filter left to test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub id: u32,
    rest: u64,
}

impl Candidate {
    /// Did the index and the pre-filter settle every condition, so that
    /// the trigger holds without a look at its conditions?
    pub fn settled(&self) -> bool {
        self.rest == 0
    }

    /// Do the trigger's conditions hold? Only those the index and the
    /// pre-filter did not settle are tested.
    pub fn holds(&self, cond: Option<&Cond>, facts: &Facts) -> bool {
        prefilter::rest_holds(cond, self.rest, facts)
    }
}

/// What a trigger's top level demands of an update.
struct Guard {
    create: bool,
    update: bool,
    /// The ticket must have one of these.
    keys: Option<Vec<Key>>,
    /// The top-level condition the keys come from, when a ticket that has
    /// one of them is sure to pass it (a tag list's `at least one of`).
    settled: Option<usize>,
}

impl Index {
    pub fn build(triggers: &[CompiledRule]) -> Index {
        let mut index = Index {
            left: vec![Left::default(); triggers.len()],
            ..Index::default()
        };
        for (i, rule) in triggers.iter().enumerate() {
            let Some(guard) = guard(rule.cond.as_ref(), &mut index.groups) else {
                continue;
            };
            let (pre, mut left) =
                Pre::of(rule.cond.as_ref(), &mut index.groups, &mut index.channels);
            // Found under one of its keys, a trigger passes that condition.
            if let Some(k) = guard.settled {
                left.settle(k);
            }
            let entry = Entry {
                pre: pre.leaving(&left),
                id: i as u32,
            };
            index.left[i] = left;
            let kinds = [guard.create, guard.update];
            for (bucket, _) in index.buckets.iter_mut().zip(kinds).filter(|(_, on)| *on) {
                match &guard.keys {
                    None => bucket.always.push(entry),
                    Some(keys) => {
                        for key in keys {
                            bucket.add(*key, entry);
                        }
                    }
                }
            }
        }
        index
    }

    /// The triggers that could fire on this update, in run order.
    pub fn candidates(&self, is_create: bool, facts: &Facts, out: &mut Vec<u32>) {
        let channels = Probe::channels(facts.ticket, facts.update);
        let mut found = Vec::new();
        self.probe(is_create, facts, channels, &mut found);
        out.clear();
        out.extend(found.iter().map(|c| c.id));
    }

    /// [`Index::candidates`], given the update's channel bits
    /// ([`Probe::channels`]), which the cycle works out once.
    pub fn probe(&self, is_create: bool, facts: &Facts, channels: u128, out: &mut Vec<Candidate>) {
        let bucket = &self.buckets[usize::from(!is_create)];
        let t = facts.ticket;
        let group = self.groups.of(t.group.as_deref());
        let probe = Probe::new(channels, facts, group);
        out.clear();
        let mut lists = usize::from(!bucket.always.is_empty());
        let keep = |list: &[Entry], out: &mut Vec<Candidate>| {
            keep_passing(list, &self.left, &probe, &self.channels, out)
        };
        keep(&bucket.always, out);
        let scalars = [
            Key::Status(t.status as u8),
            Key::Priority(t.priority.map(|p| p as u8)),
            Key::Type(t.ticket_type.map(|p| p as u8)),
            Key::Group(group),
        ];
        let by_tag = facts
            .tags
            .iter()
            .filter_map(|&id| bucket.by_tag.get(id as usize));
        let by_key = scalars.iter().filter_map(|key| bucket.by_key.get(key));
        let keyed = by_tag.chain(by_key).filter(|l| !l.is_empty());
        // Room for every entry at once: the lists are short to count.
        out.reserve(keyed.clone().map(Vec::len).sum());
        for list in keyed {
            lists += 1;
            keep(list, out);
        }
        // Each list is in run order; several together need sorting.
        if lists > 1 {
            out.sort_unstable_by_key(|c| c.id);
            out.dedup_by_key(|c| c.id);
        }
    }
}

impl Bucket {
    fn add(&mut self, key: Key, entry: Entry) {
        let Key::Tag(id) = key else {
            self.by_key.entry(key).or_default().push(entry);
            return;
        };
        let at = id as usize;
        if self.by_tag.len() <= at {
            self.by_tag.resize_with(at + 1, Vec::new);
        }
        self.by_tag[at].push(entry);
    }
}

/// The entries of `list` whose pre-filter passes, with what each leaves.
fn keep_passing(
    list: &[Entry],
    left: &[Left],
    probe: &Probe,
    masks: &ChannelMasks,
    out: &mut Vec<Candidate>,
) {
    let passing = list.iter().filter(|e| e.pre.passes(probe, masks));
    out.extend(passing.map(|e| Candidate {
        id: e.id,
        rest: match e.pre.tests_left() {
            true => left[e.id as usize].on(probe),
            false => 0,
        },
    }));
}

/// The guard of a condition; `None` when its top level can never hold.
fn guard(cond: Option<&Cond>, groups: &mut Groups) -> Option<Guard> {
    let mut g = Guard {
        create: true,
        update: true,
        keys: None,
        settled: None,
    };
    let items = match cond {
        None => return Some(g),
        Some(Cond::All(items)) => items.as_slice(),
        Some(c) => std::slice::from_ref(c),
    };
    let mut best: Option<(u8, Vec<Key>, usize)> = None;
    for (k, item) in items.iter().enumerate() {
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
            test => {
                if let Some((rank, keys)) = keys_of(test, groups) {
                    if best.as_ref().is_none_or(|(r, ..)| rank < *r) {
                        best = Some((rank, keys, k));
                    }
                }
            }
        }
    }
    if let Some((_, keys, k)) = best {
        g.settled = settled_by_key(&items[k]).then_some(k);
        g.keys = Some(keys);
    }
    Some(g)
}

/// Does having one of a condition's keys make it hold? A tag list's `at
/// least one of` and a group do; the first of `all of` does not.
fn settled_by_key(cond: &Cond) -> bool {
    match cond {
        Cond::Leaf(leaf) => match &leaf.test {
            Test::Tags(TagOp::Any, _) => true,
            Test::Tags(TagOp::All, ids) => ids.len() == 1,
            Test::Scalar(Scalar::Group, ScalarOp::Is, Want::Text(_)) => true,
            _ => false,
        },
        _ => false,
    }
}

/// The keys a condition needs the ticket to have one of, ranked by how few
/// tickets they are likely to match (lower is better).
fn keys_of(test: &Test, groups: &mut Groups) -> Option<(u8, Vec<Key>)> {
    match test {
        Test::Tags(TagOp::Any, ids) => Some((0, ids.iter().map(|i| Key::Tag(*i)).collect())),
        Test::Tags(TagOp::All, ids) => ids.first().map(|i| (0, vec![Key::Tag(*i)])),
        Test::Scalar(Scalar::Group, ScalarOp::Is, Want::Text(name)) => {
            Some((1, vec![Key::Group(groups.intern(name.as_deref()))]))
        }
        Test::Scalar(field, op, Want::Ord(want)) => ordinal_keys(field, *op, *want),
        _ => None,
    }
}

/// Keys for `status/priority/type is | less than | greater than`.
fn ordinal_keys(field: &Scalar, op: ScalarOp, want: Option<u8>) -> Option<(u8, Vec<Key>)> {
    let count = match field {
        Scalar::Status => Status::ALL.len(),
        Scalar::Priority => Priority::ALL.len(),
        Scalar::Type => TicketType::ALL.len(),
        _ => return None,
    } as u8;
    let values: Vec<Option<u8>> = match (op, want) {
        (ScalarOp::Is, w) => vec![w],
        (ScalarOp::Less, Some(w)) => (0..w).map(Some).collect(),
        (ScalarOp::Greater, Some(w)) => (w + 1..count).map(Some).collect(),
        _ => return None,
    };
    let key = |v: Option<u8>| match field {
        Scalar::Status => v.map(Key::Status),
        Scalar::Priority => Some(Key::Priority(v)),
        _ => Some(Key::Type(v)),
    };
    let keys: Option<Vec<Key>> = values.into_iter().map(key).collect();
    let keys = keys?;
    // One value of priority or type (four or five values) matches more
    // tickets than a group usually does; a status, or a range of values,
    // matches more still.
    let rank = match (field, keys.len()) {
        (Scalar::Status, n) | (_, n) if n > 1 => 3 + n.min(200) as u8,
        (Scalar::Status, _) => 3,
        _ => 2,
    };
    Some((rank, keys))
}
