//! Automation runs: at a time `at`, each account's active automations, in
//! order, over that account's tickets that are not closed.
//!
//! Step one, the sweep: the part of an automation's condition SQL can test
//! ([`crate::store::prefilter`]) picks candidate tickets from the store, in id
//! order. Step two: each candidate is loaded and the whole condition is
//! evaluated in memory. Step three: each ticket it holds on gets an update
//! via `rule` naming the automation, run through the same [`Pipeline`] as
//! an event, in a savepoint of its own: the automation's actions, then the
//! triggers, then what that sets off across the sharing network.
//!
//! An automation fires on a ticket at most once per clock hour: its update
//! has an id made of the account, hour, title and ticket
//! ([`automation::event_id`]), so running again in the same hour finds it
//! applied and changes nothing. Each automation changes at most
//! [`Options::cap`] tickets per clock hour, as the hosted product does in
//! its hourly run; the rest are counted and left for a run in a later
//! hour. Tickets it changed in an earlier run in the same hour count
//! towards the cap, so running again at the same time changes nothing
//! more.

use crate::engine::{automation, Explain, RuleSet};
use crate::ingest::{batched, Batch, Incoming, Pipeline, Processed, Rules};
use crate::model::{Status as TicketStatus, Ticket, Time, DERIVED};
use crate::store::{prefilter, Store, StoreError};
use std::collections::HashSet;

pub mod report;

/// Tickets an automation may change in one run, as the hosted product caps it.
pub const DEFAULT_CAP: usize = 1000;

/// Tickets loaded at a time while sweeping.
const CHUNK: usize = 256;

/// How to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The time the automations run at: `hours since` counts to it.
    pub at: Time,
    /// Tickets one automation may change in one run, or in several in
    /// the same clock hour.
    pub cap: usize,
    /// Roll everything back at the end.
    pub dry_run: bool,
    /// Only these accounts; empty for every account in the store.
    pub accounts: Vec<String>,
    /// How much of each update's evaluation to explain.
    pub explain: Explain,
}

/// One automation's part of a run: counts only, so that a run holds
/// nothing per ticket whatever its cap.
#[derive(Debug)]
pub struct AutomationRun {
    pub account: String,
    pub title: String,
    /// Where the automation is written: `path:line:column`.
    pub source: String,
    /// Tickets it changed.
    pub changed: usize,
    /// Tickets it holds on that it already changed this hour.
    pub already: usize,
    /// Tickets it holds on beyond the cap, left for the next run.
    pub left: usize,
}

/// What a run tells its caller as it goes, in order: each automation's
/// start, each ticket it changes, its end. Nothing is kept for later:
/// a caller that wants the tickets keeps or prints them itself.
#[derive(Clone, Copy, Debug)]
pub enum Seen<'a> {
    /// An automation starts on an account (its counts are all 0).
    Start(&'a AutomationRun),
    /// It changed a ticket: the update as the pipeline saw it.
    Changed(&'a AutomationRun, &'a Processed),
    /// It is done: its counts are final.
    Done(&'a AutomationRun),
}

/// Counts for the end of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub automations: usize,
    pub changed: usize,
    pub already: usize,
    pub left: usize,
    /// Automations and triggers alike, on partners' copies too.
    pub rules_fired: usize,
    pub shared_updates: usize,
    pub queued: usize,
}

impl Summary {
    /// One automation's counts, once it is done.
    fn count(&mut self, run: &AutomationRun) {
        self.automations += 1;
        self.changed += run.changed;
        self.already += run.already;
        self.left += run.left;
    }

    /// What one changed ticket's update set off.
    fn count_ticket(&mut self, p: &Processed) {
        let ingest = crate::ingest::Summary::of(p);
        self.rules_fired += ingest.rules_fired;
        self.shared_updates += ingest.shared_updates;
        self.queued += ingest.queued;
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "{} automation{} ran: {} ticket{} changed, {} already changed this hour, {} left over the cap, {} rules fired",
            self.automations,
            s(self.automations),
            self.changed,
            s(self.changed),
            self.already,
            self.left,
            self.rules_fired
        )?;
        crate::ingest::sharing_counts(f, self.shared_updates, self.queued)
    }
}

