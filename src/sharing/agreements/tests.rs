//! The lifecycle: every move allowed and refused, on both sides, with
//! local and remote partners, and nothing written on a refusal.

use super::*;
use crate::store::OutboxEntry;
use serde_json::json;

fn at(text: &str) -> Time {
    text.parse().expect("a test time")
}

const INVITED: &str = "2026-11-20T08:00:00Z";
const LATER: &str = "2026-11-21T09:30:00Z";

/// A store with the local accounts `support` and `acme`.
fn store() -> Store {
    let store = Store::in_memory().expect("store");
    for account in ["support", "acme"] {
        store.add_account(account).expect("add");
    }
    store
}

fn terms() -> Terms {
    Terms {
        comments: CommentTerms::PrivateOnly,
        sync_tags: true,
        sync_custom_fields: false,
    }
}

/// `support` invites local `acme` to `Acme Optics`: sides 1 and 2.
fn invited(store: &Store) -> Invited {
    invite(
        store,
        "support",
        "acme",
        "Acme Optics",
        terms(),
        at(INVITED),
    )
    .expect("invite")
}

/// Every row a lifecycle call may write.
fn state(store: &Store) -> (Vec<Agreement>, Vec<OutboxEntry>) {
    let mut all = Vec::new();
    for account in store.accounts().expect("accounts") {
        all.extend(store.agreements(&account).expect("agreements"));
    }
    (all, store.outbox().expect("outbox"))
}

fn stored_status(store: &Store, account: &str, id: i64) -> AgreementStatus {
    store
        .agreement(account, id)
        .expect("agreement")
        .expect("there")
        .status
}

/// Runs a call that must be refused and checks it wrote nothing.
fn refused(
    store: &Store,
    call: impl FnOnce(&Store) -> Result<Changed, AgreementError>,
) -> AgreementError {
    let before = state(store);
    let err = call(store).expect_err("refused");
    assert_eq!(state(store), before, "a refusal wrote something: {err}");
    err
}

#[test]
fn an_invite_to_a_local_account_creates_both_sides_pending() {
    let store = store();
    let made = invited(&store);
    let expected_out = Agreement {
        id: 1,
        account: "support".into(),
        name: "Acme Optics".into(),
        partner_name: Some("acme".into()),
        remote_subdomain: Some("acme".into()),
        status: AgreementStatus::Pending,
        direction: Direction::Outbound,
        comments: CommentTerms::PrivateOnly,
        sync_tags: true,
        sync_custom_fields: false,
        created_at: Some(INVITED.into()),
        updated_at: Some(INVITED.into()),
        url: None,
    };
    let expected_in = Agreement {
        id: 2,
        account: "acme".into(),
        partner_name: Some("support".into()),
        remote_subdomain: Some("support".into()),
        direction: Direction::Inbound,
        ..expected_out.clone()
    };
    assert_eq!(made.outbound, expected_out);
    assert_eq!(made.inbound.as_ref(), Some(&expected_in));
    assert!(!made.declined);
    assert_eq!(made.outbox, None, "a local partner needs no transport");
    assert_eq!(
        store.agreements("support").unwrap(),
        std::slice::from_ref(&expected_out)
    );
    assert_eq!(
        store.agreements("acme").unwrap(),
        std::slice::from_ref(&expected_in)
    );
    assert!(store.outbox().unwrap().is_empty());
    // Each side finds the other.
    assert_eq!(
        peer(&store, &expected_out).unwrap(),
        Some(expected_in.clone())
    );
    assert_eq!(peer(&store, &expected_in).unwrap(), Some(expected_out));
    // The next invite takes ids after both.
    let next = invite(&store, "acme", "support", "Back", terms(), at(INVITED)).unwrap();
    assert_eq!((next.outbound.id, next.inbound.unwrap().id), (3, 4));
}

