//! Stage three: a case's `when` through the very pipeline `ingest` runs
//! (or the automation run `automations run` makes), with every condition
//! explained, and what came of it: [`Observed`].

use super::world::{build, pipeline, SetupError};
use super::{Action, Case, TestFile};
use crate::automations::{Options, DEFAULT_CAP};
use crate::engine::automation;
use crate::engine::explain::every;
use crate::engine::facts::Facts;
use crate::engine::{ConditionResult, Explain, Notification, Outcome, RuleTrace, ShareOp};
use crate::ingest::{Incoming, Processed, Rules, Status};
use crate::model::{Ticket, Time};
use crate::report::event_json;
use crate::sharing::StepResult;
use crate::store::Store;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a case's `when` did.
#[derive(Debug, Default)]
pub struct Observed {
    /// Reasons events were rejected.
    pub rejected: Vec<String>,
    /// Rules fired on the case's ticket, in order.
    pub fired: Vec<String>,
    /// Why each rule that did not fire on the case's ticket did not: the
    /// conditions, each with the value it saw.
    pub why_not: BTreeMap<String, Vec<ConditionResult>>,
    pub shares: Vec<ShareOp>,
    pub notifications: Vec<Notification>,
    /// The case's ticket after.
    pub after: Option<Ticket>,
    /// Partners' copies after, and the rules that fired on them, by account.
    pub partners: BTreeMap<String, (Option<Ticket>, Vec<String>)>,
    /// Outbox rows the `when` queued: kind and payload.
    pub outbox: Vec<(String, Value)>,
    /// What `dry-run --format json` shows for each update.
    pub snapshot: Vec<Value>,
    /// Every rule evaluated, for coverage.
    pub evaluations: Vec<Evaluation>,
}

/// One rule evaluated once: fired or not, and its conditions' values.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub account: String,
    pub title: String,
    pub source: String,
    pub fired: bool,
    pub conditions: Vec<(String, bool)>,
}

/// Sets up the case's world and runs its `when`.
pub fn run_case(file: &TestFile, case: &Case) -> Result<Observed, SetupError> {
    let store = build(file, case)?;
    let queued_before = store.outbox().map_err(|e| e.to_string())?.len();
    let mut seen = Seen {
        account: &case.account,
        ticket: case.ticket_id,
        out: Observed::default(),
        partner_ids: BTreeMap::new(),
    };
    match &case.action {
        Action::Event(update) => {
            let text = serde_json::to_string(update).unwrap_or_default();
            let one = Incoming::made(text, update.as_ref().clone());
            let mut pipeline = pipeline(&store, &file.rules, Explain::All);
            pipeline.run([one], false, |p| seen.processed(p))
        }
        Action::Automations(at) => {
            seen.automations_that_hold_not(&store, file, *at)
                .map_err(|e| e.to_string())?;
            let options = Options {
                at: *at,
                cap: DEFAULT_CAP,
                dry_run: false,
                accounts: Vec::new(),
                explain: Explain::All,
            };
            crate::automations::run(&store, &file.rules, &options, |step| {
                if let crate::automations::Seen::Changed(_, p) = step {
                    seen.processed(p);
                }
            })
            .map(|_| Default::default())
        }
    }
    .map_err(|e| e.to_string())?;
    seen.finish(&store, queued_before)
        .map_err(|e| e.to_string())
}

/// The observation under way.
struct Seen<'a> {
    account: &'a str,
    ticket: i64,
    out: Observed,
    /// Each partner's copy of the case's ticket.
    partner_ids: BTreeMap<String, i64>,
}

impl Seen<'_> {
    fn processed(&mut self, p: &Processed) {
        self.out.snapshot.push(event_json(p));
        match &p.status {
            Status::Rejected(reason) => self.out.rejected.push(reason.clone()),
            Status::Duplicate => {}
            Status::Applied(update, outcome) => {
                self.outcome(&update.account, update.ticket_id, outcome);
                for step in p.network.steps() {
                    if let StepResult::Applied(o) = &step.result {
                        self.outcome(&step.update.account, step.update.ticket_id, o);
                    }
                }
            }
        }
    }

    fn outcome(&mut self, account: &str, ticket: i64, o: &Outcome) {
        self.evaluations(account, o);
        let fired = o.fired.iter().map(|f| f.title.to_string());
        if account == self.account && ticket == self.ticket {
            self.out.fired.extend(fired);
            self.out.why_not = o
                .trace
                .iter()
                .map(|t| (t.title.clone(), t.conditions.clone()))
                .collect();
            self.out.shares.extend(o.shares.iter().cloned());
            self.out
                .notifications
                .extend(o.notifications.iter().cloned());
        } else if account != self.account {
            self.partner_ids.insert(account.to_string(), ticket);
            let entry = self.out.partners.entry(account.to_string()).or_default();
            entry.1.extend(fired);
        }
    }

    fn evaluations(&mut self, account: &str, o: &Outcome) {
        let fired = o
            .fired
            .iter()
            .map(|f| (&*f.title, &*f.source, true, &f.conditions));
        let not = o
            .trace
            .iter()
            .map(|t| (t.title.as_str(), t.source.as_str(), false, &t.conditions));
        for (title, source, fired, conditions) in fired.chain(not) {
            self.out.evaluations.push(Evaluation {
                account: account.to_string(),
                title: title.to_string(),
                source: source.to_string(),
                fired,
                conditions: conditions
                    .iter()
                    .map(|c| (c.condition.clone(), c.held))
                    .collect(),
            });
        }
    }

    /// Why each automation that does not hold on the case's ticket does
    /// not: a sweep reports only those that fire.
    fn automations_that_hold_not(
        &mut self,
        store: &Store,
        file: &TestFile,
        at: Time,
    ) -> Result<(), crate::store::StoreError> {
        let Some(ticket) = store.ticket(self.account, self.ticket)? else {
            return Ok(());
        };
        let rules = Rules::from(&file.rules).of(self.account);
        let mut traces = Vec::new();
        for rule in &rules.automations {
            let probe = automation::update(&ticket, &rule.title, at, String::new());
            let facts = Facts::new(&rules.interner, &ticket, Some(&ticket), &probe, at);
            if rule.cond.as_ref().is_some_and(|c| !c.holds(&facts)) {
                traces.push(RuleTrace {
                    title: rule.title.to_string(),
                    source: rule.source.to_string(),
                    fired: false,
                    conditions: rule
                        .cond
                        .as_ref()
                        .map(|c| every(c, &facts))
                        .unwrap_or_default(),
                });
            }
        }
        let outcome = Outcome {
            trace: traces,
            ..Outcome::unchanged(ticket)
        };
        self.outcome(self.account.to_string().as_str(), self.ticket, &outcome);
        Ok(())
    }

    fn finish(
        mut self,
        store: &Store,
        queued_before: usize,
    ) -> Result<Observed, crate::store::StoreError> {
        self.out.after = store.ticket(self.account, self.ticket)?;
        for (account, id) in &self.partner_ids {
            let copy = store.ticket(account, *id)?;
            self.out.partners.entry(account.clone()).or_default().0 = copy;
        }
        self.out.outbox = store
            .outbox()?
            .into_iter()
            .skip(queued_before)
            .map(|o| {
                let payload = serde_json::from_str(&o.payload).unwrap_or(Value::String(o.payload));
                (o.kind, payload)
            })
            .collect();
        Ok(self.out)
    }
}
