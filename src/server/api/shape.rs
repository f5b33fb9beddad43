//! Tickets and audits in the shapes of Zendesk's ticket API. Users are
//! named by email where Zendesk has numeric ids (`assignee_email`,
//! `requester_email`), groups by name.

use crate::model::Ticket;
use crate::store::AuditEntry;
use serde_json::{json, Value};

/// A ticket as `GET /api/v2/tickets/{id}` answers it.
pub fn ticket(base: &str, t: &Ticket) -> Value {
    let fields: Vec<Value> = t
        .custom_fields
        .values()
        .map(|f| json!({ "title": f.title, "value": f.value }))
        .collect();
    let shares: Vec<Value> = t
        .shares
        .iter()
        .map(|s| json!({ "agreement": s.agreement, "partner": s.partner, "active": s.active }))
        .collect();
    json!({
        "id": t.id,
        "url": format!("{base}/api/v2/tickets/{}.json", t.id),
        "subject": t.subject,
        "description": t.description,
        "status": t.status,
        "priority": t.priority,
        "type": t.ticket_type,
        "group": t.group,
        "assignee_email": t.assignee,
        "requester_email": t.requester,
        "organization": t.organization,
        "brand": t.brand,
        "tags": t.tags,
        "custom_fields": fields,
        "via": { "channel": t.via },
        "created_at": t.times.created_at,
        "updated_at": t.times.updated_at,
        "sharing_agreements": shares,
        "received_from": t.received.as_ref().map(|r| json!({
            "agreement": r.agreement, "partner": r.partner, "active": r.active,
        })),
        "shared_with_agents": t.agents,
    })
}

/// One update's audit: what the update itself changed, then each rule that
/// fired and what it changed, in order. `entries` are the update's own.
pub fn audit(ticket_id: i64, author: Option<&str>, entries: &[AuditEntry]) -> Value {
    let events: Vec<Value> = entries
        .iter()
        .map(|a| {
            json!({
                "id": a.seq,
                "type": if a.rule.is_some() { "RuleChange" } else { "Change" },
                "rule": a.rule,
                "action": a.action,
                "change": a.change,
                "previous_value": a.before,
                "value": a.after,
            })
        })
        .collect();
    let first = entries.first();
    json!({
        "id": first.map(|a| a.seq),
        "ticket_id": ticket_id,
        "event_id": first.map(|a| a.event_id.clone()),
        "created_at": first.map(|a| a.at),
        "author_email": author,
        "events": events,
    })
}

/// A ticket's audits, one per update, oldest first (Zendesk's `GET
/// /api/v2/tickets/{id}/audits`).
pub fn audits(ticket_id: i64, entries: &[AuditEntry]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        if i == entries.len() || entries[i].event_id != entries[start].event_id {
            out.push(audit(ticket_id, None, &entries[start..i]));
            start = i;
        }
    }
    out
}