#[test]
fn an_invite_to_a_remote_partner_creates_one_side_and_tells_it() {
    let store = store();
    let made = invite(&store, "support", "faraway", "Far", terms(), at(INVITED)).unwrap();
    assert_eq!(made.inbound, None);
    assert_eq!(made.outbound.status, AgreementStatus::Pending);
    assert_eq!(made.outbound.remote_subdomain.as_deref(), Some("faraway"));
    assert_eq!(
        store.accounts().unwrap(),
        ["acme", "support"],
        "no account made"
    );
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(made.outbox, Some(outbox[0].seq));
    assert_eq!(outbox[0].event_id, "agreement-1-pending");
    assert_eq!(outbox[0].kind, "agreement");
    let payload: serde_json::Value = serde_json::from_str(&outbox[0].payload).unwrap();
    assert_eq!(
        payload["sharing_agreement"]["remote_subdomain"],
        json!("faraway")
    );
    assert_eq!(payload["sharing_agreement"]["type"], json!("outbound"));
}

#[test]
fn an_account_that_declines_all_invites_gets_them_declined_on_both_sides() {
    let store = store();
    store.set_decline_all_invites("acme", true).unwrap();
    let made = invited(&store);
    assert!(made.declined);
    assert_eq!(made.outbound.status, AgreementStatus::Declined);
    assert_eq!(made.inbound.unwrap().status, AgreementStatus::Declined);
    assert_eq!(
        stored_status(&store, "support", 1),
        AgreementStatus::Declined
    );
    assert_eq!(stored_status(&store, "acme", 2), AgreementStatus::Declined);
    let err = refused(&store, |s| accept(s, 2, "acme", at(LATER)));
    assert_eq!(
        err.to_string(),
        "cannot accept agreement 2 `Acme Optics`: it was declined\n\
         help: `support` can invite `acme` again, under a new name"
    );
    // The setting is about invites to the account, not from it.
    let back = invite(&store, "acme", "support", "Back", terms(), at(INVITED)).unwrap();
    assert!(!back.declined);
}

#[test]
fn invites_that_cannot_be_are_refused_and_write_nothing() {
    let store = store();
    invited(&store);
    let cases: [(&str, &str, &str, &str); 7] = [
        (
            "nobody",
            "acme",
            "X",
            "account `nobody` is not in the store\nhelp: add it with `ticket-rules accounts add nobody`",
        ),
        ("support", "support", "X", "`support` cannot invite itself\nhelp: invite the partner account's subdomain"),
        ("support", "acme", "  ", "the agreement name is empty"),
        ("support", " ", "X", "the partner subdomain is empty"),
        (
            "support",
            "ACME",
            "X",
            "no account `ACME` in the store\nhelp: did you mean `acme`? an account not in the store is taken as remote, and subdomains are compared exactly",
        ),
        (
            "support",
            "faraway",
            "acme optics",
            "`support` already has agreement 1 named `Acme Optics` (outbound, pending)\nhelp: rules tell an account's agreements apart by name; choose another one",
        ),
        (
            "beta",
            "acme",
            "ACME OPTICS",
            "`acme` already has agreement 2 named `Acme Optics` (inbound, pending)\nhelp: rules tell an account's agreements apart by name; choose another one",
        ),
    ];
    store.add_account("beta").unwrap();
    for (from, to, name, message) in cases {
        let before = state(&store);
        let err = invite(&store, from, to, name, terms(), at(LATER)).expect_err(message);
        assert_eq!(err.to_string(), message);
        assert_eq!(state(&store), before, "{message}");
    }
    // The same name on the other side of an account is fine: the engine
    // tells inbound from outbound.
    invite(&store, "acme", "support", "Acme Optics", terms(), at(LATER)).expect("other side");
}

