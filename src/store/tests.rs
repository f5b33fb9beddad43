//! Tests of the store as a whole: round trips, apply, reject, savepoints,
//! migrations and agreements.

use super::schema::{self, MIGRATIONS};
use super::*;
use crate::engine::{AddedComment, Change, Effect, Fired, Notification, Outcome};
use crate::model::{
    Actor, AgreementStatus, Changes, Comment, CommentTerms, Direction, FieldType, NewComment,
    Priority, Received, Role, Share, Shared, Status, Tags, TicketType, Time, Times, Update,
    UpdateKind,
};
use serde_json::json;
use std::path::PathBuf;

/// A directory of its own under the system's temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("ticket-rules-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn at(text: &str) -> Time {
    text.parse().expect("a test time")
}

/// A ticket with every field set, times with nanoseconds included.
fn full_ticket() -> Ticket {
    let mut ticket = Ticket::new("acme", 42, "email", at("2024-05-01T09:00:00.123456789Z"));
    ticket.subject = "Printer on fire".to_string();
    ticket.description = "It is on fire.".to_string();
    ticket.status = Status::Hold;
    ticket.priority = Some(Priority::Urgent);
    ticket.ticket_type = Some(TicketType::Incident);
    ticket.group = Some("Support".to_string());
    ticket.assignee = Some("agent@acme.test".to_string());
    ticket.requester = Some("customer@example.test".to_string());
    ticket.organization = Some("Example Ltd".to_string());
    ticket.brand = Some("Acme".to_string());
    ticket.tags = ["fire", "vip", "printer"].map(Shared::from).into();
    ticket.set_custom_field("Order Number", json!("A-1001"));
    ticket.set_custom_field("Seats", json!(12));
    ticket.set_custom_field("Ratio", json!(0.25));
    ticket.set_custom_field("Urgent?", json!(true));
    ticket.set_custom_field("Nothing", json!(null));
    ticket.set_custom_field("Parts", json!(["toner", "drum"]));
    ticket.set_custom_field("Address", json!({"street": "1 Main St", "zip": "12345"}));
    ticket.times = Times {
        created_at: Some(at("2024-05-01T09:00:00.123456789Z")),
        updated_at: Some(at("2024-05-02T10:00:00Z")),
        status_changed_at: Some(at("2024-05-02T10:00:00Z")),
        open_at: Some(at("2024-05-01T09:30:00Z")),
        pending_at: Some(at("2024-05-01T11:00:00Z")),
        solved_at: None,
        assigned_at: Some(at("2024-05-01T09:31:00Z")),
        requester_updated_at: Some(at("2024-05-01T09:00:00Z")),
        assignee_updated_at: Some(at("2024-05-02T09:00:00Z")),
    };
    ticket.latest_comment = Some(Comment {
        author: "rule \"Escalate\"".to_string(),
        body: "Escalated.".to_string(),
        public: false,
        via: "rule".to_string(),
        at: at("2024-05-02T10:00:00Z"),
    });
    ticket.latest_public_comment = Some(Comment {
        author: "customer@example.test".to_string(),
        body: "It is on fire.".to_string(),
        public: true,
        via: "email".to_string(),
        at: at("2024-05-01T09:00:00.123456789Z"),
    });
    ticket.shares = vec![
        Share {
            agreement_id: 7,
            agreement: "Old partner".to_string(),
            partner: "oldco".to_string(),
            partner_id: None,
            active: false,
        },
        Share {
            agreement_id: 8,
            agreement: "Partner".to_string(),
            partner: "partnerco".to_string(),
            partner_id: Some(31),
            active: true,
        },
    ];
    ticket.received = Some(Received {
        agreement_id: 3,
        agreement: "Upstream".to_string(),
        partner: "upstream".to_string(),
        origin_id: Some(9001),
        active: true,
    });
    ticket.agents = ["bo@acme.test", "cy@acme.test"].map(String::from).into();
    ticket
}

fn update(event_id: &str, kind: UpdateKind, ticket: &Ticket, when: Time) -> Update {
    Update {
        event_id: event_id.to_string(),
        kind,
        account: ticket.account.clone(),
        ticket_id: ticket.id,
        at: when,
        via: "web".to_string(),
        actor: Some(Actor {
            email: "agent@acme.test".to_string(),
            role: Role::Agent,
            name: Some("Ann Agent".to_string()),
        }),
        changes: Changes::default(),
        automation: None,
    }
}

/// Applies `outcome` as event `event_id` in a transaction of its own.
fn apply(store: &Store, event_id: &str, before: Option<&Ticket>, outcome: &Outcome) {
    let kind = if before.is_some() {
        UpdateKind::Update
    } else {
        UpdateKind::Create
    };
    let when = outcome
        .after
        .times
        .updated_at
        .unwrap_or_else(|| at("2024-05-01T00:00:00Z"));
    let update = update(event_id, kind, &outcome.after, when);
    store
        .apply(&Applied {
            event_id,
            line: Some(1),
            payload: "{}",
            update: &update,
            before,
            outcome,
        })
        .expect("apply");
}

#[test]
fn a_full_ticket_round_trips() {
    let store = Store::in_memory().expect("store");
    let ticket = full_ticket();
    apply(&store, "e1", None, &Outcome::unchanged(ticket.clone()));
    let loaded = store.ticket("acme", 42).expect("load");
    assert_eq!(loaded.as_ref(), Some(&ticket));
    assert_eq!(store.ticket("acme", 43).expect("load"), None);
    assert_eq!(store.ticket("other", 42).expect("load"), None);
}

#[test]
fn an_update_writes_the_difference_and_round_trips() {
    let store = Store::in_memory().expect("store");
    let before = full_ticket();
    apply(&store, "e1", None, &Outcome::unchanged(before.clone()));

    let mut after = before.clone();
    after.tags.remove("fire");
    after.tags.insert("smoke".into());
    after.set_custom_field("SEATS", json!(13));
    after.custom_fields.remove("nothing");
    after.set_custom_field("New Field", json!([1, 2.5, "x"]));
    after.shares[1].active = false;
    after.shares.push(Share {
        agreement_id: 9,
        agreement: "Third".to_string(),
        partner: "thirdco".to_string(),
        partner_id: None,
        active: true,
    });
    after.received = None;
    after.agents.remove("bo@acme.test");
    after.agents.insert("dee@acme.test".to_string());
    after.priority = None;
    after.latest_comment = None;
    after.times.updated_at = Some(at("2024-05-03T10:00:00Z"));
    apply(
        &store,
        "e2",
        Some(&before),
        &Outcome::unchanged(after.clone()),
    );
    assert_eq!(store.ticket("acme", 42).expect("load"), Some(after.clone()));

    // Fewer shares than before: the extra rows go.
    let mut fewer = after.clone();
    fewer.shares.truncate(1);
    fewer.received = before.received.clone();
    apply(
        &store,
        "e3",
        Some(&after),
        &Outcome::unchanged(fewer.clone()),
    );
    assert_eq!(store.ticket("acme", 42).expect("load"), Some(fewer));
}

