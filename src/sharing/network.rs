//! What an update owes the partners once it has run: a copy for each new
//! share, a synced update over each live link, word of an unshare. A local
//! partner gets an update to run ([`FollowUp::Run`]); a remote one an
//! outbox row ([`FollowUp::Queue`]); what cannot cross is a note.
//!
//! Nothing here writes: [`crate::ingest`] runs the follow-ups, and asks
//! again for the follow-ups of each update it runs.

use super::{copy, payload, sync};
use crate::engine::{self, AddedComment, Outcome, ShareOp};
use crate::model::{Agreement, AgreementStatus, Direction, FieldType, Ticket, Update, UpdateKind};
use crate::store::{Store, StoreError};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// The channel synced updates and copies arrive through.
pub const VIA: &str = "ticket sharing";

/// What the network needs to look up, with what it has looked up.
pub struct World<'a> {
    pub store: &'a Store,
    agreements: HashMap<String, Vec<Agreement>>,
    fields: HashMap<String, Vec<(String, FieldType)>>,
    accounts: Option<BTreeSet<String>>,
}

impl<'a> World<'a> {
    pub fn new(store: &'a Store) -> World<'a> {
        World {
            store,
            agreements: HashMap::new(),
            fields: HashMap::new(),
            accounts: None,
        }
    }

    /// An account's agreements (cached: they do not change during a run).
    pub fn agreements(&mut self, account: &str) -> Result<&[Agreement], StoreError> {
        if !self.agreements.contains_key(account) {
            let list = self.store.agreements(account)?;
            self.agreements.insert(account.to_string(), list);
        }
        Ok(self.agreements.get(account).map_or(&[], Vec::as_slice))
    }

    /// The type of an account's custom field, by title ignoring case, with
    /// the title as the account writes it (cached like the agreements).
    fn field(
        &mut self,
        account: &str,
        title: &str,
    ) -> Result<Option<(String, FieldType)>, StoreError> {
        if !self.fields.contains_key(account) {
            let list = self.store.fields(account)?;
            self.fields.insert(account.to_string(), list);
        }
        let title = title.to_lowercase();
        let list = self.fields.get(account).map_or(&[][..], Vec::as_slice);
        Ok(list
            .iter()
            .find(|(t, _)| t.to_lowercase() == title)
            .cloned())
    }

    /// One side of an agreement, by its id.
    fn agreement(&mut self, account: &str, id: i64) -> Result<Option<Agreement>, StoreError> {
        Ok(self
            .agreements(account)?
            .iter()
            .find(|a| a.id == id)
            .cloned())
    }

    /// Does the account live in this store? Partners that do not are remote.
    pub fn is_local(&mut self, account: &str) -> Result<bool, StoreError> {
        Ok(self.accounts()?.contains(account))
    }

    /// The store's accounts (read once: they do not change during a run).
    pub fn accounts(&mut self) -> Result<&BTreeSet<String>, StoreError> {
        if self.accounts.is_none() {
            self.accounts = Some(self.store.accounts()?.into_iter().collect());
        }
        Ok(self.accounts.get_or_insert_with(BTreeSet::new))
    }

    /// The partner's side of a local agreement ([`super::agreements::peer`]).
    pub fn peer(&mut self, a: &Agreement) -> Result<Option<Agreement>, StoreError> {
        let Some(partner) = a.remote_subdomain.clone() else {
            return Ok(None);
        };
        let partners = self.agreements(&partner)?;
        Ok(super::agreements::peer_among(a, partners).cloned())
    }
}

/// An update that has run, and where it stands in its chain.
pub struct Done<'a> {
    pub update: &'a Update,
    pub before: Option<&'a Ticket>,
    pub outcome: &'a Outcome,
    /// How many hops from the event that started the chain (0 for it).
    pub hop: usize,
    /// The agreement (this account's side, by id) the update came over.
    pub over: Option<i64>,
}

/// A ticket, by account and id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketRef {
    pub account: String,
    pub id: i64,
}

impl TicketRef {
    fn of(t: &Ticket) -> TicketRef {
        TicketRef {
            account: t.account.clone(),
            id: t.id,
        }
    }
}

/// What an update asks of the network.
#[derive(Debug)]
pub enum FollowUp {
    /// An update for a local account to run.
    Run(Box<Work>),
    /// A row for the outbox, for a remote partner.
    Queue(Queued),
    /// A line for a ticket's audit trail: what could not cross, and why.
    Note(NoteLine),
}

