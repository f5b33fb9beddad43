//! The engine's commands through the real binary: `demo`, `ingest`,
//! `dry-run`, `tickets` and `agreements import`, their exit codes, and the
//! promises an admin relies on (a dry run writes nothing and says what
//! ingest then does; a replay changes nothing).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ticket-rules"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh folder for one test's store.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli_engine")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A store with the demo's two local accounts, their agreements and the
/// agents the demo's events name (events never make accounts or staff).
fn demo_store(name: &str) -> String {
    let db = scratch(name).join("store.db").display().to_string();
    for (account, agent) in [
        ("support", "bo@support.example"),
        ("acme", "tess@acme.example"),
    ] {
        let added = run(&["accounts", "add", account, "--db", &db]);
        assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
        let added = run(&["agents", "add", account, agent, "--db", &db]);
        assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    }
    for (account, n) in [("support", 3), ("acme", 1)] {
        let file = format!("demo/agreements/{account}.json");
        let out = run(&[
            "agreements",
            "import",
            &file,
            "--db",
            &db,
            "--account",
            account,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let s = if n == 1 { "" } else { "s" };
        let said = format!("imported {n} agreement{s} for `{account}`");
        assert!(stdout(&out).contains(&said), "{}", stdout(&out));
    }
    db
}

/// The demo's rules folder (for `check` and `fmt`).
const RULES: &str = "demo/rules";
/// Each account's own rules, for the commands that run them.
const SUPPORT: &str = "support=demo/rules/support.rules";
const ACME: &str = "acme=demo/rules/acme.rules";
const EVENTS: &str = "demo/events.jsonl";

#[test]
fn demo_runs_on_built_in_data() {
    let out = run(&["demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("summary: 9 applied, 2 rejected, 1 duplicate, 13 rules fired; sharing: 8 partner updates, 2 queued for remote partners"),
        "{text}"
    );
    assert!(
        text.contains("share with \"Ledger Billing\" refused"),
        "{text}"
    );
    assert!(
        text.contains("shared with \"Acme Optics\" (account acme)"),
        "{text}"
    );
    assert!(
        text.contains("hop 1: copy from ticket 101 in support to ticket 1 in acme"),
        "{text}"
    );
    assert!(
        text.contains("hop 2: sync from ticket 1 in acme to ticket 101 in support"),
        "{text}"
    );
    assert!(
        text.contains("ticket 1 in acme: \"Camera won't focus\""),
        "{text}"
    );
    // A day later the automations unshare the solved ticket; Acme's copy stays.
    assert!(
        text.contains("ticket 101: unshared from \"Acme Optics\" (account acme), tag unshared_after_solve added; 1 partner update"),
        "{text}"
    );
    assert!(
        text.contains(
            "ticket 103: notification to dee@example.com: \"Still need help with Shutter sticks?\""
        ),
        "{text}"
    );
    assert!(
        text.contains("summary: 2 automations ran: 2 tickets changed, 0 already changed this hour, 0 left over the cap, 2 rules fired"),
        "{text}"
    );
    assert!(
        text.contains(
            "received from \"Acme Optics\" (account support, their ticket 101): unshared"
        ),
        "{text}"
    );
    assert!(
        text.contains("outbox #4: share of ticket 103 in support for remote `northwind`"),
        "{text}"
    );
    assert!(text.contains("outbox: 6 row(s) waiting"), "{text}");
}

#[test]
fn ingest_counts_rejects_and_replays_as_duplicates() {
    let db = demo_store("ingest");
    let out = run(&[
        "ingest", "--db", &db, "--rules", SUPPORT, "--rules", ACME, EVENTS,
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "rejections exit 1: {}",
        stderr(&out)
    );
    assert_eq!(
        stdout(&out).trim(),
        "9 applied, 2 rejected, 1 duplicate, 13 rules fired; sharing: 8 partner updates, 2 queued for remote partners"
    );
    let err = stderr(&out);
    assert!(
        err.contains("rejected: event e6 (line 8): ticket 999 does not exist in `support`"),
        "{err}"
    );
    assert!(err.contains("event e7 (line 9): line 9, column"), "{err}");
    let shown = run(&[
        "tickets",
        "show",
        "101",
        "--db",
        &db,
        "--account",
        "support",
    ]);
    let before = stdout(&shown);

    let again = run(&[
        "ingest", "--db", &db, "--rules", SUPPORT, "--rules", ACME, EVENTS,
    ]);
    assert_eq!(
        stdout(&again).trim(),
        "0 applied, 2 rejected, 10 duplicate, 0 rules fired"
    );
    assert_eq!(
        before,
        stdout(&run(&[
            "tickets",
            "show",
            "101",
            "--db",
            &db,
            "--account",
            "support"
        ]))
    );
}

#[test]
fn dry_run_writes_nothing_and_says_what_ingest_does() {
    let db = demo_store("dry_run");
    let file = std::fs::read(&db).unwrap();
    let dry = run(&[
        "dry-run", "--db", &db, "--rules", SUPPORT, "--rules", ACME, "--event", EVENTS,
    ]);
    assert_eq!(dry.status.code(), Some(1), "{}", stderr(&dry));
    assert_eq!(
        file,
        std::fs::read(&db).unwrap(),
        "dry-run changed the store"
    );
    assert!(run(&["tickets", "list", "--db", &db])
        .stdout
        .starts_with(b"no tickets"));

    let ingest = run(&[
        "ingest",
        "--db",
        &db,
        "--rules",
        SUPPORT,
        "--rules",
        ACME,
        EVENTS,
        "--report",
        "--explain",
        "failed",
    ]);
    let report = stdout(&ingest);
    let summary = "9 applied, 2 rejected, 1 duplicate, 13 rules fired; sharing: 8 partner updates, 2 queued for remote partners\n";
    assert_eq!(report.strip_suffix(summary), Some(stdout(&dry).as_str()));
    let text = stdout(&dry);
    assert!(
        text.contains("Set status open → status pending → open"),
        "{text}"
    );
    assert!(
        text.contains("✗ Ticket is Created: ticket is updated"),
        "a trigger that did not fire says why: {text}"
    );
}

#[test]
fn dry_run_json_and_explain_all() {
    let db = demo_store("dry_run_json");
    let out = run(&[
        "dry-run",
        "--db",
        &db,
        "--rules",
        SUPPORT,
        "--rules",
        ACME,
        "--event",
        EVENTS,
        "--format",
        "json",
        "--explain",
        "all",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // The shape `ingest --report --format json` prints, marked a dry run.
    assert_eq!(json["dry_run"], true, "{json}");
    assert_eq!(json["rejected"], 2, "{json}");
    let events = json["events"].as_array().unwrap();
    assert_eq!(events.len(), 12);
    assert_eq!(events[0]["status"], "applied");
    assert_eq!(events[6]["status"], "duplicate");
    assert_eq!(events[7]["status"], "rejected");
    let copy = &events[0]["sharing"][0];
    assert_eq!(copy["what"], "ran", "{copy}");
    assert_eq!(copy["kind"], "copy", "{copy}");
    assert_eq!(copy["update"]["account"], "acme", "{copy}");
    let partner_fired = &copy["result"]["applied"]["fired"][0];
    assert_eq!(partner_fired["title"], "Escalate tickets shared with us");
    let fired = &events[0]["outcome"]["fired"][0];
    assert_eq!(fired["title"], "Route camera hardware to Tier 2");
    assert_eq!(fired["conditions"][0]["held"], true, "{fired}");
}

#[test]
fn dry_run_on_a_stored_ticket() {
    let db = demo_store("dry_run_ticket");
    run(&[
        "ingest", "--db", &db, "--rules", SUPPORT, "--rules", ACME, EVENTS,
    ]);
    let out = run(&[
        "dry-run",
        "--db",
        &db,
        "--rules",
        SUPPORT,
        "--rules",
        ACME,
        "--ticket",
        "102",
        "--account",
        "support",
        "--at",
        "2026-11-21T12:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("update of ticket 102 in support via api"),
        "{text}"
    );
    assert!(text.contains("fired: none"), "{text}");
}

#[test]
fn dry_run_with_no_store_takes_a_ticket_inline() {
    let dir = scratch("ticket_json");
    let db = dir.join("never.db");
    let ticket = dir.join("ticket.json");
    std::fs::write(
        &ticket,
        r#"{"id": 7, "subject": "Lens cracked", "tags": ["lens_module", "vip"], "priority": "normal", "requester": "dee@example.com", "comment": {"body": "Dropped it"}}"#,
    )
    .unwrap();
    let out = run(&[
        "dry-run",
        "--db",
        db.to_str().unwrap(),
        "--rules",
        SUPPORT,
        "--rules",
        ACME,
        "--ticket-json",
        ticket.to_str().unwrap(),
        "--agreements",
        "demo/agreements/support.json",
        "--at",
        "2026-11-21T09:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("\"Route camera hardware to Tier 2\""),
        "{text}"
    );
    assert!(text.contains("\"Escalate VIP tickets\""), "{text}");
    assert!(!db.exists(), "--ticket-json needs no store and makes none");
}

#[test]
fn dry_run_needs_an_existing_store() {
    let db = scratch("missing").join("nope.db");
    let out = run(&[
        "dry-run",
        "--db",
        db.to_str().unwrap(),
        "--rules",
        SUPPORT,
        "--rules",
        ACME,
        "--event",
        EVENTS,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no store at"), "{}", stderr(&out));
    assert!(!db.exists());
    // And its help says so, rather than that the store is created.
    let help = String::from_utf8_lossy(&run(&["dry-run", "--help"]).stdout).into_owned();
    assert!(help.contains("it must exist already"), "{help}");
    assert!(!help.contains("created on first use"), "{help}");
}

#[test]
fn rules_with_errors_never_run() {
    let db = demo_store("bad_rules");
    let out = run(&[
        "ingest",
        "--db",
        &db,
        "--rules",
        "tests/check/err/unknown_field.rules",
        EVENTS,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nothing was run"), "{}", stderr(&out));
    assert!(run(&["tickets", "list", "--db", &db])
        .stdout
        .starts_with(b"no tickets"));
}

#[test]
fn tickets_show_and_list() {
    let db = demo_store("tickets");
    run(&[
        "ingest", "--db", &db, "--rules", SUPPORT, "--rules", ACME, EVENTS,
    ]);
    let show = stdout(&run(&[
        "tickets",
        "show",
        "101",
        "--db",
        &db,
        "--account",
        "support",
    ]));
    assert!(
        show.contains("shared with \"Acme Optics\" (account acme): syncing"),
        "{show}"
    );
    assert!(
        show.contains(
            "e4 rule \"Reopen when the customer replies\": Set status open: pending → open"
        ),
        "{show}"
    );
    let json = run(&[
        "tickets",
        "show",
        "101",
        "--db",
        &db,
        "--account",
        "support",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["ticket"]["status"], "solved");
    assert!(json["audit"].as_array().unwrap().len() > 10);

    let list = stdout(&run(&[
        "tickets", "list", "--db", &db, "--status", "solved",
    ]));
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(list.starts_with("acme/1 solved"), "{list}");
    assert!(list.contains("\nsupport/101 solved"), "{list}");
    let shared = stdout(&run(&["tickets", "list", "--db", &db, "--not-shared"]));
    assert!(shared.starts_with("support/102"), "{shared}");
    let missing = run(&["tickets", "show", "5", "--db", &db, "--account", "support"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no ticket 5 in `support`"));
}

#[test]
fn agreements_import_rejects_what_is_not_the_api_shape() {
    let dir = scratch("agreements");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"agreements": []}"#).unwrap();
    let db = dir.join("s.db");
    let out = run(&[
        "agreements",
        "import",
        bad.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--account",
        "support",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not Sharing Agreements API JSON"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn demo_rules_are_clean_and_formatted() {
    let check = run(&["check", RULES]);
    assert_eq!(check.status.code(), Some(0));
    assert!(
        stdout(&check).contains("0 errors, 0 warnings"),
        "{}",
        stdout(&check)
    );
    let fmt = run(&["fmt", "--check", RULES]);
    assert_eq!(fmt.status.code(), Some(0), "{}", stdout(&fmt));
}
