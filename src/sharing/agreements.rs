//! An agreement's life: invite, accept, decline, deactivate.
//!
//! Each account keeps its own side of an agreement. When both accounts are
//! in the store (both *local*), one agreement is two rows, told apart and
//! paired by these fields alone (so that imported agreements pair too):
//!
//! | side     | `account` | `remote_subdomain` | `partner_name` | `type`     |
//! |----------|-----------|--------------------|----------------|------------|
//! | sender   | `A`       | `S`                | `S`            | `outbound` |
//! | receiver | `S`       | `A`                | `A`            | `inbound`  |
//!
//! with the same `name` (ignoring ASCII case) and terms, and ids of their
//! own. A partner subdomain that is not in the store is *remote*: only the
//! local side is stored, and what the local side does to the agreement is
//! queued in the outbox for a transport to tell the partner.
//!
//! The moves ([`Action`]): the receiver accepts or declines a pending
//! invite; either side deactivates a pending or accepted agreement, and
//! that is final. Every function checks everything before its first write
//! and runs in one [`Store::transaction`], so an error leaves the store as
//! it was.

use crate::model::{Agreement, AgreementStatus, CommentTerms, Direction, Time};
use crate::store::{Store, StoreError};
use chrono::SecondsFormat;

/// The terms the sender chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Terms {
    pub comments: CommentTerms,
    pub sync_tags: bool,
    pub sync_custom_fields: bool,
}

/// What a side can do to an agreement after the invite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The receiver takes a pending invite.
    Accept,
    /// The receiver turns a pending invite down.
    Decline,
    /// Either side ends a pending or accepted agreement, for good.
    Deactivate,
}

impl Action {
    /// The status the action moves an agreement to.
    pub fn target(self) -> AgreementStatus {
        match self {
            Action::Accept => AgreementStatus::Accepted,
            Action::Decline => AgreementStatus::Declined,
            Action::Deactivate => AgreementStatus::Inactive,
        }
    }

    /// The action as a verb: `accept`.
    pub fn verb(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Decline => "decline",
            Action::Deactivate => "deactivate",
        }
    }

    /// The verb's past participle: `accepted`.
    pub fn done(self) -> &'static str {
        match self {
            Action::Accept => "accepted",
            Action::Decline => "declined",
            Action::Deactivate => "deactivated",
        }
    }
}

/// What [`invite`] created.
#[derive(Clone, Debug, PartialEq)]
pub struct Invited {
    /// The sender's side.
    pub outbound: Agreement,
    /// The receiver's side, when the receiver is local.
    pub inbound: Option<Agreement>,
    /// The receiver declines all invites, so both sides were created
    /// declined.
    pub declined: bool,
    /// The outbox entry that tells a remote receiver of the invite.
    pub outbox: Option<i64>,
}

/// What [`accept`], [`decline`] or [`deactivate`] changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Changed {
    pub action: Action,
    /// The status the acting side had before.
    pub before: AgreementStatus,
    /// The acting side, as it is now.
    pub side: Agreement,
    /// Is the partner in the store?
    pub partner_local: bool,
    /// The partner's side, as it is now, when the partner is local and has
    /// its side in the store.
    pub peer: Option<Agreement>,
    /// The outbox entry that tells a remote partner.
    pub outbox: Option<i64>,
    /// Shared tickets (on either side) that stopped syncing: a
    /// deactivation stops every ticket shared over the agreement.
    pub stopped: usize,
}