/// Why the network runs an update.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The partner's copy of a newly shared ticket.
    Copy,
    /// Changes synced from the other copy.
    Sync,
    /// The other side stopped sharing.
    Unshare,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Copy => "copy",
            StepKind::Sync => "sync",
            StepKind::Unshare => "unshare",
        }
    }
}

/// An update for a local account, and where it came from.
#[derive(Debug)]
pub struct Work {
    pub hop: usize,
    pub kind: StepKind,
    pub from: TicketRef,
    /// For a copy, `ticket_id` is 0 until it runs and takes the next id.
    pub update: Update,
    /// The receiving side's agreement it comes over.
    pub over: Option<i64>,
}

/// One update the network ran, or could not.
#[derive(Debug, Serialize)]
pub struct Step {
    pub hop: usize,
    pub kind: StepKind,
    pub from: TicketRef,
    pub update: Update,
    pub result: StepResult,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepResult {
    Applied(Box<Outcome>),
    NotApplied(String),
}

/// Something queued for a remote partner.
#[derive(Clone, Debug, Serialize)]
pub struct Queued {
    /// The outbox row's `seq`, once written.
    pub seq: Option<i64>,
    pub hop: usize,
    /// `share`, `update` or `unshare`.
    pub kind: &'static str,
    pub from: TicketRef,
    pub partner: String,
    pub agreement: String,
    pub payload: Value,
}

/// What could not cross, for the sending ticket's audit trail.
#[derive(Clone, Debug, Serialize)]
pub struct NoteLine {
    pub hop: usize,
    pub on: TicketRef,
    pub text: String,
}

/// One thing the network did for an event.
#[derive(Debug, Serialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Reached {
    Ran(Box<Step>),
    Queued(Queued),
    Note(NoteLine),
}

/// Everything the network did for one event, in the order it did it.
#[derive(Debug, Default, Serialize)]
#[serde(transparent)]
pub struct Network {
    pub items: Vec<Reached>,
}

impl Network {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The updates it ran on partners' copies (or back on the origin).
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.items.iter().filter_map(|i| match i {
            Reached::Ran(s) => Some(s.as_ref()),
            _ => None,
        })
    }
}

/// What the update that has run owes the partners, in order: shares and
/// unshares as the rules asked for them, then a sync over each live link.
pub fn follow_ups(world: &mut World, done: &Done) -> Result<Vec<FollowUp>, StoreError> {
    let mut out = Vec::new();
    if done.outcome.skipped.is_some() {
        return Ok(out);
    }
    // What counts is where the update left the links: a share the same
    // update then unshared never reached the partner, so there is no copy
    // to make and no one to tell.
    let (after, before) = (&done.outcome.after, done.before);
    let live_before = |id: i64| before.is_some_and(|b| b.syncs_over(id));
    for op in &done.outcome.shares {
        match op {
            ShareOp::Share { agreement_id, .. } if after.sends_over(*agreement_id) => {
                out.extend(share(world, done, *agreement_id)?);
            }
            ShareOp::Unshare { agreement_id, .. } if live_before(*agreement_id) => {
                out.extend(unshare(world, done, *agreement_id)?);
            }
            _ => {}
        }
    }
    for link in live_links(done) {
        out.extend(sync_link(world, done, &link)?);
    }
    Ok(out)
}

/// A note on the ticket that has run.
fn note(done: &Done, text: String) -> FollowUp {
    FollowUp::Note(NoteLine {
        hop: done.hop,
        on: TicketRef::of(&done.outcome.after),
        text,
    })
}

fn queue(done: &Done, kind: &'static str, a: &Agreement, payload: Value) -> FollowUp {
    FollowUp::Queue(Queued {
        seq: None,
        hop: done.hop + 1,
        kind,
        from: TicketRef::of(&done.outcome.after),
        partner: a.partner(),
        agreement: a.name.clone(),
        payload,
    })
}

fn run(done: &Done, kind: StepKind, update: Update, over: i64) -> FollowUp {
    FollowUp::Run(Box::new(Work {
        hop: done.hop + 1,
        kind,
        from: TicketRef::of(&done.outcome.after),
        update,
        over: Some(over),
    }))
}

/// An update the network makes: no one made it, it came via ticket sharing.
fn update_for(kind: UpdateKind, account: &str, ticket_id: i64, done: &Done) -> Update {
    Update {
        event_id: String::new(),
        kind,
        account: account.to_string(),
        ticket_id,
        at: done.update.at,
        via: VIA.to_string(),
        actor: None,
        changes: Default::default(),
        automation: None,
    }
}

