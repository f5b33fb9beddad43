//! An automation sweep's SQL prefilter changes nothing but speed: on
//! random stores and random automation conditions, at random times near
//! hour boundaries, the tickets found by candidates → bulk load → holds
//! are exactly those found by loading every ticket that is not closed and
//! evaluating the condition in memory; and when the filter says it is
//! exact, the candidates are exactly the matches.

use chrono::{Duration, TimeZone, Utc};
use ticket_rules::engine::compile::RuleSet;
use ticket_rules::engine::{self, automation, Input, Outcome};
use ticket_rules::model::*;
use ticket_rules::rules::{load_str, Syntax};
use ticket_rules::store::prefilter::prefilter;
use ticket_rules::store::{Applied, Store, TicketFilter};

mod common;
use common::rng::Rng;

const STORES: u64 = 40;
const TICKETS: usize = 120;
const AUTOMATIONS: usize = 14;
const TIMES: usize = 4;

/// Agents a ticket may be shared with (stored lowercase, as rules name them).
const AGENTS: &[&str] = &["ann@support.example", "bo@support.example"];
const TAGS: &[&str] = &["vip", "billing", "lens", "escalated", "spam", "café"];
const STATUSES: &[&str] = &["new", "open", "pending", "hold", "solved", "closed"];
const TIME_FIELDS: &[&str] = &[
    "created",
    "updated",
    "solved",
    "pending",
    "open",
    "status changed",
    "assigned",
    "requester updated",
    "assignee updated",
];
/// Agreement names as tickets store them: case and non-ASCII variants of
/// the names rules use, so that "ignoring case" is put to the test.
const AGREEMENTS: &[(i64, &str)] = &[
    (7, "Acme Optics"),
    (8, "ACME OPTICS"),
    (9, "Éclair Optique"),
    (10, "éclair optique"),
    (11, "Northwind"),
    (12, "\u{212A}elvin Labs"),
];
/// Agreement texts rules use: names in other cases, and ids.
const NAMED: &[&str] = &[
    "acme optics",
    "ÉCLAIR OPTIQUE",
    "northwind",
    "kelvin labs",
    "7",
    "12",
    "07",
];

