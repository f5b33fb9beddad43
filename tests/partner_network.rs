//! Two servers, two stores, over the Networked Help Desk API on loopback:
//! invites, shares, synced replies, unshares, partners that are down or
//! refuse, wrong tokens, and the inbound side's terms.

mod common;

use common::partner::Desk;
use ticket_rules::model::CommentTerms;
use ticket_rules::model::{AgreementStatus, Direction, Status};
use ticket_rules::server::delivery::{self, Job, Sent};
use ticket_rules::server::partner::PartnerHost;
use ticket_rules::sharing::agreements::{accept, deactivate, decline, Terms};
use ticket_rules::sharing::remote::invite_remote;

const SUPPORT_RULES: &str = r#"
trigger "Share lens tickets with Acme" {
  when Ticket is Created and Tags contains at least one of lens
  then Share ticket with "Acme Optics"
       Add tags sent_to_acme
}
trigger "Take back in house" {
  when Tags contains at least one of in_house
  then Unshare ticket
}
"#;

const ACME_RULES: &str = r#"
trigger "Take in shared tickets" {
  when Ticket is Created and Ticket source is Ticket sharing
  then Set group "Lens lab"
       Add tags acme_has_it
       Add comment public "Acme Optics has your lens ticket"
}
"#;

fn at() -> chrono::DateTime<chrono::Utc> {
    "2026-11-21T08:00:00Z".parse().unwrap()
}

fn terms(comments: CommentTerms) -> Terms {
    Terms {
        comments,
        sync_tags: true,
        sync_custom_fields: false,
    }
}

/// Support invites Acme over HTTP and Acme accepts: both sides accepted.
async fn agreed(support: &Desk, acme: &Desk, comments: CommentTerms) {
    let url = acme.sharing_url("acme");
    {
        let store = support.store.lock().unwrap();
        invite_remote(
            &store,
            "support",
            &url,
            "Acme Optics",
            terms(comments),
            at(),
        )
        .unwrap();
    }
    assert_eq!(support.deliver().await.delivered, 1);
    let inbound = {
        let store = acme.store.lock().unwrap();
        let list = store.agreements("acme").unwrap();
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0].direction, Direction::Inbound);
        assert_eq!(list[0].status, AgreementStatus::Pending);
        assert_eq!(list[0].remote_subdomain.as_deref(), Some("support"));
        assert_eq!(list[0].comments, comments);
        accept(&store, list[0].id, "acme", at()).unwrap();
        list[0].id
    };
    assert!(inbound > 0);
    assert_eq!(acme.deliver().await.delivered, 1);
    let store = support.store.lock().unwrap();
    let outbound = &store.agreements("support").unwrap()[0];
    assert_eq!(outbound.status, AgreementStatus::Accepted);
}

const LENS: &str = r#"{"id":"l1","type":"create","account":"support","at":"2026-11-21T09:00:00Z","via":"web","actor":{"email":"ann@example.com","role":"end_user"},"ticket":{"id":1,"subject":"Lens cap stuck","requester":"ann@example.com","tags":["lens"],"comment":{"body":"The cap will not come off","public":true}}}"#;

const BO_REPLIES: &str = r#"{"id":"l1b","type":"update","account":"support","at":"2026-11-21T09:05:00Z","via":"web","actor":{"email":"bo@support.example","role":"agent"},"ticket_id":1,"changes":{"comment":{"body":"Acme, please hurry","public":true}}}"#;

fn two_desks(dir: &std::path::Path) -> (Desk, Desk) {
    (
        Desk::new(dir, "support", SUPPORT_RULES),
        Desk::new(dir, "acme", ACME_RULES),
    )
}

/// Support and Acme, both serving, with an accepted agreement; keep the
/// guards to keep them serving.
async fn connected(name: &str, comments: CommentTerms) -> (Desk, Desk, Guards) {
    let (support, acme) = two_desks(&scratch(name));
    let guards = (support.start(), acme.start());
    agreed(&support, &acme, comments).await;
    (support, acme, guards)
}