#[test]
fn apply_records_comments_audit_outbox_users_and_the_event() {
    let store = Store::in_memory().expect("store");
    let mut before = Ticket::new("acme", 1, "email", at("2024-05-01T09:00:00Z"));
    before.requester = Some("customer@example.test".to_string());
    before.tags.insert("billing".into());
    apply(
        &store,
        "create-1",
        None,
        &Outcome::unchanged(before.clone()),
    );

    let when = at("2024-05-01T10:00:00Z");
    let mut after = before.clone();
    after.set_status(Status::Open, when);
    after.tags.remove("billing");
    after.tags.insert("vip".into());
    after.priority = Some(Priority::High);
    after.times.updated_at = Some(when);
    let reply = Comment {
        author: "agent@acme.test".to_string(),
        body: "On it.".to_string(),
        public: true,
        via: "web".to_string(),
        at: when,
    };
    after.add_comment(reply);
    after.add_comment(Comment {
        author: "rule \"Escalate VIP\"".to_string(),
        body: "Escalated.".to_string(),
        public: false,
        via: "rule".to_string(),
        at: when,
    });
    let notification = Notification {
        rule: "Escalate VIP".to_string(),
        to: "lead@acme.test".to_string(),
        subject: "VIP ticket 1".to_string(),
        body: "Please look.".to_string(),
    };
    let result = Outcome {
        changes: vec![
            Change::Field {
                field: "status".to_string(),
                before: "new".to_string(),
                after: "open".to_string(),
            },
            Change::TagAdded { tag: "vip".into() },
            Change::TagRemoved {
                tag: "billing".into(),
            },
            Change::CommentAdded {
                public: true,
                body: "On it.".to_string(),
            },
        ],
        fired: vec![Fired {
            title: "Escalate VIP".into(),
            source: "rules/vip.rules:1:1".into(),
            effects: vec![
                Effect {
                    action: "Set priority high".into(),
                    change: Change::Field {
                        field: "priority".to_string(),
                        before: String::new(),
                        after: "high".to_string(),
                    },
                },
                Effect {
                    action: "Notify \"lead@acme.test\"".into(),
                    change: Change::Notified {
                        to: "lead@acme.test".to_string(),
                        subject: "VIP ticket 1".to_string(),
                    },
                },
                Effect {
                    action: "Add private comment \"Escalated.\"".into(),
                    change: Change::CommentAdded {
                        public: false,
                        body: "Escalated.".to_string(),
                    },
                },
            ],
            conditions: Vec::new(),
        }],
        notifications: vec![notification.clone()],
        comments: vec![
            AddedComment {
                at: None,
                author: Some("agent@acme.test".to_string()),
                rule: None,
                comment: NewComment {
                    body: "On it.".to_string(),
                    public: true,
                },
            },
            AddedComment {
                at: None,
                author: None,
                rule: Some("Escalate VIP".to_string()),
                comment: NewComment {
                    body: "Escalated.".to_string(),
                    public: false,
                },
            },
        ],
        ..Outcome::unchanged(after.clone())
    };
    let update = update("update-1", UpdateKind::Update, &after, when);
    store.begin().expect("begin");
    store
        .apply(&Applied {
            event_id: "update-1",
            line: Some(2),
            payload: r#"{"id":"update-1"}"#,
            update: &update,
            before: Some(&before),
            outcome: &result,
        })
        .expect("apply");
    store.commit().expect("commit");

    assert_eq!(store.ticket("acme", 1).expect("load"), Some(after));

    let comments = store.comments("acme", 1).expect("comments");
    let shown: Vec<_> = comments
        .iter()
        .map(|c| {
            (
                c.author.as_str(),
                c.body.as_str(),
                c.public,
                c.via.as_str(),
                c.rule.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("agent@acme.test", "On it.", true, "web", None),
            (
                "rule \"Escalate VIP\"",
                "Escalated.",
                false,
                "rule",
                Some("Escalate VIP")
            ),
        ]
    );
    assert!(comments
        .iter()
        .all(|c| c.event_id == "update-1" && c.at == when));

    let audit = store.audit("acme", 1).expect("audit");
    let shown: Vec<_> = audit
        .iter()
        .map(|a| {
            (
                a.rule.as_deref(),
                a.action.as_str(),
                a.before.as_deref(),
                a.after.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (None, "status", Some("new"), Some("open")),
            (None, "tags", None, Some("vip")),
            (None, "tags", Some("billing"), None),
            (None, "public comment", None, Some("On it.")),
            (
                Some("Escalate VIP"),
                "Set priority high",
                Some(""),
                Some("high")
            ),
            (
                Some("Escalate VIP"),
                "Notify \"lead@acme.test\"",
                None,
                Some("lead@acme.test")
            ),
            (
                Some("Escalate VIP"),
                "Add private comment \"Escalated.\"",
                None,
                Some("Escalated.")
            ),
        ]
    );
    assert_eq!(audit[0].change, "status new → open");
    assert!(audit
        .iter()
        .all(|a| a.event_id == "update-1" && a.at == when));

    let outbox = store.outbox().expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].kind, "notification");
    assert_eq!(
        (outbox[0].account.as_str(), outbox[0].ticket_id),
        ("acme", 1)
    );
    assert_eq!(outbox[0].created_at, when);
    assert!(!outbox[0].acked);
    let payload: serde_json::Value = serde_json::from_str(&outbox[0].payload).expect("JSON");
    assert_eq!(payload, serde_json::to_value(&notification).expect("JSON"));
    assert!(store.ack(outbox[0].seq).expect("ack"));
    assert!(store.outbox().expect("outbox")[0].acked);
    assert!(!store.ack(outbox[0].seq + 1).expect("ack"));

    assert_eq!(
        store.event_state("update-1").expect("state"),
        Some(EventState::Applied)
    );
    let events = store.events().expect("events");
    assert_eq!(events.len(), 2);
    let event = &events[1];
    assert_eq!(event.event_id, "update-1");
    assert_eq!(event.kind.as_deref(), Some("update"));
    assert_eq!(
        (event.account.as_deref(), event.ticket_id),
        (Some("acme"), Some(1))
    );
    assert_eq!((event.line, event.at), (Some(2), Some(when)));
    assert_eq!(event.payload, r#"{"id":"update-1"}"#);

    let agent = store.user("acme", "agent@acme.test").expect("user");
    assert_eq!(
        agent.map(|u| (u.role, u.name)),
        Some((Role::Agent, Some("Ann Agent".into())))
    );
    let customer = store.user("acme", "customer@example.test").expect("user");
    assert_eq!(customer.map(|u| u.role), Some(Role::EndUser));
    assert_eq!(store.accounts().expect("accounts"), ["acme"]);

    // The same event again writes nothing and says why.
    let again = store.apply(&Applied {
        event_id: "update-1",
        line: Some(2),
        payload: r#"{"id":"update-1"}"#,
        update: &update,
        before: Some(&before),
        outcome: &result,
    });
    let err = again.expect_err("already applied");
    assert!(matches!(err, StoreError::AlreadyApplied { .. }), "{err}");
    assert_eq!(store.audit("acme", 1).expect("audit").len(), 7);
}

#[test]
fn rolling_back_to_the_savepoint_leaves_nothing() {
    let store = Store::in_memory().expect("store");
    let err = store.savepoint().expect_err("no transaction");
    assert_eq!(
        err.to_string(),
        "store `:memory:`: savepoint outside a transaction; call begin first"
    );

    store.begin().expect("begin");
    store.savepoint().expect("savepoint");
    apply(&store, "e1", None, &Outcome::unchanged(full_ticket()));
    assert!(store.ticket("acme", 42).expect("load").is_some());
    store.rollback_to().expect("rollback to");
    // The transaction is still open and usable after the rollback.
    store.savepoint().expect("savepoint");
    store.ensure_account("kept").expect("account");
    store.release().expect("release");
    store.commit().expect("commit");

    assert_eq!(store.ticket("acme", 42).expect("load"), None);
    assert_eq!(store.event_state("e1").expect("state"), None);
    assert!(store.events().expect("events").is_empty());
    assert!(store.comments("acme", 42).expect("comments").is_empty());
    assert_eq!(store.accounts().expect("accounts"), ["kept"]);
}

#[test]
fn a_user_rolled_back_is_written_again() {
    let store = Store::in_memory().expect("store");
    store.begin().expect("begin");
    store.savepoint().expect("savepoint");
    apply(&store, "e1", None, &Outcome::unchanged(full_ticket()));
    store.rollback_to().expect("rollback to");
    // The same actor on another event: the store must not trust that it
    // wrote this user already, since the rollback took the row away.
    let mut other = full_ticket();
    other.id = 7;
    apply(&store, "e2", None, &Outcome::unchanged(other));
    store.commit().expect("commit");
    let agent = store.user("acme", "agent@acme.test").expect("user");
    assert_eq!(agent.map(|u| u.role), Some(Role::Agent));
}

#[test]
fn rejecting_the_same_event_twice_changes_nothing() {
    let store = Store::in_memory().expect("store");
    let rejected = Rejected {
        event_id: "bad-1",
        line: Some(3),
        account: Some("acme"),
        ticket_id: Some(5),
        payload: r#"{"id":"bad-1","status":"sideways"}"#,
        reason: "unknown status `sideways`",
        at: Some(at("2024-05-01T10:00:00Z")),
    };
    store.reject(&rejected).expect("reject");
    let first = store.events().expect("events");
    store.reject(&rejected).expect("reject again");
    assert_eq!(store.events().expect("events"), first);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].kind, None);
    assert_eq!(
        store.event_state("bad-1").expect("state"),
        Some(EventState::Rejected {
            reason: "unknown status `sideways`".to_string()
        })
    );
    // A rejection writes no ticket, and needs no account.
    assert_eq!(store.ticket("acme", 5).expect("load"), None);
    assert!(store.accounts().expect("accounts").is_empty());
}

