//! A generated workload made ready to run: its rules loaded and each of
//! its updates paired with the ticket as it was before it, so benchmarks,
//! profiles and equivalence tests run the engine on the same inputs.

use super::{generate, GenError, Options};
use crate::embed::{load, Source};
use crate::engine::{self, Context, RuleSet};
use crate::event::read_events;
use crate::model::{Ticket, Update};
use std::collections::HashMap;

/// An update and the ticket before it (`None` when the update creates it).
pub type Step = (Option<Ticket>, Update);

/// The workload `options` describe, loaded: its triggers and its updates,
/// each ticket carried from one update to the next by the trigger cycle.
pub fn replay(options: &Options) -> Result<(RuleSet, Vec<Step>), GenError> {
    let w = generate(options)?;
    let set =
        load(&[Source::dsl("triggers.rules", &w.dsl)]).map_err(|d| GenError::Rules(d.errors()))?;
    let steps = steps(&set, &w.events);
    Ok((set, steps))
}

/// Each update of the JSON Lines `events` with the ticket before it, as
/// `rules` leave each ticket; lines that are not events are left out.
pub fn steps(rules: &RuleSet, events: &str) -> Vec<Step> {
    let mut tickets: HashMap<(String, i64), Ticket> = HashMap::new();
    let mut steps = Vec::new();
    for update in read_events(events.as_bytes()).filter_map(|l| l.event.ok()) {
        let key = (update.account.clone(), update.ticket_id);
        let before = tickets.get(&key).cloned();
        let after = engine::run(rules, before.as_ref(), &update, &Context::default()).after;
        tickets.insert(key, after);
        steps.push((before, update));
    }
    steps
}