/// A local partner's side of an agreement, or a note on why there is none.
fn local_peer(
    world: &mut World,
    done: &Done,
    a: &Agreement,
) -> Result<Result<Agreement, FollowUp>, StoreError> {
    Ok(world.peer(a)?.ok_or_else(|| {
        let (partner, name) = (a.partner(), &a.name);
        let side = match a.direction {
            Direction::Outbound => "inbound",
            Direction::Inbound => "outbound",
        };
        note(
            done,
            format!("`{partner}` is in this store but has no {side} side of agreement `{name}`; nothing crossed"),
        )
    }))
}

/// A new share: the partner's copy, or a share payload.
fn share(world: &mut World, done: &Done, agreement_id: i64) -> Result<Vec<FollowUp>, StoreError> {
    let t = &done.outcome.after;
    let Some(a) = world.agreement(&t.account, agreement_id)? else {
        return Ok(Vec::new());
    };
    let partner = a.partner();
    let comments = world.store.comments(&t.account, t.id)?;
    if !world.is_local(&partner)? {
        let names = comments.iter().map(|c| c.author.as_str());
        let users = users(world, &t.account, names.chain(t.requester.as_deref()))?;
        let body = payload::share(t, &comments, &users, &a);
        return Ok(vec![queue(done, "share", &a, body)]);
    }
    let peer = match local_peer(world, done, &a)? {
        Ok(peer) => peer,
        Err(note) => return Ok(vec![note]),
    };
    let mut update = update_for(UpdateKind::Create, &partner, 0, done);
    update.changes = copy::changes(t, &comments, &a, &peer);
    let fits = field_fits(world, &t.account, &partner, &mut update)?;
    update.changes.sharing_notes.extend(fits);
    if let Some(email) = &t.requester {
        let known = world.store.user(&partner, email)?.is_some();
        update
            .changes
            .sharing_notes
            .push(copy::requester_note(email, known));
    }
    Ok(vec![run(done, StepKind::Copy, update, peer.id)])
}

/// The account's users among `who`, for a payload to name.
fn users<'w>(
    world: &mut World,
    account: &str,
    who: impl Iterator<Item = &'w str>,
) -> Result<payload::Users, StoreError> {
    let mut found = payload::Users::new();
    for email in who {
        if found.contains_key(email) {
            continue;
        }
        if let Some(user) = world.store.user(account, email)? {
            found.insert(email.to_string(), user);
        }
    }
    Ok(found)
}

/// Keeps the custom fields the partner can take: it must have a field of
/// that title (ignoring case), of the sender's type when the sender has
/// one, that the value fits. Returns a note for each field left out.
pub fn field_fits(
    world: &mut World,
    from: &str,
    to: &str,
    update: &mut Update,
) -> Result<Vec<String>, StoreError> {
    let mut notes = Vec::new();
    let mut kept = Vec::new();
    for (title, value) in std::mem::take(&mut update.changes.custom_fields) {
        let Some((theirs, t)) = world.field(to, &title)? else {
            notes.push(format!(
                "custom field `{title}` not synced: `{to}` has no such field"
            ));
            continue;
        };
        let ours = world.field(from, &title)?.map(|(_, o)| o);
        let why = match ours {
            Some(o) if o != t => Some(format!(
                "it is {} field in `{from}` but {} field in `{to}`",
                a_type(o),
                a_type(t)
            )),
            _ if !t.fits(&value) => Some(format!(
                "`{}` does not fit {} field",
                crate::model::ticket::value_text(&value),
                a_type(t)
            )),
            _ => None,
        };
        match why {
            Some(why) => notes.push(format!("custom field `{title}` not synced: {why}")),
            // Under the receiving account's own title for the field.
            None => kept.push((theirs, value)),
        }
    }
    update.changes.custom_fields = kept;
    Ok(notes)
}

/// `an integer`, `a text`: a field type with its article.
fn a_type(t: FieldType) -> String {
    let name = t.as_str();
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} `{name}`")
}