#[test]
fn a_rejected_event_may_apply_later_and_then_stays_applied() {
    let store = Store::in_memory().expect("store");
    let ticket = full_ticket();
    store
        .reject(&Rejected {
            event_id: "e1",
            line: None,
            account: None,
            ticket_id: None,
            payload: "not json",
            reason: "not JSON",
            at: None,
        })
        .expect("reject");
    store
        .reject(&Rejected {
            event_id: "e0",
            line: None,
            account: None,
            ticket_id: None,
            payload: "",
            reason: "empty",
            at: None,
        })
        .expect("reject");
    apply(&store, "e1", None, &Outcome::unchanged(ticket.clone()));
    let events = store.events().expect("events");
    // e1 keeps the place it was first seen in.
    let ids: Vec<_> = events
        .iter()
        .map(|e| (e.event_id.as_str(), &e.state))
        .collect();
    assert_eq!(
        ids,
        [
            ("e1", &EventState::Applied),
            (
                "e0",
                &EventState::Rejected {
                    reason: "empty".into()
                }
            )
        ]
    );

    let err = store
        .reject(&Rejected {
            event_id: "e1",
            line: None,
            account: None,
            ticket_id: None,
            payload: "",
            reason: "late",
            at: None,
        })
        .expect_err("applied is final");
    assert!(matches!(err, StoreError::AlreadyApplied { .. }), "{err}");
    assert_eq!(
        store.event_state("e1").expect("state"),
        Some(EventState::Applied)
    );
}

#[test]
fn a_refused_apply_writes_nothing_even_without_a_savepoint() {
    let store = Store::in_memory().expect("store");
    let ticket = full_ticket();
    apply(&store, "e1", None, &Outcome::unchanged(ticket.clone()));
    let events = store.events().expect("events");
    let later = at("2024-06-01T00:00:00Z");

    store.begin().expect("begin");
    // `before` says new, the store has it.
    let mut changed = ticket.clone();
    changed.subject = "Changed".to_string();
    changed.requester = Some("someone-else@example.test".to_string());
    let create = update("e2", UpdateKind::Create, &ticket, later);
    let err = store
        .apply(&Applied {
            event_id: "e2",
            line: None,
            payload: "{}",
            update: &create,
            before: None,
            outcome: &Outcome::unchanged(changed.clone()),
        })
        .expect_err("ticket exists");
    assert_eq!(
        err.to_string(),
        "store `:memory:`: ticket 42 of `acme` is already in the store"
    );

    // `before` says stored, the store has no such ticket.
    let mut missing = ticket.clone();
    missing.id = 43;
    let edit = update("e3", UpdateKind::Update, &missing, later);
    let err = store
        .apply(&Applied {
            event_id: "e3",
            line: None,
            payload: "{}",
            update: &edit,
            before: Some(&missing),
            outcome: &Outcome::unchanged(missing.clone()),
        })
        .expect_err("no such ticket");
    assert_eq!(
        err.to_string(),
        "store `:memory:`: ticket 43 of `acme` is not in the store"
    );

    // The outcome is for another ticket than the update.
    let err = store
        .apply(&Applied {
            event_id: "e4",
            line: None,
            payload: "{}",
            update: &create,
            before: Some(&ticket),
            outcome: &Outcome::unchanged(missing.clone()),
        })
        .expect_err("another ticket");
    assert!(matches!(err, StoreError::Mismatch { .. }), "{err}");

    // A time the store cannot hold.
    let mut far = ticket.clone();
    far.times.solved_at = Some(Time::MAX_UTC);
    let edit = update("e5", UpdateKind::Update, &ticket, later);
    let err = store
        .apply(&Applied {
            event_id: "e5",
            line: None,
            payload: "{}",
            update: &edit,
            before: Some(&ticket),
            outcome: &Outcome::unchanged(far),
        })
        .expect_err("out of range");
    assert!(matches!(err, StoreError::Unstorable { .. }), "{err}");
    store.commit().expect("commit");

    assert_eq!(store.events().expect("events"), events);
    assert_eq!(store.ticket("acme", 42).expect("load"), Some(ticket));
    assert_eq!(
        store
            .user("acme", "someone-else@example.test")
            .expect("user"),
        None
    );
    assert_eq!(store.accounts().expect("accounts"), ["acme"]);
}

