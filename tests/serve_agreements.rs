//! The Sharing Agreements API through the real server, with the API's own
//! examples: `POST {"sharing_agreement": {"remote_subdomain": "Foo"}}`
//! answers 201, `PUT {"sharing_agreement": {"status": "accepted"}}` 200,
//! `DELETE` 204; agents read, admins change; another account's ids answer
//! 404 exactly as missing ones.

mod serve;

use serde_json::{json, Value};
use serve::{assert_error, two_accounts, Api, Server};

/// The support admin, the acme admin and a support agent.
async fn three(server: &Server, desk: &serve::Desk) -> (Api, Api, Api) {
    let support = desk.token("support", "admin@support.example");
    let acme = desk.token("acme", "admin@acme.example");
    let agent = desk.token("support", "cy@support.example");
    (
        server.as_user("admin@support.example", &support),
        server.as_user("admin@acme.example", &acme),
        server.as_user("cy@support.example", &agent),
    )
}

fn agreement(answer: &(u16, Value)) -> &Value {
    &answer.1["sharing_agreement"]
}

#[tokio::test]
async fn the_whole_life_of_a_local_agreement() {
    let desk = two_accounts("agreement-life");
    let server = desk.serve(&[]);
    let (support, acme, agent) = three(&server, &desk).await;
    let listed = agent.get("/api/v2/sharing_agreements").await;
    assert_eq!(listed, (200, json!({"sharing_agreements": []})));

    let invited = support
        .post(
            "/api/v2/sharing_agreements",
            json!({"sharing_agreement": {"remote_subdomain": "acme"}}),
        )
        .await;
    assert_eq!(invited.0, 201, "{}", invited.1);
    let sent = agreement(&invited).clone();
    assert_eq!(sent["type"], "outbound");
    assert_eq!(sent["status"], "pending");
    assert_eq!(sent["remote_subdomain"], "acme");
    assert_eq!(sent["name"], "acme", "the name defaults to the partner");
    for key in [
        "id",
        "name",
        "partner_name",
        "remote_subdomain",
        "status",
        "type",
        "created_at",
        "updated_at",
        "url",
    ] {
        assert!(sent.get(key).is_some(), "no `{key}` in {sent}");
    }
    let sent_id = sent["id"].as_i64().unwrap();

    let theirs = acme.get("/api/v2/sharing_agreements").await;
    let received = theirs.1["sharing_agreements"][0].clone();
    assert_eq!(received["type"], "inbound");
    assert_eq!(received["status"], "pending");
    assert_eq!(received["remote_subdomain"], "support");
    let received_id = received["id"].as_i64().unwrap();
    assert_ne!(received_id, sent_id);

    // Each account sees only its own side: the other's id is not found,
    // in the very words a missing id gets.
    let missing = acme.get("/api/v2/sharing_agreements/999").await;
    assert_error(&missing, 404);
    assert_eq!(
        acme.get(&format!("/api/v2/sharing_agreements/{sent_id}"))
            .await,
        missing
    );
    let accept = json!({"sharing_agreement": {"status": "accepted"}});
    assert_eq!(
        acme.put(
            &format!("/api/v2/sharing_agreements/{sent_id}"),
            accept.clone()
        )
        .await,
        missing
    );
    assert_eq!(
        acme.delete(&format!("/api/v2/sharing_agreements/{sent_id}"))
            .await,
        missing
    );
    assert_eq!(acme.get("/api/v2/sharing_agreements/abc").await, missing);

    // Only the receiver accepts.
    let by_sender = support
        .put(
            &format!("/api/v2/sharing_agreements/{sent_id}"),
            accept.clone(),
        )
        .await;
    assert_error(&by_sender, 422);
    assert!(by_sender.1["description"]
        .as_str()
        .unwrap()
        .contains("only the receiving account"));
    let accepted = acme
        .put(
            &format!("/api/v2/sharing_agreements/{received_id}"),
            accept.clone(),
        )
        .await;
    assert_eq!(accepted.0, 200, "{}", accepted.1);
    assert_eq!(agreement(&accepted)["status"], "accepted");
    let again = acme
        .put(&format!("/api/v2/sharing_agreements/{received_id}"), accept)
        .await;
    assert_eq!(again.0, 200, "asking for the status it has is no error");
    let shown = support
        .get(&format!("/api/v2/sharing_agreements/{sent_id}.json"))
        .await;
    assert_eq!(agreement(&shown)["status"], "accepted");

    // DELETE deactivates first: the partner's side is inactive, ours gone.
    let deleted = support
        .delete(&format!("/api/v2/sharing_agreements/{sent_id}"))
        .await;
    assert_eq!(deleted, (204, Value::Null));
    assert_error(
        &support
            .get(&format!("/api/v2/sharing_agreements/{sent_id}"))
            .await,
        404,
    );
    let left = acme
        .get(&format!("/api/v2/sharing_agreements/{received_id}"))
        .await;
    assert_eq!(agreement(&left)["status"], "inactive");
}