/// Runs every account's automations at `options.at`, telling `seen` of
/// each automation and each ticket it changes as it goes (see [`Seen`]);
/// commits in batches, or rolls everything back on a dry run.
pub fn run<'a>(
    store: &'a Store,
    rules: impl Into<Rules<'a>>,
    options: &Options,
    mut seen: impl FnMut(Seen),
) -> Result<Summary, StoreError> {
    let rules = rules.into();
    let accounts = match options.accounts.as_slice() {
        [] => store.accounts()?,
        named => named.to_vec(),
    };
    let mut pipeline = Pipeline::new(store, rules, options.explain);
    batched(store, options.dry_run, |batch| {
        let mut summary = Summary::default();
        for account in &accounts {
            let set = rules.of(account);
            for rule in &set.automations {
                let mut sweep = Sweep {
                    store,
                    set,
                    options,
                    run: AutomationRun {
                        account: account.clone(),
                        title: rule.title.to_string(),
                        source: rule.source.to_string(),
                        changed: 0,
                        already: 0,
                        left: 0,
                    },
                    earlier: None,
                };
                seen(Seen::Start(&sweep.run));
                sweep.over(rule, &mut pipeline, batch, &mut |run, p| {
                    summary.count_ticket(p);
                    seen(Seen::Changed(run, p));
                })?;
                summary.count(&sweep.run);
                seen(Seen::Done(&sweep.run));
            }
        }
        Ok(summary)
    })
}

/// One automation's sweep over one account.
struct Sweep<'s> {
    store: &'s Store,
    set: &'s RuleSet,
    options: &'s Options,
    run: AutomationRun,
    /// Tickets the automation changed in earlier runs this clock hour,
    /// once read (before this run changes any): they count towards the
    /// cap, and are the ones "already changed" once it is reached.
    earlier: Option<HashSet<i64>>,
}

impl Sweep<'_> {
    fn over(
        &mut self,
        rule: &crate::engine::compile::CompiledRule,
        pipeline: &mut Pipeline,
        batch: &mut Batch,
        changed: &mut dyn FnMut(&AutomationRun, &Processed),
    ) -> Result<(), StoreError> {
        let at = self.options.at;
        let filter = prefilter::prefilter(rule.cond.as_ref(), &self.set.interner, at);
        let ids = self.store.sweep_candidates(&self.run.account, &filter)?;
        for (n, chunk) in ids.chunks(CHUNK).enumerate() {
            if filter.exact && self.full(&rule.title)? {
                // Every candidate matches: what is left needs no loading.
                for &id in &ids[n * CHUNK..] {
                    self.count_left(&rule.title, id)?;
                }
                return Ok(());
            }
            for ticket in self.store.tickets_by_id(&self.run.account, chunk)? {
                if !self.matches(rule, &ticket) {
                    continue;
                }
                if self.full(&rule.title)? {
                    self.count_left(&rule.title, ticket.id)?;
                    continue;
                }
                if self.earlier(&rule.title)?.contains(&ticket.id) {
                    self.run.already += 1;
                    continue;
                }
                let id = automation::event_id(&self.run.account, &rule.title, ticket.id, at);
                let update = automation::update(&ticket, &rule.title, at, id);
                let text = serde_json::to_string(&update).unwrap_or_default();
                let processed = pipeline.one(Incoming::made(text, update))?;
                self.run.changed += 1;
                changed(&self.run, &processed);
                // Per ticket, not per automation: one automation over many
                // tickets would otherwise hold the write lock for its whole
                // sweep, and a concurrent ingest would time out.
                batch.wrote(1)?;
            }
        }
        Ok(())
    }

    fn matches(&self, rule: &crate::engine::compile::CompiledRule, ticket: &Ticket) -> bool {
        ticket.status != TicketStatus::Closed
            && automation::holds(self.set, rule, ticket, self.options.at)
    }

    /// Has the automation reached its cap for this clock hour? Counts its
    /// changes in earlier runs this hour the first time that matters.
    fn full(&mut self, title: &str) -> Result<bool, StoreError> {
        let changed = self.run.changed;
        if changed >= self.options.cap {
            return Ok(true);
        }
        Ok(changed + self.earlier(title)?.len() >= self.options.cap)
    }

    /// Tickets automation `title` changed in runs earlier in the clock
    /// hour of this run: its applied updates with this hour's ids, read
    /// once.
    fn earlier(&mut self, title: &str) -> Result<&HashSet<i64>, StoreError> {
        if self.earlier.is_none() {
            let prefix = automation::hour_prefix(&self.run.account, title, self.options.at);
            // Not the updates they set off on partners (`<id>~1`).
            self.earlier = Some(self.store.applied_tickets(&prefix, DERIVED)?);
        }
        Ok(self.earlier.get_or_insert_with(HashSet::new))
    }

    /// A ticket the automation holds on once the cap is reached: left for
    /// the next run, unless it was changed earlier this hour. (No ticket
    /// changed in this run comes here: each is swept once.)
    fn count_left(&mut self, title: &str, ticket_id: i64) -> Result<(), StoreError> {
        if self.earlier(title)?.contains(&ticket_id) {
            self.run.already += 1;
        } else {
            self.run.left += 1;
        }
        Ok(())
    }
}