#[test]
fn tickets_are_listed_by_filter_in_order() {
    let store = Store::in_memory().expect("store");
    let mut shared = full_ticket();
    shared.account = "beta".to_string();
    apply(&store, "e1", None, &Outcome::unchanged(shared));
    for id in [3, 1, 2] {
        let mut ticket = Ticket::new("acme", id, "web", at("2024-05-01T09:00:00Z"));
        if id != 2 {
            ticket.tags.insert("vip".into());
            ticket.status = Status::Open;
        }
        apply(&store, &format!("t{id}"), None, &Outcome::unchanged(ticket));
    }
    let list = |filter: TicketFilter| -> Vec<(String, i64)> {
        let tickets = store.tickets(&filter).expect("tickets");
        tickets.into_iter().map(|t| (t.account, t.id)).collect()
    };
    let ids = |pairs: &[(&str, i64)]| -> Vec<(String, i64)> {
        pairs.iter().map(|(a, i)| (a.to_string(), *i)).collect()
    };
    assert_eq!(
        list(TicketFilter::default()),
        ids(&[("acme", 1), ("acme", 2), ("acme", 3), ("beta", 42)])
    );
    let vip = TicketFilter {
        tag: Some("VIP".to_string()),
        ..TicketFilter::default()
    };
    assert_eq!(
        list(vip.clone()),
        ids(&[("acme", 1), ("acme", 3), ("beta", 42)])
    );
    assert_eq!(
        list(TicketFilter {
            account: Some("acme".to_string()),
            limit: Some(1),
            ..vip
        }),
        ids(&[("acme", 1)])
    );
    assert_eq!(
        list(TicketFilter {
            status: Some(Status::New),
            ..TicketFilter::default()
        }),
        ids(&[("acme", 2)])
    );
    let shared = |yes| TicketFilter {
        shared: Some(yes),
        ..TicketFilter::default()
    };
    assert_eq!(list(shared(true)), ids(&[("beta", 42)]));
    assert_eq!(
        list(shared(false)),
        ids(&[("acme", 1), ("acme", 2), ("acme", 3)])
    );
    // Listed tickets are whole, children included.
    let beta = store.tickets(&shared(true)).expect("tickets");
    assert_eq!(beta[0].shares.len(), 2);
    assert_eq!(beta[0].custom_fields.len(), 7);
}

#[test]
fn tickets_are_listed_by_group_sharing_state_and_agreement() {
    let store = Store::in_memory().expect("store");
    // Beta's 42 is in group `Support`, shared out over 8 (and, long
    // ago, 7), and received over 3.
    let mut shared = full_ticket();
    shared.account = "beta".to_string();
    apply(&store, "e1", None, &Outcome::unchanged(shared.clone()));
    let mut orphan = full_ticket();
    (orphan.account, orphan.id, orphan.group) = ("beta".into(), 43, None);
    orphan.shares.clear();
    if let Some(r) = orphan.received.as_mut() {
        r.active = false;
    }
    apply(&store, "e2", None, &Outcome::unchanged(orphan));
    let plain = Ticket::new("beta", 44, "web", at("2024-05-01T09:00:00Z"));
    apply(&store, "e3", None, &Outcome::unchanged(plain));
    let ids = |filter: TicketFilter| -> Vec<i64> {
        let tickets = store.tickets(&filter).expect("tickets");
        tickets.into_iter().map(|t| t.id).collect()
    };
    let sharing = |s| TicketFilter {
        sharing: Some(s),
        ..TicketFilter::default()
    };
    assert_eq!(ids(sharing(Sharing::Out)), [42]);
    assert_eq!(ids(sharing(Sharing::Received)), [42, 43]);
    assert_eq!(ids(sharing(Sharing::NotShared)), [44]);
    let group = TicketFilter {
        group: Some("support".into()),
        ..TicketFilter::default()
    };
    assert_eq!(ids(group), [42]);
    let over = |id| TicketFilter {
        agreement: Some(id),
        ..TicketFilter::default()
    };
    assert_eq!(ids(over(7)), [42], "a share no longer live counts");
    assert_eq!(ids(over(3)), [42, 43]);
    assert!(ids(over(99)).is_empty());
}

#[test]
fn the_same_events_write_the_same_rows() {
    let run = || {
        let store = Store::in_memory().expect("store");
        let before = full_ticket();
        apply(&store, "e1", None, &Outcome::unchanged(before.clone()));
        let mut after = before.clone();
        after.tags.insert("again".into());
        let result = Outcome {
            changes: vec![Change::TagAdded {
                tag: "again".into(),
            }],
            ..Outcome::unchanged(after)
        };
        apply(&store, "e2", Some(&before), &result);
        (
            store.events().expect("events"),
            store.audit("acme", 42).expect("audit"),
            store.ticket("acme", 42).expect("ticket"),
        )
    };
    assert_eq!(run(), run());
}

#[test]
fn a_fresh_file_gets_every_migration_and_reopens() {
    let dir = TempDir::new("fresh");
    let path = dir.path("tickets.db");
    {
        let store = Store::open(&path).expect("open");
        assert_eq!(store.path(), path.display().to_string());
        assert_eq!(
            schema::version(&store.conn).expect("version"),
            MIGRATIONS.len() as i64
        );
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .expect("journal mode");
        assert_eq!(mode, "wal");
        let keys: i64 = store
            .conn
            .pragma_query_value(None, "foreign_keys", |row| row.get(0))
            .expect("foreign keys");
        assert_eq!(keys, 1);
        apply(&store, "e1", None, &Outcome::unchanged(full_ticket()));
    }
    let store = Store::open_existing(&path).expect("reopen");
    assert_eq!(store.ticket("acme", 42).expect("load"), Some(full_ticket()));
    let store = Store::open(&path).expect("reopen");
    assert_eq!(
        schema::version(&store.conn).expect("version"),
        MIGRATIONS.len() as i64
    );
}

#[test]
fn a_store_from_a_newer_ticket_rules_is_refused() {
    let dir = TempDir::new("newer");
    let path = dir.path("tickets.db");
    {
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.pragma_update(None, "user_version", 9)
            .expect("version");
    }
    let err = Store::open(&path).err().expect("too new");
    assert_eq!(
        err.to_string(),
        format!(
            "store `{}` has schema version 9; this ticket-rules knows up to {}",
            path.display(),
            MIGRATIONS.len()
        )
    );
}

#[test]
fn a_file_that_is_not_a_store_is_an_open_error() {
    let dir = TempDir::new("garbage");
    let path = dir.path("notes.txt");
    std::fs::write(
        &path,
        "not a database, just some words that fill a page".repeat(100),
    )
    .expect("write");
    let err = Store::open(&path).err().expect("not sqlite");
    let message = err.to_string();
    let prefix = format!("cannot open store `{}`: ", path.display());
    assert!(message.starts_with(&prefix), "{message}");
}

#[test]
fn open_existing_never_creates_a_file() {
    let dir = TempDir::new("missing");
    let path = dir.path("nope.db");
    let err = Store::open_existing(&path).err().expect("missing");
    assert_eq!(err.to_string(), format!("no store at `{}`", path.display()));
    assert!(!path.exists());
}

fn agreement(id: i64, name: &str, status: AgreementStatus) -> Agreement {
    Agreement {
        id,
        account: "ignored".to_string(),
        name: name.to_string(),
        partner_name: Some("Partner Co".to_string()),
        remote_subdomain: Some("partnerco".to_string()),
        status,
        direction: Direction::Outbound,
        comments: CommentTerms::PrivateOnly,
        sync_tags: true,
        sync_custom_fields: false,
        created_at: Some("2024-01-01T00:00:00Z".to_string()),
        updated_at: None,
        url: Some("https://acme.zendesk.test/api/v2/sharing_agreements/1.json".to_string()),
    }
}

