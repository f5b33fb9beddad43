//! A cheap test the index runs on each candidate before its conditions:
//! the values a trigger's top-level conditions allow for status,
//! priority, type and the two channels, as one bit mask, and the group a
//! `group is …` (else a `group is not …`) names, by its number in
//! [`Groups`]. A ticket has one value of each, one bit per field in its
//! [`Probe`]; a trigger passes when its mask has all of them and its
//! group is (or is not) the ticket's. Both are exact for what they cover;
//! the full conditions decide the rest.

use super::condition::{ChannelOf, Cond, Scalar, ScalarOp, Test, Want};
use super::facts::Facts;
use super::groups::Groups;
use crate::model::{Priority, Status, Ticket, TicketType, Update};
use crate::rules::schema::CHANNELS;
use std::collections::HashMap;

/// Where each field's bits start; a field with no value (`(none)`) has
/// the last bit of its run. Only the table's first [`NAMED`] channels
/// have a bit each; the empty channel has the next, and every other
/// channel shares the one after it.
const STATUS: u32 = 0;
const PRIORITY: u32 = STATUS + Status::ALL.len() as u32;
const TYPE: u32 = PRIORITY + Priority::ALL.len() as u32 + 1;
const UPDATE_VIA: u32 = TYPE + TicketType::ALL.len() as u32 + 1;
/// The channels with a bit of their own: the table's most common first
/// rows, so that two runs of channels fit the mask with the rest.
const NAMED: u32 = if CHANNELS.len() < 48 {
    CHANNELS.len() as u32
} else {
    48
};
const CHANNEL_SLOTS: u32 = NAMED + 2;
const SOURCE: u32 = UPDATE_VIA + CHANNEL_SLOTS;
const _: () = assert!(SOURCE + CHANNEL_SLOTS <= 128, "the mask is a u128");
const _: () = assert!(UPDATE_VIA <= 32, "status, priority and type fit a u32");
/// The bits of status, priority and type; the rest are the channels'.
const FIELD_BITS: u128 = (1 << UPDATE_VIA) - 1;
const CHANNEL_BITS: u128 = !FIELD_BITS;

/// A run of bits: `len` from `start`.
#[derive(Clone, Copy)]
struct Run {
    start: u32,
    len: u32,
}

impl Run {
    fn all(self) -> u128 {
        ((1u128 << self.len) - 1) << self.start
    }

    fn bit(self, slot: u32) -> u128 {
        1u128 << (self.start + slot)
    }
}

fn ordinal_run(field: &Scalar) -> Option<Run> {
    let (start, len) = match field {
        Scalar::Status => (STATUS, Status::ALL.len()),
        Scalar::Priority => (PRIORITY, Priority::ALL.len() + 1),
        Scalar::Type => (TYPE, TicketType::ALL.len() + 1),
        _ => return None,
    };
    Some(Run {
        start,
        len: len as u32,
    })
}

const fn channel_run(start: u32) -> Run {
    Run {
        start,
        len: CHANNEL_SLOTS,
    }
}

/// A ticket's channel's slot: its row among the [`NAMED`] channels, then
/// the empty channel, then every other.
fn channel_slot(name: &str) -> u32 {
    match named_slot(name) {
        Some(i) => i,
        None if name.is_empty() => NAMED,
        None => NAMED + 1,
    }
}

/// The slot of a channel with a bit of its own; a condition on any other
/// is left to the full test, since its slot is shared.
fn named_slot(name: &str) -> Option<u32> {
    let row = CHANNELS.iter().position(|c| c.name == name)? as u32;
    (row < NAMED).then_some(row)
}

/// What a trigger's top level allows, tested before its conditions. An
/// update scans hundreds of these at 10,000 triggers, so they hold only
/// what the test reads, in 12 bytes: the mask's status, priority and
/// type bits, its channel bits by number (few triggers name a channel,
/// and those few masks are told apart in [`ChannelMasks`]) and the
/// group's number. What a passing trigger still needs is its [`Left`].
#[derive(Clone, Copy, Debug)]
pub struct Pre {
    fields: u32,
    /// The number of the group a `group is …` names, or with
    /// [`NOT_GROUP`] the one a `group is not …` names; 0 for none.
    group: u32,
    /// The channel mask's number in [`ChannelMasks`]; 0 for every channel.
    channels: u16,
    flags: u16,
}

/// [`Pre::group`] is a group the ticket must not be in.
const NOT_GROUP: u16 = 1;
/// The trigger has conditions left to test: its [`Left`] is read. Most
/// have none, and a scan that passes them reads nothing else.
const TESTS_LEFT: u16 = 2;

/// The distinct channel masks of a rule set's pre-filters, by number
/// from 1; 0 stands for the mask that lets every channel through.
#[derive(Debug, Default)]
pub struct ChannelMasks {
    masks: Vec<u128>,
    numbers: HashMap<u128, u16>,
}