#[test]
fn the_receiver_accepts_and_both_sides_move() {
    let store = store();
    invited(&store);
    let changed = accept(&store, 2, "acme", at(LATER)).unwrap();
    assert_eq!(changed.action, Action::Accept);
    assert_eq!(changed.before, AgreementStatus::Pending);
    assert!(changed.partner_local);
    assert_eq!(changed.outbox, None);
    for side in [&changed.side, changed.peer.as_ref().unwrap()] {
        assert_eq!(side.status, AgreementStatus::Accepted);
        assert_eq!(side.updated_at.as_deref(), Some(LATER));
        assert_eq!(side.created_at.as_deref(), Some(INVITED));
    }
    assert_eq!(changed.side.account, "acme");
    assert_eq!(changed.peer.as_ref().unwrap().account, "support");
    // What it returns is what the store holds.
    assert_eq!(
        store.agreement("acme", 2).unwrap().as_ref(),
        Some(&changed.side)
    );
    assert_eq!(store.agreement("support", 1).unwrap(), changed.peer);
    assert!(store.outbox().unwrap().is_empty());
}

#[test]
fn the_receiver_declines_and_both_sides_move() {
    let store = store();
    invited(&store);
    let changed = decline(&store, 2, "acme", at(LATER)).unwrap();
    assert_eq!(changed.side.status, AgreementStatus::Declined);
    assert_eq!(
        stored_status(&store, "support", 1),
        AgreementStatus::Declined
    );
    assert_eq!(stored_status(&store, "acme", 2), AgreementStatus::Declined);
}

#[test]
fn either_side_deactivates_a_pending_or_accepted_agreement() {
    for (accepted_first, account, id) in [
        (false, "support", 1),
        (false, "acme", 2),
        (true, "support", 1),
        (true, "acme", 2),
    ] {
        let store = store();
        invited(&store);
        if accepted_first {
            accept(&store, 2, "acme", at(INVITED)).unwrap();
        }
        let changed = deactivate(&store, id, account, at(LATER)).unwrap();
        let before = if accepted_first {
            AgreementStatus::Accepted
        } else {
            AgreementStatus::Pending
        };
        assert_eq!(changed.before, before);
        assert_eq!(
            stored_status(&store, "support", 1),
            AgreementStatus::Inactive
        );
        assert_eq!(stored_status(&store, "acme", 2), AgreementStatus::Inactive);
        // Final: no way back, from either side.
        let err = refused(&store, |s| accept(s, 2, "acme", at(LATER)));
        assert_eq!(
            err.to_string(),
            "cannot accept agreement 2 `Acme Optics`: it is inactive, and deactivation is final\n\
             help: `support` can invite `acme` again, under a new name"
        );
        refused(&store, |s| deactivate(s, 1, "support", at(LATER)));
    }
}

#[test]
fn the_sender_can_neither_accept_nor_decline() {
    let store = store();
    invited(&store);
    for action in [Action::Accept, Action::Decline] {
        let err = refused(&store, |s| transition(s, 1, "support", action, at(LATER)));
        let verb = action.verb();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot {verb} agreement 1 `Acme Optics`: only the receiving account `acme` can {verb} it\n\
                 help: `support` sent this invite; deactivating it withdraws it"
            )
        );
        assert!(matches!(err, AgreementError::NotReceiver { .. }));
    }
}

/// Which moves each status allows, on each side, against what the
/// lifecycle does: every status, every action, both types.
#[test]
fn every_status_allows_exactly_its_moves() {
    use AgreementStatus::{Accepted, Pending};
    for status in AgreementStatus::ALL {
        for action in [Action::Accept, Action::Decline, Action::Deactivate] {
            for (account, id, direction) in [
                ("support", 1, Direction::Outbound),
                ("acme", 2, Direction::Inbound),
            ] {
                let allowed = match action {
                    Action::Accept | Action::Decline => {
                        direction == Direction::Inbound && status == Pending
                    }
                    Action::Deactivate => matches!(status, Pending | Accepted),
                };
                let store = store();
                import_pair(&store, status);
                let before = state(&store);
                let result = transition(&store, id, account, action, at(LATER));
                let case = format!("{action:?} {status:?} as {account}");
                assert_eq!(result.is_ok(), allowed, "{case}: {result:?}");
                if allowed {
                    assert_eq!(
                        stored_status(&store, "support", 1),
                        action.target(),
                        "{case}"
                    );
                    assert_eq!(stored_status(&store, "acme", 2), action.target(), "{case}");
                } else {
                    assert_eq!(state(&store), before, "{case}");
                }
            }
        }
    }
}

