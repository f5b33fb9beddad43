//! The playground's JSON API against a real `serve` on 127.0.0.1: check's
//! diagnostics at their line and column, a run as `dry-run` reports it
//! with the partner side, conversions both ways, nothing written to the
//! server's store, and the limits (body, runs at once, time per run)
//! answering with Zendesk's JSON error body. And the page, as a snapshot.

mod serve;

use serde_json::{json, Value};
use serve::{assert_error, two_accounts, Api, Desk};
use ticket_rules::store::TicketFilter;

const SUPPORT: &str = include_str!("../demo/rules/support.rules");
const ACME: &str = include_str!("../demo/rules/acme.rules");

const TICKET: &str = r#"{"id": 101, "subject": "Camera won't focus", "status": "new",
  "priority": "normal", "tags": ["image_sensor"], "requester": "ann@example.com",
  "comment": {"body": "It broke", "public": true}}"#;

fn demo_files() -> Value {
    json!([
        {"account": "support", "name": "support.rules", "text": SUPPORT},
        {"account": "acme", "name": "acme.rules", "text": ACME},
    ])
}

fn create_event() -> Value {
    json!({"type": "create", "via": "email",
           "actor": {"email": "ann@example.com", "role": "end_user"}})
}

fn titles(list: &Value) -> Vec<&str> {
    let items = list.as_array().map(Vec::as_slice).unwrap_or_default();
    items.iter().filter_map(|f| f["title"].as_str()).collect()
}

#[tokio::test]
async fn check_marks_a_typo_at_its_line_and_column_with_help() {
    let desk = Desk::new("pg-check");
    let server = desk.serve(&[]);
    let api = server.anonymous();
    let text = "trigger \"VIP\" {\n  when Priorty is high\n  then Add tags vip\n}\n";
    let files = json!([{"account": "support", "name": "mine.rules", "text": text}]);
    let (status, answer) = api
        .post("/playground/check", json!({ "files": files }))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["errors"], 1, "{answer}");
    let d = &answer["files"][0]["diagnostics"][0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(8))
    );
    assert_eq!(d["code"], "unknown-field");
    assert!(d["help"].as_str().unwrap().contains("priority"), "{d}");
    assert_eq!(answer["files"][0]["account"], "support");

    let (status, answer) = api
        .post("/playground/check", json!({ "files": demo_files() }))
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer["errors"], 0, "{answer}");
    // `Ledger Billing` is pending in the sample agreements.
    let warned = &answer["files"][0]["diagnostics"][0];
    assert_eq!(warned["code"], "share-refused", "{answer}");

    let stranger = json!([{"account": "globex", "name": "g.rules", "text": ""}]);
    let refused = api
        .post("/playground/check", json!({ "files": stranger }))
        .await;
    assert_error(&refused, 422);
    assert!(refused.1["description"]
        .as_str()
        .unwrap()
        .contains("`globex`"));
}

#[tokio::test]
async fn a_run_shows_fired_rules_why_nots_and_the_partner_side() {
    let desk = Desk::new("pg-run");
    let server = desk.serve(&[]);
    let body = json!({"files": demo_files(), "ticket": TICKET, "event": create_event()});
    let (status, v) = server.anonymous().post("/playground/run", body).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "applied");
    assert_eq!(
        titles(&v["outcome"]["fired"]),
        [
            "Route camera hardware to Tier 2",
            "Share image sensor tickets with Acme",
            "Acknowledge new requests"
        ]
    );
    let effect = &v["outcome"]["fired"][0]["effects"][0];
    assert_eq!(effect["effect"], "group (none) → Tier 2");
    let vip = v["outcome"]["not_fired"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Escalate VIP tickets")
        .expect("a why-not for the VIP rule");
    assert_eq!(vip["conditions"][0]["held"], false);
    assert!(vip["conditions"][0]["saw"]
        .as_str()
        .unwrap()
        .contains("image_sensor"));
    let copy = &v["partners"][0];
    assert_eq!(
        (copy["what"].as_str(), copy["to"]["account"].as_str()),
        (Some("copy"), Some("acme"))
    );
    assert_eq!(
        titles(&copy["outcome"]["fired"]),
        ["Escalate tickets shared with us"]
    );
    assert_eq!(copy["outcome"]["ticket"]["group"], "Lens lab");
    assert!(v["text"]
        .as_str()
        .unwrap()
        .contains("hop 1: copy from ticket 101 in support"));
}

