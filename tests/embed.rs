//! The embedding API: `load` gives the same rule set from the DSL and from
//! YAML, or every diagnostic; `matching` agrees with the trigger cycle
//! wherever no firing changes what another trigger reads.

use std::collections::HashMap;
use ticket_rules::engine::{self, Context};
use ticket_rules::event::read_events;
use ticket_rules::gen::{generate, Options};
use ticket_rules::model::{Status, Ticket};
use ticket_rules::{load, matching, RuleSet, Source};

fn workload() -> (RuleSet, RuleSet, String) {
    let options = Options {
        seed: 11,
        rules: 400,
        events: 1_500,
        tickets: 150,
        match_rate: 8.0,
        ..Options::default()
    };
    let w = generate(&options).unwrap();
    let dsl = load(&[Source::dsl("triggers.rules", &w.dsl)]).unwrap();
    let yaml = load(&[Source::yaml("triggers.yaml", &w.yaml)]).unwrap();
    (dsl, yaml, w.events)
}

/// Generated triggers only add tags no trigger reads, so the cycle fires
/// exactly what matches on its first pass, in that order.
#[test]
fn matching_is_what_the_cycle_fires_when_firings_do_not_cascade() {
    let (dsl, yaml, events) = workload();
    assert_eq!(dsl.triggers.len(), 400);
    assert_eq!(yaml.triggers.len(), 400);
    let mut tickets: HashMap<(String, i64), Ticket> = HashMap::new();
    let mut total = 0;
    for line in read_events(events.as_bytes()) {
        let update = line.event.unwrap();
        let key = (update.account.clone(), update.ticket_id);
        let before = tickets.get(&key);
        let matched: Vec<&str> = matching(&dsl, before, &update)
            .iter()
            .map(|m| m.title)
            .collect();
        let from_yaml: Vec<&str> = matching(&yaml, before, &update)
            .iter()
            .map(|m| m.title)
            .collect();
        let outcome = engine::run(&dsl, before, &update, &Context::default());
        let fired: Vec<&str> = outcome.fired.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(matched, fired, "event {}", update.event_id);
        assert_eq!(matched, from_yaml, "event {}", update.event_id);
        total += matched.len();
        tickets.insert(key, outcome.after);
    }
    assert!(total > 1_000, "the workload matches: {total}");
}

#[test]
fn nothing_matches_a_ticket_closed_before_the_update() {
    let (dsl, _, events) = workload();
    let mut lines = read_events(events.as_bytes()).map(|l| l.event.unwrap());
    let create = lines.find(|u| !matching(&dsl, None, u).is_empty()).unwrap();
    let mut closed = engine::run(&dsl, None, &create, &Context::default()).after;
    closed.status = Status::Closed;
    assert!(matching(&dsl, Some(&closed), &create).is_empty());
}

#[test]
fn errors_come_back_as_diagnostics_with_their_place() {
    let good = "triggers:\n  - title: b\n    conditions:\n      all:\n        - { field: status, operator: is, value: open }\n    actions:\n      - { field: current_tags, value: b }\n";
    let bad = "trigger \"a\" {\n  when Stauts is Open\n  then Add tags a\n}\n";
    let result = load(&[
        Source::yaml("good.yaml", good),
        Source::dsl("bad.rules", bad),
    ]);
    let found = result.expect_err("an unknown field in the DSL is an error");
    assert_eq!(found.errors(), 1);
    let text = found.render();
    assert!(text.contains("bad.rules:2:"), "{text}");
    assert!(text.contains("did you mean `status`?"), "{text}");
    assert_eq!(found.to_string(), text);
}

#[test]
fn warnings_do_not_stop_a_load() {
    let refires = "trigger \"a\" {\n  when Status is Open\n  then Add tags a\n}\n";
    let rules = load(&[Source::dsl("w.rules", refires)]).expect("a warning only");
    assert_eq!(rules.triggers.len(), 1);
}

#[test]
fn a_title_used_twice_across_sources_is_only_a_warning() {
    // Zendesk accepts two rules of one title, so `check` warns and both run.
    let one = "trigger \"same\" {\n  when Ticket is Created\n  then Add tags a\n}\n";
    let rules = load(&[Source::dsl("a.rules", one), Source::dsl("b.rules", one)])
        .expect("a duplicate title is a warning");
    assert_eq!(rules.triggers.len(), 2);
}

#[test]
fn version_is_the_crate_version() {
    let manifest = include_str!("../Cargo.toml");
    let line = manifest
        .lines()
        .find(|l| l.starts_with("version = "))
        .unwrap();
    assert_eq!(line, format!("version = \"{}\"", ticket_rules::VERSION));
}