/// Both sides of `Acme Optics` (ids 1 and 2), imported rather than
/// invited, with one status.
fn import_pair(store: &Store, status: AgreementStatus) {
    let outbound = Agreement {
        id: 1,
        account: "support".into(),
        name: "Acme Optics".into(),
        partner_name: Some("Acme".into()),
        remote_subdomain: Some("acme".into()),
        status,
        direction: Direction::Outbound,
        comments: CommentTerms::PublicAndPrivate,
        sync_tags: true,
        sync_custom_fields: true,
        created_at: Some(INVITED.into()),
        updated_at: Some(INVITED.into()),
        url: None,
    };
    let inbound = Agreement {
        id: 2,
        account: "acme".into(),
        partner_name: Some("Support".into()),
        remote_subdomain: Some("support".into()),
        direction: Direction::Inbound,
        ..outbound.clone()
    };
    store.import_agreements("support", &[outbound]).unwrap();
    store.import_agreements("acme", &[inbound]).unwrap();
}

#[test]
fn refusals_say_why() {
    let store = store();
    invited(&store);
    accept(&store, 2, "acme", at(INVITED)).unwrap();
    let cases: [(Action, &str); 2] = [
        (
            Action::Accept,
            "cannot accept agreement 2 `Acme Optics`: it is already accepted",
        ),
        (
            Action::Decline,
            "cannot decline agreement 2 `Acme Optics`: it is already accepted\n\
             help: to end it, deactivate it: `ticket-rules agreements deactivate 2 --as acme`",
        ),
    ];
    for (action, message) in cases {
        let err = refused(&store, |s| transition(s, 2, "acme", action, at(LATER)));
        assert_eq!(err.to_string(), message);
    }
    let store = self::store();
    invited(&store);
    decline(&store, 2, "acme", at(INVITED)).unwrap();
    let err = refused(&store, |s| decline(s, 2, "acme", at(LATER)));
    assert_eq!(
        err.to_string(),
        "cannot decline agreement 2 `Acme Optics`: it is already declined"
    );
    let err = refused(&store, |s| deactivate(s, 1, "support", at(LATER)));
    assert_eq!(
        err.to_string(),
        "cannot deactivate agreement 1 `Acme Optics`: it is declined; only a pending or \
         accepted agreement can be deactivated"
    );
    let store = self::store();
    import_pair(&store, AgreementStatus::SslError);
    let err = refused(&store, |s| accept(s, 2, "acme", at(LATER)));
    assert_eq!(
        err.to_string(),
        "cannot accept agreement 2 `Acme Optics`: it is ssl_error; only a pending agreement \
         can be accepted"
    );
}

#[test]
fn an_id_that_is_not_the_accounts_side_is_refused_with_the_right_one() {
    let store = store();
    invited(&store);
    store.add_account("beta").unwrap();
    let err = refused(&store, |s| accept(s, 1, "acme", at(LATER)));
    assert_eq!(
        err.to_string(),
        "no agreement 1 in `acme`\nhelp: agreement 1 is `support`'s side; `acme`'s side of it is 2"
    );
    let err = refused(&store, |s| accept(s, 9, "acme", at(LATER)));
    assert_eq!(
        err.to_string(),
        "no agreement 9 in `acme`\nhelp: `acme` has agreements 2 (`Acme Optics`)"
    );
    let err = refused(&store, |s| deactivate(s, 1, "beta", at(LATER)));
    assert_eq!(
        err.to_string(),
        "no agreement 1 in `beta`\nhelp: `beta` has no agreements"
    );
    let err = refused(&store, |s| deactivate(s, 1, "nobody", at(LATER)));
    assert!(matches!(err, AgreementError::NotLocal { .. }), "{err}");
}

