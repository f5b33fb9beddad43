//! `GET /tickets/{id}`: one ticket as the viewer may see it (403 for a
//! group ticket the viewer is kept out of, 404 for none in the account):
//! its fields, tags and custom fields, its comments (public and private
//! marked), its sharing links ([`super::links`]), and its audit trail as
//! a timeline.

use super::layout::{layout, Nav};
use super::links::{links, sharing, Link};
use super::page::{read, time, PageError};
use super::session::Viewer;
use super::tickets::{sharing_state, subject, tags};
use crate::model::{Ticket, Time};
use crate::server::AppState;
use crate::store::{AuditEntry, StoredComment};
use axum::extract::{Path, State};
use maud::{html, Markup};

/// What the page reads.
struct Shown {
    ticket: Ticket,
    comments: Vec<StoredComment>,
    audit: Vec<AuditEntry>,
    links: Vec<Link>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let Ok(id) = id.parse::<i64>() else {
        return Err(PageError::from(crate::server::error::ApiError::not_found()).to(&viewer));
    };
    let caller = viewer.caller.clone();
    let shown = read(&state, &viewer, move |store| {
        let ticket = caller.visible(store, id)?;
        let comments = store.comments(&caller.account, id)?;
        let audit = store.audit(&caller.account, id)?;
        let links = links(store, &ticket)?;
        Ok(Shown {
            ticket,
            comments,
            audit,
            links,
        })
    })
    .await?;
    let title = subject(&shown.ticket);
    let body = html! {
        h1 { (title) }
        p.lede { "Ticket #" (shown.ticket.id) " of " (viewer.account()) " · " (sharing_state(&shown.ticket)) }
        (fields(&shown.ticket))
        (sharing(&viewer, &shown.links))
        (comments(&shown.comments))
        (timeline(&shown.audit))
    };
    Ok(layout(&title, Some(&viewer), Nav::Tickets, body))
}

fn fields(t: &Ticket) -> Markup {
    let rows: [(&str, String); 9] = [
        ("Status", t.status.as_str().to_string()),
        (
            "Priority",
            t.priority.map_or("-", |p| p.as_str()).to_string(),
        ),
        (
            "Type",
            t.ticket_type.map_or("-", |p| p.as_str()).to_string(),
        ),
        ("Group", t.group.clone().unwrap_or_else(|| "-".into())),
        ("Assignee", t.assignee.clone().unwrap_or_else(|| "-".into())),
        (
            "Requester",
            t.requester.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "Organization",
            t.organization.clone().unwrap_or_else(|| "-".into()),
        ),
        ("Brand", t.brand.clone().unwrap_or_else(|| "-".into())),
        ("Channel", t.via.clone()),
    ];
    html! {
        section aria-labelledby="fields-h" {
            h2 #fields-h { "Fields" }
            dl.fields {
                @for (name, value) in &rows {
                    dt { (name) } dd { (value) }
                }
                dt { "Tags" } dd { (tags(t)) }
                @for field in t.custom_fields.values() {
                    dt { (field.title) } dd { (field_value(&field.value)) }
                }
                @if let Some(at) = &t.times.created_at {
                    dt { "Created" } dd { (time(at)) }
                }
                @if let Some(at) = &t.times.updated_at {
                    dt { "Updated" } dd { (time(at)) }
                }
            }
        }
    }
}

fn field_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "-".into(),
        other => other.to_string(),
    }
}

fn comments(list: &[StoredComment]) -> Markup {
    html! {
        section aria-labelledby="comments-h" {
            h2 #comments-h { "Comments" }
            @if list.is_empty() { p { "No comments." } }
            ol.comments {
                @for c in list {
                    li class=(if c.public { "comment public" } else { "comment private" }) {
                        p.meta {
                            span class={ "badge " (if c.public { "public" } else { "private" }) } {
                                (if c.public { "Public" } else { "Private note" })
                            }
                            " " (c.author) " · via " (c.via) " · " (time(&c.at))
                        }
                        p.body { (c.body) }
                    }
                }
            }
        }
    }
}

/// The audit trail, one item an event, each change naming the rule that
/// made it (or the update itself, or the network).
fn timeline(audit: &[AuditEntry]) -> Markup {
    let mut events: Vec<(&str, &Time, Vec<&AuditEntry>)> = Vec::new();
    for entry in audit {
        match events.last_mut() {
            Some((id, _, entries)) if *id == entry.event_id => entries.push(entry),
            _ => events.push((&entry.event_id, &entry.at, vec![entry])),
        }
    }
    html! {
        section aria-labelledby="audit-h" {
            h2 #audit-h { "Audit trail" }
            @if events.is_empty() { p { "Nothing recorded yet." } }
            ol.timeline {
                @for (_, at, entries) in &events {
                    li {
                        p.meta { (time(at)) }
                        ul {
                            @for e in entries {
                                li {
                                    @match &e.rule {
                                        Some(rule) => { span.by { "rule " strong { (rule) } } }
                                        None if e.action == "sharing" => { span.by { "sharing" } }
                                        None => { span.by { "the update" } }
                                    }
                                    ": " (e.change)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
