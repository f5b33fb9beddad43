//! What a remote partner is sent: ticket-sharing payloads, after the
//! Networked Help Desk API Zendesk's ticket sharing speaks. Each outbox
//! row wraps one: `{"partner", "agreement_id", "agreement", "ticket"}`.
//!
//! Ids are stable uuids made from the account, the ticket and the comment,
//! so the same share sends the same uuids every time it is replayed.

use super::{mapped_status, sync::Delta};
use crate::engine::hash::fnv1a;
use crate::model::{Agreement, CommentTerms, Ticket, Time};
use crate::store::{StoredComment, User};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The sending account's users the payload names, by email.
pub type Users = HashMap<String, User>;

/// A uuid-shaped id, stable for the same parts.
pub fn uuid(parts: &[&str]) -> String {
    let text = parts.join("\u{1f}");
    let high = fnv1a(text.as_bytes());
    let low = fnv1a(format!("{text}\u{1e}").as_bytes());
    let hex = format!("{high:016x}{low:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn time(at: &Time) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The ticket as both sides know it: the sender's uuid and id. On a
/// received copy (`sender` false) that is the origin's, not this copy's.
fn shared_ticket(t: &Ticket, sender: bool) -> Map<String, Value> {
    let origin = t
        .received
        .as_ref()
        .filter(|_| !sender)
        .and_then(|r| Some((r.partner.as_str(), r.origin_id?)));
    let (account, id) = origin.unwrap_or((&t.account, t.id));
    let mut ticket = Map::new();
    ticket.insert(
        "uuid".into(),
        uuid(&[account, "ticket", &id.to_string()]).into(),
    );
    ticket.insert("original_id".into(), id.into());
    ticket
}

/// A person, as the partner sees them: `{uuid, name, role}`, and `email`
/// when they have one, so the partner matches its users as a local copy
/// does. A rule writes as an agent; someone the account has not seen, as
/// an end user.
fn person(account: &str, who: &str, users: &Users) -> Value {
    let user = users.get(who);
    let name = user
        .and_then(|u| u.name.clone())
        .unwrap_or_else(|| who.to_string());
    let role = match user {
        Some(u) => serde_json::to_value(u.role).unwrap_or_default(),
        None if who.starts_with("rule ") => "agent".into(),
        None => "end_user".into(),
    };
    let mut person = json!({"uuid": uuid(&[account, "user", who]), "name": name, "role": role});
    if who.contains('@') {
        person["email"] = who.into();
    }
    person
}

fn wrap(a: &Agreement, ticket: Value) -> Value {
    json!({
        "partner": a.partner(),
        "agreement_id": a.id,
        "agreement": a.name,
        "ticket": ticket,
    })
}

fn fields_json(fields: impl Iterator<Item = (String, Value)>) -> Value {
    fields
        .map(|(title, value)| json!({"title": title, "value": value}))
        .collect()
}

/// A new share: the whole ticket and its conversation.
pub fn share(t: &Ticket, comments: &[StoredComment], users: &Users, a: &Agreement) -> Value {
    let comments: Vec<Value> = comments
        .iter()
        .map(|c| {
            json!({
                "uuid": uuid(&[&t.account, "comment", &c.seq.to_string()]),
                "author": person(&t.account, &c.author, users),
                "body": c.body,
                "public": c.public,
                "authored_at": time(&c.at),
            })
        })
        .collect();
    let mut ticket = shared_ticket(t, true);
    ticket.insert("subject".into(), t.subject.clone().into());
    let requested = t.times.created_at.as_ref().map(time);
    ticket.insert("requested_at".into(), requested.into());
    // Under `private_only` status is not shared, as in an update.
    if a.comments == CommentTerms::PublicAndPrivate {
        let status = mapped_status(t.status).as_str();
        ticket.insert("status".into(), status.into());
    }
    let requester = t
        .requester
        .as_deref()
        .map(|email| person(&t.account, email, users));
    ticket.insert("requester".into(), requester.into());
    ticket.insert("comments".into(), comments.into());
    if a.sync_tags {
        ticket.insert("tags".into(), t.tags.iter().map(String::from).collect());
    }
    if a.sync_custom_fields {
        let fields = t.custom_fields.values();
        let fields = fields.map(|f| (f.title.clone(), f.value.clone()));
        ticket.insert("custom_fields".into(), fields_json(fields));
    }
    wrap(a, Value::Object(ticket))
}

/// A later change: only what crosses, with the tags as they now are.
/// `sender`: this side shared the ticket (else it received it).
pub fn update(t: &Ticket, d: &Delta, users: &Users, a: &Agreement, sender: bool) -> Value {
    let mut ticket = shared_ticket(t, sender);
    if let Some(status) = d.status {
        ticket.insert("status".into(), status.as_str().into());
    }
    if !d.comments.is_empty() {
        let comments: Vec<Value> = d
            .comments
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let key = format!("{}#{i}", time(&c.at));
                json!({
                    "uuid": uuid(&[&t.account, "comment", &t.id.to_string(), &key]),
                    "author": person(&t.account, &c.author, users),
                    "body": c.body,
                    "public": c.public,
                    "authored_at": time(&c.at),
                })
            })
            .collect();
        ticket.insert("comments".into(), comments.into());
    }
    if !d.add_tags.is_empty() || !d.remove_tags.is_empty() {
        ticket.insert("tags".into(), t.tags.iter().map(String::from).collect());
    }
    if !d.fields.is_empty() {
        ticket.insert(
            "custom_fields".into(),
            fields_json(d.fields.iter().cloned()),
        );
    }
    wrap(a, Value::Object(ticket))
}

/// The share stopped: the partner's copy no longer syncs.
pub fn unshare(t: &Ticket, a: &Agreement, sender: bool) -> Value {
    let mut ticket = shared_ticket(t, sender);
    ticket.insert("shared".into(), false.into());
    wrap(a, Value::Object(ticket))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_and_distinct() {
        let a = uuid(&["support", "ticket", "1"]);
        assert_eq!(a, uuid(&["support", "ticket", "1"]));
        assert_ne!(a, uuid(&["support", "ticket", "2"]));
        assert_ne!(a, uuid(&["support", "ticket1"]));
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }
}
