//! A ticket's sharing links: who holds the other copy (an account of this
//! server, with the copy's id, or a partner on another server, with what
//! waits for it in the outbox), over which agreement, live or not; and
//! how the ticket and network pages show them.

use super::page::time;
use super::session::{with_account, Viewer};
use crate::model::{Agreement, Ticket, Time};
use crate::server::delivery::agreement_of;
use crate::store::{AgreementKey, Store, StoreError};
use maud::{html, Markup};

/// Where a link's other copy is.
pub enum Holder {
    /// An account of this store, with the copy's id there (`None` once
    /// it no longer syncs).
    Local { account: String, copy: Option<i64> },
    /// A partner on another server, and what waits for it.
    Remote {
        key: AgreementKey,
        delivery: Delivery,
    },
    /// A partner no transport reaches (invited by subdomain).
    Elsewhere { partner: String },
}

/// What waits in the outbox for a remote partner.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    pub depth: usize,
    pub last_error: Option<String>,
    pub next_retry: Option<Time>,
}

/// One sharing link of a ticket.
pub struct Link {
    /// True for the copy this ticket was shared to; false for the one it
    /// came from.
    pub out: bool,
    pub agreement_id: i64,
    pub agreement: String,
    pub live: bool,
    pub holder: Holder,
}

/// The ticket's links: the shares it made, then the one it came by.
pub fn links(store: &Store, t: &Ticket) -> Result<Vec<Link>, StoreError> {
    let mut links = Vec::new();
    for share in &t.shares {
        let holder = match store.agreement(&t.account, share.agreement_id)? {
            Some(side) => holder(store, &side, Some(t.id), |peer| {
                let copy = store.copy_of(&side.partner(), peer.id, t.id)?;
                Ok(copy.filter(|_| share.active))
            })?,
            None => Holder::Elsewhere {
                partner: share.partner.clone(),
            },
        };
        links.push(Link {
            out: true,
            agreement_id: share.agreement_id,
            agreement: share.agreement.clone(),
            live: share.active,
            holder,
        });
    }
    if let Some(r) = &t.received {
        let holder = match store.agreement(&t.account, r.agreement_id)? {
            Some(side) => holder(store, &side, Some(t.id), |_| Ok(r.origin_id))?,
            None => Holder::Elsewhere {
                partner: r.partner.clone(),
            },
        };
        links.push(Link {
            out: false,
            agreement_id: r.agreement_id,
            agreement: r.agreement.clone(),
            live: r.active,
            holder,
        });
    }
    Ok(links)
}

/// Who holds the other side of agreement `side`: a local account (the
/// copy's id from `copy`, given the partner's side), or a remote partner
/// with what waits for it (about `ticket` alone, if given).
pub fn holder(
    store: &Store,
    side: &Agreement,
    ticket: Option<i64>,
    copy: impl FnOnce(&Agreement) -> Result<Option<i64>, StoreError>,
) -> Result<Holder, StoreError> {
    if let Some(key) = store.agreement_key(&side.account, side.id)? {
        let delivery = delivery(store, side, ticket)?;
        return Ok(Holder::Remote { key, delivery });
    }
    let partner = side.partner();
    if !store.accounts()?.contains(&partner) {
        return Ok(Holder::Elsewhere { partner });
    }
    let copy = match crate::sharing::agreements::peer(store, side)? {
        Some(peer) => copy(&peer)?,
        None => None,
    };
    Ok(Holder::Local {
        account: partner,
        copy,
    })
}

/// What waits in the outbox over agreement `side` (about `ticket` alone,
/// if given).
fn delivery(store: &Store, side: &Agreement, ticket: Option<i64>) -> Result<Delivery, StoreError> {
    let waiting: Vec<_> = store
        .pending_outbox()?
        .into_iter()
        .filter(|e| e.account == side.account && agreement_of(e) == Some(side.id))
        .filter(|e| ticket.is_none_or(|id| e.ticket_id == id))
        .collect();
    Ok(Delivery {
        depth: waiting.len(),
        last_error: waiting.iter().rev().find_map(|e| e.last_error.clone()),
        next_retry: waiting.iter().filter_map(|e| e.next_attempt_at).min(),
    })
}

pub fn sharing(viewer: &Viewer, links: &[Link]) -> Markup {
    html! {
        section aria-labelledby="sharing-h" {
            h2 #sharing-h { "Sharing" }
            @if links.is_empty() {
                p { "Not shared with any partner." }
            } @else {
                ul.links {
                    @for link in links { li { (one_link(viewer, link)) } }
                }
            }
        }
    }
}

fn one_link(viewer: &Viewer, link: &Link) -> Markup {
    let agreement = viewer.link(&format!("/network/agreements/{}", link.agreement_id));
    let state = if link.live {
        "live"
    } else {
        "no longer syncing"
    };
    html! {
        span class={ "badge " (if link.live { "live" } else { "stopped" }) } { (state) }
        " "
        @if link.out { "Shared to " } @else { "Received from " }
        (holder_text(&link.holder))
        " over agreement " a href=(agreement) { (link.agreement) }
        (copy_link(link))
        (delivery_text(&link.holder))
    }
}

fn holder_text(holder: &Holder) -> Markup {
    html! {
        @match holder {
            Holder::Local { account, .. } => { strong { (account) } " (this server)" }
            Holder::Remote { key, .. } => { strong { (key.partner_url) } " (remote)" }
            Holder::Elsewhere { partner } => { strong { (partner) } " (no transport here)" }
        }
    }
}

/// The link to the other copy, for a local partner.
fn copy_link(link: &Link) -> Markup {
    let Holder::Local {
        account,
        copy: Some(copy),
    } = &link.holder
    else {
        return html! {};
    };
    let label = if link.out {
        "their copy"
    } else {
        "the original"
    };
    html! {
        ": " a.partner-copy href=(with_account(&format!("/tickets/{copy}"), account)) {
            (label) ", ticket #" (copy) " of " (account)
        }
    }
}

/// A remote partner's delivery state.
pub fn delivery_text(holder: &Holder) -> Markup {
    let Holder::Remote { delivery: d, .. } = holder else {
        return html! {};
    };
    html! {
        div.delivery {
            "Outbox: " (d.depth) " waiting"
            @if let Some(e) = &d.last_error { "; last error: " code { (e) } }
            @if let Some(at) = &d.next_retry { "; next retry " (time(at)) }
        }
    }
}