/// The time every ticket's times and every run's `at` are near.
fn base() -> Time {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

/// A duration of whole hours and then an offset that lands on, just
/// before or just after the hour, or anywhere in it.
fn near_hours(r: &mut Rng, hours: i64) -> Duration {
    let nanos: i64 = match r.below(8) {
        0 => 0,
        1 => 1,
        2 => -1,
        3 => 999_999_999,
        4 => -999_999_999,
        5 => 500_000_000,
        6 => -500_000_000,
        _ => (r.next() % 3_600_000_000_000) as i64,
    };
    Duration::hours(hours) + Duration::nanoseconds(nanos)
}

fn time(r: &mut Rng) -> Option<Time> {
    if r.below(5) == 0 {
        return None;
    }
    // Mostly in the past, a few hours in the future (clock skew); half
    // within an hour or two of `at`, where `hours since` is 0 or near it
    // and a span of less than a second either way counts.
    let hours = match r.below(2) {
        0 => r.below(5) as i64 - 2,
        _ => r.below(60) as i64 - 4,
    };
    Some(base() - near_hours(r, hours))
}

fn ticket(r: &mut Rng, account: &str, id: i64) -> Ticket {
    let mut t = Ticket::new(account, id, "email", base());
    t.subject = [
        "Camera broken",
        "Billing question",
        "Lens scratched",
        "CAMÉRA-lens won't fit",
        "caméra? LENS!",
    ][r.below(5)]
    .into();
    t.status = Status::parse(r.pick(STATUSES)).unwrap();
    t.priority = [None, Some(Priority::Low), Some(Priority::High)][r.below(3)];
    t.ticket_type = [None, Some(TicketType::Incident), Some(TicketType::Task)][r.below(3)];
    t.group = [None, Some("Tier 2"), Some("TIER 2")][r.below(3)].map(String::from);
    t.via = ["email", "web", "ticket_sharing"][r.below(3)].into();
    for tag in TAGS {
        if r.below(3) == 0 {
            t.tags.insert((*tag).into());
        }
    }
    if r.below(4) == 0 {
        t.set_custom_field("Model", serde_json::json!(["X100", "Z9"][r.below(2)]));
    }
    t.times = Times {
        created_at: time(r),
        updated_at: time(r),
        status_changed_at: time(r),
        open_at: time(r),
        pending_at: time(r),
        solved_at: time(r),
        assigned_at: time(r),
        requester_updated_at: time(r),
        assignee_updated_at: time(r),
    };
    for _ in 0..r.below(3) {
        let (agreement_id, agreement) = AGREEMENTS[r.below(AGREEMENTS.len())];
        t.shares.push(Share {
            agreement_id,
            agreement: agreement.into(),
            partner: "partner".into(),
            partner_id: None,
            active: r.below(2) == 0,
        });
    }
    for agent in AGENTS {
        if r.below(3) == 0 {
            t.agents.insert(agent.to_string());
        }
    }
    if r.below(3) == 0 {
        let (agreement_id, agreement) = AGREEMENTS[r.below(AGREEMENTS.len())];
        t.received = Some(Received {
            agreement_id,
            agreement: agreement.into(),
            partner: "partner".into(),
            origin_id: Some(id + 1000),
            active: r.below(2) == 0,
        });
    }
    t
}

/// Writes a ticket as a create.
fn save(store: &Store, ticket: Ticket) {
    let event_id = format!("{}-{}", ticket.account, ticket.id);
    let update = Update {
        event_id: event_id.clone(),
        kind: UpdateKind::Create,
        account: ticket.account.clone(),
        ticket_id: ticket.id,
        at: base(),
        via: "email".into(),
        actor: None,
        changes: Changes::default(),
        automation: None,
    };
    let outcome = Outcome::unchanged(ticket);
    store
        .apply(&Applied {
            event_id: &event_id,
            line: None,
            payload: "{}",
            update: &update,
            before: None,
            outcome: &outcome,
        })
        .unwrap();
}

/// One condition, SQL-translatable or not.
fn leaf(r: &mut Rng) -> String {
    let status = r.pick(STATUSES);
    let tag = r.pick(TAGS);
    let tag2 = r.pick(TAGS);
    let field = r.pick(TIME_FIELDS);
    let hours = match r.below(2) {
        0 => r.below(3),
        _ => r.below(56),
    };
    let name = r.pick(NAMED);
    match r.below(26) {
        0 => format!("Status is {status}"),
        1 => format!("Status is not {status}"),
        2 => format!("Status less than {status}"),
        3 => format!("Status greater than {status}"),
        4 => format!("Tags contains at least one of {tag} {tag2}"),
        5 => format!("Tags contains all of {tag} {tag2}"),
        6 => format!("Tags contains none of {tag} {tag2}"),
        7 | 8 => format!("Hours since {field} is {hours}"),
        9 => format!("Hours since {field} less than {hours}"),
        10 | 11 => format!("Hours since {field} greater than {hours}"),
        12 => "Ticket is shared".into(),
        13 => "Ticket is not shared".into(),
        14 => format!("Shared with \"{name}\""),
        15 => format!("Received from \"{name}\""),
        16 => "Priority less than high".into(),
        17 => ["Priority is (none)", "Priority is not low", "Type is task"][r.below(3)].into(),
        18 => [
            "Group is \"tier 2\"",
            "Group is (none)",
            "Group is not \"Tier 2\"",
        ][r.below(3)]
        .into(),
        19 => ["Ticket source is email", "Ticket source is not web"][r.below(2)].into(),
        20 => [
            "Subject contains any of the words camera lens",
            "Subject contains none of the words caméra won't",
            "Subject contains \"ÉRA-L\"",
            "Subject does not contain \"lens\"",
        ][r.below(4)]
        .into(),
        // Left to memory.
        24 => "Subject matches /^cam/".into(),
        21 => "Custom field \"Model\" is X100".into(),
        // The same on every ticket in an automation.
        22 => ["Ticket is updated", "Update via is web", "Priority changed"][r.below(3)].into(),
        23 => {
            let not = ["", "not "][r.below(2)];
            format!("Ticket is {not}shared with agent \"{}\"", r.pick(AGENTS))
        }
        _ => format!("Tags contains at least one of {tag}"),
    }
}

/// A random expression: leaves joined by and/or, some negated, some
/// grouped.
fn expr(r: &mut Rng, depth: usize) -> String {
    let n = 1 + r.below(3);
    let parts: Vec<String> = (0..n)
        .map(|_| {
            let inner = if depth > 0 && r.below(4) == 0 {
                format!("({})", expr(r, depth - 1))
            } else {
                leaf(r)
            };
            if r.below(5) == 0 {
                format!("not {inner}")
            } else {
                inner
            }
        })
        .collect();
    let joiner = if r.below(3) == 0 { " or " } else { " and " };
    parts.join(joiner)
}

fn rules(r: &mut Rng) -> (String, RuleSet) {
    let mut text = String::new();
    for i in 0..AUTOMATIONS {
        let when = match r.below(10) {
            0 => String::new(),
            _ => format!("  when {}\n", expr(r, 2)),
        };
        text.push_str(&format!(
            "automation \"a{i}\" {{\n{when}  then Add tags swept\n}}\n"
        ));
    }
    let loaded = load_str("random.rules", text.clone(), Syntax::Dsl);
    assert!(
        loaded.diagnostics.is_empty(),
        "{text}\n{:?}",
        loaded.diagnostics
    );
    let set = engine::compile(&[Input {
        source: &loaded.source,
        file: &loaded.file,
    }]);
    assert_eq!(set.automations.len(), AUTOMATIONS, "{text}");
    (text, set)
}

#[test]
fn the_prefilter_changes_nothing_but_speed() {
    let mut compared = 0;
    let mut exact = 0;
    let mut narrowed = 0;
    for seed in 1..=STORES {
        let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0x2545_F491));
        let store = Store::in_memory().unwrap();
        // A second account with the same ticket ids: its tags and shares
        // must never count for the first's tickets.
        for account in ["support", "other"] {
            store.begin().unwrap();
            for id in 1..=TICKETS as i64 {
                save(&store, ticket(&mut r, account, id));
            }
            store.commit().unwrap();
        }
        let all = store
            .tickets(&TicketFilter {
                account: Some("support".into()),
                ..TicketFilter::default()
            })
            .unwrap();
        let open: Vec<&Ticket> = all.iter().filter(|t| t.status != Status::Closed).collect();
        let (text, set) = rules(&mut r);
        for _ in 0..TIMES {
            let hours = r.below(3) as i64 - 1;
            let at = base() + near_hours(&mut r, hours);
            for rule in &set.automations {
                let filter = prefilter(rule.cond.as_ref(), &set.interner, at);
                let candidates = store.sweep_candidates("support", &filter).unwrap();
                let loaded = store.tickets_by_id("support", &candidates).unwrap();
                let swept: Vec<i64> = loaded
                    .iter()
                    .filter(|t| automation::holds(&set, rule, t, at))
                    .map(|t| t.id)
                    .collect();
                let expected: Vec<i64> = open
                    .iter()
                    .filter(|t| automation::holds(&set, rule, t, at))
                    .map(|t| t.id)
                    .collect();
                let context = || {
                    format!(
                        "seed {seed}, at {at:?}, rule {:?}\n{text}\n{filter:?}",
                        rule.title
                    )
                };
                assert_eq!(swept, expected, "{}", context());
                assert_eq!(loaded.len(), candidates.len(), "{}", context());
                if filter.exact {
                    assert_eq!(candidates, expected, "exact filter: {}", context());
                    exact += 1;
                }
                if candidates.len() < open.len() {
                    narrowed += 1;
                }
                compared += 1;
            }
        }
    }
    eprintln!("{compared} sweeps compared: {narrowed} narrowed, {exact} exact");
    // The test means something only if many filters narrow and many are exact.
    assert!(narrowed * 2 > compared, "{narrowed} of {compared} narrowed");
    assert!(exact * 3 > compared, "{exact} of {compared} exact");
}
