//! The clock, driven tick by tick in process (no test waits for the
//! hour): a tick posts the scheduled replies that are due, through the
//! pipeline, as their author; a tick on the hour runs the automations,
//! and a tick at another minute does not.

mod serve;

use chrono::{DateTime, Utc};
use serve::two_accounts;
use std::net::SocketAddr;
use ticket_rules::server::rules::RuleSource;
use ticket_rules::server::{clock, start, Config, Limits};

const RULES: &str = r#"
automation "Solve pending after a day" {
  when Status is Pending and Hours since pending greater than 24
  then Set status solved
}

trigger "Mark replies" {
  when Ticket is Updated and Comment is public
  then Add tags replied
}
"#;

const EVENTS: &str = r#"{"id":"e1","type":"create","account":"support","at":"2026-11-20T08:00:00Z","actor":{"email":"bo@support.example","role":"agent"},"ticket":{"id":1,"subject":"Lens","status":"pending","schedule_reply":{"at":"2026-11-20T09:30:00Z","body":"Did it arrive?"}}}
"#;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticks_post_due_replies_and_run_automations_on_the_hour() {
    let desk = two_accounts("clock");
    let rules = desk.write("support.rules", RULES);
    let events = desk.write("events.jsonl", EVENTS);
    let rules_arg = format!("support={}", rules.display());
    desk.ok(&[
        "ingest",
        "--rules",
        &rules_arg,
        &events.display().to_string(),
    ]);
    let config = Config {
        db: desk.db.clone(),
        rules: vec![RuleSource {
            account: Some("support".into()),
            path: rules,
        }],
        public_url: None,
        clock: true,
        limits: Limits::default(),
    };
    let addr: SocketAddr = "127.0.0.1:1".parse().unwrap();
    let (state, writer) = start(&config, addr).unwrap();

    clock::tick(&state, at("2026-11-20T09:29:00Z")).await;
    assert!(
        desk.store().comments("support", 1).unwrap().is_empty(),
        "not due yet"
    );
    clock::tick(&state, at("2026-11-20T09:30:00Z")).await;
    let comments = desk.store().comments("support", 1).unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].body, "Did it arrive?");
    assert_eq!(comments[0].author, "bo@support.example");
    let ticket = desk.store().ticket("support", 1).unwrap().unwrap();
    assert!(
        ticket.tags.contains("replied"),
        "the triggers ran on the reply"
    );

    clock::tick(&state, at("2026-11-21T12:30:00Z")).await;
    let ticket = desk.store().ticket("support", 1).unwrap().unwrap();
    assert_eq!(
        ticket.status.to_string(),
        "pending",
        "automations run on the hour only"
    );
    clock::tick(&state, at("2026-11-21T13:00:00Z")).await;
    let ticket = desk.store().ticket("support", 1).unwrap().unwrap();
    assert_eq!(ticket.status.to_string(), "solved");
    let metrics = state.metrics.render(0);
    assert!(
        metrics.contains("ticket_rules_automation_runs_total 1\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("ticket_rules_scheduled_replies_posted_total 1\n"),
        "{metrics}"
    );

    drop(state);
    tokio::task::spawn_blocking(move || writer.join().unwrap())
        .await
        .unwrap();
}
