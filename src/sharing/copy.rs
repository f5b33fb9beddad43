//! The partner's copy of a newly shared ticket: subject, the conversation,
//! the requester, the status mapped (`hold` reads `open`; `new` under
//! `private_only`, which shares no status), tags and custom fields when
//! the terms say so. Group, assignee, priority and type are the partner's
//! own business and do not cross.

use super::mapped_status;
use super::network::VIA;
use crate::model::{Agreement, Changes, Comment, CommentTerms, ReceivedFrom, Status, Ticket, Time};
use crate::store::StoredComment;

/// The changes that create the copy on the partner's side, received over
/// `peer` (the partner's inbound side of `terms`).
pub fn changes(
    t: &Ticket,
    comments: &[StoredComment],
    terms: &Agreement,
    peer: &Agreement,
) -> Changes {
    let status = match terms.comments {
        CommentTerms::PublicAndPrivate => mapped_status(t.status),
        CommentTerms::PrivateOnly => Status::New,
    };
    let mut c = Changes {
        subject: Some(t.subject.clone()),
        status: Some(status),
        requester: t.requester.clone().map(Some),
        received_from: Some(ReceivedFrom {
            agreement: peer.id.to_string(),
            origin_id: Some(t.id),
        }),
        shared_comments: comments.iter().map(conversation).collect(),
        ..Changes::default()
    };
    if terms.sync_tags {
        c.set_tags = Some(t.tags.iter().map(String::from).collect());
    }
    if terms.sync_custom_fields {
        c.custom_fields = t
            .custom_fields
            .values()
            .map(|f| (f.title.clone(), f.value.clone()))
            .collect();
    }
    c
}

/// A comment of the sender's conversation, as the copy carries it.
fn conversation(c: &StoredComment) -> Comment {
    Comment {
        author: c.author.clone(),
        body: c.body.clone(),
        public: c.public,
        via: VIA.to_string(),
        at: c.at,
    }
}

/// How the copy's requester was found.
pub fn requester_note(email: &str, known: bool) -> String {
    if known {
        format!("requester `{email}` matched an existing user")
    } else {
        format!("requester `{email}` is new here: a stand-in user was made")
    }
}

/// The private note the other side's copy gets when a share stops.
pub fn unshare_note(t: &Ticket, a: &Agreement, at: Time) -> Comment {
    let body = match t.received.as_ref().filter(|r| r.agreement_id == a.id) {
        Some(_) => format!(
            "`{}` stopped sharing its copy (ticket {}) over `{}`; this ticket no longer syncs",
            t.account, t.id, a.name
        ),
        None => format!(
            "`{}` stopped sharing ticket {} over `{}`; this copy no longer syncs",
            t.account, t.id, a.name
        ),
    };
    Comment {
        author: t.account.clone(),
        body,
        public: false,
        via: VIA.to_string(),
        at,
    }
}
