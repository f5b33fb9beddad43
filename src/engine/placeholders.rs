//! Fills `{{…}}` placeholders in comments and notifications from the
//! ticket. A placeholder with no value here (dynamic content, satisfaction
//! links) is left as written, so the reader sees what was not filled.

use crate::model::{Comment, Ticket, Update};

/// `text` with every placeholder we can fill filled.
pub fn render(text: &str, t: &Ticket, update: &Update) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + len];
        let whole = &rest[start..start + len + 2];
        match fill(inner, t, update) {
            Some(value) => out.push_str(&value),
            None => out.push_str(whole),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// One placeholder's value, with `upcase`/`downcase`/`capitalize` filters.
fn fill(inner: &str, t: &Ticket, update: &Update) -> Option<String> {
    let mut parts = inner.split('|').map(str::trim);
    let name = parts.next()?;
    let mut value = value_of(name, t, update)?;
    for filter in parts {
        value = match filter {
            "upcase" => value.to_uppercase(),
            "downcase" => value.to_lowercase(),
            "capitalize" => capitalize(&value),
            _ => value,
        };
    }
    Some(value)
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn value_of(name: &str, t: &Ticket, update: &Update) -> Option<String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let actor = update.actor.as_ref();
    Some(match name {
        "ticket.id" => t.id.to_string(),
        "ticket.subject" | "ticket.title" => t.subject.clone(),
        "ticket.origin_id" => origin_id(t),
        "ticket.account" => t.account.clone(),
        "ticket.description" => t.description.clone(),
        "ticket.status" => t.status.to_string(),
        "ticket.priority" => t.priority.map(|p| p.to_string()).unwrap_or_default(),
        "ticket.ticket_type" => t.ticket_type.map(|p| p.to_string()).unwrap_or_default(),
        "ticket.via" => t.via.clone(),
        "ticket.tags" => t.tags.joined(),
        "ticket.url" | "ticket.link" => format!("{}/tickets/{}", t.account, t.id),
        "ticket.created_at" => time(t.times.created_at),
        "ticket.updated_at" => time(t.times.updated_at),
        "ticket.group.name" => opt(&t.group),
        "ticket.brand.name" => opt(&t.brand),
        "ticket.organization.name" => opt(&t.organization),
        "ticket.requester.email" | "ticket.requester.name" => opt(&t.requester),
        "ticket.requester.first_name" => first_name(&opt(&t.requester)),
        "ticket.assignee.email" | "ticket.assignee.name" => opt(&t.assignee),
        "ticket.assignee.first_name" => first_name(&opt(&t.assignee)),
        "ticket.latest_comment" | "ticket.latest_comment_html" => body(&t.latest_comment),
        "ticket.latest_public_comment" | "ticket.latest_public_comment_html" => {
            body(&t.latest_public_comment)
        }
        "current_user.email" => actor.map(|a| a.email.clone()).unwrap_or_default(),
        "current_user.name" => actor
            .map(|a| a.name.clone().unwrap_or_else(|| a.email.clone()))
            .unwrap_or_default(),
        "current_user.first_name" => actor
            .map(|a| first_name(a.name.as_deref().unwrap_or(&a.email)))
            .unwrap_or_default(),
        _ => return None,
    })
}

/// The ticket's id on the other side of its share: on a received copy,
/// the sender's id; on a shared ticket, its live copy's id at the partner
/// once known (a local copy is known from the update after the share; a
/// remote partner never says it). Empty otherwise, as Zendesk renders an
/// unknown value.
fn origin_id(t: &Ticket) -> String {
    let other = match &t.received {
        Some(r) => r.origin_id,
        None => t.active_share().and_then(|s| s.partner_id),
    };
    other.map(|id| id.to_string()).unwrap_or_default()
}

fn body(c: &Option<Comment>) -> String {
    c.as_ref().map(|c| c.body.clone()).unwrap_or_default()
}

fn time(t: Option<crate::model::Time>) -> String {
    t.map(|t| t.to_rfc3339()).unwrap_or_default()
}

/// A name's first word, or an email's part before `@`.
fn first_name(who: &str) -> String {
    let who = who.split('@').next().unwrap_or(who);
    who.split([' ', '.']).next().unwrap_or(who).to_string()
}
