//! The trigger cycle, two ways with one answer. The plain walk is the
//! definition: each pass tests every unfired trigger in order and fires
//! the first that holds, until a pass fires nothing. The indexed walk
//! keeps, between passes, the unfired triggers that hold: a firing changes
//! only what its actions write ([`super::touch`]), so a trigger that reads
//! none of it holds or fails as it did. It re-tests only the candidates
//! ([`super::index`]) that read what the last firing wrote, and none at
//! all when no trigger reads it (the common case: a rule adds its own tag).

use super::action::{ActKind, Produced};
use super::compile::CompiledRule;
use super::facts::Facts;
use super::index::Candidate;
use super::prefilter::Probe;
use super::touch::Touch;
use super::{every_condition, fire, Context, Fired, RuleSet, Walk};
use crate::model::{Ticket, Update, UpdateKind};
use std::hint::black_box;

/// What a cycle works on: the rules, the update and the ticket before it.
pub struct Cycle<'a> {
    pub rules: &'a RuleSet,
    pub before: Option<&'a Ticket>,
    pub update: &'a Update,
    pub cx: &'a Context<'a>,
}

impl Cycle<'_> {
    /// Runs the cycle on the working ticket; returns the triggers that
    /// fired, in the order they fired.
    pub fn run(
        &self,
        ticket: &mut Ticket,
        produced: &mut Produced,
        out: &mut Vec<Fired>,
    ) -> Vec<u32> {
        match self.cx.walk {
            Walk::Plain => self.plain(ticket, produced, out),
            Walk::Indexed => self.indexed(ticket, produced, out),
        }
    }

    fn facts<'t>(&'t self, ticket: &'t Ticket) -> Facts<'t> {
        let u = self.update;
        Facts::new(&self.rules.interner, ticket, self.before, u, u.at)
    }

    fn holds(&self, i: u32, facts: &Facts) -> bool {
        let rule = &self.rules.triggers[i as usize];
        rule.cond.as_ref().is_none_or(|c| c.holds(facts))
    }

    /// Fires trigger `i`, with its conditions as they held when asked for.
    fn fire(&self, i: u32, ticket: &mut Ticket, produced: &mut Produced) -> Fired {
        let rule = &self.rules.triggers[i as usize];
        let conditions = match self.cx.explain {
            super::Explain::All => every_condition(rule, &self.facts(ticket)),
            _ => Vec::new(),
        };
        let mut done = fire(rule, ticket, self.update, self.cx, produced);
        done.conditions = conditions;
        done
    }

    fn plain(
        &self,
        ticket: &mut Ticket,
        produced: &mut Produced,
        out: &mut Vec<Fired>,
    ) -> Vec<u32> {
        let mut fired = Vec::new();
        loop {
            let facts = self.facts(ticket);
            let n = self.rules.triggers.len() as u32;
            let next = (0..n).find(|i| !fired.contains(i) && self.holds(*i, &facts));
            drop(facts);
            let Some(i) = next else { break };
            fired.push(i);
            out.push(self.fire(i, ticket, produced));
        }
        fired
    }

    fn indexed(
        &self,
        ticket: &mut Ticket,
        produced: &mut Produced,
        out: &mut Vec<Fired>,
    ) -> Vec<u32> {
        let channels = Probe::channels(ticket, self.update);
        let mut scratch = Vec::new();
        let mut fired: Vec<u32> = Vec::new();
        // Unfired triggers that hold, last to first, so the next is on top.
        let mut live: Vec<u32> = Vec::new();
        let mut written: Option<&Touch> = None;
        let mut stale = true;
        loop {
            if stale {
                let facts = self.facts(ticket);
                let is_create = self.update.kind == UpdateKind::Create;
                let index = &self.rules.index;
                index.probe(is_create, &facts, channels, &mut scratch);
                live = self.retest(&scratch, &live, &fired, written, &facts);
                self.prefetch(&live);
                // Each that holds fires unless a firing turns it false:
                // room for them at once rather than growing one by one.
                out.reserve(live.len());
                fired.reserve(live.len());
            }
            let Some(i) = live.pop() else { break };
            fired.push(i);
            out.push(self.fire(i, ticket, produced));
            let rule = &self.rules.triggers[i as usize];
            stale = rule.wakes;
            written = Some(&rule.writes);
        }
        fired
    }

    /// Reads what firing each of `live` will read, one level of pointers
    /// at a time across all of them: the rule, then its actions and
    /// shared texts, then its tag lists, then the tags' bytes. At 10,000
    /// triggers that data is out of cache, and a firing reads it as a
    /// chain, each miss waiting for the one before; read here level by
    /// level, the misses of all the firings overlap. It changes nothing:
    /// the cycle at 10,000 triggers took 8–10% less time with it.
    fn prefetch(&self, live: &[u32]) {
        let rules: Vec<&CompiledRule> = live
            .iter()
            .map(|&i| &self.rules.triggers[i as usize])
            .collect();
        let first = |s: &str| black_box(s.as_bytes().first().copied());
        for rule in &rules {
            black_box(rule.actions.first().map(|a| a.text.as_ptr()));
        }
        for rule in &rules {
            first(&rule.title);
            first(&rule.source);
            for act in &rule.actions {
                first(&act.text);
                if let ActKind::AddTags(tags) = &act.kind {
                    black_box(tags.first().map(|t| t.as_ptr()));
                }
            }
        }
        let tags = rules
            .iter()
            .flat_map(|r| &r.actions)
            .filter_map(|a| match &a.kind {
                ActKind::AddTags(tags) => Some(tags),
                _ => None,
            });
        tags.flatten().for_each(|t| _ = first(t));
    }

    /// The candidates that hold now, last to first: tested again when they
    /// read what the last firing wrote (or on the first pass), else as
    /// they were.
    fn retest(
        &self,
        candidates: &[Candidate],
        live: &[u32],
        fired: &[u32],
        written: Option<&Touch>,
        facts: &Facts,
    ) -> Vec<u32> {
        let triggers = &self.rules.triggers;
        let was = |i: u32| live.binary_search_by(|x| i.cmp(x)).is_ok();
        let holds = |c: &Candidate| {
            if c.settled() {
                // Found by this very probe: it holds now, whatever was written.
                return true;
            }
            let rule = &triggers[c.id as usize];
            match written {
                Some(w) if !rule.reads.meets(w) => was(c.id),
                _ => c.holds(rule.cond.as_ref(), facts),
            }
        };
        let unfired = candidates.iter().rev().filter(|c| !fired.contains(&c.id));
        let mut kept = Vec::with_capacity(candidates.len());
        kept.extend(unfired.filter(|c| holds(c)).map(|c| c.id));
        kept
    }
}