/// An unshare: word to the other side that its copy no longer syncs.
fn unshare(world: &mut World, done: &Done, agreement_id: i64) -> Result<Vec<FollowUp>, StoreError> {
    let t = &done.outcome.after;
    let Some(a) = world.agreement(&t.account, agreement_id)? else {
        return Ok(Vec::new());
    };
    let partner = a.partner();
    if !world.is_local(&partner)? {
        let sender = a.direction == Direction::Outbound;
        let body = payload::unshare(t, &a, sender);
        return Ok(vec![queue(done, "unshare", &a, body)]);
    }
    let peer = match local_peer(world, done, &a)? {
        Ok(peer) => peer,
        Err(note) => return Ok(vec![note]),
    };
    let target = match a.direction {
        Direction::Outbound => world.store.copy_of(&partner, peer.id, t.id)?,
        Direction::Inbound => t.received.as_ref().and_then(|r| r.origin_id),
    };
    let Some(target) = target else {
        return Ok(vec![note(
            done,
            format!("`{partner}` has no copy of this ticket to tell of the unshare"),
        )]);
    };
    let mut update = update_for(UpdateKind::Update, &partner, target, done);
    update.changes.stop_share = Some(peer.id);
    update
        .changes
        .shared_comments
        .push(copy::unshare_note(t, &a, done.update.at));
    Ok(vec![run(done, StepKind::Unshare, update, peer.id)])
}

/// A link from this ticket to a partner's copy that syncs.
struct Link {
    agreement_id: i64,
    partner: String,
    /// This side shared the ticket (else it received it).
    sender: bool,
    /// On the receiving side: the sender's ticket id.
    origin_id: Option<i64>,
}

/// The links that were live before the update and still are, plus the
/// one the update came over (a new copy's link is live from its start).
/// A share made by this update is not one: the copy has it all.
fn live_links(done: &Done) -> Vec<Link> {
    let (after, before) = (&done.outcome.after, done.before);
    let was_sent = |id: i64| before.is_some_and(|b| b.sends_over(id));
    let sent = after
        .shares
        .iter()
        .filter(|s| s.active && was_sent(s.agreement_id))
        .map(|s| Link {
            agreement_id: s.agreement_id,
            partner: s.partner.clone(),
            sender: true,
            origin_id: None,
        });
    let was_received = before
        .and_then(|b| b.received.as_ref())
        .is_some_and(|r| r.active);
    let received = after
        .received
        .iter()
        .filter(|r| r.active && (was_received || done.over == Some(r.agreement_id)))
        .map(|r| Link {
            agreement_id: r.agreement_id,
            partner: r.partner.clone(),
            sender: false,
            origin_id: r.origin_id,
        });
    sent.chain(received).collect()
}

/// What changed, over one link, by the agreement's terms. Over the link
/// the update came by, only what this side's rules changed goes back:
/// what came over is never echoed.
fn sync_link(world: &mut World, done: &Done, link: &Link) -> Result<Vec<FollowUp>, StoreError> {
    let t = &done.outcome.after;
    let Some(a) = world.agreement(&t.account, link.agreement_id)? else {
        return Ok(Vec::new());
    };
    let echo = done.over == Some(link.agreement_id);
    let base = if echo {
        let agreements = world.agreements(&t.account)?;
        engine::own_changes(done.before, done.update, agreements)
    } else {
        match done.before {
            Some(b) => b.clone(),
            None => return Ok(Vec::new()),
        }
    };
    let added: Vec<&AddedComment> = done
        .outcome
        .comments
        .iter()
        .filter(|c| !echo || c.rule.is_some())
        .collect();
    let delta = sync::delta(&base, t, &added, &a, link.sender, done.update.at);
    if delta.is_empty() {
        return Ok(Vec::new());
    }
    if a.status != AgreementStatus::Accepted {
        let status = a.status.as_str();
        let text = format!(
            "not synced with `{}`: agreement `{}` is {status}",
            link.partner, a.name
        );
        return Ok(vec![note(done, text)]);
    }
    if !world.is_local(&link.partner)? {
        let users = users(
            world,
            &t.account,
            delta.comments.iter().map(|c| c.author.as_str()),
        )?;
        let body = payload::update(t, &delta, &users, &a, link.sender);
        return Ok(vec![queue(done, "update", &a, body)]);
    }
    let peer = match local_peer(world, done, &a)? {
        Ok(peer) => peer,
        Err(note) => return Ok(vec![note]),
    };
    let target = if link.sender {
        world.store.copy_of(&link.partner, peer.id, t.id)?
    } else {
        link.origin_id
    };
    let Some(target) = target else {
        let text = format!("not synced: `{}` has no copy of this ticket", link.partner);
        return Ok(vec![note(done, text)]);
    };
    let mut update = update_for(UpdateKind::Update, &link.partner, target, done);
    update.changes = delta.into_changes();
    let fits = field_fits(world, &t.account, &link.partner, &mut update)?;
    update.changes.sharing_notes.extend(fits);
    Ok(vec![run(done, StepKind::Sync, update, peer.id)])
}