#[test]
fn importing_agreements_again_replaces_them_by_id() {
    let store = Store::in_memory().expect("store");
    let first = [
        agreement(1, "Partner", AgreementStatus::Pending),
        agreement(2, "Other", AgreementStatus::Accepted),
    ];
    assert_eq!(store.import_agreements("acme", &first).expect("import"), 2);
    let mut second = agreement(1, "Partner renamed", AgreementStatus::Accepted);
    second.direction = Direction::Inbound;
    second.comments = CommentTerms::PublicAndPrivate;
    assert_eq!(
        store
            .import_agreements("acme", &[second.clone()])
            .expect("import"),
        1
    );
    let stored = store.agreements("acme").expect("agreements");
    let expected = [
        Agreement {
            account: "acme".to_string(),
            ..second
        },
        Agreement {
            account: "acme".to_string(),
            ..first[1].clone()
        },
    ];
    assert_eq!(stored, expected);
    assert!(store.agreements("beta").expect("agreements").is_empty());
    assert_eq!(store.accounts().expect("accounts"), ["acme"]);
}

/// A store file as ticket-rules wrote it before migration 2, with a row in
/// each table migration 2 touches or sits next to.
fn version_1_file(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).expect("sqlite");
    conn.execute_batch(MIGRATIONS[0]).expect("migration 1");
    conn.execute_batch(
        "INSERT INTO accounts (name) VALUES ('acme'), ('beta');
         INSERT INTO users (account, email, name, role)
             VALUES ('acme', 'ann@acme.test', 'Ann', 'agent');
         INSERT INTO agreements (account, id, name, partner_name, remote_subdomain, status,
             type, comments, sync_tags, sync_custom_fields, created_at, updated_at, url)
         VALUES ('acme', 7, 'Beta', 'Beta', 'beta', 'accepted', 'outbound',
             'private_only', 1, 0, '2024-01-01T00:00:00Z', NULL, NULL);
         INSERT INTO outbox (event_id, account, ticket_id, kind, payload, created_at)
             VALUES ('e1', 'acme', 1, 'notification', '{}', 0);",
    )
    .expect("rows");
    conn.pragma_update(None, "user_version", 1)
        .expect("version");
}

#[test]
fn a_version_1_store_migrates_to_2_and_keeps_its_data() {
    let dir = TempDir::new("v1");
    let path = dir.path("old.db");
    version_1_file(&path);
    let store = Store::open_existing(&path).expect("open migrates");
    // Every later migration too (3: the sweep's indexes; 4: agents).
    assert_eq!(
        schema::version(&store.conn).expect("version"),
        MIGRATIONS.len() as i64
    );
    let indexes: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN
                ('tickets_by_solved', 'tickets_by_pending', 'tickets_by_updated')",
            [],
            |row| row.get(0),
        )
        .expect("indexes");
    assert_eq!(indexes, 3);
    assert_eq!(store.accounts().expect("accounts"), ["acme", "beta"]);
    let ann = store.user("acme", "ann@acme.test").expect("user");
    assert_eq!(ann.and_then(|u| u.name).as_deref(), Some("Ann"));
    let kept = store.agreements("acme").expect("agreements");
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].id, kept[0].status, kept[0].comments),
        (7, AgreementStatus::Accepted, CommentTerms::PrivateOnly)
    );
    assert_eq!(store.outbox().expect("outbox").len(), 1);
    // The new column's default, and the new table, empty and usable.
    let settings = store.account_settings("acme").expect("settings");
    assert_eq!(settings.map(|s| s.decline_all_invites), Some(false));
    assert!(store.fields("acme").expect("fields").is_empty());
    assert!(store
        .set_field("acme", "Model", FieldType::Text)
        .expect("set"));
    drop(store);
    // Reopening a migrated file migrates nothing again.
    let store = Store::open(&path).expect("reopen");
    assert_eq!(
        store.field_type("acme", "model").expect("type"),
        Some(FieldType::Text)
    );
}

/// Migration 7 gives a share made before it its local copy's id; a
/// remote partner's share, with no copy here, keeps none.
#[test]
fn a_version_6_store_learns_its_shares_copy_ids() {
    let dir = TempDir::new("v6");
    let path = dir.path("old.db");
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    for sql in &MIGRATIONS[..6] {
        conn.execute_batch(sql).expect("migration");
    }
    // Only the shares table matters here: its tickets may stay absent.
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO shares (account, ticket_id, direction, pos, agreement_id, agreement,
             partner, origin_id, active)
         VALUES ('support', 41, 'sent', 0, 7, 'Acme', 'acme', NULL, 1),
                ('acme', 3, 'received', 0, 31, 'Acme', 'support', 41, 1),
                ('support', 42, 'sent', 0, 8, 'Far', 'far', NULL, 1);",
    )
    .expect("rows");
    conn.pragma_update(None, "user_version", 6)
        .expect("version");
    drop(conn);
    let store = Store::open_existing(&path).expect("open migrates");
    let ids: Vec<(i64, Option<i64>)> = store
        .conn
        .prepare(
            "SELECT ticket_id, origin_id FROM shares WHERE direction = 'sent' ORDER BY ticket_id",
        )
        .and_then(|mut q| q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("shares");
    assert_eq!(ids, [(41, Some(3)), (42, None)]);
}

#[test]
fn account_settings_are_kept_per_account() {
    let store = Store::in_memory().expect("store");
    assert!(store.add_account("acme").expect("add"));
    assert!(!store.add_account("acme").expect("add again"));
    assert_eq!(store.account_settings("nope").expect("settings"), None);
    assert!(!store
        .set_decline_all_invites("nope", true)
        .expect("unknown account"));
    assert!(store.set_decline_all_invites("acme", true).expect("set"));
    store.add_account("beta").expect("add");
    let settings = |name| store.account_settings(name).expect("settings").unwrap();
    assert!(settings("acme").decline_all_invites);
    assert!(!settings("beta").decline_all_invites);
    assert!(store.set_decline_all_invites("acme", false).expect("set"));
    assert!(!settings("acme").decline_all_invites);
    assert_eq!(store.accounts().expect("accounts"), ["acme", "beta"]);
}

#[test]
fn fields_are_matched_by_title_ignoring_case() {
    let store = Store::in_memory().expect("store");
    store.add_account("acme").expect("add");
    assert!(!store
        .set_field("nope", "Model", FieldType::Text)
        .expect("unknown account"));
    assert!(store.fields("nope").expect("fields").is_empty());
    store
        .set_field("acme", "Camera Model", FieldType::Text)
        .expect("set");
    store
        .set_field("acme", "Seats", FieldType::Integer)
        .expect("set");
    // The same title in other letters changes the type and the spelling.
    store
        .set_field("acme", "camera model", FieldType::Dropdown)
        .expect("set");
    assert_eq!(
        store.fields("acme").expect("fields"),
        [
            ("camera model".to_string(), FieldType::Dropdown),
            ("Seats".to_string(), FieldType::Integer)
        ]
    );
    assert_eq!(
        store.field_type("acme", "CAMERA MODEL").expect("type"),
        Some(FieldType::Dropdown)
    );
    assert_eq!(store.field_type("acme", "Colour").expect("type"), None);
    store.add_account("beta").expect("add");
    assert_eq!(store.field_type("beta", "Seats").expect("type"), None);
}

