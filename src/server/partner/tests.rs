use super::*;
use crate::model::{CommentTerms, Direction, Status};
use crate::sharing::agreements::accept;

fn at() -> Time {
    "2026-11-21T09:00:00Z".parse().unwrap()
}

const UUID: &str = "0f1e2d3c-4b5a-4697-a887-766554433221";
const KEY: &str = "0123456789abcdef0123456789abcdef";

fn invite(terms: CommentTerms, sync_tags: bool) -> Invite {
    Invite {
        uuid: UUID.into(),
        name: Some("Acme Optics".into()),
        status: Some("pending".into()),
        access_key: Some(KEY.into()),
        sender_url: Some("http://127.0.0.1:9/sharing/support".into()),
        receiver_url: Some("http://127.0.0.1:8/sharing/acme".into()),
        sync_tags,
        sync_custom_fields: false,
        allows_public_comments: terms == CommentTerms::PublicAndPrivate,
        current_actor: None,
    }
}

/// `acme` with an inbound agreement from the remote `support`, accepted.
fn acme(terms: CommentTerms, sync_tags: bool) -> Store {
    let store = Store::in_memory().unwrap();
    store.add_account("acme").unwrap();
    let invited = agreements::receive_invite(&store, "acme", UUID, &invite(terms, sync_tags), at());
    assert_eq!(invited.unwrap().status, 201);
    accept(&store, 1, "acme", at()).unwrap();
    store
}

fn token(key: &str) -> String {
    format!("{UUID}:{key}")
}

fn call<'a>(token: Option<&'a str>, uuid: &'a str, body: &'a [u8], delivery: &'a str) -> Call<'a> {
    Call {
        account: "acme",
        uuid,
        token,
        delivery: Some(delivery),
        body,
        at: at(),
    }
}

const TICKET_UUID: &str = "aaaaaaaa-bbbb-4ccc-addd-eeeeeeeeeeee";

fn share_body() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "uuid": TICKET_UUID, "original_id": 7, "subject": "Lens cap stuck",
        "status": "pending", "tags": ["lens"],
        "requester": {"name": "Ann", "email": "ann@example.com"},
        "comments": [{"author": {"name": "Ann", "email": "ann@example.com"},
                      "body": "The cap will not come off", "public": true}]
    }))
    .unwrap()
}

fn send(store: &Store, method: Method, body: &[u8], delivery: &str) -> Result<Reply, PartnerError> {
    let t = token(KEY);
    let rules = AccountRules::default();
    ticket_call(
        store,
        &rules,
        &call(Some(&t), TICKET_UUID, body, delivery),
        method,
    )
}

#[test]
fn a_token_must_name_an_agreement_of_the_account_with_its_key() {
    let store = acme(CommentTerms::PublicAndPrivate, true);
    let (side, key) = authenticate(&store, "acme", Some(&token(KEY))).unwrap();
    assert_eq!((side.id, side.direction), (1, Direction::Inbound));
    assert_eq!(key.partner_url, "http://127.0.0.1:9/sharing/support");
    let wrong_key = token("0123456789abcdef0123456789abcdee");
    let other_uuid = format!("{}:{KEY}", TICKET_UUID);
    for bad in [
        None,
        Some(wrong_key.as_str()),
        Some(other_uuid.as_str()),
        Some(UUID),
        Some(""),
    ] {
        let refused = authenticate(&store, "acme", bad);
        assert!(
            matches!(refused, Err(PartnerError::Unauthorized)),
            "{bad:?}"
        );
    }
    let elsewhere = authenticate(&store, "support", Some(&token(KEY)));
    assert!(matches!(elsewhere, Err(PartnerError::Unauthorized)));
}

#[test]
fn an_invite_makes_a_pending_inbound_side_once() {
    let store = Store::in_memory().unwrap();
    store.add_account("acme").unwrap();
    let first = invite(CommentTerms::PrivateOnly, false);
    let made = agreements::receive_invite(&store, "acme", UUID, &first, at()).unwrap();
    assert_eq!(made.status, 201);
    let side = &store.agreements("acme").unwrap()[0];
    assert_eq!(side.status, AgreementStatus::Pending);
    assert_eq!(side.comments, CommentTerms::PrivateOnly);
    assert_eq!(side.remote_subdomain.as_deref(), Some("support"));
    let again = agreements::receive_invite(&store, "acme", UUID, &first, at()).unwrap();
    assert_eq!(again.status, 200);
    assert_eq!(store.agreements("acme").unwrap().len(), 1);
    let mut stolen = first.clone();
    stolen.access_key = Some("guess".into());
    let refused = agreements::receive_invite(&store, "acme", UUID, &stolen, at());
    assert!(matches!(refused, Err(PartnerError::Unauthorized)));
}