/// An agreement imported for a local account whose partner is remote.
fn remote(store: &Store, direction: Direction) -> Agreement {
    let side = Agreement {
        id: 40,
        account: "acme".into(),
        name: "Far Away".into(),
        partner_name: Some("Far Away Inc".into()),
        remote_subdomain: Some("faraway".into()),
        status: AgreementStatus::Pending,
        direction,
        comments: CommentTerms::PublicAndPrivate,
        sync_tags: false,
        sync_custom_fields: true,
        created_at: Some(INVITED.into()),
        updated_at: None,
        url: Some("https://acme.zendesk.com/api/v2/sharing_agreements/40.json".into()),
    };
    store
        .import_agreements("acme", std::slice::from_ref(&side))
        .unwrap();
    side
}

#[test]
fn a_remote_partner_is_told_through_the_outbox() {
    let store = store();
    remote(&store, Direction::Inbound);
    let changed = accept(&store, 40, "acme", at(LATER)).unwrap();
    assert!(!changed.partner_local);
    assert_eq!(changed.peer, None);
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    let row = &outbox[0];
    assert_eq!(changed.outbox, Some(row.seq));
    assert_eq!(
        (
            row.event_id.as_str(),
            row.account.as_str(),
            row.ticket_id,
            row.kind.as_str()
        ),
        ("agreement-40-accepted", "acme", 0, "agreement")
    );
    assert_eq!(row.created_at, at(LATER));
    assert!(!row.acked);
    let payload: serde_json::Value = serde_json::from_str(&row.payload).unwrap();
    assert_eq!(
        payload,
        json!({"sharing_agreement": {
            "id": 40,
            "account": "acme",
            "name": "Far Away",
            "partner_name": "Far Away Inc",
            "remote_subdomain": "faraway",
            "status": "accepted",
            "type": "inbound",
            "comments": "public_and_private",
            "sync_tags": false,
            "sync_custom_fields": true,
            "created_at": INVITED,
            "updated_at": LATER,
            "url": "https://acme.zendesk.com/api/v2/sharing_agreements/40.json"
        }})
    );
    deactivate(&store, 40, "acme", at(LATER)).unwrap();
    let events: Vec<String> = store
        .outbox()
        .unwrap()
        .into_iter()
        .map(|e| e.event_id)
        .collect();
    assert_eq!(events, ["agreement-40-accepted", "agreement-40-inactive"]);
    // A refusal queues nothing either.
    refused(&store, |s| deactivate(s, 40, "acme", at(LATER)));
}

#[test]
fn the_sender_deactivating_towards_a_remote_partner_tells_it() {
    let store = store();
    remote(&store, Direction::Outbound);
    refused(&store, |s| accept(s, 40, "acme", at(LATER)));
    let changed = deactivate(&store, 40, "acme", at(LATER)).unwrap();
    assert_eq!(changed.side.status, AgreementStatus::Inactive);
    assert_eq!(store.outbox().unwrap()[0].event_id, "agreement-40-inactive");
}

#[test]
fn a_local_partner_without_its_side_leaves_only_this_side_to_move() {
    let store = store();
    let mut lonely = remote(&store, Direction::Inbound);
    lonely.remote_subdomain = Some("support".into());
    store.import_agreements("acme", &[lonely]).unwrap();
    let changed = accept(&store, 40, "acme", at(LATER)).unwrap();
    assert!(changed.partner_local);
    assert_eq!((changed.peer, changed.outbox), (None, None));
    assert!(store.agreements("support").unwrap().is_empty());
    assert!(store.outbox().unwrap().is_empty());
}

