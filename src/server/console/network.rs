//! `GET /network`: the viewer's account and its partners as a picture
//! ([`super::svg`]) and a table with the same facts, remote partners'
//! delivery state included; `GET /network/agreements/{id}`: one
//! agreement's terms and the tickets shared over it.

use super::layout::{layout, Nav};
use super::links::{delivery_text, holder, Holder};
use super::page::{read, table, time, PageError};
use super::session::Viewer;
use super::svg::{self, Arrow, Node};
use super::tickets::{sharing_state, subject};
use crate::model::{Agreement, AgreementStatus, Direction, Ticket};
use crate::server::error::ApiError;
use crate::server::AppState;
use crate::store::{Store, StoreError, TicketFilter};
use axum::extract::{Path, State};
use maud::{html, Markup};

/// Tickets an agreement's page lists at most.
const SHARED_SHOWN: usize = 100;

/// An agreement side with who holds its other side.
struct Side {
    agreement: Agreement,
    holder: Holder,
}

pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, PageError> {
    let account = viewer.account().to_string();
    let sides = read(&state, &viewer, move |store| Ok(sides(store, &account)?)).await?;
    let (nodes, arrows) = graph(&viewer, &sides);
    let title = format!("Sharing network of {}", viewer.account());
    let body = html! {
        h1 { "Sharing network" }
        p.lede { "Agreements of " (viewer.account()) " with its partners; arrows run from sender to receiver. Select an arrow for its terms and tickets." }
        @if sides.is_empty() {
            p { "No agreements yet." }
        }
        figure {
            (svg::picture(&title, &nodes, &arrows))
            figcaption { (legend()) }
        }
        (listing(&viewer, &sides))
    };
    Ok(layout("Network", Some(&viewer), Nav::Network, body))
}

pub async fn agreement(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let Ok(id) = id.parse::<i64>() else {
        return Err(PageError::from(ApiError::not_found()).to(&viewer));
    };
    let caller = viewer.caller.clone();
    let (side, tickets) = read(&state, &viewer, move |store| {
        let agreement = store
            .agreement(&caller.account, id)?
            .ok_or_else(ApiError::not_found)?;
        let holder = holder(store, &agreement, None, |_| Ok(None))?;
        let filter = TicketFilter {
            account: Some(caller.account.clone()),
            agreement: Some(id),
            ..TicketFilter::default()
        };
        let mut tickets = store.tickets(&filter)?;
        tickets.retain(|t| caller.may_see(t));
        tickets.truncate(SHARED_SHOWN);
        Ok((Side { agreement, holder }, tickets))
    })
    .await?;
    let a = &side.agreement;
    let title = format!("Agreement {}", a.name);
    let body = html! {
        h1 { (title) }
        (terms(&side))
        section aria-labelledby="shared-h" {
            h2 #shared-h { "Tickets shared over it" }
            (shared(&viewer, &tickets))
        }
        p { a href=(viewer.link("/network")) { "Back to the network" } }
    };
    Ok(layout(&title, Some(&viewer), Nav::Network, body))
}

/// Every agreement side of `account`, with who holds the other side.
fn sides(store: &Store, account: &str) -> Result<Vec<Side>, StoreError> {
    store
        .agreements(account)?
        .into_iter()
        .map(|agreement| {
            let holder = holder(store, &agreement, None, |_| Ok(None))?;
            Ok(Side { agreement, holder })
        })
        .collect()
}

/// The nodes (the viewer's account first) and the arrows.
fn graph(viewer: &Viewer, sides: &[Side]) -> (Vec<Node>, Vec<Arrow>) {
    let mut nodes = vec![Node {
        label: viewer.account().to_string(),
        remote: false,
    }];
    let mut arrows = Vec::new();
    for side in sides {
        let node = Node {
            label: side.agreement.partner(),
            remote: matches!(side.holder, Holder::Remote { .. }),
        };
        let index = match nodes.iter().position(|n| *n == node) {
            Some(i) => i,
            None => {
                nodes.push(node);
                nodes.len() - 1
            }
        };
        let (from, to) = match side.agreement.direction {
            Direction::Outbound => (0, index),
            Direction::Inbound => (index, 0),
        };
        arrows.push(Arrow {
            from,
            to,
            status: side.agreement.status,
            name: side.agreement.name.clone(),
            href: viewer.link(&format!("/network/agreements/{}", side.agreement.id)),
        });
    }
    (nodes, arrows)
}