impl ChannelMasks {
    /// The number of `mask` (channel bits only); `None` once 65,535
    /// masks are numbered.
    fn number(&mut self, mask: u128) -> Option<u16> {
        if mask == CHANNEL_BITS {
            return Some(0);
        }
        if let Some(n) = self.numbers.get(&mask) {
            return Some(*n);
        }
        let n = u16::try_from(self.masks.len() + 1).ok()?;
        self.masks.push(mask);
        self.numbers.insert(mask, n);
        Some(n)
    }

    fn mask(&self, n: u16) -> u128 {
        match n {
            0 => CHANNEL_BITS,
            n => self
                .masks
                .get(usize::from(n) - 1)
                .copied()
                .unwrap_or(CHANNEL_BITS),
        }
    }
}

/// The top-level conditions a trigger that passes its [`Pre`] may still
/// have to test.
#[derive(Clone, Copy, Debug, Default)]
pub struct Left {
    /// Bit `k` for the `k`th; from the 64th on, all are tested (and bit
    /// 63 is set, so that 0 means nothing to test).
    rest: u64,
    /// The number of the group a `group is not …` names (0 for none),
    /// and that condition's place among the top-level ones: a ticket whose
    /// group has another number passes it, with no names compared.
    not_group: u64,
    not_group_at: u8,
}

impl Left {
    /// The conditions left to test on this ticket: a `group is not …`
    /// naming another group than the ticket's holds.
    pub fn on(&self, probe: &Probe) -> u64 {
        match self.not_group {
            0 => self.rest,
            h if h == probe.group => self.rest,
            _ => self.rest & !(1 << self.not_group_at),
        }
    }

    /// Also leaves condition `k` untested, settled otherwise.
    pub fn settle(&mut self, k: usize) {
        // Bit 63 also stands for the conditions after the 64th.
        if k < 63 {
            self.rest &= !(1 << k);
        }
    }
}

/// The working ticket's values, to test [`Pre`]s against.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    fields: u32,
    channels: u128,
    group: u64,
}

impl Pre {
    /// Lets every ticket through.
    pub const ANY: Pre = Pre {
        fields: u32::MAX,
        group: 0,
        channels: 0,
        flags: 0,
    };

    /// The pre-filter of a trigger's conditions, and the top-level
    /// conditions it leaves to test. The index's guard settles `ticket is
    /// created/updated`. The first `group is …` is settled here, else
    /// the first `group is not …`; any other is left to test (a `group is
    /// not …` beside a `group is …` through [`Left::on`]).
    pub fn of(
        cond: Option<&Cond>,
        groups: &mut Groups,
        channel_masks: &mut ChannelMasks,
    ) -> (Pre, Left) {
        let mut mask = u128::MAX;
        let mut group = 0;
        let mut left = Left::default();
        // The conditions the channel bits settle, in case they cannot.
        let mut on_channels = 0u64;
        for (k, item) in top_level(cond).iter().enumerate() {
            let allowed = allows(item);
            if let Some((run, allowed)) = allowed {
                mask &= !run.all() | allowed;
                if run.start >= UPDATE_VIA && k < 64 {
                    on_channels |= 1 << k;
                }
            }
            let group_is = match item {
                Cond::Leaf(leaf) if group == 0 => match &leaf.test {
                    Test::Scalar(Scalar::Group, ScalarOp::Is, Want::Text(name)) => {
                        Some(name.as_deref())
                    }
                    _ => None,
                },
                _ => None,
            };
            // Numbers past a u32 (never seen: four billion group names)
            // are left to the full test.
            let number = group_is.and_then(|name| u32::try_from(groups.intern(name)).ok());
            if let Some(n) = number {
                group = n;
            }
            let settled = allowed.is_some() || is_kind_of_update(item) || number.is_some();
            if !settled && k < 64 {
                left.rest |= 1 << k;
            }
            let Cond::Leaf(leaf) = item else { continue };
            match &leaf.test {
                // Bit 63 also stands for the conditions after the 64th.
                Test::Scalar(Scalar::Group, ScalarOp::IsNot, Want::Text(name))
                    if k < 63 && left.not_group == 0 =>
                {
                    left.not_group = groups.intern(name.as_deref());
                    left.not_group_at = k as u8;
                }
                _ => {}
            }
        }
        // Conditions from the 64th on are always tested, so `rest` must
        // not read 0 ("nothing to test") when there are some.
        if top_level(cond).len() > 64 {
            left.rest |= 1 << 63;
        }
        let channels = channel_masks
            .number(mask & CHANNEL_BITS)
            .unwrap_or_else(|| {
                left.rest |= on_channels;
                0
            });
        let mut pre = Pre {
            fields: (mask & FIELD_BITS) as u32,
            group,
            channels,
            flags: 0,
        };
        // With no `group is …`, the group field holds a `group is not …`:
        // settled here, for every ticket, with no look at the trigger's
        // `Left`.
        if let (0, Ok(n)) = (group, u32::try_from(left.not_group)) {
            if n != 0 {
                pre.group = n;
                pre.flags |= NOT_GROUP;
                left.settle(usize::from(left.not_group_at));
                left.not_group = 0;
            }
        }
        (pre, left)
    }

