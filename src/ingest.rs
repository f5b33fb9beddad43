//! The ingest pipeline, for `ingest` and `dry-run` alike: each event is
//! read, checked against the store (`vet`: its account, a received copy's
//! share, a partner update's terms; then its actor's role), run through
//! the engine and committed with its audit trail, inside a savepoint of
//! its own. A bad event is rolled back and recorded as rejected; the run
//! goes on.
//!
//! Events go in batches of [`BATCH`] per transaction for speed; a dry run
//! is one transaction that is rolled back at the end, so it runs exactly
//! the code `ingest` runs and writes nothing.

use crate::engine::{self, Context, Explain, Outcome, RuleSet};
use crate::event::{event_id_of, EventError};
use crate::model::trust::check_actor;
use crate::model::{
    AgreementStatus, Direction, Staff, Status as TicketStatus, Ticket, Time, Update, UpdateKind,
};
use crate::sharing::network::{StepKind, TicketRef, World, VIA};
use crate::sharing::{
    follow_ups, Done, FollowUp, Network, NoteLine, Reached, Step, StepResult, Work, MAX_HOPS,
};
use crate::store::{Applied, EventState, Note, Rejected, Store, StoreError};
use std::collections::{BTreeMap, HashMap, VecDeque};
use vet::Speaker;

mod vet;

/// Events per transaction.
pub const BATCH: usize = 1000;

pub use crate::model::DERIVED;

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
    /// What it set off on partners' copies, and what it queued for remote
    /// partners; empty unless it was applied.
    pub network: Network,
}

/// Each account's own rules: a partner's copy runs its own account's
/// rules, never the sender's. Accounts with no rules of their own run
/// `rest`.
#[derive(Debug, Default)]
pub struct AccountRules {
    pub own: BTreeMap<String, RuleSet>,
    pub rest: RuleSet,
}

/// The rules a pipeline runs: one set for every account, or each
/// account's own.
#[derive(Clone, Copy)]
pub enum Rules<'a> {
    Same(&'a RuleSet),
    PerAccount(&'a AccountRules),
}

impl<'a> Rules<'a> {
    /// The rules an account runs.
    pub fn of(self, account: &str) -> &'a RuleSet {
        match self {
            Rules::Same(rules) => rules,
            Rules::PerAccount(r) => r.own.get(account).unwrap_or(&r.rest),
        }
    }
}

impl<'a> From<&'a RuleSet> for Rules<'a> {
    fn from(rules: &'a RuleSet) -> Rules<'a> {
        Rules::Same(rules)
    }
}

impl<'a> From<&'a AccountRules> for Rules<'a> {
    fn from(rules: &'a AccountRules) -> Rules<'a> {
        Rules::PerAccount(rules)
    }
}

/// Counts for the end of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub applied: usize,
    pub rejected: usize,
    pub duplicate: usize,
    /// On the event's ticket and on partners' copies alike.
    pub rules_fired: usize,
    /// Updates the sharing network ran on partners' copies (and back).
    pub shared_updates: usize,
    /// Rows queued in the outbox for remote partners.
    pub queued: usize,
}

impl Summary {
    /// One event's counts.
    pub fn of(p: &Processed) -> Summary {
        let mut one = Summary::default();
        one.count(p);
        one
    }

    fn count(&mut self, p: &Processed) {
        match &p.status {
            Status::Applied(_, o) => {
                self.applied += 1;
                self.rules_fired += o.fired.len();
                for item in &p.network.items {
                    match item {
                        Reached::Ran(step) => {
                            self.shared_updates += 1;
                            if let StepResult::Applied(o) = &step.result {
                                self.rules_fired += o.fired.len();
                            }
                        }
                        Reached::Queued(_) => self.queued += 1,
                        Reached::Note(_) => {}
                    }
                }
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
        )?;
        sharing_counts(f, self.shared_updates, self.queued)
    }
}

/// The sharing part of a run's summary, when there is one.
pub fn sharing_counts(
    f: &mut std::fmt::Formatter<'_>,
    shared_updates: usize,
    queued: usize,
) -> std::fmt::Result {
    if shared_updates + queued > 0 {
        write!(
            f,
            "; sharing: {shared_updates} partner updates, {queued} queued for remote partners"
        )?;
    }
    Ok(())
}

/// One event as it arrives: its line, its raw text, and what reading it gave.
pub struct Incoming {
    pub line: Option<usize>,
    pub text: String,
    pub event: Result<Update, EventError>,
    /// Its id was made by ticket-rules (`~reply-3`), so it may hold
    /// [`DERIVED`]; ids from outside may not.
    pub internal: bool,
}

impl Incoming {
    /// An event made here rather than read from a line (`dry-run --ticket`).
    pub fn made(text: String, event: Update) -> Incoming {
        Incoming {
            line: None,
            text,
            event: Ok(event),
            internal: false,
        }
    }

