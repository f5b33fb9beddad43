//! The ingest pipeline, for `ingest` and `dry-run` alike: each event is
//! read, checked against the store, run through the engine and committed
//! with its audit trail, inside a savepoint of its own. A bad event is
//! rolled back and recorded as rejected; the run goes on.
//!
//! Events go in batches of [`BATCH`] per transaction for speed; a dry run
//! is one transaction that is rolled back at the end, so it runs exactly
//! the code `ingest` runs and writes nothing.

use crate::engine::{self, Context, Explain, Outcome, RuleSet};
use crate::event::{event_id_of, EventError};
use crate::model::{
    Agreement, AgreementStatus, Direction, Status as TicketStatus, Ticket, Update, UpdateKind,
};
use crate::store::{Applied, EventState, Rejected, Store, StoreError};
use std::collections::HashMap;

/// Events per transaction.
pub const BATCH: usize = 1000;

/// What became of one event.
#[derive(Debug)]
pub enum Status {
    Applied(Box<Update>, Box<Outcome>),
    Rejected(String),
    /// Its id was applied before: nothing done.
    Duplicate,
}

/// One event and what became of it.
#[derive(Debug)]
pub struct Processed {
    pub event_id: Option<String>,
    pub line: Option<usize>,
    pub status: Status,
}

/// Counts for the end of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub applied: usize,
    pub rejected: usize,
    pub duplicate: usize,
    pub rules_fired: usize,
}

impl Summary {
    fn count(&mut self, p: &Processed) {
        match &p.status {
            Status::Applied(_, o) => {
                self.applied += 1;
                self.rules_fired += o.fired.len();
            }
            Status::Rejected(_) => self.rejected += 1,
            Status::Duplicate => self.duplicate += 1,
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} applied, {} rejected, {} duplicate, {} rules fired",
            self.applied, self.rejected, self.duplicate, self.rules_fired
        )
    }
}

/// One event as it arrives: its line, its raw text, and what reading it gave.
pub struct Incoming {
    pub line: Option<usize>,
    pub text: String,
    pub event: Result<Update, EventError>,
}

impl Incoming {
    /// An event made here rather than read from a line (`dry-run --ticket`).
    pub fn made(text: String, event: Update) -> Incoming {
        Incoming {
            line: None,
            text,
            event: Ok(event),
        }
    }
}

/// Events from JSON Lines, line by line.
pub fn incoming(reader: impl std::io::BufRead) -> impl Iterator<Item = Incoming> {
    crate::event::read_events(reader).map(|e| Incoming {
        line: Some(e.line),
        text: e.text,
        event: e.event,
    })
}

/// Runs events against a store.
pub struct Pipeline<'a> {
    store: &'a Store,
    rules: &'a RuleSet,
    explain: Explain,
    agreements: HashMap<String, Vec<Agreement>>,
}