/// Why an agreement's life could not move on. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum AgreementError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The acting account is not in the store.
    #[error(
        "account `{account}` is not in the store\n\
         help: add it with `ticket-rules accounts add {account}`"
    )]
    NotLocal { account: String },
    /// `--to` differs from a local account only in case.
    #[error(
        "no account `{to}` in the store\n\
         help: did you mean `{near}`? an account not in the store is taken as remote, and \
         subdomains are compared exactly"
    )]
    NearMiss { to: String, near: String },
    /// An invite from an account to itself.
    #[error("`{account}` cannot invite itself\nhelp: invite the partner account's subdomain")]
    SelfInvite { account: String },
    /// An empty name or partner.
    #[error("the {what} is empty")]
    Blank { what: &'static str },
    /// An account already has an agreement of that name on that side.
    #[error(
        "`{account}` already has agreement {id} named `{name}` ({direction}, {status})\n\
         help: rules tell an account's agreements apart by name; choose another one"
    )]
    NameTaken {
        account: String,
        id: i64,
        name: String,
        direction: &'static str,
        status: &'static str,
    },
    /// The account has no agreement with that id.
    #[error("no agreement {id} in `{account}`\nhelp: {help}")]
    Unknown {
        account: String,
        id: i64,
        help: String,
    },
    /// The sender tried to accept or decline its own invite.
    #[error(
        "cannot {} agreement {id} `{name}`: only the receiving account `{receiver}` can {} it\n\
         help: `{account}` sent this invite; deactivating it withdraws it",
        .action.verb(), .action.verb()
    )]
    NotReceiver {
        account: String,
        id: i64,
        name: String,
        action: Action,
        receiver: String,
    },
    /// The agreement's status does not allow the action.
    #[error("cannot {} agreement {id} `{name}`: {reason}{}", .action.verb(), help_line(.help))]
    Refused {
        account: String,
        id: i64,
        name: String,
        action: Action,
        status: AgreementStatus,
        reason: String,
        help: Option<String>,
    },
}

/// A help line after a message, when there is help to give.
fn help_line(help: &Option<String>) -> String {
    help.as_ref()
        .map_or_else(String::new, |h| format!("\nhelp: {h}"))
}

/// Is the account in the store's accounts table?
pub fn is_local(store: &Store, account: &str) -> Result<bool, StoreError> {
    Ok(store.account_settings(account)?.is_some())
}

/// The partner's side of an agreement: the agreement of the account this
/// one's `remote_subdomain` names, of the opposite type, whose
/// `remote_subdomain` is this account, with the same name ignoring ASCII
/// case. `None` for a remote partner, or a local one without its side.
pub fn peer(store: &Store, agreement: &Agreement) -> Result<Option<Agreement>, StoreError> {
    let Some(partner) = agreement.remote_subdomain.as_deref() else {
        return Ok(None);
    };
    Ok(peer_among(agreement, &store.agreements(partner)?).cloned())
}

/// [`peer`] among the partner's agreements, already read.
pub fn peer_among<'a>(agreement: &Agreement, partners: &'a [Agreement]) -> Option<&'a Agreement> {
    let is_peer = |other: &&Agreement| {
        other.direction != agreement.direction
            && other.remote_subdomain.as_deref() == Some(agreement.account.as_str())
            && other.name.eq_ignore_ascii_case(&agreement.name)
    };
    let mut candidates = partners.iter().filter(is_peer);
    let first = candidates.next()?;
    // `invite` never makes two candidates, but imported agreements can:
    // the one that agrees on the status is the likelier pair, else the
    // oldest (the list is by id).
    let agreeing = std::iter::once(first)
        .chain(candidates)
        .find(|c| c.status == agreement.status);
    Some(agreeing.unwrap_or(first))
}

/// Invites `to` to share tickets with `from` under `name` and `terms`:
/// creates `from`'s outbound side, pending, and, when `to` is local, its
/// inbound side, pending too; both declined when `to` declines all
/// invites. A remote `to` hears of it through the outbox.
pub fn invite(
    store: &Store,
    from: &str,
    to: &str,
    name: &str,
    terms: Terms,
    at: Time,
) -> Result<Invited, AgreementError> {
    let (from, to, name) = (from.trim(), to.trim(), name.trim());
    store.transaction(|| {
        let receiver = check_invite(store, from, to, name)?;
        let declined = receiver.as_ref().is_some_and(|r| r.decline_all_invites);
        let status = if declined {
            AgreementStatus::Declined
        } else {
            AgreementStatus::Pending
        };
        let id = store.next_agreement_id()?;
        let side = |account: &str, partner: &str, id, direction| Agreement {
            id,
            status,
            direction,
            ..new_side(account, partner, name, terms, at)
        };
        let outbound = side(from, to, id, Direction::Outbound);
        store.insert_agreement(&outbound)?;
        let (inbound, outbox) = if receiver.is_some() {
            let inbound = side(to, from, id + 1, Direction::Inbound);
            store.insert_agreement(&inbound)?;
            (Some(inbound), None)
        } else {
            (None, Some(tell_partner(store, &outbound, at)?))
        };
        Ok(Invited {
            outbound,
            inbound,
            declined,
            outbox,
        })
    })
}