#[test]
fn agreement_sides_are_inserted_found_and_updated_one_by_one() {
    let store = Store::in_memory().expect("store");
    assert_eq!(store.next_agreement_id().expect("id"), 1);
    store.add_account("acme").expect("add");
    store.add_account("beta").expect("add");
    let mut side = agreement(5, "Beta", AgreementStatus::Pending);
    side.account = "acme".to_string();
    store.insert_agreement(&side).expect("insert");
    let mut other = agreement(5, "Beta", AgreementStatus::Pending);
    other.account = "beta".to_string();
    other.direction = Direction::Inbound;
    store
        .insert_agreement(&other)
        .expect("the same id on another side");
    assert!(
        store.insert_agreement(&side).is_err(),
        "an id the side has is never replaced"
    );
    assert_eq!(store.next_agreement_id().expect("id"), 6);
    assert_eq!(store.agreement("acme", 5).expect("one"), Some(side.clone()));
    assert_eq!(store.agreement("acme", 6).expect("one"), None);
    assert_eq!(
        store.agreements_with_id(5).expect("with id"),
        [side.clone(), other.clone()]
    );

    let when = "2024-06-01T10:00:00Z";
    assert!(store
        .set_agreement_status("acme", 5, AgreementStatus::Accepted, when)
        .expect("set"));
    assert!(!store
        .set_agreement_status("acme", 9, AgreementStatus::Accepted, when)
        .expect("no such side"));
    let now = store.agreement("acme", 5).expect("one").unwrap();
    assert_eq!(now.status, AgreementStatus::Accepted);
    assert_eq!(now.updated_at.as_deref(), Some(when));
    assert_eq!(
        store.agreement("beta", 5).expect("one"),
        Some(other),
        "the other side is its own row"
    );
    let mut stray = agreement(1, "Stray", AgreementStatus::Pending);
    stray.account = "nobody".to_string();
    assert!(
        store.insert_agreement(&stray).is_err(),
        "the account must be in the store"
    );
}

#[test]
fn outbox_rows_are_pushed_listed_pending_and_acked() {
    let store = Store::in_memory().expect("store");
    let when = at("2024-06-01T10:00:00Z");
    let payload = json!({"sharing_agreement": {"id": 3, "status": "accepted"}});
    let first = store
        .push_outbox(
            "agreement-3-accepted",
            "acme",
            0,
            "agreement",
            &payload,
            when,
        )
        .expect("push");
    let second = store
        .push_outbox(
            "agreement-3-inactive",
            "acme",
            0,
            "agreement",
            &payload,
            when,
        )
        .expect("push");
    assert!(second > first);
    let entry = store.outbox_entry(first).expect("entry").expect("there");
    assert_eq!(entry.kind, "agreement");
    assert_eq!(entry.ticket_id, 0);
    assert_eq!(entry.created_at, when);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&entry.payload).unwrap(),
        payload
    );
    assert!(store.ack(first).expect("ack"));
    let pending: Vec<i64> = store
        .pending_outbox()
        .expect("pending")
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(pending, [second]);
    assert_eq!(store.outbox().expect("all").len(), 2);
    assert_eq!(store.outbox_entry(99).expect("entry"), None);
    let far = Time::MAX_UTC;
    let err = store
        .push_outbox("x", "acme", 0, "agreement", &payload, far)
        .expect_err("out of range");
    assert!(matches!(err, StoreError::Unstorable { .. }), "{err}");
    assert_eq!(store.outbox().expect("all").len(), 2);
}

#[test]
fn a_transaction_commits_on_ok_and_rolls_back_on_err() {
    let store = Store::in_memory().expect("store");
    store
        .transaction(|| store.add_account("kept").map(|_| ()))
        .expect("commit");
    let failed: Result<(), StoreError> = store.transaction(|| {
        store.add_account("lost")?;
        Err(StoreError::NoTransaction {
            path: "test".into(),
        })
    });
    assert!(failed.is_err());
    assert_eq!(store.accounts().expect("accounts"), ["kept"]);
    // Inside the caller's transaction it neither commits nor rolls back.
    store.begin().expect("begin");
    let _: Result<(), StoreError> = store.transaction(|| {
        store.add_account("caller decides")?;
        Err(StoreError::NoTransaction {
            path: "test".into(),
        })
    });
    store.rollback().expect("rollback");
    assert_eq!(store.accounts().expect("accounts"), ["kept"]);
}

#[test]
fn a_network_note_reads_back_with_its_text() {
    let store = Store::in_memory().expect("store");
    store.begin().expect("begin");
    apply(&store, "e1", None, &Outcome::unchanged(full_ticket()));
    let text = "sync to `beta` not applied: ticket 1 is closed";
    store
        .note(&Note {
            event_id: "e2~1",
            account: "acme",
            ticket_id: 42,
            text,
            at: at("2026-11-21T10:00:00Z"),
        })
        .expect("note");
    store.commit().expect("commit");
    let audit = store.audit("acme", 42).expect("audit");
    let last = audit.last().expect("the note");
    assert_eq!(
        (
            last.action.as_str(),
            last.change.as_str(),
            last.before.as_deref(),
            last.after.as_deref()
        ),
        ("sharing", text, None, Some(text))
    );
    let shown = crate::report::ticket_text(
        &store.ticket("acme", 42).expect("load").expect("ticket"),
        &[],
        &audit,
    );
    assert!(
        shown.contains(&format!("e2~1 update: sharing: + {text}")),
        "{shown}"
    );
}

/// Tickets of every shape: children or none, times or none, statuses.
fn varied_ticket(account: &str, id: i64) -> Ticket {
    let mut ticket = full_ticket();
    ticket.account = account.to_string();
    ticket.id = id;
    ticket.status = Status::ALL[id as usize % Status::ALL.len()];
    if id % 2 == 0 {
        ticket.tags = Tags::new();
        ticket.custom_fields.clear();
        ticket.priority = None;
        ticket.group = None;
    }
    if id % 3 == 0 {
        ticket.shares.clear();
        ticket.received = None;
        ticket.latest_comment = None;
        ticket.times.created_at = None;
    }
    if id % 4 == 0 {
        ticket.agents.insert(format!("agent{id}@acme.test"));
        ticket.agents.insert("zoe@acme.test".into());
    }
    if id % 5 == 0 {
        ticket.tags.insert(format!("only_{id}").into());
        ticket.shares.truncate(1);
        ticket.times.solved_at = Some(at("2024-05-03T00:00:00.000000001Z"));
    }
    ticket
}