#[tokio::test]
async fn a_receiver_declines_and_a_status_outside_the_lifecycle_is_refused() {
    let desk = two_accounts("agreement-decline");
    let server = desk.serve(&[]);
    let (support, acme, _) = three(&server, &desk).await;
    let invite = json!({"sharing_agreement": {
        "remote_subdomain": "acme", "name": "Acme Optics", "comments": "private_only",
        "sync_tags": true, "sync_custom_fields": false,
    }});
    let sent = support.post("/api/v2/sharing_agreements", invite).await;
    assert_eq!(agreement(&sent)["comments"], "private_only");
    assert_eq!(agreement(&sent)["sync_tags"], true);
    let theirs = acme.get("/api/v2/sharing_agreements").await;
    let id = theirs.1["sharing_agreements"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v2/sharing_agreements/{id}");
    for status in ["pending", "failed", "bogus"] {
        let refused = acme
            .put(&path, json!({"sharing_agreement": {"status": status}}))
            .await;
        assert_error(&refused, 422);
    }
    let renamed = acme
        .put(
            &path,
            json!({"sharing_agreement": {"status": "declined", "owner": "x"}}),
        )
        .await;
    assert_error(&renamed, 422);
    let declined = acme
        .put(&path, json!({"sharing_agreement": {"status": "declined"}}))
        .await;
    assert_eq!(agreement(&declined)["status"], "declined");
    let accept_late = acme
        .put(&path, json!({"sharing_agreement": {"status": "accepted"}}))
        .await;
    assert_error(&accept_late, 422);
    let same_name = support
        .post(
            "/api/v2/sharing_agreements",
            json!({"sharing_agreement": {"remote_subdomain": "acme", "name": "acme optics"}}),
        )
        .await;
    assert_error(&same_name, 422);
}

#[tokio::test]
async fn a_remote_partner_is_invited_through_the_outbox_and_no_body_names_another_account() {
    let desk = two_accounts("agreement-remote");
    let server = desk.serve(&[]);
    let (support, _, _) = three(&server, &desk).await;
    let by_subdomain = support
        .post(
            "/api/v2/sharing_agreements",
            json!({"sharing_agreement": {"remote_subdomain": "Foo"}}),
        )
        .await;
    assert_eq!(by_subdomain.0, 201, "{}", by_subdomain.1);
    assert_eq!(agreement(&by_subdomain)["status"], "pending");
    let by_url = support
        .post(
            "/api/v2/sharing_agreements",
            json!({"sharing_agreement": {"receiver_url": "https://desk.example.com/sharing/far", "name": "Far"}}),
        )
        .await;
    assert_eq!(by_url.0, 201, "{}", by_url.1);
    assert_eq!(agreement(&by_url)["remote_subdomain"], "far");
    // Invited by URL, the partner is on another server: the side has the
    // key and URL the delivery worker sends the invite with.
    let url_id = agreement(&by_url)["id"].as_i64().unwrap();
    let key = desk.store().agreement_key("support", url_id).unwrap();
    let key = key.expect("an agreement invited by URL has its key");
    assert_eq!(key.partner_url, "https://desk.example.com/sharing/far");
    let not_a_url = support
        .post(
            "/api/v2/sharing_agreements",
            json!({"sharing_agreement": {"receiver_url": "https://x.example/far"}}),
        )
        .await;
    assert_error(&not_a_url, 422);
    let outbox = desk.store().outbox().unwrap();
    assert_eq!(outbox.len(), 2, "each remote invite is queued: {outbox:?}");
    assert!(outbox
        .iter()
        .all(|o| o.kind == "agreement" && o.account == "support"));

    for claim in [
        json!({"remote_subdomain": "Bar", "account": "acme"}),
        json!({"remote_subdomain": "Bar", "type": "inbound"}),
        json!({"remote_subdomain": "Bar", "status": "accepted"}),
    ] {
        let refused = support
            .post(
                "/api/v2/sharing_agreements",
                json!({"sharing_agreement": claim}),
            )
            .await;
        assert_error(&refused, 422);
    }
    assert!(desk.store().agreements("acme").unwrap().is_empty());
    assert_eq!(desk.store().agreements("support").unwrap().len(), 2);

    // Deleting a remote agreement tells the partner it is inactive.
    let id = agreement(&by_subdomain)["id"].as_i64().unwrap();
    let deleted = support
        .delete(&format!("/api/v2/sharing_agreements/{id}"))
        .await;
    assert_eq!(deleted.0, 204);
    let told = desk.store().outbox().unwrap();
    assert_eq!(told.len(), 3);
    let last: Value = serde_json::from_str(&told[2].payload).unwrap();
    assert_eq!(last["sharing_agreement"]["status"], "inactive", "{last}");
    assert_eq!(last["sharing_agreement"]["remote_subdomain"], "Foo");
    assert_eq!(desk.store().agreements("support").unwrap().len(), 1);
    let metrics = reqwest::get(format!("{}/metrics", server.base))
        .await
        .unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics.contains("ticket_rules_outbox_depth 3\n"),
        "{metrics}"
    );
    let bodies = [
        json!({}),
        json!({"sharing_agreement": []}),
        json!({"sharing_agreement": {}}),
    ];
    for body in bodies {
        let refused = support.post("/api/v2/sharing_agreements", body).await;
        assert!(refused.0 == 400 || refused.0 == 422, "{refused:?}");
    }
}