    /// An update a command makes (a scheduled reply going out, a share),
    /// named by an id that starts with [`DERIVED`]: no event from outside
    /// and no update one sets off has such an id.
    pub fn internal(event: Update) -> Incoming {
        let text = serde_json::to_string(&event).unwrap_or_default();
        Incoming {
            internal: true,
            ..Incoming::made(text, event)
        }
    }
}

/// Events from JSON Lines, line by line.
pub fn incoming(reader: impl std::io::BufRead) -> impl Iterator<Item = Incoming> {
    incoming_up_to(reader, crate::event::MAX_LINE)
}

/// Events from JSON Lines, lines longer than `max_line` bytes rejected.
pub fn incoming_up_to(
    reader: impl std::io::BufRead,
    max_line: usize,
) -> impl Iterator<Item = Incoming> {
    crate::event::read_events_up_to(reader, max_line).map(|e| Incoming {
        line: Some(e.line),
        text: e.text,
        event: e.event,
        internal: false,
    })
}

/// Runs events against a store.
pub struct Pipeline<'a> {
    store: &'a Store,
    rules: Rules<'a>,
    explain: Explain,
    world: World<'a>,
    /// Each account's agents and groups, read once per run.
    staff: HashMap<String, Staff>,
    /// Creates with `received_from` may make copies received from remote
    /// partners: the admin imports them explicitly.
    import_copies: bool,
    /// The partner protocol's calls: the agreement is proved by its token
    /// and its terms already applied.
    partner_protocol: bool,
    /// The ticket the caller read in this transaction before the event
    /// (the server's access check): the event's run takes it instead of
    /// reading it again.
    known: Option<Ticket>,
    /// The event being run has a savepoint open; see [`Pipeline::guard`].
    guarded: bool,
}

/// Applied: the outcome, and what it set off.
type Ran = Result<(Outcome, Network), String>;

