//! A partner's ticket call (`POST|PUT tickets/{uuid}`): the payload read,
//! turned into an update of this account's side by the agreement's terms
//! (the same code that makes a local partner's copy and syncs it), and
//! run through the pipeline `via ticket sharing`.

use super::{PartnerError, Reply};
use crate::engine::{AddedComment, Explain};
use crate::ingest::{AccountRules, Incoming, Pipeline, Status as Ran};
use crate::model::ticket::CustomField;
use crate::model::{
    Agreement, Changes, Direction, NewComment, Status, Ticket, Time, Update, UpdateKind,
};
use crate::sharing::network::{field_fits, World, VIA};
use crate::sharing::{copy, sync};
use crate::store::{AgreementKey, EventState, Store, StoredComment};
use serde::Deserialize;
use serde_json::Value;

/// `POST` shares a ticket, `PUT` updates (or, with `"shared": false`,
/// unshares) one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Share,
    Update,
}

/// A person as the protocol names them.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Person {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

impl Person {
    /// Who they are here: their email, else their name.
    fn who(&self) -> Option<String> {
        self.email.clone().or_else(|| self.name.clone())
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct SharedComment {
    #[serde(default)]
    pub author: Option<Person>,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub public: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct FieldValue {
    pub title: String,
    #[serde(default)]
    pub value: Value,
}

/// The ticket a partner sends, as the outbox writes it.
#[derive(Clone, Debug, Deserialize)]
pub struct SharedTicket {
    #[serde(default)]
    pub uuid: Option<String>,
    pub original_id: i64,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub requester: Option<Person>,
    #[serde(default)]
    pub comments: Vec<SharedComment>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub custom_fields: Option<Vec<FieldValue>>,
    #[serde(default)]
    pub shared: Option<bool>,
}

/// Reads a payload: the ticket itself, or an outbox row's
/// `{"ticket": {...}}`.
pub fn read_payload(body: &Value, path_uuid: &str) -> Result<SharedTicket, PartnerError> {
    let ticket = body.get("ticket").unwrap_or(body);
    let t: SharedTicket = serde_json::from_value(ticket.clone())
        .map_err(|e| PartnerError::BadPayload(e.to_string()))?;
    if let Some(uuid) = t.uuid.as_deref().filter(|u| *u != path_uuid) {
        return Err(PartnerError::BadPayload(format!(
            "the ticket's uuid `{uuid}` is not the one in the path, `{path_uuid}`"
        )));
    }
    if let Some(status) = t.status.as_deref().filter(|s| Status::parse(s).is_none()) {
        return Err(PartnerError::BadPayload(format!(
            "unknown status `{status}`"
        )));
    }
    Ok(t)
}

/// One ticket call, authenticated: `side` is this account's side of the
/// agreement the token names.
pub struct TicketCall<'a> {
    pub side: &'a Agreement,
    pub key: &'a AgreementKey,
    pub method: Method,
    pub ticket: &'a SharedTicket,
    /// Names this call for idempotency: the sender's delivery id, else a
    /// hash of the body.
    pub delivery: &'a str,
    pub at: Time,
}

/// Runs a ticket call through the pipeline on `store`.
pub fn receive(
    store: &Store,
    rules: &AccountRules,
    call: &TicketCall,
) -> Result<Reply, PartnerError> {
    let side = call.side;
    let event_id = format!("sharing/{}/{}", call.key.uuid, call.delivery);
    if store.event_state(&event_id)? == Some(EventState::Applied) {
        return Ok(Reply::unchanged(event_id, None));
    }
    let update = match (call.method, side.direction) {
        (Method::Share, Direction::Inbound) => {
            if let Some(id) = store.copy_of(&side.account, side.id, call.ticket.original_id)? {
                return Ok(Reply::unchanged(event_id, Some(id)));
            }
            share(store, call)?
        }
        (Method::Share, Direction::Outbound) => {
            return Err(PartnerError::Forbidden(format!(
                "agreement `{}` is `{}`'s to share over; `{}` cannot share tickets over it",
                side.name,
                side.account,
                side.partner()
            )))
        }
        (Method::Update, _) => update(store, call)?,
    };
    let mut update = update;
    update.event_id = event_id.clone();
    let update_ticket = update.ticket_id;
    let text = serde_json::to_string(&update).unwrap_or_default();
    // The token has proved the partner: this is the path that may make a
    // received copy (ingest's vetting refuses one from an event file).
    let processed = store.transaction(|| {
        Pipeline::new(store, rules, Explain::None)
            .from_partner_protocol()
            .one(Incoming::made(text, update))
    })?;
    match processed.status {
        Ran::Applied(update, _) => Ok(Reply::applied(event_id, update.ticket_id)),
        Ran::Duplicate => Ok(Reply::unchanged(event_id, None)),
        // A call the pipeline refuses (the copy is closed, say) is
        // answered, not failed: the sender's agreement stays up, as a
        // local sync to a closed copy leaves its agreement alone.
        Ran::Rejected(reason) => Ok(Reply::not_applied(event_id, update_ticket, reason)),
    }
}

/// The update that makes this account's copy of a newly shared ticket,
/// by the terms, as a local partner's copy is made.
fn share(store: &Store, call: &TicketCall) -> Result<Update, PartnerError> {
    let side = call.side;
    let (origin, comments) = as_ticket(call, &side.partner());
    let mut update = blank(UpdateKind::Create, side, 0, call.at);
    update.ticket_id = store.next_ticket_id(&side.account)?;
    update.changes = copy::changes(&origin, &comments, side, side);
    if let Some(email) = &origin.requester {
        let known = store.user(&side.account, email)?.is_some();
        let note = copy::requester_note(email, known);
        update.changes.sharing_notes.push(note);
    }
    fit_fields(store, side, &mut update)?;
    Ok(update)
}

/// The update a partner's change makes on this account's side, by the
/// terms, as a local sync is filtered.
fn update(store: &Store, call: &TicketCall) -> Result<Update, PartnerError> {
    let side = call.side;
    let base = target(store, call)?;
    let mut update = blank(UpdateKind::Update, side, base.id, call.at);
    if call.ticket.shared == Some(false) {
        update.changes = Changes {
            stop_share: Some(side.id),
            shared_comments: vec![unshare_note(side, call)],
            ..Changes::default()
        };
        return Ok(update);
    }
    let after = applied(&base, call.ticket);
    let added = added_comments(call.ticket);
    let added: Vec<&AddedComment> = added.iter().collect();
    // The partner shared the ticket when this side received it.
    let sender = side.direction == Direction::Inbound;
    let delta = sync::delta(&base, &after, &added, side, sender, call.at);
    update.changes = delta.into_changes();
    fit_fields(store, side, &mut update)?;
    Ok(update)
}

/// The ticket a partner's update is for: this account's copy received
/// over the agreement, or the ticket this account shares over it.
fn target(store: &Store, call: &TicketCall) -> Result<Ticket, PartnerError> {
    let (side, id) = (call.side, call.ticket.original_id);
    let found = match side.direction {
        Direction::Inbound => match store.copy_of(&side.account, side.id, id)? {
            Some(copy) => store.ticket(&side.account, copy)?,
            None => None,
        },
        Direction::Outbound => store
            .ticket(&side.account, id)?
            .filter(|t| t.sends_over(side.id)),
    };
    found.ok_or_else(|| {
        PartnerError::NotFound(format!(
            "no ticket shared over agreement `{}` with original id {id}",
            side.name
        ))
    })
}

/// An update of this account's ticket via ticket sharing, by no one.
fn blank(kind: UpdateKind, side: &Agreement, ticket_id: i64, at: Time) -> Update {
    Update {
        event_id: String::new(),
        kind,
        account: side.account.clone(),
        ticket_id,
        at,
        via: VIA.to_string(),
        actor: None,
        changes: Changes::default(),
        automation: None,
    }
}

/// The partner's ticket as a ticket of `partner`, with its conversation,
/// so that the copy is made by [`copy::changes`].
fn as_ticket(call: &TicketCall, partner: &str) -> (Ticket, Vec<StoredComment>) {
    let p = call.ticket;
    let mut t = Ticket::new(partner, p.original_id, VIA, call.at);
    t.subject = p.subject.clone().unwrap_or_default();
    t.status = p
        .status
        .as_deref()
        .and_then(Status::parse)
        .unwrap_or(Status::New);
    t.requester = p.requester.as_ref().and_then(|r| r.email.clone());
    t.tags = p
        .tags
        .iter()
        .flatten()
        .map(|tag| tag.to_lowercase().into())
        .collect();
    set_fields(&mut t, p);
    let comments = p
        .comments
        .iter()
        .enumerate()
        .map(|(i, c)| StoredComment {
            seq: i as i64,
            author: author(c),
            body: c.body.clone(),
            public: c.public,
            via: VIA.to_string(),
            at: call.at,
            event_id: String::new(),
            rule: None,
        })
        .collect();
    (t, comments)
}

/// `base` with what the payload says the partner's ticket now is.
fn applied(base: &Ticket, p: &SharedTicket) -> Ticket {
    let mut after = base.clone();
    if let Some(status) = p.status.as_deref().and_then(Status::parse) {
        after.status = status;
    }
    if let Some(tags) = &p.tags {
        after.tags = tags.iter().map(|t| t.to_lowercase().into()).collect();
    }
    set_fields(&mut after, p);
    after
}

/// Sets (or, for `null`, clears) the payload's custom fields on `t`.
fn set_fields(t: &mut Ticket, p: &SharedTicket) {
    for f in p.custom_fields.iter().flatten() {
        let key = f.title.to_lowercase();
        if f.value.is_null() {
            t.custom_fields.remove(&key);
        } else {
            let field = CustomField {
                title: f.title.clone(),
                value: f.value.clone(),
            };
            t.custom_fields.insert(key, field);
        }
    }
}

fn author(c: &SharedComment) -> String {
    c.author.as_ref().and_then(Person::who).unwrap_or_default()
}

/// The payload's comments as comments an update added.
fn added_comments(p: &SharedTicket) -> Vec<AddedComment> {
    p.comments
        .iter()
        .map(|c| AddedComment {
            author: Some(author(c)),
            rule: None,
            at: None,
            comment: NewComment {
                body: c.body.clone(),
                public: c.public,
            },
        })
        .collect()
}

/// Keeps the custom fields this account has, as for a local partner.
fn fit_fields(store: &Store, side: &Agreement, update: &mut Update) -> Result<(), PartnerError> {
    let mut world = World::new(store);
    let partner = side.partner();
    let notes = field_fits(&mut world, &partner, &side.account, update)?;
    update.changes.sharing_notes.extend(notes);
    Ok(())
}

/// The private note this account's ticket gets when the partner stops
/// sharing it.
fn unshare_note(side: &Agreement, call: &TicketCall) -> crate::model::Comment {
    crate::model::Comment {
        author: side.partner(),
        body: format!(
            "`{}` stopped sharing ticket {} over `{}`; this ticket no longer syncs",
            side.partner(),
            call.ticket.original_id,
            side.name
        ),
        public: false,
        via: VIA.to_string(),
        at: call.at,
    }
}
