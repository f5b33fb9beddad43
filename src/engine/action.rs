//! Compiled actions and what applying one does to the working ticket.

use super::changes;
use super::compile::{operand_text, tags_of, Interner};
use super::outcome::{AddedComment, Change, Effect, Notification, ShareOp};
use super::placeholders::render;
use crate::model::Shared;
use crate::model::{
    Agreement, Direction, NewComment, Priority, Share, ShareCheck, Staff, Status, Ticket,
    TicketType, Update,
};
use crate::rules::ast::{Action, ActionKind, Atom, FieldKey, SetField, Spanned};
use crate::rules::format;
use serde_json::Value;

/// A compiled action and how it was written.
#[derive(Debug)]
pub struct Act {
    pub kind: ActKind,
    /// The action in the canonical DSL, as each effect of it shows it.
    pub text: Shared,
}

/// Who a notification goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    Requester,
    Assignee,
    CurrentUser,
    Group,
    Email(String),
}

#[derive(Debug)]
pub enum ActKind {
    Share(String),
    Unshare,
    /// `share ticket with agent`, by lowercased email.
    ShareAgent(String),
    /// `unshare ticket from agent`, by lowercased email.
    UnshareAgent(String),
    AddTags(Vec<Shared>),
    RemoveTags(Vec<Shared>),
    SetTags(Vec<Shared>),
    Status(Option<Status>),
    Priority(Option<Priority>),
    Type(Option<TicketType>),
    Group(Option<String>),
    /// `None` inside: `current user`.
    Assignee(Option<Option<String>>),
    Custom(String, Value),
    Comment(bool, String),
    Notify(Recipient, String, String),
    /// A Zendesk action ticket-rules does not run.
    Skip(String),
}

pub fn compile_action(a: &Action, interner: &mut Interner) -> Act {
    let text = format::action(a);
    let kind = match &a.kind.node {
        ActionKind::ShareTicket => ActKind::Share(operand_text(&a.args).unwrap_or_default()),
        ActionKind::UnshareTicket => ActKind::Unshare,
        ActionKind::ShareWithAgent => ActKind::ShareAgent(email_of(&a.args)),
        ActionKind::UnshareFromAgent => ActKind::UnshareAgent(email_of(&a.args)),
        ActionKind::AddTags => ActKind::AddTags(interned(&a.args, interner)),
        ActionKind::RemoveTags => ActKind::RemoveTags(interned(&a.args, interner)),
        ActionKind::SetTags => ActKind::SetTags(interned(&a.args, interner)),
        ActionKind::Set(field) => compile_set(*field, &a.args),
        ActionKind::SetCustomField(key) => {
            let title = match key {
                FieldKey::Title(t) => t.clone(),
                FieldKey::Id(id) => id.to_string(),
            };
            ActKind::Custom(title, json_of(&a.args))
        }
        ActionKind::AddComment { public } => {
            ActKind::Comment(*public, operand_text(&a.args).unwrap_or_default())
        }
        ActionKind::Notify => compile_notify(a),
        ActionKind::Zendesk(name) => ActKind::Skip(format!("Zendesk action `{name}` is not run")),
        ActionKind::Unknown(name) => ActKind::Skip(format!("unknown action `{name}`")),
    };
    Act {
        kind,
        text: text.into(),
    }
}

/// An agent's email, lowercased, as the ticket keeps it.
fn email_of(args: &[Spanned<Atom>]) -> String {
    operand_text(args).unwrap_or_default().to_lowercase()
}

/// Tags, lowercased and interned so conditions can see them once added.
fn interned(args: &[Spanned<Atom>], interner: &mut Interner) -> Vec<Shared> {
    let tags = tags_of(args);
    for t in &tags {
        interner.intern(t);
    }
    tags.into_iter().map(Shared::from).collect()
}

fn is_none(args: &[Spanned<Atom>]) -> bool {
    matches!(args, [a] if a.node == Atom::None)
}

