//! The trigger index and the cycle's kept truths change nothing but
//! speed: on random rule sets, tickets and updates, and on `gen`'s
//! workload with actions that change what other triggers read, the
//! indexed cycle and a plain walk over every trigger give the same
//! outcome, explanations included.

use chrono::{TimeZone, Utc};
use ticket_rules::engine::{self, Context, Explain, Input, Walk};
use ticket_rules::gen::replay::steps;
use ticket_rules::gen::{generate, Options};
use ticket_rules::model::*;
use ticket_rules::rules::check::{check, CheckOptions};
use ticket_rules::rules::{load_str, Syntax};

mod common;
use common::rng::Rng;

const TAGS: &[&str] = &[
    "vip",
    "billing",
    "image_sensor",
    "lens",
    "escalated",
    "spam",
];
const STATUSES: &[&str] = &["new", "open", "pending", "hold", "solved"];
const GROUPS: &[&str] = &["\"Tier 1\"", "\"Tier 2\"", "Billing"];
/// Channels: the first three with a bit of their own in the pre-filter,
/// the last two sharing one.
const CHANNELS: &[&str] = &["web", "email", "api", "\"side conversation\"", "whatsapp"];

fn condition(r: &mut Rng) -> String {
    let tag = r.pick(TAGS);
    let tag2 = r.pick(TAGS);
    let status = r.pick(STATUSES);
    let group = r.pick(GROUPS);
    let (channel, channel2) = (r.pick(CHANNELS), r.pick(CHANNELS));
    match r.below(22) {
        0 => "Ticket is Created".into(),
        1 => "Ticket is Updated".into(),
        2 => format!("Tags contains at least one of {tag} {tag2}"),
        3 => format!("Tags contains all of {tag} {tag2}"),
        4 => format!("Tags contains none of {tag}"),
        5 => format!("Status less than {status}"),
        6 => format!("Status changed to {status}"),
        7 => format!("Group is {group}"),
        8 => "Priority is High".into(),
        9 => "Comment is Public".into(),
        10 => format!("not Tags contains at least one of {tag}"),
        11 => format!("Status is {status}"),
        12 => format!("Status greater than {status}"),
        13 => "Priority greater than Low".into(),
        14 => "Group is (none)".into(),
        15 => "Type is Incident".into(),
        16 => format!("Group is not {group}"),
        17 => format!("Ticket source is {channel}"),
        18 => format!("Update via is {channel}"),
        19 => format!("not Update via is {channel}"),
        20 => format!("(Ticket source is {channel} or Ticket source is {channel2})"),
        _ => "Subject contains any of the words camera lens".into(),
    }
}

fn action(r: &mut Rng) -> String {
    let tag = r.pick(TAGS);
    match r.below(7) {
        0 | 1 => format!("Add tags {tag}"),
        2 => format!("Remove tags {tag}"),
        3 => format!("Set status {}", r.pick(STATUSES)),
        4 => format!("Set group {}", r.pick(GROUPS)),
        5 => "Set type incident".into(),
        _ => "Set priority high".into(),
    }
}

fn rules(r: &mut Rng, n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let conds: Vec<String> = (0..1 + r.below(3)).map(|_| condition(r)).collect();
        let joiner = if r.below(4) == 0 { " or " } else { " and " };
        let acts: Vec<String> = (0..1 + r.below(2)).map(|_| action(r)).collect();
        out.push_str(&format!(
            "trigger \"t{i}\" {{\n  when {}\n  then {}\n}}\n",
            conds.join(joiner),
            acts.join("\n       ")
        ));
    }
    out
}

