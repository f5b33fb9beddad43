//! Scenario folders under `tests/engine/`, each a small world: rule files
//! (`rules*.rules|yaml|json`), optional `agreements.json`, optional
//! `tickets.jsonl` (tickets that exist before, ingested with no rules) and
//! `events.jsonl` (what the scenario is about).
//!
//! An optional `staff` file adds the accounts and agents the events name,
//! as `accounts add` and `agents add` would (events never make them): one
//! `account NAME`, `agent ACCOUNT EMAIL` or `admin ACCOUNT EMAIL` a line.
//!
//! For each: the events are dry-run against a real store file, which must
//! be byte-for-byte unchanged; then ingested, and the report `ingest`
//! prints must be byte-for-byte the dry run's; then ingested again, which
//! must change nothing (every event a duplicate or rejected again). The
//! dry-run text, the store afterwards and the dry-run JSON are snapshots.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use ticket_rules::engine::{compile::compile_loaded, Explain, RuleSet};
use ticket_rules::ingest::{incoming, Incoming, Pipeline, Status};
use ticket_rules::model::agreement::{from_api_json, Agreement};
use ticket_rules::report::{event_json, event_text, ticket_text};
use ticket_rules::rules::check::CheckOptions;
use ticket_rules::rules::check_paths;
use ticket_rules::store::{EventState, Store, TicketFilter};

/// The issue asks for at least this many.
const MIN_SCENARIOS: usize = 25;

fn rules(dir: &Path) -> RuleSet {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.starts_with("rules") && !p.is_dir()
        })
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "{}: no rules file", dir.display());
    let files = check_paths(&paths, &CheckOptions::default()).unwrap();
    for (loaded, diags) in &files {
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", loaded.source.path);
    }
    compile_loaded(&files)
}

fn events(path: &Path) -> Vec<Incoming> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    incoming(text.as_bytes()).collect()
}

/// Agreements by account: each entry may say whose side it is (`account`),
/// default `support`.
fn import_agreements(store: &Store, dir: &Path) {
    let Ok(text) = std::fs::read_to_string(dir.join("agreements.json")) else {
        return;
    };
    let mut by_account: BTreeMap<String, Vec<Agreement>> = BTreeMap::new();
    for a in from_api_json(&text).unwrap() {
        let account = if a.account.is_empty() {
            "support".to_string()
        } else {
            a.account.clone()
        };
        by_account.entry(account).or_default().push(a);
    }
    store.begin().unwrap();
    for (account, list) in by_account {
        store.import_agreements(&account, &list).unwrap();
    }
    store.commit().unwrap();
}

/// Everything the store holds, as text, to compare runs.
fn dump(store: &Store) -> String {
    let mut out = String::new();
    for t in store.tickets(&TicketFilter::default()).unwrap() {
        let comments = store.comments(&t.account, t.id).unwrap();
        let audit = store.audit(&t.account, t.id).unwrap();
        out.push_str(&ticket_text(&t, &comments, &audit));
        out.push_str(&format!("{t:?}\n"));
    }
    out.push_str("events:\n");
    for e in store.events().unwrap() {
        out.push_str(&format!("  {e:?}\n"));
    }
    out.push_str("outbox:\n");
    for o in store.outbox().unwrap() {
        out.push_str(&format!("  {o:?}\n"));
    }
    out
}

/// The accounts and agents of the folder's `staff` file.
fn add_staff(store: &Store, dir: &Path) {
    let Ok(text) = std::fs::read_to_string(dir.join("staff")) else {
        return;
    };
    store.begin().unwrap();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["account", name] => assert!(store.add_account(name).unwrap(), "{line}"),
            [role @ ("agent" | "admin"), account, email] => {
                let admin = role == "admin";
                assert!(store.upsert_agent(account, email, None, admin).unwrap());
            }
            _ => panic!("{}: bad staff line `{line}`", dir.display()),
        }
    }
    store.commit().unwrap();
}

