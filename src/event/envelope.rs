//! The top of an event (`id`, `type`, `account`, `at`, `via`, `actor`)
//! around its body, read into an [`Update`]; and a bare ticket wrapped as a
//! create event.

use super::changes::{changes, ticket, CHANGE_KEYS, TICKET_KEYS};
use super::error::{Cx, EventError};
use super::fields::{unknown_value, Fields};
use super::json::{Entries, Json};
use crate::model::{Actor, Changes, Role, Time, Update, UpdateKind};
use crate::rules::schema::{channel, CHANNELS};

type Result<T> = std::result::Result<T, EventError>;

/// The keys at the top of an event.
const EVENT_KEYS: &[&str] = &[
    "id",
    "type",
    "account",
    "at",
    "via",
    "actor",
    "ticket",
    "ticket_id",
    "changes",
];

/// The channel of an event that names none.
const DEFAULT_VIA: &str = "api";

/// Reads one event object.
pub(super) fn event<'t>(cx: &Cx<'t>, entries: Entries<'t>) -> Result<Update> {
    let mut f = Fields::new(cx, Vec::new(), entries, EVENT_KEYS)?;
    let event_id = f.required_text("id")?;
    let kind = update_kind(&mut f)?;
    let account = f.required_text("account")?;
    let at = f.time("at")?;
    let via = via(&mut f)?;
    let actor = actor(&mut f)?;
    let (ticket_id, changes) = match kind {
        UpdateKind::Create => create_body(&mut f)?,
        UpdateKind::Update => update_body(&mut f)?,
    };
    let body = match kind {
        UpdateKind::Create => "ticket",
        UpdateKind::Update => "changes",
    };
    reply_has_author(cx, &[body], &changes, actor.as_ref())?;
    Ok(Update {
        event_id,
        kind,
        account,
        ticket_id,
        at,
        via,
        actor,
        changes,
        automation: None,
    })
}

/// A bare ticket object as a create event: id `ticket-json`, via `web`, by
/// its requester as an end user; `account` unless the ticket names one.
pub(super) fn bare_ticket<'t>(
    cx: &Cx<'t>,
    entries: Entries<'t>,
    account: &str,
    at: Time,
) -> Result<Update> {
    let (named, entries): (Entries, Entries) =
        entries.into_iter().partition(|(key, _)| key == "account");
    let account = match named.into_iter().last().map(|(_, value)| value) {
        None => account.to_string(),
        Some(Json::String(s)) if !s.trim().is_empty() => s.into_owned(),
        Some(other) => {
            let message = format!("`account` must be an account name, not {}", other.kind());
            return Err(cx.error(&["account"], message));
        }
    };
    let mut f = Fields::new(cx, Vec::new(), entries, TICKET_KEYS)?;
    let (ticket_id, changes) = ticket(&mut f)?;
    let actor = changes.requester.clone().flatten().map(|email| Actor {
        email,
        role: Role::EndUser,
        name: None,
    });
    reply_has_author(cx, &[], &changes, actor.as_ref())?;
    Ok(Update {
        event_id: "ticket-json".to_string(),
        kind: UpdateKind::Create,
        account,
        ticket_id,
        at,
        via: "web".to_string(),
        actor,
        changes,
        automation: None,
    })
}

/// A scheduled reply is posted as its author, so an event that schedules
/// one must say who it is; `body` is where `schedule_reply` sits.
fn reply_has_author(
    cx: &Cx,
    body: &[&'static str],
    changes: &Changes,
    actor: Option<&Actor>,
) -> Result<()> {
    if changes.schedule_reply.is_none() || actor.is_some() {
        return Ok(());
    }
    let mut path = body.to_vec();
    path.push("schedule_reply");
    let message = format!(
        "`{}` needs an `actor`: the reply is posted as its author",
        super::error::dotted(&path)
    );
    Err(cx.error(&path, message))
}

fn update_kind(f: &mut Fields) -> Result<UpdateKind> {
    match f.required("type")? {
        Json::String(s) if s.eq_ignore_ascii_case("create") => Ok(UpdateKind::Create),
        Json::String(s) if s.eq_ignore_ascii_case("update") => Ok(UpdateKind::Update),
        Json::String(s) => {
            let message = unknown_value("event type", &s, &["create", "update"]);
            Err(f.error("type", message))
        }
        other => Err(f.wrong_type("type", "`create` or `update`", &other)),
    }
}

/// `via`: a channel's DSL name, Zendesk via type or via id, read as the
/// DSL name (`ticket sharing`); `api` when absent.
fn via(f: &mut Fields) -> Result<String> {
    let text = match f.take("via") {
        None | Some(Json::Null) => return Ok(DEFAULT_VIA.to_string()),
        Some(Json::String(s)) => s.into_owned(),
        Some(Json::Number(n)) => n.to_string(),
        Some(other) => return Err(f.wrong_type("via", "a channel name", &other)),
    };
    match channel(&text) {
        Some(c) => Ok(c.name.to_string()),
        None => {
            let names: Vec<&str> = CHANNELS.iter().map(|c| c.name).collect();
            Err(f.error("via", unknown_value("channel", &text, &names)))
        }
    }
}

/// `actor`: `email` required, `role` (default end user), `name`.
fn actor(f: &mut Fields) -> Result<Option<Actor>> {
    let Some(mut a) = f.object("actor", &["email", "role", "name"])? else {
        return Ok(None);
    };
    let email = a.required_text("email")?;
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    let role = a.choice("role", "role", Role::parse, &roles)?;
    let name = a.nullable_name("name")?.flatten();
    Ok(Some(Actor {
        email,
        role: role.flatten().unwrap_or(Role::EndUser),
        name,
    }))
}

fn create_body(f: &mut Fields) -> Result<(i64, Changes)> {
    if f.has("changes") {
        let message = "a `create` event takes `ticket`, not `changes`";
        return Err(f.error("changes", message));
    }
    if f.has("ticket_id") {
        let message = "a `create` event gives the ticket's id as `ticket.id`, not `ticket_id`";
        return Err(f.error("ticket_id", message));
    }
    let mut t = f
        .object("ticket", TICKET_KEYS)?
        .ok_or_else(|| f.missing("ticket"))?;
    ticket(&mut t)
}

fn update_body(f: &mut Fields) -> Result<(i64, Changes)> {
    if f.has("ticket") {
        let message = "an `update` event takes `ticket_id` and `changes`, not `ticket`";
        return Err(f.error("ticket", message));
    }
    let ticket_id = f.positive_id("ticket_id")?;
    let mut c = f
        .object("changes", CHANGE_KEYS)?
        .ok_or_else(|| f.missing("changes"))?;
    Ok((ticket_id, changes(&mut c)?))
}