#[tokio::test]
async fn an_update_runs_on_the_ticket_as_it_stands_and_a_remote_share_is_queued() {
    let desk = Desk::new("pg-update");
    let server = desk.serve(&[]);
    let api = server.anonymous();
    // Any agent may be tried: the sandbox makes them staff.
    let update = json!({"type": "update", "via": "web",
        "actor": {"email": "someone@support.example", "role": "agent"},
        "changes": {"status": "solved"}});
    let body = json!({"files": demo_files(), "ticket": TICKET, "event": update});
    let (status, v) = api.post("/playground/run", body).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        titles(&v["outcome"]["fired"]),
        ["Thank the customer on solve"]
    );
    assert_eq!(v["outcome"]["changes"][0], "status new → solved");

    let no_id = json!({"subject": "No id given"});
    let body = json!({"files": demo_files(), "ticket": no_id, "event": create_event()});
    let (status, v) = api.post("/playground/run", body).await;
    assert_eq!((status, v["ticket_id"].as_i64()), (200, Some(1)), "{v}");

    let warranty = TICKET.replace("image_sensor", "warranty");
    let body = json!({"files": demo_files(), "ticket": warranty, "event": create_event()});
    let (_, v) = api.post("/playground/run", body).await;
    let queued = v["partners"].as_array().unwrap();
    assert!(
        queued
            .iter()
            .any(|p| p["what"] == "queued" && p["agreement"] == "Northwind Repairs"),
        "{v}"
    );
}

#[tokio::test]
async fn a_run_with_bad_rules_or_input_says_what_is_wrong() {
    let desk = Desk::new("pg-bad");
    let server = desk.serve(&[]);
    let api = server.anonymous();
    let typo = json!([{"account": "support", "name": "s.rules",
        "text": "trigger \"x\" {\n  when Stauts is open\n  then Add tags a\n}\n"}]);
    let body = json!({"files": typo, "ticket": TICKET, "event": create_event()});
    let answer = api.post("/playground/run", body).await;
    assert_error(&answer, 422);
    assert_eq!(answer.1["details"]["files"][0]["diagnostics"][0]["line"], 2);

    let body = json!({"files": demo_files(), "ticket": "{not json", "event": create_event()});
    let answer = api.post("/playground/run", body).await;
    assert_error(&answer, 422);
    assert!(answer.1["description"].as_str().unwrap().contains("ticket"));

    let answer = api.post("/playground/run", json!({"files": []})).await;
    assert_error(&answer, 400);
}

#[tokio::test]
async fn convert_goes_from_dsl_to_yaml_and_back() {
    let desk = Desk::new("pg-convert");
    let server = desk.serve(&[]);
    let api = server.anonymous();
    let body = json!({"name": "acme.rules", "text": ACME, "to": "yaml"});
    let (status, yaml) = api.post("/playground/convert", body).await;
    assert_eq!(status, 200, "{yaml}");
    assert_eq!(yaml["name"], "acme.yaml");
    assert!(
        yaml["text"].as_str().unwrap().contains("triggers:"),
        "{yaml}"
    );

    let body = json!({"name": "acme.yaml", "text": yaml["text"], "to": "dsl"});
    let (status, dsl) = api.post("/playground/convert", body).await;
    assert_eq!(status, 200, "{dsl}");
    assert_eq!(dsl["name"], "acme.rules");
    assert!(dsl["text"]
        .as_str()
        .unwrap()
        .contains("trigger \"Escalate tickets shared with us\""));

    let bad = json!({"name": "x.rules", "text": "trigger \"x\" {\n  when Stauts is open\n  then Add tags a\n}\n", "to": "yaml"});
    assert_error(&api.post("/playground/convert", bad).await, 422);
    let nowhere = json!({"name": "acme.rules", "text": ACME, "to": "xml"});
    assert_error(&api.post("/playground/convert", nowhere).await, 422);
}

/// Everything a run could have written: tickets, outbox, accounts.
fn stored(desk: &Desk) -> String {
    let store = desk.store();
    let tickets = store.tickets(&TicketFilter::default()).unwrap();
    let outbox = store.outbox().unwrap();
    let accounts = store.accounts().unwrap();
    serde_json::to_string(&json!([tickets, outbox, accounts])).unwrap()
}