#[test]
fn bad_invites_are_refused_and_write_nothing() {
    let store = Store::in_memory().unwrap();
    store.add_account("acme").unwrap();
    store.add_account("support").unwrap();
    let good = invite(CommentTerms::PublicAndPrivate, true);
    let mut no_key = good.clone();
    no_key.access_key = None;
    let mut bad_url = good.clone();
    bad_url.sender_url = Some("http://127.0.0.1:9/support".into());
    let cases = [
        ("acme", UUID, &no_key, "no `access_key`"),
        ("acme", UUID, &bad_url, "not a sharing URL"),
        ("acme", TICKET_UUID, &good, "not the one in the path"),
        ("nobody", UUID, &good, "no account `nobody`"),
        // The sender is named like an account of this store.
        ("acme", UUID, &good, "has the name of an account"),
    ];
    for (account, uuid, body, says) in cases {
        let err = agreements::receive_invite(&store, account, uuid, body, at()).unwrap_err();
        assert!(err.to_string().contains(says), "{err}");
    }
    assert!(store.agreements("acme").unwrap().is_empty());
    assert!(store.outbox().unwrap().is_empty());
}

#[test]
fn an_account_that_declines_all_invites_tells_the_sender() {
    let store = Store::in_memory().unwrap();
    store.add_account("acme").unwrap();
    store.set_decline_all_invites("acme", true).unwrap();
    let body = invite(CommentTerms::PublicAndPrivate, true);
    agreements::receive_invite(&store, "acme", UUID, &body, at()).unwrap();
    assert_eq!(
        store.agreements("acme").unwrap()[0].status,
        AgreementStatus::Declined
    );
    let told = &store.outbox().unwrap()[0];
    assert_eq!(told.kind, "agreement");
    assert!(told.payload.contains("\"declined\""), "{}", told.payload);
}

#[test]
fn a_partner_moves_only_as_its_side_may() {
    let store = Store::in_memory().unwrap();
    store.add_account("acme").unwrap();
    let body = invite(CommentTerms::PublicAndPrivate, true);
    agreements::receive_invite(&store, "acme", UUID, &body, at()).unwrap();
    let t = token(KEY);
    let put = |status: &str| {
        let body = serde_json::to_vec(&Invite::status(UUID, status)).unwrap();
        agreement_call(&store, &call(Some(&t), UUID, &body, "1"), false)
    };
    // The sender may not accept its own invite for the receiver.
    assert!(matches!(put("accepted"), Err(PartnerError::Rejected(_))));
    assert!(matches!(put("failed"), Err(PartnerError::BadPayload(_))));
    assert_eq!(put("inactive").unwrap().status, 200);
    assert_eq!(
        store.agreements("acme").unwrap()[0].status,
        AgreementStatus::Inactive
    );
    // Deactivation is final.
    assert!(matches!(put("declined"), Err(PartnerError::Rejected(_))));
}

#[test]
fn a_share_makes_a_copy_by_the_terms_and_the_same_call_again_nothing() {
    let store = acme(CommentTerms::PrivateOnly, false);
    let reply = send(&store, Method::Share, &share_body(), "5").unwrap();
    assert_eq!(reply.body["ticket_id"], 1);
    let copy = store.ticket("acme", 1).unwrap().unwrap();
    assert_eq!(
        copy.status,
        Status::New,
        "no status crosses under private_only"
    );
    assert!(copy.tags.is_empty(), "no tags without sync_tags");
    assert_eq!(copy.requester.as_deref(), Some("ann@example.com"));
    assert_eq!(copy.received.as_ref().unwrap().origin_id, Some(7));
    assert_eq!(copy.via, "ticket sharing");
    let comments = store.comments("acme", 1).unwrap();
    assert!(comments[0].public, "the sender's comments keep their own");
    let events = store.events().unwrap().len();
    let again = send(&store, Method::Share, &share_body(), "5").unwrap();
    assert_eq!(again.body["changed"], false);
    assert_eq!(store.events().unwrap().len(), events);
    assert!(store.ticket("acme", 2).unwrap().is_none());
}

#[test]
fn an_update_syncs_only_what_the_terms_let_through() {
    let store = acme(CommentTerms::PublicAndPrivate, false);
    send(&store, Method::Share, &share_body(), "1").unwrap();
    let body = serde_json::to_vec(&json!({
        "uuid": TICKET_UUID, "original_id": 7, "status": "hold", "tags": ["other"],
        "comments": [{"author": {"name": "Bo", "email": "bo@support.example"},
                      "body": "Any news?", "public": true}]
    }))
    .unwrap();
    send(&store, Method::Update, &body, "2").unwrap();
    let copy = store.ticket("acme", 1).unwrap().unwrap();
    assert_eq!(copy.status, Status::Open, "hold reads open");
    assert!(copy.tags.is_empty(), "{:?}", copy.tags);
    let last = store.comments("acme", 1).unwrap().pop().unwrap();
    assert_eq!((last.body.as_str(), last.public), ("Any news?", true));
    assert_eq!(last.author, "bo@support.example");
}