type Guards = (
    tokio::sync::oneshot::Sender<()>,
    tokio::sync::oneshot::Sender<()>,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_life_of_a_share_between_two_servers() {
    let (support, acme, _serving) = connected("life", CommentTerms::PublicAndPrivate).await;

    support.ingest(LENS);
    assert_eq!(support.pending(), 1, "the share waits in the outbox");
    assert_eq!(support.deliver().await.delivered, 1);

    // Acme's copy, made by Acme's own rules.
    let copy = acme.ticket("acme", 1).expect("acme has a copy");
    assert_eq!(copy.subject, "Lens cap stuck");
    assert_eq!(copy.group.as_deref(), Some("Lens lab"));
    assert!(copy.tags.contains("acme_has_it"), "{:?}", copy.tags);
    assert!(copy.tags.contains("lens"), "{:?}", copy.tags);
    assert_eq!(copy.received.as_ref().unwrap().origin_id, Some(1));
    assert_eq!(copy.requester.as_deref(), Some("ann@example.com"));
    assert_eq!(
        acme.comments("acme", 1),
        [
            "The cap will not come off (public)",
            "Acme Optics has your lens ticket (public)"
        ]
    );

    // What Acme's rules did syncs back.
    assert_eq!(acme.pending(), 1);
    assert_eq!(acme.deliver().await.delivered, 1);
    let back = support.ticket("support", 1).unwrap();
    assert!(back.tags.contains("acme_has_it"), "{:?}", back.tags);
    assert!(support
        .comments("support", 1)
        .contains(&"Acme Optics has your lens ticket (public)".to_string()));
    assert_eq!(support.pending(), 0, "nothing echoes back to acme");

    // Support takes it back: the copy hears of it and stops syncing.
    support.ingest(r#"{"id":"l2","type":"update","account":"support","at":"2026-11-21T10:00:00Z","via":"web","actor":{"email":"bo@support.example","role":"agent"},"ticket_id":1,"changes":{"add_tags":["in_house"]}}"#);
    assert_eq!(support.deliver().await.delivered, 1);
    let orphan = acme.ticket("acme", 1).unwrap();
    assert!(!orphan.received.as_ref().unwrap().active);
    assert!(acme
        .comments("acme", 1)
        .last()
        .unwrap()
        .contains("stopped sharing"));

    // Nothing syncs after, either way.
    support.ingest(r#"{"id":"l3","type":"update","account":"support","at":"2026-11-21T11:00:00Z","via":"web","actor":{"email":"bo@support.example","role":"agent"},"ticket_id":1,"changes":{"status":"solved","comment":{"body":"Fixed in house","public":true}}}"#);
    acme.ingest(r#"{"id":"a1","type":"update","account":"acme","at":"2026-11-21T11:00:00Z","via":"web","actor":{"email":"tess@acme.example","role":"agent"},"ticket_id":1,"changes":{"comment":{"body":"Still here","public":true}}}"#);
    assert_eq!(support.pending(), 0);
    assert_eq!(acme.pending(), 0);
    assert_eq!(acme.ticket("acme", 1).unwrap().status, copy.status);
}

/// An empty directory for one test's stores.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ticket-rules-partner-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_that_is_down_gets_the_share_when_it_is_back() {
    let dir = scratch("down");
    let (support, acme) = two_desks(&dir);
    let _s = support.start();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = acme.serve(listener);
    agreed(&support, &acme, CommentTerms::PublicAndPrivate).await;

    // Acme goes down; the port stays free.
    stop.send(()).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    support.ingest(LENS);
    support.ingest(BO_REPLIES);
    let first = support.deliver().await;
    assert_eq!((first.delivered, first.retried), (0, 1));
    let acme_url = acme.sharing_url("acme");
    assert_eq!(
        support.heard.lock().unwrap().last(),
        Some(&(acme_url.clone(), "retry".to_string())),
        "the host hears of each send, for its metrics"
    );
    let rows = support.store.lock().unwrap().pending_outbox().unwrap();
    assert_eq!(rows.len(), 2, "the share and the update wait");
    assert_eq!((rows[0].kind.as_str(), rows[0].attempts), ("share", 1));
    assert!(rows[0].last_error.is_some());
    assert_eq!(
        (rows[1].kind.as_str(), rows[1].attempts),
        ("update", 0),
        "an update never overtakes its share"
    );
    let status = support.store.lock().unwrap().agreements("support").unwrap()[0].status;
    assert_eq!(
        status,
        AgreementStatus::Accepted,
        "a partner that is down is no fault"
    );

    // Back on the same address: the share arrives, sent by a worker that
    // starts afresh on the store file and finds where the last one was.
    let _back = acme.serve(std::net::TcpListener::bind(addr).unwrap());
    let restarted = Desk::open(&dir.join("support.db"));
    let delivered = restarted.deliver_until(|p| p.delivered > 0).await.delivered;
    assert_eq!(delivered, 2, "the share, then the update, on one pass");
    let heard = restarted.heard.lock().unwrap().clone();
    assert!(
        heard.ends_with(&[
            (acme_url.clone(), "delivered".to_string()),
            (acme_url, "delivered".to_string())
        ]),
        "{heard:?}"
    );
    assert!(acme
        .comments("acme", 1)
        .contains(&"Acme, please hurry (public)".to_string()));
    let rows = support.store.lock().unwrap().outbox().unwrap();
    let tries: Vec<i64> = rows.iter().rev().take(2).map(|r| r.attempts).collect();
    assert_eq!(tries, [1, 2], "the update once, the share twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_that_answers_4xx_leaves_the_agreement_failed() {
    let dir = scratch("failed");
    let (support, acme) = two_desks(&dir);
    let _s = support.start();
    let _a = acme.start();
    // Acme has no account `nobody`: the invite gets 404.
    let url = format!("{}/sharing/nobody", acme.public_url());
    {
        let store = support.store.lock().unwrap();
        invite_remote(
            &store,
            "support",
            &url,
            "Ghost",
            terms(CommentTerms::PublicAndPrivate),
            at(),
        )
        .unwrap();
    }
    let pass = support.deliver().await;
    assert_eq!(pass.faults, 1);
    {
        let store = support.store.lock().unwrap();
        let side = &store.agreements("support").unwrap()[0];
        assert_eq!(side.status, AgreementStatus::Failed);
        let row = &store.pending_outbox().unwrap()[0];
        let error = row.last_error.as_deref().unwrap();
        assert!(error.starts_with("404"), "{row:?}");
    }
    assert_eq!(
        support.deliver().await.sent(),
        0,
        "a failed agreement's rows wait"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_gets_401_and_writes_nothing() {
    let (support, acme, _serving) = connected("token", CommentTerms::PublicAndPrivate).await;
    let uuid = {
        let store = support.store.lock().unwrap();
        store.agreement_key("support", 1).unwrap().unwrap().uuid
    };
    let before = dump(&acme);
    let client = reqwest::Client::new();
    let url = format!("{}/tickets/abc", acme.sharing_url("acme"));
    let body =
        serde_json::json!({"uuid": "abc", "original_id": 7, "subject": "Hi", "comments": []});
    for token in [
        None,
        Some(format!("{uuid}:wrong")),
        Some("nonsense".to_string()),
    ] {
        let mut request = client.post(&url).json(&body);
        if let Some(token) = &token {
            request = request.header("X-Ticket-Sharing-Token", token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{token:?}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert!(error["description"]
            .as_str()
            .unwrap()
            .contains("X-Ticket-Sharing-Token"));
    }
    assert_eq!(dump(&acme), before);
}

/// What a store holds that a call could change.
fn dump(desk: &Desk) -> String {
    let store = desk.store.lock().unwrap();
    format!(
        "{:?}\n{:?}\n{:?}",
        store.events().unwrap(),
        store.agreements("acme").unwrap(),
        store.ticket("acme", 1).unwrap()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_only_inbound_ignores_status_and_makes_comments_private() {
    let (support, acme, _serving) = connected("private", CommentTerms::PrivateOnly).await;
    support.ingest(LENS);
    assert_eq!(support.deliver().await.delivered, 1);
    assert_eq!(acme.ticket("acme", 1).unwrap().status, Status::New);
    // Acme's rule comment went back private, as a local sync would send it.
    assert_eq!(acme.deliver().await.delivered, 1);
    assert!(support
        .comments("support", 1)
        .contains(&"Acme Optics has your lens ticket (private)".to_string()));

    // Acme's server sends more than the terms allow: status and a public
    // comment. The status is ignored and the comment arrives private.
    let (token, uuid) = {
        let store = acme.store.lock().unwrap();
        let id = store.agreements("acme").unwrap()[0].id;
        let key = store.agreement_key("acme", id).unwrap().unwrap();
        (
            key.token(),
            ticket_rules::sharing::payload::uuid(&["support", "ticket", "1"]),
        )
    };
    let body = serde_json::json!({
        "uuid": uuid, "original_id": 1, "status": "solved",
        "comments": [{"author": {"name": "Tess", "email": "tess@acme.example"}, "body": "Solved it", "public": true}]
    });
    let url = format!("{}/tickets/{uuid}", support.sharing_url("support"));
    let put = || {
        reqwest::Client::new()
            .put(&url)
            .header("X-Ticket-Sharing-Token", &token)
            .json(&body)
            .send()
    };
    let response = put().await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let ticket = support.ticket("support", 1).unwrap();
    assert_eq!(ticket.status, Status::New);
    assert!(support
        .comments("support", 1)
        .contains(&"Solved it (private)".to_string()));

    // The same payload again changes nothing.
    let events = support.store.lock().unwrap().events().unwrap().len();
    let again = put().await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(
        support.store.lock().unwrap().events().unwrap().len(),
        events
    );
    assert_eq!(
        support
            .comments("support", 1)
            .iter()
            .filter(|c| c.starts_with("Solved it"))
            .count(),
        1
    );
}

/// A server on 127.0.0.1 that answers every connection with `raw` (plain
/// HTTP, whatever was asked) and closes it.
fn answering(raw: &'static str) -> std::net::SocketAddr {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(raw.as_bytes());
        }
    });
    addr
}

fn job(url: String) -> Job {
    Job {
        seq: 1,
        attempts: 0,
        account: "support".into(),
        agreement_id: 1,
        post: false,
        url,
        token: Some("u:k".into()),
        body: serde_json::json!({"uuid": "u", "status": "accepted"}),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_decide_between_retry_and_fault() {
    let client = delivery::client(&common::partner::fast()).unwrap();
    let cases = [
        (
            "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n",
            "retry",
        ),
        (
            "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n",
            "retry",
        ),
        (
            "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 0\r\n\r\n",
            "retry",
        ),
        (
            "HTTP/1.1 409 Conflict\r\ncontent-length: 0\r\n\r\n",
            "retry",
        ),
        (
            "HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n\r\n",
            "retry",
        ),
        (
            "HTTP/1.1 403 Forbidden\r\ncontent-length: 2\r\n\r\nno",
            "failed",
        ),
        (
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
            "failed",
        ),
        (
            "HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n",
            "delivered",
        ),
    ];
    for (raw, expected) in cases {
        let addr = answering(raw);
        let sent = delivery::send(
            &client,
            &job(format!("http://{addr}/sharing/acme/agreements/u")),
        )
        .await;
        let got = match &sent {
            Sent::Delivered => "delivered",
            Sent::Retry(_) => "retry",
            Sent::Fault(AgreementStatus::Failed, _) => "failed",
            Sent::Fault(..) => "other fault",
        };
        assert_eq!(got, expected, "{raw:?}: {sent:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_that_does_not_speak_tls_is_an_ssl_error() {
    let client = delivery::client(&common::partner::fast()).unwrap();
    let addr = answering("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
    let sent = delivery::send(
        &client,
        &job(format!("https://{addr}/sharing/acme/agreements/u")),
    )
    .await;
    assert!(
        matches!(sent, Sent::Fault(AgreementStatus::SslError, _)),
        "{sent:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivation_on_either_server_reaches_the_other_and_stops_the_links() {
    let (support, acme, _serving) = connected("deactivate", CommentTerms::PublicAndPrivate).await;
    support.ingest(LENS);
    assert_eq!(support.deliver().await.delivered, 1);
    assert_eq!(acme.deliver().await.delivered, 1);
    {
        let store = acme.store.lock().unwrap();
        let id = store.agreements("acme").unwrap()[0].id;
        deactivate(&store, id, "acme", at()).unwrap();
    }
    assert_eq!(acme.deliver().await.delivered, 1);
    let side = support.store.lock().unwrap().agreements("support").unwrap()[0].clone();
    assert_eq!(side.status, AgreementStatus::Inactive);
    let ticket = support.ticket("support", 1).unwrap();
    assert!(!ticket.sends_over(side.id), "{:?}", ticket.shares);
    support.ingest(BO_REPLIES);
    assert_eq!(
        support.pending(),
        0,
        "nothing syncs over an inactive agreement"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_invite_is_declined_on_both_servers() {
    let (support, acme) = two_desks(&scratch("decline"));
    let _serving = (support.start(), acme.start());
    {
        let store = support.store.lock().unwrap();
        let url = acme.sharing_url("acme");
        let terms = terms(CommentTerms::PublicAndPrivate);
        invite_remote(&store, "support", &url, "Acme Optics", terms, at()).unwrap();
    }
    support.deliver().await;
    {
        let store = acme.store.lock().unwrap();
        let id = store.agreements("acme").unwrap()[0].id;
        decline(&store, id, "acme", at()).unwrap();
    }
    assert_eq!(acme.deliver().await.delivered, 1);
    let side = support.store.lock().unwrap().agreements("support").unwrap()[0].clone();
    assert_eq!(side.status, AgreementStatus::Declined);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_delivers_on_its_own_until_it_is_stopped() {
    let (support, acme, _serving) = connected("worker", CommentTerms::PublicAndPrivate).await;
    let config = common::partner::fast();
    let client = delivery::client(&config).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(delivery::run(support.clone(), client, config, async {
        let _ = stopped.await;
    }));
    support.ingest(LENS);
    for _ in 0..100 {
        if acme.ticket("acme", 1).is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        acme.ticket("acme", 1).is_some(),
        "the worker sent the share"
    );
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), worker)
        .await
        .expect("the worker stops when told")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_calls_answer_with_zendesk_error_bodies() {
    let (_support, acme) = two_desks(&scratch("errors"));
    let _serving = acme.start();
    let base = acme.sharing_url("acme");
    let client = reqwest::Client::new();
    let calls = [
        (client.post(format!("{base}/agreements/u1")).body("not json"), 400, "InvalidPayload"),
        (
            client.put(format!("{base}/agreements/u1")).json(&serde_json::json!({"uuid": "u1", "status": "accepted"})),
            401,
            "Couldn't authenticate you",
        ),
        (
            client
                .post(format!("{}/sharing/nobody/agreements/u1", acme.public_url()))
                .json(&serde_json::json!({"uuid": "u1", "name": "N", "access_key": "k", "sender_url": "http://h/sharing/s"})),
            404,
            "RecordNotFound",
        ),
    ];
    for (request, status, error) in calls {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], error, "{body}");
        assert!(body["description"].as_str().is_some_and(|d| !d.is_empty()));
    }
    assert!(acme
        .store
        .lock()
        .unwrap()
        .agreements("acme")
        .unwrap()
        .is_empty());
}