#[tokio::test]
async fn a_run_writes_nothing_to_the_servers_store() {
    let desk = two_accounts("pg-store");
    let server = desk.serve(&[]);
    let admin: Api = server.user(&desk, "support", "admin@support.example");
    let made = admin
        .post(
            "/api/v2/tickets",
            json!({"ticket": {"subject": "Real one", "tags": ["vip"]}}),
        )
        .await;
    assert_eq!(made.0, 201, "{}", made.1);
    let id = made.1["ticket"]["id"].as_i64().unwrap();
    let before = stored(&desk);

    let api = server.anonymous();
    let ticket = json!({"id": id, "subject": "Playground one", "tags": ["image_sensor"]});
    for event in [
        create_event(),
        json!({"type": "update", "via": "web", "changes": {"status": "solved"}}),
    ] {
        let body = json!({"files": demo_files(), "ticket": ticket, "event": event});
        let (status, v) = api.post("/playground/run", body).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["status"], "applied", "{v}");
    }
    assert_eq!(stored(&desk), before);
}

/// Enough triggers that checking and compiling them takes a while.
fn many_rules(n: usize) -> Value {
    let text: String = (0..n)
        .map(|i| {
            format!("trigger \"T{i}\" {{\n  when Tags contains at least one of t{i} and Status less than Solved\n  then Add tags x{i}\n}}\n")
        })
        .collect();
    json!([{"account": "support", "name": "many.rules", "text": text}])
}

#[tokio::test]
async fn a_body_over_the_playground_limit_is_refused() {
    let desk = Desk::new("pg-body");
    let server = desk.serve(&[]);
    let big = "#".repeat(300 * 1024);
    let files = json!([{"account": "support", "name": "big.rules", "text": big}]);
    let answer = server
        .anonymous()
        .post("/playground/check", json!({ "files": files }))
        .await;
    assert_error(&answer, 413);
}

#[tokio::test]
async fn a_run_past_its_time_answers_503() {
    let desk = Desk::new("pg-time");
    let server = desk.serve_with(&[], &["--no-clock", "--playground-time-ms", "1"]);
    let body = json!({"files": many_rules(1500), "ticket": TICKET, "event": create_event()});
    let answer = server.anonymous().post("/playground/run", body).await;
    assert_error(&answer, 503);
    assert!(
        answer.1["description"]
            .as_str()
            .unwrap()
            .contains("took over"),
        "{}",
        answer.1
    );
}

#[tokio::test]
async fn runs_past_the_limit_at_once_answer_503() {
    let desk = Desk::new("pg-runs");
    let server = desk.serve_with(&[], &["--no-clock", "--playground-runs", "1"]);
    let api = server.anonymous();
    let body = json!({"files": many_rules(1500), "ticket": TICKET, "event": create_event()});
    let sent: Vec<_> = (0..6)
        .map(|_| {
            let (api, body) = (api.clone(), body.clone());
            tokio::spawn(async move { api.post("/playground/run", body).await })
        })
        .collect();
    let mut answers = Vec::new();
    for s in sent {
        answers.push(s.await.unwrap());
    }
    assert!(answers.iter().any(|a| a.0 == 200), "none ran");
    let busy: Vec<_> = answers.iter().filter(|a| a.0 == 503).collect();
    assert!(!busy.is_empty(), "all six ran at once with one permit");
    assert_error(busy[0], 503);
    assert!(busy[0].1["description"].as_str().unwrap().contains("busy"));
    // The permit comes back: a run afterwards goes through.
    let small = json!({"files": demo_files(), "ticket": TICKET, "event": create_event()});
    assert_eq!(api.post("/playground/run", small).await.0, 200);
}

/// The page's HTML, a tag a line so the snapshot reads and diffs, with
/// the editors' sample texts (the demo's files) masked to their length.
fn masked(html: &str) -> String {
    let text = regex::Regex::new(r"(?s)(<textarea[^>]*>)(.*?)(</textarea>)").unwrap();
    let html = text.replace_all(html, |c: &regex::Captures| {
        let lines = c[2].lines().count();
        format!("{}[{lines} lines]{}", &c[1], &c[3])
    });
    html.replace("><", ">\n<")
}

/// The page renders with its parts labelled, and its assets are served.
#[tokio::test]
async fn the_page_renders() {
    let desk = Desk::new("pg-page");
    let server = desk.serve(&[]);
    let http = reqwest::Client::new();
    let page = http
        .get(format!("{}/playground", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let kind = page.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("text/html"), "{kind}");
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert_eq!(policy, ticket_rules::server::console::POLICY);
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let html = masked(&page.text().await.unwrap());
    insta::assert_snapshot!("playground_page", html);
    for (asset, kind) in [("playground.js", "javascript"), ("playground.css", "css")] {
        let got = http
            .get(format!("{}/playground/assets/{asset}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(got.status().as_u16(), 200);
        assert!(got.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains(kind));
    }
    let missing = http
        .get(format!("{}/playground/assets/nope.js", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}