impl<'a> Pipeline<'a> {
    pub fn new(store: &'a Store, rules: impl Into<Rules<'a>>, explain: Explain) -> Pipeline<'a> {
        Pipeline {
            store,
            rules: rules.into(),
            explain,
            world: World::new(store),
            staff: HashMap::new(),
            import_copies: false,
            partner_protocol: false,
            known: None,
            guarded: false,
        }
    }

    /// An account's staff as the caller read it in this transaction: the
    /// run takes it instead of reading it again.
    pub fn with_staff(mut self, account: &str, staff: Staff) -> Self {
        self.staff.insert(account.to_string(), staff);
        self
    }

    /// The event's ticket as the caller read it in this transaction, with
    /// no write since: the event runs on it instead of reading it again.
    pub fn knowing(mut self, ticket: Ticket) -> Self {
        self.known = Some(ticket);
        self
    }

    /// Lets creates with `received_from` import copies received from
    /// remote partners (`--import-copies`); without it only the partner
    /// protocol makes them.
    pub fn importing_copies(mut self, yes: bool) -> Self {
        self.import_copies = yes;
        self
    }

    /// For the partner protocol of `serve`: its calls have proved their
    /// agreement by its token and been cut to its terms already, so they
    /// may make received copies and are not cut again here.
    pub fn from_partner_protocol(mut self) -> Self {
        self.import_copies = true;
        self.partner_protocol = true;
        self
    }

    /// Runs every event, calling `seen` after each; commits in batches,
    /// or rolls everything back when `dry_run`.
    pub fn run(
        &mut self,
        events: impl IntoIterator<Item = Incoming>,
        dry_run: bool,
        mut seen: impl FnMut(&Processed),
    ) -> Result<Summary, StoreError> {
        let store = self.store;
        batched(store, dry_run, |batch| {
            let mut summary = Summary::default();
            for incoming in events {
                let processed = self.one(incoming)?;
                summary.count(&processed);
                seen(&processed);
                batch.wrote(1)?;
            }
            Ok(summary)
        })
    }

    /// One event in its own savepoint, inside a transaction the caller
    /// began.
    pub fn one(&mut self, incoming: Incoming) -> Result<Processed, StoreError> {
        let id = match &incoming.event {
            Ok(u) => Some(u.event_id.clone()),
            Err(_) => event_id_of(&incoming.text),
        };
        let processed = |status| Processed {
            event_id: id.clone(),
            line: incoming.line,
            status,
            network: Network::default(),
        };
        if let Some(id) = &id {
            if self.store.event_state(id)? == Some(EventState::Applied) {
                return Ok(processed(Status::Duplicate));
            }
        }
        let mut update = match incoming.event {
            Ok(update) => update,
            Err(e) => {
                let reason = e.to_string();
                self.reject(&incoming.text, id.as_deref(), incoming.line, None, &reason)?;
                return Ok(processed(Status::Rejected(reason)));
            }
        };
        self.guarded = false;
        let ran = self.apply(
            &mut update,
            &incoming.text,
            incoming.line,
            incoming.internal,
        );
        match ran {
            Ok(Ok((outcome, network))) => {
                self.unguard(true)?;
                let mut done = processed(Status::Applied(Box::new(update), Box::new(outcome)));
                done.network = network;
                Ok(done)
            }
            Ok(Err(reason)) => {
                self.unguard(false)?;
                let text = &incoming.text;
                self.reject(text, id.as_deref(), incoming.line, Some(&update), &reason)?;
                Ok(processed(Status::Rejected(reason)))
            }
            // A value the store cannot hold was refused before anything
            // was written: that event alone is rejected.
            Err(StoreError::Unstorable { why, .. }) => {
                self.unguard(false)?;
                let text = &incoming.text;
                self.reject(text, id.as_deref(), incoming.line, Some(&update), &why)?;
                Ok(processed(Status::Rejected(why)))
            }
            Err(e) => {
                self.unguard(false)?;
                Err(e)
            }
        }
    }

    /// Opens the event's savepoint before its first write, unless that
    /// write is all it does. [`Store::apply`] checks everything before it
    /// writes, so an event that fails leaves nothing without a savepoint
    /// (an SQL error ends the whole transaction anyway); only what the
    /// network sets off after it (partners' copies, outbox rows, notes)
    /// can fail once something is written. That needs a link or a share:
    /// without one, [`follow_ups`] has nothing to do. A savepoint costs
    /// two statements and a copy of every page the event touches.
    fn guard(&mut self, before: Option<&Ticket>, outcome: &Outcome) -> Result<(), StoreError> {
        let linked = |t: &Ticket| !t.shares.is_empty() || t.received.is_some();
        let networked =
            !outcome.shares.is_empty() || before.is_some_and(linked) || linked(&outcome.after);
        if networked && !self.guarded {
            self.store.savepoint()?;
            self.guarded = true;
        }
        Ok(())
    }

    /// Ends the event's savepoint, if it has one: keeps what it wrote, or
    /// undoes it.
    fn unguard(&mut self, keep: bool) -> Result<(), StoreError> {
        if !std::mem::take(&mut self.guarded) {
            return Ok(());
        }
        if keep {
            self.store.release()
        } else {
            self.store.rollback_to()
        }
    }

    /// Runs the event, then what it sets off across the sharing network.
    /// `Ok(Err(reason))` rejects the event.
    fn apply(
        &mut self,
        update: &mut Update,
        payload: &str,
        line: Option<usize>,
        internal: bool,
    ) -> Result<Ran, StoreError> {
        if update.event_id.contains(DERIVED) && !internal {
            return Ok(Err(format!(
                "event id `{}` may not contain `{DERIVED}`: ticket-rules names the updates an event sets off on partners `<id>{DERIVED}1`",
                update.event_id
            )));
        }
        let speaker = match self.vet(update)? {
            Ok(speaker) => speaker,
            Err(reason) => return Ok(Err(reason)),
        };
        let update = &*update;
        let (before, outcome) = match self.run_one(update, payload, line, speaker)? {
            Ok(done) => done,
            Err(reason) => return Ok(Err(reason)),
        };
        let done = Done {
            update,
            before: before.as_ref(),
            outcome: &outcome,
            hop: 0,
            over: came_over(update, &outcome.after),
        };
        let mut queue: VecDeque<FollowUp> = follow_ups(&mut self.world, &done)?.into();
        let mut network = Network::default();
        while let Some(next) = queue.pop_front() {
            match next {
                FollowUp::Run(work) => {
                    let n = network.steps().count() + 1;
                    let event_id = format!("{}{DERIVED}{n}", update.event_id);
                    queue.extend(self.run_work(*work, event_id, &mut network)?);
                }
                FollowUp::Queue(mut queued) => {
                    queued.seq = Some(self.store.push_outbox(
                        &update.event_id,
                        &queued.from.account,
                        queued.from.id,
                        queued.kind,
                        &queued.payload,
                        update.at,
                    )?);
                    network.items.push(Reached::Queued(queued));
                }
                FollowUp::Note(line) => {
                    self.note(&update.event_id, line, update.at, &mut network)?
                }
            }
        }
        Ok(Ok((outcome, network)))
    }

    /// Runs one update the network asks for, in a savepoint of its own:
    /// one that cannot run (its copy is closed) leaves a note and the rest
    /// of the chain goes on. Returns what it asks for in turn, unless the
    /// chain is too long already.
    fn run_work(
        &mut self,
        mut work: Work,
        event_id: String,
        network: &mut Network,
    ) -> Result<Vec<FollowUp>, StoreError> {
        work.update.event_id = event_id;
        if work.update.kind == UpdateKind::Create {
            work.update.ticket_id = self.store.next_ticket_id(&work.update.account)?;
        }
        let payload = serde_json::to_string(&work.update).unwrap_or_default();
        self.store.savepoint()?;
        // The network's own updates carry no actor to check.
        let ran = self.run_one(&work.update, &payload, None, Speaker::Partner);
        let (before, outcome) = match ran {
            Ok(Ok(done)) => {
                self.store.release()?;
                done
            }
            Ok(Err(reason)) => {
                self.store.rollback_to()?;
                let text = format!(
                    "{} to `{}` not applied: {reason}",
                    work.kind.as_str(),
                    work.update.account
                );
                let line = NoteLine {
                    hop: work.hop - 1,
                    on: work.from.clone(),
                    text,
                };
                let (event_id, at) = (work.update.event_id.clone(), work.update.at);
                let not_applied = StepResult::NotApplied(reason);
                network
                    .items
                    .push(Reached::Ran(Box::new(step(work, not_applied))));
                self.note(&event_id, line, at, network)?;
                return Ok(Vec::new());
            }
            Err(e) => {
                self.store.rollback_to()?;
                return Err(e);
            }
        };
        let done = Done {
            update: &work.update,
            before: before.as_ref(),
            outcome: &outcome,
            hop: work.hop,
            over: work.over,
        };
        let next = follow_ups(&mut self.world, &done)?;
        let (next, cut) = if work.hop >= MAX_HOPS {
            cut_off(next)
        } else {
            (next, 0)
        };
        let (hop, at, event_id) = (work.hop, work.update.at, work.update.event_id.clone());
        let on = TicketRef {
            account: work.update.account.clone(),
            id: work.update.ticket_id,
        };
        if work.kind == StepKind::Copy {
            // The sender's ticket learns its copy's id, for
            // `{{ticket.origin_id}}` on its side.
            let (from, copy) = (&work.from, &work.update);
            self.store
                .link_copy(&from.account, from.id, &copy.account, copy.ticket_id)?;
        }
        let applied = StepResult::Applied(Box::new(outcome));
        network
            .items
            .push(Reached::Ran(Box::new(step(work, applied))));
        if cut > 0 {
            let text = format!(
                "the sharing chain reached {MAX_HOPS} hops; {cut} more update{} cut off here",
                if cut == 1 { " was" } else { "s were" }
            );
            self.note(&event_id, NoteLine { hop, on, text }, at, network)?;
        }
        Ok(next)
    }

    fn note(
        &mut self,
        event_id: &str,
        line: NoteLine,
        at: Time,
        network: &mut Network,
    ) -> Result<(), StoreError> {
        self.store.note(&Note {
            event_id,
            account: &line.on.account,
            ticket_id: line.on.id,
            text: &line.text,
            at,
        })?;
        network.items.push(Reached::Note(line));
        Ok(())
    }

    /// Checks one update against the store, runs its account's rules,
    /// writes the result. `Ok(Err(reason))`: it cannot apply.
    #[allow(clippy::type_complexity)]
    fn run_one(
        &mut self,
        update: &Update,
        payload: &str,
        line: Option<usize>,
        speaker: Speaker,
    ) -> Result<Result<(Option<Ticket>, Outcome), String>, StoreError> {
        let known = self
            .known
            .take()
            .filter(|t| t.account == update.account && t.id == update.ticket_id);
        let before = match known {
            Some(ticket) => Some(ticket),
            None => self.store.ticket(&update.account, update.ticket_id)?,
        };
        if let Err(reason) = admissible(update, before.as_ref()) {
            return Ok(Err(reason));
        }
        let staff = staff_of(&mut self.staff, self.store, &update.account)?;
        if speaker == Speaker::Account {
            if let Err(reason) = check_actor(staff, update, before.as_ref()) {
                return Ok(Err(reason));
            }
        }
        let (rules, explain) = (self.rules.of(&update.account), self.explain);
        let agreements = self.world.agreements(&update.account)?;
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
            staff: Some(staff),
            explain,
            ..Context::default()
        };
        let outcome = engine::run(rules, before.as_ref(), update, &cx);
        self.guard(before.as_ref(), &outcome)?;
        self.store.apply(&Applied {
            event_id: &update.event_id,
            line,
            payload,
            update,
            before: before.as_ref(),
            outcome: &outcome,
        })?;
        Ok(Ok((before, outcome)))
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