#[test]
fn peers_of_imported_agreements_are_found_by_their_fields() {
    let store = store();
    let side = |account: &str, id, partner: &str, name: &str, direction, status| Agreement {
        id,
        account: account.into(),
        name: name.into(),
        partner_name: Some(format!("{partner} Inc")),
        remote_subdomain: Some(partner.into()),
        status,
        direction,
        comments: CommentTerms::PublicAndPrivate,
        sync_tags: false,
        sync_custom_fields: false,
        created_at: None,
        updated_at: None,
        url: None,
    };
    use AgreementStatus::{Accepted, Inactive};
    use Direction::{Inbound, Outbound};
    let mine = side("support", 7, "acme", "Acme Optics", Outbound, Accepted);
    store
        .import_agreements("support", std::slice::from_ref(&mine))
        .unwrap();
    let others = [
        side("acme", 3, "support", "Acme Optics", Outbound, Accepted), // same type
        side("acme", 4, "beta", "Acme Optics", Inbound, Accepted),     // other sender
        side("acme", 5, "support", "Acme", Inbound, Accepted),         // other name
        side("acme", 6, "support", "ACME optics", Inbound, Inactive),  // an older pair
        side("acme", 8, "support", "acme OPTICS", Inbound, Accepted),  // the pair
    ];
    store.import_agreements("acme", &others).unwrap();
    assert_eq!(peer(&store, &mine).unwrap().map(|p| p.id), Some(8));
    // Without one that agrees on the status, the oldest.
    let stale = Agreement {
        status: AgreementStatus::Pending,
        ..mine.clone()
    };
    assert_eq!(peer(&store, &stale).unwrap().map(|p| p.id), Some(6));
    let unpaired = Agreement {
        remote_subdomain: None,
        ..mine
    };
    assert_eq!(peer(&store, &unpaired).unwrap(), None);
}

#[test]
fn an_inactive_other_side_stays_inactive() {
    let store = store();
    import_pair(&store, AgreementStatus::Pending);
    store
        .set_agreement_status("support", 1, AgreementStatus::Inactive, INVITED)
        .unwrap();
    let err = refused(&store, |s| accept(s, 2, "acme", at(LATER)));
    assert_eq!(
        err.to_string(),
        "cannot accept agreement 2 `Acme Optics`: the other side, agreement 1 of `support`, is \
         inactive\nhelp: the two sides disagree; import them again so that they agree"
    );
}

/// The project's error style: lowercase, no final period, help on lines of
/// its own that start `help: `.
#[test]
fn every_message_keeps_the_error_style() {
    let store = store();
    invited(&store);
    let errors = [
        invite(&store, "nobody", "acme", "X", terms(), at(LATER)).unwrap_err(),
        invite(&store, "support", "support", "X", terms(), at(LATER)).unwrap_err(),
        invite(&store, "support", "", "X", terms(), at(LATER)).unwrap_err(),
        invite(&store, "support", "Acme", "X", terms(), at(LATER)).unwrap_err(),
        invite(&store, "support", "acme", "Acme Optics", terms(), at(LATER)).unwrap_err(),
        accept(&store, 1, "support", at(LATER)).unwrap_err(),
        accept(&store, 5, "acme", at(LATER)).unwrap_err(),
        deactivate(&store, 2, "nobody", at(LATER)).unwrap_err(),
        {
            deactivate(&store, 2, "acme", at(LATER)).unwrap();
            accept(&store, 2, "acme", at(LATER)).unwrap_err()
        },
        deactivate(&store, 2, "acme", at(LATER)).unwrap_err(),
    ];
    for err in errors {
        let text = err.to_string();
        let mut lines = text.lines();
        let first = lines.next().unwrap();
        assert!(first.starts_with(|c: char| !c.is_uppercase()), "{text}");
        assert!(!first.ends_with('.'), "{text}");
        for line in lines {
            assert!(line.starts_with("help: "), "{text}");
            assert!(!line.ends_with('.'), "{text}");
        }
    }
}
