//! How fast an automation sweep reads: for each automation, the SQL
//! prefilter's candidates, those tickets loaded in chunks, and the whole
//! condition evaluated on each in memory; and the runner's dry run, which
//! also runs each match (up to the cap of 1,000 per automation) through
//! the pipeline and then rolls back. Over two stores of 1,000,000 tickets
//! a year deep: `year`, a help desk's usual mix, most tickets closed, and
//! `open`, where most are still open. The target is the whole sweep in
//! 5 s. Run with `cargo bench --bench automations`.
//!
//! The stores are built once with plain batched inserts (not through the
//! engine: a million events would take minutes) and kept under the
//! system's temporary folder (`/tmp/ticket-rules-bench/`, about 600 MB
//! each), so later runs reuse them; delete the files to build them again,
//! or when done. The `year` mix: a backlog of solved tickets from the
//! last two weeks, open and pending work of the last month, the rest
//! closed. The `open` mix: half open, a quarter new, pending or on hold,
//! a tenth each solved and closed, of any age. Both: a few tags per
//! ticket, one ticket in twenty shared with a partner.

/// The allocator the binary uses (`src/main.rs`), so these figures are
/// the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::{Duration, TimeZone, Utc};
use divan::Bencher;
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};
use ticket_rules::automations::{self, Options, DEFAULT_CAP};
use ticket_rules::engine::{automation, Explain, RuleSet};
use ticket_rules::model::Time;
use ticket_rules::store::{prefilter, time_value, Store};
use ticket_rules::Source;

fn main() {
    divan::main();
}

const TICKETS: i64 = 1_000_000;
const ACCOUNT: &str = "support";
/// Tickets loaded at a time: a chunk's tickets, not the sweep's, are
/// what a sweep holds in memory.
const CHUNK: usize = 512;

/// A help desk's usual automations: close what was solved days ago,
/// unshare solved partner tickets, remind and then close pending ones,
/// chase stale VIP and open tickets.
const RULES: &str = r#"
automation "Close solved after four days" {
  when Status is Solved and Hours since solved greater than 96
  then Set status closed
}
automation "Unshare solved partner tickets" {
  when Status is Solved and Shared with "Acme Optics" and Hours since solved greater than 24
  then Unshare ticket
}
automation "Remind pending once" {
  when Status is Pending and Hours since pending is 48
  then Notify requester "Still there?" "We are waiting on you for ticket {{ticket.id}}"
}
automation "Solve pending after ten days" {
  when Status is Pending and Hours since pending greater than 240
  then Set status solved
}
automation "Chase stale VIP tickets" {
  when Tags contains at least one of vip and Status less than Solved
   and Hours since updated greater than 8 and Tags contains none of vip_chased
  then Add tags vip_chased
}
automation "Escalate old open tickets" {
  when Status is Open and Hours since updated greater than 72
   and Tags contains none of stale
   and Subject contains any of the words order refund
  then Add tags stale
}
"#;

/// The time the sweep runs at; every ticket time is before it.
fn at() -> Time {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

/// The rules, parsed, checked and compiled: the bench runs only rules
/// `check` passes.
fn rules() -> RuleSet {
    ticket_rules::load(&[Source::dsl("automations.rules", RULES)])
        .unwrap_or_else(|d| panic!("the bench rules do not check: {d:?}"))
}

/// Which tickets a store holds.
#[derive(Clone, Copy, Debug)]
enum Mix {
    /// A year of a help desk: most tickets closed.
    Year,
    /// Most tickets still open.
    Open,
}

impl Mix {
    fn named(name: &str) -> Mix {
        match name {
            "open" => Mix::Open,
            _ => Mix::Year,
        }
    }

    /// A ticket's status, from its age and a number below 100.
    fn status(self, age_days: i64, draw: u64) -> &'static str {
        match self {
            Mix::Year => match (age_days, draw) {
                (0..=14, 0..=14) => "new",
                (0..=30, 0..=39) => "open",
                (0..=30, 40..=59) => "pending",
                (0..=30, 60..=64) => "hold",
                (0..=14, _) => "solved",
                (_, 0..=1) => "open",
                (_, 2..=3) => "pending",
                _ => "closed",
            },
            Mix::Open => match draw {
                0..=9 => "new",
                10..=59 => "open",
                60..=74 => "pending",
                75..=79 => "hold",
                80..=89 => "solved",
                _ => "closed",
            },
        }
    }
}