/// An account's agents and groups, read from the store the first time a
/// run needs them: they change only between runs.
fn staff_of<'s>(
    cache: &'s mut HashMap<String, Staff>,
    store: &Store,
    account: &str,
) -> Result<&'s Staff, StoreError> {
    if !cache.contains_key(account) {
        cache.insert(account.to_string(), store.staff(account)?);
    }
    Ok(&cache[account])
}

/// A run's transaction, committed every [`BATCH`] updates unless it is a
/// dry run.
pub struct Batch<'s> {
    store: &'s Store,
    dry_run: bool,
    since_commit: usize,
}

impl Batch<'_> {
    /// Counts `n` more updates written; commits when a batch is full.
    pub fn wrote(&mut self, n: usize) -> Result<(), StoreError> {
        self.since_commit += n;
        if !self.dry_run && self.since_commit >= BATCH {
            self.store.commit()?;
            self.store.begin()?;
            self.since_commit = 0;
        }
        Ok(())
    }
}

/// Runs `work` in a transaction committed in batches (see [`Batch`]) and
/// at the end, or rolled back at the end of a dry run or on an error.
pub fn batched<T>(
    store: &Store,
    dry_run: bool,
    work: impl FnOnce(&mut Batch) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    store.begin()?;
    let mut batch = Batch {
        store,
        dry_run,
        since_commit: 0,
    };
    match work(&mut batch) {
        Ok(value) if !dry_run => store.commit().map(|()| value),
        Ok(value) => store.rollback().map(|()| value),
        Err(e) => {
            // The error says what went wrong; a failed rollback after it
            // (SQLite may have ended the transaction itself) would only
            // hide it behind `cannot rollback - no transaction is active`.
            let _ = store.rollback();
            Err(e)
        }
    }
}

/// At the last hop, what would go on is cut off; notes still stand.
/// Returns what is kept and how many were cut.
fn cut_off(next: Vec<FollowUp>) -> (Vec<FollowUp>, usize) {
    let (kept, cut): (Vec<_>, Vec<_>) = next
        .into_iter()
        .partition(|f| matches!(f, FollowUp::Note(_)));
    (kept, cut.len())
}

fn step(work: Work, result: StepResult) -> Step {
    Step {
        hop: work.hop,
        kind: work.kind,
        from: work.from,
        update: work.update,
        result,
    }
}

/// The link an event from outside came over: an update via ticket sharing
/// comes from the partner of the ticket's received copy, else of its share.
fn came_over(update: &Update, after: &Ticket) -> Option<i64> {
    if update.via != VIA {
        return None;
    }
    partner_link(after)
}

/// The live link a partner's update to `t` comes over (this account's
/// side, by id): its received copy's, else its share's.
fn partner_link(t: &Ticket) -> Option<i64> {
    let received = t.received.as_ref().filter(|r| r.active);
    received
        .map(|r| r.agreement_id)
        .or_else(|| t.active_share().map(|s| s.agreement_id))
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
