//! The trigger cycle and the match step on `ticket-rules gen`'s workload
//! (issue 14): firings grow with the rule set, about 1.6 per update per
//! 1,000 triggers, and tickets' tags are Zipf-skewed, so this measures
//! what `benches/engine.rs`, where almost nothing matches, does not. The
//! targets: 300,000 updates/s at 1,000 triggers, 10,000 no more than 3x
//! slower per update, and 10,000 rules loaded in 100 ms. Run with
//! `cargo bench --bench workload`.

use divan::Bencher;
use std::collections::HashMap;
use ticket_rules::engine::{self, Context};
use ticket_rules::event::read_events;
use ticket_rules::gen::{generate, Options, Workload};
use ticket_rules::model::{Ticket, Update};
use ticket_rules::{load, matching, RuleSet, Source};

fn main() {
    divan::main();
}

fn workload(rules: usize) -> Workload {
    let options = Options {
        rules,
        events: 2_000,
        tickets: 200,
        ..Options::default()
    };
    generate(&options).unwrap()
}

/// The rules, and each update with the ticket as it was before it.
fn prepared(rules: usize) -> (RuleSet, Vec<(Option<Ticket>, Update)>) {
    let w = workload(rules);
    let set = load(&[Source::dsl("triggers.rules", &w.dsl)]).unwrap();
    let mut tickets: HashMap<(String, i64), Ticket> = HashMap::new();
    let mut pairs = Vec::new();
    for line in read_events(w.events.as_bytes()) {
        let u = line.event.unwrap();
        let key = (u.account.clone(), u.ticket_id);
        let before = tickets.get(&key).cloned();
        let after = engine::run(&set, before.as_ref(), &u, &Context::default()).after;
        tickets.insert(key, after);
        pairs.push((before, u));
    }
    (set, pairs)
}

#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn trigger_cycle(bencher: Bencher, rules: usize) {
    let (set, pairs) = prepared(rules);
    let cx = Context::default();
    bencher
        .counter(divan::counter::ItemsCount::new(pairs.len()))
        .bench_local(|| {
            for (before, u) in &pairs {
                divan::black_box(engine::run(&set, before.as_ref(), u, &cx));
            }
        });
}

/// Which triggers match, with no action run: the index and the conditions.
#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn match_only(bencher: Bencher, rules: usize) {
    let (set, pairs) = prepared(rules);
    bencher
        .counter(divan::counter::ItemsCount::new(pairs.len()))
        .bench_local(|| {
            for (before, u) in &pairs {
                divan::black_box(matching(&set, before.as_ref(), u));
            }
        });
}

/// Parse, check and compile.
#[divan::bench(args = [1_000, 10_000], sample_count = 5)]
fn load_rules(bencher: Bencher, rules: usize) {
    let w = workload(rules);
    bencher.bench_local(|| load(&[Source::dsl("triggers.rules", &w.dsl)]).unwrap());
}
