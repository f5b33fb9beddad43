//! Who an event's actor is, by what the store knows rather than by what
//! the event claims (DESIGN.md, "Who is trusted, and with what"):
//!
//! - an agent or admin on the account's staff table keeps that role; an
//!   event naming them with another role is rejected;
//! - anyone else is an end user of the account; an event claiming they
//!   are an agent or admin is rejected (so no one writes into an account
//!   whose staff they are not on, except through a share);
//! - an end user may only comment on a ticket they requested, as Zendesk
//!   allows; their creates are not limited;
//! - an agent must be able to see the ticket ([`Staff::access`]).
//!
//! Updates no one made (rules, partners' syncs) carry no actor and are not
//! checked here; a remote partner's update is bounded by its agreement's
//! terms instead (`sharing::sync::from_partner`).

use super::{Changes, Role, Staff, Ticket, Update};

/// The role the store gives `email` in this account.
pub fn known_role(staff: &Staff, email: &str) -> Role {
    staff.agent(email).map_or(Role::EndUser, |a| a.role())
}

/// Ingest's rule for an update's actor, against the account's staff and
/// the ticket as stored. `Err(reason)` rejects the update.
pub fn check_actor(staff: &Staff, update: &Update, before: Option<&Ticket>) -> Result<(), String> {
    let Some(actor) = &update.actor else {
        return Ok(());
    };
    let (email, account) = (&actor.email, &update.account);
    let role = known_role(staff, email);
    if role != actor.role {
        return Err(contradiction(email, account, actor.role, role));
    }
    let Some(t) = before else {
        return Ok(());
    };
    if role == Role::EndUser {
        return end_user_limits(email, t, &update.changes);
    }
    let access = staff.access(t, email, role);
    if access.allowed() {
        return Ok(());
    }
    Err(format!(
        "`{email}` may not change ticket {} in `{account}`: {}",
        t.id,
        access.reason(account)
    ))
}

/// The reason an event's claimed role is refused.
fn contradiction(email: &str, account: &str, claimed: Role, known: Role) -> String {
    let claimed_words = role_words(claimed);
    match known {
        Role::EndUser => format!(
            "`{email}` claims to be {claimed_words} of `{account}`, but is not on its staff\nhelp: add them with `ticket-rules agents add {account} {email}{}`",
            if claimed == Role::Admin { " --admin" } else { "" }
        ),
        _ => format!(
            "`{email}` is {} of `{account}`, not {claimed_words}\nhelp: an event may not change who its actor is; give their role as `{}`",
            role_words(known),
            role_key(known)
        ),
    }
}

fn role_words(role: Role) -> &'static str {
    match role {
        Role::EndUser => "an end user",
        Role::Agent => "an agent",
        Role::Admin => "an admin",
    }
}

/// The role as an event writes it.
fn role_key(role: Role) -> &'static str {
    match role {
        Role::EndUser => "end_user",
        Role::Agent => "agent",
        Role::Admin => "admin",
    }
}

/// An end user may add a comment to a ticket they requested, and nothing
/// else.
fn end_user_limits(email: &str, t: &Ticket, changes: &Changes) -> Result<(), String> {
    let (id, account) = (t.id, &t.account);
    let requester = t.requester.as_deref().map(str::to_lowercase);
    if requester.as_deref() != Some(email.to_lowercase().as_str()) {
        return Err(format!(
            "`{email}` is an end user of `{account}` and did not request ticket {id}; end users may only comment on their own tickets"
        ));
    }
    let others = beyond_a_comment(changes);
    if others.is_empty() {
        return Ok(());
    }
    Err(format!(
        "`{email}` is an end user of `{account}` and may only comment on ticket {id}, not change its {}",
        others.join(", ")
    ))
}

/// What an update changes besides adding a comment, by name.
pub fn beyond_a_comment(c: &Changes) -> Vec<&'static str> {
    let set = [
        ("subject", c.subject.is_some()),
        ("status", c.status.is_some()),
        ("priority", c.priority.is_some()),
        ("type", c.ticket_type.is_some()),
        ("group", c.group.is_some()),
        ("assignee", c.assignee.is_some()),
        ("requester", c.requester.is_some()),
        ("organization", c.organization.is_some()),
        ("brand", c.brand.is_some()),
        (
            "tags",
            c.set_tags.is_some() || !c.add_tags.is_empty() || !c.remove_tags.is_empty(),
        ),
        ("custom fields", !c.custom_fields.is_empty()),
        (
            "sharing",
            c.received_from.is_some() || c.stop_share.is_some(),
        ),
        (
            "agents",
            !c.share_agents.is_empty() || !c.unshare_agents.is_empty(),
        ),
        ("scheduled replies", c.schedule_reply.is_some()),
    ];
    set.into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(name, _)| name)
        .collect()
}

#[cfg(test)]
mod tests;
