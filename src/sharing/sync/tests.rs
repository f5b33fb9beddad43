use super::*;
use crate::model::{Actor, Direction, Priority, Received, Role, Share, UpdateKind};
use serde_json::json;

fn terms(direction: Direction, comments: CommentTerms, sync: bool) -> Agreement {
    Agreement {
        id: 7,
        account: "support".into(),
        name: "Globex".into(),
        partner_name: None,
        remote_subdomain: Some("globex".into()),
        status: AgreementStatus::Accepted,
        direction,
        comments,
        sync_tags: sync,
        sync_custom_fields: sync,
        created_at: None,
        updated_at: None,
        url: None,
    }
}

fn received(active: bool) -> Ticket {
    let mut t = Ticket::new("support", 1, VIA, chrono::Utc::now());
    t.tags.insert("old".into());
    t.received = Some(Received {
        agreement_id: 7,
        agreement: "Globex".into(),
        partner: "globex".into(),
        origin_id: Some(5001),
        active,
    });
    t
}

fn partner_update() -> Update {
    Update {
        event_id: "g2".into(),
        kind: UpdateKind::Update,
        account: "support".into(),
        ticket_id: 1,
        at: chrono::Utc::now(),
        via: VIA.into(),
        actor: Some(Actor {
            email: "gina@globex.example".into(),
            role: Role::Agent,
            name: None,
        }),
        changes: Changes {
            status: Some(Status::Hold),
            priority: Some(Some(Priority::Urgent)),
            group: Some(Some("Tier 3".into())),
            set_tags: Some(vec!["new".into()]),
            custom_fields: vec![("Model".into(), json!("Z9"))],
            comment: Some(NewComment {
                body: "done".into(),
                public: true,
            }),
            ..Changes::default()
        },
        automation: None,
    }
}

#[test]
fn full_terms_let_status_tags_and_fields_through_and_nothing_else() {
    let a = terms(Direction::Inbound, CommentTerms::PublicAndPrivate, true);
    let u = from_partner(&partner_update(), &received(true), &a).unwrap();
    let c = &u.changes;
    assert_eq!(c.status, Some(Status::Open), "hold reads open here");
    assert_eq!(
        (c.add_tags.clone(), c.remove_tags.clone()),
        (vec!["new".to_string()], vec!["old".to_string()])
    );
    assert_eq!(c.custom_fields, vec![("Model".to_string(), json!("Z9"))]);
    assert_eq!(
        (c.priority, c.group.clone(), c.set_tags.clone()),
        (None, None, None)
    );
    assert_eq!(c.comment.as_ref().map(|n| n.public), Some(true));
    assert_eq!(
        c.sharing_notes,
        vec!["left out of the partner's update by agreement `Globex`: priority, group".to_string()]
    );
    assert_eq!(u.actor, partner_update().actor);
}

#[test]
fn private_only_without_sync_lets_only_the_comment_through() {
    let a = terms(Direction::Inbound, CommentTerms::PrivateOnly, false);
    let u = from_partner(&partner_update(), &received(true), &a).unwrap();
    let c = &u.changes;
    assert_eq!(c.status, None);
    assert!(c.add_tags.is_empty() && c.remove_tags.is_empty() && c.custom_fields.is_empty());
    // The sender's comments keep their own publicity.
    assert_eq!(c.comment.as_ref().map(|n| n.public), Some(true));
    assert!(c.sharing_notes[0].ends_with("priority, group, status, tags, custom fields"));
}

#[test]
fn a_receivers_public_reply_is_private_under_private_only() {
    let a = terms(Direction::Outbound, CommentTerms::PrivateOnly, false);
    let mut t = Ticket::new("support", 1, "web", chrono::Utc::now());
    t.shares.push(Share {
        agreement_id: 7,
        agreement: "Globex".into(),
        partner: "globex".into(),
        partner_id: None,
        active: true,
    });
    let u = from_partner(&partner_update(), &t, &a).unwrap();
    assert_eq!(u.changes.comment.as_ref().map(|n| n.public), Some(false));
    assert!(u.changes.sharing_notes[0].contains("public comments (made private)"));
}

#[test]
fn only_a_live_link_over_that_agreement_lets_a_partner_in() {
    let a = terms(Direction::Inbound, CommentTerms::PublicAndPrivate, true);
    let stopped = from_partner(&partner_update(), &received(false), &a).unwrap_err();
    assert!(stopped.starts_with("ticket 1 in `support` does not sync over agreement `Globex`"));
    let mut other = a.clone();
    other.id = 8;
    assert!(from_partner(&partner_update(), &received(true), &other).is_err());
    let mut inactive = a.clone();
    inactive.status = AgreementStatus::Inactive;
    let why = from_partner(&partner_update(), &received(true), &inactive).unwrap_err();
    assert_eq!(why, "agreement `Globex` is inactive; nothing syncs over it");
}
