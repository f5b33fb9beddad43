//! The server under load, stopped: SIGTERM finishes what is in flight and
//! exits 0, and after SIGTERM or SIGKILL every write a client was told
//! about (201) is in the store.

mod serve;

use serde_json::json;
use serve::{two_accounts, Api, Server};
use std::time::Duration;

/// Clients creating tickets until the server stops answering; the
/// (id, subject) of every ticket acknowledged with 201.
async fn load(api: Api, clients: usize) -> Vec<(i64, String)> {
    let mut tasks = Vec::new();
    for c in 0..clients {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for n in 0.. {
                let subject = format!("client {c} ticket {n}");
                let body = json!({"ticket": {"subject": subject}});
                let sent = api
                    .http
                    .post(format!("{}/api/v2/tickets", api.base))
                    .basic_auth("admin@support.example/token", Some(api.token()))
                    .json(&body)
                    .timeout(Duration::from_secs(10))
                    .send()
                    .await;
                let Ok(response) = sent else { break };
                if response.status().as_u16() != 201 {
                    break;
                }
                let Ok(answer) = response.json::<serde_json::Value>().await else {
                    break;
                };
                acked.push((answer["ticket"]["id"].as_i64().unwrap(), subject));
            }
            acked
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all
}

async fn stopped_under_load(name: &str, signal: &str) -> (Option<i32>, usize) {
    let desk = two_accounts(name);
    let server: Server = desk.serve(&[]);
    let api = server.user(&desk, "support", "admin@support.example");
    let running = tokio::spawn(load(api, 8));
    tokio::time::sleep(Duration::from_millis(700)).await;
    let code = if signal == "TERM" {
        let waited = tokio::task::spawn_blocking(move || server.stop());
        waited.await.unwrap()
    } else {
        server.signal(signal);
        drop(server);
        None
    };
    let acked = running.await.unwrap();
    assert!(acked.len() > 8, "the load ran: {} writes", acked.len());
    let store = desk.store();
    for (id, subject) in &acked {
        let ticket = store.ticket("support", *id).unwrap();
        let stored = ticket.map(|t| t.subject);
        assert_eq!(
            stored.as_deref(),
            Some(subject.as_str()),
            "acknowledged ticket {id} is not stored"
        );
    }
    eprintln!(
        "{name}: {} writes acknowledged before the stop",
        acked.len()
    );
    (code, acked.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_finishes_in_flight_writes_and_exits_0() {
    let (code, _) = stopped_under_load("sigterm", "TERM").await;
    assert_eq!(code, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_no_acknowledged_write() {
    stopped_under_load("sigkill", "KILL").await;
}

#[tokio::test]
async fn json_logs_and_the_public_url() {
    let desk = two_accounts("json-logs");
    let more = [
        "--no-clock",
        "--log-format",
        "json",
        "--public-url",
        "https://desk.example.com/",
    ];
    let server = desk.serve_with(&[], &more);
    let api = server.user(&desk, "support", "admin@support.example");
    let (_, made) = api
        .post("/api/v2/tickets", json!({"ticket": {"subject": "x"}}))
        .await;
    assert_eq!(
        made["ticket"]["url"],
        "https://desk.example.com/api/v2/tickets/1.json"
    );
    let log = server.log.clone();
    assert_eq!(
        tokio::task::spawn_blocking(move || server.stop())
            .await
            .unwrap(),
        Some(0)
    );
    let text = std::fs::read_to_string(log).unwrap();
    assert!(text.lines().count() >= 3, "{text}");
    for line in text.lines() {
        let entry: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(entry["level"].is_string(), "{line}");
    }
    assert!(
        text.contains("\"status\":201"),
        "the request is logged: {text}"
    );
}

#[test]
fn a_request_that_takes_too_long_gets_408() {
    use std::io::{Read, Write};
    let desk = two_accounts("timeout");
    let token = desk.token("support", "admin@support.example");
    let server = desk.serve_with(&[], &["--no-clock", "--request-timeout", "1"]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    let auth = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("admin@support.example/token:{token}"),
    );
    let head = format!(
        "POST /api/v2/tickets HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"ticket\": "
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = std::time::Instant::now();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"error\""), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(desk.store().events().unwrap().is_empty());
}
