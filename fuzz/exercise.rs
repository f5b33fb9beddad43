//! What each fuzz target runs on its input, shared with
//! `tests/fuzz_regressions.rs`, which runs every input a target ever
//! crashed on (`tests/fuzz/<target>/`) through the same code in
//! `cargo test`.

#![allow(dead_code)] // each target uses one of these

use ticket_rules::engine::{self, Context, Explain, Input, RuleSet};
use ticket_rules::event::{parse_ticket_json, read_events_up_to};
use ticket_rules::ingest::{incoming_up_to, Pipeline};
use ticket_rules::rules::check::{check, CheckOptions};
use ticket_rules::rules::diagnostics::{render, Style};
use ticket_rules::rules::format::format_file;
use ticket_rules::rules::{load_str, Syntax};
use ticket_rules::store::Store;

/// The DSL parser, `check`, `fmt`, the diagnostics and, for a file
/// without errors, `compile` and one trigger cycle.
pub fn dsl(data: &[u8]) {
    rules(data, Syntax::Dsl);
}

/// The YAML and JSON loaders, then as [`dsl`].
pub fn yaml(data: &[u8]) {
    rules(data, Syntax::Yaml);
    rules(data, Syntax::Json);
}

/// The event decoder, line by line, and `dry-run --ticket-json`'s; then
/// the whole ingest pipeline over a store in memory, which must reject a
/// bad event rather than stop the run.
pub fn events(data: &[u8]) {
    let at = chrono::DateTime::UNIX_EPOCH;
    for line in read_events_up_to(data, 1 << 16) {
        if let Ok(update) = line.event {
            let _ = engine::run(&RuleSet::default(), None, &update, &Context::default());
        }
    }
    let store = Store::in_memory().expect("a store in memory");
    store.add_account("support").expect("an account");
    let rules = RuleSet::default();
    let mut pipeline = Pipeline::new(&store, &rules, Explain::All);
    let events = incoming_up_to(data, 1 << 16);
    if let Err(e) = pipeline.run(events, false, |_| {}) {
        panic!("an event stopped the run: {e}");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_ticket_json(text, "support", at);
    }
}

fn rules(data: &[u8], syntax: Syntax) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = load_str("fuzz", text.to_string(), syntax);
    let mut diags = check(&loaded.file, &CheckOptions::default());
    diags.extend(loaded.diagnostics.iter().cloned());
    let _ = format_file(&loaded.file);
    for d in &diags {
        let _ = render(d, &loaded.source, Style { color: false });
    }
    if diags.iter().any(|d| d.is_error()) {
        return;
    }
    let set = engine::compile(&[Input {
        source: &loaded.source,
        file: &loaded.file,
    }]);
    if let Some(update) = sample_update() {
        let _ = engine::run(&set, None, &update, &Context::default());
    }
}

/// A ticket create for the rules to run on.
fn sample_update() -> Option<ticket_rules::model::Update> {
    let line = r#"{"id":"f1","type":"create","account":"support","at":"2026-11-21T09:00:00Z","via":"email","actor":{"email":"a@example.com","role":"end_user"},"ticket":{"id":1,"subject":"Camera","requester":"a@example.com","tags":["vip"],"comment":{"body":"hello","public":true}}}"#;
    ticket_rules::event::parse_event(line, 1).ok()
}