/// A new side of an agreement `name` with `partner`: outbound, pending,
/// id 0; callers set what differs.
pub fn new_side(account: &str, partner: &str, name: &str, terms: Terms, at: Time) -> Agreement {
    Agreement {
        id: 0,
        account: account.to_string(),
        name: name.to_string(),
        partner_name: Some(partner.to_string()),
        remote_subdomain: Some(partner.to_string()),
        status: AgreementStatus::Pending,
        direction: Direction::Outbound,
        comments: terms.comments,
        sync_tags: terms.sync_tags,
        sync_custom_fields: terms.sync_custom_fields,
        created_at: Some(stamp(at)),
        updated_at: Some(stamp(at)),
        url: None,
    }
}

/// Everything that can be wrong with an invite; the receiver's settings
/// when it is local.
fn check_invite(
    store: &Store,
    from: &str,
    to: &str,
    name: &str,
) -> Result<Option<crate::store::AccountSettings>, AgreementError> {
    for (what, text) in [
        ("sending account", from),
        ("partner subdomain", to),
        ("agreement name", name),
    ] {
        if text.is_empty() {
            return Err(AgreementError::Blank { what });
        }
    }
    require_local(store, from)?;
    if from == to {
        return Err(AgreementError::SelfInvite {
            account: from.to_string(),
        });
    }
    let receiver = store.account_settings(to)?;
    if receiver.is_none() {
        let accounts = store.accounts()?;
        if let Some(near) = accounts.into_iter().find(|a| a.eq_ignore_ascii_case(to)) {
            return Err(AgreementError::NearMiss {
                to: to.to_string(),
                near,
            });
        }
    }
    name_free(store, from, Direction::Outbound, name)?;
    if receiver.is_some() {
        name_free(store, to, Direction::Inbound, name)?;
    }
    Ok(receiver)
}

/// Refuses a name the account already uses on that side: the engine finds
/// an agreement by name and side, and [`peer`] pairs sides by name.
fn name_free(
    store: &Store,
    account: &str,
    direction: Direction,
    name: &str,
) -> Result<(), AgreementError> {
    let taken = store
        .agreements(account)?
        .into_iter()
        .find(|a| a.direction == direction && a.name.eq_ignore_ascii_case(name));
    match taken {
        None => Ok(()),
        Some(a) => Err(AgreementError::NameTaken {
            account: account.to_string(),
            id: a.id,
            name: a.name,
            direction: direction.as_str(),
            status: a.status.as_str(),
        }),
    }
}

/// The receiver accepts a pending invite; `id` is its (inbound) side.
pub fn accept(
    store: &Store,
    id: i64,
    as_account: &str,
    at: Time,
) -> Result<Changed, AgreementError> {
    transition(store, id, as_account, Action::Accept, at)
}

/// The receiver declines a pending invite; `id` is its (inbound) side.
pub fn decline(
    store: &Store,
    id: i64,
    as_account: &str,
    at: Time,
) -> Result<Changed, AgreementError> {
    transition(store, id, as_account, Action::Decline, at)
}

/// Either side ends a pending or accepted agreement, for good; `id` is the
/// acting account's side.
pub fn deactivate(
    store: &Store,
    id: i64,
    as_account: &str,
    at: Time,
) -> Result<Changed, AgreementError> {
    transition(store, id, as_account, Action::Deactivate, at)
}

