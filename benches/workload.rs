//! The trigger cycle and the match step on `ticket-rules gen`'s workload
//! (issue 14): firings grow with the rule set, about 1.6 per update per
//! 1,000 triggers, and tickets' tags are Zipf-skewed, so this measures
//! what `benches/engine.rs`, where almost nothing matches, does not. The
//! targets: 300,000 updates/s at 1,000 triggers, 10,000 no more than 3x
//! slower per update, and 10,000 rules loaded in 100 ms. Run with
//! `cargo bench --bench workload`.

use divan::Bencher;

/// The allocator the binary uses (`src/main.rs`), so these figures are
/// the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use ticket_rules::engine::{self, Context};
use ticket_rules::gen::replay::{replay, Step};
use ticket_rules::gen::{generate, Options};
use ticket_rules::{load, matching, RuleSet, Source};

fn main() {
    divan::main();
}

fn options(rules: usize) -> Options {
    Options {
        rules,
        events: 2_000,
        tickets: 200,
        ..Options::default()
    }
}

/// The rules, and each update with the ticket as it was before it.
fn prepared(rules: usize) -> (RuleSet, Vec<Step>) {
    replay(&options(rules)).unwrap()
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
    let w = generate(&options(rules)).unwrap();
    bencher.bench_local(|| load(&[Source::dsl("triggers.rules", &w.dsl)]).unwrap());
}
