//! `GET /tickets`: the tickets the viewer may see, filtered by status,
//! tag, group and sharing state, 25 a page. Pages are counted in tickets
//! the viewer may see, so a page is full even when the account holds
//! tickets of groups the viewer is kept out of.

use super::layout::{layout, Nav};
use super::page::{read, table, PageError};
use super::session::Viewer;
use crate::model::{Status, Ticket};
use crate::server::error::ApiError;
use crate::server::AppState;
use crate::store::{Sharing, TicketFilter};
use axum::extract::{Query, State};
use maud::{html, Markup};
use serde::Deserialize;

/// Tickets a page.
pub const PER_PAGE: usize = 25;

/// The filters and the page, as the form sends them (empty: any).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    status: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    sharing: String,
    /// Not a number: the first page.
    #[serde(default)]
    page: String,
}

/// The sharing states the filter offers: (value, label).
const SHARING: [(&str, &str); 3] = [
    ("out", "Shared out"),
    ("received", "Received"),
    ("none", "Not shared"),
];

impl Filters {
    fn store_filter(&self, account: &str) -> Result<TicketFilter, ApiError> {
        let status = match self.status.as_str() {
            "" => None,
            s => Some(Status::parse(s).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "unknown status `{s}`\nhelp: one of new, open, pending, hold, solved, closed"
                ))
            })?),
        };
        let sharing = match self.sharing.as_str() {
            "" => None,
            "out" => Some(Sharing::Out),
            "received" => Some(Sharing::Received),
            "none" => Some(Sharing::NotShared),
            s => {
                return Err(ApiError::bad_request(format!(
                    "unknown sharing state `{s}`\nhelp: one of out, received, none"
                )))
            }
        };
        let given = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        Ok(TicketFilter {
            account: Some(account.to_string()),
            status,
            tag: given(&self.tag).map(|t| t.to_lowercase()),
            group: given(&self.group),
            sharing,
            ..TicketFilter::default()
        })
    }

    /// The query string of these filters at page `n`.
    fn query(&self, account: &str, n: usize) -> String {
        let mut q = super::session::with_account("/tickets", account);
        for (key, value) in [
            ("status", &self.status),
            ("tag", &self.tag),
            ("group", &self.group),
            ("sharing", &self.sharing),
        ] {
            if !value.is_empty() {
                q.push_str(&format!("&{key}={}", super::login::encode(value)));
            }
        }
        if n > 1 {
            q.push_str(&format!("&page={n}"));
        }
        q
    }
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(filters): Query<Filters>,
) -> Result<Markup, PageError> {
    let filter = filters
        .store_filter(viewer.account())
        .map_err(|e| PageError::from(e).to(&viewer))?;
    let number = filters.page.parse::<usize>().unwrap_or(1).max(1);
    let caller = viewer.caller.clone();
    let (tickets, more) = read(&state, &viewer, move |store| {
        Ok(caller.visible_page(store, filter, PER_PAGE, number)?)
    })
    .await?;
    let body = html! {
        h1 { "Tickets" }
        (filter_form(&viewer, &filters))
        (listing(&viewer, &tickets))
        nav.pages aria-label="Pages" {
            @if number > 1 {
                a rel="prev" href=(filters.query(viewer.account(), number - 1)) { "← Previous" }
            }
            span { "Page " (number) }
            @if more {
                a rel="next" href=(filters.query(viewer.account(), number + 1)) { "Next →" }
            }
        }
    };
    Ok(layout("Tickets", Some(&viewer), Nav::Tickets, body))
}

fn filter_form(viewer: &Viewer, f: &Filters) -> Markup {
    let groups: Vec<&String> = viewer.caller.staff.groups.values().collect();
    html! {
        form.filters method="get" action="/tickets" {
            input type="hidden" name="account" value=(viewer.account());
            p {
                label for="status" { "Status" }
                select #status name="status" {
                    option value="" { "Any" }
                    @for s in Status::ALL {
                        option value=(s.as_str()) selected[f.status == s.as_str()] { (s.as_str()) }
                    }
                }
            }
            p {
                label for="tag" { "Tag" }
                input #tag name="tag" type="text" value=(f.tag);
            }
            p {
                label for="group" { "Group" }
                select #group name="group" {
                    option value="" { "Any" }
                    @for g in groups {
                        option value=(g) selected[f.group.eq_ignore_ascii_case(g)] { (g) }
                    }
                }
            }
            p {
                label for="sharing" { "Sharing" }
                select #sharing name="sharing" {
                    option value="" { "Any" }
                    @for (value, label) in SHARING {
                        option value=(value) selected[f.sharing == value] { (label) }
                    }
                }
            }
            button type="submit" { "Filter" }
        }
    }
}

fn listing(viewer: &Viewer, tickets: &[Ticket]) -> Markup {
    html! {
        @if tickets.is_empty() {
            p.empty { "No tickets match." }
        } @else {
            (table(Some("Tickets you may see"), &["#", "Subject", "Status", "Priority", "Group", "Assignee", "Tags", "Sharing"], html! {
                @for t in tickets {
                    tr {
                        td { (t.id) }
                        td.title { a href=(viewer.link(&format!("/tickets/{}", t.id))) { (subject(t)) } }
                        td { span class={ "status s-" (t.status.as_str()) } { (t.status.as_str()) } }
                        td { (t.priority.map_or("-", |p| p.as_str())) }
                        td { (t.group.as_deref().unwrap_or("-")) }
                        td { (t.assignee.as_deref().unwrap_or("-")) }
                        td { (tags(t)) }
                        td { (sharing_state(t)) }
                    }
                }
            }))
        }
    }
}

/// The subject, or a stand-in for a ticket that has none.
pub fn subject(t: &Ticket) -> String {
    if t.subject.trim().is_empty() {
        format!("(no subject) #{}", t.id)
    } else {
        t.subject.clone()
    }
}

pub fn tags(t: &Ticket) -> Markup {
    html! {
        @if t.tags.is_empty() {
            "-"
        } @else {
            ul.tags {
                @for tag in &t.tags { li { (tag) } }
            }
        }
    }
}

/// The ticket's sharing state in words.
pub fn sharing_state(t: &Ticket) -> String {
    match (t.active_share(), &t.received) {
        (Some(s), _) => format!("shared out to {}", s.partner),
        (None, Some(r)) if r.active => format!("received from {}", r.partner),
        (None, Some(r)) => format!("received from {} (no longer syncing)", r.partner),
        (None, None) => "not shared".to_string(),
    }
}
