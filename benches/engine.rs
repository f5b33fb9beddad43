//! How fast the trigger cycle is: one update through 1,000 and 10,000
//! triggers, indexed (what `ingest` runs) and as a plain walk over every
//! trigger (the reference), so the index's worth shows as a ratio. The
//! design's target: 1,000 triggers at 300,000 updates/s on one core, and
//! 10,000 no more than 3x slower. Run with `cargo bench --bench engine`.
//!
//! The rules are shaped like a large real account: most triggers are about
//! a product or customer tag (`Tags contains at least one of …`), some
//! only about new tickets, a few look at every update.

/// The allocator the binary uses (`src/main.rs`), so these figures are
/// the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::{TimeZone, Utc};
use divan::Bencher;
use ticket_rules::engine::{self, Context, Input, RuleSet, Walk};
use ticket_rules::model::{Changes, NewComment, Status, Ticket, Update, UpdateKind};
use ticket_rules::rules::{load_str, Syntax};

fn main() {
    divan::main();
}

/// Distinct tags in the account: about one per five triggers.
fn tag_pool(n: usize) -> usize {
    (n / 5).max(10)
}

fn rule_text(n: usize) -> String {
    let tags = tag_pool(n);
    let mut out = String::new();
    for i in 0..n {
        let tag = format!("product_{}", i % tags);
        let other = format!("product_{}", (i * 7 + 3) % tags);
        let when = match i % 20 {
            0 => "Ticket is Created and Status is New".to_string(),
            1 => "Ticket is Updated and Priority is Urgent and Group is \"Tier 2\"".to_string(),
            2..=9 => format!("Ticket is Created and Tags contains at least one of {tag} {other}"),
            10..=15 => format!(
                "Tags contains at least one of {tag} and Status less than Solved and Priority is High"
            ),
            _ => format!(
                "Ticket is Updated and Tags contains all of {tag} {other} and Comment is Public"
            ),
        };
        out.push_str(&format!(
            "trigger \"rule {i}\" {{\n  when {when}\n  then Add tags seen_{i}\n       Set group \"Tier 2\"\n}}\n\n"
        ));
    }
    out
}

fn rules(n: usize) -> RuleSet {
    let loaded = load_str("bench.rules", rule_text(n), Syntax::Dsl);
    assert!(loaded.diagnostics.is_empty());
    engine::compile(&[Input {
        source: &loaded.source,
        file: &loaded.file,
    }])
}

/// A ticket with five of the account's tags, updated by an agent.
fn update(n: usize, seed: usize) -> (Ticket, Update) {
    let at = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
    let mut t = Ticket::new("support", 1, "email", at);
    let tags = tag_pool(n);
    t.tags = (0..5)
        .map(|k| format!("product_{}", (seed * 31 + k * 17) % tags).into())
        .collect();
    t.status = Status::Open;
    t.subject = "Camera won't focus".into();
    let u = Update {
        event_id: format!("e{seed}"),
        kind: UpdateKind::Update,
        account: "support".into(),
        ticket_id: 1,
        at,
        via: "web".into(),
        actor: None,
        changes: Changes {
            status: Some(Status::Pending),
            comment: Some(NewComment {
                body: "Looking into it".into(),
                public: true,
            }),
            ..Changes::default()
        },
        automation: None,
    };
    (t, u)
}

fn cycle(bencher: Bencher, n: usize, walk: Walk) {
    let set = rules(n);
    let inputs: Vec<(Ticket, Update)> = (0..64).map(|s| update(n, s)).collect();
    let cx = Context {
        walk,
        ..Context::default()
    };
    // Each sample runs every input once, so the median is over the mix.
    bencher
        .counter(divan::counter::ItemsCount::new(inputs.len()))
        .bench_local(|| {
            for (t, u) in &inputs {
                divan::black_box(engine::run(&set, Some(t), u, &cx));
            }
        });
}

#[divan::bench(args = [1_000, 10_000])]
fn indexed(bencher: Bencher, n: usize) {
    cycle(bencher, n, Walk::Indexed);
}

#[divan::bench(args = [1_000, 10_000])]
fn plain_walk(bencher: Bencher, n: usize) {
    cycle(bencher, n, Walk::Plain);
}