/// Moves both sides of an agreement to the action's status (the partner's
/// only when it is local), or tells a remote partner through the outbox.
pub fn transition(
    store: &Store,
    id: i64,
    as_account: &str,
    action: Action,
    at: Time,
) -> Result<Changed, AgreementError> {
    store.transaction(|| {
        require_local(store, as_account)?;
        let side = side_of(store, as_account, id)?;
        check(&side, action)?;
        let partner_local = match side.remote_subdomain.as_deref() {
            Some(partner) => is_local(store, partner)?,
            None => false,
        };
        let peer = if partner_local {
            peer(store, &side)?
        } else {
            None
        };
        if let Some(p) = &peer {
            check_peer(&side, p, action)?;
        }
        let (status, updated) = (action.target(), stamp(at));
        let moved = |a: Agreement| Agreement {
            status,
            updated_at: Some(updated.clone()),
            ..a
        };
        store.set_agreement_status(&side.account, side.id, status, &updated)?;
        if let Some(p) = &peer {
            store.set_agreement_status(&p.account, p.id, status, &updated)?;
        }
        let mut stopped = 0;
        if action == Action::Deactivate {
            stopped += store.stop_links(&side.account, side.id)?;
            if let Some(p) = &peer {
                stopped += store.stop_links(&p.account, p.id)?;
            }
        }
        let before = side.status;
        let side = moved(side);
        let outbox = if partner_local {
            None
        } else {
            Some(tell_partner(store, &side, at)?)
        };
        Ok(Changed {
            action,
            before,
            side,
            partner_local,
            peer: peer.map(moved),
            outbox,
            stopped,
        })
    })
}

/// The partner on another server made a move (the Networked Help Desk
/// API's `PUT agreements/{uuid}`): the receiver accepted or declined, or
/// either side deactivated. `side` is this account's side. A move the
/// partner may not make (a sender accepting) or one the status does not
/// allow is refused; one already made is answered as it stands.
pub fn partner_moved(
    store: &Store,
    side: &Agreement,
    action: Action,
    at: Time,
) -> Result<Changed, AgreementError> {
    store.transaction(|| {
        let by_receiver = matches!(action, Action::Accept | Action::Decline);
        if by_receiver && side.direction == Direction::Inbound {
            let reason = format!("only `{}`, the receiver, can do that", side.account);
            return Err(refused(side, action, reason, None));
        }
        let done = side.status == action.target();
        if !done {
            if let Some((reason, help)) = refusal(side, action) {
                return Err(refused(side, action, reason, help));
            }
            let updated = stamp(at);
            store.set_agreement_status(&side.account, side.id, action.target(), &updated)?;
        }
        let stopped = if action == Action::Deactivate && !done {
            store.stop_links(&side.account, side.id)?
        } else {
            0
        };
        let now = store.agreement(&side.account, side.id)?;
        Ok(Changed {
            action,
            before: side.status,
            side: now.unwrap_or_else(|| side.clone()),
            partner_local: false,
            peer: None,
            outbox: None,
            stopped,
        })
    })
}

fn require_local(store: &Store, account: &str) -> Result<(), AgreementError> {
    if is_local(store, account)? {
        Ok(())
    } else {
        Err(AgreementError::NotLocal {
            account: account.to_string(),
        })
    }
}

/// The account's side with this id, or an error that helps find the right
/// id: the account's side of the same agreement when `id` is the
/// partner's, else the ids it has.
fn side_of(store: &Store, account: &str, id: i64) -> Result<Agreement, AgreementError> {
    if let Some(side) = store.agreement(account, id)? {
        return Ok(side);
    }
    for other in store.agreements_with_id(id)? {
        if let Some(mine) = peer(store, &other)?.filter(|p| p.account == account) {
            let help = format!(
                "agreement {id} is `{}`'s side; `{account}`'s side of it is {}",
                other.account, mine.id
            );
            return Err(unknown(account, id, help));
        }
    }
    let ids: Vec<String> = store
        .agreements(account)?
        .iter()
        .map(|a| format!("{} (`{}`)", a.id, a.name))
        .collect();
    let help = if ids.is_empty() {
        format!("`{account}` has no agreements")
    } else {
        format!("`{account}` has agreements {}", ids.join(", "))
    };
    Err(unknown(account, id, help))
}

