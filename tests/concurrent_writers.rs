//! Issue 15, point 10: writers wait for each other, and a long automation
//! run commits as it goes, so an ingest running beside it waits its turn
//! instead of failing; a failed run reports its own error.

mod common;
use chrono::{TimeZone, Utc};
use common::desk::{creates, text, Desk};
use std::time::Duration;
use ticket_rules::automations::{self, Options};
use ticket_rules::engine::{self, Explain, Input};
use ticket_rules::ingest::{batched, BATCH};
use ticket_rules::rules::{load_str, Syntax};
use ticket_rules::store::{Store, StoreError};

/// Another process holds the write lock for 6 s (longer than the old 5 s
/// timeout): the ingest waits, then stores everything.
#[test]
fn an_ingest_waits_for_another_writer() {
    let desk = Desk::new("waits");
    desk.write("few.jsonl", &creates(3));
    let holder = Store::open_existing(&desk.path("store.db")).unwrap();
    holder.begin().unwrap();
    let child = desk
        .ingest_command("few.jsonl", &[])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(6));
    holder.commit().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(desk.applied(), 3);
}

const AUTOMATIONS: &str = "\
automation \"Open new tickets\" {
  when status is new and hours since created greater than 1
  then set status open
}
automation \"Then tag them\" {
  when status is open and tags contains none of swept
  then add tags swept
}
";

/// One automation over more than a batch of tickets: by the time it has
/// finished, a second connection already sees a batch committed.
#[test]
fn an_automation_run_commits_in_batches() {
    let desk = Desk::new("automation-batches");
    let count = BATCH + 500;
    desk.write("many.jsonl", &creates(count));
    assert!(desk.ingest("many.jsonl", &[]).status.success());
    let loaded = load_str("a.rules", AUTOMATIONS.to_string(), Syntax::Dsl);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let rules = engine::compile(&[Input {
        source: &loaded.source,
        file: &loaded.file,
    }]);
    let path = desk.path("store.db");
    let store = Store::open_existing(&path).unwrap();
    let options = Options {
        at: Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap(),
        cap: 100_000,
        dry_run: false,
        accounts: Vec::new(),
        explain: Explain::None,
    };
    let mut seen_by_another = Vec::new();
    let summary = automations::run(&store, &rules, &options, |seen| {
        let automations::Seen::Done(run) = seen else {
            return;
        };
        let other = Store::open_existing(&path).unwrap();
        let committed = other.applied_with_prefix("automation/", '~').unwrap();
        seen_by_another.push((run.changed, committed));
    })
    .unwrap();
    assert_eq!(summary.changed, 2 * count);
    let (changed, committed) = seen_by_another[0];
    assert_eq!(changed, count);
    assert!(
        committed >= BATCH,
        "only {committed} committed after the sweep"
    );
}

/// Work that fails after its transaction has gone (SQLite can end one on
/// its own) reports its own error, not `cannot rollback`.
#[test]
fn a_failed_run_reports_its_own_error() {
    let desk = Desk::new("own-error");
    let store = Store::open_existing(&desk.path("store.db")).unwrap();
    let result: Result<(), StoreError> = batched(&store, false, |_| {
        store.commit()?;
        Err(StoreError::Missing {
            path: "the cause".into(),
        })
    });
    let err = result.unwrap_err().to_string();
    assert_eq!(err, "no store at `the cause`");
}