impl<'a> Pipeline<'a> {
    pub fn new(store: &'a Store, rules: &'a RuleSet, explain: Explain) -> Pipeline<'a> {
        Pipeline {
            store,
            rules,
            explain,
            agreements: HashMap::new(),
        }
    }

    /// Runs every event, calling `seen` after each; commits in batches,
    /// or rolls everything back when `dry_run`.
    pub fn run(
        &mut self,
        events: impl IntoIterator<Item = Incoming>,
        dry_run: bool,
        mut seen: impl FnMut(&Processed),
    ) -> Result<Summary, StoreError> {
        let mut summary = Summary::default();
        self.store.begin()?;
        let result = (|| {
            for (n, incoming) in events.into_iter().enumerate() {
                if !dry_run && n > 0 && n % BATCH == 0 {
                    self.store.commit()?;
                    self.store.begin()?;
                }
                let processed = self.one(incoming)?;
                summary.count(&processed);
                seen(&processed);
            }
            Ok(())
        })();
        match result {
            Ok(()) if !dry_run => self.store.commit()?,
            Ok(()) => self.store.rollback()?,
            Err(e) => {
                self.store.rollback()?;
                return Err(e);
            }
        }
        Ok(summary)
    }

    /// One event in its own savepoint.
    fn one(&mut self, incoming: Incoming) -> Result<Processed, StoreError> {
        let id = match &incoming.event {
            Ok(u) => Some(u.event_id.clone()),
            Err(_) => event_id_of(&incoming.text),
        };
        let processed = |status| Processed {
            event_id: id.clone(),
            line: incoming.line,
            status,
        };
        if let Some(id) = &id {
            if self.store.event_state(id)? == Some(EventState::Applied) {
                return Ok(processed(Status::Duplicate));
            }
        }
        let update = match incoming.event {
            Ok(update) => update,
            Err(e) => {
                let reason = e.to_string();
                self.reject(&incoming.text, id.as_deref(), incoming.line, None, &reason)?;
                return Ok(processed(Status::Rejected(reason)));
            }
        };
        self.store.savepoint()?;
        match self.apply(&update, &incoming.text, incoming.line) {
            Ok(Ok(outcome)) => {
                self.store.release()?;
                Ok(processed(Status::Applied(
                    Box::new(update),
                    Box::new(outcome),
                )))
            }
            Ok(Err(reason)) => {
                self.store.rollback_to()?;
                let text = &incoming.text;
                self.reject(text, id.as_deref(), incoming.line, Some(&update), &reason)?;
                Ok(processed(Status::Rejected(reason)))
            }
            Err(e) => {
                self.store.rollback_to()?;
                Err(e)
            }
        }
    }

    /// Checks the event against the store, runs the rules, writes the
    /// result. `Ok(Err(reason))` rejects the event.
    fn apply(
        &mut self,
        update: &Update,
        payload: &str,
        line: Option<usize>,
    ) -> Result<Result<Outcome, String>, StoreError> {
        let before = self.store.ticket(&update.account, update.ticket_id)?;
        if let Err(reason) = admissible(update, before.as_ref()) {
            return Ok(Err(reason));
        }
        let (rules, explain) = (self.rules, self.explain);
        let agreements = self.agreements_of(&update.account)?;
        if let Some(from) = &update.changes.received_from {
            let inbound = agreements
                .iter()
                .find(|a| a.is_named(&from.agreement) && a.direction == Direction::Inbound);
            let (name, account) = (&from.agreement, &update.account);
            let Some(inbound) = inbound else {
                return Ok(Err(format!("no inbound agreement `{name}` in `{account}`")));
            };
            // Only an accepted agreement carries new shares: not one still
            // pending, declined, or deactivated (which is final).
            if inbound.status != AgreementStatus::Accepted {
                let status = inbound.status.as_str();
                return Ok(Err(format!(
                    "inbound agreement `{name}` in `{account}` is {status}; no new shares arrive over it"
                )));
            }
        }
        let cx = Context {
            agreements,
            explain,
            ..Context::default()
        };
        let outcome = engine::run(rules, before.as_ref(), update, &cx);
        self.store.apply(&Applied {
            event_id: &update.event_id,
            line,
            payload,
            update,
            before: before.as_ref(),
            outcome: &outcome,
        })?;
        Ok(Ok(outcome))
    }

    fn agreements_of(&mut self, account: &str) -> Result<&[Agreement], StoreError> {
        if !self.agreements.contains_key(account) {
            let list = self.store.agreements(account)?;
            self.agreements.insert(account.to_string(), list);
        }
        Ok(self.agreements.get(account).map_or(&[], Vec::as_slice))
    }

    fn reject(
        &self,
        payload: &str,
        id: Option<&str>,
        line: Option<usize>,
        update: Option<&Update>,
        reason: &str,
    ) -> Result<(), StoreError> {
        let key = id.map_or_else(|| anonymous_id(payload), str::to_string);
        self.store.reject(&Rejected {
            event_id: &key,
            line,
            account: update.map(|u| u.account.as_str()),
            ticket_id: update.map(|u| u.ticket_id),
            payload,
            reason,
            at: update.map(|u| u.at),
        })
    }
}

/// Can this update apply to the ticket as stored?
fn admissible(update: &Update, before: Option<&Ticket>) -> Result<(), String> {
    let (id, account) = (update.ticket_id, &update.account);
    match (update.kind, before) {
        (UpdateKind::Create, Some(_)) => Err(format!("ticket {id} already exists in `{account}`")),
        (UpdateKind::Update, None) => Err(format!("ticket {id} does not exist in `{account}`")),
        (UpdateKind::Update, Some(t)) if t.status == TicketStatus::Closed => Err(format!(
            "ticket {id} is closed; a closed ticket cannot be updated"
        )),
        _ => Ok(()),
    }
}

/// A stable key for an event line with no readable id, so that replaying
/// the same bad line records it once (FNV-1a of the text).
fn anonymous_id(payload: &str) -> String {
    format!(
        "no-id-{:016x}",
        crate::engine::hash::fnv1a(payload.as_bytes())
    )
}