fn compile_set(field: SetField, args: &[Spanned<Atom>]) -> ActKind {
    let text = if is_none(args) {
        None
    } else {
        operand_text(args)
    };
    let text = text.filter(|t| !t.is_empty());
    match field {
        SetField::Status => ActKind::Status(text.as_deref().and_then(Status::parse)),
        SetField::Priority => ActKind::Priority(text.as_deref().and_then(Priority::parse)),
        SetField::Type => ActKind::Type(text.as_deref().and_then(TicketType::parse)),
        SetField::Group => ActKind::Group(text),
        SetField::Assignee => match text {
            Some(t) if t.to_lowercase().replace('_', " ") == "current user" => {
                ActKind::Assignee(None)
            }
            other => ActKind::Assignee(Some(other)),
        },
    }
}

/// A custom field value: a number stays a number, `(none)` clears.
fn json_of(args: &[Spanned<Atom>]) -> Value {
    match args {
        [a] => match &a.node {
            Atom::Num(n) => Value::from(*n),
            Atom::None => Value::Null,
            Atom::Json(v) => v.clone(),
            _ => operand_text(args).map_or(Value::Null, Value::String),
        },
        _ => operand_text(args).map_or(Value::Null, Value::String),
    }
}

fn compile_notify(a: &Action) -> ActKind {
    let (who, texts) = a.notify_parts();
    let mut texts: Vec<String> = texts
        .iter()
        .filter_map(|t| match &t.node {
            Atom::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let recipient = match operand_text(who).map(|w| w.to_lowercase()).as_deref() {
        Some("requester") => Recipient::Requester,
        Some("assignee") => Recipient::Assignee,
        Some("current user") => Recipient::CurrentUser,
        Some("group") => Recipient::Group,
        _ if texts.len() == 3 => Recipient::Email(texts.remove(0)),
        _ => Recipient::Email(String::new()),
    };
    let body = texts.pop().unwrap_or_default();
    let subject = texts.pop().unwrap_or_default();
    ActKind::Notify(recipient, subject, body)
}

/// What applying actions produced besides changes to the ticket.
#[derive(Default)]
pub struct Produced {
    pub shares: Vec<ShareOp>,
    pub notifications: Vec<Notification>,
    pub comments: Vec<AddedComment>,
}

/// Where an action runs: the update it answers, the account's agreements
/// and, when known, its agents and groups.
pub struct ActionContext<'a> {
    pub update: &'a Update,
    pub agreements: &'a [Agreement],
    pub staff: Option<&'a Staff>,
    pub rule: &'a str,
}

/// Applies one action to the working ticket; adds what it did to
/// `effects`, one effect for each change.
pub fn apply(
    act: &Act,
    t: &mut Ticket,
    cx: &ActionContext,
    out: &mut Produced,
    effects: &mut Vec<Effect>,
) {
    let effect = |change| Effect {
        action: act.text.clone(),
        change,
    };
    let at = cx.update.at;
    // Tag actions make a change for each tag; the others make one.
    let change = match &act.kind {
        ActKind::AddTags(tags) => {
            effects.extend(tags.iter().map(|tag| effect(add_tag(t, tag))));
            return;
        }
        ActKind::RemoveTags(tags) => {
            effects.extend(tags.iter().map(|tag| effect(remove_tag(t, tag))));
            return;
        }
        ActKind::SetTags(tags) => {
            effects.extend(set_tags(t, tags).into_iter().map(effect));
            return;
        }
        ActKind::Status(None) => nothing("no such status"),
        ActKind::Status(Some(s)) => {
            let before = t.status;
            t.set_status(*s, at);
            field_change("status", before.as_str(), s.as_str())
        }
        ActKind::Priority(p) => {
            let before = std::mem::replace(&mut t.priority, *p);
            field_change("priority", name(before), name(*p))
        }
        ActKind::Type(p) => {
            let before = std::mem::replace(&mut t.ticket_type, *p);
            field_change("type", name(before), name(*p))
        }
        ActKind::Group(g) => {
            let before = std::mem::replace(&mut t.group, g.clone());
            field_change("group", text(&before), text(g))
        }
        ActKind::Assignee(who) => assign(who, t, cx),
        ActKind::Custom(title, value) => {
            let before = t.custom_field(title).cloned().unwrap_or(Value::Null);
            t.set_custom_field(title, value.clone());
            let field = format!("custom field {}", crate::rules::schema::quote(title));
            field_change(&field, value_text(&before), value_text(value))
        }
        ActKind::Comment(public, body) => {
            let body = render(body, t, cx.update);
            let comment = NewComment {
                body: body.clone(),
                public: *public,
            };
            t.add_comment(crate::model::Comment {
                author: format!("rule {:?}", cx.rule),
                body: body.clone(),
                public: *public,
                via: "rule".into(),
                at,
            });
            out.comments.push(AddedComment {
                at: None,
                author: None,
                rule: Some(cx.rule.to_string()),
                comment,
            });
            Change::CommentAdded {
                public: *public,
                body,
            }
        }
        ActKind::Notify(to, subject, body) => notify(to, subject, body, t, cx, out),
        ActKind::Share(name) => share(name, t, cx, out),
        ActKind::Unshare => unshare(t, cx, out),
        ActKind::ShareAgent(email) => share_agent(email, t, cx),
        ActKind::UnshareAgent(email) => unshare_agent(email, t),
        ActKind::Skip(why) => Change::Skipped { why: why.clone() },
    };
    effects.push(effect(change));
}

/// `Set assignee`; `None` is `current user`.
fn assign(who: &Option<Option<String>>, t: &mut Ticket, cx: &ActionContext) -> Change {
    let who = match (who, &cx.update.actor) {
        (Some(w), _) => w.clone(),
        (None, Some(actor)) => Some(actor.email.clone()),
        // `current user` with no one making the update: nobody to
        // assign, and no reason to unassign.
        (None, None) => return nothing("the update has no current user"),
    };
    let before = t.assignee.clone();
    t.set_assignee(who.clone(), cx.update.at);
    field_change("assignee", text(&before), text(&who))
}

fn name<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn value_text(v: &Value) -> String {
    crate::model::ticket::value_text(v)
}

fn nothing(why: impl Into<String>) -> Change {
    Change::Nothing { why: why.into() }
}

/// A field change, or `Nothing` when the value was already there.
fn field_change(field: &str, before: impl AsRef<str>, after: impl AsRef<str>) -> Change {
    let (before, after) = (before.as_ref(), after.as_ref());
    if before == after {
        let shown = if after.is_empty() { "(none)" } else { after };
        return nothing(format!("{field} is already {shown}"));
    }
    Change::Field {
        field: field.into(),
        before: before.into(),
        after: after.into(),
    }
}

fn add_tag(t: &mut Ticket, tag: &Shared) -> Change {
    // One search of the tag set, not two: a rule's tag is seldom there
    // already (a trigger usually tests that it is not), and the ticket
    // and the change share the rule's copy of the name.
    if t.tags.insert(tag.clone()) {
        return Change::TagAdded { tag: tag.clone() };
    }
    nothing(format!("tag {tag} is already there"))
}

fn remove_tag(t: &mut Ticket, tag: &str) -> Change {
    changes::remove_tag(t, tag).unwrap_or_else(|| nothing(format!("tag {tag} is not there")))
}

fn set_tags(t: &mut Ticket, tags: &[Shared]) -> Vec<Change> {
    let changes = changes::replace_tags(t, tags);
    if changes.is_empty() {
        return vec![nothing("the tags are already those")];
    }
    changes
}

fn notify(
    to: &Recipient,
    subject: &str,
    body: &str,
    t: &Ticket,
    cx: &ActionContext,
    out: &mut Produced,
) -> Change {
    let address = match to {
        Recipient::Requester => t.requester.clone(),
        Recipient::Assignee => t.assignee.clone(),
        Recipient::CurrentUser => cx.update.actor.as_ref().map(|a| a.email.clone()),
        Recipient::Group => t.group.as_ref().map(|g| format!("group {g}")),
        Recipient::Email(e) => Some(e.clone()).filter(|e| !e.is_empty()),
    };
    let Some(address) = address else {
        let who = match to {
            Recipient::Requester => "requester",
            Recipient::Assignee => "assignee",
            Recipient::CurrentUser => "current user",
            Recipient::Group => "group",
            Recipient::Email(_) => "address",
        };
        return nothing(format!("the ticket has no {who} to notify"));
    };
    let subject = render(subject, t, cx.update);
    out.notifications.push(Notification {
        rule: cx.rule.to_string(),
        to: address.clone(),
        subject: subject.clone(),
        body: render(body, t, cx.update),
    });
    Change::Notified {
        to: address,
        subject,
    }
}

/// `share ticket with`: checks the agreement and the ticket, then records
/// the share, or the refusal with its reason.
fn share(name: &str, t: &mut Ticket, cx: &ActionContext, out: &mut Produced) -> Change {
    let refuse = |out: &mut Produced, reason: String| {
        out.shares.push(ShareOp::Refused {
            agreement: name.to_string(),
            reason: reason.clone(),
            rule: cx.rule.to_string(),
        });
        Change::ShareRefused {
            agreement: name.to_string(),
            reason,
        }
    };
    // An outbound agreement first: an inbound one may carry the same name.
    let named = || cx.agreements.iter().filter(|a| a.is_named(name));
    let outbound = named().find(|a| a.direction == Direction::Outbound);
    let Some(agreement) = outbound.or_else(|| named().next()) else {
        return refuse(out, format!("no agreement named `{name}`"));
    };
    if let Some(reason) = agreement.refusal() {
        return refuse(out, reason);
    }
    if t.status == Status::Closed {
        return refuse(out, "the ticket is closed".into());
    }
    let partner = agreement.partner();
    if let Some(r) = t.received.as_ref().filter(|r| r.partner == partner) {
        let reason = format!(
            "the ticket came from `{}`; sharing it back would loop",
            r.partner
        );
        return refuse(out, reason);
    }
    if let Some(s) = t.active_share() {
        if s.agreement_id == agreement.id {
            return nothing(format!("already shared with {:?}", s.agreement));
        }
        let reason = format!("the ticket is already shared with `{}`", s.partner);
        return refuse(out, reason);
    }
    t.shares.push(Share {
        agreement_id: agreement.id,
        agreement: agreement.name.clone(),
        partner: partner.clone(),
        partner_id: None,
        active: true,
    });
    out.shares.push(ShareOp::Share {
        agreement_id: agreement.id,
        agreement: agreement.name.clone(),
        partner: partner.clone(),
        rule: cx.rule.to_string(),
    });
    Change::Shared {
        agreement: agreement.name.clone(),
        partner,
    }
}

/// `unshare ticket`: stops the share this account made, or, on a received
/// copy, the share it came by.
fn unshare(t: &mut Ticket, cx: &ActionContext, out: &mut Produced) -> Change {
    let found = if let Some(s) = t.shares.iter_mut().find(|s| s.active) {
        s.active = false;
        Some((s.agreement_id, s.agreement.clone(), s.partner.clone()))
    } else if let Some(r) = t.received.as_mut().filter(|r| r.active) {
        r.active = false;
        Some((r.agreement_id, r.agreement.clone(), r.partner.clone()))
    } else {
        None
    };
    let Some((agreement_id, agreement, partner)) = found else {
        return nothing("the ticket is not shared");
    };
    out.shares.push(ShareOp::Unshare {
        agreement_id,
        agreement: agreement.clone(),
        partner: partner.clone(),
        rule: cx.rule.to_string(),
    });
    Change::Unshared { agreement, partner }
}

/// `share ticket with agent`: shares the ticket with an agent outside its
/// group. Refused, with the reason, when the account has agent ticket
/// sharing off (as it is when the engine knows nothing of the account's
/// agents) or the email is not one of its agents; nothing to do when they
/// can see the ticket already.
fn share_agent(email: &str, t: &mut Ticket, cx: &ActionContext) -> Change {
    let check = match cx.staff {
        Some(staff) => staff.share_check(t, email),
        None => ShareCheck::Refused(format!("agent ticket sharing is off in `{}`", t.account)),
    };
    match check {
        ShareCheck::Share => {
            t.agents.insert(email.to_string());
            Change::AgentShared {
                agent: email.to_string(),
            }
        }
        ShareCheck::Already(why) => nothing(why),
        ShareCheck::Refused(reason) => Change::AgentShareRefused {
            agent: email.to_string(),
            reason,
        },
    }
}

/// `unshare ticket from agent`: the agent keeps whatever access their
/// groups give them; their scheduled replies on the ticket go if they
/// lose it (the store sees to that when it saves the ticket).
fn unshare_agent(email: &str, t: &mut Ticket) -> Change {
    if !t.agents.remove(email) {
        return nothing(format!("the ticket is not shared with agent `{email}`"));
    }
    Change::AgentUnshared {
        agent: email.to_string(),
    }
}