    /// The same pre-filter, knowing whether `left` leaves any condition to
    /// test (once the index has settled the one it files the trigger by).
    pub fn leaving(mut self, left: &Left) -> Pre {
        self.flags &= !TESTS_LEFT;
        if left.rest != 0 {
            self.flags |= TESTS_LEFT;
        }
        self
    }

    /// Must the trigger's [`Left`] be read? When not, the pre-filter
    /// passing settles every condition but the index's.
    pub fn tests_left(&self) -> bool {
        self.flags & TESTS_LEFT != 0
    }

    pub fn passes(&self, probe: &Probe, masks: &ChannelMasks) -> bool {
        let in_group = u64::from(self.group) == probe.group;
        self.fields & probe.fields == probe.fields
            && (self.group == 0 || in_group != (self.flags & NOT_GROUP != 0))
            && (self.channels == 0 || masks.mask(self.channels) & probe.channels == probe.channels)
    }
}

impl Probe {
    /// The channels' bits, which no action changes: worked out once an
    /// update.
    pub fn channels(ticket: &Ticket, update: &Update) -> u128 {
        channel_run(UPDATE_VIA).bit(channel_slot(&update.via))
            | channel_run(SOURCE).bit(channel_slot(&ticket.via))
    }

    pub fn new(channels: u128, facts: &Facts, group: u64) -> Probe {
        let t = facts.ticket;
        let none = |start: u32, len: usize| start + len as u32;
        let priority = t
            .priority
            .map_or(none(PRIORITY, Priority::ALL.len()), |p| PRIORITY + p as u32);
        let kind = t
            .ticket_type
            .map_or(none(TYPE, TicketType::ALL.len()), |k| TYPE + k as u32);
        let fields = 1u32 << (STATUS + t.status as u32) | 1u32 << priority | 1u32 << kind;
        Probe {
            fields,
            channels,
            group,
        }
    }
}

/// The values of one field a condition allows, when it is about only
/// that field's value: exactly, so `not` can flip it.
fn allows(cond: &Cond) -> Option<(Run, u128)> {
    match cond {
        Cond::Leaf(leaf) => match &leaf.test {
            Test::Scalar(field, op, want) => {
                let want = match (op, want) {
                    (ScalarOp::Present | ScalarOp::NotPresent, _) => None,
                    (
                        ScalarOp::Is | ScalarOp::IsNot | ScalarOp::Less | ScalarOp::Greater,
                        Want::Ord(w),
                    ) => *w,
                    _ => return None,
                };
                let run = ordinal_run(field)?;
                let value = |slot: u32| {
                    (slot + 1 < run.len || *field == Scalar::Status).then_some(slot as u8)
                };
                let values = (0..run.len).filter(|&slot| ordinal_holds(*op, value(slot), want));
                Some((run, values.fold(0, |m, s| m | run.bit(s))))
            }
            Test::Channel(of, name, want) => {
                let run = match of {
                    ChannelOf::Source => channel_run(SOURCE),
                    ChannelOf::UpdateVia => channel_run(UPDATE_VIA),
                };
                let at = named_slot(name)?;
                let values = (0..run.len).filter(|&slot| (slot == at) == *want);
                Some((run, values.fold(0, |m, s| m | run.bit(s))))
            }
            _ => None,
        },
        Cond::Any(items) => {
            let mut found: Option<(Run, u128)> = None;
            for item in items {
                let (run, allowed) = allows(item)?;
                if found.is_some_and(|(r, _)| r.start != run.start) {
                    return None;
                }
                found = Some((run, found.map_or(0, |(_, a)| a) | allowed));
            }
            found
        }
        Cond::Not(inner, _) => allows(inner).map(|(run, allowed)| (run, run.all() & !allowed)),
        Cond::All(_) => None,
    }
}

/// `scalar_holds` on an ordinal, for the operators that read only the
/// value now.
fn ordinal_holds(op: ScalarOp, have: Option<u8>, want: Option<u8>) -> bool {
    match op {
        ScalarOp::Is => have == want,
        ScalarOp::IsNot => have != want,
        ScalarOp::Less => matches!((have, want), (Some(h), Some(w)) if h < w),
        ScalarOp::Greater => matches!((have, want), (Some(h), Some(w)) if h > w),
        ScalarOp::Present => have.is_some(),
        ScalarOp::NotPresent => have.is_none(),
        // Not asked; letting every value through is never wrong.
        _ => true,
    }
}