#[tokio::test]
async fn a_failed_agreement_is_retried_back_to_its_status_before() {
    let desk = two_accounts("agreement-retry");
    let server = desk.serve(&[]);
    let (support, acme, agent) = three(&server, &desk).await;
    // This server has no account `nobody`: the invite gets 404, and the
    // delivery worker marks the agreement failed.
    let url = format!("{}/sharing/nobody", server.base);
    let invite = json!({"sharing_agreement": {"receiver_url": url, "name": "Nobody"}});
    let made = support.post("/api/v2/sharing_agreements", invite).await;
    assert_eq!(made.0, 201, "{}", made.1);
    let id = agreement(&made)["id"].as_i64().unwrap();
    let path = format!("/api/v2/sharing_agreements/{id}");
    let mut status = Value::Null;
    for _ in 0..200 {
        status = agreement(&support.get(&path).await)["status"].clone();
        if status == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "failed", "the invite was refused with 404");

    let retry = format!("{path}/retry");
    assert_error(&agent.post(&retry, json!({})).await, 403);
    assert_error(&acme.post(&retry, json!({})).await, 404);
    let retried = support.post(&retry, json!({})).await;
    assert_eq!(retried.0, 200, "{}", retried.1);
    assert_eq!(
        agreement(&retried)["status"],
        "pending",
        "an invite that failed is pending again"
    );
    let again = support.post(&retry, json!({})).await;
    assert_eq!(again.0, 422, "only an agreement in a fault is retried");
    assert!(again.1["description"]
        .as_str()
        .unwrap()
        .contains("not in a delivery fault"));
    // Its invite is sent again, and refused again.
    for _ in 0..200 {
        if desk.store().outbox().unwrap()[0].attempts >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(desk.store().outbox().unwrap()[0].attempts, 2);
}