/// Tickets that exist before the scenario: ingested with no rules.
fn seed(store: &Store, events: Vec<Incoming>) {
    Pipeline::new(store, &RuleSet::default(), Explain::None)
        .run(events, false, |_| {})
        .unwrap();
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn scenarios() {
    // Relative, so the sources in reports do not depend on the checkout.
    let dirs = common::scenario::dirs_in(Path::new("tests/engine"));
    assert!(dirs.len() >= MIN_SCENARIOS, "only {} scenarios", dirs.len());
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let (text, json) = scenario(&dir, &name);
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("scenario", text);
            insta::assert_json_snapshot!("scenario_json", json);
        });
    }
}

fn scenario(dir: &Path, name: &str) -> (String, serde_json::Value) {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("engine")
        .join(name);
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let db = tmp.join("store.db");
    let rules = rules(dir);
    {
        let store = Store::open(&db).unwrap();
        add_staff(&store, dir);
        import_agreements(&store, dir);
        seed(&store, events(&dir.join("tickets.jsonl")));
    }
    let events_path = dir.join("events.jsonl");
    assert!(events_path.exists(), "{name}: no events.jsonl");

    // Dry run: reported, and the store file untouched.
    let before = bytes(&db);
    let (dry_text, dry_json) = {
        let store = Store::open_existing(&db).unwrap();
        report(&store, &rules, events(&events_path), true)
    };
    assert_eq!(before, bytes(&db), "{name}: dry-run changed the store file");

    // Ingest: the same report, byte for byte.
    let store = Store::open(&db).unwrap();
    let (ingest_text, _) = report(&store, &rules, events(&events_path), false);
    assert_eq!(
        dry_text, ingest_text,
        "{name}: ingest did not do what dry-run said"
    );
    let after = dump(&store);

    // Replay: nothing changes; every event is a duplicate or rejected again.
    let mut statuses = Vec::new();
    Pipeline::new(&store, &rules, Explain::None)
        .importing_copies(true)
        .run(events(&events_path), false, |p| {
            statuses.push(matches!(p.status, Status::Duplicate | Status::Rejected(_)))
        })
        .unwrap();
    assert!(
        statuses.iter().all(|s| *s),
        "{name}: a replayed event applied again"
    );
    assert_eq!(
        after,
        dump(&store),
        "{name}: replaying the events changed the store"
    );

    let mut text = format!("== dry-run\n{dry_text}\n== store after ingest\n");
    for t in store.tickets(&TicketFilter::default()).unwrap() {
        let comments = store.comments(&t.account, t.id).unwrap();
        let audit = store.audit(&t.account, t.id).unwrap();
        text.push_str(&ticket_text(&t, &comments, &audit));
    }
    let rejected: Vec<String> = store
        .events()
        .unwrap()
        .iter()
        .filter_map(|e| match &e.state {
            EventState::Rejected { reason } => {
                let line = e.line.map_or(String::new(), |l| format!(" (line {l})"));
                Some(format!("  {}{line}: {reason}", e.event_id))
            }
            EventState::Applied => None,
        })
        .collect();
    if !rejected.is_empty() {
        text.push_str(&format!("rejected events:\n{}\n", rejected.join("\n")));
    }
    let outbox = store.outbox().unwrap();
    if !outbox.is_empty() {
        text.push_str("outbox:\n");
        for o in outbox {
            text.push_str(&format!("  {} {}\n", o.kind, o.payload));
        }
    }
    (text, serde_json::Value::Array(dry_json))
}

/// Runs events and returns the report text and JSON of each.
fn report(
    store: &Store,
    rules: &RuleSet,
    events: Vec<Incoming>,
    dry: bool,
) -> (String, Vec<serde_json::Value>) {
    let mut text = String::new();
    let mut json = Vec::new();
    // Copies from remote partners stand for what the partner protocol
    // brings: the admin imports them here.
    Pipeline::new(store, rules, Explain::Failed)
        .importing_copies(true)
        .run(events, dry, |p| {
            text.push_str(&event_text(p));
            json.push(event_json(p));
        })
        .unwrap();
    (text, json)
}
