//! Who may call the server: tokens made by the real binary, HTTP Basic
//! `{email}/token:{token}`, 401 for missing or wrong credentials, 403 for
//! a role that may not, Zendesk's JSON error body on every 4xx, and the
//! limits.

mod serve;

use serde_json::json;
use serve::{assert_error, two_accounts};

#[test]
fn tokens_are_for_agents_only_and_shown_once() {
    let desk = two_accounts("tokens");
    let stranger = desk.run(&["tokens", "add", "support", "eve@elsewhere.example"]);
    assert_eq!(stranger.status.code(), Some(2));
    let said = String::from_utf8_lossy(&stranger.stderr);
    assert!(
        said.contains("not an agent or admin of `support`"),
        "{said}"
    );
    let token = desk.token("support", "bo@support.example");
    assert_eq!(token.len(), 40);
    let listed = desk.ok(&["tokens", "list", "--format", "json"]);
    assert!(
        !listed.contains(&token),
        "the token itself is listed: {listed}"
    );
    let tokens: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(tokens[0]["email"], "bo@support.example");
    assert_eq!(tokens[0]["revoked_at"], serde_json::Value::Null);
    let stored = std::fs::read(&desk.db).unwrap();
    let text = String::from_utf8_lossy(&stored);
    assert!(!text.contains(&token), "the store holds the token");
}

#[tokio::test]
async fn wrong_or_missing_credentials_get_401_and_revoked_tokens_stop_working() {
    let desk = two_accounts("unauthorized");
    let token = desk.token("support", "bo@support.example");
    let server = desk.serve(&[]);
    let path = "/api/v2/sharing_agreements";
    let none = server.anonymous().get(path).await;
    assert_error(&none, 401);
    let wrong = server.as_user("bo@support.example", "0000").get(path).await;
    assert_error(&wrong, 401);
    let someone_else = server.as_user("cy@support.example", &token).get(path).await;
    assert_error(&someone_else, 401);
    let right = server.as_user("BO@support.example", &token).get(path).await;
    assert_eq!(right.0, 200, "{}", right.1);
    // A password instead of a token is not taken.
    let password = server
        .anonymous()
        .http
        .get(format!("{}{path}", server.base))
        .basic_auth("bo@support.example", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(password.status().as_u16(), 401);
    assert!(password.headers().contains_key("www-authenticate"));
    desk.ok(&["tokens", "revoke", "support", "1"]);
    // A token found good is believed for `TOKEN_TTL`; a revoke takes
    // effect within it.
    let ttl = ticket_rules::server::auth::TOKEN_TTL;
    let until = std::time::Instant::now() + ttl + std::time::Duration::from_secs(3);
    let revoked = loop {
        let answer = server.as_user("bo@support.example", &token).get(path).await;
        if answer.0 != 200 || std::time::Instant::now() > until {
            break answer;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_error(&revoked, 401);
}

#[tokio::test]
async fn agents_read_and_admins_change() {
    let desk = two_accounts("roles");
    let agent = desk.token("support", "cy@support.example");
    let admin = desk.token("support", "admin@support.example");
    let server = desk.serve(&[]);
    let agent = server.as_user("cy@support.example", &agent);
    let admin = server.as_user("admin@support.example", &admin);
    let invite = json!({"sharing_agreement": {"remote_subdomain": "acme"}});
    assert_error(
        &agent
            .post("/api/v2/sharing_agreements", invite.clone())
            .await,
        403,
    );
    assert_error(&agent.post("/api/v2/rules/reload", json!({})).await, 403);
    let created = admin.post("/api/v2/sharing_agreements", invite).await;
    assert_eq!(created.0, 201, "{}", created.1);
    let id = created.1["sharing_agreement"]["id"].as_i64().unwrap();
    let path = format!("/api/v2/sharing_agreements/{id}");
    assert_eq!(agent.get(&path).await.0, 200);
    assert_error(
        &agent
            .put(&path, json!({"sharing_agreement": {"status": "inactive"}}))
            .await,
        403,
    );
    assert_error(&agent.delete(&path).await, 403);
    assert_eq!(
        admin.get(&path).await.1["sharing_agreement"]["status"],
        "pending"
    );
}

#[tokio::test]
async fn every_error_is_zendesk_json_and_the_json_suffix_is_taken() {
    let desk = two_accounts("errors");
    let token = desk.token("support", "admin@support.example");
    let server = desk.serve_with(&[], &["--no-clock", "--max-body", "2000"]);
    let api = server.as_user("admin@support.example", &token);
    assert_eq!(api.get("/api/v2/sharing_agreements.json").await.0, 200);
    assert_error(&api.get("/api/v2/no_such_thing").await, 404);
    assert_error(&api.delete("/api/v2/tickets").await, 405);
    let big = json!({"ticket": {"subject": "x".repeat(5000)}});
    assert_error(&api.post("/api/v2/tickets", big).await, 413);
    let broken = api
        .http
        .post(format!("{}/api/v2/tickets", server.base))
        .basic_auth("admin@support.example/token", Some(&token))
        .body("{\"ticket\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status().as_u16(), 400);
    let body: serde_json::Value = broken.json().await.unwrap();
    assert!(
        body["description"].as_str().unwrap().contains("line 1"),
        "{body}"
    );
    let huge_header = api
        .http
        .get(format!("{}/healthz", server.base))
        .header("x-padding", "y".repeat(40 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(huge_header.status().as_u16(), 431);
}

#[tokio::test]
async fn health_and_metrics_answer_without_a_token() {
    let desk = two_accounts("health");
    let token = desk.token("support", "admin@support.example");
    let server = desk.serve(&[]);
    let health = server.anonymous().get("/healthz").await;
    assert_eq!(health.0, 200);
    assert_eq!(health.1["status"], "ok");
    assert_eq!(health.1["accounts"], 2);
    let api = server.as_user("admin@support.example", &token);
    let made = api
        .post("/api/v2/tickets", json!({"ticket": {"subject": "Hi"}}))
        .await;
    assert_eq!(made.0, 201, "{}", made.1);
    let text = reqwest::get(format!("{}/metrics", server.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "ticket_rules_events_applied_total 1",
        "ticket_rules_events_rejected_total 0",
        "ticket_rules_outbox_depth 0",
        "# TYPE ticket_rules_request_duration_seconds histogram",
        "ticket_rules_requests_total{method=\"POST\",status=\"201\"} 1",
    ] {
        assert!(text.lines().any(|l| l == line), "no `{line}` in:\n{text}");
    }
    // The delivery worker reads the outbox through the writer too, so the
    // write above is one batch of at least one.
    let batches: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("ticket_rules_writer_batches_total "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no writer batches in:\n{text}"));
    assert!(batches >= 1, "{text}");
}