#[test]
fn bulk_loads_read_what_single_loads_read() {
    let store = Store::in_memory().expect("store");
    store.begin().expect("begin");
    for account in ["acme", "beta"] {
        for id in 1..=600 {
            let ticket = varied_ticket(account, id);
            apply(
                &store,
                &format!("{account}-{id}"),
                None,
                &Outcome::unchanged(ticket),
            );
        }
    }
    store.commit().expect("commit");
    // Over several chunks, out of order, a repeat, ids with no ticket,
    // and a last chunk that is short.
    let mut ids: Vec<i64> = (1..=650).rev().collect();
    ids.extend([7, -1, 0, 300]);
    let single: Vec<Ticket> = ids
        .iter()
        .filter_map(|id| store.ticket("acme", *id).expect("load"))
        .collect();
    let bulk = store.tickets_by_id("acme", &ids).expect("bulk");
    assert_eq!(bulk.len(), 602);
    assert_eq!(bulk, single);
    assert_eq!(store.tickets_by_id("acme", &[]).expect("none"), []);
}

#[test]
fn a_changed_solved_or_pending_time_is_written_without_a_status_change() {
    let store = Store::in_memory().expect("store");
    let before = full_ticket();
    apply(&store, "e1", None, &Outcome::unchanged(before.clone()));
    let mut after = before.clone();
    after.times.pending_at = Some(at("2024-05-09T00:00:00.5Z"));
    after.times.solved_at = Some(at("2024-05-10T00:00:00Z"));
    apply(
        &store,
        "e2",
        Some(&before),
        &Outcome::unchanged(after.clone()),
    );
    assert_eq!(store.ticket("acme", 42).expect("load"), Some(after.clone()));
    let mut last = after.clone();
    last.status = Status::Solved;
    last.times.solved_at = None;
    apply(
        &store,
        "e3",
        Some(&after),
        &Outcome::unchanged(last.clone()),
    );
    assert_eq!(store.ticket("acme", 42).expect("load"), Some(last));
}

/// The plan SQLite picks for an automation's candidate query.
fn plan(store: &Store, when: &str) -> Vec<String> {
    let text = format!("automation \"a\" {{\n  when {when}\n  then Add tags x\n}}\n");
    let loaded = crate::rules::load_str("a.rules", text, crate::rules::Syntax::Dsl);
    let rules = crate::engine::compile(&[crate::engine::Input {
        source: &loaded.source,
        file: &loaded.file,
    }]);
    let cond = rules.automations[0].cond.as_ref();
    let filter = super::prefilter::prefilter(cond, &rules.interner, at("2024-06-01T00:00:00Z"));
    sweep::plan(&store.conn, "acme", &filter).expect("plan")
}

#[test]
fn automation_sweeps_search_an_index() {
    let store = Store::in_memory().expect("store");
    apply(&store, "e1", None, &Outcome::unchanged(full_ticket()));
    let uses = |when: &str, index: &str| {
        let details = plan(&store, when);
        assert!(
            details
                .iter()
                .any(|d| d.starts_with("SEARCH t USING") && d.contains(index)),
            "{when}: {details:?}"
        );
        assert!(
            !details.iter().any(|d| d.starts_with("SCAN")),
            "{when}: {details:?}"
        );
    };
    uses(
        "Status is solved and Hours since solved greater than 24",
        // `solved_at>?` is SQLite's own bound past the NULLs.
        "tickets_by_solved (account=? AND status=? AND solved_at>? AND solved_at<?)",
    );
    uses(
        "Status is pending and Hours since pending is 48",
        "tickets_by_pending (account=? AND status=? AND pending_at>? AND pending_at<?)",
    );
    // A window alone: one range per status that is not closed.
    uses("Hours since updated greater than 72", "tickets_by_updated");
    // Statuses alone: any index that leads with them covers the query.
    uses(
        "Status less than solved and Tags contains at least one of vip",
        "(account=? AND status=?)",
    );
}

#[test]
fn applied_events_are_counted_by_id_prefix() {
    let store = Store::in_memory().expect("store");
    let mut t = full_ticket();
    for (n, id) in [
        "auto/a/1",
        "auto/a/1~1",
        "auto/a/2",
        "auto/ab/1",
        "auto/b/1",
    ]
    .into_iter()
    .enumerate()
    {
        t.id = n as i64 + 1;
        apply(&store, id, None, &Outcome::unchanged(t.clone()));
    }
    store
        .reject(&Rejected {
            event_id: "auto/a/9",
            line: None,
            account: None,
            ticket_id: None,
            payload: "{}",
            reason: "no",
            at: None,
        })
        .expect("reject");
    let count = |p: &str| store.applied_with_prefix(p, '~').expect("count");
    assert_eq!(
        count("auto/a/"),
        2,
        "rejected events, derived updates and `auto/ab/` are not counted"
    );
    assert_eq!(count("auto/"), 4);
    assert_eq!(count("auto/c/"), 0);
    assert_eq!(store.applied_with_prefix("auto/a/", '#').expect("count"), 3);
    assert!(store.applied_with_prefix("auto/é", '~').is_err());
}

#[test]
fn staff_is_read_back_with_groups_members_and_the_setting() {
    let store = Store::in_memory().expect("store");
    assert!(store.add_account("acme").expect("add"));
    assert!(store.add_group("acme", "Tier 2").expect("group"));
    assert!(!store.add_group("acme", "TIER 2").expect("same group"));
    assert!(store
        .upsert_agent("acme", "Bo@Acme.test", Some("Bo"), false)
        .expect("agent"));
    assert!(!store
        .upsert_agent("acme", "bo@acme.test", None, true)
        .expect("again"));
    assert!(store
        .add_member("acme", "BO@acme.test", "tier 2")
        .expect("member"));
    assert!(!store
        .add_member("acme", "bo@acme.test", "Tier 2")
        .expect("member again"));
    assert!(store.set_agent_ticket_sharing("acme", true).expect("on"));
    assert!(!store
        .set_agent_ticket_sharing("nobody", true)
        .expect("no account"));
    let staff = store.staff("acme").expect("staff");
    assert!(staff.agent_ticket_sharing);
    assert_eq!(staff.group("tier 2"), Some("Tier 2"));
    let bo = staff.agent("bo@acme.test").expect("bo");
    // The name is kept when left out; the admin flag is what was said last.
    assert_eq!((bo.name.as_deref(), bo.admin), (Some("Bo"), true));
    assert!(bo.groups.contains("tier 2"));
    assert_eq!(store.staff("nobody").expect("staff").agents.len(), 0);
    let settings = store.account_settings("acme").expect("settings");
    assert_eq!(settings.map(|s| s.agent_ticket_sharing), Some(true));
}

/// Applies `update` with `before` and `after` as its outcome.
fn apply_update(store: &Store, update: &Update, before: Option<&Ticket>, after: &Ticket) {
    store
        .apply(&Applied {
            event_id: &update.event_id,
            line: None,
            payload: "{}",
            update,
            before,
            outcome: &Outcome::unchanged(after.clone()),
        })
        .expect("apply");
}