/// The store's file, built on first use.
fn store(mix: Mix) -> Store {
    let dir = std::env::temp_dir().join("ticket-rules-bench");
    std::fs::create_dir_all(&dir).unwrap();
    // The version in the name: a change of the mix or the schema builds a
    // new file (v2: tags in the ticket row).
    let name = match mix {
        Mix::Year => "tickets-1m-v2.db",
        Mix::Open => "tickets-1m-open-v2.db",
    };
    let path = dir.join(name);
    if !path.exists() {
        build(&dir, &path, mix);
    }
    Store::open_existing(&path).unwrap()
}

/// Writes the store to a scratch file and renames it into place, so an
/// interrupted build leaves no half store behind.
fn build(dir: &Path, path: &Path, mix: Mix) {
    let scratch: PathBuf = dir.join("building.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", scratch.display()));
    }
    drop(Store::open(&scratch).unwrap());
    let conn = Connection::open(&scratch).unwrap();
    conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; BEGIN")
        .unwrap();
    fill(&conn, mix);
    // No ANALYZE: a store in use has no statistics either, and the plans
    // measured should be the ones it gets.
    conn.execute_batch("COMMIT; PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    drop(conn);
    std::fs::rename(&scratch, path).unwrap();
}

/// The tests' seeded generator: the same store on every machine.
#[path = "../tests/common/rng.rs"]
#[allow(dead_code)]
mod rng;
use rng::Rng;

/// A time up to `days` before `from`, to the nanosecond.
fn before(r: &mut Rng, from: Time, days: i64) -> Time {
    let span = Duration::days(days).num_nanoseconds().unwrap_or(i64::MAX) as u64;
    from - Duration::nanoseconds((r.next() % span.max(1)) as i64)
}

/// A number below `n`.
fn below(r: &mut Rng, n: u64) -> u64 {
    r.next() % n
}

const TAGS: &[(&str, u64)] = &[
    ("vip", 3),
    ("billing", 12),
    ("image_sensor", 8),
    ("lens_module", 8),
    ("refund", 4),
    ("shipping", 10),
    ("warranty", 6),
    ("stale", 2),
];

fn fill(conn: &Connection, mix: Mix) {
    conn.execute(
        "INSERT OR IGNORE INTO accounts (name) VALUES (?1)",
        [ACCOUNT],
    )
    .unwrap();
    let mut ticket = conn
        .prepare(
            "INSERT INTO tickets (account, id, subject, description, status, priority, type,
                group_name, requester, via, created_at, updated_at, status_changed_at,
                open_at, pending_at, solved_at, assigned_at, requester_updated_at,
                assignee_updated_at, latest_comment_author, latest_comment_body,
                latest_comment_public, latest_comment_via, latest_comment_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'email', ?10, ?11, ?12, ?13, ?14,
                ?15, ?16, ?17, ?18, ?9, ?4, 1, 'email', ?11)",
        )
        .unwrap();
    // Tags live in the ticket's row, as ` a b c ` in order (migration 8).
    let mut tag = conn
        .prepare("UPDATE tickets SET tags = ?3 WHERE account = ?1 AND id = ?2")
        .unwrap();
    let mut share = conn
        .prepare(
            "INSERT INTO shares (account, ticket_id, direction, pos, agreement_id, agreement,
                partner, origin_id, active) VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8)",
        )
        .unwrap();
    let nanos = |t: Time| time_value(&t);
    let mut r = Rng(0x5EED_1234_ABCD_0001);
    let now = at();
    for id in 1..=TICKETS {
        let created = before(&mut r, now, 365);
        let age_days = (now - created).num_days();
        // In a year's mix, recent tickets are still being worked and older
        // ones are done.
        let status = mix.status(age_days, below(&mut r, 100));
        let worked = (now - created).num_days().clamp(1, 30);
        let updated = before(&mut r, now.min(created + Duration::days(worked)), 1).max(created);
        let open_at = (status != "new").then(|| created + Duration::minutes(5));
        let pending_at = match status {
            "pending" => Some(before(&mut r, now, 12).max(created)),
            _ if below(&mut r, 3) == 0 => Some(created + Duration::hours(2)),
            _ => None,
        };
        let solved_at = match status {
            "solved" => Some(before(&mut r, now, 14).max(created)),
            "closed" => Some((updated - Duration::days(4)).max(created)),
            _ => None,
        };
        let changed = solved_at.or(pending_at).unwrap_or(updated);
        let assigned = (status != "new").then(|| created + Duration::minutes(30));
        let priority = ["low", "normal", "normal", "high", "urgent"][below(&mut r, 5) as usize];
        let requester = format!("customer{}@example.com", below(&mut r, 200_000));
        let words = ["order", "refund", "camera", "lens", "invoice", "shipping"];
        let subject = format!(
            "Question about my {} #{}",
            words[below(&mut r, words.len() as u64) as usize],
            id
        );
        let description = format!(
            "Hello, I have a problem with my {} and would like some help, please. Ticket {id}.",
            words[below(&mut r, words.len() as u64) as usize]
        );
        ticket
            .execute(params![
                ACCOUNT,
                id,
                subject,
                description,
                status,
                priority,
                ["question", "incident", "problem", "task"][below(&mut r, 4) as usize],
                ["Tier 1", "Tier 2", "Billing"][below(&mut r, 3) as usize],
                requester,
                nanos(created),
                nanos(updated),
                nanos(changed),
                open_at.and_then(nanos),
                pending_at.and_then(nanos),
                solved_at.and_then(nanos),
                assigned.and_then(nanos),
                nanos(created),
                assigned.and_then(nanos),
            ])
            .unwrap();
        let mut names: Vec<&str> = Vec::new();
        for (name, percent) in TAGS {
            if below(&mut r, 100) < *percent {
                names.push(name);
            }
        }
        if !names.is_empty() {
            names.sort_unstable();
            let text = format!(" {} ", names.join(" "));
            tag.execute(params![ACCOUNT, id, text]).unwrap();
        }
        match below(&mut r, 100) {
            0..=4 => {
                let (agreement_id, agreement) = match below(&mut r, 4) {
                    0 => (2, "Northwind"),
                    _ => (1, "Acme Optics"),
                };
                let active = below(&mut r, 5) != 0;
                share
                    .execute(params![
                        ACCOUNT,
                        id,
                        "sent",
                        agreement_id,
                        agreement,
                        "acme",
                        None::<i64>,
                        active
                    ])
                    .unwrap();
            }
            5..=6 => {
                share
                    .execute(params![
                        ACCOUNT,
                        id,
                        "received",
                        3,
                        "Upstream",
                        "upstream",
                        id + 5_000_000,
                        true
                    ])
                    .unwrap();
            }
            _ => {}
        }
    }
}