#[test]
fn a_partner_reaches_only_the_copies_of_its_agreement() {
    let store = acme(CommentTerms::PublicAndPrivate, true);
    // A ticket of acme's own, never shared.
    let own = r#"{"id":"o1","type":"create","account":"acme","at":"2026-11-21T08:00:00Z","via":"web","ticket":{"id":1,"subject":"Our own","comment":{"body":"Private business","public":false}}}"#;
    let rules = AccountRules::default();
    let mut pipeline = crate::ingest::Pipeline::new(&store, &rules, crate::engine::Explain::None);
    let events = crate::ingest::incoming(own.as_bytes());
    assert_eq!(pipeline.run(events, false, |_| {}).unwrap().applied, 1);
    let before = store.ticket("acme", 1).unwrap();
    let body =
        serde_json::to_vec(&json!({"uuid": TICKET_UUID, "original_id": 1, "status": "solved"}))
            .unwrap();
    let err = send(&store, Method::Update, &body, "9").unwrap_err();
    assert_eq!(err.status(), StatusCode::NOT_FOUND);
    let unshare =
        serde_json::to_vec(&json!({"uuid": TICKET_UUID, "original_id": 1, "shared": false}))
            .unwrap();
    let err = send(&store, Method::Update, &unshare, "10").unwrap_err();
    assert_eq!(err.status(), StatusCode::NOT_FOUND);
    assert_eq!(store.ticket("acme", 1).unwrap(), before);
}

#[test]
fn tickets_cross_only_an_accepted_agreement() {
    let store = Store::in_memory().unwrap();
    store.add_account("acme").unwrap();
    let body = invite(CommentTerms::PublicAndPrivate, true);
    agreements::receive_invite(&store, "acme", UUID, &body, at()).unwrap();
    let err = send(&store, Method::Share, &share_body(), "1").unwrap_err();
    assert_eq!(err.status(), StatusCode::FORBIDDEN);
    assert!(err.to_string().contains("is pending"), "{err}");
    assert!(store.ticket("acme", 1).unwrap().is_none());
}

#[test]
fn payloads_that_do_not_fit_are_bad_requests() {
    let store = acme(CommentTerms::PublicAndPrivate, true);
    let cases: [(&[u8], &str); 4] = [
        (b"not json", "bad payload"),
        (br#"{"uuid": "x"}"#, "original_id"),
        (
            br#"{"original_id": 1, "status": "done"}"#,
            "unknown status `done`",
        ),
        (
            br#"{"uuid": "other", "original_id": 1}"#,
            "not the one in the path",
        ),
    ];
    for (body, says) in cases {
        let err = send(&store, Method::Share, body, "1").unwrap_err();
        assert_eq!(err.status(), StatusCode::BAD_REQUEST, "{err}");
        assert!(err.to_string().contains(says), "{err}");
    }
    let t = token(KEY);
    let rules = AccountRules::default();
    let body = share_body();
    let odd = call(Some(&t), TICKET_UUID, &body, "no spaces allowed");
    let err = ticket_call(&store, &rules, &odd, Method::Share).unwrap_err();
    assert!(err.to_string().contains(DELIVERY_HEADER), "{err}");
}

#[test]
fn calls_without_a_delivery_id_are_named_by_what_they_carry() {
    let a = delivery_id(None, Method::Update, b"{\"a\":1}").unwrap();
    assert_eq!(a, delivery_id(None, Method::Update, b"{\"a\":1}").unwrap());
    assert_ne!(a, delivery_id(None, Method::Share, b"{\"a\":1}").unwrap());
    assert_ne!(a, delivery_id(None, Method::Update, b"{\"a\":2}").unwrap());
    assert_eq!(
        delivery_id(Some("42"), Method::Update, b"").unwrap(),
        "d-42"
    );
}

#[test]
fn an_update_to_a_closed_copy_is_answered_not_applied() {
    let store = acme(CommentTerms::PublicAndPrivate, true);
    send(&store, Method::Share, &share_body(), "1").unwrap();
    let close = r#"{"id":"c1","type":"update","account":"acme","at":"2026-11-21T10:00:00Z","via":"web","ticket_id":1,"changes":{"status":"closed"}}"#;
    let rules = AccountRules::default();
    let mut pipeline = crate::ingest::Pipeline::new(&store, &rules, crate::engine::Explain::None);
    let events = crate::ingest::incoming(close.as_bytes());
    assert_eq!(pipeline.run(events, false, |_| {}).unwrap().applied, 1);
    let body =
        serde_json::to_vec(&json!({"uuid": TICKET_UUID, "original_id": 7, "status": "open"}))
            .unwrap();
    let reply = send(&store, Method::Update, &body, "2").unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["changed"], false);
    assert!(
        reply.body["not_applied"]
            .as_str()
            .unwrap()
            .contains("closed"),
        "{:?}",
        reply.body
    );
    assert_eq!(
        store.ticket("acme", 1).unwrap().unwrap().status,
        Status::Closed
    );
    assert!(store.agreements("acme").unwrap()[0].status == AgreementStatus::Accepted);
}