fn unknown(account: &str, id: i64, help: String) -> AgreementError {
    AgreementError::Unknown {
        account: account.to_string(),
        id,
        help,
    }
}

/// Refuses an action the side's type or status does not allow.
fn check(side: &Agreement, action: Action) -> Result<(), AgreementError> {
    let by_receiver = matches!(action, Action::Accept | Action::Decline);
    if by_receiver && side.direction == Direction::Outbound {
        return Err(AgreementError::NotReceiver {
            account: side.account.clone(),
            id: side.id,
            name: side.name.clone(),
            action,
            receiver: side.partner(),
        });
    }
    match refusal(side, action) {
        None => Ok(()),
        Some((reason, help)) => Err(refused(side, action, reason, help)),
    }
}

/// Refuses to move a local partner's side that disagrees with this one in
/// a way the action cannot mend (the sides of imported agreements need not
/// agree): an inactive side stays inactive.
fn check_peer(side: &Agreement, peer: &Agreement, action: Action) -> Result<(), AgreementError> {
    if peer.status == action.target() || refusal(peer, action).is_none() {
        return Ok(());
    }
    let reason = format!(
        "the other side, agreement {} of `{}`, is {}",
        peer.id,
        peer.account,
        peer.status.as_str()
    );
    let help = "the two sides disagree; import them again so that they agree".to_string();
    Err(refused(side, action, reason, Some(help)))
}

fn refused(
    side: &Agreement,
    action: Action,
    reason: String,
    help: Option<String>,
) -> AgreementError {
    AgreementError::Refused {
        account: side.account.clone(),
        id: side.id,
        name: side.name.clone(),
        action,
        status: side.status,
        reason,
        help,
    }
}

/// Why the side's status does not allow the action, and what would help;
/// `None` when it does.
fn refusal(side: &Agreement, action: Action) -> Option<(String, Option<String>)> {
    use AgreementStatus::{Accepted, Declined, Inactive, Pending};
    let status = side.status;
    let (id, account, partner) = (side.id, &side.account, side.partner());
    let invite_again = || {
        Some(format!(
            "`{partner}` can invite `{account}` again, under a new name"
        ))
    };
    match (action, status) {
        (Action::Accept | Action::Decline, Pending) => None,
        (Action::Deactivate, Pending | Accepted) => None,
        (_, s) if s == action.target() => Some((format!("it is already {}", s.as_str()), None)),
        (_, Inactive) => Some((
            "it is inactive, and deactivation is final".into(),
            invite_again(),
        )),
        (Action::Accept, Declined) => Some(("it was declined".into(), invite_again())),
        (Action::Decline, Accepted) => Some((
            "it is already accepted".into(),
            Some(format!(
                "to end it, deactivate it: `ticket-rules agreements deactivate {id} --as {account}`"
            )),
        )),
        (Action::Accept | Action::Decline, s) => Some((
            format!(
                "it is {}; only a pending agreement can be {}",
                s.as_str(),
                action.done()
            ),
            None,
        )),
        (Action::Deactivate, s) => Some((
            format!(
                "it is {}; only a pending or accepted agreement can be deactivated",
                s.as_str()
            ),
            None,
        )),
    }
}

/// Queues the side's new state for its remote partner: an `agreement` row
/// with the side as Sharing Agreements API JSON.
pub(crate) fn tell_partner(store: &Store, side: &Agreement, at: Time) -> Result<i64, StoreError> {
    let event_id = format!("agreement-{}-{}", side.id, side.status.as_str());
    let payload = serde_json::json!({ "sharing_agreement": side });
    store.push_outbox(&event_id, &side.account, 0, "agreement", &payload, at)
}

/// A time as agreements record it: RFC 3339 to the second, in UTC, as
/// Zendesk writes `created_at` and `updated_at`.
pub fn stamp(at: Time) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests;
