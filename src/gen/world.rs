//! What every generated event carries, and the exact chance of each value:
//! status, priority, group, channel and tags are drawn afresh, and
//! independently, for every create and update.

use super::dist::Dist;
use super::Options;

/// Distinct tags tickets draw from.
pub const TAGS: usize = 500;
/// Most tags on one ticket (each ticket has 0 to this many draws).
pub const MAX_TAGS: usize = 6;
pub const GROUPS: usize = 50;

pub const STATUSES: [&str; 4] = ["open", "pending", "hold", "solved"];
/// Ordinal of each status in `new < open < … < closed`, for `less than`.
pub const STATUS_RANK: [usize; 4] = [1, 2, 3, 4];
pub const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
pub const CHANNELS: [&str; 4] = ["email", "web", "api", "chat"];

pub struct World {
    pub status: Dist,
    pub priority: Dist,
    pub channel: Dist,
    pub group: Dist,
    pub tag: Dist,
    /// The chance a ticket carries each tag.
    pub tag_on_ticket: Vec<f64>,
    /// The chance an event is a create.
    pub create: f64,
}

impl World {
    pub fn new(o: &Options) -> World {
        let tag = Dist::zipf(TAGS, o.tag_skew);
        let tag_on_ticket = tag.p.iter().map(|&w| on_ticket(w)).collect();
        World {
            status: Dist::weighted(&[0.5, 0.25, 0.1, 0.15]),
            priority: Dist::weighted(&[0.2, 0.5, 0.2, 0.1]),
            channel: Dist::weighted(&[0.4, 0.35, 0.15, 0.1]),
            group: Dist::zipf(GROUPS, 1.0),
            tag,
            tag_on_ticket,
            create: o.tickets as f64 / o.events as f64,
        }
    }
}

/// The chance that a tag drawn with chance `w` per draw is on a ticket
/// given 0..=MAX_TAGS draws, each count equally likely (repeats collapse).
fn on_ticket(w: f64) -> f64 {
    let counts = (MAX_TAGS + 1) as f64;
    (0..=MAX_TAGS)
        .map(|n| 1.0 - (1.0 - w).powi(n as i32))
        .sum::<f64>()
        / counts
}

pub fn tag_name(i: usize) -> String {
    format!("topic_{:03}", i + 1)
}

pub fn group_name(i: usize) -> String {
    format!("Team {:02}", i + 1)
}