fn update(r: &mut Rng, id: usize) -> (Option<Ticket>, Update) {
    let at = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
    let mut changes = Changes::default();
    if r.below(2) == 0 {
        changes.status = Status::parse(r.pick(STATUSES));
    }
    changes.add_tags = (0..r.below(3)).map(|_| r.pick(TAGS).to_string()).collect();
    if r.below(2) == 0 {
        changes.comment = Some(NewComment {
            body: "the camera lens".into(),
            public: r.below(2) == 0,
        });
    }
    let before = (r.below(3) > 0).then(|| {
        let source = r.pick(&["email", "web", "api", "whatsapp", "side conversation"]);
        let mut t = Ticket::new("support", 1, source, at);
        t.status = Status::parse(r.pick(STATUSES)).unwrap();
        t.tags = (0..r.below(4)).map(|_| r.pick(TAGS).into()).collect();
        t.group = Some("Tier 1".into());
        t.subject = "Camera broken".into();
        t
    });
    let kind = if before.is_some() {
        UpdateKind::Update
    } else {
        UpdateKind::Create
    };
    let update = Update {
        event_id: format!("e{id}"),
        kind,
        account: "support".into(),
        ticket_id: 1,
        at,
        via: r.pick(&["web", "email", "api", "whatsapp", "line"]).into(),
        actor: None,
        changes,
        automation: None,
    };
    (before, update)
}

#[test]
fn indexed_and_plain_walks_agree() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut fired = 0;
    for round in 0..60 {
        let n = 5 + r.below(40);
        let text = rules(&mut r, n);
        let loaded = load_str("random.rules", text.clone(), Syntax::Dsl);
        let errors = check(&loaded.file, &CheckOptions::default())
            .into_iter()
            .chain(loaded.diagnostics.iter().cloned())
            .filter(|d| d.is_error())
            .count();
        assert_eq!(errors, 0, "generated rules must check:\n{text}");
        let set = engine::compile(&[Input {
            source: &loaded.source,
            file: &loaded.file,
        }]);
        for i in 0..40 {
            let (before, update) = update(&mut r, i);
            for explain in [Explain::None, Explain::Failed] {
                let run = |walk| {
                    let cx = Context {
                        walk,
                        explain,
                        ..Context::default()
                    };
                    engine::run(&set, before.as_ref(), &update, &cx)
                };
                let (indexed, plain) = (run(Walk::Indexed), run(Walk::Plain));
                assert_eq!(indexed, plain, "round {round}, update {i}:\n{text}");
                fired += indexed.fired.len();
            }
        }
    }
    // The generator must exercise the cycle, not just agree on nothing.
    assert!(fired > 1000, "only {fired} rules fired");
}

/// `gen`'s triggers, half of them made to write what others read: a
/// popular tag added or removed, the status, priority or group set.
fn stirred(dsl: &str) -> String {
    let mut out = String::new();
    for (n, line) in dsl.lines().enumerate() {
        let action = match line.strip_prefix("  then Add tags fired_") {
            Some(_) => match n % 10 {
                0 => format!("Add tags topic_00{}", 1 + n % 9),
                1 => format!(
                    "Set status {}",
                    ["open", "pending", "hold", "solved"][n % 4]
                ),
                2 => format!(
                    "Set priority {}",
                    ["low", "normal", "high", "urgent"][n % 4]
                ),
                3 => format!("Set group \"Team 0{}\"", 1 + n % 9),
                4 => "Remove tags topic_001".into(),
                _ => line.trim_start().trim_start_matches("then ").into(),
            },
            None => {
                out.push_str(line);
                out.push('\n');
                continue;
            }
        };
        out.push_str(&format!("  then {action}\n"));
    }
    out
}

#[test]
fn the_cycle_agrees_with_a_plain_walk_on_generated_workloads() {
    let mut fired = 0;
    for seed in [1, 2] {
        let options = Options {
            seed,
            rules: 1_000,
            events: 600,
            tickets: 60,
            ..Options::default()
        };
        let w = generate(&options).unwrap();
        let set = ticket_rules::load(&[ticket_rules::Source::dsl("t.rules", &stirred(&w.dsl))])
            .unwrap_or_else(|d| panic!("{}", d.render()));
        for (n, (before, update)) in steps(&set, &w.events).iter().enumerate() {
            // Explanations list every trigger: asked for on some updates.
            let explain = match n % 20 {
                0 => Explain::Failed,
                _ => Explain::None,
            };
            let run = |walk| {
                let cx = Context {
                    walk,
                    explain,
                    ..Context::default()
                };
                engine::run(&set, before.as_ref(), update, &cx)
            };
            let indexed = run(Walk::Indexed);
            assert_eq!(indexed, run(Walk::Plain), "seed {seed}, update {n}");
            fired += indexed.fired.len();
        }
    }
    assert!(fired > 1000, "only {fired} rules fired");
}
