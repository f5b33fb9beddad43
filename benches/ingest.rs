//! How fast `ingest` is: events read, run through the triggers and written
//! with their audit trail, a savepoint each, into a store file. Measured
//! with the demo's rules and with no rules at all (the same rows written,
//! nothing fired), so the cost of the rules shows as a ratio. The design's
//! target: 100,000 events/s, within 2x of no rules. A third run has a
//! local partner: a quarter of the tickets are shared with `acme`, so each
//! of their updates also syncs to Acme's copy and runs Acme's rules.
//!
//! The `workload_*` runs take `ticket-rules gen`'s workload (issue 14: 1.6
//! firings per update per 1,000 triggers, about 11 audit rows and 9 tag
//! rows written per update) with 1,000 triggers and with none, and
//! `one_event_100k_tags` a create carrying 100,000 tags. Run with
//! `cargo bench --bench ingest`.

/// The allocator the binary uses (`src/main.rs`), so these figures are
/// the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use divan::Bencher;
use std::path::PathBuf;
use ticket_rules::engine::{self, Explain, Input, RuleSet};
use ticket_rules::event::read_events;
use ticket_rules::gen::setup::{account_name, agent_email};
use ticket_rules::gen::{generate, Options};
use ticket_rules::ingest::{incoming, AccountRules, Incoming, Pipeline, Rules};
use ticket_rules::model::agreement::from_api_json;
use ticket_rules::rules::{load_str, Syntax};
use ticket_rules::store::Store;

fn main() {
    divan::main();
}

const TICKETS: usize = 2_000;
const EVENTS: usize = 20_000;