#[test]
fn scheduled_replies_wait_go_out_once_and_go_with_their_authors_access() {
    let store = Store::in_memory().expect("store");
    store.add_account("acme").expect("account");
    store.add_group("acme", "Tier 2").expect("group");
    store
        .upsert_agent("acme", "cy@acme.test", None, false)
        .expect("agent");
    let mut ticket = Ticket::new("acme", 1, "web", at("2024-05-01T09:00:00Z"));
    ticket.group = Some("Tier 2".into());
    ticket.agents.insert("cy@acme.test".into());
    let mut create = update(
        "e1",
        UpdateKind::Create,
        &ticket,
        at("2024-05-01T09:00:00Z"),
    );
    create.actor = None;
    apply_update(&store, &create, None, &ticket);
    assert_eq!(
        store.shared_with("acme", "CY@acme.test").expect("list"),
        [1]
    );
    // Cy schedules two replies.
    for (n, due) in [(2, "2024-05-01T11:00:00Z"), (3, "2024-05-01T15:00:00Z")] {
        let mut u = update(
            &format!("e{n}"),
            UpdateKind::Update,
            &ticket,
            at("2024-05-01T09:30:00Z"),
        );
        u.actor.as_mut().expect("actor").email = "cy@acme.test".into();
        u.changes.schedule_reply = Some(crate::model::ScheduledReply {
            at: at(due),
            body: format!("reply {n}"),
            public: true,
        });
        apply_update(&store, &u, Some(&ticket), &ticket);
    }
    let due = store.due_replies(at("2024-05-01T12:00:00Z")).expect("due");
    assert_eq!(
        due.iter().map(|r| r.body.as_str()).collect::<Vec<_>>(),
        ["reply 2"]
    );
    // The first goes out; it is no longer pending.
    let mut post = update(
        "~reply-1",
        UpdateKind::Update,
        &ticket,
        at("2024-05-01T11:00:00Z"),
    );
    post.changes.posts_reply = Some(due[0].id);
    apply_update(&store, &post, Some(&ticket), &ticket);
    assert!(store
        .due_replies(at("2024-05-01T12:00:00Z"))
        .expect("due")
        .is_empty());
    // Cy loses the ticket: the reply still waiting goes, with an audit line.
    let mut after = ticket.clone();
    after.agents.clear();
    let take = update(
        "e9",
        UpdateKind::Update,
        &ticket,
        at("2024-05-01T13:00:00Z"),
    );
    apply_update(&store, &take, Some(&ticket), &after);
    let all = store
        .replies(&ReplyFilter {
            account: None,
            all: true,
        })
        .expect("replies");
    let states: Vec<_> = all
        .iter()
        .map(|r| (r.state, r.done_event.clone()))
        .collect();
    assert_eq!(
        states,
        [
            (ReplyState::Posted, Some("~reply-1".to_string())),
            (ReplyState::Deleted, Some("e9".to_string()))
        ]
    );
    let audit = store.audit("acme", 1).expect("audit");
    assert!(audit
        .iter()
        .any(|a| a.event_id == "e9" && a.change.starts_with("scheduled reply 2 by cy@acme.test")));
    assert!(store
        .shared_with("acme", "cy@acme.test")
        .expect("list")
        .is_empty());
}

/// Migration 8 turns each audit row of a version-7 store into a row of
/// one change: every change keeps its number, rule and words, the next
/// write is numbered on from them, and rule firings still count.
#[test]
fn a_version_7_store_keeps_its_audit_trail() {
    let dir = TempDir::new("v7");
    let path = dir.path("old.db");
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    for sql in &MIGRATIONS[..7] {
        conn.execute_batch(sql).expect("migration");
    }
    conn.execute_batch(
        "INSERT INTO audit (seq, event_id, account, ticket_id, rule, action, change, before,
             after, at)
         VALUES (4, 'e1', 'support', 7, NULL, 'status', 'status new → open', 'new', 'open', 10),
                (5, 'e1', 'support', 7, 'Tag VIPs', 'Add tags vip', 'tag vip added', NULL,
                 'vip', 10),
                (9, 'e2', 'support', 8, NULL, 'sharing', 'a note', NULL, 'a note', 20);
         INSERT INTO accounts (name) VALUES ('support');
         INSERT INTO tickets (account, id, subject, description, status, via)
         VALUES ('support', 7, 'Seven', '', 'open', 'web'),
                ('support', 8, 'Eight', '', 'open', 'web');
         INSERT INTO tags (account, ticket_id, tag)
         VALUES ('support', 7, 'vip'), ('support', 7, 'billing'), ('support', 7, 'ünïcode');",
    )
    .expect("rows");
    conn.pragma_update(None, "user_version", 7)
        .expect("version");
    drop(conn);
    let store = Store::open_existing(&path).expect("open migrates");
    let tags = |id| {
        store
            .ticket("support", id)
            .expect("load")
            .expect("ticket")
            .tags
    };
    assert_eq!(
        tags(7).into_iter().collect::<Vec<_>>(),
        ["billing", "vip", "ünïcode"]
    );
    assert!(tags(8).is_empty());
    let filter = TicketFilter {
        tag: Some("VIP".into()),
        ..TicketFilter::default()
    };
    let found = store.tickets(&filter).expect("by tag");
    assert_eq!(found.iter().map(|t| t.id).collect::<Vec<_>>(), [7]);
    let seven = store.audit("support", 7).expect("audit");
    type Line<'a> = (i64, &'a str, Option<&'a str>, &'a str, Option<&'a str>);
    let got: Vec<Line> = seven
        .iter()
        .map(|e| {
            let (rule, before) = (e.rule.as_deref(), e.before.as_deref());
            (e.seq, e.event_id.as_str(), rule, e.change.as_str(), before)
        })
        .collect();
    assert_eq!(
        got,
        [
            (4, "e1", None, "status new → open", Some("new")),
            (5, "e1", Some("Tag VIPs"), "tag vip added", None),
        ]
    );
    assert_eq!(seven[1].after.as_deref(), Some("vip"));
    assert_eq!(seven[1].at, Time::from_timestamp_nanos(10));
    assert_eq!(store.last_audit_seq().expect("last"), 9);
    let counts = store
        .fire_counts("support", &Time::from_timestamp_nanos(0))
        .expect("counts");
    assert_eq!(
        counts.into_iter().collect::<Vec<_>>(),
        [("Tag VIPs".to_string(), 1)]
    );
    let note = Note {
        event_id: "e3",
        account: "support",
        ticket_id: 8,
        text: "another note",
        at: Time::from_timestamp_nanos(30),
    };
    store.note(&note).expect("note");
    let eight = store.audit("support", 8).expect("audit");
    let numbers: Vec<(i64, &str)> = eight.iter().map(|e| (e.seq, e.change.as_str())).collect();
    assert_eq!(numbers, [(9, "a note"), (10, "another note")]);
    assert_eq!(store.last_audit_seq().expect("last"), 10);
}

/// The tags column holds ` a b `: a tag with a space in it could not be
/// found again, so writing one is refused and nothing is written.
#[test]
fn a_tag_with_a_space_is_refused_whole() {
    let store = Store::in_memory().expect("store");
    let mut ticket = full_ticket();
    ticket.tags.insert("two words".into());
    let outcome = Outcome::unchanged(ticket.clone());
    let update = update(
        "e1",
        UpdateKind::Create,
        &ticket,
        at("2024-05-01T00:00:00Z"),
    );
    let applied = Applied {
        event_id: "e1",
        line: None,
        payload: "{}",
        update: &update,
        before: None,
        outcome: &outcome,
    };
    let err = store.apply(&applied).expect_err("refused");
    assert!(err.to_string().contains("`two words`"), "{err}");
    assert_eq!(
        store.ticket(&ticket.account, ticket.id).expect("load"),
        None
    );
    assert_eq!(store.event_state("e1").expect("state"), None);
}