/// The conditions ANDed at the top of a trigger's `when`.
fn top_level(cond: Option<&Cond>) -> &[Cond] {
    match cond {
        None => &[],
        Some(Cond::All(items)) => items,
        Some(c) => std::slice::from_ref(c),
    }
}

fn is_kind_of_update(cond: &Cond) -> bool {
    use super::condition::TicketState::{Created, Updated};
    matches!(cond, Cond::Leaf(l) if matches!(l.test, Test::Ticket(Created | Updated, _)))
}

/// Does a trigger whose pre-filter passed hold? Tests the top-level
/// conditions in `rest` (see [`Pre::of`]).
pub fn rest_holds(cond: Option<&Cond>, rest: u64, facts: &Facts) -> bool {
    if rest == 0 {
        return true;
    }
    let tested = |k: usize| k >= 64 || rest & (1 << k) != 0;
    let items = top_level(cond).iter().enumerate();
    items
        .filter(|(k, _)| tested(*k))
        .all(|(_, c)| c.holds(facts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::groups;

    const VIA_EMAIL: &str = "Status is Open and Update via is email";

    /// The pre-filter of one trigger with conditions `when`.
    fn pre_of(when: &str, groups: &mut Groups, masks: &mut ChannelMasks) -> (Pre, Left) {
        let text = format!("trigger \"t\" {{\n  when {when}\n  then Add tags x\n}}\n");
        let rules = crate::load(&[crate::Source::dsl("t.rules", &text)]).expect("rules check");
        Pre::of(rules.triggers[0].cond.as_ref(), groups, masks)
    }

    fn pre_of_when(when: &str, groups: &mut Groups) -> (Pre, Left) {
        pre_of(when, groups, &mut ChannelMasks::default())
    }

    #[test]
    fn a_channel_condition_is_settled_by_its_numbered_mask() {
        let (pre, left) = pre_of(
            VIA_EMAIL,
            &mut Groups::default(),
            &mut ChannelMasks::default(),
        );
        assert_eq!(pre.channels, 1);
        assert_eq!(left.rest, 0);
    }

    #[test]
    fn past_the_last_number_the_channel_condition_is_tested_in_full() {
        let mut masks = ChannelMasks::default();
        for n in 1..=u128::from(u16::MAX) {
            assert!(masks.number(CHANNEL_BITS ^ (n << UPDATE_VIA)).is_some());
        }
        let (pre, left) = pre_of(VIA_EMAIL, &mut Groups::default(), &mut masks);
        assert_eq!(pre.channels, 0, "every channel passes");
        assert_eq!(left.rest, 1 << 1, "`update via is email` is left to test");
    }

    /// A ticket in `group` (no field or channel bits: only the group is
    /// asked about).
    fn in_group(group: u64) -> Probe {
        Probe {
            fields: 0,
            channels: 0,
            group,
        }
    }

    #[test]
    fn a_group_is_not_is_settled_by_the_pre_filter() {
        let mut groups = Groups::default();
        let when = "Group is not \"Tier 2\" and Subject contains \"refund\"";
        let (pre, left) = pre_of_when(when, &mut groups);
        let tier2 = groups.intern(Some("tier 2"));
        let masks = ChannelMasks::default();
        assert!(!pre.passes(&in_group(tier2), &masks));
        assert!(pre.passes(&in_group(groups::NONE), &masks));
        assert!(pre.passes(&in_group(groups::UNNAMED), &masks));
        assert_eq!(left.on(&in_group(groups::UNNAMED)), 1 << 1, "the subject");
        assert!(pre.leaving(&left).tests_left());
    }

    #[test]
    fn with_nothing_left_the_left_is_not_read() {
        let mut groups = Groups::default();
        let (pre, left) = pre_of_when("Group is not \"Tier 2\" and Status is Open", &mut groups);
        assert_eq!(left.rest, 0);
        assert!(!pre.leaving(&left).tests_left());
    }

    #[test]
    fn beside_a_group_is_the_group_is_not_stays_in_the_left() {
        let mut groups = Groups::default();
        let when = "Group is \"Tier 1\" and Group is not \"Tier 2\"";
        let (pre, left) = pre_of_when(when, &mut groups);
        let (tier1, tier2) = (groups.intern(Some("tier 1")), groups.intern(Some("tier 2")));
        let masks = ChannelMasks::default();
        assert!(pre.passes(&in_group(tier1), &masks));
        assert!(!pre.passes(&in_group(tier2), &masks));
        assert_eq!(left.on(&in_group(tier1)), 0, "another group than tier 2");
        assert_eq!(left.on(&in_group(tier2)), 1 << 1);
    }
}