/// Creates for `TICKETS` tickets, then updates spread over them: status
/// moves, tags added, comments from agents and requesters.
fn events() -> String {
    let mut out = String::new();
    for i in 0..EVENTS {
        let id = i % TICKETS + 1;
        let minute = i / 60;
        let at = format!(
            "2026-11-21T{:02}:{:02}:{:02}Z",
            8 + minute / 60 % 12,
            minute % 60,
            i % 60
        );
        let line = if i < TICKETS {
            let tag = ["image_sensor", "billing", "vip", "lens_module"][i % 4];
            format!(
                r#"{{"id":"c{i}","type":"create","account":"support","at":"{at}","via":"email","actor":{{"email":"user{id}@example.com","role":"end_user"}},"ticket":{{"id":{id},"subject":"Problem {id}","priority":"normal","tags":["{tag}"],"requester":"user{id}@example.com","comment":{{"body":"Help","public":true}}}}}}"#
            )
        } else {
            let status = ["open", "pending", "open", "hold"][i % 4];
            format!(
                r#"{{"id":"u{i}","type":"update","account":"support","at":"{at}","via":"web","actor":{{"email":"agent@support.example","role":"agent"}},"ticket_id":{id},"changes":{{"status":"{status}","add_tags":["seen_{}"],"comment":{{"body":"Looking","public":false}}}}}}"#,
                i % 7
            )
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn demo_rules() -> RuleSet {
    compiled(include_str!("../demo/rules/support.rules"))
}

fn compiled(text: &str) -> RuleSet {
    let loaded = load_str("rules", text.to_string(), Syntax::Dsl);
    engine::compile(&[Input {
        source: &loaded.source,
        file: &loaded.file,
    }])
}

fn store_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("ticket-rules-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

/// `support` with the agent the updates name: events never make accounts
/// or staff.
fn with_staff(store: &Store) {
    store.add_account("support").unwrap();
    store
        .upsert_agent("support", "agent@support.example", None, false)
        .unwrap();
}

/// `support` and `acme` with their sides of the demo's agreements.
fn with_partner(store: &Store) {
    let sides = [
        ("support", include_str!("../demo/agreements/support.json")),
        ("acme", include_str!("../demo/agreements/acme.json")),
    ];
    for (account, json) in sides {
        store.ensure_account(account).unwrap();
        let list = from_api_json(json).unwrap();
        store.import_agreements(account, &list).unwrap();
    }
}

fn ingest<'a>(bencher: Bencher, rules: impl Into<Rules<'a>>, name: &str, partner: bool) {
    let rules = rules.into();
    let text = events();
    bencher
        .counter(divan::counter::ItemsCount::new(EVENTS))
        .with_inputs(|| {
            let store = Store::open(&store_path(name)).unwrap();
            with_staff(&store);
            if partner {
                with_partner(&store);
            }
            let events: Vec<Incoming> = incoming(text.as_bytes()).collect();
            (store, events)
        })
        .bench_local_values(|(store, events)| {
            let summary = Pipeline::new(&store, rules, Explain::None)
                .run(events, false, |_| {})
                .unwrap();
            assert_eq!(summary.applied, EVENTS);
            store
        });
}

/// Reading events is part of ingest: JSON Lines to updates.
#[divan::bench(sample_count = 20)]
fn read_only(bencher: Bencher) {
    let text = events();
    bencher
        .counter(divan::counter::ItemsCount::new(EVENTS))
        .bench_local(|| {
            read_events(text.as_bytes())
                .filter(|e| e.event.is_ok())
                .count()
        });
}

#[divan::bench(sample_count = 10)]
fn with_demo_rules(bencher: Bencher) {
    ingest(bencher, &demo_rules(), "rules.db", false);
}

#[divan::bench(sample_count = 10)]
fn with_no_rules(bencher: Bencher) {
    ingest(bencher, &RuleSet::default(), "none.db", false);
}

/// The demo's two accounts: image sensor tickets are shared with `acme`,
/// whose copies then take every synced update.
#[divan::bench(sample_count = 10)]
fn with_local_partner(bencher: Bencher) {
    let mut rules = AccountRules::default();
    rules.own.insert("support".into(), demo_rules());
    let acme = compiled(include_str!("../demo/rules/acme.rules"));
    rules.own.insert("acme".into(), acme);
    ingest(bencher, &rules, "partner.db", true);
}

/// 10,000 events of the generated workload on 1,000 tickets, into a store
/// with its accounts and agents.
fn workload(bencher: Bencher, rules: &RuleSet, name: &str) {
    let options = Options::default();
    let w = generate(&options).unwrap();
    let events = options.events;
    bencher
        .counter(divan::counter::ItemsCount::new(events))
        .with_inputs(|| {
            let store = Store::open(&store_path(name)).unwrap();
            for a in 0..options.accounts {
                store.add_account(&account_name(a)).unwrap();
                for k in 1..=options.agents {
                    let email = agent_email(a, k);
                    store
                        .upsert_agent(&account_name(a), &email, None, false)
                        .unwrap();
                }
            }
            let incoming: Vec<Incoming> = incoming(w.events.as_bytes()).collect();
            (store, incoming)
        })
        .bench_local_values(|(store, incoming)| {
            let summary = Pipeline::new(&store, rules, Explain::None)
                .run(incoming, false, |_| {})
                .unwrap();
            assert_eq!(summary.applied, events);
            store
        });
}

#[divan::bench(sample_count = 5)]
fn workload_1000_triggers(bencher: Bencher) {
    let w = generate(&Options::default()).unwrap();
    workload(bencher, &compiled(&w.dsl), "workload-rules.db");
}

#[divan::bench(sample_count = 5)]
fn workload_no_rules(bencher: Bencher) {
    workload(bencher, &RuleSet::default(), "workload-none.db");
}

/// A create with 100,000 tags (issue 14: under 0.5 s; it took 14.8 s
/// when tag lists were deduplicated with `Vec::contains`).
#[divan::bench(sample_count = 5)]
fn one_event_100k_tags(bencher: Bencher) {
    let tags: Vec<String> = (0..100_000).map(|n| format!("t{n}")).collect();
    let event = serde_json::json!({
        "id": "big", "type": "create", "account": "support",
        "at": "2026-11-21T09:00:00Z", "via": "web",
        "actor": {"email": "agent@support.example", "role": "agent"},
        "ticket": {"id": 1, "subject": "many tags", "requester": "u@example.com", "tags": tags},
    })
    .to_string();
    bencher
        .with_inputs(|| {
            let store = Store::open(&store_path("tags.db")).unwrap();
            with_staff(&store);
            store
        })
        .bench_local_values(|store| {
            let lines = ticket_rules::ingest::incoming_up_to(event.as_bytes(), 1 << 22);
            let summary = Pipeline::new(&store, &RuleSet::default(), Explain::None)
                .run(lines, false, |_| {})
                .unwrap();
            assert_eq!(summary.applied, 1);
            store
        });
}