/// One automation's sweep: its candidates, loaded a chunk at a time,
/// and the ones it holds on counted.
fn sweep_one(store: &Store, rules: &RuleSet, index: usize) -> (usize, usize) {
    let rule = &rules.automations[index];
    let filter = prefilter::prefilter(rule.cond.as_ref(), &rules.interner, at());
    let ids = store.sweep_candidates(ACCOUNT, &filter).unwrap();
    let mut holds = 0;
    for chunk in ids.chunks(CHUNK) {
        let tickets = store.tickets_by_id(ACCOUNT, chunk).unwrap();
        holds += tickets
            .iter()
            .filter(|t| automation::holds(rules, rule, t, at()))
            .count();
    }
    (ids.len(), holds)
}

/// Every automation in turn: one run's reads.
#[divan::bench(sample_count = 5, args = ["year", "open"])]
fn whole_sweep(bencher: Bencher, mix: &str) {
    let store = store(Mix::named(mix));
    let rules = rules();
    bencher.bench_local(|| {
        (0..rules.automations.len())
            .map(|i| sweep_one(&store, &rules, i).1)
            .sum::<usize>()
    });
}

/// Each automation on its own, to see which costs what.
#[divan::bench(sample_count = 5, args = [0, 1, 2, 3, 4, 5])]
fn one_automation(bencher: Bencher, index: usize) {
    one(bencher, Mix::Year, index);
}

/// Each automation on its own, most tickets open.
#[divan::bench(sample_count = 5, args = [0, 1, 2, 3, 4, 5])]
fn one_automation_open(bencher: Bencher, index: usize) {
    one(bencher, Mix::Open, index);
}

fn one(bencher: Bencher, mix: Mix, index: usize) {
    let store = store(mix);
    let rules = rules();
    let (candidates, holds) = sweep_one(&store, &rules, index);
    eprintln!(
        "{mix:?} {:?}: {candidates} candidates, {holds} hold",
        rules.automations[index].title
    );
    bencher.bench_local(|| sweep_one(&store, &rules, index));
}

/// `automations run --dry-run`: the sweep, then up to the cap of tickets
/// per automation through the pipeline (actions, triggers, the writes),
/// all rolled back.
#[divan::bench(sample_count = 5, args = ["year", "open"])]
fn runner_dry_run(bencher: Bencher, mix: &str) {
    let store = store(Mix::named(mix));
    let rules = rules();
    let options = Options {
        at: at(),
        cap: DEFAULT_CAP,
        dry_run: true,
        accounts: Vec::new(),
        explain: Explain::None,
    };
    bencher.bench_local(|| {
        let summary = automations::run(&store, &rules, &options, |_| {}).unwrap();
        assert!(summary.changed > 0);
        summary
    });
}
