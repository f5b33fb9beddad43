//! Tickets through the real server: writes run the ingest pipeline (the
//! account's own triggers fire and the audit names them), group access
//! gives 403, another account's tickets are 404, nothing in a body can
//! claim another actor, role, account or channel; and the rules: listed
//! as Zendesk JSON, reloaded (a bad set refused, the old one kept, by
//! the API or SIGHUP), tried in a dry run that writes nothing.

mod serve;

use serde_json::{json, Value};
use serve::{assert_error, two_accounts, Desk};

const RULES: &str = r#"
trigger "Urgent for VIPs" {
  when Ticket is Created and Tags contains at least one of vip
  then Set priority urgent
       Set group "Tier 2"
       Add tags escalated
}

trigger "Reopen on reply" {
  when Ticket is Updated and Comment is public and Status is Pending
  then Set status open
}
"#;

fn rules(desk: &Desk) -> String {
    desk.write("support.rules", RULES).display().to_string()
}

#[tokio::test]
async fn a_created_ticket_runs_the_triggers_and_answers_with_the_audit() {
    let desk = two_accounts("ticket-create");
    let server = desk.serve(&[&format!("support={}", rules(&desk))]);
    let admin = server.user(&desk, "support", "admin@support.example");
    let body = json!({"ticket": {
        "subject": "Camera won't focus", "comment": {"body": "It broke", "public": true},
        "tags": ["vip"], "additional_tags": ["camera"], "custom_fields": [{"id": "Model", "value": "X200"}],
    }});
    let (status, made) = admin.post("/api/v2/tickets", body).await;
    assert_eq!(status, 201, "{made}");
    let ticket = &made["ticket"];
    assert_eq!(ticket["id"], 1);
    assert_eq!(ticket["priority"], "urgent");
    assert_eq!(ticket["group"], "Tier 2");
    assert_eq!(ticket["tags"], json!(["camera", "escalated", "vip"]));
    assert_eq!(ticket["requester_email"], "admin@support.example");
    assert_eq!(ticket["via"]["channel"], "api");
    assert_eq!(
        ticket["custom_fields"],
        json!([{"title": "Model", "value": "X200"}])
    );
    let events = made["audit"]["events"].as_array().unwrap();
    let by_rule: Vec<&Value> = events
        .iter()
        .filter(|e| e["rule"] == "Urgent for VIPs")
        .collect();
    assert_eq!(by_rule.len(), 3, "{events:?}");
    assert!(by_rule.iter().any(|e| e["value"] == "urgent"));
    assert_eq!(made["audit"]["author_email"], "admin@support.example");

    let update = json!({"ticket": {"status": "pending", "remove_tags": ["camera"]}});
    let (status, updated) = admin.put("/api/v2/tickets/1", update).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["ticket"]["status"], "pending");
    let reply = json!({"ticket": {"comment": {"body": "Any news?", "public": true}}});
    let (_, replied) = admin.put("/api/v2/tickets/1.json", reply).await;
    assert_eq!(
        replied["ticket"]["status"], "open",
        "the trigger reopened it"
    );
    assert_eq!(
        replied["audit"]["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["rule"] == "Reopen on reply")
            .count(),
        1
    );

    let (status, shown) = admin.get("/api/v2/tickets/1").await;
    assert_eq!(status, 200);
    assert_eq!(shown["ticket"], replied["ticket"]);
    let (_, audits) = admin.get("/api/v2/tickets/1/audits").await;
    assert_eq!(audits["count"], 3);
    assert_eq!(audits["audits"][2]["events"], replied["audit"]["events"]);
    let stored = desk.store().ticket("support", 1).unwrap().unwrap();
    assert_eq!(stored.status.to_string(), "open");

    // What the pipeline rejects is 422 with its reason, and counted.
    let closed = admin
        .put("/api/v2/tickets/1", json!({"ticket": {"status": "closed"}}))
        .await;
    assert_eq!(closed.0, 200);
    let late = admin
        .put("/api/v2/tickets/1", json!({"ticket": {"status": "open"}}))
        .await;
    assert_error(&late, 422);
    assert!(
        late.1["description"].as_str().unwrap().contains("closed"),
        "{}",
        late.1
    );
    let metrics = reqwest::get(format!("{}/metrics", server.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("ticket_rules_events_rejected_total 1\n"),
        "{metrics}"
    );
}

#[tokio::test]
async fn group_access_holds_and_other_accounts_tickets_are_not_found() {
    let desk = two_accounts("ticket-access");
    let server = desk.serve(&[]);
    let admin = server.user(&desk, "support", "admin@support.example");
    let member = server.user(&desk, "support", "bo@support.example");
    let outsider = server.user(&desk, "support", "cy@support.example");
    let acme = server.user(&desk, "acme", "admin@acme.example");
    let made = admin
        .post(
            "/api/v2/tickets",
            json!({"ticket": {"subject": "Tier 2 only", "group": "Tier 2"}}),
        )
        .await;
    assert_eq!(made.0, 201, "{}", made.1);
    let open = admin
        .post("/api/v2/tickets", json!({"ticket": {"subject": "Anyone"}}))
        .await;
    assert_eq!(open.1["ticket"]["id"], 2);

    assert_eq!(member.get("/api/v2/tickets/1").await.0, 200);
    assert_error(&outsider.get("/api/v2/tickets/1").await, 403);
    assert_error(&outsider.get("/api/v2/tickets/1/audits").await, 403);
    let change = json!({"ticket": {"status": "open"}});
    assert_error(
        &outsider.put("/api/v2/tickets/1", change.clone()).await,
        403,
    );
    assert_eq!(outsider.get("/api/v2/tickets/2").await.0, 200);
    let (_, listed) = outsider.get("/api/v2/tickets").await;
    let ids: Vec<&Value> = listed["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["id"])
        .collect();
    assert_eq!(ids, [&json!(2)], "the outsider's list leaves ticket 1 out");

    // Shared with the outsider, ticket 1 opens to them.
    desk.ok(&["accounts", "set", "support", "--agent-ticket-sharing", "on"]);
    desk.ok(&[
        "tickets",
        "share",
        "support/1",
        "--with",
        "cy@support.example",
        "--by",
        "bo@support.example",
    ]);
    let (status, changed) = outsider.put("/api/v2/tickets/1", change).await;
    assert_eq!(status, 200, "{changed}");

    let missing = acme.get("/api/v2/tickets/99").await;
    assert_error(&missing, 404);
    assert_eq!(acme.get("/api/v2/tickets/1").await, missing);
    assert_eq!(
        acme.put("/api/v2/tickets/1", json!({"ticket": {"status": "solved"}}))
            .await,
        missing
    );
    assert_eq!(acme.get("/api/v2/tickets/1/audits").await, missing);
    assert_eq!(acme.get("/api/v2/tickets").await.1["tickets"], json!([]));
    assert_eq!(
        desk.store()
            .ticket("support", 1)
            .unwrap()
            .unwrap()
            .status
            .to_string(),
        "open"
    );
}

#[tokio::test]
async fn no_body_claims_another_actor_role_account_or_channel() {
    let desk = two_accounts("ticket-claims");
    let server = desk.serve(&[]);
    let agent = server.user(&desk, "support", "cy@support.example");
    let claims = [
        json!({"subject": "x", "account": "acme"}),
        json!({"subject": "x", "actor": {"email": "admin@support.example", "role": "admin"}}),
        json!({"subject": "x", "role": "admin"}),
        json!({"subject": "x", "via": "ticket_sharing"}),
        json!({"subject": "x", "received_from": {"agreement": "Acme", "origin_id": 11}}),
        json!({"subject": "x", "id": 77}),
        json!({"subject": "x", "submitter_id": 1}),
    ];
    for claim in claims {
        let refused = agent
            .post("/api/v2/tickets", json!({ "ticket": claim }))
            .await;
        assert_error(&refused, 422);
    }
    assert!(
        desk.store().events().unwrap().is_empty(),
        "nothing was written"
    );
    let (_, made) = agent
        .post("/api/v2/tickets", json!({"ticket": {"subject": "mine"}}))
        .await;
    assert_eq!(made["audit"]["author_email"], "cy@support.example");
    let stored = desk.store().comments("support", 1).unwrap();
    assert!(stored.is_empty());
    let events = desk.store().events().unwrap();
    assert_eq!(events.len(), 1);
    let payload: Value = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(payload["actor"]["email"], "cy@support.example");
    assert_eq!(payload["actor"]["role"], "agent");
    assert_eq!(payload["account"], "support");
    let bad_value = agent
        .post(
            "/api/v2/tickets",
            json!({"ticket": {"subject": "x", "status": "later"}}),
        )
        .await;
    assert_error(&bad_value, 422);
    assert!(
        bad_value.1["description"]
            .as_str()
            .unwrap()
            .contains("ticket.status"),
        "{}",
        bad_value.1
    );
}

#[tokio::test]
async fn tickets_list_in_pages() {
    let desk = two_accounts("ticket-pages");
    let server = desk.serve(&[]);
    let admin = server.user(&desk, "support", "admin@support.example");
    for n in 1..=5 {
        let made = admin
            .post(
                "/api/v2/tickets",
                json!({"ticket": {"subject": format!("n{n}")}}),
            )
            .await;
        assert_eq!(made.0, 201);
    }
    let (_, first) = admin.get("/api/v2/tickets?per_page=2").await;
    let subjects = |page: &Value| -> Vec<String> {
        page["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["subject"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(subjects(&first), ["n1", "n2"]);
    assert!(first["next_page"]
        .as_str()
        .unwrap()
        .ends_with("page=2&per_page=2"));
    assert_eq!(first["previous_page"], Value::Null);
    let (_, last) = admin.get("/api/v2/tickets.json?page=3&per_page=2").await;
    assert_eq!(subjects(&last), ["n5"]);
    assert_eq!(last["next_page"], Value::Null);
}

#[tokio::test]
async fn an_agents_pages_are_full_when_tickets_are_hidden_from_them() {
    let desk = two_accounts("ticket-pages-hidden");
    let server = desk.serve(&[]);
    let admin = server.user(&desk, "support", "admin@support.example");
    let outsider = server.user(&desk, "support", "cy@support.example");
    // Tickets 1, 3, 5 and 7 are Tier 2's, which the outsider is not in.
    for n in 1..=8 {
        let group = if n % 2 == 1 {
            json!("Tier 2")
        } else {
            Value::Null
        };
        let body = json!({"ticket": {"subject": format!("n{n}"), "group": group}});
        assert_eq!(admin.post("/api/v2/tickets", body).await.0, 201);
    }
    let ids = |page: &Value| -> Vec<i64> {
        let tickets = page["tickets"].as_array().unwrap();
        tickets.iter().map(|t| t["id"].as_i64().unwrap()).collect()
    };
    let (_, first) = outsider.get("/api/v2/tickets?per_page=3").await;
    assert_eq!(ids(&first), [2, 4, 6], "a full page of what they may see");
    assert!(first["next_page"].as_str().unwrap().contains("page=2"));
    let (_, second) = outsider.get("/api/v2/tickets?page=2&per_page=3").await;
    assert_eq!(ids(&second), [8]);
    assert_eq!(second["next_page"], Value::Null);
    let (_, all) = admin.get("/api/v2/tickets?page=2&per_page=3").await;
    assert_eq!(ids(&all), [4, 5, 6], "an admin pages over every ticket");
}

#[tokio::test]
async fn rules_are_listed_reloaded_and_a_bad_set_is_refused() {
    let desk = two_accounts("rules-reload");
    let path = rules(&desk);
    let server = desk.serve(&[&format!("support={path}")]);
    let admin = server.user(&desk, "support", "admin@support.example");
    let acme = server.user(&desk, "acme", "admin@acme.example");
    let (_, triggers) = admin.get("/api/v2/triggers").await;
    let converted = desk.ok(&["convert", &path, "--to", "json"]);
    let converted: Value = serde_json::from_str(&converted).unwrap();
    assert_eq!(triggers["triggers"], converted["triggers"]);
    assert_eq!(triggers["count"], 2);
    assert_eq!(
        acme.get("/api/v2/triggers").await.1["count"],
        0,
        "acme runs no rules of support's"
    );
    assert_eq!(
        admin.get("/api/v2/automations.json").await.1["automations"],
        json!([])
    );

    std::fs::write(
        &path,
        "trigger \"Broken\" {\n  when Priority is sky_high\n  then Add tags x\n}\n",
    )
    .unwrap();
    let refused = admin.post("/api/v2/rules/reload", json!({})).await;
    assert_error(&refused, 422);
    assert!(
        refused.1["description"]
            .as_str()
            .unwrap()
            .contains("support.rules:2:"),
        "{}",
        refused.1
    );
    assert!(refused.1["details"].is_array());
    server.signal("HUP");
    let made = admin
        .post(
            "/api/v2/tickets",
            json!({"ticket": {"subject": "still", "tags": ["vip"]}}),
        )
        .await;
    assert_eq!(
        made.1["ticket"]["priority"], "urgent",
        "the old rules still run"
    );

    std::fs::write(
        &path,
        "trigger \"Tag all\" {\n  when Ticket is Created\n  then Add tags seen\n}\n",
    )
    .unwrap();
    let reloaded = admin.post("/api/v2/rules/reload", json!({})).await;
    assert_eq!(reloaded.0, 200, "{}", reloaded.1);
    let made = admin
        .post(
            "/api/v2/tickets",
            json!({"ticket": {"subject": "new", "tags": ["vip"]}}),
        )
        .await;
    assert_eq!(made.1["ticket"]["tags"], json!(["seen", "vip"]));

    std::fs::write(
        &path,
        "trigger \"By signal\" {\n  when Ticket is Created\n  then Add tags hup\n}\n",
    )
    .unwrap();
    server.signal("HUP");
    let mut tags = Value::Null;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let made = admin
            .post("/api/v2/tickets", json!({"ticket": {"subject": "hup"}}))
            .await;
        tags = made.1["ticket"]["tags"].clone();
        if tags == json!(["hup"]) {
            break;
        }
    }
    assert_eq!(tags, json!(["hup"]), "SIGHUP reloaded the rules");
    assert!(
        server.log_text().contains("rules not reloaded"),
        "the refused SIGHUP is logged"
    );
}

#[tokio::test]
async fn a_dry_run_answers_like_the_command_and_writes_nothing() {
    let desk = two_accounts("dry-run");
    let path = rules(&desk);
    let server = desk.serve(&[&format!("support={path}")]);
    let agent = server.user(&desk, "support", "bo@support.example");
    let made = agent
        .post(
            "/api/v2/tickets",
            json!({"ticket": {"subject": "One", "status": "pending"}}),
        )
        .await;
    assert_eq!(made.0, 201);
    let events_before = desk.store().events().unwrap().len();

    let tried = agent
        .post(
            "/api/v2/dry_run",
            json!({"ticket": {"subject": "Try", "tags": ["vip"]}}),
        )
        .await;
    assert_eq!(tried.0, 200, "{}", tried.1);
    assert_eq!(tried.1[0]["status"], "applied");
    let fired: Vec<&Value> = tried.1[0]["outcome"]["fired"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(fired.len(), 1, "{}", tried.1);

    let event = json!({"event": {"type": "update", "ticket_id": 1, "changes": {"comment": {"body": "hi", "public": true}}}});
    let (status, report) = agent.post("/api/v2/dry_run", event).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report[0]["update"]["actor"]["email"], "bo@support.example");
    assert_eq!(report[0]["update"]["account"], "support");
    assert_eq!(report[0]["outcome"]["after"]["status"], "open");

    let pair = json!({"ticket": {"subject": "P", "status": "pending"}, "update": {"comment": {"body": "x", "public": true}}});
    let (_, report) = agent.post("/api/v2/dry_run", pair).await;
    assert_eq!(report.as_array().unwrap().len(), 1);
    assert_eq!(report[0]["outcome"]["after"]["status"], "open");

    let other_account = json!({"event": {"type": "update", "account": "acme", "ticket_id": 1, "changes": {"status": "solved"}}});
    let (_, report) = agent.post("/api/v2/dry_run", other_account).await;
    assert_eq!(
        report[0]["update"]["account"], "support",
        "the account is the caller's"
    );

    assert_eq!(desk.store().events().unwrap().len(), events_before);
    assert_eq!(
        desk.store()
            .ticket("support", 1)
            .unwrap()
            .unwrap()
            .status
            .to_string(),
        "pending"
    );
    assert!(desk.store().ticket("support", 2).unwrap().is_none());
}

#[tokio::test]
async fn a_write_with_an_idempotency_key_happens_once() {
    let desk = two_accounts("idempotency");
    let server = desk.serve(&[]);
    let admin = server.user(&desk, "support", "admin@support.example");
    let acme = server.user(&desk, "acme", "admin@acme.example");
    let send = |api: &serve::Api, method: reqwest::Method, path: &str, key: &str, body: Value| {
        let request = api
            .http
            .request(method, format!("{}{path}", api.base))
            .basic_auth(format!("{}/token", api.email()), Some(api.token()))
            .header("Idempotency-Key", key)
            .json(&body);
        async move {
            let response = request.send().await.unwrap();
            let lookup = response.headers().get("x-idempotency-lookup");
            let lookup = lookup.map_or(String::new(), |v| v.to_str().unwrap().to_string());
            let status = response.status().as_u16();
            (status, lookup, response.json::<Value>().await.unwrap())
        }
    };
    let create = json!({"ticket": {"subject": "Once", "comment": {"body": "hi", "public": true}}});
    let post = |api, key| {
        send(
            api,
            reqwest::Method::POST,
            "/api/v2/tickets",
            key,
            create.clone(),
        )
    };
    let (first, again) = (post(&admin, "k1").await, post(&admin, "k1").await);
    assert_eq!((first.0, first.1.as_str()), (201, "miss"));
    assert_eq!((again.0, again.1.as_str()), (201, "hit"));
    assert_eq!(first.2, again.2, "the repeat answers as the first did");
    let other = post(&acme, "k1").await;
    assert_eq!(other.1, "miss", "another account's key is its own");

    let put = |key: &'static str, body: Value| {
        send(&admin, reqwest::Method::PUT, "/api/v2/tickets/1", key, body)
    };
    let reply = json!({"ticket": {"comment": {"body": "once only", "public": true}}});
    for _ in 0..3 {
        assert_eq!(put("k2", reply.clone()).await.0, 200);
    }
    assert_eq!(desk.store().comments("support", 1).unwrap().len(), 2);
    assert_eq!(desk.store().tickets(&Default::default()).unwrap().len(), 2);
    let other = json!({"ticket": {"comment": {"body": "something else", "public": true}}});
    let reused = put("k2", other).await;
    assert_eq!(reused.0, 422, "a key reused for another body: {}", reused.2);
    let said = reused.2["description"].as_str().unwrap();
    assert!(said.contains("different request"), "{said}");
    let elsewhere = post(&admin, "k2").await;
    assert_eq!(
        elsewhere.0, 422,
        "a key reused for a create: {}",
        elsewhere.2
    );
    assert_eq!(desk.store().comments("support", 1).unwrap().len(), 2);
    assert_eq!(put("a~b", reply).await.0, 400);
}