fn legend() -> Markup {
    html! {
        ul.legend aria-label="Statuses" {
            @for status in AgreementStatus::ALL {
                @let (colour, dash) = svg::style(status);
                li {
                    svg width="40" height="10" aria-hidden="true" {
                        line x1="0" y1="5" x2="40" y2="5" stroke=(colour) stroke-width="3" stroke-dasharray=[dash] {}
                    }
                    " " (status.as_str())
                }
            }
            li { "○ this server's account · ▢ remote partner" }
        }
    }
}

fn listing(viewer: &Viewer, sides: &[Side]) -> Markup {
    html! {
        @if !sides.is_empty() {
            (table(Some("Agreements"), &["Agreement", "From", "To", "Status", "Terms", "Partner"], html! {
                @for side in sides {
                    @let a = &side.agreement;
                    @let (from, to) = ends(viewer, a);
                    tr data-status=(a.status.as_str()) {
                        td { a href=(viewer.link(&format!("/network/agreements/{}", a.id))) { (a.name) } }
                        td { (from) } td { (to) }
                        td { span class={ "status a-" (a.status.as_str()) } { (a.status.as_str()) } }
                        td { (terms_text(a)) }
                        td { (partner_cell(&side.holder)) }
                    }
                }
            }))
        }
    }
}

/// Sender and receiver.
fn ends(viewer: &Viewer, a: &Agreement) -> (String, String) {
    let (us, them) = (viewer.account().to_string(), a.partner());
    match a.direction {
        Direction::Outbound => (us, them),
        Direction::Inbound => (them, us),
    }
}

/// The terms, one to a line: run together they wrap mid-term in a
/// table's narrow cell.
fn terms_text(a: &Agreement) -> Markup {
    let yes = |b: bool| if b { "yes" } else { "no" };
    html! {
        span.term { "comments: " (a.comments.as_str()) ";" }
        " "
        span.term { "tags synced: " (yes(a.sync_tags)) ";" }
        " "
        span.term { "custom fields synced: " (yes(a.sync_custom_fields)) }
    }
}

fn partner_cell(holder: &Holder) -> Markup {
    html! {
        @match holder {
            Holder::Local { account, .. } => { (account) " (this server)" }
            Holder::Remote { key, .. } => { code { (key.partner_url) } (delivery_text(holder)) }
            Holder::Elsewhere { partner } => { (partner) " (no transport here)" }
        }
    }
}

fn terms(side: &Side) -> Markup {
    let a = &side.agreement;
    html! {
        dl.fields {
            dt { "Status" } dd { span class={ "status a-" (a.status.as_str()) } { (a.status.as_str()) } }
            dt { "Direction" } dd { (a.direction.as_str()) " (" (if a.direction == Direction::Outbound { "this account sends" } else { "this account receives" }) ")" }
            dt { "Partner" } dd { (partner_cell(&side.holder)) }
            dt { "Terms" } dd { (terms_text(a)) }
            @if let Some(at) = &a.created_at { dt { "Created" } dd { (stamp(at)) } }
            @if let Some(at) = &a.updated_at { dt { "Updated" } dd { (stamp(at)) } }
        }
    }
}

/// An agreement's time (kept as the text the API took) as every other
/// time on the pages shows, or as given when it is not RFC 3339.
fn stamp(at: &str) -> Markup {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(parsed) => time(&parsed.with_timezone(&chrono::Utc)),
        Err(_) => html! { (at) },
    }
}

fn shared(viewer: &Viewer, tickets: &[Ticket]) -> Markup {
    html! {
        @if tickets.is_empty() {
            p { "No tickets you may see were shared over it." }
        } @else {
            ul {
                @for t in tickets {
                    li {
                        a href=(viewer.link(&format!("/tickets/{}", t.id))) { "#" (t.id) " " (subject(t)) }
                        " · " (t.status.as_str()) " · " (sharing_state(t))
                        @if let Some(at) = &t.times.updated_at { " · updated " (time(at)) }
                    }
                }
            }
        }
    }
}
