//! The update's own changes, applied to the working ticket before any rule
//! runs, and recorded as changes with no rule.

use super::outcome::{AddedComment, Change};
use crate::model::tags::listed_in;
use crate::model::{
    Agreement, Changes, Comment, Direction, Received, ReceivedFrom, Ticket, Update,
};

/// Applies what the update asks for; returns the changes and the comment.
pub fn apply_changes(
    t: &mut Ticket,
    u: &Update,
    agreements: &[Agreement],
) -> (Vec<Change>, Vec<AddedComment>) {
    let c = &u.changes;
    let mut out = Vec::new();
    let field = |out: &mut Vec<Change>, name: &str, before: String, after: String| {
        if before != after {
            out.push(Change::Field {
                field: name.into(),
                before,
                after,
            });
        }
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let named = |v: Option<String>| v.unwrap_or_default();
    if let Some(s) = &c.subject {
        field(
            &mut out,
            "subject",
            std::mem::replace(&mut t.subject, s.clone()),
            s.clone(),
        );
    }
    if let Some(s) = c.status {
        let before = if u.kind == crate::model::UpdateKind::Create {
            String::new()
        } else {
            t.status.to_string()
        };
        t.set_status(s, u.at);
        field(&mut out, "status", before, s.to_string());
    }
    if let Some(p) = c.priority {
        let before = std::mem::replace(&mut t.priority, p);
        field(
            &mut out,
            "priority",
            named(before.map(|v| v.to_string())),
            named(p.map(|v| v.to_string())),
        );
    }
    if let Some(p) = c.ticket_type {
        let before = std::mem::replace(&mut t.ticket_type, p);
        field(
            &mut out,
            "type",
            named(before.map(|v| v.to_string())),
            named(p.map(|v| v.to_string())),
        );
    }
    if let Some(a) = &c.assignee {
        let before = text(&t.assignee);
        t.set_assignee(a.clone(), u.at);
        field(&mut out, "assignee", before, text(a));
    }
    let plain = [
        ("group", &c.group, &mut t.group),
        ("requester", &c.requester, &mut t.requester),
        ("organization", &c.organization, &mut t.organization),
        ("brand", &c.brand, &mut t.brand),
    ];
    for (name, change, slot) in plain {
        if let Some(v) = change {
            let before = std::mem::replace(slot, v.clone());
            field(&mut out, name, text(&before), text(v));
        }
    }
    if c.requester.is_some() {
        t.times.requester_updated_at = Some(u.at);
    }
    tags(t, u, &mut out);
    for (title, value) in &c.custom_fields {
        let before = t.custom_field(title).cloned().unwrap_or_default();
        t.set_custom_field(title, value.clone());
        let name = format!("custom field {}", crate::rules::schema::quote(title));
        let text = crate::model::ticket::value_text;
        field(&mut out, &name, text(&before), text(value));
    }
    if let Some(from) = &c.received_from {
        out.push(received(t, from, agreements));
    }
    if let Some(id) = c.stop_share {
        out.extend(stop_share(t, id));
    }
    agent_shares(t, c, &mut out);
    out.extend(replies(u));
    out.extend(
        c.sharing_notes
            .iter()
            .map(|note| Change::Sharing { note: note.clone() }),
    );
    let mut comments = comment(t, u, &mut out);
    comments.extend(shared_comments(t, u, &mut out));
    touch(t, u);
    (out, comments)
}

/// The agents the update shares the ticket with or takes it from; the
/// command that made the update has checked them against the account.
fn agent_shares(t: &mut Ticket, c: &Changes, out: &mut Vec<Change>) {
    for email in &c.share_agents {
        let agent = email.to_lowercase();
        if t.agents.insert(agent.clone()) {
            out.push(Change::AgentShared { agent });
        }
    }
    for email in &c.unshare_agents {
        let agent = email.to_lowercase();
        if t.agents.remove(&agent) {
            out.push(Change::AgentUnshared { agent });
        }
    }
}

/// The reply the update schedules, and the one it posts.
fn replies(u: &Update) -> Vec<Change> {
    let mut out = Vec::new();
    if let (Some(reply), Some(actor)) = (&u.changes.schedule_reply, &u.actor) {
        let kind = if reply.public { "public" } else { "private" };
        let note = format!(
            "{kind} reply by {} scheduled for {}: {:?}",
            actor.email,
            reply.at.to_rfc3339(),
            reply.body
        );
        out.push(Change::Reply { note });
    }
    if let Some(id) = u.changes.posts_reply {
        let note = format!("scheduled reply {id} posted");
        out.push(Change::Reply { note });
    }
    out
}

fn tags(t: &mut Ticket, u: &Update, out: &mut Vec<Change>) {
    let c = &u.changes;
    if let Some(set) = &c.set_tags {
        out.extend(replace_tags(t, set));
    }
    let added = t.tags.add_all(c.add_tags.iter().map(String::as_str));
    out.extend(added.into_iter().map(|tag| Change::TagAdded { tag }));
    let gone = t.tags.remove_all(c.remove_tags.iter().map(String::as_str));
    out.extend(gone.into_iter().map(|tag| Change::TagRemoved { tag }));
}

/// Removes a tag; `None` when it was not there.
pub fn remove_tag(t: &mut Ticket, tag: &str) -> Option<Change> {
    t.tags.take(tag).map(|tag| Change::TagRemoved { tag })
}

/// Makes the tags exactly `set`: removals first (in tag order), then
/// additions (in `set`'s order). Tags that stay are left where they are.
pub fn replace_tags<S: AsRef<str>>(t: &mut Ticket, set: &[S]) -> Vec<Change> {
    let mut keep: Vec<&str> = set.iter().map(AsRef::as_ref).collect();
    keep.sort_unstable();
    // A ticket's rules may have added dozens of tags this drops.
    let mut kept = listed_in(&keep);
    let gone = t.tags.take_where(|tag| !kept(tag));
    let added = t.tags.add_all(set.iter().map(AsRef::as_ref));
    let mut out = Vec::with_capacity(gone.len() + added.len());
    out.extend(gone.into_iter().map(|tag| Change::TagRemoved { tag }));
    out.extend(added.into_iter().map(|tag| Change::TagAdded { tag }));
    out
}

fn comment(t: &mut Ticket, u: &Update, out: &mut Vec<Change>) -> Vec<AddedComment> {
    let Some(c) = &u.changes.comment else {
        return Vec::new();
    };
    let author = u.actor.as_ref().map(|a| a.email.clone());
    t.add_comment(Comment {
        author: author.clone().unwrap_or_default(),
        body: c.body.clone(),
        public: c.public,
        via: u.via.clone(),
        at: u.at,
    });
    out.push(Change::CommentAdded {
        public: c.public,
        body: c.body.clone(),
    });
    vec![AddedComment {
        at: None,
        author,
        rule: None,
        comment: c.clone(),
    }]
}

/// Comments from a partner's copy, each under its own author.
fn shared_comments(t: &mut Ticket, u: &Update, out: &mut Vec<Change>) -> Vec<AddedComment> {
    let mut added = Vec::new();
    for c in &u.changes.shared_comments {
        t.add_comment(Comment {
            via: u.via.clone(),
            ..c.clone()
        });
        out.push(Change::CommentAdded {
            public: c.public,
            body: c.body.clone(),
        });
        added.push(AddedComment {
            at: Some(c.at),
            author: Some(c.author.clone()),
            rule: None,
            comment: crate::model::NewComment {
                body: c.body.clone(),
                public: c.public,
            },
        });
    }
    added
}

/// The partner stopped sharing: this ticket's link over the agreement
/// stops syncing, sent or received.
fn stop_share(t: &mut Ticket, agreement_id: i64) -> Option<Change> {
    let sent = t
        .shares
        .iter_mut()
        .filter(|s| s.active && s.agreement_id == agreement_id)
        .map(|s| (&mut s.active, s.agreement.clone(), s.partner.clone()));
    let received = t
        .received
        .iter_mut()
        .filter(|r| r.active && r.agreement_id == agreement_id)
        .map(|r| (&mut r.active, r.agreement.clone(), r.partner.clone()));
    let (active, agreement, partner) = sent.chain(received).next()?;
    *active = false;
    Some(Change::Unshared { agreement, partner })
}

/// Moves the update times: the ticket's, and the requester's or assignee's
/// when they made it.
fn touch(t: &mut Ticket, u: &Update) {
    t.times.updated_at = Some(u.at);
    let Some(actor) = &u.actor else { return };
    let is = |who: &Option<String>| {
        who.as_deref()
            .is_some_and(|w| w.eq_ignore_ascii_case(&actor.email))
    };
    if is(&t.requester) {
        t.times.requester_updated_at = Some(u.at);
    }
    if is(&t.assignee) {
        t.times.assignee_updated_at = Some(u.at);
    }
}

/// Marks a new ticket as a partner's copy; the agreement is this
/// account's inbound side of it (`ingest` rejects one it cannot find).
fn received(t: &mut Ticket, from: &ReceivedFrom, agreements: &[Agreement]) -> Change {
    // Inbound only: an outbound agreement may carry the same name.
    let found = agreements
        .iter()
        .find(|a| a.is_named(&from.agreement) && a.direction == Direction::Inbound);
    let received = Received {
        agreement_id: found.map_or(0, |a| a.id),
        agreement: found.map_or_else(|| from.agreement.clone(), |a| a.name.clone()),
        partner: found.map_or_else(|| from.agreement.clone(), |a| a.partner()),
        origin_id: from.origin_id,
        active: true,
    };
    let change = Change::Field {
        field: "received from".into(),
        before: String::new(),
        after: received.agreement.clone(),
    };
    t.received = Some(received);
    change
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Shared;

    fn names(changes: &[Change]) -> Vec<String> {
        let name = |c: &Change| match c {
            Change::TagRemoved { tag } => format!("-{tag}"),
            Change::TagAdded { tag } => format!("+{tag}"),
            other => format!("{other:?}"),
        };
        changes.iter().map(name).collect()
    }

    #[test]
    fn replace_tags_removes_in_tag_order_then_adds_in_the_order_given() {
        let mut t = Ticket::new("desk", 1, "web", crate::model::Time::default());
        t.tags = ["a", "c", "e", "g"].map(Shared::from).into();
        let changes = replace_tags(&mut t, &["g", "b", "c", "c", "z"]);
        assert_eq!(names(&changes), ["-a", "-e", "+b", "+z"]);
        assert_eq!(t.tags.joined(), "b c g z");
        assert!(replace_tags(&mut t, &["z", "g", "c", "b"]).is_empty());
        assert_eq!(
            names(&replace_tags(&mut t, &[] as &[&str])),
            ["-b", "-c", "-g", "-z"]
        );
    }
}
