//! A partner's agreement calls: the invite (`POST agreements/{uuid}`, the
//! first contact, so it carries no token) and a status change (`PUT`).

use super::{PartnerError, Reply};
use crate::model::{Agreement, AgreementStatus, Direction, Time};
use crate::sharing::agreements::{is_local, new_side, partner_moved, tell_partner, Action};
use crate::sharing::remote::{account_of_url, Invite};
use crate::store::{AgreementKey, Store};

/// An invite to `account`: its inbound side, pending (declined when the
/// account declines all invites, and the sender is told so). The same
/// invite again changes nothing.
pub fn receive_invite(
    store: &Store,
    account: &str,
    path_uuid: &str,
    invite: &Invite,
    at: Time,
) -> Result<Reply, PartnerError> {
    let Some(settings) = store.account_settings(account)? else {
        return Err(PartnerError::NotFound(format!("no account `{account}`")));
    };
    let (key, name, sender_url) = required(invite, path_uuid)?;
    let Some(partner) = account_of_url(sender_url) else {
        let why = format!("`sender_url` `{sender_url}` is not a sharing URL");
        return Err(PartnerError::BadPayload(why));
    };
    if let Some(known) = store.agreement_key_by_uuid(account, path_uuid)? {
        if !same_secret(&known.access_key, key) {
            return Err(PartnerError::Unauthorized);
        }
        let side = store.agreement(account, known.id)?;
        return Ok(Reply::agreement(200, side.as_ref()));
    }
    if is_local(store, &partner)? {
        return Err(PartnerError::Rejected(format!(
            "the sender `{partner}` has the name of an account of this server"
        )));
    }
    let taken = store
        .agreements(account)?
        .into_iter()
        .find(|a| a.direction == Direction::Inbound && a.name.eq_ignore_ascii_case(name));
    if let Some(a) = taken {
        return Err(PartnerError::Rejected(format!(
            "`{account}` already has an inbound agreement named `{}` ({})",
            a.name,
            a.status.as_str()
        )));
    }
    let status = if settings.decline_all_invites {
        AgreementStatus::Declined
    } else {
        AgreementStatus::Pending
    };
    let side = Agreement {
        id: store.next_agreement_id()?,
        status,
        direction: Direction::Inbound,
        ..new_side(account, &partner, name, invite.terms(), at)
    };
    store.transaction(|| -> Result<(), PartnerError> {
        store.insert_agreement(&side)?;
        store.insert_agreement_key(&AgreementKey {
            account: account.to_string(),
            id: side.id,
            uuid: path_uuid.to_string(),
            access_key: key.to_string(),
            partner_url: sender_url.to_string(),
        })?;
        if status == AgreementStatus::Declined {
            tell_partner(store, &side, at)?;
        }
        Ok(())
    })?;
    Ok(Reply::agreement(201, Some(&side)))
}

/// The access key, name and sender URL an invite must carry.
fn required<'i>(
    invite: &'i Invite,
    path_uuid: &str,
) -> Result<(&'i str, &'i str, &'i str), PartnerError> {
    if invite.uuid != path_uuid {
        return Err(PartnerError::BadPayload(format!(
            "the agreement's uuid `{}` is not the one in the path, `{path_uuid}`",
            invite.uuid
        )));
    }
    let field = |value: &'i Option<String>, name: &str| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| PartnerError::BadPayload(format!("the invite has no `{name}`")))
    };
    Ok((
        field(&invite.access_key, "access_key")?,
        field(&invite.name, "name")?,
        field(&invite.sender_url, "sender_url")?,
    ))
}

/// The partner's move on an agreement both sides hold: `accepted` or
/// `declined` from the receiver, `inactive` from either.
pub fn receive_status(
    store: &Store,
    side: &Agreement,
    invite: &Invite,
    at: Time,
) -> Result<Reply, PartnerError> {
    let status = invite.status.as_deref().unwrap_or_default();
    let action = match status {
        "accepted" => Action::Accept,
        "declined" => Action::Decline,
        "inactive" => Action::Deactivate,
        other => {
            return Err(PartnerError::BadPayload(format!(
                "status `{other}` is not a move a partner makes\n\
                 help: send `accepted`, `declined` or `inactive`"
            )))
        }
    };
    let changed = partner_moved(store, side, action, at)
        .map_err(|e| PartnerError::Rejected(e.to_string()))?;
    Ok(Reply::agreement(200, Some(&changed.side)))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
